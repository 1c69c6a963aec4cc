"""A project's monitoring and self-evaluation as its page shows them: every indicator's target against its result
with a 完成 / 部分完成 / 未完成 mark and its score, the budget's execution, the total and the grade. The figures come
from generator.data.scoring, as on the printed 自评表."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.data import scoring
from generator.data.model import Project
from generator.data.regional import SelfEvaluationRules
from generator.render.cells import with_operator
from generator.render.selfeval import context as derived_context
from generator.render.selfeval import percent, with_unit
from generator.site import views
from generator.site.pages import Evaluation, EvaluationRow, ResultRow
from generator.site.views import Field, Link

NOT_YET = "未填"
STATUSES = (scoring.MET, scoring.PARTLY, scoring.MISSED, NOT_YET)


def _figure(value: Decimal | None) -> str:
    return "" if value is None else views.text(value)


def _row(s: scoring.IndicatorScore) -> ResultRow:
    ind = s.indicator
    reasons = tuple(
        f"{label}：{text}" for label, text in ((F.DEVIATION, ind.deviation), (F.IMPROVEMENT, ind.improvement)) if text
    )
    return ResultRow(
        level1=ind.level1,
        level2=ind.level2,
        name=ind.name or "",
        target=with_operator(ind.row),
        monitored=tuple(f"{date}：{with_unit(value, ind.unit)}" for date, value in ind.monitoring),
        actual=with_unit(ind.actual, ind.unit),
        status=s.status or NOT_YET,
        points=_figure(scoring.cents(s.points)),
        score=_figure(s.score),
        reasons=reasons,
    )


def _budget(project: Project, e: scoring.Execution, money_unit: str) -> tuple[Field, ...]:
    out = [
        Field(label, (views.money(value, money_unit),))
        for label, value in ((F.INITIAL_BUDGET, e.initial), (F.FULL_YEAR_BUDGET, e.budget), (F.EXECUTED, e.executed))
        if value is not None
    ]
    out += _sources(project, money_unit)
    for date, executed in e.monitored:
        rate = percent(executed / e.budget) if e.budget else None
        out.append(
            Field(
                f"{date} 累计执行",
                (views.money(executed, money_unit) + (f"（{views.text(rate)}%）" if rate is not None else ""),),
            )
        )
    if e.rate is not None:
        out.append(
            Field(
                "执行率",
                (f"{views.text(percent(e.rate))}%，得 {_figure(e.score)} 分（满分 {_figure(scoring.cents(e.points))} 分）",),
            )
        )
    return tuple(out)


SOURCE_COLUMNS = ((F.INITIAL_BUDGET, "年初"), (F.FULL_YEAR_BUDGET, "全年预算"), (F.EXECUTED, "执行"))


def _sources(project: Project, money_unit: str) -> list[Field]:
    """The budget by funding source (预算执行.资金来源) as the 自评表's 其中 rows give it, one line a source."""
    sources = project.execution.get(F.FUNDING)
    out: list[Field] = []
    for name in (F.CURRENT_APPROPRIATION, F.CARRIED_OVER, F.OTHER_FUNDS):
        row = sources.get(name) if isinstance(sources, dict) else None
        if not isinstance(row, dict):
            continue
        parts = [f"{label} {views.money(row[key], money_unit)}" for key, label in SOURCE_COLUMNS if row.get(key) is not None]
        if parts:
            out.append(Field(("其中：" if not out else "") + name, ("，".join(parts),)))
    return out


def evaluation(project: Project, rules: SelfEvaluationRules, money_unit: str) -> Evaluation | None:
    """The page's view of ``project``'s monitoring and self-evaluation; None for a file with targets only."""
    if not project.evaluated:
        return None
    result = scoring.evaluate(project, rules)
    rows = tuple(_row(s) for s in result.indicators)
    counts = tuple((status, n) for status in STATUSES if (n := sum(r.status == status for r in rows)))
    titles = {F.ACHIEVEMENT: "年度总体目标实际完成情况", F.PROBLEMS: F.PROBLEMS, F.IMPROVEMENT: F.IMPROVEMENT}
    conclusion = tuple(
        Field(title, views.lines(project.conclusion[key])) for key, title in titles.items() if project.conclusion.get(key)
    )
    return Evaluation(
        rows=rows,
        budget=_budget(project, result.execution, money_unit),
        total=_figure(result.total),
        grade=result.grade or "",
        counts=counts,
        conclusion=conclusion,
        weighted=result.weighted,
    )


def indicator_rows(project: Project, rules: SelfEvaluationRules) -> list[Any]:
    """The project's indicator rows for the open data: as written, with the derived result of each (完成情况, 分值,
    得分) when the project carries a self-evaluation."""
    rows = derived_context(project, rules).get(F.INDICATORS)
    return list(rows) if rows is not None else list(project.doc.data.get(F.INDICATORS) or [])


def summary_row(page: Evaluation, project: Link) -> EvaluationRow:
    """A project's self-evaluation in one line of its unit's page."""
    rate = next((f.lines[0].split("，")[0] for f in page.budget if f.label == "执行率"), "")
    return EvaluationRow(
        project=project,
        total=page.total,
        grade=page.grade,
        counts="，".join(f"{status} {n} 项" for status, n in page.counts),
        rate=rate,
    )
