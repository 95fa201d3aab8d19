"""A failed run's report message goes through the one masker (issue 11, item 3): the public
`/riwayat-proses` page shows it to anonymous visitors."""

from __future__ import annotations

from tangerang_hub.pipeline import MAX_FAILURE_CHARS, failure_text

NIK, PHONE = "3671014502900001", "081234567890"


def test_personal_data_in_an_exception_is_masked_in_the_report() -> None:
    exc = ValueError(f'agency said {{"nik":"{NIK}","hp":"{PHONE}","mail":"budi@example.com"}}')
    text = failure_text(exc)
    assert text.startswith("ValueError: agency said")
    for raw in (NIK, PHONE, "budi@example.com"):
        assert raw not in text, text


def test_the_message_is_cut_short() -> None:
    assert len(failure_text(RuntimeError("x" * 10_000))) == MAX_FAILURE_CHARS
