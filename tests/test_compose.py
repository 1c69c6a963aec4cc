"""generator/data/parser.py reads YAML exactly as ruamel's own ``YAML.compose`` and safe constructor do.

The reference is ruamel's way through the same table constructor and resolver: ``TABLE_YAML.compose``
(a new loader class per document, the resolver's lazy patterns) and ``construct_document`` (the
generic constructor). Both must give the same node tree (kinds, tags, values, styles, positions),
the same data (types too: 1 is not 1.0 nor True, Decimal("1.50") keeps its zero) and the same
errors, on every data file in the repository and on snippets of everything unusual. Only texts the
loader composes are compared: it refuses tags, anchors and aliases before (load.screen).
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, typed
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from generator.data.load import screen
from generator.data.parser import TABLE_YAML, TableConstructor, compose, construct

FILES = sorted(
    p for folder in ("data", "tests/examples") for p in (ROOT / folder).rglob("*.y*ml") if p.is_file() and not p.is_symlink()
)

UNUSUAL = [
    "a: 1\na: 2\n",  # a repeated key: ruamel's error
    "<<: {a: 1}\nb: 2\n",  # a merge key
    "a: <<\n",  # "<<" as a value: no constructor for its tag
    "- <<: [{a: 1}, {b: 2}]\n  c: 3\n",
    "1: x\n2026: y\n",  # numbers as keys
    "null: x\ntrue: y\n1.5: z\n~: w\n",
    "? [a]\n: b\n",  # a list as a key
    "? {a: 1}\n: b\n",
    "? - -\n",
    '"": e\n',
    "a: 0x1F\nb: 0o17\nc: 0b101\nd: 1_000\ne: -_\nf: 0x_\ng: 010\nh: +5\ni: -0\nj: 00\n",
    f"a: {'9' * 5000}\nb: -{'7' * 4301}\n",  # more digits than int() reads
    "a: 1.50\nb: 1e3\nc: .inf\nd: -.nan\ne: 1_0.5\nf: .5\n",
    "a: 2026-01-01\nb: 2026-01-01 10:00:00\nc: 2026-1-1\n",
    "a: true\nb: True\nc: FALSE\nd: yes\ne: on\n",
    "a: ~\nb: null\nc:\nd: Null\n",
    "a: =\nb: '=='\nc: \"x\\ty\"\n",
    "%YAML 1.1\n---\na: 010\nb: 1:30\nc: yes\n",
    "%YAML 1.2\n---\na: 010\n",
    "a: |\n  line\n  two\nb: >\n  folded\n  text\n",
    "a: [1, 2, {b: c}]\nd: {e: [f, g]}\n",
    "- 1\n- two\n- [3]\n",
    "just text\n",
    "",
    "# only a comment\n",
    "a: 1\n---\nb: 2\n",  # two documents
    "a: 'unclosed\n",
    "a: b: c\n",
    "a:\n\t- x\n",
    "项目名称: 甲\n绩效指标:\n  - 一级指标: 产出指标\n    指标值: 12\n    指标值: 13\n",
]


def _nodes(node: Any) -> Any:
    if node is None:
        return None
    merged = [(_nodes(key), _nodes(value)) for key, value in getattr(node, "merge", None) or []]
    head = (
        type(node).__name__,
        node.tag,
        node.anchor,
        getattr(node, "style", None),
        getattr(node, "flow_style", None),
        merged,
        node.start_mark.index,
        node.start_mark.line,
        node.start_mark.column,
        node.end_mark.index,
        node.end_mark.line,
        node.end_mark.column,
    )
    if isinstance(node, MappingNode):
        return head, [(_nodes(key), _nodes(value)) for key, value in node.value]
    if isinstance(node, SequenceNode):
        return head, [_nodes(item) for item in node.value]
    assert isinstance(node, ScalarNode)
    return head, node.value


def _read(read: Any, text: str) -> Any:
    try:
        return read(text)
    except (YAMLError, TypeError, RecursionError) as exc:  # what load.parse turns into diagnostics
        return type(exc).__name__, str(exc)


def _ours(text: str) -> Any:
    nodes = compose(text)
    data = construct(nodes) if nodes is not None else None
    return _nodes(nodes), typed(data)  # after constructing: ruamel moves "<<" merge keys out of the tree


def _ruamels(text: str) -> Any:
    nodes = TABLE_YAML.compose(text)
    data = TableConstructor(loader=TABLE_YAML).construct_document(nodes) if nodes is not None else None
    return _nodes(nodes), typed(data)


def assert_same(text: str) -> None:
    try:
        if screen(text, "") is not None:
            return
    except YAMLError:
        return
    assert _read(_ours, text) == _read(_ruamels, text), text


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_data_files_read_the_same(path: Path) -> None:
    assert_same(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", UNUSUAL)
def test_unusual_documents_read_the_same(text: str) -> None:
    assert_same(text)


def test_plain_numbers_keep_their_types() -> None:
    nodes = compose("a: 1\nb: 1.50\nc: -7\nd: true\ne: '1'\nf: 0x10\n")
    assert typed(construct(nodes)) == typed({"a": 1, "b": Decimal("1.50"), "c": -7, "d": True, "e": "1", "f": 16})


def test_edited_sample_files_read_the_same() -> None:
    """Sample files cut, and spliced with the fragments above, at random places (seeded)."""
    rng = random.Random(20260101)
    texts = [p.read_text(encoding="utf-8") for p in FILES]
    pieces = [*UNUSUAL, ": ", "- ", "\n", "  ", "'", '"', "[", "{", "}", "#", "<<: ", "? ", "1: "]
    for _ in range(300):
        text = rng.choice(texts)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(pieces) + text[at + rng.randint(0, 12) :]
        assert_same(text)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
        max_leaves=12,
    )
)
def test_any_plain_structure_reads_the_same(value: Any) -> None:
    import io

    from ruamel.yaml import YAML

    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(value, out)
    assert_same(out.getvalue())
