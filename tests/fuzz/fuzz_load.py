"""Harness: the loader, the schema, the domain rules and ``fmt`` on any bytes as a data file.

The first byte chooses the file's kind (region, unit, project) and the region it is checked
against (Hunan 2021 or Hebei 2015); the rest is the file. A file that loads and passes the schema
goes through the rules of its kind and through ``fmt``, whose output must load to the same data
and be left alone by a second ``fmt``. A file refused as nested too deep (Y010) must be: the parser,
reading all of it, goes deeper than the limit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from harness import DATA, all_well_formed, seed_files, well_formed
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import CollectionEndEvent, CollectionStartEvent

from generator.check.rules import Scope, load_rules, run_project_rules, run_unit_rules
from generator.data.fmt import CannotFormat, format_text
from generator.data.load import MAX_DEPTH, Document, decode, load, parse
from generator.data.model import Project, Region, Unit
from generator.data.parser import events
from generator.data.schemas import validate
from generator.diagnostics import Diagnostic

load_rules()
NAMES = ("地区.yaml", "单位.yaml", "项目.yaml")
REGIONS = [
    Region.from_doc(doc)
    for doc in (load(DATA / "株洲市渌口区" / "地区.yaml"), load(DATA / "唐山市路南区" / "地区.yaml"))
    if isinstance(doc, Document)
]
PATH = Path("data") / "某区" / "2026" / "某局"


def test_one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % 3]
    region = REGIONS[(data[0] // 3) % 2]
    path = (PATH.parent.parent if name == "地区.yaml" else PATH) / name
    text = decode(data[1:], name)
    if isinstance(text, Diagnostic):
        well_formed(text)
        return
    doc = parse(text, path, name)
    if isinstance(doc, Diagnostic):
        well_formed(doc)
        assert doc.code != "Y010" or deepest(text) > MAX_DEPTH, text  # only real nesting is refused
        return
    problems = validate(doc)
    all_well_formed(problems)
    if problems:
        return
    if doc.kind == "project":
        all_well_formed(run_project_rules(Project.from_doc(doc), Scope(region, 2026)))
    elif doc.kind == "unit":
        all_well_formed(run_unit_rules(Unit.from_doc(doc, 2026, region)))
    else:
        Region.from_doc(doc)
    try:
        once = format_text(text, path)
    except CannotFormat as exc:  # libyaml accepts a few things the round-trip parser refuses
        well_formed(exc.diagnostic)
        return
    again = parse(once, path, name)
    assert isinstance(again, Document), (again, once)
    from test_fuzz import comparable

    assert comparable(again.data) == comparable(doc.data), (text, once)
    assert format_text(once, path) == once, once


def deepest(text: str) -> int:
    """The deepest nesting of lists and mappings the parser reaches in ``text``, read to its end or its
    first error."""
    depth = most = 0
    try:
        for event in events(text):
            if isinstance(event, CollectionStartEvent):
                depth += 1
                most = max(most, depth)
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
    except YAMLError:
        pass
    return most


def seeds() -> Iterator[tuple[str, bytes]]:
    kinds = {name: i for i, name in enumerate(NAMES)}
    for name, raw in seed_files(DATA, "*.yaml"):
        kind = kinds.get(name.rsplit("_", 1)[-1], 2)
        hebei = 3 if name.startswith("唐山") else 0
        yield name, bytes([kind + hebei]) + raw
    for name, raw in seed_files(DATA.parent / "tests" / "examples", "*.yaml"):
        yield "example_" + name, bytes([kinds.get(name.rsplit("_", 1)[-1], 2)]) + raw
    # Near the nesting limit, which brackets, indentation and "&" in texts must not reach.
    rows = "".join(f"  - {{一级指标: 产出指标, 三级指标: 'R&D {i} [[{{', 指标值: {i}}}\n" for i in range(70))
    yield "nesting_rows", b"\x02" + ("项目名称: 'x & y'\n绩效指标:\n" + rows).encode()
    yield "nesting_limit", b"\x02" + ("项目名称: 'R*D'\n绩效指标:\n  - " + "[" * 62 + "x" + "]" * 62 + "\n").encode()
    yield "nesting_text", b"\x02" + ("项目名称: '" + "[" * 300 + "'\n说明: |\n" + " " * 300 + "甲\n").encode()
