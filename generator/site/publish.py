"""The whole website, written into a staging folder: editorial pages, data pages, official tables, open
data, search. Where the staging folder goes afterwards is generator.build's business.

The order of work:

1. mkdocs builds the editorial pages (guides, field reference, error codes, open data, search)
   and the theme's frame (shell.py);
2. one worker per unit (in parallel) writes the unit's official tables, its page, one page per
   project and their open data (unitpages.py);
3. the PDF booklets (render/pdf.py; an unchanged unit keeps its PDF: reuse.py);
4. the home, region and year pages, the joined open data files and datapackage.json;
5. the search index of every page (search.py).

Steps 1, 3 and 4–5 are ``begin``, the end of ``_make_units`` and ``_finish``; a shard of the site
(generator/shard.py) runs 2–3 for its units only (``write_units``), and the merge runs 1 and 4–5
around the units of every shard (``merge_units``), from the same records: the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from generator import cache, held, progress, workers
from generator.data.load import REGION_FILE, Document
from generator.data.model import Region, read_region
from generator.data.tree import UnitFolder
from generator.render import pdf
from generator.render.tables import WrittenTables, pdf_failures
from generator.site import engine, exports, history, overview, reuse, search, shell, years
from generator.site.addresses import DATA, PAGES, TABLES, UnitAddress, region_page
from generator.site.pages import History
from generator.site.unitpages import UnitJob, UnitSummary, build_unit

SEARCH_PAGE = "搜索"  # the search page itself is not indexed


@dataclass
class Built:
    """What ``write_site`` made: the number of data pages, the record for the next build, and, for an update
    of the previous site (reuse.update), the keys of the unchanged units, the slots to replace or remove,
    and the files written into the slots of unchanged units; the units, their tables (made now or kept),
    how many units were kept, and the PDF booklets."""

    pages: int
    record: reuse.Record
    reused: set[str] = field(default_factory=set)
    slots: list[PurePosixPath] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    unwritten: list[str] = field(default_factory=list)  # common files the old site holds as they are (search)
    units: int = 0
    tables: list[WrittenTables] = field(default_factory=list)
    kept: int = 0
    pdf_note: str = ""
    pdfs: int = 0


def write_site(
    data: Path,
    site: Path,
    work: Path,
    folders: list[UnitFolder],
    jobs: int,
    make_pdf: bool,
    tables: bool,
    previous: reuse.Previous,
    guides: engine.Guides | None = None,
) -> Built:
    """Write the site into ``site`` (a staging folder; ``work`` a scratch folder): all of it, or, when
    ``previous`` is a site to update, all but the units and search shards that did not change (reuse.py),
    which stay where they are. The editorial pages are ``guides``'s, when given (made while the data was
    checked)."""
    start = begin(data, site, work, folders, make_pdf, tables, guides)
    record = reuse.Record()
    units = _make_units(start, data, site, folders, list(range(len(folders))), jobs, make_pdf, tables, previous, record)
    return _finish(start, data, site, folders, units, record, previous)


@dataclass
class Start:
    """What every part of a build reads: the settings and theme frame from mkdocs, the git history, the
    scratch folder of the units' rows, each unit's other years, and whether booklets get a PDF."""

    settings: dict[str, object]
    frame: Path
    theme: shell.Shell
    histories: history.Histories
    scratch: Path  # the units' workers write their rows here
    rows: reuse.Rows  # every unit's rows: the workers' files, an unchanged unit's as its record has them
    found_years: dict[str, years.Years]
    booklet_pdf: bool


@dataclass
class Units:
    """The units a build made or kept (``chosen``: their places in the site's order, the numbers of their
    scratch files), in that order, each with its root folder, its key, whether it was made now; the PDFs."""

    chosen: list[int]
    done: list[UnitSummary]
    roots: list[Path]
    keys: list[str | None]
    fresh: set[int]  # positions in ``chosen`` of the units made now
    pdf_note: str
    pdfs: int


def begin(
    data: Path,
    site: Path,
    work: Path,
    folders: list[UnitFolder],
    make_pdf: bool,
    tables: bool,
    guides: engine.Guides | None = None,
) -> Start:
    """The editorial pages (mkdocs, into ``site``: made now, or moved there when ``guides`` made them
    already, on the file system of ``site``) and the theme's frame, the history of every file."""
    progress.step("生成说明页面……")
    guides = guides or engine.Guides(work / "docs", site)
    settings = guides.settings()
    if guides.site != site:
        for entry in sorted(guides.site.iterdir()):
            entry.rename(site / entry.name)
    frame = work / "shell.html"
    shutil.move(site / shell.FOLDER / "index.html", frame)
    shutil.rmtree(site / shell.FOLDER)
    files = [p for f in folders for p in (f.unit_file, *f.project_files)]
    progress.step("读取修订记录……")
    histories = history.collect(data, files)
    scratch = work / "rows"
    scratch.mkdir()
    # Whether the PDF booklets will be made: known before the pages are written, so that each unit page
    # links its PDF (Typst makes it with the unit's tables; LibreOffice converts the Word booklets after all pages).
    booklet_pdf = tables and not pdf.unavailable(make_pdf)
    return Start(
        settings, frame, shell.Shell.read(frame), histories, scratch, reuse.Rows(scratch), years.neighbours(folders), booklet_pdf
    )


