"""Identical input, identical bytes: fixed timestamps inside Office files and their zip containers.

Word and Excel files are zip archives; python-docx stamps each member with the time of writing, and
the document properties with "now". Both are replaced by one fixed time, so that a rebuild changes
no file whose data did not change (and git or rsync see no spurious changes). XlsxWriter stamps the
members of a workbook written in memory 1980-01-01 itself; its document properties take FIXED_TIME.
``SOURCE_DATE_EPOCH`` (the reproducible-builds convention) chooses another fixed time.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from zipfile import ZipFile, ZipInfo


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
