"""Incremental builds: only what changed since the last build is made again, and only that is written.

A unit's pages, official tables and open data depend only on: its files and its region's file (their
bytes and paths), their git history, the theme's frame, whether tables are made, and jixiao's own
code. ``unit_key`` hashes exactly these (generator.cache, so the key is salted and covers the
code). After a build, the key of every unit is remembered in the cache, next to the folder the site
was written to, together with what the rest of the site needs from the unit (its summary and its
rows of the joined CSV files), the key of every search shard, the PDFs and the LibreOffice they were
made with, and the list of the site's other files.

The site is made of slots and common files. A unit's slot is its four places (its tables folder,
its page folder, its open data folder and its JSON file); a search shard's slot is its bundle
folder; everything else (the guides, the home, region and year pages, the joined open data, the
main search bundle) is common, and is made anew by every build.

A build into a folder whose record matches (``Previous``) is an update: the new build writes into a
staging folder only the common files, the slots whose keys changed, and the PDFs to convert again.
``update`` then puts them into the site: each changed slot is exchanged with the old
one in one step (renameat2 on Linux), each common file renamed over the old one, and what the new
site no longer has (removed units and shards, stale common files and PDFs) removed. The unchanged
slots (at 10,000 projects, 99 of 100 units and most of the search shards) are never touched, so the
time of an update does not grow with their number of files. Inside a slot made again, a file that comes
out as it was in the old slot is a second name of the old file (a hard link, atomic.write_staged), not
a copy: after one edit a unit of 100 projects writes a handful of files, not 600. Without a matching
record, the staging folder holds the whole site and replaces the old one at once (publish.py).

The old site is trusted only if it is the very one the record describes: the record holds the
identity (inode and modification time) of the site's marker file, which every build writes anew.
Before an update changes anything, the record is saved without the slots it is about to replace,
so that a build killed half way leaves a site of whole pages whose record claims nothing false:
the next build makes those slots again. A PDF booklet depends on its Word file only (render/pdf.py),
so an unchanged unit keeps its PDF, unless LibreOffice or the fonts changed since.

Whatever is reused, the site is byte for byte what a build from nothing would write
(tests/test_cache.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from generator import atomic, cache, held, names
from generator.data.load import REGION_FILE
from generator.data.model import read_region
from generator.data.regional import LAYOUT_FILE
from generator.data.tree import UnitFolder
from generator.render import pdf
from generator.render.compose import BOOKLET
from generator.render.tables import WrittenTables
from generator.site.addresses import UnitAddress
from generator.site.history import Histories
from generator.site.unitpages import UnitSummary

MARKER = names.SITE_MARKER  # publish.py writes it in every site it makes
UPDATING = ".jixiao-updating"  # there while an update replaces files: a site left half old, half new
UNIT_KIND, ROWS_KIND, SITE_KIND, SHARD_KIND = "site-unit", "site-rows", "site", "search-shard"
ROWS = ("projects", "indicators", "site")  # scratch files of a unit's worker, kept with the unit


class _Records:
    """The records of units (summary, rows) kept in memory between the builds of one process, when
    ``keep_records`` asked for it (``jixiao serve`` builds again after each save). Reading the records of
    the unchanged units from the cache was a tenth of a rebuild at 10,000 projects: their rows are the
    open data (75 MB). A record's key is made from its unit's content, so a record kept never goes stale;
    only those of the units of the last build are kept (``begin``)."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}
        self.now: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def begin(self) -> None:
        self.last, self.now = self.now, {}

    def get(self, key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        pair = self.last.get(key) or self.now.get(key) or _stored(key)
        if pair is not None:
            self.now[key] = pair
        return pair


_records: _Records | None = None  # None: records are read from the cache each time (a single build)


def keep_records() -> None:
    """Keep the units' records in memory from one build to the next in this process (``jixiao serve``)."""
    global _records
    _records = _records or _Records()


def _stored(key: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """An unchanged unit's record from the cache: its summary and its rows, as ``Record.add_unit`` stored them."""
    stored, rows = cache.get(UNIT_KIND, key), cache.get(ROWS_KIND, key)
    return (stored, rows) if isinstance(stored, dict) and isinstance(rows, dict) else None


class Rows:
    """Each unit's rows (``ROWS``: its parts of the open data and of the common pages), by the unit's place
    in the site's order. A unit made now has them in the scratch ``folder``, written by its worker; an
    unchanged unit's come with its record (kept in memory by ``jixiao serve``, or from the cache) and are
    held here as they are: written out only to be read back in, they were a tenth of a rebuild. They are
    held until the common pages are written: about 90 MB at 10,000 projects, less than a first build's
    peak, which the workers' tables make."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.held: dict[tuple[int, str], str] = {}

    def hold(self, number: int, rows: dict[str, Any]) -> None:
        for name in ROWS:
            self.held[number, name] = str(rows.get(name, ""))

    def text(self, number: int, name: str) -> str:
        held = self.held.get((number, name))
        return held if held is not None else self.file(number, name).read_text(encoding="utf-8")

    def file(self, number: int, name: str) -> Path:
        """The rows as a file of the scratch folder (written now when they are held: for a shard's rows)."""
        path = self.folder / f"{number:06d}.{name}.csv"
        held = self.held.get((number, name))
        if held is not None and not path.exists():
            path.write_text(held, encoding="utf-8")
        return path

    def numbers(self, name: str) -> list[int]:
        """The units that have rows ``name``, in the site's order (those of a merge's shards are files)."""
        written = {int(p.name.partition(".")[0]) for p in self.folder.glob(f"*.{name}.csv")}
        return sorted(written | {number for number, part in self.held if part == name})


def unit_key(
    folder: UnitFolder,
    data: Path,
    frame: Path,
    tables: bool,
    histories: Histories,
    related: Sequence[UnitFolder] = (),
    pdf_booklet: bool = False,
) -> str | None:
    """``related``: other unit folders its pages read (site/years.py: the same unit in other years);
    ``pdf_booklet``: whether its page links a PDF booklet (UnitJob.pdf); a PDF that Typst makes with the
    unit's tables is part of the unit, so what it depends on (the template, Typst, the fonts) is part of the key."""
    files = [folder.region_dir / REGION_FILE, folder.unit_file, *folder.project_files]
    files += [p for other in related if other.path != folder.path for p in (other.unit_file, *other.project_files)]
    # A data repository's own layout is no part of jixiao's fingerprint: its bytes are part of the key
    # (a table or a page printed with it is made again when it is edited), as they are of the check's.
    own_layout = read_region(folder.region_dir / REGION_FILE).regional.folder
    files += [own_layout / LAYOUT_FILE] if own_layout is not None else []
    events = [histories.key_of(path) for path in files]
    address = "/".join(p for f in (folder, *related) for p in UnitAddress.of(f.region_dir, f.year, f.path).parts)
    parts = [
        os.fsencode(Path.cwd()),
        os.fsencode(data.absolute()),
        address.encode(),
        b"tables" if tables else b"-",
        pdf.environment_key().encode() if pdf_booklet and pdf.engine() == pdf.TYPST else b"pdf" if pdf_booklet else b"-",
        frame.read_bytes(),
        repr(histories.root is None).encode(),
        *(e.encode() for e in events),
    ]
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


def _linked_folder(out: Path) -> bool:
    """Whether a folder of the site is a symbolic link: an update writes into the site's folders, and would
    write through it to wherever it points. Such a site is made whole anew instead (the link itself is
    then removed, never followed). The folders are listed with os.scandir, whose entries know whether they
    are links without a call per entry: a third of os.walk's time on a site of 10,000 projects. A process
    that keeps results (``jixiao serve``: generator/held.py) lists again only the folders whose status
    changed since it last listed them, and those holding a link to a file (which may come to point at a
    folder): after an edit, a few dozen of the 12,000 folders of 10,000 projects."""
    folders = [os.fspath(out)]
    keep = held.kept()
    while folders:
        folder = folders.pop()
        try:
            status = os.lstat(folder) if keep else None  # before the listing: a change while listing changes it
            seen = _listed.get(folder, status) if status is not None else None
            if seen is not None:
                folders.extend(seen)
                continue
            listing = os.scandir(folder)
        except OSError:
            continue
        subfolders: list[str] = []
        linked = False
        with listing:
            for entry in listing:
                if entry.is_symlink():
                    if entry.is_dir():  # a link to a folder (a link to a file is never written through)
                        return True
                    linked = True
                elif entry.is_dir(follow_symlinks=False):
                    subfolders.append(entry.path)
        if status is not None and not linked:
            _listed.put(folder, status, subfolders)
        folders.extend(subfolders)
    return False


_listed: held.ByStatus[list[str]] = held.ByStatus()  # a folder's folders, as last listed


def unit_places(address: UnitAddress) -> list[PurePosixPath]:
    """A unit's slot: every place its files are written (unitpages.py): its tables, its pages, its open data."""
    return [address.tables, address.page, address.data, address.unit_json]


def shard_key(members: list[tuple[str, str | None]], count: int) -> str | None:
    """A search shard's key: the addresses and keys of its units (and how many shards there are)."""
    if any(key is None for _, key in members):
        return None
    return cache.key(SHARD_KIND, [str(count).encode()] + [f"{a}\n{k}".encode() for a, k in sorted(members)])


def _strings(value: object) -> list[str] | None:
    return [str(v) for v in value] if isinstance(value, list) else None


@dataclass
class Record:
    """What a build leaves for the next one (and, from ``Previous.of``, what the last one left)."""

    units: dict[str, str] = field(default_factory=dict)  # unit key → the unit's address ("地区/年度/单位")
    pdfs: list[str] = field(default_factory=list)  # every PDF in the site (site-relative)
    shards: dict[str, str] = field(default_factory=dict)  # search shard folder → its key
    common: list[str] = field(default_factory=list)  # the site's files outside the slots
    pdf_with: str = ""  # the LibreOffice and fonts the PDFs were made with (render/pdf.py, environment_key)

    def add_unit(self, key: str | None, summary: UnitSummary, rows: Rows, number: int, fresh: bool) -> None:
        if key is None:
            return
        self.units[key] = "/".join(summary.address.parts)
        if fresh:
            stored = summary_json(summary)
            texts = {name: rows.text(number, name) for name in ROWS}
            cache.put(UNIT_KIND, key, stored)
            cache.put(ROWS_KIND, key, texts)
            if _records is not None:
                _records.now[key] = (stored, texts)

    def save(self, out: Path) -> None:
        cache.put(
            SITE_KIND,
            _site_key(out),
            {
                "marker": _marker_identity(out),
                "units": self.units,
                "pdfs": self.pdfs,
                "shards": self.shards,
                "common": self.common,
                "pdf_with": self.pdf_with,
            },
        )


@dataclass
class Previous(Record):
    """What the last build into the same folder left: its site (None when there is none to trust)."""

    out: Path | None = None
    interrupted: bool = False  # the last update of this site was killed while it replaced files

    @classmethod
    def of(cls, out: Path) -> Previous:
        if _records is not None:
            _records.begin()
        interrupted = (out / UPDATING).is_file()
        entry = cache.get(SITE_KIND, _site_key(out))
        if not isinstance(entry, dict) or entry.get("marker") != _marker_identity(out) or _linked_folder(out):
            return cls(interrupted=interrupted)
        units, shards, made_with = entry.get("units"), entry.get("shards"), entry.get("pdf_with")
        pdfs, common = _strings(entry.get("pdfs")), _strings(entry.get("common"))
        if (
            not isinstance(units, dict)
            or not isinstance(shards, dict)
            or not isinstance(made_with, str)
            or pdfs is None
            or common is None
        ):
            return cls(interrupted=interrupted)
        return cls(
            {k: v for k, v in units.items() if isinstance(v, str)},
            pdfs,
            {str(k): str(v) for k, v in shards.items()},
            common,
            made_with,
            out,
            interrupted,
        )

    def unit(self, key: str | None, rows: Rows, number: int) -> UnitSummary | None:
        """The summary of an unchanged unit, whose files stay where they are in the old site; None when
        the unit must be made."""
        if self.out is None or key is None or key not in self.units:
            return None
        record = _records.get(key) if _records is not None else _stored(key)
        if record is None:
            return None
        stored, texts = record
        try:
            summary = summary_from(stored, self.out)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            return None
        if "/".join(summary.address.parts) != self.units[key]:
            return None
        places = unit_places(summary.address)[0 if summary.tables else 1 :]  # its tables when they were made
        if not all(self.out.joinpath(*place.parts).exists() for place in places):
            return None
        rows.hold(number, texts)
        return summary

    def pdfs_for(
        self, booklets: list[tuple[Path, str]], staging: Path, make_pdf: bool, jobs: int, record: Record
    ) -> tuple[str, int]:
        """The PDF booklets (each booklet a root folder and its place in the site). A booklet of an unchanged
        unit keeps the PDF the last build made; any other is converted into ``staging`` (render/pdf.py,
        which takes it from the cache when the same booklet was converted before). Fills ``record.pdfs``."""
        unavailable = pdf.unavailable(make_pdf)
        if unavailable:
            return unavailable, 0
        record.pdf_with = pdf.environment_key()
        if pdf.engine() == pdf.TYPST:  # made with each unit's tables, kept with the unit
            record.pdfs.extend(name for root, place in booklets if (root / (name := _pdf_name(place))).is_file())
            record.pdfs.sort()
            return f"已生成 {len(record.pdfs)} 份 PDF 汇编", len(record.pdfs)
        kept = set(self.pdfs) if self.out is not None and self.pdf_with == record.pdf_with else set()
        todo: list[tuple[Path, str]] = []
        for root, place in sorted(booklets, key=lambda b: b[1]):
            name = _pdf_name(place)
            if root == self.out and name in kept and (root / name).is_file():
                record.pdfs.append(name)
            else:
                todo.append((root, place))
        borrowed = []  # the Word files of unchanged units without a PDF, converted where the PDFs are written
        for root, place in todo:
            if root != staging:
                target = staging / place
                target.parent.mkdir(parents=True, exist_ok=True)
                cache.link_file(root / place, target)
                borrowed.append(target)
        try:
            pdf.convert([staging / place for _, place in todo], jobs=jobs)
        except pdf.PdfError as exc:
            for _, place in todo:
                (staging / _pdf_name(place)).unlink(missing_ok=True)
            return f"PDF 汇编未能生成：{exc}", 0
        finally:
            for target in borrowed:
                target.unlink()
        record.pdfs.extend(_pdf_name(place) for _, place in todo)
        record.pdfs.sort()
        return f"已生成 {len(booklets)} 份 PDF 汇编", len(booklets)


def update(
    staging: Path,
    out: Path,
    previous: Previous,
    record: Record,
    reused: set[str],
    slots: list[PurePosixPath],
    extras: list[str],
    unwritten: Iterable[str] = (),
) -> None:
    """Put the new parts of the site, made in ``staging``, into the old site in ``out``.

    ``slots`` are the places to replace with their new version in ``staging``, or to remove when it has
    none: the slots of the units made again, of the units gone, and of the search shards made again or
    gone. ``extras`` are files in the slots of unchanged units that were made now (the PDF of an
    unchanged unit whose last build made none). ``reused`` are the keys of the unchanged units. ``unwritten`` are
    common files not written into ``staging`` because ``out`` already holds them as they are. What the old
    site swaps out lands in ``staging``, which the caller removes.
    """
    # The PDFs of both (a PDF is kept only where its unit is, and only when made with the same LibreOffice).
    Record(
        {k: a for k, a in previous.units.items() if k in reused},
        sorted(set(previous.pdfs) | set(record.pdfs)),
        {f: k for f, k in previous.shards.items() if record.shards.get(f) == k},
        sorted(set(previous.common) | set(record.common)),
        record.pdf_with if record.pdf_with == previous.pdf_with else "",
    ).save(out)  # killed from here on: nothing false
    # Only the marker's presence counts (it is reported by the next build), so it is not forced to the disk.
    # Forcing it would not order the record before the swaps either: on a journalling file system (ext4,
    # XFS) its changes are kept in the order they were made anyway, and the cache may be on another disk.
    atomic.write_atomic(out / UPDATING, "jixiao build\n", durable=False)
    trash = staging / ".jixiao-old"
    trash.mkdir()
    emptied: list[Path] = []
    # What the old site had and the new one does not: a file the new site has is never removed, whichever
    # list the old record put it in.
    for name in sorted((set(previous.common) | set(previous.pdfs)) - set(record.common) - set(record.pdfs)):
        target = out / name
        if target.is_file() and not target.is_symlink():
            target.unlink()
            emptied.append(target.parent)
    for n, place in enumerate(sorted(set(slots))):
        new, final = staging.joinpath(*place.parts), out.joinpath(*place.parts)
        if new.exists():
            atomic.swap_in(new, final, trash / str(n))
        elif final.exists() or final.is_symlink():
            final.rename(trash / str(n))
            emptied.append(final.parent)
    unchanged = set(unwritten)
    for n, name in enumerate([*record.common, *extras]):
        if name not in unchanged and not _same_bytes(staging / name, out / name):  # most common files come out as they were
            atomic.swap_in(staging / name, out / name, trash / f"file-{n}")
    for folder in sorted(set(emptied), key=lambda f: len(f.parts), reverse=True):
        while out in folder.parents and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    # A new file: the record now describes this site. Only its identity counts, never its bytes, so it is not
    # forced to the disk (a marker lost in a power cut fails the record's comparison: the next build is whole).
    atomic.write_atomic(out / MARKER, "jixiao build\n", durable=False)
    (out / UPDATING).unlink()


def _same_bytes(new: Path, old: Path) -> bool:
    """Whether the file ``old`` already holds what ``new`` holds (then it stays: renaming hundreds of
    unchanged files is most of an update's time, and a reader sees the same bytes either way)."""
    if new.is_symlink() or not new.is_file() or not old.is_file() or new.stat().st_size != old.stat().st_size:
        return False
    return atomic.holds(old, new.read_bytes())


def _pdf_name(place: str) -> str:
    return PurePosixPath(place).with_suffix(".pdf").as_posix()


def summary_json(summary: UnitSummary) -> dict[str, Any]:
    tables = summary.tables
    return {
        "address": [summary.address.region, summary.address.year, summary.address.unit],
        "region": summary.region,
        "region_folder": summary.region_folder,
        "year": summary.year,
        "name": summary.name,
        "money_unit": summary.money_unit,
        "projects": summary.projects,
        "indicators": summary.indicators,
        "budget": str(summary.budget),
        "pages": {k: str(v) for k, v in summary.pages.items()},
        "tables": None
        if tables is None
        else {
            "tables": tables.tables,
            "files": tables.files,
            "unprinted": [list(u) for u in tables.unprinted],
            "booklet": tables.booklet is not None,
        },
    }


def summary_from(data: dict[str, Any], site: Path) -> UnitSummary:
    region, year, unit = data["address"]
    address = UnitAddress(str(region), int(year), str(unit))
    tables = data["tables"]
    result = None
    if tables is not None:
        folder = site.joinpath(*address.tables.parts)
        result = WrittenTables(
            folder,
            int(tables["tables"]),
            int(tables["files"]),
            [(str(a), str(b)) for a, b in tables["unprinted"]],
            folder / f"{BOOKLET}.docx" if tables["booklet"] else None,
        )
    return UnitSummary(
        address,
        str(data["region"]),
        str(data["region_folder"]),
        int(data["year"]),
        str(data["name"]),
        str(data["money_unit"]),
        int(data["projects"]),
        int(data["indicators"]),
        Decimal(data["budget"]),
        {str(k): PurePosixPath(v) for k, v in data["pages"].items()},
        result,
    )
