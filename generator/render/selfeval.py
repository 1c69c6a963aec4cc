"""What the 项目支出绩效自评表 and the 运行监控 table print beside the data: the figures generator.data.scoring
derives (points, scores, completion, execution rate, total, grade), added to a project's context for the layout.

A layout prints them as it prints fields: the indicator columns below (分值, 得分, 完成情况 …) and the project's
``{自评.总分}``, ``{自评.执行率}`` and the like. ``自评`` is in the context only when the project carries a
self-evaluation and ``监控`` only when it carries monitoring, so that a form that needs them (需要: 自评) is
printed for those projects alone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.data import scoring
from generator.data.model import Project, to_decimal
from generator.data.regional import SelfEvaluationRules
from generator.render import units

# Indicator columns a layout may print, derived rather than written.
POINTS = "分值"
SCORE = "得分"
STATUS = "是否完成"  # 完成, 部分完成 or 未完成
ACTUAL_WITH_UNIT = "实际完成值（含单位）"
REASONS = "偏差原因分析及改进措施"
MONITORED = "监控完成情况"
COLUMNS = (F.ACTUAL, ACTUAL_WITH_UNIT, POINTS, SCORE, STATUS, F.DEVIATION, F.IMPROVEMENT, REASONS, MONITORED)

# The project's derived figures: {自评.…}
SELF_EVALUATION = "自评"
MONITORING = "监控"
RATE = "执行率"  # also of each monitored amount (预算执行.运行监控.执行率)
BUDGET = F.FULL_YEAR_BUDGET  # the base of the rate: 全年预算数, else 年初预算数, else 项目金额
RATE_POINTS = "执行率分值"
RATE_SCORE = "执行率得分"
TOTAL = "总分"
GRADE = "等级"
# The data fields a derived value prints, so that the build does not list them as printed nowhere.
SHOWS = {
    f"{F.INDICATORS}.{ACTUAL_WITH_UNIT}": (f"{F.INDICATORS}.{F.ACTUAL}",),
    f"{F.INDICATORS}.{REASONS}": (f"{F.INDICATORS}.{F.DEVIATION}", f"{F.INDICATORS}.{F.IMPROVEMENT}"),
    f"{F.INDICATORS}.{MONITORED}": (f"{F.INDICATORS}.{F.MONITORING}",),
    f"{SELF_EVALUATION}.{BUDGET}": (f"{F.EXECUTION}.{F.FULL_YEAR_BUDGET}",),
    f"{MONITORING}.{BUDGET}": (f"{F.EXECUTION}.{F.FULL_YEAR_BUDGET}",),
}


def with_unit(value: Any, unit: str) -> str:
    """A result as a table prints it: a number with its unit ("520人", "95%"), words as written."""
    number = to_decimal(value)
    if number is None:
        return "" if value is None else str(value)
    return format(number, "f") + units.printed(unit)


def percent(fraction: Decimal | None) -> Decimal | None:
    return None if fraction is None else scoring.cents(fraction * scoring.HUNDRED)


def _reasons(row: dict[str, Any]) -> str:
    parts = [(label, row.get(key)) for label, key in (("原因", F.DEVIATION), ("措施", F.IMPROVEMENT))]
    return "\n".join(f"{label}：{text}" for label, text in parts if text)


def _indicator_rows(project: Project, result: scoring.SelfEvaluation) -> list[Any]:
    scores = {s.indicator.index: s for s in result.indicators}
    rows: list[Any] = []
    for ind, row in zip(project.indicators, project.doc.data.get(F.INDICATORS) or [], strict=False):
        if not isinstance(row, dict):
            rows.append(row)
            continue
        s = scores.get(ind.index)
        derived = {
            ACTUAL_WITH_UNIT: with_unit(ind.actual, ind.unit) if ind.actual is not None else None,
            POINTS: scoring.cents(s.points) if s is not None else None,
            SCORE: s.score if s is not None else None,
            STATUS: s.status if s is not None else None,
            REASONS: _reasons(row) or None,
            MONITORED: "\n".join(f"{date}：{with_unit(value, ind.unit)}" for date, value in ind.monitoring) or None,
        }
        rows.append({**row, **{k: v for k, v in derived.items() if v is not None}})
    return rows


def _execution(project: Project, result: scoring.SelfEvaluation) -> dict[str, Any]:
    e = result.execution
    monitored = []
    for item in project.execution.get(F.MONITORING) or []:
        executed = to_decimal(item.get(F.MONITOR_EXECUTED)) if isinstance(item, dict) else None
        rate = executed / e.budget if executed is not None and e.budget else None
        monitored.append({**item, RATE: percent(rate)} if isinstance(item, dict) else item)
    out = dict(project.execution)
    if monitored:
        out[F.MONITORING] = monitored
    return out


def context(project: Project, rules: SelfEvaluationRules) -> dict[str, Any]:
    """The keys a project's context gains (none for a file with targets only)."""
    if not project.evaluated:
        return {}
    result = scoring.evaluate(project, rules)
    e = result.execution
    out: dict[str, Any] = {F.INDICATORS: _indicator_rows(project, result), F.EXECUTION: _execution(project, result)}
    has_result = project.conclusion or e.executed is not None or any(ind.actual is not None for ind in project.indicators)
    if has_result:
        out[SELF_EVALUATION] = {
            k: v
            for k, v in {
                BUDGET: e.budget,
                RATE: percent(e.rate),
                RATE_POINTS: scoring.cents(e.points),
                RATE_SCORE: e.score,
                TOTAL: result.total,
                GRADE: result.grade,
            }.items()
            if v is not None
        }
    if e.monitored or any(ind.monitoring for ind in project.indicators):
        out[MONITORING] = {BUDGET: e.budget}
    return out
