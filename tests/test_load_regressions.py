"""Inputs the fuzzers found, kept so they stay fixed."""

from __future__ import annotations

from pathlib import Path

from generator.data import schemas
from generator.data.load import Document, parse
from generator.diagnostics import Diagnostic


def test_unhashable_key_is_a_diagnostic() -> None:
    result = parse("? - -", Path("地区.yaml"))
    assert isinstance(result, Diagnostic)
    assert result.code == "Y004"
    assert "字段名只能是文字" in result.message


def test_a_merge_key_with_text_is_explained() -> None:
    """ "<<" is YAML's merge key: written with text after it, the editor is told what it means."""
    for text in ("名称: 甲\n<<: 乙\n", "<<: [1]\n"):
        result = parse(text, Path("项目.yaml"))
        assert isinstance(result, Diagnostic) and result.code == "Y004", text
        assert "“<<”在 YAML 中表示" in result.message and result.line >= 1
    assert isinstance(parse('"<<": 乙\n', Path("项目.yaml")), Document)  # quoted, it is a key like any other


def test_non_text_keys_are_schema_errors_not_crashes() -> None:
    result = parse("? [a]\n: 1\n", Path("地区.yaml"))
    assert isinstance(result, Document)
    found = schemas.validate(result)
    assert found and {d.code for d in found} <= {"S001", "S002"}
    assert all(d.line >= 1 and d.column >= 1 for d in found)


def test_numbers_int_cannot_read_are_text_not_crashes() -> None:
    """The YAML integer pattern admits underscores only ("-_", "0x_"); hypothesis found that int() then raised."""
    for text in ("-_", "+_", "0x_", "0o_"):
        result = parse(f"度量单位: {text}\n", Path("项目.yaml"))
        assert isinstance(result, Document), text
        assert result.data == {"度量单位": text}
    result = parse("指标值: 1_000\n", Path("项目.yaml"))
    assert isinstance(result, Document) and result.data == {"指标值": 1000}


def test_fmt_quotes_such_text_instead_of_crashing() -> None:
    from generator.data.fmt import format_text

    text = "度量单位: -_\n指标值: 0x1F\n数量: 1_000\n"
    assert format_text(text, Path("项目.yaml")).splitlines()[-3:] == ["度量单位: '-_'", "指标值: 0x1F", "数量: 1_000"]
