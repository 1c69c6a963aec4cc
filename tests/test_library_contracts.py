"""What jixiao relies on inside ruamel.yaml, python-docx and XlsxWriter, beyond their public API, stated as tests.

Three modules use library internals for speed (each measured in docs/performance.md):

* ``generator/data/parser.py`` builds ruamel's C loader class once instead of per document, and resolves
  plain scalars with ruamel's own patterns taken from the resolver;
* ``generator/render/word.py`` serialises python-docx's template parts once, with python-docx's own
  ``[Content_Types].xml`` writer (``docx.opc.pkgwriter._ContentTypesItem``) and part serialiser;
* ``generator/render/excel.py`` writes a sheet's cells itself, through a worksheet subclass that
  takes over XlsxWriter's ``_write_sheet_data`` and ``_write_merge_cells`` and uses its row writer,
  dimension check, format indices and shared-string table.

pyproject.toml pins the three libraries below their next minor version. Should an upgrade (within or
beyond the pins) change what these modules rely on, a test here fails and names it, before any
output can change unnoticed; tests/test_compose.py then compares every node and value with ruamel's
own loading, and tests/test_render.py the tables.
"""

from __future__ import annotations

import inspect
import zipfile
from dataclasses import replace
from decimal import Decimal
from importlib.metadata import version
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from xlsxwriter.worksheet import Worksheet

from generator.data import parser as compose
from generator.render import excel, word
from generator.render.form import Style

PINS = {"ruamel.yaml": ((0, 18), (0, 20)), "python-docx": ((1, 1), (1, 3)), "XlsxWriter": ((3, 2), (3, 4))}


def _release(name: str) -> tuple[int, int]:
    major, minor = version(name).split(".")[:2]
    return int(major), int(minor)


def test_the_installed_versions_are_within_the_pins_of_pyproject() -> None:
    text = (Path(__file__).parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    for name, (low, high) in PINS.items():
        assert low <= _release(name) < high, (name, version(name))
        assert f'"{name}>={low[0]}.{low[1]},<{high[0]}.{high[1]}' in text, f"pyproject.toml does not pin {name}"


def test_ruamel_gives_the_c_parser_and_a_resolver_whose_patterns_compose_py_can_take() -> None:
    from ruamel.yaml import main as ruamel_main

    assert compose.TABLE_YAML.Parser is ruamel_main.CParser, "no C parser: is ruamel.yaml.clib installed?"
    assert compose._LOADER is not None, "compose.py could not build the C loader class from ruamel's parts"
    assert compose._PLAIN_PATTERNS, "ruamel's resolver has patterns without a first character, or path resolvers"
    # The loader class is made as ruamel.yaml.main.YAML.compose makes its XLoader: these are the attributes
    # and constructor arguments it sets; a change here means compose.py must follow ruamel's new way.
    source = inspect.getsource(ruamel_main.YAML.get_constructor_parser)
    for needed in (
        "class XLoader(self.Parser, self.Constructor, rslvr)",
        "selfx._parser = selfx._composer = selfx",
        "self.Constructor.__init__(selfx, loader=selfx)",
        "rslvr.__init__(selfx, version=version, loadumper=selfx)",
    ):
        assert needed in source, f"ruamel.yaml.main.YAML.get_constructor_parser no longer contains {needed!r}"
    for name in ("int", "float", "bool", "null", "timestamp"):
        assert f"tag:yaml.org,2002:{name}" in compose.TableConstructor.yaml_constructors


def test_the_docx_skeleton_is_what_python_docx_itself_writes() -> None:
    """Every part word.py serialises with python-docx's internals, byte for byte as ``Document.save`` writes
    it for the same prepared template (word.prepared: its styles, the footer with the page numbers), in the
    same order; only the font table is jixiao's own (word.font_table_xml)."""
    style = Style()
    skeleton = word._skeleton(style)
    document = word.prepared(style, False)
    saved = BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as archive:
        theirs = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    assert [name for name, _ in skeleton.members] == [name for name, _ in theirs]
    for (name, ours), (_, blob) in zip(skeleton.members, theirs, strict=True):
        if ours is not None:  # the main document and the core properties are written per table
            assert ours == (word.font_table_xml(style) if name == "word/fontTable.xml" else blob), name


def test_a_docx_written_by_word_py_opens_in_python_docx_with_its_text() -> None:
    from generator.render.form import Cell, Form, Grid

    form = Form(
        kind="表",
        stem="表",
        caption="表",
        title="标题",
        heading=("抬头",),
        footer=("落款",),
        landscape=False,
        style=Style(),
        blocks=[Grid((20.0, 30.0), [[Cell(("甲",)), Cell(("乙",))]])],
    )
    opened = Document(BytesIO(word.docx_bytes([form], "标题")))
    assert [p.text for p in opened.paragraphs if p.text][:2] == ["标题", "抬头"]
    assert [c.text for c in opened.tables[0].rows[0].cells] == ["甲", "乙"]


class _PublicSheet(Worksheet):  # type: ignore[misc]
    """excel._Sheet's ``put`` through XlsxWriter's public API only, as excel.py wrote every cell before."""

    def put(self, top: int, left: int, bottom: int, right: int, value: str | Decimal | None, cell_format: Any) -> None:
        if bottom > top or right > left:
            self.merge_range(top, left, bottom, right, None, cell_format)  # formatted blanks in the covered cells
        if isinstance(value, Decimal):
            self.write_number(top, left, value, cell_format)
        elif value:
            self.write_string(top, left, value, cell_format)
        else:
            self.write_blank(top, left, None, cell_format)


def test_excel_py_writes_the_cells_byte_for_byte_as_xlsxwriter_would(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sample table (both layouts, every kind), a form with texts longer than a cell, one with
    control characters, formula-like text and numbers: the workbook is the same file, to the byte,
    whether its cells go through excel._Sheet or through XlsxWriter's merge_range and write methods."""
    from test_render import _long_form

    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import compose_unit
    from generator.render.form import Cell, Grid
    from generator.render.layout import load_layout

    forms = []
    for folder in collect([Path(__file__).parent.parent / "data"]).units.values():
        unit = load_unit(folder)
        forms += compose_unit(load_layout(unit.region.layout, unit.region.folder), unit).forms
    numbers = Grid((60.0, 60.0), [[Cell(("=SUM(A1)\x01",), rowspan=2), Cell(("0.50",), number=Decimal("0.50"))], [Cell(())]])
    forms += [_long_form(), replace(_long_form(), blocks=[numbers], footer=tuple("甲乙丙丁戊己庚辛"))]
    ours = [excel.xlsx_bytes(form) for form in forms]
    monkeypatch.setattr(excel, "_Sheet", _PublicSheet)
    assert [excel.xlsx_bytes(form) for form in forms] == ours
