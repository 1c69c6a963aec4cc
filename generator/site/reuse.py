"""Incremental builds: a unit whose inputs did not change since the last build is not rendered again.

A unit's pages, official tables and open data depend only on: its files and its region's file (their
bytes and paths), their git history, the theme's frame, whether tables are made, and jixiao's own
code. ``unit_key`` hashes exactly these (generator.cache, so the key is salted and covers the
code). After a build, the key of every unit is remembered in the cache, next to the folder the site
was written to, together with what the rest of the site needs from the unit (its summary and its
rows of the joined CSV files).

The next build into the same folder links (hard links: no copying, no extra disk) the files of every
unit with an unchanged key from the old site into the new staging folder, and renders only the
others. The home, region and year pages, the joined open data, and the search index are always
made again: they are cheap, and they depend on every unit.

The old site is trusted only if it is the very one the record describes: the record holds the
identity (inode and modification time) of the site's marker file, which every build writes anew.
PDF booklets are reused by batch (render/pdf.py converts in fixed batches, and a PDF's bytes depend
on its batch): a batch whose Word files are all unchanged keeps its PDFs.

Whatever is reused, the output is byte for byte what a build from nothing would write. A linked file
is shared with the old site, so nothing in the build writes into an existing file: it replaces it
(render/pdf.py), and the old site stays as it was until the new one takes its place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from generator import cache
from generator.load import REGION_FILE
from generator.render import pdf
from generator.render.build import UnitResult
from generator.render.compose import BOOKLET
from generator.site.addresses import UnitAddress
from generator.site.history import Histories
from generator.site.unitpages import UnitSummary
from generator.tree import UnitFolder

MARKER = ".jixiao-site"  # publish.py writes it in every site it makes
UNIT_KIND, ROWS_KIND, SITE_KIND, PDF_KIND = "site-unit", "site-rows", "site", "pdf-batch"
ROWS = ("projects", "indicators")


def unit_key(folder: UnitFolder, data: Path, frame: Path, tables: bool, histories: Histories) -> str | None:
    files = [folder.region_dir / REGION_FILE, folder.unit_file, *folder.project_files]
    events = [repr(histories.files.get(p.absolute())) + repr(histories.older.get(p.absolute())) for p in files]
    address = "/".join(UnitAddress.of(folder.region_dir, folder.year, folder.path).parts)  # depends on its siblings
    parts = [os.fsencode(Path.cwd()), os.fsencode(data.absolute()), address.encode(), b"tables" if tables else b"-",
             frame.read_bytes(), repr(histories.root is None).encode(), *(e.encode() for e in events)]
    return cache.key(UNIT_KIND, parts + cache.file_parts(files))


def _site_key(out: Path) -> str | None:
    """The cache entry of the record of the site in ``out``."""
    return cache.key(SITE_KIND, [os.fsencode(out.resolve())])


def _marker_identity(out: Path) -> list[int] | None:
    try:
        status = (out / MARKER).stat()
    except OSError:
        return None
    return [status.st_ino, status.st_mtime_ns]


def _unit_folders(address: UnitAddress) -> list[PurePosixPath]:
    """Every place a unit's files are written (unitpages.py): its tables, its pages, its open data."""
    return [address.tables, address.page, address.data, address.unit_json]


def _link_tree(source: Path, target: Path, skip: str = "") -> None:
    """Hard-link ``source`` (a file or a folder, less the files ending in ``skip``) at ``target``; a copy
    where links are not possible."""
    if source.is_file():
        if not (target.exists() and os.path.samefile(source, target)):  # else linked already, with its unit
            target.parent.mkdir(parents=True, exist_ok=True)
            cache.link_file(source, target)
        return
    for path in sorted(source.rglob("*")):
        if path.is_file() and not path.is_symlink() and not (skip and path.name.endswith(skip)):
            _link_tree(path, target / path.relative_to(source))


