"""The pages above the units: the home page, one page per region, one per region and year with the units
compared, and the list of all projects of each region and year.

They are made from the small summaries the unit workers return (and the overview each wrote to its
scratch file, kept in the cache with an unchanged unit), after all units are done. Totals are per
region and year, never added across years or regions (their money units and years differ), and say
which figure they add: the sum of the project tables' amounts.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from generator import held
from generator.data.load import Document
from generator.data.model import Region
from generator.site import chart, selfeval, views
from generator.site.addresses import href, region_page, year_page
from generator.site.history import Histories, change_lines, read_blobs_parsed
from generator.site.pages import (
    Change,
    Common,
    HomePage,
    ProjectList,
    ProjectRow,
    RegionPage,
    Touched,
    UnitRow,
    YearPage,
    YearSummary,
    render,
)
from generator.site.shell import Shell, write_page
from generator.site.unitpages import SELF_EVALUATION, UnitSummary
from generator.site.views import Field, Link

HOME = PurePosixPath()
SITE_TITLE = "预算绩效目标公开"
LISTS = "项目列表"  # 项目列表/<地区>/<年度>/[<n>/]: beside 地区/, so no unit's folder can take its name
LINKS_PER_CHANGE = 5
CHANGES = 10
LIST_PAGE = 300  # projects a page of the list, about: whole units are kept on one page


@dataclass(frozen=True)
class UnitInfo:
    """A unit's summary with what its worker wrote for the overview (unitpages.py: rows and stats)."""

    summary: UnitSummary
    rows: list[list[Any]]
    stats: dict[str, Any]


def list_page(region: str, year: int, number: int = 1) -> PurePosixPath:
    base = PurePosixPath(LISTS, region, str(year))
    return base if number == 1 else base / str(number)


def _years(units: list[UnitInfo]) -> dict[tuple[str, int], list[UnitInfo]]:
    grouped: dict[tuple[str, int], list[UnitInfo]] = defaultdict(list)
    for unit in units:
        grouped[(unit.summary.address.region, unit.summary.year)].append(unit)
    return dict(sorted(grouped.items(), key=lambda item: (item[0][0], -item[0][1])))


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "—"


def year_summary(units: list[UnitInfo], page: PurePosixPath, ident: str, booklets: dict[str, str]) -> YearSummary:
    first = units[0].summary
    money_unit = first.money_unit
    budget = sum((u.summary.budget for u in units), Decimal(0))
    rows = []
    for info in units:
        u = info.summary
        unit_href = href(u.address.page, page, folder=True)
        booklet = booklets.get("/".join(u.address.parts))
        rows.append(
            UnitRow(
                Link(u.name, unit_href),
                u.projects,
                u.indicators,
                views.text(u.budget),
                _percent(int(info.stats.get("quantified", 0)), int(info.stats.get("indicators", 0))),
                int(info.stats.get("findings", 0)),
                str(info.stats.get("declared", "")),
                Link("PDF", href(booklet, page)) if booklet else None,
            )
        )
    title = f"{first.region} {first.year}年各单位项目金额"
    figure = chart.budget_chart(
        [(u.summary.name, href(u.summary.address.page, page, folder=True), u.summary.budget) for u in units],
        money_unit,
        title,
        ident,
    )
    link = Link(f"{first.region} {first.year}年", href(year_page(first.address.region, first.year), page, folder=True))
    projects = Link(
        f"{first.region} {first.year}年全部 {sum(u.summary.projects for u in units)} 个项目（可排序、筛选）",
        href(list_page(first.address.region, first.year), page, folder=True),
    )
    return YearSummary(
        first.region,
        first.year,
        link,
        tuple(rows),
        sum(u.summary.projects for u in units),
        sum(u.summary.indicators for u in units),
        views.text(budget),
        money_unit,
        figure,
        projects,
        selfeval.summarise(_results(units), page, money_unit),
    )


def _results(units: list[UnitInfo]) -> list[selfeval.ProjectResult]:
    """The self-evaluations of the units' projects, as their workers computed them (unitpages.py)."""
    return [selfeval.ProjectResult.from_stored(row) for u in units for row in u.stats.get(SELF_EVALUATION, ())]


def _region_foot(region: Region, date: str = "") -> tuple[str, ...]:
    data = region.doc.data
    lines = views.publisher(data)
    lines.append("数据来源：各单位公开的预算绩效目标表。")
    if date:
        lines.append(f"数据最后更新：{date}")
    return tuple(lines)


