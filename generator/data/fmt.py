"""``jixiao fmt``: the canonical layout of a data file, comments and key order kept.

What changes: indentation (two spaces, list items indented under their key), quoting (only where
YAML needs it), line endings (``\n``), the editor line ``# yaml-language-server: $schema=…`` at the
top (where a schema/ folder is found above the file; a line naming a schema file that is not there is
removed: the editor would flag every such file), the aliases of indicator names and operators
(``>=`` → ``≥``, ``满意度`` → ``满意度指标``),
full-width digits and ％ in text, white space around text, numbers written as text where a number belongs
(``项目金额: '１０'`` → ``10``; only within the bounds of generator.data.bounds), and codes written as
numbers (``单位编码: 007630`` → ``'007630'``, exactly as written). Numbers are written back exactly as
they were written. Tabs and YAML 1.1 line breaks the loader reads but the round-trip parser refuses
(``项目金额:<Tab>10``) become spaces and line breaks, or the text holding them is quoted
(``mend_separators``), so that fmt accepts every file ``jixiao check`` reads. Nothing else: values are
never guessed.

Safety net: the formatted text is read back with the loader every command uses (generator.data.load) and
compared with the file as it was (``meaning_changed``). The round-trip parser that keeps comments is
not the loader, and where the two read a rare spelling differently, fmt leaves the file alone and
says where (Y014) rather than change its data. Files are written atomically (generator.atomic), and
only when they change.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.atomic import write_atomic
from generator.data import fields as F
from generator.data import schemas
from generator.data.bounds import OutOfRange, is_number_text, within
from generator.data.load import Document, display_path, load, parse, translate_yaml_error
from generator.data.normalize import as_number, canonical_enum_value, halfwidth
from generator.data.parser import compose
from generator.data.schemas import SCHEMA_LINE_PREFIX, dangling_target, schema_line
from generator.diagnostics import Diagnostic, FieldPath, format_field, make

CODE_KEYS = (F.REGION_CODE, F.UNIT_CODE, F.PROJECT_CODE)
# Keys whose value is a number: "１０" or "22.95" written as text becomes a number.
NUMERIC_KEYS = frozenset(
    {
        F.AMOUNT,
        F.BUDGET_TOTAL,
        F.GENERAL_BUDGET,
        F.FUND_BUDGET,
        F.SPECIAL_ACCOUNT,
        F.OTHER_FUNDS,
        F.BASIC_SPENDING,
        F.PROJECT_SPENDING,
        F.FINANCE_FUNDS,
        F.SUPERIOR_FUNDS,
        F.TASK_BUDGET,
        F.WEIGHT,
        F.SATISFACTION_FLOOR,
    }
)


class ExactNumber(float):
    """A number that is written back exactly as it was read (never re-rounded through a float).

    The float is only a stand-in: ``.nan``, ``.inf`` and 1e999999 are written back as they were too.
    """

    text: str

    def __new__(cls, text: str) -> ExactNumber:
        try:
            value = float(text)
        except ValueError:  # .nan, .inf, .NaN: YAML spellings float() does not read
            value = float("nan")
        number = super().__new__(cls, value)
        number.text = text
        return number


class WrittenInt(int):
    """An integer written back exactly as it was written: ``007630``, ``0x1F``, ``+5`` and an integer of
    more digits than int() reads (its value then stands in as 0; the loader keeps it as text)."""

    text: str

    def __new__(cls, value: int, text: str) -> WrittenInt:
        number = super().__new__(cls, value)
        number.text = text
        return number


class _Constructor(RoundTripConstructor):
    def construct_exact(self, node: Any) -> ExactNumber:
        return ExactNumber(str(self.construct_scalar(node)))

    def construct_int_or_text(self, node: Any) -> Any:
        """As load.py: what the integer pattern admits but is no number (``-_``, ``0x_``) is text (then quoted)."""
        text = str(self.construct_scalar(node))
        try:
            return WrittenInt(int(super().construct_yaml_int(node)), text)
        except (ValueError, IndexError):
            return WrittenInt(0, text) if is_number_text(text) else text


class _Representer(RoundTripRepresenter):
    def represent_exact(self, data: ExactNumber) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:float", data.text)

    def represent_written_int(self, data: WrittenInt) -> Any:
        return self.represent_scalar("tag:yaml.org,2002:int", data.text)


_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_exact)
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_int_or_text)
_Representer.add_representer(ExactNumber, _Representer.represent_exact)
_Representer.add_representer(WrittenInt, _Representer.represent_written_int)


def round_trip_yaml() -> YAML:
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
        F.LEVEL1: defs[F.LEVEL1]["enum"],
        F.LEVEL2: defs[F.LEVEL2]["enum"],
        F.OPERATOR: defs[F.OPERATOR]["enum"],
    }


def _number(text: str) -> int | ExactNumber | None:
    """The number a text stands for where a number belongs; None when it is none, or one beyond the
    bounds (generator.data.bounds: the loader would keep it as text, so it stays text)."""
    number = as_number(text)
    if number is None or not within(number):
        return None
    if number == number.to_integral_value() and "." not in str(number):
        return int(number)
    return ExactNumber(str(number))


def _normalise_indicator(row: CommentedMap, options: dict[str, list[Any]]) -> None:
    for key, allowed in options.items():
        fixed = canonical_enum_value(row.get(key), allowed)
        if fixed is not None:
            row[key] = fixed
    value = row.get(F.VALUE)
    if row.get(F.OPERATOR) not in (None, "定性") and isinstance(value, str):
        number = _number(value)
        if number is not None:
            row[F.VALUE] = number


def _normalise(node: Any, options: dict[str, list[Any]]) -> Any:
    """Normalise in place, returning the (possibly replaced) node."""
    if isinstance(node, CommentedMap):
        for key in list(node):
            node[key] = _normalise(node[key], options)
            if key in NUMERIC_KEYS and isinstance(node[key], str) and _number(node[key]) is not None:
                node[key] = _number(node[key])
            if key in CODE_KEYS and isinstance(node[key], int) and not isinstance(node[key], bool):
                # As written: 007630 is the code "007630", never "7630"; 0x1F is "0x1F", never "31".
                node[key] = node[key].text if isinstance(node[key], WrittenInt) else str(node[key])
        if F.LEVEL1 in node and F.LEVEL2 in node:
            _normalise_indicator(node, options)
        return node
    if isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            node[i] = _normalise(item, options)
        return node
    if isinstance(node, str):
        cleaned = halfwidth_figures(node.strip())
        if _YAML11_BREAKS.intersection(cleaned):
            return DoubleQuotedScalarString(cleaned)  # escaped (\N, \L, \P): libyaml reads them raw as line breaks
        return cleaned if cleaned != node else node
    return node


_YAML11_BREAKS = frozenset("\x85\u2028\u2029")


class CannotFormat(Exception):
    """fmt leaves the file alone: the round-trip parser refuses a file the fast loader accepted (libyaml
    is more lenient), or the formatted text would read as other data (Y014)."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def format_text(text: str, path: Path, before: Document | None = None) -> str:
    """The canonical form of ``text``; CannotFormat if it cannot be, or if the canonical form would read
    as other data than ``text`` does. ``before``: the loader's reading of ``text``, when at hand."""
    result = _format_once(text, path)
    for _ in range(SETTLE):  # the canonical form of the canonical form is itself
        again = _format_once(result, path) if result != text else result
        if again == result:
            break
        result = again
    _keeps_meaning(text, result, path, before)
    return result


