"""``jixiao build``: check the data, then publish it: the official tables and the website.

The stages, in order:

1. check (generator.check): with errors, nothing is written and the report says why;
2. the layouts of the regions (render.layout_check): a region whose layout is missing or broken is kept
   out, the others are built; with no region left, nothing is written;
3. the site (site.publish): per unit, in parallel, its official tables (render.tables), its pages and
   open data; then the common pages, the PDF booklets (render.pdf) and the search index. Or, with
   ``site=False``, the official tables only, under OUT/tables;
4. publishing, owned here: everything is written into a staging folder (generator.atomic.staging)
   that takes the place of the old output only when all of it succeeded, so a failed build never
   leaves half a site and the pages of deleted projects do not linger. A site that the last build
   made and recorded is updated in place instead (site.reuse): only the units that changed are
   written and swapped in.

OUT is replaced whole, so it must be a folder jixiao made (or empty, or new): never the data.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from generator import atomic, progress, workers
from generator.check.run import check
from generator.data.load import REGION_FILE, display_path
from generator.data.model import load_unit, read_region
from generator.data.regional import LAYOUT_FILE, find
from generator.data.tree import Tree, UnitFolder, collect
from generator.diagnostics import Diagnostic, Report, Severity
from generator.errors import BuildError
from generator.names import folder_name
from generator.render import pdf
from generator.render.compose import BOOKLET
from generator.render.tables import WrittenTables, pdf_failures, write_unit_tables

if TYPE_CHECKING:
    from generator.site.engine import Guides

TABLES = "tables"


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
    site: str = ""  # where the website was written, when it was
    reused: int = 0  # units whose pages and tables were unchanged since the last build (site.reuse)
    unprinted: list[tuple[str, str]] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # regions kept out: their layout is missing or broken

    def count_tables(self, written: list[WrittenTables]) -> None:
        self.units = len(written)  # units with tables; the site counts all of its units
        self.tables = sum(u.tables for u in written)
        self.files = sum(u.files for u in written) + self.pdfs
        self.unprinted = [item for u in written for item in u.unprinted]


def build(
    data: Path, out: Path, jobs: int | None = None, make_pdf: bool = True, site: bool = True, tables: bool = True
) -> BuildResult:
    """Check ``data``; when it passes, write the website to ``out`` (with its official tables under
    ``out``/tables unless ``tables=False``), or, with ``site=False``, the official tables only."""
    workers_count = jobs or os.cpu_count() or 1
    if not site:
        result, folders = prepare(data, out / TABLES, jobs)
        if folders is None:
            return result
        _publish_tables(out / TABLES, folders, result, workers_count, make_pdf)
    else:
        from generator.site.engine import Guides

        # The editorial pages are made while the check's workers check the data (engine.Guides): their sources
        # staged in a temporary folder, the pages beside the output folder, from where they are moved into the site.
        with atomic.staging(out) as early, tempfile.TemporaryDirectory(prefix="jixiao-docs-") as docs:
            guides = Guides(Path(docs) / "docs", early / "site")
            result, folders = prepare(data, out / TABLES, jobs, guides.make_quietly)
            if folders is None:
                return result
            _publish_site(data, out, folders, result, workers_count, make_pdf, tables, guides)
    result.written = True
    return result


def prepare(
    data: Path, out: Path, jobs: int | None, alongside: Callable[[], None] | None = None
) -> tuple[BuildResult, list[UnitFolder] | None]:
    """The check of the whole data tree, and the units to build in the site's order (None when the check
    stops the build, or when every region is kept out: the previous output stays as it was): what a
    build and each shard of it (generator/shard.py) start from. ``alongside``: as for check()."""
    progress.step("检查数据……")
    tree = collect([data])  # walked once, for the check and the build
    report = check([data], jobs=jobs, tree=tree, alongside=alongside)
    result = BuildResult(report=report, out=out)
    if report.exit_code() != 0 and not _only_layout_errors(report):
        return result, None
    folders, result.excluded = units_to_build(data, tree)
    return result, None if result.excluded and not folders else folders


def units_to_build(data: Path, tree: Tree | None = None) -> tuple[list[UnitFolder], list[str]]:
    """The unit folders of ``data`` (walked as ``tree`` when given) in the site's order, and the names of the
    regions kept out: a region whose layout is missing or broken (check's findings say why); the others
    are built."""
    folders = sorted((tree or collect([data])).units.values(), key=lambda u: u.path)
    excluded = _regions_without_layout(folders)
    return [f for f in folders if f.region_dir not in excluded], sorted(excluded.values())


def _only_layout_errors(report: Report) -> bool:
    """Whether every error of the check is about a layout (a missing one, L001, or a broken layout file):
    such an error keeps only the regions using that layout out of the build."""
    errors = [d for d in report.diagnostics if d.severity is Severity.ERROR and not d.acknowledged]
    return bool(errors) and report.exit_code() == 1 and all(_about_layout(d) for d in errors)


def _about_layout(diagnostic: Diagnostic) -> bool:
    return diagnostic.code.startswith("L") or Path(diagnostic.path).name == LAYOUT_FILE


def _regions_without_layout(folders: list[UnitFolder]) -> dict[Path, str]:
    """The region folders (with their names) whose layout is missing, or cannot be printed (an error of
    render/layout_check.py: what the schema refuses, cells that do not fit)."""
    from generator.render.layout_check import check_folder

    out: dict[Path, str] = {}
    for region_dir in dict.fromkeys(f.region_dir for f in folders):
        region = read_region(region_dir / REGION_FILE)
        folder = find(region.layout, region_dir)
        if folder is None or any(d.severity is Severity.ERROR for d in check_folder(folder)):
            out[region_dir] = region.name
    return out


def _publish_site(
    data: Path,
    out: Path,
    folders: list[UnitFolder],
    result: BuildResult,
    jobs: int,
    make_pdf: bool,
    tables: bool,
    guides: Guides,
) -> None:
    from generator.site import publish, reuse  # here: the tables-only build does without mkdocs

    check_out(out, data)
    previous = reuse.Previous.of(out)
    with atomic.staging(out) as staging, tempfile.TemporaryDirectory(prefix="jixiao-site-") as work:
        built = publish.write_site(data, staging, Path(work), folders, jobs, make_pdf, tables, previous, guides)
        if previous.out is None:  # the whole site is in staging
            (staging / reuse.MARKER).write_text("jixiao build\n", encoding="utf-8")
            atomic.replace_folder(staging, out)
        else:  # staging holds what changed
            reuse.update(staging, out, previous, built.record, built.reused, built.slots, built.extras, built.unwritten)
        built.record.save(out)
    result.pdf_note, result.pdfs, result.reused = built.pdf_note, built.pdfs, built.kept
    result.count_tables(built.tables)
    result.units = built.units
    reused = f"{result.reused} 个单位没有改动，沿用上次生成的页面和表格；" if result.reused else ""
    result.site = f"网站 → {display_path(out)}/index.html（{built.pages} 个页面；{reused}预览：jixiao serve）"
    if previous.interrupted:
        result.site += "\n上一次生成在替换文件时被中断，网站曾新旧混合；这一次已全部修复。"


def check_out(out: Path, data: Path) -> None:
    """Refuse to replace a folder that holds the data, the working folder, or files jixiao did not make."""
    from generator.site.reuse import MARKER

    target = out.resolve()
    for inside in (data.resolve(), Path.cwd().resolve()):
        if inside == target or target in inside.parents:
            raise BuildError(f"输出文件夹“{out}”包含数据或当前文件夹，生成网站时会被整个替换：请另选一个文件夹，如 site")
    made_by_mkdocs = (target / "404.html").is_file() and (target / "assets" / "javascripts").is_dir()
    if target.is_dir() and not (target / MARKER).exists() and not made_by_mkdocs:
        names = {p.name for p in target.iterdir()}
        if names - {TABLES}:  # the official tables alone: what jixiao build wrote before the website
            raise BuildError(f"输出文件夹“{out}”中有不是 jixiao 生成的文件，生成网站时会被整个替换：请另选一个文件夹，或先清空它")


def _publish_tables(final: Path, folders: list[UnitFolder], result: BuildResult, jobs: int, make_pdf: bool) -> None:
    with atomic.staging(final) as staging:
        typeset = pdf.with_units(make_pdf)
        tasks = [(f, staging / relative_folder(f), typeset) for f in folders]
        weights = [len(f.project_files) for f in folders]
        written = list(workers.each(_unit_tables, tasks, jobs, weights, workers.UNIT_THRESHOLD))
        if typeset:
            made = sum(1 for u in written if u.pdf)
            result.pdf_note, result.pdfs = f"已生成 {made} 份 PDF 汇编{pdf_failures(written)}", made
        else:
            result.pdf_note, result.pdfs = pdf_booklets([u.booklet for u in written if u.booklet], make_pdf, jobs)
        atomic.replace_folder(staging, final)
    result.count_tables(written)


def relative_folder(folder: UnitFolder) -> Path:
    """tables/<地区>/<年度>/<单位>, each name made safe and unique among its siblings (names.folder_name)."""
    return Path(folder_name(folder.region_dir), str(folder.year), folder_name(folder.path))


def _unit_tables(task: tuple[UnitFolder, Path, bool]) -> WrittenTables:
    folder, target, typeset = task
    return write_unit_tables(load_unit(folder), target, pdf=typeset)


def pdf_booklets(booklets: list[Path], make_pdf: bool, jobs: int | None) -> tuple[str, int]:
    """The PDF of each booklet, beside it, by LibreOffice; the note for the summary and how many were made."""
    unavailable = pdf.unavailable(make_pdf)
    if unavailable:
        return unavailable, 0
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
    passed = f"检查通过（{warnings} 条警告，运行 jixiao check 查看）。" if warnings else "检查通过。"
    if result.excluded:
        passed = f"以下地区的版式有错误（见上面的检查报告），没有生成：{'、'.join(result.excluded)}；其他地区照常生成。"
    lines = [
        passed,
        f"已生成 {result.tables} 张表格 → {display_path(result.out)}/"
        f"（{result.units} 个单位；每张表有网页 .html、Word .docx、Excel .xlsx，每个单位另有{BOOKLET}）",
        f"{result.pdf_note}。",
    ]
    if result.site:
        lines.append(result.site)
    if result.unprinted:
        lines.append(f"提示：以下 {len(result.unprinted)} 项数据在版式中没有对应的栏目，没有印在官方表格上：")
        lines.extend(f"  {shown}：{field_name}" for shown, field_name in result.unprinted[:limit])
        if len(result.unprinted) > limit:
            lines.append(f"  ……另有 {len(result.unprinted) - limit} 项")
    return lines
