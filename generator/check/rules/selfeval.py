"""Monitoring and self-evaluation (issue 20): results that can be compared with their targets, reasons where a
target is missed, the budget's execution, and the points and stated scores of the self-evaluation (V021–V025,
M010–M013, T005). A file with targets only has nothing here to check."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from generator.check.rules.common import amount, shown_value
from generator.check.rules.registry import Scope, project_rule
from generator.data import fields as F
from generator.data import scoring
from generator.data.model import Indicator, Project, to_decimal
from generator.data.regional import SelfEvaluationRules
from generator.diagnostics import Diagnostic, FieldPath

NUMBER_HINT = "写数字，单位与度量单位相同（百分比不写 % 号）；确实无法计量时把这条指标改为定性指标。"
TEXT_HINT = "写实际完成的情况，或 达成年度指标、部分达成年度指标、未达成年度指标。"


def with_unit(ind: Indicator, value: object) -> str:
    """A result as the table shows it: a number with the indicator's unit ("4000人", "95%")."""
    unit = "%" if ind.unit == "百分比" else ind.unit
    return f"{value}{unit}" if to_decimal(value) is not None and unit != "无" else str(value)


def _kind(value: object) -> str:
    return "数字" if to_decimal(value) is not None else "文字"


def _comparable(ind: Indicator, value: object, rules: SelfEvaluationRules) -> bool:
    """Whether ``value`` can be set against ``ind``'s target: a number for a number, words for words (a grade
    word such as 完成 is accepted for a number, as published tables write it)."""
    if ind.is_qualitative or ind.operator == scoring.QUALITATIVE:
        return isinstance(value, str)
    if ind.number is None:
        return True  # a target in words without 定性 (V003 and others speak of the target itself)
    return to_decimal(value) is not None or (isinstance(value, str) and rules.grade_share(value) is not None)


def check_results(project: Project, rules: SelfEvaluationRules) -> Iterator[Diagnostic]:
    doc = project.doc
    for ind in project.indicators:
        if ind.is_placeholder:
            continue
        target_kind = "文字（定性）" if ind.is_qualitative else "数字"
        hint = TEXT_HINT if ind.is_qualitative else NUMBER_HINT
        for n, (_, value) in enumerate(ind.monitoring):
            if not _comparable(ind, value, rules):
                yield doc.diagnostic(
                    "V021",
                    ind.field(F.MONITORING) + (n, F.MONITOR_VALUE),
                    name=ind.name,
                    target_kind=target_kind,
                    what="监控的完成值",
                    actual=value,
                    actual_kind=_kind(value),
                    hint=hint,
                )
        if ind.actual is None:
            continue
        if not _comparable(ind, ind.actual, rules):
            yield doc.diagnostic(
                "V021",
                ind.field(F.ACTUAL),
                name=ind.name,
                target_kind=target_kind,
                what=F.ACTUAL,
                actual=ind.actual,
                actual_kind=_kind(ind.actual),
                hint=hint,
            )
            continue
        share = scoring.share(ind, ind.actual, rules)
        if share is None and isinstance(ind.actual, str):
            yield doc.diagnostic("V023", ind.field(F.ACTUAL), name=ind.name, actual=ind.actual, grades="、".join(rules.grades))
        elif share is not None and share < 1 and not ind.deviation.strip():
            status = scoring.PARTLY if share > 0 else scoring.MISSED
            yield doc.diagnostic(
                "V022",
                ind.field(F.ACTUAL),
                name=ind.name,
                status=status,
                target=shown_value(ind),
                actual=with_unit(ind, ind.actual),
            )


def check_points(project: Project, result: scoring.SelfEvaluation) -> Iterator[Diagnostic]:
    live = [ind for ind in project.indicators if not ind.is_placeholder]
    weighted = [ind for ind in live if ind.weight is not None]
    indicators = sum((s.points for s in result.indicators), Decimal(0))
    detail = ""
    if weighted and len(weighted) < len(live):
        detail = f"；{len(live) - len(weighted)} 条指标没有权重，按默认分值计分"
    elif not weighted or scoring.cents(result.available) == scoring.HUNDRED:
        return  # the default points leave out a 一级指标 the project does not have: the total is scaled
    yield project.doc.diagnostic(
        "V024",
        (F.INDICATORS,),
        total=amount(scoring.cents(result.available)),
        indicators=amount(scoring.cents(indicators)),
        execution=amount(result.execution.points),
        detail=detail,
    )


