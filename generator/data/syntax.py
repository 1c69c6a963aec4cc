"""Why a data file is not YAML, at the place to fix, in words that name the cause.

The parser reports where it gave up, which is often not where the mistake is: an unclosed ``'``
turns everything up to the next ``'`` (thirty lines on) into one text, and the parser stops there;
a full-width colon (``项目类别：特定目标类``) makes the line a text without a field, and the parser
stops on the next line. So before the parser's words are used, the usual causes are looked for in
the text above the place it stopped, and each suspect is tried: the file is parsed again with that
one mistake mended, and the suspect is named only when the parse then gets past the place it
stopped before. Nothing here runs unless a file has already failed, so it costs a valid file nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, SequenceNode

from generator.data.parser import compose
from generator.diagnostics import Diagnostic, make

FULL_COLON = "："
FULL_SPACE = "\u3000"
MAX_TRIES = 40  # suspects re-parsed at most: a file full of full-width colons still fails fast


@dataclass(frozen=True)
class Suspect:
    """A likely cause: its code and message parameters, where it is (0-based), and the text mended."""

    code: str
    line: int
    column: int
    mended: str
    params: tuple[tuple[str, object], ...] = ()


def diagnose(exc: MarkedYAMLError, text: str, shown: str) -> Diagnostic:
    """The diagnostic for a file the parser refused with ``exc``."""
    # An unclosed quote is noticed only at the end of the file; the opening quote is the place to fix.
    at_end = "end of stream" in str(exc.problem)
    mark = (exc.context_mark if at_end else None) or exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    message = f"{exc.context or ''} {exc.problem or ''}"
    if "duplicate key" in message:
        return _duplicate(exc, text, shown, line, column, message)
    if "expected a single document" in message:
        return make("Y012", shown, line, column)
    if "constructor for the tag" in message:
        tag = re.search(r"tag '(.*?)'", message)
        return make("Y007", shown, line, column, tag=tag.group(1) if tag else "!")
    if any(k in message for k in ("found undefined alias", "scanning an anchor", "scanning an alias")):
        return make("Y008", shown, line, column)
    lines = text.split("\n")
    if mark and 0 <= mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
        return make("Y005", shown, line, lines[mark.line].index("\t") + 1)
    stop = exc.problem_mark.line if exc.problem_mark is not None else len(lines)
    found = _confirmed(text, stop)
    if found is not None:
        return make(found.code, shown, found.line + 1, found.column + 1, (), **dict(found.params))
    return make("Y004", shown, line, column, problem=problem_text(message))


# --- duplicate keys -----------------------------------------------------------------------------


def _duplicate(exc: MarkedYAMLError, text: str, shown: str, line: int, column: int, message: str) -> Diagnostic:
    key = re.search(r'duplicate key "(.*?)"', message)
    name = key.group(1) if key else "?"
    first = _first_key_line(text, exc, name)
    return make("Y006", shown, line, column, key=name, first_line=first if first is not None else "?", second_line=line)


def _first_key_line(text: str, exc: MarkedYAMLError, name: str) -> int | None:
    """The line of the first ``name`` in the mapping the parser names (not the first ``name`` of the
    file: every indicator row has a 三级指标)."""
    where = exc.context_mark
    try:
        root = compose(text)  # composing succeeds: a repeated key is refused only when constructing
    except YAMLError:
        return None
    if where is None:
        return None
    for node in _mappings(root):
        if (node.start_mark.line, node.start_mark.column) == (where.line, where.column):
            for key, _ in node.value:
                if getattr(key, "value", None) == name:
                    return int(key.start_mark.line) + 1
    return None


def _mappings(node: Any) -> Iterator[MappingNode]:
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, MappingNode):
            yield current
            stack.extend(value for pair in current.value for value in pair)
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)


# --- suspects -------------------------------------------------------------------------------------


def _confirmed(text: str, stop: int) -> Suspect | None:
    """The first suspect above line ``stop`` (0-based) whose mending gets the parse past that line."""
    for tries, suspect in enumerate(_suspects(text, stop)):
        if tries >= MAX_TRIES:
            break
        if _gets_past(suspect.mended, stop):
            return suspect
    return None


def _gets_past(text: str, stop: int) -> bool:
    try:
        compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        return mark is not None and mark.line > stop
    except YAMLError:
        return False
    return True


def _suspects(text: str, stop: int) -> Iterator[Suspect]:
    lines = text.split("\n")
    yield from _open_quotes(lines, stop)
    for number in range(min(stop, len(lines) - 1), -1, -1):  # nearest the stop first
        yield from _full_width(lines, number)


def _replace_line(lines: list[str], number: int, new: str) -> str:
    return "\n".join([*lines[:number], new, *lines[number + 1 :]])


# Where a quoted text may begin: after the indentation, a list dash, a field's colon, or in a bracket.
_VALUE_START = re.compile(r"(?:^[ \t]*|(?:^|[ \t])-[ \t]+|:[ \t]+|[\[{,][ \t]*)$")


def _open_quotes(lines: list[str], stop: int) -> Iterator[Suspect]:
    """Quotes that open a text and do not close on their own line, in the order they come."""
    number = 0
    while number <= min(stop, len(lines) - 1):
        line = lines[number]
        column = 0
        while column < len(line):
            char = line[column]
            if char == "#" and (column == 0 or line[column - 1] in " \t"):
                break  # a comment: the rest of the line
            if char in "'\"" and _VALUE_START.search(line[:column]):
                end = _closing(line, column + 1, char)
                if end is None:
                    closes = _closing_line(lines, number + 1, char)
                    yield Suspect(
                        "Y015",
                        number,
                        column,
                        _replace_line(lines, number, line + char),
                        (("quote", char), ("extent", _extent(char, closes))),
                    )
                    number = closes if closes is not None else len(lines)
                    break
                column = end
            column += 1
        number += 1


def _closing(line: str, start: int, quote: str) -> int | None:
    """Where the quoted text that begins before ``start`` closes on this line, or None."""
    column = start
    while column < len(line):
        char = line[column]
        if quote == '"' and char == "\\":
            column += 2
            continue
        if char == quote:
            if quote == "'" and line[column + 1 : column + 2] == "'":  # '' is a quote inside the text
                column += 2
                continue
            return column
        column += 1
    return None


def _closing_line(lines: list[str], start: int, quote: str) -> int | None:
    for number in range(start, len(lines)):
        if _closing(lines[number], 0, quote) is not None:
            return number
    return None


def _extent(quote: str, closes: int | None) -> str:
    if closes is None:
        return f"直到文件末尾也没有另一个 {quote}"
    return f"从这里到第 {closes + 1} 行的下一个 {quote}，中间的内容都被读成了同一段文字"


_KEY_WITH_FULL_COLON = re.compile(r"^([ \t]*(?:- +)*)([^\s:#'\"][^:#]*?)[ \t]*：[ \t\u3000]*")
_COLON_FULL_SPACE = re.compile(r"^([ \t]*(?:- +)*[^\s#'\"][^:#]*?):(\u3000+)")
_INDENT_FULL_SPACE = re.compile(r"^([ \t]*)(\u3000+)")


def _full_width(lines: list[str], number: int) -> Iterator[Suspect]:
    """A full-width colon after a field name, a full-width space after a colon or in the indentation."""
    line = lines[number]
    if FULL_COLON not in line and FULL_SPACE not in line:
        return
    match = _KEY_WITH_FULL_COLON.match(line)
    if match and ": " not in line[: match.end()]:
        mended = match.group(1) + match.group(2) + ": " + line[match.end() :]
        column = line.index(FULL_COLON, match.end(2))
        yield Suspect(
            "Y016",
            number,
            column,
            _replace_line(lines, number, mended),
            (("what", f"字段名“{match.group(2)}”后面用了全角冒号“：”"), ("fix", "半角冒号和一个空格“: ”")),
        )
    match = _COLON_FULL_SPACE.match(line)
    if match:
        mended = line[: match.start(2)] + " " + line[match.end(2) :]
        yield Suspect(
            "Y016",
            number,
            match.start(2),
            _replace_line(lines, number, mended),
            (("what", "冒号后面用了全角空格"), ("fix", "半角空格")),
        )
    match = _INDENT_FULL_SPACE.match(line)
    if match:
        for width in (2, 1):  # a full-width space looks as wide as two spaces
            mended = match.group(1) + " " * (width * len(match.group(2))) + line[match.end() :]
            yield Suspect(
                "Y016",
                number,
                match.start(2),
                _replace_line(lines, number, mended),
                (("what", "缩进中用了全角空格"), ("fix", "半角空格")),
            )


# --- the parser's own words -----------------------------------------------------------------------

_PROBLEMS = [
    ("mapping values are not allowed", "这里不能出现“字段: 值”（冒号后的文字可能需要加引号，或缩进不对）"),
    ("could not find expected ':'", "缺少冒号“:”，或多行文字没有加引号"),
    ("did not find expected key", "缩进不对，或列表项缺少“- ”"),
    ("did not find expected '-'", "缩进不对，或列表项缺少“- ”"),
    ("expected <block end>", "缩进不对"),
    ("while scanning a quoted scalar", "引号没有成对"),
    ("while scanning a block scalar", "以 > 或 | 开头的值要加引号，如 '>='（比较符号也可直接写 ≥、≤）"),
    ("found unexpected end of stream", "文件意外结束（引号或括号没有成对）"),
    ("expected ',' or ']'", "方括号 [ ] 没有成对"),
    ("expected ',' or '}'", "花括号 { } 没有成对"),
    ("found character that cannot start any token", "有不能出现在这里的字符（如 @、`、%）；请给这段文字加引号"),
    ("found unknown escape character", "双引号中有无效的转义字符 \\；改用单引号"),
    ("while scanning a simple key", "缺少冒号“:”"),
    ("while parsing a block mapping", "缩进不对"),
    ("while parsing a block collection", "缩进不对"),
    ("for merging", '字段名“<<”在 YAML 中表示把另一段内容合并进来，后面只能是一段“字段: 值”；若是文字，请给它加上引号，如 "<<"'),
]


def problem_text(message: str) -> str:
    for needle, chinese in _PROBLEMS:
        if needle in message:
            return chinese
    return "无法解析这一处"