# ruamel places an end-of-line comment after a null list item ("- ~  # 注释") differently the second
# time; a second pass settles it. Files already canonical take one pass.
SETTLE = 2


_YAML_DIRECTIVE = re.compile(r"\A(\ufeff?(?:[ \t]*(?:#[^\n]*)?\n)*)%YAML\b[^\n]*\n")
_BARE_START = re.compile(r"\A(\ufeff?(?:[ \t]*(?:#[^\n]*)?\n)*)---[ \t]*(?:#[^\n]*)?\n")


def _format_once(text: str, path: Path) -> str:
    # YAML reads CR, LF and CRLF alike as line breaks, in text too. The round-trip parser kept a lone
    # CR inside a comment, and the line after the comment was lost: it meets LF only.
    source = text.replace("\r\n", "\n").replace("\r", "\n")
    source = mend_separators(source)
    # The loader reads every file as YAML 1.2 whatever a %YAML directive says; the round-trip parser would
    # obey "%YAML 1.1" (0o17 a text, yes a truth value) and write values whose meaning then changes.
    source = _YAML_DIRECTIVE.sub(r"\1", source, count=1)
    # A bare "---" starting the one document says nothing, and the round-trip parser drops the comments above it.
    source = _BARE_START.sub(r"\1", source, count=1)
    yaml = round_trip_yaml()
    try:
        data = yaml.load(source)
    except MarkedYAMLError as exc:
        raise CannotFormat(translate_yaml_error(exc, source, display_path(path))) from exc
    data = _normalise(data, _enum_options())
    out = io.StringIO()
    yaml.dump(data, out)
    body = out.getvalue()
    lines = body.split("\n")
    if lines and lines[0].startswith(SCHEMA_LINE_PREFIX):
        lines = lines[1:]
    wanted = schema_line(path)
    first = source.lstrip("\ufeff").split("\n", 1)[0]
    if wanted is None and first.startswith(SCHEMA_LINE_PREFIX) and dangling_target(first, path.absolute().parent) is None:
        wanted = first  # a line of the editor's own choosing (a web address, a schema elsewhere): kept
    result = "\n".join(lines)
    if wanted:
        result = wanted + "\n" + result
    return result