def check_stated(project: Project, result: scoring.SelfEvaluation) -> Iterator[Diagnostic]:
    stated = to_decimal(project.conclusion.get(F.STATED_SCORE))
    total = result.total
    if stated is not None and total is not None and abs(stated - total) > Decimal("0.5"):  # printed rounded
        yield project.doc.diagnostic(
            "V025", (F.CONCLUSION, F.STATED_SCORE), what=F.STATED_SCORE, stated=amount(stated), computed=amount(total)
        )
    grade = project.conclusion.get(F.STATED_GRADE)
    if grade and result.grade and grade != result.grade:
        yield project.doc.diagnostic(
            "V025",
            (F.CONCLUSION, F.STATED_GRADE),
            what=F.STATED_GRADE,
            stated=grade,
            computed=f"{result.grade}（{amount(total or Decimal(0))} 分）",
        )


def check_execution(project: Project, scope: Scope, result: scoring.SelfEvaluation) -> Iterator[Diagnostic]:
    doc, e = project.doc, result.execution
    base = (F.EXECUTION,)
    if e.initial is not None and project.budget is not None and e.initial != project.budget:
        yield doc.diagnostic("M011", base + (F.INITIAL_BUDGET,), initial=amount(e.initial), budget=amount(project.budget))
    if e.executed is not None and e.budget is not None and e.executed > e.budget:
        yield doc.diagnostic(
            "M010",
            base + (F.EXECUTED,),
            what=F.EXECUTED,
            amount=amount(e.executed),
            limit_name=F.FULL_YEAR_BUDGET,
            limit=amount(e.budget),
        )
    previous: Decimal | None = None
    for n, (_, executed) in enumerate(e.monitored):
        where = base + (F.MONITORING, n, F.MONITOR_EXECUTED)
        if previous is not None and executed < previous:
            yield doc.diagnostic("M012", where, date=e.monitored[n][0], amount=amount(executed), previous=amount(previous))
        for limit_name, limit in ((F.EXECUTED, e.executed), (F.FULL_YEAR_BUDGET, e.budget)):
            if limit is not None and executed > limit:
                yield doc.diagnostic(
                    "M010",
                    where,
                    what=f"{e.monitored[n][0]} 的累计执行数",
                    amount=amount(executed),
                    limit_name=limit_name,
                    limit=amount(limit),
                )
                break
        previous = executed
    yield from check_sources(project, result)
    yield from check_dates(project, scope)


SOURCES = (F.CURRENT_APPROPRIATION, F.CARRIED_OVER, F.OTHER_FUNDS)


def check_sources(project: Project, result: scoring.SelfEvaluation) -> Iterator[Diagnostic]:
    """The rows under 年度资金总额 (当年财政拨款, 上年结转资金, 其他资金) add up to it, column by column; a source
    not written counts as nothing, as a blank row of the published table does."""
    sources = project.execution.get(F.FUNDING)
    if not isinstance(sources, dict):
        return
    e = result.execution
    # the totals as the table prints them: 全年预算数 is the base of the rate (else 年初预算数, else 项目金额)
    for column, whole in ((F.INITIAL_BUDGET, e.initial), (F.FULL_YEAR_BUDGET, e.budget), (F.EXECUTED, e.executed)):
        parts = [
            (name, value)
            for name in SOURCES
            if isinstance(sources.get(name), dict) and (value := to_decimal(sources[name].get(column))) is not None
        ]
        if whole is None or not parts:
            continue
        total = sum((value for _, value in parts), Decimal(0))
        if total != whole:
            yield project.doc.diagnostic(
                "M013",
                (F.EXECUTION, F.FUNDING),
                what=column,
                total=amount(total),
                whole=amount(whole),
                parts="、".join(f"{name} {amount(value)}" for name, value in parts),
            )


def check_dates(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    lists: list[tuple[FieldPath, list[str]]] = [
        (
            (F.EXECUTION, F.MONITORING),
            [str(m.get(F.COVER_DATE)) for m in project.execution.get(F.MONITORING) or [] if isinstance(m, dict)],
        )
    ]
    lists += [(ind.field(F.MONITORING), [d for d, _ in ind.monitoring]) for ind in project.indicators]
    for path, dates in lists:
        for n, date in enumerate(dates):
            where = path + (n, F.COVER_DATE)
            if not date.startswith(f"{scope.year}-"):
                yield project.doc.diagnostic("T005", where, date=date, problem=f"不在预算年度 {scope.year} 年内", year=scope.year)
            elif n and date <= dates[n - 1]:
                yield project.doc.diagnostic("T005", where, date=date, problem=f"不晚于前一次（{dates[n - 1]}）", year=scope.year)


@project_rule
def self_evaluation(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    if not project.evaluated:
        return
    rules = scope.region.regional.scoring
    result = scoring.evaluate(project, rules)
    yield from check_results(project, rules)
    yield from check_points(project, result)
    yield from check_stated(project, result)
    yield from check_execution(project, scope, result)
