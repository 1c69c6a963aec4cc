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

from generator.site.views import Field, Finding, IndicatorTable, Link

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Revision:
    """One commit that changed a file: when, the commit's subject, and what changed in words."""

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
    """What every data page has: its title, where it sits, and search filters."""

    title: str
    crumbs: tuple[Link, ...]
    region: str
    year: int


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


@dataclass(frozen=True)
class UnitPage:
    """The context of ``单位.html.j2``: one unit and its tables.

    - ``page``: title, breadcrumbs, region and year (Common); ``money_unit``: e.g. 万元;
    - ``fields``: 单位名称, 单位编码, 单位财务负责人, 填表人 as filled in;
    - ``department`` (部门整体支出绩效目标表) or ``narrative`` (部门整体绩效目标), or neither;
    - ``summary``: the 项目支出绩效目标汇总表 derived from the project files, ``total`` its sum;
    - ``findings``, ``corrections``, ``downloads``, ``history`` as on a project page;
    - ``evaluations``: the self-evaluation of each project that carries one (EvaluationRow), empty otherwise.
    """

    page: Common
    money_unit: str
    fields: tuple[Field, ...]
    department: Department | None
    narrative: tuple[Section, ...]
    summary: tuple[SummaryRow, ...]
    total: str
    findings: tuple[Finding, ...]
    corrections: tuple[str, ...]
    downloads: tuple[Link, ...]
    history: History
    evaluations: tuple[EvaluationRow, ...] = ()


@dataclass(frozen=True)
class UnitRow:
    unit: Link
    projects: int
    indicators: int
    budget: str


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
    chart: str  # inline SVG made by chart.py from numbers and escaped names (Markup)


@dataclass(frozen=True)
class Change:
    """One commit in the recent changes of the data: date, subject, and the pages it touched."""

    date: str
    subject: str
    pages: tuple[Link, ...]
    more: int


@dataclass(frozen=True)
class HomePage:
    """The context of ``首页.html.j2``: regions and years with their totals, charts, recent changes.

    - ``page``: title and (empty) breadcrumbs; ``years``: every region's years (YearSummary);
    - ``totals``: (label, value) pairs for the whole site; ``changes``: recent commits of data/;
    - ``search``: link to the search page; ``links``: open data and guides.
    """

    page: Common
    years: tuple[YearSummary, ...]
    totals: tuple[Field, ...]
    changes: tuple[Change, ...]
    search: str
    links: tuple[Link, ...]


@dataclass(frozen=True)
class YearPage:
    """The context of ``年度.html.j2``: the units of one region in one year, with totals and chart."""

    page: Common
    summary: YearSummary
    downloads: tuple[Link, ...]


@dataclass(frozen=True)
class RegionPage:
    """The context of ``地区.html.j2``: one region, its settings and its years."""

    page: Common
    fields: tuple[Field, ...]
    years: tuple[YearSummary, ...]


Context = ProjectPage | UnitPage | HomePage | YearPage | RegionPage
# Which context each page template is rendered with; a test checks the names match the template.
PAGE_CONTEXTS: dict[str, type[Context]] = {
    "项目.html.j2": ProjectPage, "单位.html.j2": UnitPage, "首页.html.j2": HomePage,
    "年度.html.j2": YearPage, "地区.html.j2": RegionPage,
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


def render(context: Context) -> str:
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
