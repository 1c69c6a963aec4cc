"""The made-up self-evaluation sample (tests/selfeval/示例县, 虚构) with a second made-up year, for the tests of the
pages that sum projects up and of search: 2025 is a copy of 2026 in which 志愿服务人次 is not met at all (未完成) and
less of the budget is executed."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import ROOT

SAMPLE = ROOT / "tests" / "selfeval" / "示例县"
UNIT = "区委社会工作部"
VOLUNTEER = "志愿服务活动专项.yaml"


def made_up_year(region: Path) -> None:
    """Add 2025 to ``region`` (a copy of 示例县)."""
    shutil.copytree(region / "2026", region / "2025")
    for path in (region / "2025" / UNIT).glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("2026", "2025"), encoding="utf-8")
    volunteer = region / "2025" / UNIT / VOLUNTEER
    text = volunteer.read_text(encoding="utf-8")
    text = (
        text.replace("    实际完成值: 4000\n", "    实际完成值: 0\n")
        .replace("全年执行数: 9.2", "全年执行数: 5")
        .replace("全年预算数: 8, 全年执行数: 7.2}", "全年预算数: 8, 全年执行数: 3}")
    )
    volunteer.write_text(text, encoding="utf-8")


def two_years(data: Path) -> Path:
    """``data``/示例县 with its two years; returns ``data``."""
    shutil.copytree(SAMPLE, data / "示例县")
    made_up_year(data / "示例县")
    return data
