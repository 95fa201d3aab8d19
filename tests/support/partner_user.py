"""Make a member of a partner university on a live CKAN site, with an API token.

Run in the CKAN environment (the test site's own code and database, as `ckan` commands do):
``.venv/ckan/bin/python tests/support/partner_user.py CKAN_INI ORGANIZATION USER_NAME``.
Prints ``{"name": ..., "token": ...}``. Browser tests use it to act as a partner without a
password form; the user, the membership and the token are real CKAN objects.
"""

from __future__ import annotations

import json
import secrets
import sys

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app


def main(ini: str, organization: str, name: str) -> None:
    app = make_app(CKANConfigLoader(ini).get_config())
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk

        site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site_user, "ignore_auth": True}
        tk.get_action("user_create")(
            dict(context),
            {
                "name": name,
                "email": f"{name}@mahasiswa.example.ac.id",
                "fullname": f"Mahasiswa Uji {name}",
                "password": secrets.token_urlsafe(24),
            },
        )
        tk.get_action("organization_member_create")(
            dict(context), {"id": organization, "username": name, "role": "member"}
        )
        token = tk.get_action("api_token_create")(
            dict(context), {"user": name, "name": "uji-peramban"}
        )["token"]
    print(json.dumps({"name": name, "token": token}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
