"""Whether the current web request is the action API's call of a given action.

A read counted as use (``usage``) or audited as an attempt at restricted rows
(``access_actions``) is one a client asked for through ``/api/[3/]action/<name>``; the same
action run while rendering a page, or by another route, is the site's own work.
"""

from __future__ import annotations

from flask import has_request_context, request


def is_api_call_of(action_name: str) -> bool:
    """True inside a request to the action API for ``action_name`` itself."""
    return (
        has_request_context()
        and request.endpoint == "api.action"
        and (request.view_args or {}).get("logic_function") == action_name
    )
