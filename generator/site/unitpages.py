"""One unit's part of the site, made in one worker process: its official tables, its pages, its open data.

A unit is the unit of work, as for ``jixiao check`` and the tables: the files of a unit are read
once, and everything made from them is written by the same process. What the rest of the site
needs (totals for the home page, the rows of the big CSV files) comes back small or is written
to a scratch file that the main process joins in order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path, PurePosixPath

from generator import atomic
from generator.data import fields as F
from generator.data.load import by_content
from generator.data.model import Indicator, Project, Region, Unit, load_unit
from generator.data.tree import UnitFolder
from generator.render import pdf
from generator.render.compose import BOOKLET, project_order, project_stems
from generator.render.layout import PROJECT, load_layout
from generator.render.tables import PageAdapter, WrittenTables, write_unit_tables
from generator.site import exports, official, search, selfeval, views, years
from generator.site.addresses import UnitAddress, href, region_page, year_page
from generator.site.pages import (
    Common,
    Compared,
    Department,
    Evaluation,
    EvaluationRow,
    History,
    ProjectPage,
    Section,
    SummaryRow,
    Task,
    UnitPage,
    render,
)
from generator.site.shell import Shell, write_page
from generator.site.views import Field, Link

# The unit's own fields shown above its tables, in schema order (the tables have sections of their own).
UNIT_HEADER = frozenset(
    {F.UNIT_NAME, F.UNIT_CODE, F.SUPERVISOR, F.STATED_PROJECT_TOTAL, F.FINANCE_OFFICER, F.PREPARER, F.FILLED_BY, F.INCOMPLETE}
)
TABLE_FORMATS = ((".html", "网页（在浏览器中打开，可打印）"), (".docx", "Word"), (".xlsx", "Excel"), (".pdf", "PDF"))
NO_HISTORY = History((), "")
SELF_EVALUATION = "selfeval"  # the key of the projects' self-evaluations (ProjectResult) in the overview's stats


@dataclass(frozen=True)
class UnitJob:
    folder: UnitFolder
    number: int  # the unit's place in the site's order: names its scratch files
    site: Path
    scratch: Path
    shell: Path
    data_root: Path  # data/: file names in the exports are relative to it
    histories: dict[Path, History] = field(default_factory=dict)
    tables: bool = True
    years: years.Years | None = None  # the same unit in its other years
    # The booklet gets a PDF (--no-pdf was not given and the engine is there): the unit page links it. Typst
    # typesets it here, with the tables; LibreOffice converts it after all pages are written.
    pdf: bool = False
    # The site this unit's files will replace (an update, reuse.py): a file that comes out as it was there is
    # linked from it rather than written again (atomic.write_staged).
    earlier: Path | None = None


@dataclass(frozen=True)
class UnitSummary:
    """What the home, region and year pages need to know about a unit."""

    address: UnitAddress
    region: str
    region_folder: str
    year: int
    name: str
    money_unit: str
    projects: int
    indicators: int
    budget: Decimal
    pages: dict[str, PurePosixPath]  # data file (relative to data/) → its page folder
    tables: WrittenTables | None


@by_content
def _shell(path: Path, raw: bytes | None) -> Shell:
    """The theme's frame that a build wrote (its pages' frame changes with the site's settings)."""
    return Shell.read(path) if raw is None else Shell.from_page(raw.decode("utf-8"))


