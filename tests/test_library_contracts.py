"""What jixiao relies on inside ruamel.yaml and python-docx, beyond their public API, stated as tests.

Two modules use library internals for speed (each measured in docs/performance.md):

* ``generator/data/parser.py`` builds ruamel's C loader class once instead of per document, and resolves
  plain scalars with ruamel's own patterns taken from the resolver;
* ``generator/render/word.py`` serialises python-docx's template parts once, with python-docx's own
  ``[Content_Types].xml`` writer (``docx.opc.pkgwriter._ContentTypesItem``) and part serialiser.

pyproject.toml pins both libraries below their next minor version. Should an upgrade (within or
beyond the pins) change what these modules rely on, a test here fails and names it, before any
output can change unnoticed; tests/test_compose.py then compares every node and value with ruamel's
own loading, and tests/test_render.py the tables.
"""

from __future__ import annotations

import inspect
import zipfile
from importlib.metadata import version
from io import BytesIO
from pathlib import Path

from docx import Document

from generator.data import parser as compose
from generator.render import word
from generator.render.form import Style

PINS = {"ruamel.yaml": ((0, 18), (0, 20)), "python-docx": ((1, 1), (1, 3))}


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
