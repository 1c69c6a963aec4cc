"""Project files read only as context, remembered by their content (see generator.cache).

A check of one project file (what the pre-commit hook runs) also loads the unit's other projects:
the unit's totals and its duplicate names and codes are checked across them. Their own findings are
not reported, and a unit's rules need only their data; reading a hundred of them is most of the
time of such a check. The data of a file that loads and passes the schema depends on nothing but its
bytes and its kind (project, unit or region: which schema), so it is kept as JSON under a key of
exactly those, and read back instead of parsing the file again. Findings that need a position in
such a file (a duplicate name, say) compose its node tree from its text then.

Files that fail to load or fail the schema are not remembered (their findings are): they are rare,
and the ordinary loader reports them. Decimals are stored as ``{"$decimal": "1.50"}``; a document
whose mapping keys are not all text, or begin with "$", is not remembered, so nothing is ever read
back as something else.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator import cache

KIND = "context"
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
