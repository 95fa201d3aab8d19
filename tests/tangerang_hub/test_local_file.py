"""A local source file is taken whole, as it was from its first byte to its last, or not at all."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tangerang_hub import local_file, scan
from tangerang_hub.local_file import LocalFileError, read_whole_file
from tangerang_hub.pipeline import PipelineError, read_source_file
from tangerang_hub.read import ReadError, check_head, check_is_text, file_batch
from tangerang_hub.sources.base import SourceError
from tangerang_hub.sources.excel import ExcelHook


def appending_while_read(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Make the next reads see `path` grow as an export still writing it would."""

    def read_then_grow(fh: io.BufferedReader) -> bytes:
        content = fh.read()
        with path.open("ab") as writer:
            writer.write(b"Siti;0812-3456-7890\n")
        return content

    monkeypatch.setattr(local_file, "_read", read_then_grow)


def test_a_whole_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"nama\nBudi\n")
    assert read_whole_file(path) == b"nama\nBudi\n"


def test_a_file_growing_while_read_is_refused_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "warga.csv"
    path.write_bytes(b"nama;no_hp\nBudi;-\n")
    appending_while_read(monkeypatch, path)
    with pytest.raises(LocalFileError, match="changed while it was read") as caught:
        read_whole_file(path)
    assert "berubah ketika sedang dibaca" in caught.value.said.render("id")
    with pytest.raises(PipelineError) as run:  # hub run --source-file
        read_source_file(path)
    assert "berkas berubah ketika sedang dibaca" in run.value.said.render("id")
    assert "the file changed while it was read" in run.value.said.render("en")
    with pytest.raises(scan.UnreadableFile) as scanned:  # hub scan
        scan.read_file(path)
    assert "berubah ketika sedang dibaca" in scanned.value.said.render("id")


def test_the_inbox_does_not_take_a_file_still_being_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    path = inbox / "warga.csv"
    path.write_bytes(b"nama;no_hp\nBudi;-\n")
    params = {"folder": str(inbox), "pattern": "*.csv", "archive_dir": str(tmp_path / "arsip")}
    appending_while_read(monkeypatch, path)
    with pytest.raises(SourceError, match="warga.csv cannot be read: the file changed"):
        ExcelHook(None, params).fetch()
    monkeypatch.undo()
    assert ExcelHook(None, params).fetch().content == path.read_bytes()  # once it is complete


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipa.csv"
    os.mkfifo(fifo)
    with pytest.raises(LocalFileError) as caught:
        read_whole_file(fifo)
    assert "bukan berkas biasa" in caught.value.said.render("id")
    assert "not a regular file" in str(caught.value)


def test_a_missing_file_is_the_system_error() -> None:
    with pytest.raises(FileNotFoundError):
        read_whole_file(Path("/nonexistent/tidak_ada.csv"))


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"kode;nama\n1;Bu\x00di\n", "(line 2) holds a NUL"),
        (b"PK\x03\x04", "ZIP"),
        (b"%PDF-1.7\n", "PDF"),
    ],
)
def test_a_big_file_that_is_no_text_is_refused_by_scan_from_its_first_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, head: bytes, said: str
) -> None:
    """`hub scan` refuses a gigabyte of NULs, or a ZIP named .csv, before reading the whole of
    it, in the words the whole would get; a run reads it whole and quarantines it as it came."""
    path = tmp_path / "ekspor.csv"
    with path.open("wb") as out:
        out.write(head)
        out.truncate(len(head) + 64 * 1024 * 1024)  # sparse: 64 MiB of NULs after the head
    whole = []
    monkeypatch.setattr(local_file, "_read", lambda fh: whole.append(fh) or fh.read())
    with pytest.raises(scan.UnreadableFile) as caught:
        scan.read_file(path)
    assert whole == []
    assert said in str(caught.value) and "ekspor.csv" in str(caught.value)
    with pytest.raises(ReadError) as early:
        check_head(path)
    with pytest.raises(ReadError) as late:
        check_is_text(path.read_bytes(), path.name)
    assert str(early.value) == str(late.value)


def test_a_workbook_head_is_left_to_its_reader(tmp_path: Path) -> None:
    path = tmp_path / "ekspor.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    check_head(path)  # a ZIP is what a workbook is
    assert file_batch(path).content == path.read_bytes()
