"""Harness: the official tables (HTML, Word, Excel) for any project or unit file that passes the schema.

The first byte chooses the region (Hunan or Hebei layout) and whether the rest is a project file
(rendered in a unit of data/) or a unit file (rendered with that unit's projects from data/).
What must hold, besides not raising:

- HTML: data never becomes markup. The page is rendered twice, the second time with every
  ``< > & " '`` in the data replaced by private-use characters; both pages must have the same
  sequence of tags and attribute names (an unescaped value would add or change tags);
- Excel: no cell is a formula, whatever the text begins with; every part is well-formed XML;
- Word: every part is well-formed XML.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from harness import DATA, no_formula, seed_files, well_formed_office

from generator.data.load import Document, decode, load, parse
from generator.data.model import Project, Region, Unit
from generator.data.schemas import validate
from generator.diagnostics import Diagnostic
from generator.render.compose import compose_unit
from generator.render.excel import xlsx_bytes
from generator.render.layout import load_layout
from generator.render.webpage import booklet_page, table_page
from generator.render.word import booklet_bytes, docx_bytes

UNITS = [DATA / "株洲市渌口区" / "2026" / "区委社会工作部", DATA / "唐山市路南区" / "2025" / "区委社会工作部"]
MASK = str.maketrans({"<": "\ue000", ">": "\ue001", "&": "\ue002", '"': "\ue003", "'": "\ue004"})
MASKED = frozenset("\ue000\ue001\ue002\ue003\ue004")


def _doc(path: Path) -> Document:
    loaded = load(path)
    assert isinstance(loaded, Document), loaded
    return loaded


REGIONS = [Region.from_doc(_doc(folder.parent.parent / "地区.yaml")) for folder in UNITS]
UNIT_DOCS = [_doc(folder / "单位.yaml") for folder in UNITS]
PROJECT_DOCS = [[_doc(p) for p in sorted(folder.glob("*.yaml")) if p.name != "单位.yaml"] for folder in UNITS]


def masked(value: Any) -> Any:
    if isinstance(value, str):
        return value.translate(MASK)
    if isinstance(value, dict):
        return {key: masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [masked(item) for item in value]
    return value


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def render(which: int, unit_doc: Document, project_docs: list[Document], office: bool = True) -> list[tuple[str, bytes, bytes]]:
    """(page, Word, Excel) for each table of the unit, and the booklet (page, Word); HTML only without ``office``."""
    region = REGIONS[which]
    unit = Unit.from_doc(unit_doc, 2026, region)
    unit.projects = [Project.from_doc(doc) for doc in project_docs]
    layout = load_layout(region.layout)
    composed = compose_unit(layout, unit)
    forms = composed.forms
    out = [
        (table_page(layout, form), docx_bytes([form], form.title) if office else b"", xlsx_bytes(form) if office else b"")
        for form in forms
    ]
    if forms:
        out.append((booklet_page(layout, composed.booklet), booklet_bytes(composed.booklet) if office else b"", b""))
    return out


class _Tags:
    def __init__(self) -> None:
        from html.parser import HTMLParser

        self.seen: list[tuple[str, tuple[str, ...]]] = []
        parser = HTMLParser(convert_charrefs=True)
        parser.handle_starttag = lambda tag, attrs: self.seen.append((tag, tuple(n for n, _ in attrs)))  # type: ignore[method-assign]
        parser.handle_endtag = lambda tag: self.seen.append(("/" + tag, ()))  # type: ignore[method-assign]
        self.parser = parser


def tag_sequence(page: str) -> list[tuple[str, tuple[str, ...]]]:
    tags = _Tags()
    tags.parser.feed(page)
    tags.parser.close()
    return tags.seen


def test_one_input(data: bytes) -> None:
    if not data:
        return
    which, is_unit = data[0] % 2, bool(data[0] & 2)
    name = "单位.yaml" if is_unit else "项目.yaml"
    text = decode(data[1:], name)
    if isinstance(text, Diagnostic):
        return
    doc = parse(text, UNITS[which] / name, name)
    if isinstance(doc, Diagnostic) or validate(doc):
        return
    unit_doc = doc if is_unit else UNIT_DOCS[which]
    projects = PROJECT_DOCS[which] if is_unit else [doc]
    rendered = render(which, unit_doc, projects)
    for _page, word, excel in rendered:
        well_formed_office(word)
        if excel:
            no_formula(excel)
            well_formed_office(excel)
    if any(MASKED & set(s) for s in strings(doc.data)):
        return  # the comparison below needs the private-use characters for itself
    plain = replace(doc, data=masked(doc.data))
    again = render(which, plain if is_unit else unit_doc, projects if is_unit else [plain], office=False)
    assert len(again) == len(rendered)
    for (page, _, _), (other, _, _) in zip(rendered, again, strict=True):
        assert tag_sequence(page) == tag_sequence(other), "data became markup"


def seeds() -> Iterator[tuple[str, bytes]]:
    for which, folder in enumerate(UNITS):
        for name, raw in seed_files(folder, "*.yaml"):
            yield f"{which}-{name}", bytes([which | (2 if name == "单位.yaml" else 0)]) + raw
    for name, raw in seed_files(DATA.parent / "tests" / "examples" / "valid", "*.yaml"):
        if not name.endswith("地区.yaml"):
            yield f"example-{name}", bytes([int("唐山" in name) | (2 if name.endswith("单位.yaml") else 0)]) + raw
