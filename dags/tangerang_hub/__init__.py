"""Engine of the Kota Tangerang open-data hub.

Importable without Airflow: contracts, reference data, normalization, staging and the pipeline
run from the `hub` CLI as well as from the generated DAGs.
"""

__version__ = "0.1.0"
