"""The monitoring and self-evaluation rules (generator/check/rules/selfeval.py) on the made-up sample of
tests/selfeval/, edited one mistake at a time."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from generator.check.run import check

SAMPLE = ROOT / "tests" / "selfeval" / "示例县"
VOLUNTEERS = "2026/区委社会工作部/志愿服务活动专项.yaml"
STIPEND = "2026/区委社会工作部/两新党组织党务工作者津贴.yaml"


@pytest.fixture
def region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    shutil.copytree(SAMPLE, tmp_path / "示例县")
    return tmp_path / "示例县"


# The codes of the self-evaluation rules: the clean sample is their passing case, MISTAKES their failing ones
# (tests/test_rules.py counts both, as it does for its own cases).
CODES = ("V021", "V022", "V023", "V024", "V025", "M010", "M011", "M012", "M013", "T005")


def findings(region: Path) -> list[tuple[str, int, str]]:
    """(file, line, code) of the findings of the self-evaluation's codes, acknowledged ones left out."""
    return sorted(
        (Path(d.path).name, d.line, d.code) for d in check([region], jobs=1).diagnostics if d.code in CODES and not d.acknowledged
    )


def edit(region: Path, file: str, old: str, new: str) -> None:
    path = region / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_sample_is_clean(region: Path) -> None:
    assert findings(region) == []


MISTAKES = [
    # a number where the target is words, words where it is a number
    (VOLUNTEERS, "实际完成值: 达成年度指标", "实际完成值: 100", "V021"),
    (VOLUNTEERS, "实际完成值: 520", "实际完成值: 五百二十人", "V021"),
    (VOLUNTEERS, "{日期: '2026-06-30', 完成值: 260}", "{日期: '2026-06-30', 完成值: 过半}", "V021"),
    # missed without a reason
    (VOLUNTEERS, "    偏差原因: 下半年两次集中活动因天气取消，服务人次少于计划。\n", "", "V022"),
    # words that name no grade
    (VOLUNTEERS, "实际完成值: 达成年度指标", "实际完成值: 有所进展", "V023"),
    # some weights, not all
    (
        VOLUNTEERS,
        "    度量单位: 人\n    运行监控:\n      - {日期: '2026-06-30', 完成值: 260}",
        "    度量单位: 人\n    权重: 20\n    运行监控:\n      - {日期: '2026-06-30', 完成值: 260}",
        "V024",
    ),
    # a stated score or grade that the parts do not give
    (VOLUNTEERS, "  存在问题:", "  自评得分: 98\n  存在问题:", "V025"),
    (VOLUNTEERS, "  存在问题:", "  自评等级: 良\n  存在问题:", "V025"),
    # execution arithmetic
    (STIPEND, "  年初预算数: 22\n", "  年初预算数: 22\n  全年执行数: 23\n", "M010"),
    (VOLUNTEERS, "{日期: '2026-06-30', 执行数: 4.1}", "{日期: '2026-06-30', 执行数: 9.5}", "M010"),
    (STIPEND, "年初预算数: 22", "年初预算数: 24", "M011"),
    (
        STIPEND,
        "    - {日期: '2026-06-30', 执行数: 9}",
        "    - {日期: '2026-06-30', 执行数: 9}\n    - {日期: '2026-09-30', 执行数: 8}",
        "M012",
    ),
    (STIPEND, "{日期: '2026-06-30', 执行数: 9}", "{日期: '2025-06-30', 执行数: 9}", "T005"),
    # the funding sources do not add up to the year's total, in one column
    (VOLUNTEERS, "全年执行数: 7.2}", "全年执行数: 7}", "M013"),
    (VOLUNTEERS, "上年结转资金: {年初预算数: 2,", "上年结转资金: {年初预算数: 3,", "M013"),
]


@pytest.mark.parametrize(("file", "old", "new", "code"), MISTAKES)
def test_each_mistake_is_found(region: Path, file: str, old: str, new: str, code: str) -> None:
    edit(region, file, old, new)
    assert [c for _, _, c in findings(region)] == [code]


def test_weights_that_sum_to_100_are_the_points(region: Path) -> None:
    """Weights on every indicator (9 × 10) with the default 10 for 预算执行率 make 100: no V024; a weight more makes
    101."""
    path = region / VOLUNTEERS
    text = path.read_text(encoding="utf-8")
    text = text.replace("    三级指标:", "    权重: 10\n    三级指标:")
    path.write_text(text, encoding="utf-8")
    assert findings(region) == []
    edit(region, VOLUNTEERS, "权重: 10\n    三级指标: 志愿者人数", "权重: 11\n    三级指标: 志愿者人数")
    assert [c for _, _, c in findings(region)] == ["V024"]