def _make_units(
    start: Start,
    data: Path,
    site: Path,
    folders: list[UnitFolder],
    chosen: list[int],
    jobs: int,
    make_pdf: bool,
    tables: bool,
    previous: reuse.Previous,
    record: reuse.Record,
) -> Units:
    """The pages, official tables, open data and PDF booklets of the units ``chosen`` (places in ``folders``):
    all of them for a whole build, a shard's for ``jixiao build --shard``."""
    histories, scratch, found_years, frame = start.histories, start.scratch, start.found_years, start.frame
    region_money = {f.region_dir: read_region(f.region_dir / REGION_FILE).money_unit for f in folders}
    booklet_pdf = start.booklet_pdf
    keys = [
        reuse.unit_key(folders[n], data, frame, tables, histories, _related(found_years[str(folders[n].path)]), booklet_pdf)
        if cache.folder()
        else None
        for n in chosen
    ]
    cache.save_digests()
    summaries: list[UnitSummary | None] = [previous.unit(key, start.rows, n) for n, key in zip(chosen, keys, strict=True)]
    todo = [i for i, s in enumerate(summaries) if s is None]
    texts = history.read_versions(
        histories, [p for i in todo for p in (folders[chosen[i]].unit_file, *folders[chosen[i]].project_files)]
    )
    unit_jobs = [
        UnitJob(
            folders[chosen[i]],
            chosen[i],
            site,
            scratch,
            frame,
            data,
            _histories(folders[chosen[i]], histories, texts, region_money),
            tables,
            found_years[str(folders[chosen[i]].path)],
            booklet_pdf,
            previous.out,
        )
        for i in todo
    ]
    for finished, (i, summary) in enumerate(zip(todo, _units(unit_jobs, jobs), strict=True), start=1):
        summaries[i] = summary
        progress.count("生成页面和官方表格", finished, len(todo), "个单位")
    done = [s for s in summaries if s is not None]
    fresh = set(todo)
    roots = [previous.out if previous.out is not None and i not in fresh else site for i in range(len(done))]
    if tables:
        if make_pdf and pdf.engine() == pdf.LIBREOFFICE:
            progress.step("生成 PDF 汇编……")
        booklets = [
            (root, s.tables.booklet.relative_to(root).as_posix())
            for root, s in zip(roots, done, strict=True)
            if s.tables and s.tables.booklet
        ]
        pdf_note, pdfs = previous.pdfs_for(booklets, site, make_pdf, jobs, record)
        pdf_note += pdf_failures(s.tables for s in done)
    else:
        pdf_note, pdfs = "未生成官方表格（--no-tables）", 0
    if booklet_pdf:
        # LibreOffice failed on some booklets (Typst makes each with its unit, or fails the build): the pages of
        # those units written now are written again without the link (an unchanged unit's page stays with the
        # PDF its last build made, which stays too).
        for i in (i for i in _without_pdf(done, roots, set(record.pdfs)) if i in fresh):
            folder = folders[chosen[i]]
            done[i] = build_unit(replace(unit_jobs[todo.index(i)], pdf=False))
            keys[i] = reuse.unit_key(folder, data, frame, tables, histories, _related(found_years[str(folder.path)]))
    for i, (key, summary) in enumerate(zip(keys, done, strict=True)):
        record.add_unit(key, summary, start.rows, chosen[i], fresh=i in fresh)
    return Units(chosen, done, roots, keys, fresh, pdf_note, pdfs)


