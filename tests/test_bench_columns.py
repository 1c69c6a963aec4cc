"""The benchmarks' printed tables line up in a terminal, Chinese labels included (tests/benchmarks/columns.py)."""

from __future__ import annotations

import sys

import pytest
from conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
import bench  # a script beside the tests, not a package
from columns import left, right, width


def test_wide_characters_take_two_places() -> None:
    assert width("check 一个文件（改动后）") == 6 + 8 + 10
    assert width(left("之前 ÷ 之后", 24)) == 24 and width(right("用时 s", 9)) == 9
    assert left("一个很长很长很长的标签", 4) == "一个很长很长很长的标签"  # never cut


def test_every_row_of_the_table_puts_its_figures_in_the_same_place(capsys: pytest.CaptureFixture[str]) -> None:
    tasks = ("check 一个文件（无缓存）", "build --pdf-engine libreoffice（改一个项目后）", "mkdocs 手写网站（对照）")
    bench.table([bench.Row(task, 10_000, 1.5, 2.5, 50 * 2**20) for task in tasks], 600)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4
    starts = {width(line[: line.index("10000")]) for line in lines[1:]}
    assert len(starts) == 1
    (start,) = starts
    # the heading ends where the figures below it end (both right-aligned in the column)
    assert width(lines[0][: lines[0].index("项目")]) + width("项目") == start + width("10000")
