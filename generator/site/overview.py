"""The pages above the units: the home page, one page per region and one per region and year.

They are made from the small summaries the unit workers return, after all units are done.
"""

from __future__ import annotations

import os
from collections import defaultdict
from decimal import Decimal
from pathlib import Path, PurePosixPath

from generator.data import fields as F
from generator.data.model import Region
from generator.site import chart, views
from generator.site.addresses import href, region_page, year_page
from generator.site.history import Histories
from generator.site.pages import Change, Common, HomePage, RegionPage, UnitRow, YearPage, YearSummary, render
from generator.site.shell import Shell, write_page
from generator.site.unitpages import UnitSummary
from generator.site.views import Field, Link

HOME = PurePosixPath()
SITE_TITLE = "预算绩效目标公开"
LINKS_PER_CHANGE = 5


def _years(summaries: list[UnitSummary]) -> dict[tuple[str, int], list[UnitSummary]]:
    grouped: dict[tuple[str, int], list[UnitSummary]] = defaultdict(list)
    for summary in summaries:
        grouped[(summary.address.region, summary.year)].append(summary)
    return dict(sorted(grouped.items(), key=lambda item: (item[0][0], -item[0][1])))


def year_summary(units: list[UnitSummary], page: PurePosixPath, ident: str) -> YearSummary:
    first = units[0]
    money_unit = first.money_unit
    budget = sum((u.budget for u in units), Decimal(0))
    rows = tuple(UnitRow(Link(u.name, href(u.address.page, page, folder=True)), u.projects, u.indicators,
                         views.text(u.budget)) for u in units)
    title = f"{first.region} {first.year}年各单位项目金额"
    figure = chart.budget_chart([(u.name, u.budget) for u in units], money_unit, title, ident)
    link = Link(f"{first.region} {first.year}年", href(year_page(first.address.region, first.year), page, folder=True))
    return YearSummary(first.region, first.year, link, rows, sum(u.projects for u in units),
                       sum(u.indicators for u in units), views.text(budget), money_unit, figure)


def write_overview(site: Path, shell: Shell, summaries: list[UnitSummary], regions: dict[str, Region],
                   histories: Histories, data: Path) -> int:
    """Write the home, region and year pages; returns how many pages were written."""
    years = _years(summaries)
    written = 0
    for n, ((region, year), units) in enumerate(years.items(), start=1):
        folder = year_page(region, year)
        summary = year_summary(units, folder, f"chart-{n}")
        crumbs = (Link("首页", href(HOME, folder, folder=True)),
                  Link(units[0].region, href(region_page(region), folder, folder=True)))
        downloads = (Link("全部数据：CSV（每行一个项目）", href("data/projects.csv", folder)),
                     Link("全部数据：CSV（每行一项指标）", href("data/indicators.csv", folder)))
        page = YearPage(Common(f"{units[0].region} {year}年", crumbs, units[0].region, year), summary, downloads)
        write_page(site, folder, shell.page(page.page.title, folder, render(page)))
        written += 1
    by_region: dict[str, list[tuple[int, list[UnitSummary]]]] = defaultdict(list)
    for (region, year), units in years.items():
        by_region[region].append((year, units))
    for region, items in by_region.items():
        folder = region_page(region)
        model = regions[items[0][1][0].region_folder]
        fields = tuple(Field(title, views.lines(model.doc.data[key])) for key, title in views.titles("region").items()
                       if key in model.doc.data)
        page_years = tuple(year_summary(units, folder, f"chart-{year}") for year, units in items)
        region_page_context = RegionPage(Common(model.name, (Link("首页", href(HOME, folder, folder=True)),), "", 0),
                                         fields, page_years)
        write_page(site, folder, shell.page(model.name, folder, render(region_page_context)))
        written += 1
    home = HomePage(
        page=Common(SITE_TITLE, (), "", 0),
        years=tuple(year_summary(units, HOME, f"chart-{n}") for n, units in enumerate(years.values(), start=1)),
        totals=_totals(summaries, len(by_region)),
        changes=_changes(histories, summaries, data),
        search=href("搜索", HOME, folder=True),
        links=(Link("公开数据：下载全部数据（CSV、JSON）", href("公开数据", HOME, folder=True)),
               Link("编辑指南：怎样填写绩效目标表", href("编辑指南", HOME, folder=True)),
               Link("审核指南：怎样审核改动", href("审核指南", HOME, folder=True)),
               Link("字段说明", href("字段说明", HOME, folder=True)),
               Link("问题代码：检查程序报告的问题", href("问题代码", HOME, folder=True))),
    )
    write_page(site, HOME, shell.page(SITE_TITLE, HOME, render(home)))
    return written + 1


def _totals(summaries: list[UnitSummary], regions: int) -> tuple[Field, ...]:
    money: dict[str, Decimal] = defaultdict(Decimal)
    for summary in summaries:
        money[summary.money_unit] += summary.budget
    return (
        Field("地区", (str(regions),)),
        Field("单位（各年度合计）", (str(len(summaries)),)),
        Field("项目", (str(sum(s.projects for s in summaries)),)),
        Field(F.INDICATORS, (str(sum(s.indicators for s in summaries)),)),
        Field("项目金额合计", tuple(f"{views.text(v)} {k}" for k, v in sorted(money.items())) or ("0",)),
    )


def _changes(histories: Histories, summaries: list[UnitSummary], data: Path) -> tuple[Change, ...]:
    if histories.root is None:
        return ()
    prefix = Path(os.path.relpath(data.resolve(), histories.root.resolve())).as_posix()
    pages = {f"{prefix}/{key}" if prefix != "." else key: folder for s in summaries for key, folder in s.pages.items()}
    out = []
    for commit in histories.commits[:10]:
        paths = list(dict.fromkeys(e.new_path for e in commit.events))
        linked = [Link(Path(p).stem if Path(p).name != "单位.yaml" else Path(p).parent.name,
                       href(pages[p], HOME, folder=True)) for p in paths if p in pages]
        shown = linked[:LINKS_PER_CHANGE]
        out.append(Change(commit.date, commit.subject, tuple(shown), len(paths) - len(shown)))
    return tuple(out)
