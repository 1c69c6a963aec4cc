"""The PDF booklets: which engine makes them, and the LibreOffice engine.

Two engines (``engine``): Typst (the default, render/typeset.py) typesets each booklet from its model in
the process that writes the unit's tables, wherever jixiao is installed; LibreOffice
(``jixiao build --pdf-engine libreoffice``, or JIXIAO_PDF_ENGINE=libreoffice) converts the Word booklets
after all units are written, when ``soffice`` is installed, so that the PDF is exactly what Word's file
prints. The rest of this module is the LibreOffice engine.

LibreOffice runs once per core for the whole build: the files are shared out among ``jobs``
processes, balanced by size, and each process converts its share one after the other (a process
costs about 1.5 s to start; a 100-table booklet about 4 s to convert). Each process has its own
throw-away profile (two processes cannot share one, and it never clashes with a LibreOffice the
user has open) and a font configuration that maps 仿宋/宋体/黑体 to the Noto CJK fonts when Windows
fonts are missing, so Chinese prints in Chinese glyph forms.

A PDF depends on its own file only, whichever process converted it and whatever it converted
before (``normalise``): the creation date, document ID and checksum LibreOffice writes are replaced
by fixed values, and the font subsets it embeds are renumbered. LibreOffice 7.x numbers the Type 1
font subsets it makes with a counter that runs on for the life of the process (``/UniqueID
4100001 def``, then 4100002…, in the font program's clear text and again inside its eexec-encrypted
private dictionary), so the same file converted second in a process used to give other bytes than
converted first. ``canonical_fonts`` gives the subsets of each PDF the numbers a process converting
that file alone gives them (4100001 and on, in the order the PDF holds them), re-encrypts, and
writes the PDF's cross-reference table anew. That is what lets one process convert many files, and
lets each PDF be kept by its own content (``convert`` takes it from the cache, generator.cache, when
the same file was converted before by the same LibreOffice with the same fonts).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from generator import cache
from generator.errors import ToolError
from generator.render.fonts import FONT_DIRS, SANS, SERIF
from generator.render.reproducible import FIXED_TIME

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{aliases}
</fontconfig>
"""
ALIAS = (
    '  <alias binding="same"><family>{name}</family><accept><family>{name}</family><family>{fallback}</family></accept></alias>'
)
_DATE = re.compile(rb"/(CreationDate|ModDate)\s*\(D:(\d{4,14})")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")
_CHECKSUM = re.compile(rb"/DocChecksum\s*/([0-9A-Fa-f]+)")
TIMEOUT_BASE = 120
TIMEOUT_PER_FILE = 60
# What one LibreOffice process converts before another takes over: its memory grows by a few MB with
# each large file it has converted (measured: 215 MB after one 100-table booklet, 277 MB after ten).
FILES_PER_PROCESS = 64
BYTES_PER_PROCESS = 3_000_000  # about 20 booklets of 100 tables (135 KB each as Word files)
PDF_KIND = "pdf"
ENGINE_VARIABLE = "JIXIAO_PDF_ENGINE"
TYPST, LIBREOFFICE = "typst", "libreoffice"


class PdfError(ToolError):
    """LibreOffice is installed but could not convert a file."""


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def engine() -> str:
    """The engine that makes the PDF booklets: TYPST unless JIXIAO_PDF_ENGINE (which ``jixiao build
    --pdf-engine`` sets for its worker processes) names another; a name that is neither is returned as
    it is, and ``unavailable`` says so."""
    return os.environ.get(ENGINE_VARIABLE, "").strip().lower() or TYPST


def with_units(make_pdf: bool) -> bool:
    """Whether each unit's PDF booklet is made with its tables (Typst), not converted afterwards."""
    return engine() == TYPST and not unavailable(make_pdf)


def unavailable(make_pdf: bool) -> str:
    """Why no PDF is made (the note of the build's summary), or "" when they can be."""
    if not make_pdf:
        return "未生成 PDF（--no-pdf）"
    if engine() not in (TYPST, LIBREOFFICE):
        return f"环境变量 {ENGINE_VARIABLE} 是“{engine()}”，不是 typst 或 libreoffice，未生成 PDF 汇编；请改正或删去它"
    if engine() == TYPST:
        if importlib.util.find_spec("typst") is None:
            return "未安装 typst（pip install typst），未生成 PDF 汇编"
        from generator.render import typeset

        return typeset.missing_fonts()
    if soffice() is None:
        return (
            "未找到 LibreOffice（soffice），未生成 PDF 汇编；安装 LibreOffice 后再运行即可生成，或不用 --pdf-engine libreoffice"
        )
    return ""


