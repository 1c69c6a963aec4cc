"""``jixiao build``, the whole site: editorial pages, data pages, official tables, open data, search.

The order of work:

1. mkdocs builds the editorial pages (guides, field reference, error codes, open data, search)
   and the theme's frame (shell.py) into a fresh staging folder beside OUT;
2. one worker per unit (in parallel) writes the unit's official tables, its page, one page per
   project and their open data (unitpages.py);
3. the home, region and year pages, the joined open data files and datapackage.json;
4. Pagefind indexes the finished pages;
5. the staging folder takes the place of OUT: a failed build never leaves half a site, and the
   pages of deleted projects do not linger.

OUT is replaced whole, so it must be a folder jixiao made (or empty, or new): never the data.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from generator import cache
from generator.load import REGION_FILE, Document, display_path
from generator.model import Region
from generator.render.build import PARALLEL_THRESHOLD, BuildError, BuildResult, _region, _replace
from generator.site import engine, exports, history, overview, reuse, search, shell
from generator.site.pages import History
from generator.site.unitpages import UnitJob, UnitSummary, build_unit
from generator.tree import UnitFolder

MARKER = reuse.MARKER  # says OUT was made by jixiao build, so it may be replaced


def check_out(out: Path, data: Path) -> None:
    """Refuse to replace a folder that holds the data, the working folder, or files jixiao did not make."""
    target = out.resolve()
    for inside in (data.resolve(), Path.cwd().resolve()):
        if inside == target or target in inside.parents:
            raise BuildError(f"输出文件夹“{out}”包含数据或当前文件夹，生成网站时会被整个替换：请另选一个文件夹，如 site")
    made_by_mkdocs = (target / "404.html").is_file() and (target / "assets" / "javascripts").is_dir()
    if target.is_dir() and not (target / MARKER).exists() and not made_by_mkdocs:
        names = {p.name for p in target.iterdir()}
        if names - {"tables"}:  # the official tables alone: what jixiao build wrote before the website
            raise BuildError(f"输出文件夹“{out}”中有不是 jixiao 生成的文件，生成网站时会被整个替换："
                             "请另选一个文件夹，或先清空它")


def publish(data: Path, out: Path, folders: list[UnitFolder], result: BuildResult, jobs: int, make_pdf: bool,
            tables: bool = True) -> None:
    check_out(out, data)
    out.absolute().parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.absolute().parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; the site is meant to be published
    try:
        with tempfile.TemporaryDirectory(prefix="jixiao-site-") as work_dir:
            pages, record = _build(data, staging, Path(work_dir), folders, result, jobs, make_pdf, tables,
                                   reuse.Previous.of(out))
        (staging / MARKER).write_text("jixiao build\n", encoding="utf-8")
        _replace(staging, out)
        record.save(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result.written = True
    reused = f"{result.reused} 个单位没有改动，沿用上次生成的页面和表格；" if result.reused else ""
    result.site = f"网站 → {display_path(out)}/index.html（{pages} 个页面；{reused}预览：jixiao serve）"


def _build(data: Path, site: Path, work: Path, folders: list[UnitFolder], result: BuildResult, jobs: int,
           make_pdf: bool, tables: bool, previous: reuse.Previous) -> tuple[int, reuse.Record]:
    """Write the site into ``site``; returns the number of data pages and what to remember of this build.

    A unit whose inputs are unchanged since the previous build into the same folder (reuse.py) is not
    rendered again: its files are linked from there.
    """
    config = engine.config_file()
    loaded = engine.build(config, engine.stage_docs(config, work / "docs"), site)
    frame = work / "shell.html"
    shutil.move(site / shell.FOLDER / "index.html", frame)
    shutil.rmtree(site / shell.FOLDER)
    theme = shell.Shell.read(frame)
    files = [p for f in folders for p in (f.unit_file, *f.project_files)]
    histories = history.collect(data, files)
    scratch = work / "rows"
    scratch.mkdir()
    region_money = {f.region_dir: _region(f.region_dir / REGION_FILE).money_unit for f in folders}
    record = reuse.Record()
    keys = [reuse.unit_key(folder, data, frame, tables, histories) if cache.folder() else None for folder in folders]
    summaries: list[UnitSummary | None] = [previous.unit(key, site, scratch, n) for n, key in enumerate(keys)]
    todo = [n for n, s in enumerate(summaries) if s is None]
    texts = history.read_versions(histories, [p for n in todo for p in (folders[n].unit_file, *folders[n].project_files)])
    unit_jobs = [UnitJob(folders[n], n, site, scratch, frame, data,
                         _histories(folders[n], histories, texts, region_money), tables) for n in todo]
    for n, summary in zip(todo, _run(unit_jobs, jobs), strict=True):
        summaries[n] = summary
    done = [s for s in summaries if s is not None]
    fresh = set(todo)
    for n, (key, summary) in enumerate(zip(keys, done, strict=True)):
        record.add_unit(key, summary, scratch, n, fresh=n in fresh)
    booklets = [s.tables.booklet for s in done if s.tables and s.tables.booklet]
    if tables:
        result.pdf_note, result.pdfs = previous.pdfs(booklets, site, make_pdf, jobs, record)
    else:
        result.pdf_note, result.pdfs = "未生成官方表格（--no-tables）", 0
    regions: dict[str, Region] = {f.region_dir.name: _region(f.region_dir / REGION_FILE) for f in folders}
    pages = overview.write_overview(site, theme, done, regions, histories, data)
    _open_data(site, scratch, done, regions)
    _sitemap(site, loaded.get("site_url"))
    search.index(site)
    units = [s.tables for s in done if s.tables]
    result.units = len(done)
    result.tables = sum(u.tables for u in units)
    result.files = sum(u.files for u in units) + result.pdfs
    result.unprinted = [item for u in units for item in u.unprinted]
    result.reused = len(done) - len(todo)
    return pages + len(done) + sum(s.projects for s in done), record


def _histories(folder: UnitFolder, histories: history.Histories, texts: dict[str, Document | None],
               money: dict[Path, str]) -> dict[Path, History]:
    unit_money = money[folder.region_dir]
    return {path.absolute(): histories.of(path, unit_money, texts) for path in (folder.unit_file, *folder.project_files)}


def _run(unit_jobs: list[UnitJob], jobs: int) -> Iterator[UnitSummary]:
    projects = sum(len(j.folder.project_files) for j in unit_jobs)
    if jobs > 1 and len(unit_jobs) > 1 and projects >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            yield from pool.map(build_unit, unit_jobs, chunksize=1)
    else:
        yield from map(build_unit, unit_jobs)


def _open_data(site: Path, scratch: Path, summaries: list[UnitSummary], regions: dict[str, Region]) -> None:
    folder = site / "data"
    folder.mkdir(exist_ok=True)
    for name, columns in (("projects", exports.project_columns()), ("indicators", exports.INDICATOR_COLUMNS)):
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            handle.write(exports.BOM + exports.csv_text([list(columns)]))
            for part in sorted(scratch.glob(f"*.{name}.csv")):
                handle.write(part.read_text(encoding="utf-8"))
    with (folder / "all.json").open("w", encoding="utf-8", newline="") as handle:
        region_docs = [{"文件": f"{name}/{REGION_FILE}", "数据": region.doc.data} for name, region in sorted(regions.items())]
        handle.write('{\n "格式": "jixiao-open-data",\n "版本": 1,\n "地区": ' + exports.to_json(region_docs)
                     + ',\n "单位": [')
        for n, summary in enumerate(summaries):
            text = site.joinpath(*summary.address.unit_json.parts).read_text(encoding="utf-8").rstrip("\n")
            handle.write(("," if n else "") + "\n" + text)
        handle.write("\n ]\n}\n")
    money_units = sorted({r.money_unit for r in regions.values()})
    (folder / "datapackage.json").write_text(exports.to_json(exports.datapackage(money_units)) + "\n", encoding="utf-8")


def _sitemap(site: Path, site_url: object) -> None:
    """A sitemap of every page when the site's address is known (sitemaps need full addresses)."""
    for name in ("sitemap.xml", "sitemap.xml.gz"):
        (site / name).unlink(missing_ok=True)
    if not isinstance(site_url, str) or not site_url:
        return
    from urllib.parse import quote
    from xml.sax.saxutils import escape

    base = site_url.rstrip("/") + "/"
    pages = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html")
                   if not p.relative_to(site).as_posix().startswith(("tables/", "data/", "pagefind/")))
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for page in pages:
        path = "" if page == "." else quote(page) + "/"
        lines.append(f"<url><loc>{escape(base + path)}</loc></url>")
    lines.append("</urlset>\n")
    (site / "sitemap.xml").write_text("\n".join(lines), encoding="utf-8")
