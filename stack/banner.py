"""Print where the demo stack answers and how to log in."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
passwords = json.loads((ROOT / "var/secrets/airflow_passwords.json").read_text())
print(
    f"""
Satu Data Kota Tangerang — demo berjalan (the demo stack is up)

  Katalog CKAN        http://127.0.0.1:5000
    API               http://127.0.0.1:5000/api/3/action/package_search
  Airflow             http://127.0.0.1:8080   user admin / {passwords["admin"]}
  Solr 9              http://127.0.0.1:8983/solr/ckan/select?q=*:*
  Sumber contoh       http://127.0.0.1:8765   (sample agency server)

  Token bot pipeline  var/secrets/ckan_bot_token (also the Airflow connection ckan_default)
  Log                 var/log/<service>.log     Status: make status     Stop: make stop
"""
)
