"""JSON Schema validation, with every error translated into a Chinese diagnostic at its line.

The schema files in ``schema/`` are the single source of structure: the same files serve editors
(completion and hover help through the ``yaml-language-server`` line), third-party validators
such as check-jsonschema, and this module.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator, ValidationError

import os
import re

from generator.data import bounds
from generator.data import fields as F
from generator.data.load import Document, kind_of
from generator.diagnostics import Diagnostic, FieldPath, make

SCHEMA_FILES = {
    "region": "region.schema.json",
    "unit": "unit.schema.json",
    "project": "project.schema.json",
    "layout": "layout.schema.json",  # not data: an official layout (render/layout.py)
}

# Labels printed on the official forms, and common slips, mapped to the key that holds them.
KEY_ALIASES = {
    "年度本级预算金额": F.AMOUNT,
    "年度本级预算": F.AMOUNT,
    "预算金额": F.AMOUNT,
    "预算数": F.AMOUNT,
    "项目支出实施期": F.PERIOD,
    "绩效目标": F.GOALS,
    "年度绩效目标": F.GOALS,
    "绩效指标描述": F.NOTE,
    "指标值说明": F.NOTE,
    "指标解释": F.NOTE,
    "指标值确定依据": F.BASIS,
    "计算符号": F.OPERATOR,
    "单位": F.MEASURE,
    "计量单位": F.MEASURE,
    "部门名称": F.UNIT_NAME,
    "部门(单位名称)": F.UNIT_NAME,
}

_TYPE_NAMES = {
    "string": "文字",
    "number": "数字",
    "integer": "整数",
    "object": "“字段: 值”形式的表",
    "array": "列表（每项以“- ”开头）",
    "null": "空值",
    "boolean": "是/否",
}


SCHEMA_LINE_PREFIX = "# yaml-language-server: $schema="


def schema_line(path: Path) -> str | None:
    """The editor line for ``path``: a relative path to the nearest ``schema/`` folder above it."""
    return _schema_line_in(path.absolute().parent, kind_of(path))


def _schema_line_in(folder: Path, kind: str) -> str | None:
    name = SCHEMA_FILES[kind]
    for ancestor in [folder, *folder.parents]:
        if (ancestor / "schema" / name).is_file():
            return SCHEMA_LINE_PREFIX + Path(os.path.relpath(ancestor / "schema" / name, folder)).as_posix()
    return None


SchemaLines = dict[tuple[Path, str], "str | None"]


def schema_lines_of(unit_folder: Path, region_folder: Path) -> list[str | None]:
    """The schema lines a unit's files and its region's file should start with (P005): what a cached
    finding about them depends on besides their bytes, since schema/ may come, go or move."""
    return [
        _schema_line_in(unit_folder.absolute(), "project"),
        _schema_line_in(unit_folder.absolute(), "unit"),
        _schema_line_in(region_folder.absolute(), "region"),
    ]


def check_schema_line(doc: Document, known: SchemaLines | None = None) -> list[Diagnostic]:
    """P005: the first line should point editors at the schema (only where a schema/ is found).

    ``known`` keeps the lines found, by folder and kind, for checking many files of one folder: a
    unit's hundred projects look for schema/ once, not a hundred times.
    """
    place = (doc.path.absolute().parent, kind_of(doc.path))
    if known is None:
        wanted = _schema_line_in(*place)
    else:
        if place not in known:
            known[place] = _schema_line_in(*place)
        wanted = known[place]
    first = doc.text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    if wanted is None:
        target = dangling_target(first, place[0])
        return [] if target is None else [make("P008", doc.display, 1, 1, (), target=target)]
    if first == wanted:
        return []
    return [make("P005", doc.display, 1, 1, (), expected=wanted)]


def dangling_target(first_line: str, folder: Path) -> str | None:
    """The target of an editor line that names a file on disk that is not there (the editor would flag the
    file); None for another first line, a web address, or a file that exists."""
    if not first_line.startswith(SCHEMA_LINE_PREFIX):
        return None
    target = first_line.removeprefix(SCHEMA_LINE_PREFIX).strip()
    if not target or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target):  # https:, file: …: not ours to judge
        return None
    return None if (folder / target).exists() else target


def schema_dir() -> Path:
    """``schema/`` of this checkout, or the copy installed inside the package."""
    package = Path(__file__).resolve().parent.parent  # generator/
    checkout = package.parent / "schema"
    if (checkout / SCHEMA_FILES["project"]).is_file():
        return checkout
    # generator.schema has no __init__.py: resources.files() gives a MultiplexedPath whose str() is
    # not a path, so the installed copy (pre-commit's hook environment) is found beside this file.
    return package / "schema"


@cache
def schema_documents() -> dict[str, Any]:
    """Every schema file by name: the targets of ``$ref``."""
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(schema_dir().glob("*.schema.json"))}


def _inline(node: Any, base: str) -> Any:
    """The schema with every ``$ref`` replaced by its target (none are recursive); ``base`` is the file
    whose ``$defs`` a reference without a file name points into.

    Validation then never resolves a reference at run time, which halves its cost.
    """
    if isinstance(node, dict):
        if "$ref" in node:
            target = node["$ref"].partition("#")[0]
            resolved, base = _resolve(node, base), target or base
        else:
            resolved = node
        return {k: _inline(v, base) for k, v in resolved.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, base) for v in node]
    return node


@cache
def resolved(kind: str) -> dict[str, Any]:
    inlined: dict[str, Any] = _inline(schema_documents()[SCHEMA_FILES[kind]], SCHEMA_FILES[kind])
    return inlined


@cache
def validator(kind: str) -> Draft202012Validator:
    """The reference validator (python-jsonschema): it explains what is wrong, in detail."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(resolved(kind))


