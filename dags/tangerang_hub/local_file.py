"""Reading a whole local file that a run takes as its source: `hub run --source-file`, `hub
scan` and the Excel inbox's watched folder.

A file is read only when it is a regular file (a named pipe would wait for a writer forever)
and only when it did not change while it was read: a file still being copied into the inbox,
or rewritten by an export at that moment, would otherwise become a partial table, published
as if it were the whole one.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from tangerang_quality.texts import Said, say

NOT_REGULAR = say(
    "bukan berkas biasa (pipa, soket atau perangkat)",
    "not a regular file (a pipe, socket or device)",
)
CHANGED = say(
    "berkas berubah ketika sedang dibaca (masih ditulis?); coba lagi setelah berkas selesai "
    "disalin",
    "the file changed while it was read (still being written?); try again once it is complete",
)


class LocalFileError(OSError):
    """A local file that cannot be taken as it is; `said` tells why in both languages
    (`strerror` is the English text)."""

    def __init__(self, code: int, said: Said, path: Path) -> None:
        super().__init__(code, said.render("en"), str(path))
        self.said = said


def read_whole_file(path: Path) -> bytes:
    """The bytes of the regular file at `path`, as they were from the first to the last byte.

    OSError when it cannot be read; `LocalFileError` when it is no regular file or when its
    size or modification time moved while it was read (or the bytes read are not its size).
    """
    with _open_regular(path) as fh:
        before = os.fstat(fh.fileno())
        content = _read(fh)
        after = os.fstat(fh.fileno())
    moved = (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)
    if moved or len(content) != after.st_size:
        raise LocalFileError(errno.EAGAIN, CHANGED, path)
    return content


def read_head(path: Path, size: int) -> bytes:
    """The first `size` bytes of the regular file at `path` (all of a shorter one); errors as
    `read_whole_file`'s."""
    with _open_regular(path) as fh:
        return fh.read(size)


def _open_regular(path: Path) -> BinaryIO:
    """`path` opened for reading; `LocalFileError` when it is no regular file."""
    # O_NONBLOCK: opening a named pipe must not wait for a writer (ignored for regular files)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    fh = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
        fh.close()
        raise LocalFileError(errno.EINVAL, NOT_REGULAR, path)
    return fh


def _read(fh: BinaryIO) -> bytes:
    return fh.read()


def error_said(exc: OSError) -> Said | str:
    """What to tell people about `exc`: our own reason in both languages, else the system's."""
    said = getattr(exc, "said", None)
    return said if isinstance(said, Said) else (exc.strerror or str(exc))