# Characters the loader (libyaml) reads between tokens but the round-trip parser refuses there: what each
# becomes outside a text. libyaml reads NEL, LS and PS as line breaks (YAML 1.1) and skips a stray BOM.
BETWEEN_TOKENS = {"\t": " ", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\ufeff": ""}
LINE_BREAKS = frozenset("\x85\u2028\u2029")
_ESCAPES = {"\x85": "\\N", "\u2028": "\\L", "\u2029": "\\P", "\ufeff": "\\uFEFF"}


def mend_separators(text: str) -> str:
    """``text`` without what the loader reads but the round-trip parser refuses (ruamel's pure-Python
    scanner takes no tab between tokens, nor inside a plain text): a tab that only separates (after a
    colon, before a comment, at the end of a line) becomes a space; a plain text holding a tab is
    written in double quotes, its tab as ``\\t`` (likewise NEL, LS, PS and a stray BOM). Quoted texts,
    block texts and comments are left alone, and so is a file the loader refuses (its error is the one
    reported)."""
    if not any(c in text for c in BETWEEN_TOKENS):
        return text
    try:
        root = compose(text)
    except YAMLError:
        return text
    plain: list[tuple[int, int, str]] = []
    kept: list[tuple[int, int]] = []
    for node in _scalars(root):
        span = (node.start_mark.index, node.end_mark.index)
        if node.style in (None, ""):
            plain.append((*span, node.value))
        else:
            kept.append(span)
    quoted: dict[int, tuple[int, str]] = {}
    chars = list(text)
    for index in (i for i, c in enumerate(text) if c in BETWEEN_TOKENS):
        inside = next((p for p in plain if p[0] <= index < p[1]), None)
        if inside is not None:
            quoted[inside[0]] = (inside[1], inside[2])
        elif not any(start <= index < end for start, end in kept) and (
            text[index] in LINE_BREAKS or not _in_comment(text, index, plain + kept)
        ):
            chars[index] = BETWEEN_TOKENS[text[index]]  # libyaml ends a comment at a line break of YAML 1.1
    for start, (end, value) in sorted(quoted.items(), reverse=True):
        written = json.dumps(value, ensure_ascii=False)
        chars[start:end] = "".join(_ESCAPES.get(c, c) for c in written)
    return "".join(chars)


def _scalars(node: Any) -> Iterator[ScalarNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            yield current
        elif isinstance(current, MappingNode):
            stack.extend(item for pair in current.value for item in pair)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


def _in_comment(text: str, index: int, scalars: list[tuple[Any, ...]]) -> bool:
    """Whether ``index`` follows a ``#`` that starts a comment on its line (one outside every scalar)."""
    line_start = text.rfind("\n", 0, index) + 1
    for at in range(line_start, index):
        if text[at] == "#" and (at == line_start or text[at - 1] in " \t") and not any(s[0] <= at < s[1] for s in scalars):
            return True
    return False


def _keeps_meaning(text: str, result: str, path: Path, before: Document | None) -> None:
    """CannotFormat (Y014) unless ``result`` reads as ``text`` does, but for fmt's normalisations."""
    shown = display_path(path)
    if before is None:
        loaded = parse(text, path, shown)
        if isinstance(loaded, Diagnostic):
            raise CannotFormat(loaded)
        before = loaded
    after = parse(result, path, shown)
    if isinstance(after, Diagnostic):
        raise CannotFormat(make("Y014", shown, after.line, after.column, detail=f"整理后的文件无法读取：{after.message}"))
    changed = meaning_changed(before.data, after.data)
    if changed is not None:
        field_path, old, new = changed
        detail = f"“{format_field(field_path) or '整个文件'}”原为{_described(old)}，整理后会是{_described(new)}"
        raise CannotFormat(before.diagnostic("Y014", field_path, detail=detail))


ROW_ENUMS = (F.LEVEL1, F.LEVEL2, F.OPERATOR)


def meaning_changed(before: Any, after: Any, path: FieldPath = ()) -> tuple[FieldPath, Any, Any] | None:
    """Where two readings of a file (generator.data.load's data, before and after fmt) differ other than by
    fmt's documented normalisations: (field path, value before, value after); None where they do not.

    Allowed, and nothing else: text trimmed and its full-width digits and ％ made ordinary; in an indicator row
    (a table with 一级指标 and 二级指标), an alias of 一级指标, 二级指标 or 指标值类型 replaced by the
    option it stands for, and a quantitative 指标值 written as text made that number; under NUMERIC_KEYS,
    a number written as text made that number (within the bounds); under CODE_KEYS, a number made the
    text it was written as. Keys, their order, the length of lists and every type stay as they were.
    """
    if isinstance(before, dict) and isinstance(after, dict):
        if [(type(k), k) for k in before] != [(type(k), k) for k in after]:
            return path, before, after
        row = F.LEVEL1 in before and F.LEVEL2 in before
        for key, old in before.items():
            new = after[key]
            if isinstance(old, (dict, list)):
                found = meaning_changed(old, new, (*path, key))
                if found is not None:
                    return found
            elif not _allowed(key, old, new, after if row else None):
                return (*path, key), old, new
        return None
    if isinstance(before, list) and isinstance(after, list) and len(before) == len(after):
        for index, (old, new) in enumerate(zip(before, after, strict=True)):
            found = (
                meaning_changed(old, new, (*path, index))
                if isinstance(old, (dict, list))
                else None
                if _allowed(None, old, new, None)
                else ((*path, index), old, new)
            )
            if found is not None:
                return found
        return None
    return path, before, after


def _allowed(key: Any, old: Any, new: Any, row: dict[str, Any] | None) -> bool:
    """Whether fmt may turn the scalar ``old`` under ``key`` into ``new`` (``row``: the indicator row after)."""
    if _same(old, new):
        return True
    cleaned = halfwidth_figures(old.strip()) if type(old) is str else None
    if cleaned is not None and _same(cleaned, new):
        return True
    if cleaned is not None and row is not None and key in ROW_ENUMS:
        return bool(new == canonical_enum_value(cleaned, _enum_options()[key]))
    numeric = key in NUMERIC_KEYS or (key == F.VALUE and row is not None and row.get(F.OPERATOR) not in (None, "定性"))
    if cleaned is not None and numeric and isinstance(new, (int, Decimal)) and not isinstance(new, bool):
        number = _number(cleaned)
        return number is not None and _same(int(number) if isinstance(number, int) else Decimal(number.text), new)
    if key in CODE_KEYS and type(new) is str and (type(old) is int or isinstance(old, OutOfRange)):
        return _same(_read_plain(new), old)  # the code as it was written
    return False


def _same(a: Any, b: Any) -> bool:
    """Equal and of one type: 1, True, Decimal("1") and Decimal("1.0") all differ."""
    if type(a) is not type(b):
        return False
    return bool(a.as_tuple() == b.as_tuple() if isinstance(a, Decimal) else a == b)


def _read_plain(text: str) -> Any:
    """What the loader reads ``text`` as, written unquoted."""
    loaded = parse(f"x: {text}\n", Path("x.yaml"), "x.yaml")
    return loaded.data.get("x") if isinstance(loaded, Document) else None


def _described(value: Any) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否"
    if isinstance(value, (int, Decimal)):
        return f"数字 {value}"
    if isinstance(value, str):
        return f"文字“{value[:20]}”" + ("…" if len(value) > 20 else "")
    return "列表" if isinstance(value, list) else "“字段: 值”形式的表"


def halfwidth_digits(text: str) -> str:
    """Full-width digits are never meant in table data; other full-width text is kept."""
    return "".join(halfwidth(c) if "０" <= c <= "９" else c for c in text)


def halfwidth_figures(text: str) -> str:
    """``halfwidth_digits``, and the full-width ％ made %: neither is ever meant in table data (a 度量单位
    of ％ is V011), and neither changes what a text says."""
    return halfwidth_digits(text).replace("％", "%")


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
        new = format_text(loaded.text, path, loaded)
    except CannotFormat as exc:
        return FormatResult(path, False, exc.diagnostic)
    if new == loaded.text:
        return FormatResult(path, False)
    if not check_only:
        write_atomic(path, new)
    return FormatResult(path, True)