def write_units(
    data: Path, site: Path, work: Path, folders: list[UnitFolder], chosen: list[int], jobs: int, make_pdf: bool, tables: bool
) -> tuple[Units, Start, list[str]]:
    """A shard of the site (``jixiao build --shard``): the units ``chosen`` only, into ``site``, their rows in
    ``work``/rows; the editorial pages are left out (in ``work``/guides: the merge makes them). Returns
    the units, what the build read, and the PDFs made (site-relative)."""
    guides = work / "guides"
    guides.mkdir()
    start = begin(data, guides, work, folders, make_pdf, tables)
    record = reuse.Record()
    units = _make_units(start, data, site, folders, chosen, jobs, make_pdf, tables, reuse.Previous(), record)
    return units, start, record.pdfs


def merge_units(
    start: Start, data: Path, site: Path, folders: list[UnitFolder], done: list[UnitSummary], pdfs: list[str]
) -> Built:
    """The whole-site parts (home, region and year pages, joined open data, sitemap, search) around the units
    of every shard, already in ``site`` with the editorial pages (``begin``): ``done`` all units in the
    site's order, their rows in the scratch folder; ``pdfs`` the PDFs the shards made. What ``write_site``
    adds to its units, so the merged site is the one a whole build writes."""
    record = reuse.Record(pdfs=sorted(pdfs))
    everything = list(range(len(done)))
    note = f"已生成 {len(pdfs)} 份 PDF 汇编" if pdfs else ""
    units = Units(everything, done, [site] * len(done), [None] * len(done), set(everything), note, len(pdfs))
    return _finish(start, data, site, folders, units, record, reuse.Previous())


def _finish(
    start: Start, data: Path, site: Path, folders: list[UnitFolder], units: Units, record: reuse.Record, previous: reuse.Previous
) -> Built:
    """The common pages of a site whose units are all in ``units`` (in the site's order)."""
    rows, histories, done, roots, keys, fresh = (
        start.rows,
        start.histories,
        units.done,
        units.roots,
        units.keys,
        units.fresh,
    )
    regions: dict[str, Region] = {f.region_dir.name: read_region(f.region_dir / REGION_FILE) for f in folders}
    _parts.turn()
    parts = [_site_part(rows, n) for n in range(len(done))]  # each read once: 100 texts of JSON at 10,000 projects
    infos = [overview.UnitInfo(s, part["rows"], part["stats"]) for s, part in zip(done, parts, strict=True)]
    converted = set(record.pdfs)
    linked = {
        "/".join(s.address.parts): PurePosixPath(name).as_posix()
        for root, s in zip(roots, done, strict=True)
        if s.tables
        and s.tables.booklet
        and (name := s.tables.booklet.relative_to(root).with_suffix(".pdf").as_posix()) in converted
    }
    pages = overview.write_overview(site, start.theme, infos, regions, histories, data, linked)
    _open_data(site, rows, done, roots, regions)
    built = Built(
        pages + len(done) + sum(s.projects for s in done),
        record,
        {k for n, k in enumerate(keys) if k is not None and n not in fresh},
        units=len(done),
        tables=[s.tables for s in done if s.tables],
        kept=len(done) - len(fresh),
        pdf_note=units.pdf_note,
        pdfs=units.pdfs,
    )
    made = [p for n, s in enumerate(done) if n in fresh for p in reuse.unit_places(s.address)]
    kept = [s.address for n, s in enumerate(done) if n not in fresh]
    common, built.extras = _walk(site, set(made), {p for a in kept for p in reuse.unit_places(a)})
    _sitemap(site, start.settings.get("site_url"), common, done)
    progress.step("建立搜索索引……")
    built.unwritten = _search(site, common, done, [part["search"] for part in parts], regions, previous.out)
    record.common = sorted(_walk(site, set(made), {p for a in kept for p in reuse.unit_places(a)})[0] + built.unwritten)
    if previous.out is not None:
        gone = set(previous.units.values()) - {"/".join(a.parts) for a in kept}
        built.slots = made + [p for a in sorted(gone) for p in _places(a)]
        built.slots += sorted(PurePosixPath(f) for f in previous.shards)  # the search shards of older versions
    return built


