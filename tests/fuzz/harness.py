"""What the fuzz harnesses share: the invariants every input must keep, and how a harness runs.

Each ``fuzz_*.py`` beside this file defines ``test_one_input(data: bytes) -> None`` (plain Python:
the regression test replays saved inputs through it without atheris) and ``seeds()`` (the starting
corpus, from data/ and tests/seeds/). launch.py hands ``test_one_input`` to atheris, which
instruments jixiao's code as it is imported and lets libFuzzer mutate the inputs towards new
coverage; run.py runs every harness for a bounded time. An exception that escapes
``test_one_input`` is a crash; so is an input that takes longer than libFuzzer's ``-timeout`` (a hang).

The invariants (``assert`` here, so a violation is a crash too):

- a finding is a well-formed Diagnostic from the catalogue, with a line, a column and a Chinese message;
- the importer never meets a defect of its own (I053) and writes only YAML that loads again, to paths
  below its output folder whose every part is a safe file name;
- a rendered page holds only the tags and attributes the templates write (no markup from data),
  a workbook holds no formula, and Word and Excel parts are well-formed XML.
"""

from __future__ import annotations

import io
import re
import sys
import traceback
import zipfile
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

HERE = Path(__file__).resolve().parent
TESTS = HERE.parent
ROOT = TESTS.parent
DATA = ROOT / "data"
SEEDS = TESTS / "seeds"
GENERATOR = ROOT / "generator"
for folder in (str(TESTS), str(HERE)):
    if folder not in sys.path:
        sys.path.insert(0, folder)

# Everything a harness reaches is imported here, before atheris instruments what is loaded.
import docx  # noqa: E402, F401
import openpyxl  # noqa: E402, F401

from generator.data.load import Document, parse  # noqa: E402
from generator.diagnostics import Diagnostic  # noqa: E402
from generator.diagnostics.catalogue import CATALOGUE  # noqa: E402
from generator.importers.assemble import Options, plan_tree  # noqa: E402
from generator.importers.docx import read_docx  # noqa: E402
from generator.importers.read import _zip_kind  # noqa: E402
from generator.importers.recognise import recognise  # noqa: E402
from generator.importers.run import sweep  # noqa: E402
from generator.importers.source import Source  # noqa: E402
from generator.importers.text import read_text  # noqa: E402, F401
from generator.importers.write import render  # noqa: E402
from generator.importers.xlsx import read_xlsx  # noqa: E402
from generator.names import MAX_NAME_BYTES, safe_filename  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
OUT = Path("/nonexistent-jixiao-fuzz/data")  # the importer's output folder: plans are made, nothing is written


# --- invariants ----------------------------------------------------------------------------------------


def well_formed(diag: Diagnostic) -> None:
    assert isinstance(diag, Diagnostic), diag
    assert diag.code in CATALOGUE, diag
    assert diag.line >= 1 and diag.column >= 1, diag
    assert CJK.search(diag.message), diag


def all_well_formed(diagnostics: Iterable[Diagnostic]) -> None:
    for diag in diagnostics:
        well_formed(diag)


def safe_path_below(path: Path, base: Path) -> None:
    """``path`` lies below ``base`` and every part of it is already a safe file name."""
    relative = path.relative_to(base)  # raises if it is not below
    for part in relative.parts:
        assert part == safe_filename(part.removesuffix(".yaml")) + (".yaml" if part.endswith(".yaml") else ""), part
        assert len(part.encode("utf-8")) <= MAX_NAME_BYTES + len(".yaml"), part
        assert part not in (".", ".."), part


