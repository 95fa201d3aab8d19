"""Give xloader's worker an API token of CKAN's site user (once per site).

xloader's job fetches the uploaded file and writes the DataStore as the site
user; CKAN 2.10+ requires that token in `ckanext.xloader.api_token`. The token
is CKAN-internal and never leaves this machine's var/secrets/.

Usage (CKAN env): python stack/xloader_token.py CKAN_INI TOKEN_FILE
"""

import sys
from pathlib import Path

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from services import write_private  # noqa: E402 - stack/ is not a package


def main(ini: str, token_file: str) -> None:
    target = Path(token_file)
    app = make_app(CKANConfigLoader(ini).get_config())
    with app._wsgi_app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan.lib.api_token import get_user_from_token

        context = {"ignore_auth": True}
        site_user = tk.get_action("get_site_user")(context, {})
        kept = target.read_text().strip() if target.exists() else ""
        owner = get_user_from_token(kept, update_access_time=False) if kept else None
        if owner is not None and owner.name == site_user["name"]:
            return  # still valid (a recreated database invalidates old tokens)
        token = tk.get_action("api_token_create")(
            {**context, "user": site_user["name"]}, {"user": site_user["name"], "name": "xloader"}
        )["token"]
    write_private(target, token)
    print(f"  xloader token for {site_user['name']} written to {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