def _without_pdf(done: list[UnitSummary], roots: list[Path], converted: set[str]) -> list[int]:
    """The units with a booklet whose PDF was not made."""
    return [
        n
        for n, (root, s) in enumerate(zip(roots, done, strict=True))
        if s.tables and s.tables.booklet and s.tables.booklet.relative_to(root).with_suffix(".pdf").as_posix() not in converted
    ]


def _related(found: years.Years) -> list[UnitFolder]:
    """The folders a unit's pages read besides its own: the same unit in its other years (links, and last
    year's projects to compare with)."""
    return [folder for _, folder in found.years]


# The units' parts of the common pages, parsed, by their text: kept by jixiao serve from one build to the next
# (generator/held.py; read only by those who use them). 100 texts of JSON at 10,000 projects took a twentieth
# of a rebuild to parse.
_parts: held.Recent[dict[str, Any]] = held.Recent()


def _site_part(rows: reuse.Rows, n: int) -> dict[str, Any]:
    """What a unit's worker wrote for the common pages: the rows and figures of the list of all projects and
    the comparison of units ("rows", "stats"), and its group of the search index ("search")."""
    text = rows.text(n, "site")
    written: dict[str, Any] = _parts.get(text, lambda: json.loads(text))
    return written


def _places(address: str) -> list[PurePosixPath]:
    region, year, unit = address.split("/")
    return reuse.unit_places(UnitAddress(region, int(year), unit))


def _walk(site: Path, made: set[PurePosixPath], kept: set[PurePosixPath]) -> tuple[list[str], list[str]]:
    """The files of ``site`` outside the slots ``made`` and ``kept`` (the common files), and the files
    inside the slots ``kept`` (written into the slots of unchanged units: PDFs), site-relative."""
    common: list[str] = []
    extras: list[str] = []
    for folder, dirs, names in os.walk(site):
        here = PurePosixPath(Path(folder).relative_to(site).as_posix())
        inside = [d for d in dirs if here / d in kept]
        for name in inside:
            extras.extend(Path(f, n).relative_to(site).as_posix() for f, _, ns in os.walk(Path(folder, name)) for n in ns)
        dirs[:] = sorted(d for d in dirs if here / d not in made and here / d not in kept)
        for name in names:
            place = here / name
            if place in made:
                continue
            (extras if place in kept else common).append(place.as_posix())
    return sorted(common), sorted(extras)


def _histories(
    folder: UnitFolder, histories: history.Histories, texts: dict[str, Document | None], money: dict[Path, str]
) -> dict[Path, History]:
    unit_money = money[folder.region_dir]
    return {path.absolute(): histories.of(path, unit_money, texts) for path in (folder.unit_file, *folder.project_files)}


def _units(unit_jobs: list[UnitJob], jobs: int) -> Iterator[UnitSummary]:
    weights = [len(j.folder.project_files) for j in unit_jobs]
    return workers.each(build_unit, unit_jobs, jobs, weights, workers.UNIT_THRESHOLD)


def _search(
    site: Path,
    common: list[str],
    done: list[UnitSummary],
    groups: list[dict[str, Any]],
    regions: dict[str, Region],
    old: Path | None,
) -> list[str]:
    """The search index (search.py) of every data page and guide, from the units' ``groups`` (made by their
    workers, or kept in the cache with an unchanged unit) and the common pages. Returns its files that the
    site being updated (``old``) already holds as they are, which are not written."""
    index = search.Index()
    seen: set[str] = set()
    for n, summary in enumerate(done):
        region = summary.address.region
        if region not in seen:
            seen.add(region)
            model = regions[summary.region_folder]
            years = sorted({s.year for s in done if s.address.region == region}, reverse=True)
            docs = [search.Doc("地区", model.name, "", body=model.code or "", line=f"{len(years)} 个年度")]
            for year in years:
                units = [s for s in done if s.address.region == region and s.year == year]
                docs.append(
                    search.Doc(
                        "年度",
                        f"{model.name} {year}年",
                        str(year),
                        context=model.name,
                        year=year,
                        line=f"{len(units)} 个单位，{sum(s.projects for s in units)} 个项目",
                    )
                )
            index.add(f"{region_page(region)}/", model.name, 0, "", docs)
        index.add_stored(groups[n])
    guides = []
    for page in _common_pages(common):
        if page.parts and page.parts[0] not in (PAGES, SEARCH_PAGE, shell.FOLDER):
            doc = search.guide_doc(site.joinpath(*page.parts, "index.html").read_text(encoding="utf-8"), page.as_posix())
            if doc is not None:
                guides.append(doc)
    index.add("", "", 0, "", guides)
    return search.write(site, index, old)