def _fonts_conf(folder: Path) -> Path:
    aliases = [ALIAS.format(name=n, fallback="Noto Serif CJK SC") for n in SERIF]
    aliases += [ALIAS.format(name=n, fallback="Noto Sans CJK SC") for n in SANS]
    path = folder / "fonts.conf"
    path.write_text(FONTS_CONF.format(aliases="\n".join(aliases)), encoding="utf-8")
    return path


def normalise(data: bytes) -> bytes:
    """The PDF as a LibreOffice process converting only this file writes it (``canonical_fonts``), with a
    fixed creation date, document ID and checksum, each the same length, so the xref offsets stay valid."""
    data = canonical_fonts(data)
    stamp = FIXED_TIME.strftime("%Y%m%d%H%M%S").encode()
    data = _DATE.sub(lambda m: m.group(0)[: -len(m.group(2))] + stamp[: len(m.group(2))], data)
    digest = hashlib.md5(_CHECKSUM.sub(b"", _ID.sub(b"", data)), usedforsecurity=False).hexdigest().upper().encode()
    data = _CHECKSUM.sub(lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))]), data)
    return _ID.sub(
        lambda m: m.group(0).replace(m.group(1), digest[: len(m.group(1))]).replace(m.group(2), digest[: len(m.group(2))]), data
    )


# --- font subsets -------------------------------------------------------------------------------------

_FONT_PROGRAM = re.compile(
    rb"(\d+) 0 obj\n<</Length (\d+) 0 R/Filter/FlateDecode/Length1 (\d+)/Length2 (\d+)"
    rb"/Length3 (\d+)>>\nstream\n"
)
_UNIQUE_ID = re.compile(rb"/UniqueID (\d+) def")
_LENGTH_OBJECT = re.compile(rb"(\d+) 0 obj\n(\d+)\nendobj")
_XREF = re.compile(rb"xref\n0 (\d+)\n")
_STARTXREF = re.compile(rb"startxref\n(\d+)\n%%EOF\s*$")
FIRST_UNIQUE_ID = 4100001  # LibreOffice's first (vcl/source/fontsubset/cff.cxx, nUniqueIdBase + 1)
EEXEC_KEY = 55665


def _eexec_renumber(encrypted: bytes, number: int) -> bytes:
    """The eexec-encrypted part of a Type 1 font with its /UniqueID set to ``number``: decrypted, changed,
    encrypted again with the same key (a change shifts every later byte, so the rest is done anew)."""
    plain = bytearray(len(encrypted))
    r = EEXEC_KEY
    for i, c in enumerate(encrypted):
        plain[i] = c ^ (r >> 8)
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    changed = _UNIQUE_ID.sub(b"/UniqueID %d def" % number, bytes(plain), count=1)
    if changed == plain:
        return encrypted
    out = bytearray(len(changed))
    r = EEXEC_KEY
    for i, p in enumerate(changed):
        c = p ^ (r >> 8)
        out[i] = c
        r = ((c + r) * 52845 + 22719) & 0xFFFF
    return bytes(out)


def _compress(data: bytes) -> bytes:
    # LibreOffice's own settings (level 6, the largest memory level): an unchanged stream keeps its bytes.
    packer = zlib.compressobj(6, zlib.DEFLATED, 15, 9)
    return packer.compress(data) + packer.flush()