def raised_in_our_code(exc: BaseException) -> bool:
    """Whether an exception was raised by jixiao's own code (a defect) rather than inside a library
    that refuses a damaged file (which the reader reports as I002, as it should)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and Path(frames[-1].filename).resolve().is_relative_to(GENERATOR)


# --- the import pipeline, without writing -----------------------------------------------------------------


def import_pipeline(sources: list[Source]) -> None:
    """recognise → plan → sweep → render each planned file, as ``jixiao import`` does before writing.

    Called without the catch-alls of ``import_sources`` that turn a defect into I053, so that a
    defect is a crash the fuzzer keeps.
    """
    recognised = [recognise(source) for source in sources if source.blocks]
    planned = plan_tree(recognised, Options(out=OUT))
    for source in sources:
        sweep(source)
        all_well_formed(source.diagnostics)
        assert not [d for d in source.diagnostics if d.code == "I053"], [d.message for d in source.diagnostics]
    for item in planned:
        safe_path_below(item.path, OUT)
        text = render(item)
        loaded = parse(text, item.path, item.path.name)
        assert isinstance(loaded, Document), (loaded, text)


# --- Office files as fuzz input ------------------------------------------------------------------------
# A .docx or .xlsx is a zip of XML parts. Mutating the zip's bytes mostly breaks its checksums, so the
# harnesses read an input in one of three forms: a zip as it is (starts with "PK"), the parts written
# out one after the other (starts with PARTS), or one XML part put into a template file.

PARTS = b"JXPARTS\n"
SEPARATOR = b"\n@@@@ "


def parts_of(raw: bytes) -> bytes:
    """A zip's parts in the fuzzer's form: PARTS, then for each part SEPARATOR name newline content."""
    out = [PARTS]
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for info in archive.infolist():
            out.append(SEPARATOR + info.filename.encode("utf-8") + b"\n" + archive.read(info))
    return b"".join(out)


ZIP_NAME_LIMIT = 0xFFFF  # bytes: a zip header stores a member name's length in 16 bits


def zip_of(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A zip of the parts that a zip can hold: a name is cut at NUL as zipfile does, and a name longer
    than a zip header allows is no file anyone could send (zipfile would fail to write it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, content in parts:
            if (
                name.split("\0")[0].replace("\\", "/").strip("/").strip()
                and len(name.encode("utf-8", "surrogateescape")) <= ZIP_NAME_LIMIT
            ):
                archive.writestr(name, content)
    return out.getvalue()


def zip_from_input(data: bytes, template: dict[str, bytes], part: str) -> bytes:
    """The Office file an input stands for (see above)."""
    if data.startswith(b"PK"):
        return data
    if data.startswith(PARTS):
        found: dict[str, bytes] = {}
        for chunk in data[len(PARTS) :].split(SEPARATOR):
            name, _, content = chunk.partition(b"\n")
            text = name.decode("utf-8", "replace").strip()
            if text and text not in found:
                found[text] = content
        return zip_of(found.items())
    return zip_of({**template, part: data}.items())


def read_office(raw: bytes, path: Path) -> Source:
    """read.read_bytes for a zip, but a defect in jixiao's own reader is raised, not reported as I002."""
    source = Source(path=path, shown=path.name, kind="text")
    kind = _zip_kind(raw, source, path.suffix.lstrip("."))
    all_well_formed(source.diagnostics)
    if kind is None:
        return source
    try:
        return (read_docx if kind == "docx" else read_xlsx)(raw, path, path.name)
    except Exception as exc:
        if raised_in_our_code(exc):
            raise
        return source


def template_parts(raw: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


# --- rendered output ------------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.seen: set[tuple[str, tuple[str, ...]]] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.add((tag, tuple(sorted(name for name, _ in attrs))))


def tags_of(page: str) -> set[tuple[str, tuple[str, ...]]]:
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.seen


def no_formula(xlsx: bytes) -> None:
    """No cell of any sheet is a formula, and every part is well-formed XML."""
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(xlsx)) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                tree = etree.fromstring(archive.read(name))
                if name.startswith("xl/worksheets/"):
                    formulas = tree.findall(".//{*}f")
                    assert not formulas, (name, [etree.tostring(f) for f in formulas])


def well_formed_office(raw: bytes) -> None:
    from lxml import etree

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(archive.read(name))


# --- running ----------------------------------------------------------------------------------------------


def seed_files(folder: Path, pattern: str) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob(pattern)):
        yield path.relative_to(folder).as_posix().replace("/", "_"), path.read_bytes()


def posix(path: Path) -> str:
    return PurePosixPath(path).as_posix()
