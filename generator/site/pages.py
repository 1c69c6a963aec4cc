"""The data pages of the site: one Jinja environment, one documented context per page template.

Templates live in generator/site/templates/. Autoescape is on and undefined values fail, as for
the official tables: a text from the data is always written as text, and ``{{ … }}`` in the data
is just characters (the data is a value of the context, never part of a template). Each template
writes the inside of the page's <article>; shell.py puts it into the site's theme.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from generator import held
from generator.site.views import Field, Finding, IndicatorTable, Link

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Revision:
    """One commit that changed a file: when, what changed in words (as ``jixiao diff`` says it, housekeeping
    fields such as 序号 left out), and the commit's own subject, shown second."""

    date: str
    subject: str
    commit: str
    changes: tuple[str, ...]
    more: int = 0  # changes not listed


@dataclass(frozen=True)
class History:
    revisions: tuple[Revision, ...]
    note: str  # why there is none, or that older ones are left out; empty otherwise


@dataclass(frozen=True)
class Common:
    """What every data page has: its title, where it sits, its region and year, and the lines of its foot
    (publisher, contact and the date of the data, from 地区.yaml and git)."""

    title: str
    crumbs: tuple[Link, ...]
    region: str
    year: int
    foot: tuple[str, ...] = ()


@dataclass(frozen=True)
class Compared:
    """One line of a comparison with last year: what, last year's value, this year's."""

    what: str
    old: str
    new: str


@dataclass(frozen=True)
class ProjectPage:
    """The context of ``项目.html.j2``: one 项目支出绩效目标表.

    - ``page``: title, breadcrumbs, region and year (Common);
    - ``unit``: link to the unit's page;
    - ``fields``: header fields in schema order (项目金额, 项目类别, 实施期 …);
    - ``goals`` / ``period_goals``: 本年度绩效目标 and 实施期绩效目标, one line per item;
    - ``table``: the indicators, grouped as on the form;
    - ``findings``: acknowledged findings; ``corrections``: 更正说明;
    - ``downloads``: official tables and open data; ``history``: 修订记录;
    - ``earlier``: the same project last year (None: new this year), ``compared``: what changed since.
    - ``evaluation``: the monitoring and self-evaluation (Evaluation), None for a file with targets only.
    """

    page: Common
    unit: Link
    fields: tuple[Field, ...]
    goals: tuple[str, ...]
    period_goals: tuple[str, ...]
    table: IndicatorTable
    findings: tuple[Finding, ...]
    corrections: tuple[str, ...]
    downloads: tuple[Link, ...]
    history: History
    earlier: Link | None
    compared: tuple[Compared, ...]
    evaluation: Evaluation | None = None


@dataclass(frozen=True)
class Task:
    name: str
    content: str


@dataclass(frozen=True)
class Department:
    """The 部门整体支出绩效目标表 (Hunan and similar): duties, tasks, budget, indicators."""

    duties: tuple[str, ...]
    tasks: tuple[Task, ...]
    budget: tuple[Field, ...]
    table: IndicatorTable


@dataclass(frozen=True)
class Section:
    """One part of a narrative 部门整体绩效目标 (Hebei): a heading and its paragraphs or items."""

    heading: str
    lines: tuple[str, ...]
    numbered: bool


@dataclass(frozen=True)
class SummaryRow:
    number: int
    project: Link
    amount: str
    remark: str
    flags: tuple[tuple[int, str], ...] = ()  # findings about the project's amount: (number, link to its reason)