def canonical_fonts(data: bytes) -> bytes:
    """``data`` (a PDF written by LibreOffice) with its Type 1 font subsets numbered from FIRST_UNIQUE_ID in
    the order it holds them, and a cross-reference table for the new object offsets. A PDF of another
    shape (no classic cross-reference table, no such fonts) is returned as it is."""
    end = _STARTXREF.search(data)
    if end is None:
        return data
    xref_at = int(end.group(1))
    table = _XREF.match(data, xref_at)
    if table is None:
        return data
    count = int(table.group(1))
    entries = data[table.end() : table.end() + 20 * count]
    offsets = sorted(int(entries[20 * n : 20 * n + 10]) for n in range(count) if entries[20 * n + 17 : 20 * n + 18] == b"n")
    if not offsets or not _FONT_PROGRAM.search(data):
        return data
    bounds = list(zip(offsets, [*offsets[1:], xref_at], strict=True))
    objects = [data[start:stop] for start, stop in bounds]
    lengths: dict[bytes, int] = {}
    fonts = 0
    for n, body in enumerate(objects):
        head = _FONT_PROGRAM.match(body)
        if head is None:
            continue
        stream = body[head.end() :]
        stored = stream[: stream.rindex(b"\nendstream")]
        program = zlib.decompress(stored)
        clear_size, encrypted_size = int(head.group(3)), int(head.group(4))
        number = FIRST_UNIQUE_ID + fonts
        fonts += 1
        clear = _UNIQUE_ID.sub(b"/UniqueID %d def" % number, program[:clear_size], count=1)
        encrypted = _eexec_renumber(program[clear_size : clear_size + encrypted_size], number)
        packed = _compress(clear + encrypted + program[clear_size + encrypted_size :])
        lengths[head.group(2)] = len(packed)
        objects[n] = (
            b"%s 0 obj\n<</Length %s 0 R/Filter/FlateDecode/Length1 %d/Length2 %d/Length3 %s>>\nstream\n"
            % (head.group(1), head.group(2), len(clear), len(encrypted), head.group(5))
            + packed
            + stream[len(stored) :]
        )
    for n, body in enumerate(objects):
        holder = _LENGTH_OBJECT.match(body)
        if holder is not None and holder.group(1) in lengths:
            objects[n] = b"%s 0 obj\n%d\nendobj" % (holder.group(1), lengths[holder.group(1)]) + body[holder.end() :]
    out = bytearray(data[: offsets[0]])
    moved = {}
    for (start, _), body in zip(bounds, objects, strict=True):
        moved[start] = len(out)
        out += body
    new_entries = bytearray()
    for n in range(count):
        entry = entries[20 * n : 20 * n + 20]
        if entry[17:18] == b"n":
            entry = b"%010d" % moved[int(entry[:10])] + entry[10:]
        new_entries += entry
    trailer = data[table.end() + 20 * count : end.start()]
    return bytes(out + data[xref_at : table.end()] + new_entries + trailer) + b"startxref\n%d\n%%%%EOF\n" % len(out)


# --- conversion ---------------------------------------------------------------------------------------


def _shares(files: list[Path], jobs: int) -> list[list[Path]]:
    """The files, shared out among LibreOffice processes: ``jobs`` shares of about equal size (the largest
    file first, each to the smallest share), each cut into runs of at most FILES_PER_PROCESS files and
    BYTES_PER_PROCESS bytes. Each run is one process; a PDF does not depend on its run (normalise)."""
    sizes = {f: f.stat().st_size for f in files}
    shares: list[list[Path]] = [[] for _ in range(max(1, jobs))]
    loads = [0] * len(shares)
    for file in sorted(files, key=lambda f: (-sizes[f], f)):
        least = loads.index(min(loads))
        shares[least].append(file)
        loads[least] += sizes[file]
    runs: list[list[Path]] = []
    for share in shares:
        run: list[Path] = []
        size = 0
        for file in sorted(share):
            if run and (len(run) >= FILES_PER_PROCESS or size + sizes[file] > BYTES_PER_PROCESS):
                runs.append(run)
                run, size = [], 0
            run.append(file)
            size += sizes[file]
        if run:
            runs.append(run)
    return runs