def _common_pages(common: list[str]) -> list[PurePosixPath]:
    """The page folders among the common files (the guides, the home, region and year pages)."""
    return [
        PurePosixPath(name).parent
        for name in common
        if PurePosixPath(name).name == "index.html" and not name.startswith((TABLES + "/", DATA + "/"))
    ]


def _pages(root: Path, summary: UnitSummary) -> list[PurePosixPath]:
    """The pages of a unit (its own and its projects'), site-relative."""
    folder = root.joinpath(*summary.address.page.parts)
    return sorted(
        PurePosixPath(summary.address.page, Path(f).relative_to(folder).as_posix(), "index.html")
        for f, _, names in os.walk(folder)
        if "index.html" in names
    )


def _open_data(site: Path, rows: reuse.Rows, summaries: list[UnitSummary], roots: list[Path], regions: dict[str, Region]) -> None:
    folder = site / "data"
    folder.mkdir(exist_ok=True)
    _encoded.turn()
    for name, columns in (("projects", exports.project_columns()), ("indicators", exports.INDICATOR_COLUMNS)):
        with (folder / f"{name}.csv").open("wb") as handle:
            handle.write((exports.BOM + exports.csv_text([list(columns)])).encode())
            for number in rows.numbers(name):
                text = rows.text(number, name)
                handle.write(_encoded.get(text, text.encode))
    # The units' JSON files are joined as bytes: decoding and encoding again the 30 MB of 10,000 projects took
    # longer than reading and writing them.
    with (folder / "all.json").open("wb") as out:
        region_docs = [{"文件": f"{name}/{REGION_FILE}", "数据": region.doc.data} for name, region in sorted(regions.items())]
        head = '{\n "格式": "jixiao-open-data",\n "版本": 1,\n "地区": ' + exports.to_json(region_docs) + ',\n "单位": ['
        out.write(head.encode())
        for n, (summary, root) in enumerate(zip(summaries, roots, strict=True)):
            unit = root.joinpath(*summary.address.unit_json.parts).read_bytes().rstrip(b"\n")
            out.write((b",\n" if n else b"\n") + unit)
        out.write(b"\n ]\n}\n")
    money_units = sorted({r.money_unit for r in regions.values()})
    (folder / "datapackage.json").write_text(exports.to_json(exports.datapackage(money_units)) + "\n", encoding="utf-8")


# A unit's rows as UTF-8, by their text (as _parts): the rows of an unchanged unit are the same text object
# from one build of jixiao serve to the next (its hash is kept with it, and equal objects compare at once),
# and encoding the 40 MB of 10,000 projects' rows again was a third of writing the open data.
_encoded: held.Recent[bytes] = held.Recent()


def _sitemap(site: Path, site_url: object, common: list[str], summaries: list[UnitSummary]) -> None:
    """A sitemap of every page when the site's address is known (sitemaps need full addresses); mkdocs's
    own lists the guides only."""
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)
    if not isinstance(site_url, str) or not site_url:
        return
    from urllib.parse import quote
    from xml.sax.saxutils import escape

    base = site_url.rstrip("/") + "/"
    pages = set(_common_pages(common))
    pages.update(page for s in summaries for page in (s.address.page, *s.pages.values()))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in sorted(p.as_posix() for p in pages):
        path = "" if page == "." else quote(page) + "/"
        lines.append(f"<url><loc>{escape(base + path)}</loc></url>")
    lines.append("</urlset>\n")
    (site / "sitemap.xml").write_text("\n".join(lines), encoding="utf-8")