@dataclass
class Previous:
    """What the last build into the same folder left: its site, and the key of every unit in it."""

    out: Path | None = None
    units: dict[str, str] = field(default_factory=dict)  # key → the unit's address ("地区/年度/单位")
    batches: dict[str, list[str]] = field(default_factory=dict)  # PDF batch key → its PDFs (site-relative)

    @classmethod
    def of(cls, out: Path) -> Previous:
        entry = cache.get(SITE_KIND, _site_key(out))
        if not isinstance(entry, dict) or entry.get("marker") != _marker_identity(out):
            return cls()
        units, batches = entry.get("units"), entry.get("pdf")
        if not isinstance(units, dict) or not isinstance(batches, dict):
            return cls()
        return cls(out, {k: v for k, v in units.items() if isinstance(v, str)},
                   {k: v for k, v in batches.items() if isinstance(v, list)})

    def unit(self, key: str | None, site: Path, scratch: Path, number: int) -> UnitSummary | None:
        """Link the unit's files from the previous site and return its summary; None when it must be made."""
        if self.out is None or key is None or key not in self.units:
            return None
        stored, rows = cache.get(UNIT_KIND, key), cache.get(ROWS_KIND, key)
        if not isinstance(stored, dict) or not isinstance(rows, dict):
            return None
        try:
            summary = _summary(stored, site)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            return None
        if "/".join(summary.address.parts) != self.units[key]:
            return None
        for place in _unit_folders(summary.address):
            source = self.out.joinpath(*place.parts)
            if source.exists():  # PDFs come from their batch (pdfs()), and only when PDFs are made
                _link_tree(source, site.joinpath(*place.parts), skip=".pdf")
        for name in ROWS:
            scratch.joinpath(f"{number:06d}.{name}.csv").write_text(str(rows.get(name, "")), encoding="utf-8")
        return summary

    def pdfs(self, booklets: list[Path], site: Path, make_pdf: bool, jobs: int, record: Record) -> tuple[str, int]:
        """The PDF booklets: linked from the previous site by batch when unchanged, else converted."""
        if not make_pdf:
            return "未生成 PDF（--no-pdf）", 0
        if pdf.soffice() is None:
            return "未找到 LibreOffice（soffice），未生成 PDF 汇编；安装 LibreOffice 后再运行即可生成", 0
        ordered = sorted(booklets)
        todo: list[Path] = []
        for start in range(0, len(ordered), pdf.PDF_BATCH):
            batch = ordered[start:start + pdf.PDF_BATCH]
            names = [b.relative_to(site).with_suffix(".pdf").as_posix() for b in batch]
            key = cache.key(PDF_KIND, [p for b in batch for p in (os.fsencode(b.relative_to(site)), b.read_bytes())])
            if key is not None:
                record.batches[key] = names
            old = self.batches.get(key or "")
            if self.out is not None and old == names and all((self.out / name).is_file() for name in names):
                for name in names:
                    _link_tree(self.out / name, site / name)
            else:
                todo.extend(batch)
        try:
            pdf.convert(todo, jobs=jobs)  # whole batches in order: convert() cuts them the same way
        except pdf.PdfError as exc:
            return f"PDF 汇编未能生成：{exc}", 0
        return f"已生成 {len(ordered)} 份 PDF 汇编", len(ordered)


@dataclass
class Record:
    """What this build leaves for the next one."""

    units: dict[str, str] = field(default_factory=dict)
    batches: dict[str, list[str]] = field(default_factory=dict)

    def add_unit(self, key: str | None, summary: UnitSummary, scratch: Path, number: int, fresh: bool) -> None:
        if key is None:
            return
        self.units[key] = "/".join(summary.address.parts)
        if fresh:
            cache.put(UNIT_KIND, key, _summary_json(summary))
            cache.put(ROWS_KIND, key, {name: scratch.joinpath(f"{number:06d}.{name}.csv").read_text(encoding="utf-8")
                                       for name in ROWS})

    def save(self, out: Path) -> None:
        cache.put(SITE_KIND, _site_key(out), {"marker": _marker_identity(out), "units": self.units, "pdf": self.batches})


def _summary_json(summary: UnitSummary) -> dict[str, Any]:
    tables = summary.tables
    return {
        "address": [summary.address.region, summary.address.year, summary.address.unit],
        "region": summary.region, "region_folder": summary.region_folder, "year": summary.year,
        "name": summary.name, "money_unit": summary.money_unit, "projects": summary.projects,
        "indicators": summary.indicators, "budget": str(summary.budget),
        "pages": {k: str(v) for k, v in summary.pages.items()},
        "tables": None if tables is None else {
            "tables": tables.tables, "files": tables.files, "unprinted": [list(u) for u in tables.unprinted],
            "booklet": tables.booklet is not None},
    }


def _summary(data: dict[str, Any], site: Path) -> UnitSummary:
    region, year, unit = data["address"]
    address = UnitAddress(str(region), int(year), str(unit))
    tables = data["tables"]
    result = None
    if tables is not None:
        folder = site.joinpath(*address.tables.parts)
        result = UnitResult(folder, int(tables["tables"]), int(tables["files"]),
                            [(str(a), str(b)) for a, b in tables["unprinted"]],
                            folder / f"{BOOKLET}.docx" if tables["booklet"] else None)
    return UnitSummary(address, str(data["region"]), str(data["region_folder"]), int(data["year"]), str(data["name"]),
                       str(data["money_unit"]), int(data["projects"]), int(data["indicators"]), Decimal(data["budget"]),
                       {str(k): PurePosixPath(v) for k, v in data["pages"].items()}, result)
