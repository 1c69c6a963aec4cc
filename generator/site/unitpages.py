"""One unit's part of the site, made in one worker process: its official tables, its pages, its open data.

A unit is the unit of work, as for ``jixiao check`` and the tables: the files of a unit are read
once, and everything made from them is written by the same process. What the rest of the site
needs (totals for the home page, the rows of the big CSV files) comes back small or is written
to a scratch file that the main process joins in order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path, PurePosixPath

from generator.data import fields as F
from generator.data.model import Project, Unit, load_unit
from generator.data.tree import UnitFolder
from generator.render.compose import BOOKLET, project_order, project_stems
from generator.render.layout import load_layout
from generator.render.tables import WrittenTables, write_unit_tables
from generator.site import exports, views
from generator.site.addresses import UnitAddress, href, region_page, year_page
from generator.site.pages import (
    Common,
    Department,
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

TABLE_FORMATS = ((".html", "网页（可打印）"), (".docx", "Word"), (".xlsx", "Excel"), (".pdf", "PDF"))
NO_HISTORY = History((), "")


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


@cache
def _shell(path: Path) -> Shell:
    return Shell.read(path)


def build_unit(job: UnitJob) -> UnitSummary:
    unit = load_unit(job.folder)
    unit.projects.sort(key=project_order)
    region = unit.region
    address = UnitAddress.of(job.folder.region_dir, unit.year, job.folder.path)
    tables = write_unit_tables(unit, job.site.joinpath(*address.tables.parts)) if job.tables else None
    made = {p.name for p in job.site.joinpath(*address.tables.parts).iterdir()} if tables else set()
    stems = project_stems(load_layout(region.layout, region.folder), unit.projects)
    shell = _shell(job.shell)
    context = {"地区": region.name, F.REGION_CODE: region.code, "年度": unit.year, F.UNIT_NAME: unit.name,
               F.UNIT_CODE: unit.code, F.MONEY_UNIT: region.money_unit}
    crumbs = (Link("首页", ""), Link(region.name, ""), Link(f"{unit.year}年", ""))
    project_rows: list[list[str]] = []
    indicator_rows: list[list[str]] = []
    project_texts: list[str] = []
    summary: list[SummaryRow] = []
    pages: dict[str, PurePosixPath] = {}
    unit_page = address.page
    for number, (project, stem) in enumerate(zip(unit.projects, stems, strict=True), start=1):
        folder = address.project_page(stem)
        links = {"文件": _relative(project.doc.path, job.data_root), "网页": f"{folder}/"}
        pages[links["文件"]] = folder
        document = exports.to_json({**context, **links, "数据": project.doc.data})
        project_texts.append(document)
        _write(job.site, address.data / f"{stem}.json", document + "\n")
        rows = exports.indicator_rows(context, exports.PROJECT_TABLE, project.name, project.doc.data.get(F.INDICATORS) or [],
                                      links)
        header = [list(exports.INDICATOR_COLUMNS)]
        _write(job.site, address.data / f"{stem}.csv", exports.BOM + exports.csv_text(header + rows))
        indicator_rows += rows
        project_rows.append(exports.project_row(context, project.doc.data, links))
        page = _project_page(project, unit, address, stem, folder, crumbs, made,
                             job.histories.get(project.doc.path.absolute(), NO_HISTORY))
        write_page(job.site, folder, shell.page(project.name, folder, render(page)))
        summary.append(SummaryRow(number, Link(project.name, href(folder, unit_page, folder=True)),
                                  views.money(project.budget, "").strip(), project.remark))
    unit_links = {"文件": _relative(unit.doc.path, job.data_root), "网页": f"{unit_page}/"}
    pages[unit_links["文件"]] = unit_page
    if unit.department is not None:
        indicator_rows = exports.indicator_rows(context, exports.DEPARTMENT_TABLE, "", unit.doc.data[
            F.DEPARTMENT_TABLE].get(F.INDICATORS) or [], unit_links) + indicator_rows
    unit_document = exports.to_json({**context, **unit_links, "数据": unit.doc.data})
    # The projects' JSON is already written: joined in, not encoded a second time.
    unit_document = unit_document[:-2] + ',\n "项目": [' + ",".join(project_texts) + "]\n}"
    _write(job.site, address.unit_json, unit_document + "\n")
    job.scratch.joinpath(f"{job.number:06d}.projects.csv").write_text(exports.csv_text(project_rows), encoding="utf-8")
    job.scratch.joinpath(f"{job.number:06d}.indicators.csv").write_text(exports.csv_text(indicator_rows),
                                                                      encoding="utf-8")
    unit_stems = sorted({Path(name).stem for name in made} - set(stems))
    unit_context = _unit_page(unit, address, crumbs, summary, made, unit_stems,
                              job.histories.get(unit.doc.path.absolute(), NO_HISTORY))
    write_page(job.site, unit_page, shell.page(unit.name, unit_page, render(unit_context)))
    indicators = sum(1 for p in unit.projects for i in p.indicators if not i.is_placeholder)
    return UnitSummary(address, region.name, job.folder.region_dir.name, unit.year, unit.name, region.money_unit,
                       len(unit.projects), indicators, unit.project_total, pages, tables)


def _relative(path: Path, root: Path) -> str:
    return path.absolute().relative_to(root.absolute()).as_posix()


def _write(site: Path, relative: PurePosixPath, text: str) -> None:
    target = site.joinpath(*relative.parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="")


def _crumbs(crumbs: tuple[Link, ...], address: UnitAddress, page: PurePosixPath, unit: Link | None) -> tuple[Link, ...]:
    targets = (PurePosixPath(), region_page(address.region), year_page(address.region, address.year))
    out = tuple(Link(c.text, href(t, page, folder=True)) for c, t in zip(crumbs, targets, strict=True))
    return out + ((unit,) if unit else ())


def _table_links(address: UnitAddress, stem: str, page: PurePosixPath, made: set[str], label: str) -> list[Link]:
    return [Link(f"{label}：{name}", href(address.tables / f"{stem}{suffix}", page))
            for suffix, name in TABLE_FORMATS if f"{stem}{suffix}" in made]


def _project_page(project: Project, unit: Unit, address: UnitAddress, stem: str, folder: PurePosixPath,
                  crumbs: tuple[Link, ...], made: set[str], history: History) -> ProjectPage:
    money_unit = unit.region.money_unit
    unit_link = Link(unit.name, href(address.page, folder, folder=True))
    found = views.findings(project.acknowledgements, project.indicators)
    data = project.doc.data
    downloads = _table_links(address, stem, folder, made, "官方表格")
    downloads += [Link("数据：JSON", href(address.data / f"{stem}.json", folder)),
                  Link("绩效指标：CSV（Excel 可打开）", href(address.data / f"{stem}.csv", folder))]
    period = data.get(F.PERIOD_GOALS)
    return ProjectPage(
        page=Common(project.name, _crumbs(crumbs, address, folder, unit_link), unit.region.name, unit.year),
        unit=unit_link,
        fields=tuple(views.header_fields(data, "project", money_unit)),
        goals=tuple(project.goals),
        period_goals=views.lines(period) if period else (),
        table=views.indicator_table(project.indicators, F.INDICATORS, found, project.acknowledgements),
        findings=tuple(found),
        corrections=views.lines(data.get(F.CORRECTIONS) or []),
        downloads=tuple(downloads),
        history=history,
    )


def _department(unit: Unit) -> Department | None:
    table = unit.department
    if table is None:
        return None
    budget = table.budget
    rows = []
    for key, value in budget.items():
        if isinstance(value, dict):
            rows += [Field(f"{key}：{k}", (views.text(v),)) for k, v in value.items()]
        else:
            rows.append(Field(key, (views.text(value),)))
    base = "部门整体支出绩效目标表.绩效指标"
    found = views.findings(unit.acknowledgements, table.indicators, base)
    tasks = tuple(Task(views.text(t.get(F.TASK_NAME)), views.text(t.get(F.TASK_CONTENT))) for t in table.tasks
                  if isinstance(t, dict))
    return Department(tuple(views.text(d) for d in table.duties), tasks, tuple(rows),
                      views.indicator_table(table.indicators, "部门整体绩效指标", found, unit.acknowledgements, base))


def _narrative(unit: Unit) -> tuple[Section, ...]:
    if not unit.narrative:
        return ()
    titles = _narrative_titles()
    return tuple(Section(titles.get(key, key), views.lines(value), isinstance(value, list))
                 for key, value in unit.narrative.items())


@cache
def _narrative_titles() -> dict[str, str]:
    from generator.data import schemas

    node = schemas.resolved("unit")["properties"].get(F.DEPARTMENT_NARRATIVE, {})  # $refs resolved
    return {k: str(v.get("title", k)) for k, v in node.get("properties", {}).items()}


UNIT_TABLE_ORDER = ("部门整体", "汇总表", BOOKLET)


def _unit_page(unit: Unit, address: UnitAddress, crumbs: tuple[Link, ...], summary: list[SummaryRow], made: set[str],
               unit_stems: list[str], history: History) -> UnitPage:
    page = address.page
    money_unit = unit.region.money_unit
    data = unit.doc.data
    fields = [Field(title, views.lines(data[key])) for key, title in views.titles("unit").items()
              if key in (F.UNIT_NAME, F.UNIT_CODE, F.FINANCE_OFFICER, F.PREPARER) and data.get(key)]
    ordered = sorted(unit_stems, key=lambda s: (UNIT_TABLE_ORDER.index(s) if s in UNIT_TABLE_ORDER else 9, s))
    downloads = [link for stem in ordered for link in _table_links(address, stem, page, made, stem)]
    downloads.append(Link("数据：JSON（单位表和全部项目表）", href(address.unit_json, page)))
    acks = unit.acknowledgements
    indicators = unit.department.indicators if unit.department else []
    return UnitPage(
        page=Common(unit.name, _crumbs(crumbs, address, page, None), unit.region.name, unit.year),
        money_unit=money_unit,
        fields=tuple(fields),
        department=_department(unit),
        narrative=_narrative(unit),
        summary=tuple(summary),
        total=views.text(unit.project_total),
        findings=tuple(views.findings(acks, indicators, "部门整体支出绩效目标表.绩效指标")),
        corrections=views.lines(data.get(F.CORRECTIONS) or []),
        downloads=tuple(downloads),
        history=history,
    )