def build_unit(job: UnitJob) -> UnitSummary:
    unit = load_unit(job.folder)
    unit.projects.sort(key=project_order)
    region = unit.region
    address = UnitAddress.of(job.folder.region_dir, unit.year, job.folder.path)
    typeset = job.pdf and pdf.engine() == pdf.TYPST
    stems = project_stems(load_layout(region.layout, region.folder), unit.projects)
    tables = (
        write_unit_tables(
            unit,
            job.site.joinpath(*address.tables.parts),
            pdf=typeset,
            adapt_page=_back_link(address, stems, unit.projects, unit.name),
            earlier=None if job.earlier is None else job.earlier.joinpath(*address.tables.parts),
        )
        if job.tables
        else None
    )
    made = {p.name for p in job.site.joinpath(*address.tables.parts).iterdir()} if tables else set()
    if tables and tables.booklet and job.pdf:
        made.add(tables.booklet.with_suffix(".pdf").name)
    shell = _shell(job.shell)
    context = {
        "地区": region.name,
        F.REGION_CODE: region.code,
        "年度": unit.year,
        F.UNIT_NAME: unit.name,
        F.UNIT_CODE: unit.code,
        F.MONEY_UNIT: region.money_unit,
    }
    crumbs = (Link("首页", ""), Link(region.name, ""), Link(f"{unit.year}年", ""))
    earlier = _earlier(job.years)
    project_rows: list[list[str]] = []
    indicator_rows: list[list[str]] = []
    project_texts: list[str] = []
    summary: list[SummaryRow] = []
    evaluations: list[EvaluationRow] = []
    results: list[selfeval.ProjectResult] = []
    evaluated: dict[str, Evaluation] = {}  # a project's monitoring and self-evaluation (by stem), for search
    pages: dict[str, PurePosixPath] = {}
    unit_page = address.page
    for number, (project, stem) in enumerate(zip(unit.projects, stems, strict=True), start=1):
        folder = address.project_page(stem)
        links = {"文件": _relative(project.doc.path, job.data_root), "网页": f"{folder}/"}
        pages[links["文件"]] = folder
        result = selfeval.project_result(project, region.regional.scoring, folder)
        if result is not None:
            results.append(result)
        project_rows.append(exports.project_row(context, project.doc.data, links, result))
        document = exports.to_json({**context, **links, "数据": project.doc.data, **exports.evaluation_json(result)})
        project_texts.append(document)
        _write(job, address.data / f"{stem}.json", document + "\n")
        rows = exports.indicator_rows(
            context, exports.PROJECT_TABLE, project.name, selfeval.indicator_rows(project, region.regional.scoring), links
        )
        header = [list(exports.INDICATOR_COLUMNS)]
        _write(job, address.data / f"{stem}.csv", exports.BOM + exports.csv_text(header + rows))
        indicator_rows += rows
        page = _project_page(
            project,
            unit,
            address,
            stem,
            folder,
            crumbs,
            made,
            job.histories.get(project.doc.path.absolute(), NO_HISTORY),
            earlier,
        )
        write_page(
            job.site,
            folder,
            shell.page(
                f"{project.name} - {unit.name} - {region.name} {unit.year}年",
                folder,
                render(page),
                _project_description(project, unit),
            ),
            job.earlier,
        )
        amount_flags = views.flagged_fields(
            views.findings(project.acknowledgements, project.indicators), project.acknowledgements
        ).get(F.AMOUNT, ())
        project_href = href(folder, unit_page, folder=True)
        summary.append(
            SummaryRow(
                number,
                Link(project.name, project_href),
                views.money(project.budget, "").strip(),
                project.remark,
                tuple((n, f"{project_href}#finding-{n}") for n in amount_flags),
            )
        )
        if page.evaluation is not None:
            evaluations.append(selfeval.summary_row(page.evaluation, Link(project.name, project_href)))
            evaluated[stem] = page.evaluation
    unit_links = {"文件": _relative(unit.doc.path, job.data_root), "网页": f"{unit_page}/"}
    pages[unit_links["文件"]] = unit_page
    if unit.department is not None:
        indicator_rows = (
            exports.indicator_rows(
                context, exports.DEPARTMENT_TABLE, "", unit.doc.data[F.DEPARTMENT_TABLE].get(F.INDICATORS) or [], unit_links
            )
            + indicator_rows
        )
    unit_document = exports.to_json({**context, **unit_links, "数据": unit.doc.data})
    # The projects' JSON is already written: joined in, not encoded a second time.
    unit_document = unit_document[:-2] + ',\n "项目": [' + ",".join(project_texts) + "]\n}"
    _write(job, address.unit_json, unit_document + "\n")
    job.scratch.joinpath(f"{job.number:06d}.projects.csv").write_text(exports.csv_text(project_rows), encoding="utf-8")
    job.scratch.joinpath(f"{job.number:06d}.indicators.csv").write_text(exports.csv_text(indicator_rows), encoding="utf-8")
    docs = [_unit_doc(unit, len(summary))] + [
        _project_doc(p, s, unit, evaluated.get(s)) for p, s in zip(unit.projects, stems, strict=True)
    ]
    overview = {
        "search": json.loads(search.stored(f"{unit_page}/", region.name, unit.year, unit.name, docs)),
        "rows": [_list_row(p, f"{address.project_page(s)}/") for p, s in zip(unit.projects, stems, strict=True)],
        "stats": _stats(unit) | ({SELF_EVALUATION: [r.stored() for r in results]} if results else {}),
    }
    job.scratch.joinpath(f"{job.number:06d}.site.csv").write_text(  # JSON; named like the rows, cached with them
        json.dumps(overview, ensure_ascii=False), encoding="utf-8"
    )
    further = {f"{stem}-{table}" for stem in stems for table in _further_tables(unit)}
    unit_stems = sorted({Path(name).stem for name in made} - set(stems) - further)
    unit_context = _unit_page(
        unit, address, crumbs, summary, made, unit_stems, job.histories.get(unit.doc.path.absolute(), NO_HISTORY), job.years
    )
    unit_context = replace(
        unit_context,
        evaluations=tuple(evaluations),
        evaluation_summary=selfeval.summarise(results, unit_page, region.money_unit),
    )
    write_page(
        job.site,
        unit_page,
        shell.page(f"{unit.name} - {region.name} {unit.year}年", unit_page, render(unit_context), _unit_description(unit)),
        job.earlier,
    )
    indicators = sum(1 for p in unit.projects for i in p.indicators if not i.is_placeholder)
    return UnitSummary(
        address,
        region.name,
        job.folder.region_dir.name,
        unit.year,
        unit.name,
        region.money_unit,
        len(unit.projects),
        indicators,
        unit.project_total,
        pages,
        tables,
    )