def write_overview(
    site: Path,
    shell: Shell,
    units: list[UnitInfo],
    regions: dict[str, Region],
    histories: Histories,
    data: Path,
    booklets: dict[str, str],
) -> int:
    """Write the home, region, year and list pages; returns how many pages were written. ``booklets``: the
    PDF booklet of each unit that has one (its address → the PDF's place in the site)."""
    _rows.turn()
    years = _years(units)
    written = 0
    region_years: dict[str, list[int]] = defaultdict(list)
    for region, year in years:
        region_years[region].append(year)
    for n, ((region, year), members) in enumerate(years.items(), start=1):
        folder = year_page(region, year)
        summary = year_summary(members, folder, f"chart-{n}", booklets)
        first = members[0].summary
        model = regions[first.region_folder]
        crumbs = (
            Link("首页", href(HOME, folder, folder=True)),
            Link(first.region, href(region_page(region), folder, folder=True)),
        )
        downloads = (
            Link("全部数据：CSV（每行一个项目）", href("data/projects.csv", folder), True),
            Link("全部数据：CSV（每行一项指标）", href("data/indicators.csv", folder), True),
        )
        other = tuple(
            Link(f"{y}年", "" if y == year else href(year_page(region, y), folder, folder=True)) for y in region_years[region]
        )
        page = YearPage(
            Common(f"{first.region} {year}年", crumbs, first.region, year, _region_foot(model)),
            summary,
            downloads,
            other if len(other) > 1 else (),
        )
        description = (
            f"{first.region}{year}年各单位的预算绩效目标：{len(members)} 个单位，{summary.projects} 个项目，"
            f"项目金额合计 {summary.budget} {summary.money_unit}。"
        )
        write_page(site, folder, shell.page(page.page.title, folder, render(page), description))
        written += 1 + _write_lists(site, shell, members, model, region, year)
    by_region: dict[str, list[tuple[int, list[UnitInfo]]]] = defaultdict(list)
    for (region, year), members in years.items():
        by_region[region].append((year, members))
    for region, items in by_region.items():
        folder = region_page(region)
        model = regions[items[0][1][0].summary.region_folder]
        fields = tuple(
            Field(title, views.lines(model.doc.data[key]))
            for key, title in views.titles("region").items()
            if key in model.doc.data
        )
        page_years = tuple(year_summary(members, folder, f"chart-{year}", booklets) for year, members in items)
        context = RegionPage(
            Common(model.name, (Link("首页", href(HOME, folder, folder=True)),), model.name, 0, _region_foot(model)),
            fields,
            page_years,
        )
        write_page(
            site,
            folder,
            shell.page(
                model.name,
                folder,
                render(context),
                f"{model.name}各年度的预算绩效目标表：{'、'.join(f'{y}年' for y, _ in items)}。",
            ),
        )
        written += 1
    home = HomePage(
        page=Common(SITE_TITLE, (), "", 0, _home_foot(regions, units, histories)),
        years=tuple(year_summary(members, HOME, f"chart-{n}", booklets) for n, members in enumerate(years.values(), start=1)),
        changes=_changes(histories, [u.summary for u in units], data, regions),
        search=href("搜索", HOME, folder=True),
        links=(
            Link("公开数据：下载全部数据（CSV、JSON）", href("公开数据", HOME, folder=True)),
            Link("搜索：按名称查找项目、单位", href("搜索", HOME, folder=True)),
        ),
    )
    write_page(
        site,
        HOME,
        shell.page(SITE_TITLE, HOME, render(home), "各单位公开的预算绩效目标表：每个项目的绩效目标和指标，可查看、搜索、下载。"),
    )
    return written + 1


def _home_foot(regions: dict[str, Region], units: list[UnitInfo], histories: Histories) -> tuple[str, ...]:
    used = sorted({u.summary.region_folder for u in units})
    lines = []
    for name in used:
        data = regions[name].doc.data
        parts = views.publisher(data)
        if parts:
            lines.append(f"{regions[name].name}：" + "，".join(parts))
    lines.append("数据来源：各单位公开的预算绩效目标表。")
    if histories.commits:
        lines.append(f"数据最后更新：{histories.commits[0].date}")
    return tuple(lines)


