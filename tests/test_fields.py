"""Field names are named once (generator/data/fields.py) and are exactly the data schemas' properties."""

from __future__ import annotations

import ast
import json
import re
from typing import Any

from conftest import ROOT

from generator.data import fields, schemas

DATA_SCHEMAS = ["region.schema.json", "unit.schema.json", "project.schema.json", "common.schema.json"]


def properties(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("properties", {}))
        for value in node.values():
            found |= properties(value)
    elif isinstance(node, list):
        for value in node:
            found |= properties(value)
    return found


def constants() -> dict[str, str]:
    return {name: value for name, value in vars(fields).items() if re.fullmatch(r"[A-Z][A-Z0-9_]*", name)}


def test_the_constants_are_exactly_the_schemas_properties() -> None:
    in_schema = set().union(
        *(properties(json.loads((ROOT / "schema" / name).read_text(encoding="utf-8"))) for name in DATA_SCHEMAS)
    )
    named = constants()
    assert set(named.values()) == in_schema
    assert len(set(named.values())) == len(named), "a field named twice"


def test_no_field_name_is_spelled_out_in_the_code() -> None:
    """Outside fields.py, a string that is exactly a field's name is written as its constant (the names of
    layout.yaml's own keys and the catalogue's texts are not fields)."""
    # also words of other files ("金额" is a 格式 of layout.yaml, "说明" a key of its 印刷.式样)
    names = set(constants().values()) - {"名称", "代码", "位置", "理由", "预算", "金额", "说明"}
    found = []
    for path in sorted((ROOT / "generator").rglob("*.py")):
        if path.name == "fields.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
        }
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names and id(node) not in docstrings:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value}")
    assert found == []


def test_keys_follow_the_schema_and_ordered_never_drops_one() -> None:
    assert schemas.keys("project")[:2] == (fields.PROJECT_NAME, fields.PROJECT_CODE)
    assert schemas.keys("unit", fields.DEPARTMENT_TABLE)[-1] == fields.INDICATORS
    assert fields.TASK_NAME in schemas.keys("unit", f"{fields.DEPARTMENT_TABLE}.{fields.TASKS}")
    data = {"未知字段": 1, fields.INDICATORS: [], fields.PROJECT_NAME: "甲"}
    assert list(schemas.ordered(data, "project")) == [fields.PROJECT_NAME, fields.INDICATORS, "未知字段"]
