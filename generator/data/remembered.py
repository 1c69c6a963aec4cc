"""The data of files that passed the check, remembered by their content (see generator.cache).

The data of a file that loads and passes the schema depends on nothing but its bytes and its kind
(project, unit or region: which schema), so it is kept as JSON under a key of exactly those, and read
back instead of parsing the file again (parsing is about 1 ms a file; reading the JSON back, a
twentieth of that). Findings that need a position in such a file (a duplicate name, say) compose its
node tree from its text then. Two readers:

* A check of one project file (what the pre-commit hook runs) also loads the unit's other projects:
  the unit's totals and its duplicate names and codes are checked across them. Their own findings are
  not reported, and a unit's rules need only their data. Each file's data is kept alone, and the data
  of a folder's other projects together, in one entry per unit folder holding the key of all their
  bytes, so such a check reads one entry, not 99 (after an edit of another file of the unit, the
  entries of single files serve). The entry of a folder is replaced when other bytes are remembered:
  it does not grow with the number of edits.
* A build checks every unit, then publishes it, in other processes: the check keeps the data of each
  unit whose files all passed, under the key of all their bytes (``unit_key``), and the build reads
  it back (generator.data.model.load_unit) instead of parsing the unit's files a second time.

Files that fail to load or fail the schema are not remembered (their findings are): they are rare,
and the ordinary loader reports them. Decimals are stored as ``{"$decimal": "1.50"}``; data holding
anything JSON cannot give back exactly (a date, a mapping key that is not text or begins with "$") is
not remembered, so nothing is ever read back as something else.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path
from typing import Any

from generator import cache

KIND = "context"
KIND_OF_FOLDER = "context-folder"
KIND_OF_UNIT = "unit-data"
_DECIMAL = "$decimal"


def key(kind: str, raw: bytes) -> str | None:
    """The key of a file's data: its kind and its bytes; None when the cache is off."""
    return cache.key(KIND, [kind.encode(), raw])


def recall(entry: str | None) -> dict[str, Any] | None:
    """The data remembered under ``entry``, or None."""
    data = cache.get(KIND, entry, object_hook=_decimal)
    return data if isinstance(data, dict) else None


def remember(entry: str | None, data: dict[str, Any]) -> None:
    """Keep ``data`` under ``entry`` when JSON gives it back exactly."""
    if entry is not None and _storable(data):
        cache.put(KIND, entry, data, default=_encode)


def key_of_many(files: list[tuple[str, bytes]], kind_of_entry: str = KIND_OF_FOLDER) -> str | None:
    """The key of the data of several files together: their kinds and bytes, in order."""
    return cache.key(kind_of_entry, [part for kind, raw in files for part in (kind.encode(), raw)])


def _slot(folder: Path) -> str | None:
    return cache.key(KIND_OF_FOLDER, [os.fsencode(Path.cwd()), os.fsencode(folder.absolute())])


def recall_many(folder: Path, together: str | None, count: int) -> list[dict[str, Any] | None]:
    """The data of ``count`` files remembered together under ``together`` in ``folder``'s entry; a list of
    None when that entry holds other files' data (or none)."""
    stored = cache.get(KIND_OF_FOLDER, _slot(folder), object_hook=_decimal) if together is not None else None
    if isinstance(stored, dict) and stored.get("key") == together:
        items = stored.get("data")
        if isinstance(items, list) and len(items) == count and all(i is None or isinstance(i, dict) for i in items):
            return items
    return [None] * count


def remember_many(folder: Path, together: str | None, items: list[dict[str, Any] | None]) -> None:
    """Keep the data of several files (None for a file not to remember) as ``folder``'s entry."""
    if together is not None and any(items):
        kept = [item if item is not None and _storable(item) else None for item in items]
        cache.put(KIND_OF_FOLDER, _slot(folder), {"key": together, "data": kept}, default=_encode)


def unit_key(files: list[tuple[str, bytes]]) -> str | None:
    """The key of a whole unit folder's data: the kinds and bytes of its unit file and project files, in order."""
    return key_of_many(files, KIND_OF_UNIT)


def remember_unit(entry: str | None, items: list[dict[str, Any]]) -> None:
    """Keep the data of a unit folder's files (all of which passed the check) under ``entry``."""
    if entry is not None and _storable(items):
        cache.put(KIND_OF_UNIT, entry, items, default=_encode)


def recall_unit(entry: str | None, count: int) -> list[dict[str, Any]] | None:
    """The data of the ``count`` files of a unit folder remembered under ``entry``, or None."""
    stored = cache.get(KIND_OF_UNIT, entry, object_hook=_decimal)
    if isinstance(stored, list) and len(stored) == count and all(isinstance(item, dict) for item in stored):
        return stored
    return None


def _storable(value: Any) -> bool:
    if isinstance(value, dict):
        return all(type(k) is str and not k.startswith("$") and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(map(_storable, value))
    return value is None or type(value) in (str, int, bool, Decimal)


def _encode(value: Any) -> Any:
    if type(value) is Decimal:
        return {_DECIMAL: str(value)}  # str() of a Decimal gives it back exactly: sign, digits, exponent
    raise TypeError(type(value).__name__)


def _decimal(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1 and _DECIMAL in mapping:
        return Decimal(mapping[_DECIMAL])
    return mapping