@cache
def _fast_validator(kind: str) -> Any:
    return jsonschema_rs.validator_for(resolved(kind))


def _surely_valid(kind: str, data: Any) -> bool:
    """The fast path: a compiled validator that only says yes or no.

    Most files are valid, and then the reference validator (and its import) is never needed.
    A "no", or data the fast validator cannot take (keys that are not text), goes to the
    reference validator, whose findings are the ones reported.
    """
    try:
        return bool(_fast_validator(kind).is_valid(data))
    except (ValueError, TypeError, OverflowError):
        return False


@cache
def keys(kind: str, at: str = "") -> tuple[str, ...]:
    """The keys a table of ``kind`` (region, unit, project) may hold at the dotted place ``at`` (the top, or
    e.g. "部门整体支出绩效目标表"; an item of a list at a list), in the schema's order: the order an editor
    reads them in, which importers and formatters keep."""
    node: Any = resolved(kind)
    for part in filter(None, at.split(".")):
        node = node.get("properties", {}).get(part, {})
        node = node.get("items", node) if node.get("type") == "array" else node
    return tuple(node.get("properties", {}))


def ordered(data: dict[str, Any], kind: str, at: str = "") -> dict[str, Any]:
    """``data`` with the keys the schema knows in its order, then any other key as it came: never one
    dropped (the check reports an unknown key, S002)."""
    known = keys(kind, at)
    return {**{k: data[k] for k in known if k in data}, **{k: v for k, v in data.items() if k not in known}}


def load_schema(kind: str) -> dict[str, Any]:
    contents: dict[str, Any] = schema_documents()[SCHEMA_FILES[kind]]
    return contents


def common_defs() -> dict[str, Any]:
    defs: dict[str, Any] = schema_documents()["common.schema.json"]["$defs"]
    return defs


def validate(doc: Document) -> list[Diagnostic]:
    """The schema's findings, and those of the declared bounds (generator.data.bounds): both say the file
    is not one the tool can take, and a file with either is never handed to the rules or renderers."""
    out = _bound_findings(doc)
    if _surely_valid(doc.kind, doc.data):
        return out
    checker = validator(doc.kind)
    for error in checker.iter_errors(doc.data):
        if not isinstance(error.instance, bounds.OutOfRange):  # its bounds finding says what is wrong
            out.extend(_translate(error, doc, checker))
    return list(dict.fromkeys(out))  # jsonschema raises one error per missing name, each listing all


def _resolve(schema: Any, base: str = "common.schema.json") -> dict[str, Any]:
    """Follow ``$ref`` so that titles and descriptions can be read from the target.

    A reference without a file name points into ``base``: the data schemas always name the file
    (references within ``common.schema.json`` are local to it); layout.schema.json refers to its own
    ``$defs``.
    """
    for _ in range(10):
        if not (isinstance(schema, dict) and "$ref" in schema):
            break
        target, _, pointer = schema["$ref"].partition("#")
        base = target or base
        node: Any = schema_documents()[base]
        for part in filter(None, pointer.split("/")):
            node = node[part]
        schema = {**node, **{k: v for k, v in schema.items() if k != "$ref"}}
    return schema if isinstance(schema, dict) else {}


def _name(path: FieldPath) -> str:
    for part in reversed(path):
        if isinstance(part, str):
            return part
    return "内容"


def _field_schema(error: ValidationError) -> dict[str, Any]:
    return _resolve(error.schema)


def _describe(schema: dict[str, Any]) -> str:
    return str(schema.get("description", "")) or "参照字段说明修改。"


