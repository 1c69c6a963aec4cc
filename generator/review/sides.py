"""The tables of one side of a comparison, parsed and grouped by unit.

Every file goes through the same loader as ``jixiao check`` (``load.decode`` and ``load.parse``), so
a broken file becomes a diagnostic, never a crash, and the model is built only from files that
passed the schema.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.data import fields as F
from generator.data import schemas
from generator.data.load import REGION_FILE, UNIT_FILE, Document, LoadResult, decode, parse
from generator.diagnostics import Diagnostic
from generator.review.snapshot import Content, Snapshot

_YEAR = re.compile(r"^(19|20)\d{2}$")


@dataclass(frozen=True)
class Place:
    """Where a file sits in data/: kind is region, unit, project or other (a misplaced file)."""

    kind: str
    folder: str  # the unit folder "<地区>/<年度>/<单位>", or the region folder for 地区.yaml

    @property
    def region(self) -> str:
        return self.folder.split("/")[0]


def place(key: str) -> Place:
    parts = key.split("/")
    if len(parts) == 2 and parts[1] == REGION_FILE:
        return Place("region", parts[0])
    if len(parts) == 4 and _YEAR.match(parts[1]) and parts[3] != REGION_FILE:
        return Place("unit" if parts[3] == UNIT_FILE else "project", "/".join(parts[:3]))
    return Place("other", "")


@dataclass
class Table:
    """One data file on one side: its bytes, and the parsed document or the reason it has none."""

    key: str
    raw: bytes
    result: LoadResult
    valid: bool
    opened: bool = True  # False when the file could not even be read (its bytes are unknown; raw is empty)

    @property
    def doc(self) -> Document | None:
        return self.result if isinstance(self.result, Document) else None

    @property
    def problem(self) -> Diagnostic | None:
        """Why the file cannot be read (it is still there: never a deletion), or None."""
        return self.result if isinstance(self.result, Diagnostic) else None

    @property
    def data(self) -> dict[str, Any]:
        return self.doc.data if self.doc is not None else {}

    @property
    def name(self) -> str:
        field_name = {"region": F.REGION_NAME, "unit": F.UNIT_NAME}.get(place(self.key).kind, F.PROJECT_NAME)
        value = self.data.get(field_name)
        return value.strip() if isinstance(value, str) and value.strip() else PurePosixPath(self.key).stem

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.key).name


def parse_table(key: str, content: Content, shown: str) -> Table:
    if isinstance(content, Diagnostic):  # a link, a named pipe, an error of the system: there, but unreadable
        return Table(key, b"", content, False, opened=False)
    raw = content
    text = decode(raw, shown)
    if isinstance(text, Diagnostic):
        return Table(key, raw, text, False)
    result = parse(text, Path(key), shown)
    valid = isinstance(result, Document) and not schemas.validate(result)
    return Table(key, raw, result, valid)


def read_tables(snapshot: Snapshot, keys: list[str], cache: dict[tuple[str, Content], Table] | None = None) -> dict[str, Table]:
    """Parse the files; a file the cache already holds with the same bytes (the other side's) is reused."""
    cache = {} if cache is None else cache
    out = {}
    for key, raw in snapshot.read(keys).items():
        if (key, raw) not in cache:
            cache[(key, raw)] = parse_table(key, raw, snapshot.shown(key))
        out[key] = cache[(key, raw)]
    return out


@dataclass
class UnitSide:
    """A unit folder on one side: its 单位.yaml, its project files, and its region's 地区.yaml."""

    folder: str
    unit: Table | None = None
    projects: dict[str, Table] = field(default_factory=dict)
    region: Table | None = None

    @property
    def name(self) -> str:
        return self.unit.name if self.unit is not None else PurePosixPath(self.folder).name

    @property
    def money_unit(self) -> str:
        unit = self.region.data.get(F.MONEY_UNIT) if self.region is not None else None
        return unit if isinstance(unit, str) else ""

    @property
    def year(self) -> int:
        return int(self.folder.split("/")[1])

    def tables(self) -> list[Table]:
        return ([self.unit] if self.unit else []) + list(self.projects.values())


def group_units(tables: dict[str, Table]) -> dict[str, UnitSide]:
    units: dict[str, UnitSide] = {}
    for key, table in tables.items():
        where = place(key)
        if where.kind not in ("unit", "project"):
            continue
        side = units.setdefault(where.folder, UnitSide(where.folder))
        if where.kind == "unit":
            side.unit = table
        else:
            side.projects[key] = table
    for side in units.values():
        side.region = tables.get(f"{side.folder.split('/')[0]}/{REGION_FILE}")
    return units
