"""``jixiao build``: check the data, then write every official table under <out>/tables/.

The output mirrors data/: tables/<地区>/<年度>/<单位>/ holds each table as .html (print), .docx
and .xlsx — the unit's tables (部门整体, 汇总表) and one per project, named after its data file —
and the unit's booklet 单位汇编.html/.docx (and .pdf where LibreOffice is installed).

Nothing is written when the check finds errors. The tables are written to a fresh folder that
replaces the old one only when everything succeeded, so a failed build never leaves half a set,
and tables of deleted projects do not linger. A unit is the unit of work, so units are rendered in
parallel on big data sets.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from markupsafe import Markup

from generator import cache as content_cache
from generator import progress
from generator.atomic import replace_folder
from generator.atomic import staging as staging_folder
from generator.check import check
from generator.diagnostics import Diagnostic, Report, Severity
from generator.errors import BuildError
from generator.load import REGION_FILE, Document, display_path, load
from generator.model import Project, Region, Unit
from generator.names import folder_name
from generator.render import pdf, webpage, word
from generator.render.compose import BOOKLET, compose_unit
from generator.render.excel import xlsx_bytes
from generator.render.form import Form, LayoutError
from generator.render.layout import Layout, load_layout
from generator.tree import UnitFolder, collect

TABLES = "tables"
# Below this many projects, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 200


@dataclass
class UnitResult:
    folder: Path
    tables: int
    files: int
    unprinted: list[tuple[str, str]]
    booklet: Path | None


@dataclass
class BuildResult:
    report: Report
    out: Path
    written: bool = False
    units: int = 0
    tables: int = 0
    files: int = 0
    pdfs: int = 0
    pdf_note: str = ""
    site: str = ""  # where the website was written (generator.site), when it was
    reused: int = 0  # units whose pages and tables were unchanged since the last build (generator.site.reuse)
    unprinted: list[tuple[str, str]] = field(default_factory=list)


def build(data: Path, out: Path, jobs: int | None = None, make_pdf: bool = True, site: bool = False,
          tables: bool = True) -> BuildResult:
    """Check ``data``; when it passes, write the official tables to ``out``/tables.

    With ``site``, write the whole website to ``out`` instead (generator.site.publish: the tables,
    pages, open data and search index, replacing ``out`` as a whole); ``tables=False`` leaves the
    official tables out of it.
    """
    progress.step("检查数据……")
    report = check([data], jobs=jobs)
    result = BuildResult(report=report, out=out / TABLES)
    if report.exit_code() != 0:
        return result
    folders = sorted(collect([data]).units.values(), key=lambda u: u.path)
    for folder in folders:  # a layout that is missing or broken stops the build before writing
        try:
            load_layout(_region(folder.region_dir / REGION_FILE).layout)
        except LayoutError as exc:
            raise BuildError(str(exc)) from exc
    if site:
        from generator.site.publish import publish

        publish(data, out, folders, result, jobs or os.cpu_count() or 1, make_pdf, tables)
        return result
    with staging_folder(out / TABLES) as staging:
        units = _render_all(folders, staging, jobs or os.cpu_count() or 1)
        result.pdf_note, result.pdfs = _pdfs([u.booklet for u in units if u.booklet], make_pdf, jobs)
        _replace(staging, out / TABLES)
    result.written = True
    result.units = len(units)
    result.tables = sum(u.tables for u in units)
    result.files = sum(u.files for u in units) + result.pdfs
    result.unprinted = [item for u in units for item in u.unprinted]
    return result


def _render_all(folders: list[UnitFolder], staging: Path, jobs: int) -> list[UnitResult]:
    tasks = [(f, staging / relative_folder(f)) for f in folders]
    projects = sum(len(f.project_files) for f in folders)
    if jobs > 1 and len(folders) > 1 and projects >= PARALLEL_THRESHOLD:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            return list(pool.map(_render_task, tasks, chunksize=1))
    return [_render_task(task) for task in tasks]


def relative_folder(folder: UnitFolder) -> Path:
    """tables/<地区>/<年度>/<单位>, each name made safe and unique among its siblings (names.folder_name)."""
    return Path(folder_name(folder.region_dir), str(folder.year), folder_name(folder.path))


def _document(path: Path) -> Document:
    loaded = load(path)
    if isinstance(loaded, Diagnostic):  # changed since the check ran
        raise BuildError(f"{loaded.path}: {loaded.message}")
    return loaded


@cache
def _region(path: Path) -> Region:
    return Region.from_doc(_document(path))


def _render_task(task: tuple[UnitFolder, Path]) -> UnitResult:
    folder, target = task
    region = _region(folder.region_dir / REGION_FILE)
    unit = Unit.from_doc(_document(folder.unit_file), folder.year, region)
    unit.projects = [Project.from_doc(_document(path)) for path in folder.project_files]
    return render_unit(unit, target)


def render_unit(unit: Unit, target: Path) -> UnitResult:
    """Write all tables of ``unit`` and its booklet into ``target``."""
    layout = load_layout(unit.region.layout)
    composed = compose_unit(layout, unit)
    target.mkdir(parents=True, exist_ok=True)
    # Each table printed once, as HTML and as a Word body, for its own files and the booklet alike;
    # a table from the cache is printed for the booklet only.
    printed = [_write_form(unit.region.layout, layout, form, target) or (webpage.section(layout, form),
                                                                          word.fragment(form))
               for form in composed.forms]
    files = 3 * len(composed.forms)
    booklet = None
    if composed.forms:
        page = webpage.booklet_page(layout, unit.name, unit.year, composed.forms, [html for html, _ in printed])
        (target / f"{BOOKLET}.html").write_text(page, encoding="utf-8", newline="\n")
        booklet = target / f"{BOOKLET}.docx"
        title = f"{unit.name} {unit.year}年绩效目标表汇编"
        booklet.write_bytes(word.docx_bytes(composed.forms, title, [body for _, body in printed]))
        files += 2
    return UnitResult(target, len(composed.forms), files, composed.unprinted, booklet)


def _write_form(layout_name: str, layout: Layout, form: Form, target: Path) -> tuple[Markup, str] | None:
    """One table as a web page, a Word and an Excel file; from the cache when the same table (the same
    layout-neutral model, printed in the same layout by the same code) was made before.
    Returns the table as printed in HTML and its Word body, when it was written now."""
    names = [f"{form.stem}{suffix}" for suffix in (".html", ".docx", ".xlsx")]
    key = content_cache.key("form", [layout_name.encode(), repr(form).encode()]) if content_cache.folder() else None
    if content_cache.files_out("form", key, names, target):
        return None
    html, body = webpage.section(layout, form), word.fragment(form)
    (target / names[0]).write_text(webpage.table_page(layout, form, html), encoding="utf-8", newline="\n")
    (target / names[1]).write_bytes(word.docx_bytes([form], form.title, [body]))
    (target / names[2]).write_bytes(xlsx_bytes(form))
    content_cache.files_in("form", key, [target / name for name in names])
    return html, body


def _pdfs(booklets: list[Path], make_pdf: bool, jobs: int | None) -> tuple[str, int]:
    if not make_pdf:
        return "未生成 PDF（--no-pdf）", 0
    if pdf.soffice() is None:
        return "未找到 LibreOffice（soffice），未生成 PDF 汇编；安装 LibreOffice 后再运行即可生成", 0
    try:
        made = pdf.convert(booklets, jobs=jobs or os.cpu_count() or 1)
    except pdf.PdfError as exc:
        return f"PDF 汇编未能生成：{exc}", 0
    return f"已生成 {len(made)} 份 PDF 汇编", len(made)


def describe(result: BuildResult, limit: int = 20) -> list[str]:
    """A short summary in Chinese: what was written and where, or why nothing was."""
    if not result.written:
        return ["未生成表格：请先改正以上错误，再运行 jixiao build。"]
    warnings = result.report.count(Severity.WARNING)
    lines = [f"检查通过（{warnings} 条警告，运行 jixiao check 查看）。" if warnings else "检查通过。",
             f"已生成 {result.tables} 张表格 → {display_path(result.out)}/"
             f"（{result.units} 个单位；每张表有网页 .html、Word .docx、Excel .xlsx，每个单位另有{BOOKLET}）",
             f"{result.pdf_note}。"]
    if result.site:
        lines.append(result.site)
    if result.unprinted:
        lines.append(f"提示：以下 {len(result.unprinted)} 项数据在版式中没有对应的栏目，没有印在官方表格上：")
        lines.extend(f"  {shown}：{field_name}" for shown, field_name in result.unprinted[:limit])
        if len(result.unprinted) > limit:
            lines.append(f"  ……另有 {len(result.unprinted) - limit} 项")
    return lines


def _replace(staging: Path, final: Path) -> None:
    """Put the new tables in place of the old ones; the old folder is removed only afterwards."""
    replace_folder(staging, final)  # generator.atomic: one exchange on Linux, never a half-built folder