@dataclass(frozen=True)
class UnitPage:
    """The context of ``单位.html.j2``: one unit and its tables.

    - ``page``: title, breadcrumbs, region and year (Common); ``money_unit``: e.g. 万元;
    - ``fields``: 单位名称, 单位编码, 单位财务负责人, 填表人 as filled in;
    - ``department`` (部门整体支出绩效目标表) or ``narrative`` (部门整体绩效目标), or neither;
    - ``summary``: the 项目支出绩效目标汇总表 derived from the project files, ``total`` its sum, and
      ``total_note`` which figure that is when the unit's own table says another;
    - ``findings``, ``corrections``, ``downloads``, ``history`` as on a project page;
    - ``years``: the unit's page in each of its years (this one without a link).
    - ``evaluations``: the self-evaluation of each project that carries one (EvaluationRow), empty otherwise,
      and ``evaluation_summary`` all of them summed up (EvaluationSummary), as the region's year page sums them.
    """

    page: Common
    money_unit: str
    fields: tuple[Field, ...]
    department: Department | None
    narrative: tuple[Section, ...]
    summary: tuple[SummaryRow, ...]
    total: str
    total_note: str
    findings: tuple[Finding, ...]
    corrections: tuple[str, ...]
    downloads: tuple[Link, ...]
    history: History
    years: tuple[Link, ...]
    evaluations: tuple[EvaluationRow, ...] = ()
    evaluation_summary: EvaluationSummary | None = None


@dataclass(frozen=True)
class UnitRow:
    """A unit in the comparison of a year's units."""

    unit: Link
    projects: int
    indicators: int
    budget: str
    quantified: str  # the share of its indicators with a number as target, "78%"
    findings: int  # acknowledged findings in its tables
    declared: str  # the 项目支出 its own table states, when it differs from ``budget``; else ""
    booklet: Link | None  # its PDF booklet, when there is one


@dataclass(frozen=True)
class YearSummary:
    """One region's year: its units with their totals, and the chart of budget by unit."""

    region: str
    year: int
    link: Link
    units: tuple[UnitRow, ...]
    projects: int
    indicators: int
    budget: str
    money_unit: str
    chart: str  # the bars made by chart.py from numbers and escaped names (Markup)
    projects_link: Link  # the list of all its projects
    evaluation: EvaluationSummary | None = None  # its projects' self-evaluations summed up, where there are any


@dataclass(frozen=True)
class Touched:
    """A page a commit changed, and what changed in it (the first sentences of ``jixiao diff``)."""

    page: Link
    changes: tuple[str, ...]


@dataclass(frozen=True)
class Change:
    """One commit in the recent changes of the data: its date, the pages it changed and how, its subject."""

    date: str
    subject: str
    pages: tuple[Touched, ...]
    more: int


@dataclass(frozen=True)
class HomePage:
    """The context of ``首页.html.j2``: regions and years with their totals, charts, recent changes.

    - ``page``: title and (empty) breadcrumbs; ``years``: every region's years (YearSummary), each with
      its own totals (never summed across years or regions);
    - ``changes``: recent changes of the data in words; ``search``: link to the search page;
      ``links``: open data and guides.
    """

    page: Common
    years: tuple[YearSummary, ...]
    changes: tuple[Change, ...]
    search: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class YearPage:
    """The context of ``年度.html.j2``: the units of one region in one year compared, with totals and chart;
    ``years``: the region's other years."""

    page: Common
    summary: YearSummary
    downloads: tuple[Link, ...]
    years: tuple[Link, ...]


@dataclass(frozen=True)
class ProjectRow:
    unit: Link
    project: Link
    category: str
    amount: str
    sort_amount: str  # the amount as a plain number for sorting ("" when not filled in)
    indicators: int
    findings: int


@dataclass(frozen=True)
class ProjectList:
    """The context of ``项目列表.html.j2``: one page of the list of all projects of a region's year, whole
    units a page; sorted and filtered in the browser, a plain table without script.

    - ``page``: title, breadcrumbs …; ``money_unit``; ``rows``: the projects on this page;
    - ``pages``: every page of the list (the current one without a link), each named by its units;
    - ``categories`` and ``units``: the choices of the filters.
    """

    page: Common
    money_unit: str
    rows: tuple[ProjectRow, ...]
    pages: tuple[Link, ...]
    categories: tuple[str, ...]
    units: tuple[str, ...]


@dataclass(frozen=True)
class RegionPage:
    """The context of ``地区.html.j2``: one region, its settings and its years."""

    page: Common
    fields: tuple[Field, ...]
    years: tuple[YearSummary, ...]