def _further_tables(unit: Unit) -> list[str]:
    """The 文件名 of a project's tables beside the one named after it (自评表, 运行监控表)."""
    layout = load_layout(unit.region.layout, unit.region.folder)
    return [str(f.stem) for f in layout.forms if f.subject == PROJECT and f.stem]


@dataclass(frozen=True)
class Earlier:
    """Last year's projects of the unit, and where their pages are."""

    projects: list[Project]
    address: UnitAddress
    stems: list[str]
    money_unit: str


def _earlier(found: years.Years | None) -> Earlier | None:
    if found is None or found.earlier is None:
        return None
    folder = found.earlier
    unit = load_unit(folder)
    unit.projects.sort(key=project_order)
    stems = project_stems(load_layout(unit.region.layout), unit.projects)
    return Earlier(unit.projects, UnitAddress.of(folder.region_dir, unit.year, folder.path), stems, unit.region.money_unit)


def foot(region: Region, history: History) -> tuple[str, ...]:
    """The lines at the foot of a data page: who publishes the data and how to reach them (地区.yaml, when
    given), and the date of its last change (git)."""
    data = region.doc.data
    lines = views.publisher(data)
    lines.append("数据来源：各单位公开的预算绩效目标表，原表见本页的“官方表格”。")
    if history.revisions:
        lines.append(f"本页数据最后更新：{history.revisions[0].date}")
    return tuple(lines)


def _quantified(indicator: Indicator) -> bool:
    return not indicator.is_placeholder and not indicator.is_qualitative and indicator.number is not None


