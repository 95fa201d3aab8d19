"""A local source file is taken whole, as it was from its first byte to its last, or not at all."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tangerang_hub import local_file, scan
from tangerang_hub.local_file import LocalFileError, read_whole_file
from tangerang_hub.pipeline import PipelineError, read_source_file
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