Context = ProjectPage | UnitPage | HomePage | YearPage | RegionPage | ProjectList
# Which context each page template is rendered with; a test checks the names match the template.
PAGE_CONTEXTS: dict[str, type[Context]] = {
    "项目.html.j2": ProjectPage,
    "单位.html.j2": UnitPage,
    "首页.html.j2": HomePage,
    "年度.html.j2": YearPage,
    "地区.html.j2": RegionPage,
    "项目列表.html.j2": ProjectList,
}


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_rendered: held.Memo[str] = held.Memo(512)  # the pages of a unit of 100 projects (generator/held.py)


def render(context: Context) -> str:
    """The page of ``context``; in a process that keeps results (``jixiao serve``), a page whose whole
    context is as before is not rendered again (compared pickled, not by ``==``: ``held.pickled``)."""
    key = held.pickled(context) if held.kept() else None
    if key is None:  # nothing kept, or a context that cannot be pickled: rendered as it comes
        return _render(context)
    return _rendered.get(key, lambda: _render(context))


def _render(context: Context) -> str:
    name = next(n for n, kind in PAGE_CONTEXTS.items() if isinstance(context, kind))
    values: dict[str, Any] = {f.name: getattr(context, f.name) for f in fields(context)}
    return environment().get_template(name).render(values)


# --- 运行监控和绩效自评 (issue 20) -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ResultRow:
    """One indicator set against its result: target, monitored values, actual, 完成 / 部分完成 / 未完成, score."""

    level1: str
    level2: str
    name: str
    target: str
    monitored: tuple[str, ...]
    actual: str
    status: str  # 完成, 部分完成, 未完成, or 未填 before there is a result
    points: str
    score: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Evaluation:
    """A project's monitoring and self-evaluation on its page (generator.site.selfeval), beside its targets.

    ``rows``: each indicator against its result; ``budget``: 年初预算数, 全年预算数, 全年执行数, 执行率 and the
    monitored amounts; ``total`` and ``grade`` (empty until every result is in); ``counts``: how many indicators
    are 完成, 部分完成, 未完成; ``conclusion``: 自评结论 as written; ``weighted``: the points are the table's
    own weights (else the defaults of 财预〔2020〕10号)."""

    rows: tuple[ResultRow, ...]
    budget: tuple[Field, ...]
    total: str
    grade: str
    counts: tuple[tuple[str, int], ...]
    conclusion: tuple[Field, ...]
    weighted: bool


@dataclass(frozen=True)
class EvaluationRow:
    """One project on its unit's page: its self-evaluation in one line (score, grade, completion, execution rate)."""

    project: Link
    total: str
    grade: str
    counts: str  # 完成 7 项，部分完成 2 项
    rate: str


@dataclass(frozen=True)
class Attention:
    """A project the summary points to: one of the lowest scores, or one with an indicator 未完成."""

    project: Link
    total: str  # "" until every result is in
    grade: str
    missed: int  # indicators 未完成
    partly: int  # indicators 部分完成


@dataclass(frozen=True)
class EvaluationSummary:
    """The self-evaluations of many projects (a unit's, a region's year) summed up (generator.site.selfeval.summarise).

    ``projects``: projects with monitoring or a self-evaluation; ``scored``: those with a total, ``average`` their
    mean score and ``grades`` how many of them are 优, 良, 中, 差 (empty when none has a total); ``statuses``: their
    indicators 完成, 部分完成, 未完成, 未填; ``paid``: projects with a budget and an executed amount, ``budget`` and
    ``executed`` their sums, ``rate`` the one over the other; ``attention``: the lowest scores and the projects with
    an indicator 未完成, linked (``more``: how many more there are)."""

    projects: int
    scored: int
    average: str
    grades: tuple[tuple[str, int], ...]
    statuses: tuple[tuple[str, int], ...]
    paid: int
    budget: str
    executed: str
    rate: str
    attention: tuple[Attention, ...]
    more: int