def _stats(unit: Unit) -> dict[str, object]:
    """What the comparison of a year's units shows of this one, beyond its summary."""
    indicators = [i for p in unit.projects for i in p.indicators if not i.is_placeholder]
    declared = unit.department.budget.get(F.BY_USE, {}).get(F.PROJECT_SPENDING) if unit.department else None
    findings = len(unit.acknowledgements) + sum(len(p.acknowledgements) for p in unit.projects)
    return {
        "indicators": len(indicators),
        "quantified": sum(1 for i in indicators if _quantified(i)),
        "findings": findings,
        "declared": views.text(declared) if declared is not None and declared != unit.project_total else "",
    }


def _list_row(project: Project, page: str) -> list[object]:
    """A project in the list of all projects: name, page, category, amount, indicators, findings."""
    return [
        project.name,
        page,
        project.category or "",
        views.text(project.budget),
        sum(1 for i in project.indicators if not i.is_placeholder),
        len(project.acknowledgements),
    ]


def _project_description(project: Project, unit: Unit) -> str:
    goals = "".join(project.goals)
    return (
        f"{unit.name}{unit.year}年项目“{project.name}”的预算绩效目标表：项目金额 "
        f"{views.money(project.budget, unit.region.money_unit)}，"
        f"{sum(1 for i in project.indicators if not i.is_placeholder)} 项绩效指标。{goals[:80]}"
    )


def _unit_description(unit: Unit) -> str:
    return (
        f"{unit.name}（{unit.region.name}）{unit.year}年预算绩效目标：{len(unit.projects)} 个项目，"
        f"项目金额合计 {views.money(unit.project_total, unit.region.money_unit)}。"
    )


def _indicator_text(indicators: list[Indicator]) -> str:
    return " ".join(
        " ".join(views.text(v) for v in (i.level2, i.name, i.value, i.unit, i.note) if v)
        for i in indicators
        if not i.is_placeholder
    )


def _project_doc(project: Project, stem: str, unit: Unit, evaluation: Evaluation | None) -> search.Doc:
    data = project.doc.data
    results, results_line = selfeval.search_text(evaluation) if evaluation is not None else ("", "")
    body = [
        project.category,
        project.code,
        project.remark,
        views.text(data.get(F.USE_OF_FUNDS)),
        *project.goals,
        views.text(data.get(F.PERIOD_GOALS)),
        _indicator_text(project.indicators),
    ]
    return search.Doc(
        "项目",
        project.name,
        stem,
        context=f"{unit.name} {unit.region.name} {unit.year}年",
        body=" ".join(b for b in body if b),
        category=project.category or "",
        amount=views.money(project.budget, unit.region.money_unit),
        line=" ".join(project.goals)[:40],
        results=results,
        results_line=results_line,
    )


def _unit_doc(unit: Unit, projects: int) -> search.Doc:
    parts: list[str] = [unit.code or ""]
    if unit.department is not None:
        parts += [views.text(d) for d in unit.department.duties]
        parts += [views.text(t) for t in unit.department.tasks]
        parts.append(_indicator_text(unit.department.indicators))
    if unit.narrative:
        parts.append(views.text(unit.narrative))
    return search.Doc(
        "单位",
        unit.name,
        "",
        context=f"{unit.region.name} {unit.year}年",
        body=" ".join(p for p in parts if p),
        amount=views.money(unit.project_total, unit.region.money_unit),
        line=f"{projects} 个项目",
    )


def _back_link(address: UnitAddress, stems: list[str], projects: list[Project], unit_name: str) -> PageAdapter:
    """How each official table's web page links back to its project's page (the unit's tables and the
    booklet: the unit's), added as the page is written (site/official.py)."""
    names = dict(zip(stems, (p.name for p in projects), strict=True))

    def adapt(stem: str, html: str) -> str:
        page = address.project_page(stem) if stem in names else address.page
        return official.adapt(html, href(page, address.tables, folder=True), names.get(stem, unit_name))

    return adapt


def _relative(path: Path, root: Path) -> str:
    return path.absolute().relative_to(root.absolute()).as_posix()


