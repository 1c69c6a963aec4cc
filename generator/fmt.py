"""``jixiao fmt``: the canonical layout of a data file, comments and key order kept.

What changes: indentation (two spaces, list items indented under their key), quoting (only where
YAML needs it), the editor line ``# yaml-language-server: $schema=…`` at the top, the aliases of
indicator names and operators (``>=`` → ``≥``, ``满意度`` → ``满意度指标``), full-width digits
in numbers, white space around text, and codes written as numbers (``763001`` → ``"763001"``).
Nothing else: values are never guessed. Files are written atomically (generator.atomic), and only
when they change.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.representer import RoundTripRepresenter

from generator import schemas
from generator.atomic import write_atomic
from generator.diagnostics import Diagnostic
from generator.load import Document, display_path, load, translate_yaml_error
from generator.normalize import as_number, canonical_enum_value, halfwidth
from generator.schemas import SCHEMA_LINE_PREFIX, schema_line

CODE_KEYS = ("行政区划代码", "单位编码", "项目编码")
# Keys whose value is a number: "１０" or "22.95" written as text becomes a number.
NUMERIC_KEYS = frozenset({
    "项目金额", "资金总额", "一般公共预算", "政府性基金", "财政专户管理资金", "其他资金", "基本支出",
    "项目支出", "财政资金", "上级资金", "预算", "权重", "满意度下限",
})


class ExactNumber(float):
    """A number that is written back exactly as it was read (never re-rounded through a float)."""

    text: str

    def __new__(cls, text: str) -> ExactNumber:
        number = super().__new__(cls, float(text))
        number.text = text
        return number


class _Constructor(RoundTripConstructor):
    def construct_exact(self, node: Any) -> ExactNumber:
        return ExactNumber(str(self.construct_scalar(node)))

    def construct_int_or_text(self, node: Any) -> Any:
        """As load.py: what the integer pattern admits but is no number (``-_``, ``0x_``) is text (then quoted)."""
        try:
            return super().construct_yaml_int(node)
        except (ValueError, IndexError):
            return str(self.construct_scalar(node))


class _Representer(RoundTripRepresenter):
    def represent_exact(self, data: ExactNumber) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:float", data.text)


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_exact)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_int_or_text)
_Representer.add_representer(ExactNumber, _Representer.represent_exact)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Representer = _Representer
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 1_000_000  # never fold long Chinese text
    yaml.allow_unicode = True
    return yaml


def _enum_options() -> dict[str, list[Any]]:
    defs = schemas.common_defs()
    return {
        "一级指标": defs["一级指标"]["enum"],
        "二级指标": defs["二级指标"]["enum"],
        "指标值类型": defs["指标值类型"]["enum"],
    }


def _number(text: str) -> int | ExactNumber | None:
    number = as_number(text)
    if number is None:
        return None
    if number == number.to_integral_value() and "." not in str(number):
        return int(number)
    return ExactNumber(str(number))


def _normalise_indicator(row: CommentedMap, options: dict[str, list[Any]]) -> None:
    for key, allowed in options.items():
        fixed = canonical_enum_value(row.get(key), allowed)
        if fixed is not None:
            row[key] = fixed
    value = row.get("指标值")
    if row.get("指标值类型") not in (None, "定性") and isinstance(value, str):
        number = _number(value)
        if number is not None:
            row["指标值"] = number


def _normalise(node: Any, options: dict[str, list[Any]]) -> Any:
    """Normalise in place, returning the (possibly replaced) node."""
    if isinstance(node, CommentedMap):
        for key in list(node):
            node[key] = _normalise(node[key], options)
            if key in NUMERIC_KEYS and isinstance(node[key], str) and _number(node[key]) is not None:
                node[key] = _number(node[key])
            if key in CODE_KEYS and isinstance(node[key], int) and not isinstance(node[key], bool):
                node[key] = str(node[key])
        if "一级指标" in node and "二级指标" in node:
            _normalise_indicator(node, options)
        return node
    if isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _normalise(item, options)
        return node
    if isinstance(node, str):
        cleaned = halfwidth_digits(node.strip())
        return cleaned if cleaned != node else node
    return node


class CannotFormat(Exception):
    """The round-trip parser refuses a file the fast loader accepted (libyaml is more lenient)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def format_text(text: str, path: Path) -> str:
    """The canonical form of ``text`` (already known to load); CannotFormat if it cannot be."""
    yaml = _yaml()
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:
        raise CannotFormat(translate_yaml_error(exc, text, display_path(path))) from exc
    data = _normalise(data, _enum_options())
    out = io.StringIO()
    yaml.dump(data, out)
    body = out.getvalue()
    lines = body.split("\n")
    if lines and lines[0].startswith(SCHEMA_LINE_PREFIX):
        lines = lines[1:]
    wanted = schema_line(path)
    if wanted is None and text.lstrip("\ufeff").startswith(SCHEMA_LINE_PREFIX):
        wanted = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    result = "\n".join(lines)
    if wanted:
        result = wanted + "\n" + result
    return result


def halfwidth_digits(text: str) -> str:
    """Full-width digits are never meant in table data; other full-width text is kept."""
    return "".join(halfwidth(c) if "０" <= c <= "９" else c for c in text)


@dataclass
class FormatResult:
    path: Path
    changed: bool
    problem: Diagnostic | None = None


def format_file(path: Path, check_only: bool) -> FormatResult:
    loaded = load(path)
    if isinstance(loaded, Diagnostic):
        return FormatResult(path, False, loaded)
    assert isinstance(loaded, Document)
    try:
        new = format_text(loaded.text, path)
    except CannotFormat as exc:
        return FormatResult(path, False, exc.diagnostic)
    if new == loaded.text:
        return FormatResult(path, False)
    if not check_only:
        write_atomic(path, new)
    return FormatResult(path, True)
