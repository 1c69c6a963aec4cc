"""Inputs the fuzzers found, kept so they stay fixed."""

from __future__ import annotations

from pathlib import Path

from generator import schemas
from generator.diagnostics import Diagnostic
from generator.load import Document, parse


def test_unhashable_key_is_a_diagnostic() -> None:
    result = parse("? - -", Path("地区.yaml"))
    assert isinstance(result, Diagnostic)
    assert result.code == "Y004"
    assert "字段名只能是文字" in result.message


def test_non_text_keys_are_schema_errors_not_crashes() -> None:
    result = parse("? [a]\n: 1\n", Path("地区.yaml"))
    assert isinstance(result, Document)
    found = schemas.validate(result)
    assert found and {d.code for d in found} <= {"S001", "S002"}
    assert all(d.line >= 1 and d.column >= 1 for d in found)
