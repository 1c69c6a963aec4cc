"""A project's monitoring and self-evaluation as its page shows them: every indicator's target against its result
with a 完成 / 部分完成 / 未完成 mark and its score, the budget's execution, the total and the grade. The figures come
from generator.data.scoring, as on the printed 自评表."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from generator.data import fields as F
from generator.data import scoring
from generator.data.model import Project
from generator.data.regional import SelfEvaluationRules
from generator.render.cells import with_operator
from generator.render.selfeval import context as derived_context
from generator.render.selfeval import percent, with_unit
from generator.site import views
from generator.site.addresses import href
from generator.site.pages import Attention, Evaluation, EvaluationRow, EvaluationSummary, ResultRow
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


# --- Many projects summed up: a unit's page, a region's year --------------------------------------------------------
# The figures of each project come from scoring.evaluate, once, in the unit's worker; the unit page and the region and
# year pages sum the same records (the region's from the unit's scratch file), so their numbers cannot disagree.
GRADE_NAMES = tuple(name for _, name in scoring.GRADES)
LOWEST = 5  # the lowest-scored projects listed, beside every project with an indicator 未完成
LISTED = 10  # at most this many projects in the list


@dataclass(frozen=True)
class ProjectResult:
    """One project's self-evaluation in figures, as a unit's worker keeps it for the pages that sum projects up."""

    name: str
    page: str  # the project page's folder, relative to the site's root
    total: Decimal | None  # None until every result is in
    grade: str
    statuses: tuple[int, int, int, int]  # indicators 完成, 部分完成, 未完成, 未填 (STATUSES' order)
    budget: Decimal | None  # the base of the execution rate (scoring.Execution.budget)
    executed: Decimal | None

    def stored(self) -> list[Any]:
        """As JSON for the scratch file (numbers as their digits: exact)."""
        plain = [None if v is None else str(v) for v in (self.total, self.budget, self.executed)]
        return [self.name, self.page, plain[0], self.grade, list(self.statuses), plain[1], plain[2]]

    @classmethod
    def from_stored(cls, row: list[Any]) -> ProjectResult:
        name, page, total, grade, statuses, budget, executed = row
        a, b, c, d = (int(n) for n in statuses)
        return cls(str(name), str(page), _decimal(total), str(grade), (a, b, c, d), _decimal(budget), _decimal(executed))


def _decimal(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def project_result(project: Project, rules: SelfEvaluationRules, page: PurePosixPath) -> ProjectResult | None:
    """``project``'s figures for the summaries; None for a file with targets only."""
    if not project.evaluated:
        return None
    result = scoring.evaluate(project, rules)
    found = [s.status or NOT_YET for s in result.indicators]
    a, b, c, d = (found.count(status) for status in STATUSES)
    e = result.execution
    return ProjectResult(project.name, f"{page}/", result.total, result.grade or "", (a, b, c, d), e.budget, e.executed)


def summarise(results: list[ProjectResult], page: PurePosixPath, money_unit: str) -> EvaluationSummary | None:
    """The self-evaluations of ``results`` summed up for the page at ``page``; None when there is none."""
    if not results:
        return None
    totals = [r.total for r in results if r.total is not None]
    average = scoring.cents(sum(totals, Decimal(0)) / len(totals)) if totals else None
    grades = tuple((name, sum(r.grade == name for r in results)) for name in GRADE_NAMES) if totals else ()
    statuses = tuple((status, sum(r.statuses[i] for r in results)) for i, status in enumerate(STATUSES))
    paid = [r for r in results if r.budget is not None and r.executed is not None and r.budget > 0]
    budget = sum((r.budget or Decimal(0) for r in paid), Decimal(0))
    executed = sum((r.executed or Decimal(0) for r in paid), Decimal(0))
    missed = [r for r in results if r.statuses[2]]
    lowest = sorted((r for r in results if r.total is not None), key=lambda r: (r.total, r.name))[:LOWEST]
    listed = sorted(
        {r.page: r for r in missed + lowest}.values(),
        key=lambda r: (r.total is None, r.total or Decimal(0), -r.statuses[2], r.name),
    )
    return EvaluationSummary(
        projects=len(results),
        scored=len(totals),
        average=_figure(average),
        grades=tuple(g for g in grades),
        statuses=tuple(s for s in statuses if s[1]),
        paid=len(paid),
        budget=views.money(budget, money_unit) if paid else "",
        executed=views.money(executed, money_unit) if paid else "",
        rate=f"{views.text(percent(executed / budget))}%" if paid else "",
        attention=tuple(
            Attention(
                Link(r.name, href(PurePosixPath(r.page), page, folder=True)),
                _figure(r.total),
                r.grade,
                r.statuses[2],
                r.statuses[1],
            )
            for r in listed[:LISTED]
        ),
        more=max(len(listed) - LISTED, 0),
    )


def search_text(e: Evaluation) -> tuple[str, str]:
    """What search finds a project by in its monitoring and self-evaluation (its results, scores and marks, the
    reasons and measures, the execution and the conclusion, as its page shows them), and the line a result found
    there shows."""
    words = ["绩效运行监控和自评"]
    if e.total:
        # 自评优 / 等级优: a grade is one character, which search finds only beside another (search.py tokens()).
        words += ["绩效自评 自评得分 总分 得分", e.total, f"等级{e.grade} 自评{e.grade}"]
    words += [f"{status}{n}项" for status, n in e.counts]
    for row in e.rows:
        words += [row.actual, *row.reasons]
    words += [f"{f.label} {' '.join(f.lines)}" for f in (*e.budget, *e.conclusion)]
    counts = "，".join(f"{status} {n} 项" for status, n in e.counts)
    rate = next((f.lines[0].split("，")[0] for f in e.budget if f.label == "执行率"), "")
    head = f"自评得分 {e.total} 分（{e.grade}）" if e.total else "运行监控（尚未自评）"
    line = "；".join(part for part in (head, counts, f"执行率 {rate}" if rate else "") if part)
    return " ".join(w for w in words if w), line