def _actual(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{value[:20]}”"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "“字段: 值”形式的表"
    return type(value).__name__


def _expected(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    return "或".join(_TYPE_NAMES.get(t, t) for t in names)


def _translate(error: ValidationError, doc: Document, checker: Draft202012Validator) -> Iterator[Diagnostic]:
    path: FieldPath = tuple(error.absolute_path)
    kind = error.validator
    schema = _field_schema(error)
    if kind == "required":
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                prop = _resolve(schema.get("properties", {}).get(name, {}))
                yield doc.diagnostic("S001", path + (name,), name=name, description=_describe(prop))
    elif kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        for name in error.instance:
            if name not in allowed:
                yield doc.diagnostic("S002", path + (name,), at_key=True, name=name, suggestion=_suggest_key(str(name), allowed))
    elif kind == "dependentRequired":
        for given, needed in error.validator_value.items():
            if given in error.instance:
                for name in needed:
                    if name not in error.instance:
                        yield doc.diagnostic("S008", path + (given,), at_key=True, given=given, name=name)
    elif kind == "type":
        yield doc.diagnostic(
            "S003",
            path,
            name=_name(path),
            expected=_expected(error.validator_value),
            actual=_actual(error.instance),
            description=_describe(schema),
        )
    elif kind == "enum":
        yield doc.diagnostic(
            "S004", path, name=_name(path), value=error.instance, suggestion=_suggest_value(error.instance, error.validator_value)
        )
    elif kind == "pattern":
        if "propertyNames" in error.absolute_schema_path:
            yield doc.diagnostic(
                "S005", path + (error.instance,), at_key=True, name="字段名", value=error.instance, description=_describe(schema)
            )
        else:
            yield doc.diagnostic("S005", path, name=_name(path), value=error.instance, description=_describe(schema))
    elif kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        sign = {"minimum": "≥", "maximum": "≤", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}[kind]
        yield doc.diagnostic(
            "S006",
            path,
            name=_name(path),
            value=error.instance,
            bound=f"{sign} {error.validator_value}",
            description=_describe(schema),
        )
    elif kind in ("minLength", "minItems", "minProperties"):
        yield doc.diagnostic("S007", path, name=_name(path), description=_describe(schema))
    elif kind in ("anyOf", "oneOf"):
        yield from _translate_alternatives(error, doc, checker, path)
    else:
        yield doc.diagnostic("S009", path, detail=f"“{_name(path)}”不符合规定（{kind}）")


def _translate_alternatives(
    error: ValidationError, doc: Document, checker: Draft202012Validator, path: FieldPath
) -> Iterator[Diagnostic]:
    """Explain an ``anyOf``: a wrong type for every branch, or the branch of the right type."""
    specific = [e for e in error.context or [] if e.validator != "type"]
    if specific:
        seen: set[tuple[str, str]] = set()
        for sub in specific:
            for diag in _translate(sub, doc, checker):
                key = (diag.code, diag.field)
                if key not in seen:
                    seen.add(key)
                    yield diag
        return
    types: list[str] = []
    for sub in error.context or []:
        value = sub.validator_value
        types.extend([value] if isinstance(value, str) else value)
    schema = _field_schema(error)
    yield doc.diagnostic(
        "S003",
        path,
        name=_name(path),
        expected=_expected(dict.fromkeys(types)),
        actual=_actual(error.instance),
        description=_describe(schema),
    )


def _suggest_key(name: str, allowed: list[str]) -> str:
    import difflib  # here: only a finding needs it, and a one-file check is spared the import

    stripped = "".join(name.split())
    if stripped in KEY_ALIASES and KEY_ALIASES[stripped] in allowed:
        return f"原表中的“{name}”在这里写作“{KEY_ALIASES[stripped]}”。"
    close = difflib.get_close_matches(stripped, allowed, n=1, cutoff=0.5)
    if close:
        return f"是否应为“{close[0]}”？"
    return "这一层允许的字段：" + "、".join(allowed) + "。检查拼写和缩进。"


def _suggest_value(value: Any, options: list[Any]) -> str:
    import difflib  # here: only a finding needs it, and a one-file check is spared the import

    from generator.data.normalize import canonical_enum_value

    fixed = canonical_enum_value(value, options)
    listing = "、".join(str(o) for o in options)
    if fixed is not None:
        return f"应写作“{fixed}”，运行 jixiao fmt 可自动改正。可选：{listing}。"
    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1, cutoff=0.5)
    if close:
        return f"是否应为“{close[0]}”？可选：{listing}。"
    return f"可选：{listing}。"


def _bound_findings(doc: Document) -> list[Diagnostic]:
    """S010/S011 for every out-of-range number of ``doc``, S012 for every over-long text.

    Most documents are not walked: the loader knows it made no OutOfRange, and no text is longer than
    the file (the walk would cost check about as much as the schema's fast path).
    """
    long_text = len(doc.text) > bounds.MAX_TEXT
    if not long_text and not doc.out_of_range:
        return []
    found = []
    for path, value in _values(doc.data, ()):
        if isinstance(value, bounds.OutOfRange):
            code, params = bounds.problem(value)
            found.append(doc.diagnostic(code, path, False, name=_name(path), value=bounds.shown(value), **params))
        elif long_text and isinstance(value, str) and len(value) > bounds.MAX_TEXT:
            found.append(doc.diagnostic("S012", path, name=_name(path), length=len(value), limit=bounds.MAX_TEXT))
    return found


def _values(node: Any, path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _values(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _values(value, (*path, index))
    else:
        yield path, node
