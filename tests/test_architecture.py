"""The package's shape, as docs/架构.md describes it: no import cycles, no private name used outside its module.

The import graph counts every import of a generator module, at the top of a module or inside a function
(an import moved into a function to dodge a cycle is still a cycle).
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT

PACKAGE = ROOT / "generator"


def modules() -> dict[str, Path]:
    """Every module of the package by its dotted name (a package by its own name, for its __init__)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def imported(tree: ast.AST, here: str, known: dict[str, Path]) -> Iterator[tuple[str, str | None, int]]:
    """(module, name or None, line) for every import of a generator module in ``tree``."""
    package = here if known[here].name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("generator"):
                    yield alias.name, None, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            if not base.startswith("generator"):
                continue
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:  # "from generator.site import engine" imports a module
                    yield submodule, None, node.lineno
                else:
                    yield base, alias.name, node.lineno


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for target, _, _ in imported(ast.parse(path.read_text(encoding="utf-8")), name, known):
            if target in known and target != name:
                edges[name].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_the_import_graph_has_no_cycle() -> None:
    edges = graph()
    assert sum(len(targets) for targets in edges.values()) > 100  # the walk sees the imports
    assert cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def private_uses() -> list[str]:
    """Private names (one leading underscore) of a generator module used in another module."""
    known = modules()
    found = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases: dict[str, str] = {}
        for target, imported_name, line in imported(tree, name, known):
            if imported_name and imported_name.startswith("_") and not imported_name.startswith("__"):
                found.append(f"{path.relative_to(ROOT)}:{line}: {target}.{imported_name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
                for alias in node.names:
                    if f"{node.module}.{alias.name}" in known:
                        aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name in known and alias.asname:
                        aliases[alias.asname] = alias.name
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in aliases
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
                and aliases[node.value.id] != name
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return found


def test_no_private_name_is_used_outside_its_module() -> None:
    assert private_uses() == []


def test_the_architecture_page_names_only_what_exists() -> None:
    """Every package and module docs/架构.md names exists, and every package of generator/ is on the page."""
    page = (ROOT / "docs" / "架构.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(generator/[\w/]+(?:\.py)?/?)`", page))
    assert len(named) > 10
    assert sorted(n for n in named if not (ROOT / n).exists()) == []
    for row in re.findall(r"^\| `generator/(\w+)/` \|(.*)$", page, re.M):  # the modules a package's row names
        package, text = row
        missing = [m for m in re.findall(r"`([\w/]+\.py)`", text) if not (PACKAGE / package / m).exists()]
        assert missing == [], (package, missing)
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert sorted(p for p in packages if f"`generator/{p}/`" not in page) == []


# What differs by region lives in the layout folders (generator/data/regional.py, docs/官方表格版式.md): a
# province's name is never logic in Python, in any module of the package, user text included (the
# importer recognises forms by the layouts' declarations, the entry template is the one the layout names).
PROVINCES = (
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "云南",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
)


def region_names_in_code() -> list[str]:
    """String constants (docstrings aside) of generator/ that hold a province's name."""
    found = []
    for path in modules().values():
        shown = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and any(province in node.value for province in PROVINCES)
            ):
                found.append(f"{shown}:{node.lineno}: {node.value[:30]}")
    return found


def test_no_region_name_is_logic_in_python() -> None:
    assert region_names_in_code() == []


def test_the_region_name_finder_finds_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = tmp_path / "generator" / "probe.py"
    module.parent.mkdir()
    module.write_text('"""Docstrings may say 湖南."""\nLAYOUT_REQUIRED = {"湖南": ("项目类别",)}\n', encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", tmp_path / "generator")
    assert region_names_in_code() == ["generator/probe.py:2: 湖南"]
