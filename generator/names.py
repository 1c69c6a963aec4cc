"""Names of generated files: readable (Chinese kept), stable, and never a path out of their folder.

Used for scaffolded data files and for every table written under site/tables/.
"""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 80


def safe_filename(name: str) -> str:
    """A file name for a table: readable (Chinese kept), but never a path, a device or hidden."""
    cleaned = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip().strip(".")
    cleaned = cleaned[:MAX_NAME].rstrip(" .")
    if not cleaned or cleaned.upper().split(".")[0] in _RESERVED:
        cleaned = f"_{cleaned}" if cleaned else "未命名"
    return cleaned