def _write_lists(site: Path, shell: Shell, members: list[UnitInfo], region: Region, address_region: str, year: int) -> int:
    """The list of all projects of a region's year: pages of whole units, about LIST_PAGE projects each."""
    pages: list[list[UnitInfo]] = [[]]
    for info in members:
        if pages[-1] and sum(len(i.rows) for i in pages[-1]) + len(info.rows) > LIST_PAGE:
            pages.append([])
        pages[-1].append(info)
    categories = tuple(sorted({str(r[2]) for i in members for r in i.rows if r[2]}))
    title = f"{region.name} {year}年全部项目"
    for number, chunk in enumerate(pages, start=1):
        folder = list_page(address_region, year, number)
        names = [i.summary.name for i in chunk]
        links = tuple(
            Link(
                f"第 {n} 页：{_units_label([i.summary.name for i in p])}",
                "" if n == number else href(list_page(address_region, year, n), folder, folder=True),
            )
            for n, p in enumerate(pages, start=1)
        )
        rows = [row for info in chunk for row in _project_rows(info, folder)]
        crumbs = (
            Link("首页", href(HOME, folder, folder=True)),
            Link(region.name, href(region_page(address_region), folder, folder=True)),
            Link(f"{year}年", href(year_page(address_region, year), folder, folder=True)),
        )
        context = ProjectList(
            Common(title if len(pages) == 1 else f"{title}（第 {number} 页）", crumbs, region.name, year, _region_foot(region)),
            region.money_unit,
            tuple(rows),
            links if len(pages) > 1 else (),
            categories,
            tuple(names),
        )
        write_page(
            site,
            folder,
            shell.page(
                context.page.title,
                folder,
                render(context),  # kept by jixiao serve: only the pages of changed units are rendered again
                f"{region.name}{year}年全部项目的列表：单位、项目名称、类别、金额、指标数。",
            ),
        )
    return len(pages)


# A unit's rows of the list, by the page they are on and the unit (its name, page and rows): kept by jixiao
# serve for the next build when this one used them (generator/held.py). The key holds the rows by identity
# (an unchanged unit's are the very rows parsed the time before: publish._parts), and the value holds them,
# so that no other list can take their place while they are kept.
_rows: held.Recent[tuple[list[list[Any]], tuple[ProjectRow, ...]]] = held.Recent()


def _project_rows(info: UnitInfo, folder: PurePosixPath) -> tuple[ProjectRow, ...]:
    """The rows of ``info``'s projects on the list page ``folder``."""
    key = (folder, info.summary.name, info.summary.address.page, id(info.rows))
    return _rows.get(key, lambda: (info.rows, _made_rows(info, folder)))[1]


def _made_rows(info: UnitInfo, folder: PurePosixPath) -> tuple[ProjectRow, ...]:
    unit_link = Link(info.summary.name, href(info.summary.address.page, folder, folder=True))
    return tuple(
        ProjectRow(
            unit_link,
            Link(str(name), href(PurePosixPath(str(page)), folder, folder=True)),
            str(category),
            str(amount) or "（原表未填）",
            str(amount),
            int(indicators),
            int(findings),
        )
        for name, page, category, amount, indicators, findings in info.rows
    )


def _units_label(names: list[str]) -> str:
    return "、".join(names[:2]) + (f" 等 {len(names)} 个单位" if len(names) > 2 else "")


def _changes(histories: Histories, summaries: list[UnitSummary], data: Path, regions: dict[str, Region]) -> tuple[Change, ...]:
    """The recent commits of data/, each as the pages it changed and, for each, the first of its changes in the
    words of ``jixiao diff``; the commit's subject comes second."""
    if histories.root is None:
        return ()
    prefix = Path(os.path.relpath(data.resolve(), histories.root.resolve())).as_posix()
    pages = {f"{prefix}/{key}" if prefix != "." else key: folder for s in summaries for key, folder in s.pages.items()}
    money = {f"{prefix}/{key}" if prefix != "." else key: s.money_unit for s in summaries for key in s.pages}
    commits = histories.commits[:CHANGES]
    events = [e for c in commits for e in c.events if e.new_path in pages][: CHANGES * LINKS_PER_CHANGE]
    texts: dict[str, Document | None] = read_blobs_parsed(
        histories, [b for e in events if e.status in "MR" for b in (e.old_blob, e.new_blob)]
    )
    out = []
    for commit in commits:
        paths = list(dict.fromkeys(e.new_path for e in commit.events))
        touched: list[Touched] = []
        for event in commit.events:
            if event.new_path not in pages or len(touched) >= LINKS_PER_CHANGE:
                continue
            name = Path(event.new_path).stem if Path(event.new_path).name != "单位.yaml" else Path(event.new_path).parent.name
            lines = change_lines(event, money[event.new_path], texts)
            if not lines:  # housekeeping only (序号, layout): not news for readers
                continue
            touched.append(Touched(Link(name, href(pages[event.new_path], HOME, folder=True)), tuple(lines[:3])))
        if touched:
            out.append(Change(commit.date, commit.subject, tuple(touched), len(paths) - len(touched)))
    return tuple(out)
