"""redact.without_secrets: no credential key at any depth, no token in any string."""

from __future__ import annotations

from ckanext.tangerang.redact import REDACTED, without_secrets

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJqdGkiOiJhYmMifQ.c2lnbmF0dXJl"


def test_credential_keys_go_at_any_depth():
    value = {
        "status": "complete",
        "task_info": {
            "api_key": JWT,
            "job_id": "j1",
            "metadata": {"Authorization": "x", "resource_id": "r1"},
            "logs": [{"message": "ok", "apitoken": "x"}, ("API-Key", {"secret": 1})],
        },
        "access_token": "x",
        "password": "x",
    }
    assert without_secrets(value) == {
        "status": "complete",
        "task_info": {
            "job_id": "j1",
            "metadata": {"resource_id": "r1"},
            "logs": [{"message": "ok"}, ["API-Key", {}]],
        },
    }


def test_tokens_and_known_secrets_in_text_are_redacted():
    value = {"error": f"401 with header {JWT}", "logs": [{"message": "key s3cr3t-value used"}]}
    assert without_secrets(value, known=["s3cr3t-value", ""]) == {
        "error": f"401 with header {REDACTED}",
        "logs": [{"message": f"key {REDACTED} used"}],
    }


def test_other_values_are_kept_as_they_are():
    value = {"rows": 3, "ok": True, "none": None, "text": "Diterbitkan: 3 baris.", "ids": [1, 2]}
    assert without_secrets(value) == value
