"""Credentials out of what an action returns: an API caller never reads a token back.

``without_secrets`` copies a JSON-like value (dicts, lists, tuples, scalars)
and leaves out every mapping key that names a credential, at any depth. In
the strings that remain, CKAN API tokens (JWTs) and the ``known`` secrets are
replaced by ``[redacted]``, so a token quoted in a log line or an error
message does not get through either.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

# Key names that hold credentials: api_key, apikey, api_token, token, secret, password, ...
SECRET_KEY = re.compile(r"api[_-]?key|token|secret|passw(or)?d|authori[sz]ation|credential", re.I)
# CKAN's API tokens are JWTs: three base64url parts, the first a JSON header ('{"' -> "eyJ").
JWT = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
REDACTED = "[redacted]"


def without_secrets(value: Any, known: Collection[str] = ()) -> Any:
    """``value`` without credential keys, and with tokens and ``known`` secrets redacted."""
    secrets = sorted({s for s in known if s}, key=len, reverse=True)
    return _clean(value, secrets)


def _clean(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, dict):
        return {
            key: _clean(item, secrets)
            for key, item in value.items()
            if not (isinstance(key, str) and SECRET_KEY.search(key))
        }
    if isinstance(value, list | tuple):
        return [_clean(item, secrets) for item in value]
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, REDACTED)
        return JWT.sub(REDACTED, value)
    return value
