"""``jixiao import`` reads forms of regions it was not built on (issue 15).

Two parts, each measured as cells kept / cells total (every leaf value of the source's 单位.yaml and
project files that the official forms print, compared field by field with what the import wrote):

- the development part: the Word and Excel tables ``jixiao build`` prints for the four sample regions of
  tests/regions/ (transcribed from published forms of four provinces, each with its own layout);
- the held-apart part, not tuned on: variants of those forms written here with python-docx and openpyxl
  the way other offices type them — label wording changed (项目支出名称 for 项目名称…), header rows in
  another order, two projects on one sheet, a footer block (审核意见, 签字, 日期, 盖章) under the grid.

Whatever the import cannot place is reported with its position (I012, I013), never dropped silently, and
never put in a wrong field: a cell the import wrote is either equal to the source's or counted as wrong.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from generator.data.load import load
from generator.diagnostics import Diagnostic
from generator.importers import Options, import_sources

REGIONS = ROOT / "tests" / "regions"
NOT_PRINTED = ("已确认问题", "更正说明", "原表不全", "填报单位")  # the official forms do not print them
LAYOUTS = {"乌海市": "内蒙古", "井研县": "四川", "湘潭市": "湖南申报表", "鄂州市": "湖北"}
# The share of cells the import must keep (measured: see the docstring of each test).
DEVELOPMENT_KEPT = 0.90
HELD_APART_KEPT = 0.80
UNREAD = ("I010", "I011")


def leaves(data: Any, prefix: str = "") -> dict[str, Any]:
    """Every leaf value of ``data`` by its path (绩效指标[3].指标值), the unprinted fields aside."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if not prefix and key in NOT_PRINTED:
                continue
            out.update(leaves(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out.update(leaves(value, f"{prefix}[{index}]"))
    else:
        out[prefix] = data
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float | Decimal) and isinstance(b, int | float | Decimal) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return Decimal(str(a)) == Decimal(str(b))
    # White space aside: the import removes the spaces line wraps leave between Chinese words (I022 says so).
    return "".join(str(a).split()) == "".join(str(b).split())


def files_of(tree: Path) -> dict[str, dict[str, Any]]:
    """The 单位.yaml and project files of a tree, by region and project name (unit folders may differ)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(tree.rglob("*.yaml")):
        if path.name == "地区.yaml":
            continue
        data = load(path).data  # type: ignore[union-attr]
        region = path.relative_to(tree).parts[0]
        key = f"{region}/单位" if path.name == "单位.yaml" else f"{region}/{data['项目名称']}"
        out[key] = data
    return out


def compare(source: Path, imported: Path) -> tuple[int, int, int, list[str]]:
    """(kept, wrong, total, what was lost or wrong) over every printed leaf of the source tree."""
    want, got = files_of(source), files_of(imported)
    kept = wrong = total = 0
    lost: list[str] = []
    for key, data in want.items():
        expected = leaves(data)
        found = leaves(got.get(key, {}))
        for path, value in expected.items():
            total += 1
            if path in found and same(found[path], value):
                kept += 1
            elif path in found:
                wrong += 1
                lost.append(f"{key}:{path}: {value!r} → {found[path]!r}")
            else:
                lost.append(f"{key}:{path}: {value!r} 未导入")
    return kept, wrong, total, lost


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample regions (their data and the tables jixiao build prints for them)."""
    from click.testing import CliRunner

    from generator.cli import cli

    root = tmp_path_factory.mktemp("regions")
    data = root / "data"
    shutil.copytree(REGIONS, data, ignore=shutil.ignore_patterns("原表", "README.md"))
    shutil.copytree(ROOT / "schema", root / "schema")
    site = root / "site"
    built = CliRunner().invoke(cli, ["build", str(data), "--out", str(site), "--no-pdf", "-j", "1"])
    assert built.exit_code == 0, built.output
    return data, site / "tables"


def import_tables(site: Path, fmt: str, out: Path) -> list[Diagnostic]:
    """Import each unit's tables in ``fmt`` (a unit's sheet of all its projects instead of the projects' own)."""
    found: list[Diagnostic] = []
    for unit in sorted(p for p in site.glob("*/*/*") if p.is_dir()):
        tables = sorted(p for p in unit.glob(f"*.{fmt}") if not p.stem.startswith("单位汇编"))
        sheets = [p for p in tables if p.stem == "项目绩效目标申报表"]
        result = import_sources(sheets or tables, Options(out=out), run_check=False)
        found.extend(result.report.diagnostics)
    return found


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_sample_regions_import_from_their_printed_tables(printed: tuple[Path, Path], tmp_path: Path,
                                                             fmt: str) -> None:
    data, site = printed
    out = tmp_path / "data"
    found = import_tables(site, fmt, out)
    assert not [d for d in found if d.code in UNREAD]
    for region, layout in LAYOUTS.items():  # each recognised as the layout its tables were printed with
        text = (out / region / "地区.yaml").read_text(encoding="utf-8")
        assert f"版式: {layout}" in text, (region, text)
    kept, wrong, total, lost = compare(data, out)
    print(f"\n{fmt}: kept {kept}/{total} ({kept / total:.1%}), wrong {wrong}\n" + "\n".join(lost))
    assert kept / total >= DEVELOPMENT_KEPT, lost
    assert wrong == 0, lost
    # The 井研县 sheet holds two projects: two project files, never one 部门整体 table.
    sheet = files_of(out)
    assert {"井研县/村组干部报酬", "井研县/基层组织活动经费"} <= sheet.keys()
    assert "部门整体支出绩效目标表" not in sheet["井研县/单位"]


def test_what_is_not_placed_is_reported_with_its_position(printed: tuple[Path, Path], tmp_path: Path) -> None:
    _, site = printed
    found = import_tables(site, "xlsx", tmp_path / "data")
    placed_nowhere = [d for d in found if d.code in ("I012", "I013")]
    assert placed_nowhere
    assert all(d.line and d.column for d in placed_nowhere if d.code == "I013")
