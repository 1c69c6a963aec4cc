"""The schema files: valid 2020-12 schemas, documented in Chinese, and read alike by a third party."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from jsonschema import Draft202012Validator

from generator.data import bounds, schemas
from generator.data.load import kind_of, load

SCHEMA_FILES = sorted((ROOT / "schema").glob("*.schema.json"))
CJK = range(0x4E00, 0xA000)


def has_chinese(text: str) -> bool:
    return any(ord(c) in CJK for c in text)


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{where}/{name}", sub
        for key, sub in node.items():
            yield from properties(sub, f"{where}/{key}")
    elif isinstance(node, list):
        for i, sub in enumerate(node):
            yield from properties(sub, f"{where}/{i}")


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_schema_is_valid_against_the_metaschema(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path", SCHEMA_FILES, ids=lambda p: p.name)
def test_every_property_has_a_chinese_title_and_description(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    for where, prop in properties(schema):
        if "$ref" in prop and set(prop) == {"$ref"}:
            continue  # documented at the target
        assert has_chinese(prop.get("title", "")), f"{path.name}{where}: no Chinese title"
        assert has_chinese(prop.get("description", "")), f"{path.name}{where}: no Chinese description"
    for name, definition in schema.get("$defs", {}).items():
        assert has_chinese(definition.get("description", "")), f"{path.name} $defs/{name}: no description"


def check_jsonschema(kind: str, files: list[Path]) -> dict[Path, bool]:
    """Run the third-party validator once over the files; True where it accepts a file."""
    schema = ROOT / "schema" / schemas.SCHEMA_FILES[kind]
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "-o", "json", "--schemafile", str(schema), *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(result.stdout)
    rejected = {Path(e["filename"]) for e in report.get("errors", []) + report.get("parse_errors", [])}
    return {file: file not in rejected for file in files}


def ours(files: list[Path]) -> dict[Path, bool]:
    verdict = {}
    for file in files:
        doc = load(file)
        verdict[file] = not hasattr(doc, "code") and not schemas.validate(doc)  # type: ignore[arg-type]
    return verdict


MUTATIONS = [
    ("项目金额: ", "项目金额: -"),
    ("指标值类型: ≥", "指标值类型: >="),
    ("一级指标: 满意度指标", "一级指标: 满意度"),
    ("项目名称:", "项目名:"),
    ("度量单位:", "度量单位: 1\n    备注: 2\n    权重: 120\n    x:"),
    ("实施期:", "资金支出计划: {13月底: 10}\n实施期:"),
]


def test_check_jsonschema_accepts_exactly_what_we_accept(tmp_path: Path) -> None:
    files = sorted(DATA.rglob("*.yaml"))
    mutated: list[Path] = []
    project = next(
        f for f in files if kind_of(f) == "project" and all(old in f.read_text(encoding="utf-8") for old, _ in MUTATIONS)
    )
    text = project.read_text(encoding="utf-8")
    for i, (old, new) in enumerate(MUTATIONS):
        assert old in text
        target = tmp_path / f"变体{i}.yaml"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        mutated.append(target)
    for kind in ("region", "unit", "project"):
        chosen = [f for f in files + mutated if kind_of(f) == kind]
        theirs = check_jsonschema(kind, chosen)
        assert ours(chosen) == theirs
    assert not any(ours(mutated).values()), "every mutation must be rejected"
    assert all(ours(files).values()), "the sample data must be structurally valid"


def test_fast_and_reference_validators_agree(tmp_path: Path) -> None:
    """The compiled fast path must say "valid" exactly when python-jsonschema finds nothing."""
    files = sorted(DATA.rglob("*.yaml")) + sorted((ROOT / "tests" / "examples").rglob("*.yaml"))
    text = next(f for f in files if "≥" in f.read_text(encoding="utf-8")).read_text(encoding="utf-8")
    for i, (old, new) in enumerate(MUTATIONS):
        target = tmp_path / f"变体{i}.yaml"
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
        files.append(target)
    compared = 0
    for file in files:
        doc = load(file)
        if hasattr(doc, "code"):
            continue
        reference = not list(schemas.validator(doc.kind).iter_errors(doc.data))  # type: ignore[union-attr]
        assert schemas._surely_valid(doc.kind, doc.data) == reference, file  # type: ignore[union-attr]
        compared += 1
    assert compared > 40


def test_every_schema_states_the_declared_bounds() -> None:
    """The bounds are declared in generator/data/bounds.py; editors show them from each file's schema description,
    and docs/字段说明.md is generated from it."""
    said = (
        f"小于 1 万亿（10^{bounds.MAX_MAGNITUDE_DIGITS}）",
        f"小数点后最多 {bounds.MAX_PLACES} 位",
        f"有效数字最多 {bounds.MAX_SIGNIFICANT} 位",
        f"最多 {bounds.MAX_TEXT} 个字符",
    )
    for kind in ("region", "unit", "project"):
        description = schemas.load_schema(kind)["description"]
        assert all(part in description for part in said), (kind, description)
    assert bounds.MAX_MAGNITUDE == 10**12, "the descriptions say 1 万亿"