def _run(program: str, files: list[Path], work: Path) -> dict[Path, bytes]:
    """One LibreOffice process converting ``files`` one after the other; the PDFs it made, by source file."""
    work.mkdir(parents=True)
    inputs = []
    for i, source in enumerate(files):  # short ASCII names: many files share one name (单位汇编.docx)
        copy = work / f"{i:05d}{source.suffix}"
        shutil.copyfile(source, copy)
        inputs.append(copy)
    # LibreOffice writes the creation date with the local time zone's offset ("+08'00'"); its digits are
    # fixed afterwards (normalise), the offset is fixed here: the same PDF in every time zone.
    env = {**os.environ, "FONTCONFIG_FILE": str(_fonts_conf(work)), "TZ": "UTC"}
    command = [
        program,
        f"-env:UserInstallation={(work / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "pdf",
        "--outdir",
        str(work / "out"),
        *map(str, inputs),
    ]
    # In a session of its own: a LibreOffice that hangs is stopped with the processes it started.
    with (work / "libreoffice.log").open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            process.wait(timeout=TIMEOUT_BASE + TIMEOUT_PER_FILE * len(files))
        except subprocess.TimeoutExpired:  # what it made is kept; the rest is tried again, a file at a time
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            log.write("LibreOffice 转换超时\n".encode())
    made = {}
    for source, copy in zip(files, inputs, strict=True):
        pdf = work / "out" / f"{copy.stem}.pdf"
        if pdf.is_file():
            made[source] = normalise(pdf.read_bytes())
    return made


def _convert_run(program: str, files: list[Path]) -> list[Path]:
    """Convert one run; a file the process did not convert (it crashed or hung on an earlier one) is tried
    once more in a process of its own. PdfError names a file that fails twice."""
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as tmp:
        made = _run(program, files, Path(tmp, "run"))
        for n, source in enumerate([f for f in files if f not in made]):
            work = Path(tmp, f"again-{n}")
            again = _run(program, [source], work)
            if source not in again:
                said = (work / "libreoffice.log").read_text(encoding="utf-8", errors="replace").strip().splitlines()
                raise PdfError(f"LibreOffice 未能转换 {source.name}：{said[-1] if said else '没有输出'}")
            made.update(again)
    for source, data in made.items():
        target = source.with_suffix(".pdf")
        target.unlink(missing_ok=True)  # may be a hard link into the previous site (site/reuse.py)
        target.write_bytes(data)
    return files


def _environment(program: str) -> list[bytes]:
    """What a PDF depends on besides its file: the LibreOffice installed and the fonts it may use (a font
    added to a font folder changes the folder's time, as fontconfig notices too), and the fixed time."""
    parts = [FIXED_TIME.isoformat().encode()]
    real = Path(program).resolve()
    for path in (real, real.parent / "soffice.bin"):
        try:
            status = path.stat()
        except OSError:
            continue
        parts.append(os.fsencode(path) + b"%d:%d" % (status.st_size, status.st_mtime_ns))
    for root in FONT_DIRS:
        for folder, _, _ in sorted(os.walk(os.path.expanduser(root))):
            try:
                parts.append(os.fsencode(folder) + b"%d" % os.stat(folder).st_mtime_ns)
            except OSError:
                continue
    return parts


def environment_key() -> str:
    """A hash of what PDFs depend on besides their booklets: Typst's (render/typeset.py), or the
    LibreOffice and fonts (``_environment``); "" when the engine is not there."""
    if engine() == TYPST:
        from generator.render import typeset

        return f"{TYPST}:{typeset.environment_key()}" if not unavailable(True) else ""
    program = soffice()
    if program is None:
        return ""
    digest = hashlib.sha256()
    for part in _environment(program):
        digest.update(len(part).to_bytes(8, "little") + part)
    return digest.hexdigest()


def convert(files: list[Path], jobs: int = 1) -> list[Path]:
    """Write a PDF beside each Word or Excel file; returns the PDFs. PdfError when one fails. A file
    converted before (the same bytes, the same LibreOffice and fonts) gets its PDF from the cache."""
    program = soffice()
    if program is None or not files:
        return []
    todo = []
    keys: dict[Path, str | None] = {}
    environment = _environment(program) if cache.folder() else []
    for source in files:
        key = cache.key(PDF_KIND, [*environment, source.suffix.encode(), source.read_bytes()]) if environment else None
        target = source.with_suffix(".pdf")
        if key is not None:
            target.unlink(missing_ok=True)  # never written into: it may be a hard link (site/reuse.py)
            if cache.files_out(PDF_KIND, key, [target.name], source.parent):
                continue
        keys[source] = key
        todo.append(source)
    runs = _shares(todo, jobs)
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(runs)))) as pool:
        for converted in pool.map(lambda run: _convert_run(program, run), runs):
            for source in converted:
                cache.files_in(PDF_KIND, keys[source], [source.with_suffix(".pdf")])
    return sorted(source.with_suffix(".pdf") for source in files)
