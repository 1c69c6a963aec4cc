"""Harness: ``jixiao import`` on any Word file (.docx).

An input is a zip as it is, the parts of one (harness.PARTS: the fuzzer then mutates the XML inside
rather than the zip's checksums), or the XML of word/document.xml alone, put into an empty document.
The corpus starts from the official tables jixiao renders for data/ and from the seeds written
as Word documents (with merged cells, as test_import_formats.py writes them).
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from harness import DATA, SEEDS, import_pipeline, parts_of, read_office, template_parts, zip_from_input

PATH = Path("表.docx")
PART = "word/document.xml"


def _empty() -> bytes:
    import docx

    out = io.BytesIO()
    docx.Document().save(out)
    return out.getvalue()


TEMPLATE = template_parts(_empty())


def test_one_input(data: bytes) -> None:
    source = read_office(zip_from_input(data, TEMPLATE, PART), PATH)
    import_pipeline([source])


@cache
def rendered_tables() -> dict[str, bytes]:
    """Every official table jixiao renders for data/ (built once for both Office harnesses)."""
    from generator.build import build

    with tempfile.TemporaryDirectory() as tmp:
        result = build(DATA, Path(tmp) / "site", make_pdf=False, site=False)
        return {p.relative_to(result.out).as_posix(): p.read_bytes() for p in sorted(result.out.rglob("*.*x"))}


def office_seeds(suffix: str, writer_name: str) -> Iterator[tuple[str, bytes]]:
    """The tables rendered from data/, and the seeds written as Office files, as parts and as they are."""
    from test_import_formats import write_docx, write_xlsx

    writer = {"write_docx": write_docx, "write_xlsx": write_xlsx}[writer_name]
    for name, raw in rendered_tables().items():
        if name.endswith(suffix):
            yield f"table-{len(raw)}-{Path(name).stem}{suffix}.parts", parts_of(raw)
    with tempfile.TemporaryDirectory() as tmp:
        for seed in sorted(SEEDS.glob("*.txt")):
            raw = writer(seed, Path(tmp) / f"{seed.stem}{suffix}").read_bytes()
            yield f"seed-{seed.stem}{suffix}.parts", parts_of(raw)
            yield f"seed-{seed.stem}{suffix}", raw


def seeds() -> Iterator[tuple[str, bytes]]:
    yield from office_seeds(".docx", "write_docx")
    yield "document.xml", TEMPLATE[PART]
