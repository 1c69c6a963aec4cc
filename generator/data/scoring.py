"""The self-evaluation's derived figures: each indicator's points and score, the budget execution rate and its
score, the total and the grade. They are computed here and only here, never typed into a data file.

The rules are those of 财预〔2020〕10号《项目支出绩效评价管理办法》 as the published 项目支出绩效自评表 apply them
(docs/绩效自评.md cites the sources):

- points: the table's own weights (权重) where every indicator has one, with 预算执行率权重 (else 10) for the
  budget; otherwise 产出 50, 效益 30, 满意度 10, 预算执行率 10 (or what the layout's 自评 declares), each
  一级指标's points shared equally by its indicators;
- an indicator's score: a ≥ (正向) target scores 实际 ÷ 目标 of its points, a ≤ (反向) one 目标 ÷ 实际, both at most
  in full; an = target scores in full when met and nothing otherwise; a qualitative one by the grade its result
  names (regional.SelfEvaluationRules.grades) or in full when the result repeats the target;
- the budget: 执行率 = 全年执行数 ÷ 全年预算数, scoring 执行率 of its points, at most in full;
- an indicator or 一级指标 the project does not have is not counted: the total is the sum of the scores over the
  points available, scaled to 100;
- the grade: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from generator.data import fields as F
from generator.data.model import Indicator, Project, to_decimal
from generator.data.regional import SelfEvaluationRules

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
MET, PARTLY, MISSED = "完成", "部分完成", "未完成"
GRADES = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
REVERSE_OPERATORS = ("≤", "<")
REVERSE = "反向"
QUALITATIVE = "定性"


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndicatorScore:
    indicator: Indicator
    points: Decimal
    share: Decimal | None  # of the points earned; None: no result yet, or one that cannot be scored

    @property
    def score(self) -> Decimal | None:
        return None if self.share is None else cents(self.points * self.share)

    @property
    def status(self) -> str | None:
        """完成, 部分完成 or 未完成 (None before there is a result)."""
        if self.share is None:
            return None
        return MET if self.share >= 1 else PARTLY if self.share > 0 else MISSED


@dataclass(frozen=True)
class Execution:
    initial: Decimal | None
    budget: Decimal | None  # the year's budget after adjustments, the base of the rate
    executed: Decimal | None
    points: Decimal
    monitored: tuple[tuple[str, Decimal], ...] = ()

    @property
    def rate(self) -> Decimal | None:
        """执行率 as a fraction (1 = 100%); None without a budget or an executed amount."""
        if self.budget is None or self.executed is None or self.budget <= 0:
            return None
        return self.executed / self.budget

    @property
    def score(self) -> Decimal | None:
        return None if self.rate is None else cents(self.points * min(self.rate, Decimal(1)))


@dataclass(frozen=True)
class SelfEvaluation:
    indicators: tuple[IndicatorScore, ...]
    execution: Execution
    weighted: bool  # the points are the table's own weights

    @property
    def available(self) -> Decimal:
        return sum((s.points for s in self.indicators), Decimal(0)) + self.execution.points

    @property
    def complete(self) -> bool:
        """Every indicator has a scored result and the budget a rate: a total can be given."""
        return all(s.score is not None for s in self.indicators) and self.execution.score is not None

    @property
    def total(self) -> Decimal | None:
        if not self.complete or self.available <= 0:
            return None
        earned = sum((s.score or Decimal(0) for s in self.indicators), Decimal(0)) + (self.execution.score or 0)
        return cents(earned) if cents(self.available) == HUNDRED else cents(earned * HUNDRED / self.available)

    @property
    def grade(self) -> str | None:
        return None if self.total is None else grade_of(self.total)


def grade_of(total: Decimal) -> str:
    return next(name for floor, name in GRADES if total >= floor)


def is_reverse(ind: Indicator) -> bool:
    return ind.operator in REVERSE_OPERATORS or (ind.operator in (None, "=") and ind.direction == REVERSE)


def share(ind: Indicator, actual: object, rules: SelfEvaluationRules) -> Decimal | None:
    """The share of its points ``actual`` earns for ``ind``; None when it cannot be scored (a number for a
    qualitative target, or words that name no grade: V021 and V023 report them)."""
    if actual is None:
        return None
    if ind.is_qualitative or ind.operator == QUALITATIVE:
        if not isinstance(actual, str):
            return None
        if isinstance(ind.value, str) and actual.strip() == ind.value.strip():
            return Decimal(1)
        return rules.grade_share(actual)
    target, got = ind.number, to_decimal(actual)
    if got is None:
        return rules.grade_share(actual) if isinstance(actual, str) else None
    if target is None:
        return None
    if ind.operator == "=" and ind.direction != REVERSE:
        return Decimal(1) if got == target else Decimal(0)
    if is_reverse(ind):
        if got <= target:
            return Decimal(1)
        return max(target, Decimal(0)) / got if got > 0 else Decimal(0)
    if got >= target:
        return Decimal(1)
    return max(got, Decimal(0)) / target if target > 0 else Decimal(0)


def points(project: Project, rules: SelfEvaluationRules) -> tuple[dict[int, Decimal], Decimal, bool]:
    """Each live indicator's points (by its index), the budget's points, and whether they are the table's own
    weights: the weights when every indicator states one, else the rules' points shared within each 一级."""
    live = [ind for ind in project.indicators if not ind.is_placeholder]
    execution = project.execution_weight if project.execution_weight is not None else rules.execution_points
    if live and all(ind.weight is not None for ind in live):
        return {ind.index: ind.weight or Decimal(0) for ind in live}, execution, True
    pools: dict[str, list[Indicator]] = {}
    for ind in live:
        pools.setdefault(rules.pooled.get(ind.level1, ind.level1), []).append(ind)
    out: dict[int, Decimal] = {}
    for pool, members in pools.items():
        each = rules.points.get(pool, Decimal(0)) / len(members)
        out.update({ind.index: each for ind in members})
    return out, rules.execution_points, False


def execution_of(project: Project, budget_points: Decimal) -> Execution:
    """The budget's execution: the year's budget is 全年预算数, else 年初预算数, else the project's 项目金额."""
    e = project.execution
    initial = to_decimal(e.get(F.INITIAL_BUDGET))
    budget = to_decimal(e.get(F.FULL_YEAR_BUDGET))
    monitored = tuple(
        (str(m.get(F.COVER_DATE)), to_decimal(m.get(F.MONITOR_EXECUTED)) or Decimal(0))
        for m in e.get(F.MONITORING) or []
        if isinstance(m, dict)
    )
    return Execution(
        initial=initial,
        budget=budget if budget is not None else initial if initial is not None else project.budget,
        executed=to_decimal(e.get(F.EXECUTED)),
        points=budget_points,
        monitored=monitored,
    )


def evaluate(project: Project, rules: SelfEvaluationRules) -> SelfEvaluation:
    """The derived figures of ``project``'s self-evaluation under ``rules`` (its region's)."""
    by_index, budget_points, weighted = points(project, rules)
    scores = tuple(
        IndicatorScore(ind, by_index[ind.index], share(ind, ind.actual, rules))
        for ind in project.indicators
        if ind.index in by_index
    )
    return SelfEvaluation(scores, execution_of(project, budget_points), weighted)