def _write(job: UnitJob, relative: PurePosixPath, text: str) -> None:
    target = job.site.joinpath(*relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_staged(target, text.encode("utf-8"), None if job.earlier is None else job.earlier.joinpath(*relative.parts))


def _crumbs(crumbs: tuple[Link, ...], address: UnitAddress, page: PurePosixPath, unit: Link | None) -> tuple[Link, ...]:
    targets = (PurePosixPath(), region_page(address.region), year_page(address.region, address.year))
    out = tuple(Link(c.text, href(t, page, folder=True)) for c, t in zip(crumbs, targets, strict=True))
    return out + ((unit,) if unit else ())


def _table_links(address: UnitAddress, stem: str, page: PurePosixPath, made: set[str], label: str) -> list[Link]:
    return [
        Link(f"{label}：{name}", href(address.tables / f"{stem}{suffix}", page), suffix != ".html")
        for suffix, name in TABLE_FORMATS
        if f"{stem}{suffix}" in made
    ]


def _project_page(
    project: Project,
    unit: Unit,
    address: UnitAddress,
    stem: str,
    folder: PurePosixPath,
    crumbs: tuple[Link, ...],
    made: set[str],
    history: History,
    earlier: Earlier | None,
) -> ProjectPage:
    money_unit = unit.region.money_unit
    unit_link = Link(unit.name, href(address.page, folder, folder=True))
    found = views.findings(project.acknowledgements, project.indicators)
    data = project.doc.data
    downloads = _table_links(address, stem, folder, made, "官方表格")
    for table in _further_tables(unit):  # the project's 运行监控表 and 自评表, where printed
        downloads += _table_links(address, f"{stem}-{table}", folder, made, table)
    downloads += [
        Link("数据：JSON", href(address.data / f"{stem}.json", folder), True),
        Link("绩效指标：CSV（Excel 可打开）", href(address.data / f"{stem}.csv", folder), True),
    ]
    period = data.get(F.PERIOD_GOALS)
    last: Link | None = None
    compared: tuple[Compared, ...] = ()
    match = continued_from(project, earlier)
    if earlier is not None and match is not None:
        old = earlier.projects[match]
        last = Link(
            f"{old.name}（{earlier.address.year}年）",
            href(earlier.address.project_page(earlier.stems[match]), folder, folder=True),
        )
        compared = tuple(Compared(c.what, *c.cells()) for c in years.compared(old, project, money_unit))
    return ProjectPage(
        page=Common(
            project.name, _crumbs(crumbs, address, folder, unit_link), unit.region.name, unit.year, foot(unit.region, history)
        ),
        unit=unit_link,
        fields=tuple(views.header_fields(data, "project", money_unit, views.flagged_fields(found, project.acknowledgements))),
        goals=tuple(project.goals),
        period_goals=views.lines(period) if period else (),
        table=views.indicator_table(project.indicators, F.INDICATORS, found, project.acknowledgements),
        findings=tuple(found),
        corrections=views.lines(data.get(F.CORRECTIONS) or []),
        downloads=tuple(downloads),
        history=history,
        earlier=last,
        compared=compared,
        evaluation=selfeval.evaluation(project, unit.region.regional.scoring, money_unit),
    )


def continued_from(project: Project, earlier: Earlier | None) -> int | None:
    return None if earlier is None else years.continued(project, earlier.projects)


def _department(unit: Unit) -> Department | None:
    table = unit.department
    if table is None:
        return None
    budget = table.budget
    base = "部门整体支出绩效目标表.绩效指标"
    found = views.findings(unit.acknowledgements, table.indicators, base)
    flags = views.flagged_fields(found, unit.acknowledgements, f"{F.DEPARTMENT_TABLE}.{F.BUDGET}.")
    rows = []
    for key, value in budget.items():
        if isinstance(value, dict):
            rows += [Field(f"{key}：{k}", (views.text(v),), flags.get(f"{key}.{k}", ())) for k, v in value.items()]
        else:
            rows.append(Field(key, (views.text(value),), flags.get(key, ())))
    tasks = tuple(
        Task(views.text(t.get(F.TASK_NAME)), views.text(t.get(F.TASK_CONTENT))) for t in table.tasks if isinstance(t, dict)
    )
    return Department(
        tuple(views.text(d) for d in table.duties),
        tasks,
        tuple(rows),
        views.indicator_table(table.indicators, "部门整体绩效指标", found, unit.acknowledgements, base),
    )


def _narrative(unit: Unit) -> tuple[Section, ...]:
    if not unit.narrative:
        return ()
    titles = _narrative_titles()
    return tuple(
        Section(titles.get(key, key), views.lines(value), isinstance(value, list)) for key, value in unit.narrative.items()
    )


@cache
def _narrative_titles() -> dict[str, str]:
    from generator.data import schemas

    node = schemas.resolved("unit")["properties"].get(F.DEPARTMENT_NARRATIVE, {})  # $refs resolved
    return {k: str(v.get("title", k)) for k, v in node.get("properties", {}).items()}


UNIT_TABLE_ORDER = ("部门整体", "汇总表", BOOKLET)


def _unit_page(
    unit: Unit,
    address: UnitAddress,
    crumbs: tuple[Link, ...],
    summary: list[SummaryRow],
    made: set[str],
    unit_stems: list[str],
    history: History,
    found_years: years.Years | None,
) -> UnitPage:
    page = address.page
    money_unit = unit.region.money_unit
    data = unit.doc.data
    acks = unit.acknowledgements
    indicators = unit.department.indicators if unit.department else []
    found = views.findings(acks, indicators, "部门整体支出绩效目标表.绩效指标")
    flags = views.flagged_fields(found, acks)
    fields = []
    for key, title in views.titles("unit").items():
        value = data.get(key)
        if key not in UNIT_HEADER or not value:
            continue
        if key == F.STATED_PROJECT_TOTAL:
            lines: tuple[str, ...] = (views.money(value, money_unit),)
        elif key == F.INCOMPLETE and isinstance(value, dict):
            lines = (views.incomplete(value),)
        else:
            lines = views.lines(value)
        fields.append(Field(title, lines, views.flags_about(flags, key)))
    ordered = sorted(unit_stems, key=lambda s: (UNIT_TABLE_ORDER.index(s) if s in UNIT_TABLE_ORDER else 9, s))
    downloads = [link for stem in ordered for link in _table_links(address, stem, page, made, stem)]
    downloads.append(Link("数据：JSON（单位表和全部项目表）", href(address.unit_json, page), True))
    stats = _stats(unit)
    note = "各项目表的项目金额之和"
    if stats["declared"]:
        numbers = "、".join(str(n) for n in flags.get(f"{F.DEPARTMENT_TABLE}.{F.BUDGET}.{F.BY_USE}.{F.PROJECT_SPENDING}", ()))
        note += f"；部门整体表填报的项目支出为 {stats['declared']} {money_unit}，两者不一致" + (
            f"（见已确认问题 {numbers}）" if numbers else ""
        )
    other_years = tuple(
        Link(
            f"{year}年",
            "" if year == unit.year else href(UnitAddress.of(folder.region_dir, year, folder.path).page, page, folder=True),
        )
        for year, folder in (found_years.years if found_years else ())
    )
    return UnitPage(
        page=Common(unit.name, _crumbs(crumbs, address, page, None), unit.region.name, unit.year, foot(unit.region, history)),
        money_unit=money_unit,
        fields=tuple(fields),
        department=_department(unit),
        narrative=_narrative(unit),
        summary=tuple(summary),
        total=views.text(unit.project_total),
        total_note=note,
        findings=tuple(found),
        corrections=views.lines(data.get(F.CORRECTIONS) or []),
        downloads=tuple(downloads),
        history=history,
        years=other_years if len(other_years) > 1 else (),
    )
