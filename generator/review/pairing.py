"""Which unit and which project on one side is which on the other.

By path first; then by content, so that a renamed file or a project moved to another unit is
reported as one change, not as one table removed and another added: a unit by its 单位编码 or
单位名称 (or most of its project names), a project by its 项目编码, by its 项目名称 within the
same unit, or by most of its content.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from generator.data import fields as F
from generator.review.sides import Table, UnitSide, place

SIMILAR = 0.5  # share of facts (fields and indicator rows) two versions of one project have in common
MAX_CANDIDATES = 250_000  # pairs compared by content; beyond that, unmatched files stay added/removed


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _pair_by(key_of: Callable[[str], str | None], spare_old: list[str], spare_new: list[str], pairs: dict[str, str]) -> None:
    """Pair the spare items whose key is the same on both sides (and unique on each)."""

    def index(items: list[str]) -> dict[str, str]:
        keyed: dict[str, list[str]] = {}
        for item in items:
            if (key := key_of(item)) is not None:
                keyed.setdefault(key, []).append(item)
        return {k: v[0] for k, v in keyed.items() if len(v) == 1}

    new_index = index(spare_new)
    for key, item in index(spare_old).items():
        if key in new_index:
            pairs[item] = new_index[key]
            spare_old.remove(item)
            spare_new.remove(new_index[key])


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _pair_similar(
    facts: Callable[[str], set[str]],
    spare_old: list[str],
    spare_new: list[str],
    pairs: dict[str, str],
    same_group: Callable[[str, str], bool],
) -> None:
    if not spare_old or not spare_new or len(spare_old) * len(spare_new) > MAX_CANDIDATES:
        return
    old_facts = {k: facts(k) for k in spare_old}
    new_facts = {k: facts(k) for k in spare_new}
    scored = sorted(
        ((jaccard(old_facts[a], new_facts[b]), a, b) for a in spare_old for b in spare_new if same_group(a, b)),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    for score, a, b in scored:
        if score < SIMILAR:
            break
        if a in spare_old and b in spare_new:
            pairs[a] = b
            spare_old.remove(a)
            spare_new.remove(b)


def _region_year(folder: str) -> str:
    return folder.rsplit("/", 1)[0]


def pair_units(old: dict[str, UnitSide], new: dict[str, UnitSide]) -> dict[str, str]:
    """{old folder: new folder}. A folder renamed within its region and year keeps its unit."""
    pairs = {f: f for f in old if f in new}
    spare_old = sorted(f for f in old if f not in pairs)
    spare_new = sorted(f for f in new if f not in pairs.values())

    def side(folder: str) -> UnitSide:  # a spare old folder is not on the new side, and the reverse
        return old[folder] if folder in old else new[folder]

    def field(name: str) -> Callable[[str], str | None]:
        def key(folder: str) -> str | None:
            unit = side(folder).unit
            value = _text(unit.data.get(name)) if unit is not None else None
            return f"{_region_year(folder)}|{value}" if value else None

        return key

    for name in (F.UNIT_CODE, F.UNIT_NAME):
        _pair_by(field(name), spare_old, spare_new, pairs)

    def names(folder: str) -> set[str]:
        return {t.name for t in side(folder).projects.values()}

    _pair_similar(names, spare_old, spare_new, pairs, lambda a, b: _region_year(a) == _region_year(b))
    return pairs


def facts(table: Table) -> set[str]:
    """What a project says, as a set: one item per field and one per named indicator row."""
    if table.doc is None:
        return {f"raw {table.raw!r}"}
    out = set()
    for key, value in table.data.items():
        rows = value if key == F.INDICATORS and isinstance(value, list) else None
        if rows is None:
            out.add(f"{key} {json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)}")
            continue
        out |= {
            f"指标 {json.dumps(row, sort_keys=True, default=str, ensure_ascii=False)}"
            for row in rows
            if isinstance(row, dict) and row.get(F.LEVEL3)
        }
    return out


def pair_projects(old: dict[str, UnitSide], new: dict[str, UnitSide], units: dict[str, str]) -> dict[str, str]:
    """{old key: new key} of the project files that are one project."""
    old_all = {k: t for side in old.values() for k, t in side.projects.items()}
    new_all = {k: t for side in new.values() for k, t in side.projects.items()}
    pairs = {k: k for k in old_all if k in new_all}
    spare_old = sorted(k for k in old_all if k not in pairs)
    spare_new = sorted(k for k in new_all if k not in pairs.values())

    def moved_with_unit(key: str) -> str | None:
        """A file keeps its name when its unit folder is renamed."""
        if key in old_all:
            folder = units.get(place(key).folder)
            return f"{folder}/{PurePosixPath(key).name}" if folder else None
        return key

    def field(name: str, per_unit: bool) -> Callable[[str], str | None]:
        def key(k: str) -> str | None:
            table = old_all[k] if k in old_all else new_all[k]
            value = _text(table.data.get(name))
            if value is None:
                return None
            if not per_unit:
                return value
            folder = units.get(place(k).folder) if k in old_all else place(k).folder
            return f"{folder}|{value}" if folder else None

        return key

    _pair_by(moved_with_unit, spare_old, spare_new, pairs)
    _pair_by(field(F.PROJECT_CODE, per_unit=False), spare_old, spare_new, pairs)
    _pair_by(field(F.PROJECT_NAME, per_unit=True), spare_old, spare_new, pairs)
    _pair_similar(lambda k: facts(old_all[k] if k in old_all else new_all[k]), spare_old, spare_new, pairs, lambda a, b: True)
    return pairs
