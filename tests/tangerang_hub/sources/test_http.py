"""The polite HTTP layer, against the sample server's misbehaving routes."""

from __future__ import annotations

import pytest

from tangerang_hub.http_client import USER_AGENT, HttpClient, decode_json, retry_after_seconds
from tangerang_hub.sources.base import SourceError


def client(base: str, **kwargs: object) -> tuple[HttpClient, list[float]]:
    waits: list[float] = []
    return HttpClient(base, sleep=waits.append, **kwargs), waits  # type: ignore[arg-type]


def test_429_then_200_succeeds_after_honouring_retry_after(sample_server: str) -> None:
    http, waits = client(sample_server)
    data = http.get_json("test/retry-once", params={"id": "http-429"})
    assert [row["nama"] for row in data["data"]] == ["Cipondoh", "Pinang"]
    assert waits == [1.0]


def test_503_then_200_succeeds_with_backoff(sample_server: str) -> None:
    http, waits = client(sample_server, backoff=0.5)
    assert http.get_json("test/unavailable-once", params={"id": "http-503"})["data"]
    assert waits == [0.5]


def test_retry_after_beyond_the_bound_fails_without_waiting(sample_server: str) -> None:
    http, waits = client(sample_server, max_wait=30)
    with pytest.raises(SourceError, match="retry after 3600s") as caught:
        http.get("test/always-429")
    assert caught.value.status == 429
    assert waits == []


def test_truncated_json_names_the_url(sample_server: str) -> None:
    http, _ = client(sample_server)
    with pytest.raises(SourceError, match=r"invalid JSON from http://.*/test/truncated\.json"):
        http.get_json("test/truncated.json")


def test_body_shorter_than_content_length_fails(sample_server: str) -> None:
    http, _ = client(sample_server, retries=0)
    with pytest.raises(SourceError, match="short-body.json"):
        http.get_json("test/short-body.json")


def test_byte_cap_aborts_the_download(sample_server: str) -> None:
    http, _ = client(sample_server, max_bytes=10_000)
    with pytest.raises(SourceError, match="cap of 10000"):
        http.get("test/large.csv", params={"bytes": "50000"})
    assert len(http.get("test/large.csv", params={"bytes": "2000"}).content) < 10_000


def test_user_agent_names_the_hub(sample_server: str) -> None:
    http, _ = client(sample_server)
    headers = http.get_json("test/echo-headers")["headers"]
    assert headers["user-agent"] == USER_AGENT
    assert USER_AGENT.startswith("tangerang-open-data-hub/")


def test_conditional_request_costs_one_small_reply(sample_server: str) -> None:
    http, _ = client(sample_server)
    first = http.get("dlh/tps.csv")
    assert first.status == 200 and first.etag and first.last_modified
    again = http.get("dlh/tps.csv", state={"etag": first.etag})
    assert again.not_modified and again.content == b""
    by_date = http.get("dlh/tps.csv", state={"last_modified": first.last_modified})
    assert by_date.not_modified


def test_secrets_are_masked_in_errors(sample_server: str) -> None:
    http, _ = client(sample_server, redact=("topsecret",))
    with pytest.raises(SourceError) as caught:
        http.get("nowhere/topsecret/")
    assert "topsecret" not in str(caught.value)
    assert "***" in str(caught.value)


def test_decode_json_and_retry_after_parsing() -> None:
    assert decode_json(b'\xef\xbb\xbf{"a": 1}', "u") == {"a": 1}
    with pytest.raises(SourceError, match="empty body"):
        decode_json(b"  ", "u")
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
