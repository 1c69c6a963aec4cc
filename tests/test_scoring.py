"""Self-evaluation scoring (generator.data.scoring): the worked examples of published 项目支出绩效自评表, the
rules of 财预〔2020〕10号, and the made-up sample under tests/selfeval/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import ROOT

from generator.data import regional, scoring
from generator.data.load import Document, load
from generator.data.model import Project

RULES = regional.SelfEvaluationRules()
SAMPLE = ROOT / "tests" / "selfeval" / "示例县" / "2026" / "区委社会工作部"
HEAD = "项目名称: 甲\n项目金额: 90\n本年度绩效目标: 乙\n"


def read(path: Path) -> Project:
    doc = load(path)
    assert isinstance(doc, Document), doc
    return Project.from_doc(doc)


def project(tmp_path: Path, text: str) -> Project:
    path = tmp_path / "项目.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return read(path)


def row(level1: str, level2: str, name: str, op: str, value: object, unit: str, weight: object, actual: object) -> str:
    weight_text = f", 权重: {weight}" if weight is not None else ""
    return (
        f"  - {{一级指标: {level1}, 二级指标: {level2}, 三级指标: {name}, 指标值类型: '{op}', 指标值: {value}, "
        f"度量单位: '{unit}'{weight_text}, 实际完成值: {actual}}}\n"
    )


def test_a_published_town_table_scores_as_printed(tmp_path: Path) -> None:
    """池州市贵池区棠溪镇《项目支出绩效自评表（2022年度）》委托业务项目: 年初预算 90、全年预算 89.974、全年执行
    89.974 give 执行率 100% and 10 of 10 points; ≥50个 done 50 scores 8 of 8, ≤90万元 done 90 scores 8 of 8, a
    qualitative target done as 达成预期指标 scores in full (10 of 10)."""
    p = project(
        tmp_path,
        "预算执行率权重: 10\n预算执行: {年初预算数: 90, 全年预算数: 89.974, 全年执行数: 89.974}\n绩效指标:\n"
        + row("产出指标", "数量指标", "基建工程委托业务项目数量", "≥", 50, "个", 8, 50)
        + row("产出指标", "质量指标", "委托业务报告合格率", "≥", 100, "%", 8, 100)
        + row("产出指标", "成本指标", "项目总成本", "≤", 90, "万元", 8, 90)
        + "  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 对维护基建市场公平的影响程度, "
        "指标值类型: 定性, 指标值: 效果明显, 权重: 10, 实际完成值: 达成预期指标}\n",
    )
    result = scoring.evaluate(p, RULES)
    assert [(s.points, s.score, s.status) for s in result.indicators] == [
        (8, Decimal("8.00"), "完成"),
        (8, Decimal("8.00"), "完成"),
        (8, Decimal("8.00"), "完成"),
        (10, Decimal("10.00"), "完成"),
    ]
    assert result.weighted
    assert result.execution.rate == 1
    assert result.execution.score == Decimal("10.00")


def test_a_published_county_table_scores_100(tmp_path: Path) -> None:
    """大英县《部门预算项目支出绩效自评表（2023年度）》安可替代补助资金: 调整后预算 3.36、执行 3.36 → 100.00%，
    权重 10 得 10；成本控制数 ≤30万元 完成值“完成”，权重 90 得 90：总分 100，优."""
    p = project(
        tmp_path,
        "预算执行率权重: 10\n预算执行: {全年预算数: 3.36, 全年执行数: 3.36}\n绩效指标:\n"
        + row("成本指标", "经济成本指标", "成本控制数", "≤", 30, "万元", 90, "完成"),
    )
    result = scoring.evaluate(p, RULES)
    assert result.indicators[0].score == Decimal("90.00")
    assert (result.execution.score, result.total, result.grade) == (Decimal("10.00"), Decimal("100.00"), "优")


@pytest.mark.parametrize(
    ("op", "target", "actual", "expected"),
    [
        ("≥", 500, 400, "8.00"),  # 正向: 全年实际值 ÷ 年度指标值 × 分值
        ("≥", 500, 600, "10.00"),  # never more than the points
        ("≤", 5, 10, "5.00"),  # 反向: 年度指标值 ÷ 全年实际值 × 分值
        ("≤", 5, 4, "10.00"),
        ("=", 100, 98, "0.00"),  # = is met or not
        ("=", 100, 100, "10.00"),
    ],
)
def test_quantitative_scores(tmp_path: Path, op: str, target: int, actual: int, expected: str) -> None:
    p = project(tmp_path, "绩效指标:\n" + row("产出指标", "数量指标", "丙", op, target, "个", 10, actual))
    assert scoring.evaluate(p, RULES).indicators[0].score == Decimal(expected)


@pytest.mark.parametrize(
    ("actual", "share"),
    [
        ("达成年度指标", 1),
        ("部分达成年度指标并具有一定效果", Decimal("0.6")),
        ("未达成年度指标且效果较差", 0),
        ("较好", Decimal("0.8")),
        ("提升", 1),
        ("有所进展", None),
    ],
)
def test_qualitative_results_score_by_their_grade(tmp_path: Path, actual: str, share: object) -> None:
    p = project(
        tmp_path,
        "绩效指标:\n  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 丁, 指标值类型: 定性, "
        f"指标值: 提升, 实际完成值: {actual}}}\n",
    )
    assert scoring.evaluate(p, RULES).indicators[0].share == share


def test_a_layout_may_score_qualitative_results_its_own_way(tmp_path: Path) -> None:
    rules = regional.from_data({"自评": {"定性档次": {"较好": 90}, "分值": {"效益指标": 40, "预算执行率": 0}}}, None).scoring
    p = project(
        tmp_path,
        "绩效指标:\n  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 丁, 指标值类型: 定性, "
        "指标值: 提升, 实际完成值: 较好}\n",
    )
    result = scoring.evaluate(p, rules)
    assert (result.indicators[0].points, result.indicators[0].score) == (40, Decimal("36.00"))
    assert result.execution.points == 0


@pytest.mark.parametrize(
    ("total", "grade"), [(90, "优"), (Decimal("89.99"), "良"), (80, "良"), (79, "中"), (60, "中"), (Decimal("59.9"), "差")]
)
def test_grades_of_10号(total: Decimal, grade: str) -> None:
    assert scoring.grade_of(Decimal(total)) == grade


def test_the_sample_without_weights_takes_the_default_points() -> None:
    """产出 50 over its five indicators and the pooled 成本指标 (6 × 8.33), 效益 30 over two, 满意度 10, 预算执行率
    10: 4000 of 5000 人次 scores 6.67, 部分达成 of 15 points 9, 执行 9.2 of 10 万元 9.2."""
    result = scoring.evaluate(read(SAMPLE / "志愿服务活动专项.yaml"), RULES)
    assert not result.weighted
    assert [s.score for s in result.indicators] == [
        Decimal(x) for x in ("8.33", "8.33", "6.67", "8.33", "8.33", "15.00", "9.00", "10.00", "8.33")
    ]
    assert [s.status for s in result.indicators].count("部分完成") == 2
    assert (result.execution.rate, result.execution.score) == (Decimal("0.92"), Decimal("9.20"))
    assert (result.total, result.grade) == (Decimal("91.52"), "优")


def test_a_file_with_targets_only_has_no_total() -> None:
    result = scoring.evaluate(read(SAMPLE / "两新党组织党务工作者津贴.yaml"), RULES)
    assert result.total is None and result.grade is None
    assert all(s.status is None for s in result.indicators)
