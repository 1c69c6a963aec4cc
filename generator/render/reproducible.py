"""Identical input, identical bytes: fixed timestamps inside Office files and their zip containers.

Word and Excel files are zip archives; python-docx stamps each member with the time of writing, and
the document properties with "now". Both are replaced by one fixed time, so that a rebuild changes
no file whose data did not change (and git or rsync see no spurious changes). XlsxWriter stamps the
members of a workbook written in memory 1980-01-01 itself; its document properties take FIXED_TIME.
``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) chooses another fixed time.

Because every Word or Excel file of a style has the same parts but one or two (styles, theme, font
table, settings, relationships …), ``deflating_once`` lets zipfile compress each such part once per
process and reuse its bytes (see there).
"""

from __future__ import annotations

import os
import threading
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

REMEMBER_PARTS = 128  # distinct parts kept compressed: every style's unchanging parts, with room to spare
REMEMBER_AT_MOST = 64 * 1024  # bytes of a part worth remembering; the parts that change are seldom smaller


def _fixed_time() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).replace(microsecond=0)
    return datetime(2000, 1, 1, tzinfo=UTC)


FIXED_TIME = _fixed_time()
ZIP_TIME = (
    max(1980, FIXED_TIME.year),
    FIXED_TIME.month,
    FIXED_TIME.day,
    FIXED_TIME.hour,
    FIXED_TIME.minute,
    FIXED_TIME.second & ~1,
)


class FixedTimeZipFile(ZipFile):
    """A zip archive whose members are all stamped ZIP_TIME as they are written (no second pass)."""

    def writestr(
        self,
        zinfo_or_arcname: str | ZipInfo,
        data: bytes | str,  # type: ignore[override]
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        if isinstance(zinfo_or_arcname, str):
            info = ZipInfo(zinfo_or_arcname, ZIP_TIME)
            info.compress_type = self.compression
            info.create_system = 0
            info.external_attr = 0
            zinfo_or_arcname = info
        level = compresslevel if compresslevel is not None else self.compresslevel  # zipfile ignores it for a ZipInfo
        super().writestr(zinfo_or_arcname, data, compress_type, level)


class _Deflater:
    """What zipfile's member writer asks of a compressor (``compress``, then ``flush``), giving the very
    bytes zlib's would: the member's whole data deflated with zipfile's settings at ``flush``, from
    ``_DEFLATED`` when the same bytes were deflated at the same level before."""

    def __init__(self, level: int) -> None:
        self.level = level
        self.pending: list[bytes] = []

    def compress(self, data: Any) -> bytes:
        self.pending.append(bytes(data))
        return b""

    def flush(self) -> bytes:
        data = b"".join(self.pending)
        self.pending = []
        if len(data) > REMEMBER_AT_MOST:
            return _deflate(self.level, data)
        key = (self.level, data)
        with _LOCK:
            found = _DEFLATED.get(key)
            if found is not None:
                _DEFLATED.move_to_end(key)
                return found
        found = _deflate(self.level, data)
        with _LOCK:
            _DEFLATED[key] = found
            if len(_DEFLATED) > REMEMBER_PARTS:
                _DEFLATED.popitem(last=False)
        return found


_DEFLATED: OrderedDict[tuple[int, bytes], bytes] = OrderedDict()
_LOCK = threading.Lock()  # the parts remembered, and whether the hook is in place, are the whole process's
_OPEN = 0  # how many deflating_once are open, in all threads: the hook is in place while any is
_ZIPFILES_OWN = getattr(zipfile, "_get_compressor", None)


def _deflate(level: int, data: bytes) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)  # zipfile's raw deflate
    return compressor.compress(data) + compressor.flush()


def _compressor(compress_type: int, compresslevel: int | None = None) -> Any:
    if compress_type == ZIP_DEFLATED:
        return _Deflater(zlib.Z_DEFAULT_COMPRESSION if compresslevel is None else compresslevel)
    assert _ZIPFILES_OWN is not None
    return _ZIPFILES_OWN(compress_type, compresslevel)


@contextmanager
def deflating_once() -> Iterator[None]:
    """While open, zip members written with ZIP_DEFLATED (by zipfile, python-docx or XlsxWriter) are
    compressed once per distinct content and level in this process, their bytes reused after that.

    Each zip member costs zlib a fresh stream (about 35 µs to set up and finish, whatever its size);
    a Word file has 16 members, an Excel file 10, and all but about six of the 26 are the same in every
    file of a style. The output is byte for byte what zipfile writes without it (zlib is deterministic;
    tests/test_reproducible.py compares). It works through zipfile's ``_get_compressor``, the one place
    where zipfile makes a compressor; a Python without that function gets plain zipfile.

    The hook is the zipfile module's: while any thread has one open, it serves every thread of the
    process (what those write is still byte for byte the same), and the last to close puts zipfile's
    own back."""
    global _OPEN
    if _ZIPFILES_OWN is None:
        yield
        return
    with _LOCK:
        _OPEN += 1
        zipfile._get_compressor = _compressor  # type: ignore[attr-defined]
    try:
        yield
    finally:
        with _LOCK:
            _OPEN -= 1
            if not _OPEN:
                zipfile._get_compressor = _ZIPFILES_OWN  # type: ignore[attr-defined]
