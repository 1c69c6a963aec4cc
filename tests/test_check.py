"""``jixiao check`` on real trees: what the shortcuts taken for speed must not change."""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

from generator.check import check
from generator.load import UNIT_FILE, display_path
from generator.rules.hygiene import INVISIBLE, ZERO_WIDTH
from generator.schemas import SCHEMA_LINE_PREFIX, schema_line


def _first_line(path: Path, line: str | None) -> None:
    rest = path.read_text(encoding="utf-8").split("\n", 1)[1]
    path.write_text(rest if line is None else f"{line}\n{rest}", encoding="utf-8")


def test_schema_lines_are_found_per_folder_and_kind(data_copy: Path) -> None:
    """A unit's files share one search for schema/ per kind (unit, project): each file still gets the
    line of its own kind, and P005 goes to exactly the files without it."""
    unit = next(p.parent for p in sorted(data_copy.rglob(UNIT_FILE)))
    projects = sorted(p for p in unit.glob("*.yaml") if p.name != UNIT_FILE)
    wrong = SCHEMA_LINE_PREFIX + "../schema/project.schema.json"
    _first_line(unit / UNIT_FILE, schema_line(projects[0]))  # the project's line in the unit file
    _first_line(projects[0], wrong)
    _first_line(projects[1], None)
    report = check([unit], jobs=1)
    found = sorted((d.path, d.message) for d in report.diagnostics if d.code == "P005")
    expected = sorted((display_path(p), f"第一行应为“{schema_line(p)}”") for p in (unit / UNIT_FILE, *projects[:2]))
    assert found == expected
    assert schema_line(unit / UNIT_FILE) != schema_line(projects[0])


def test_invisible_characters_are_the_zero_width_and_control_characters_but_the_newline() -> None:
    """H004 searches with one pattern instead of asking unicodedata about every character: the same
    characters, over all of Unicode."""
    pattern = set(filter(INVISIBLE.fullmatch, map(chr, range(sys.maxunicode + 1))))
    asked = {c for c in map(chr, range(sys.maxunicode + 1))
             if c in ZERO_WIDTH or (unicodedata.category(c) == "Cc" and c != "\n")}
    assert pattern == asked
