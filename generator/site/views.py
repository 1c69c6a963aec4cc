"""What the pages show, as plain values: the model turned into texts, rows and links.

Nothing here is markup. The templates (autoescaped) decide how each value is written, so a text
from the data can only ever be shown as text. The indicator table is grouped like the official
form: a run of rows with the same 一级指标 (and, within it, the same 二级指标) shares one header
cell spanning those rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from generator.data import fields as F
from generator.data import schemas
from generator.data.model import Acknowledgement, Indicator
from generator.diagnostics.catalogue import CATALOGUE
from generator.render.cells import plain
from generator.render.compose import merge_spans

# Columns of the indicator table, in the order of the official forms; optional ones appear only
# when some row of the table fills them.
INDICATOR_COLUMNS = (F.LEVEL3, F.OPERATOR, F.VALUE, F.MEASURE)
OPTIONAL_COLUMNS = (
    (F.NOTE, "note"),
    (F.BASIS, "basis"),
    (F.WEIGHT, "weight"),
    (F.DIRECTION, "direction"),
    (F.REMARK, "remark"),
    (F.NATURE_OF_VALUE, "nature"),
    (F.MEDIUM_TERM_VALUE, "medium_value"),
    (F.SCORING, "scoring"),
)
PLACEHOLDER = "/"
# Fields shown elsewhere on a project page (or not at all: 序号 only orders the tables).
NOT_IN_HEADER = frozenset({F.INDICATORS, F.ACKNOWLEDGED, F.CORRECTIONS, F.ORDER, F.GOALS, F.PERIOD_GOALS})
_INDEXED = re.compile(r"^(?P<key>[^\[\]]+?)\[(?P<index>\d+)\](?:\.(?P<rest>.*))?$")


@dataclass(frozen=True)
class Link:
    text: str
    href: str
    download: bool = False  # a file to save (Word, Excel, data), not a page to open


@dataclass(frozen=True)
class Field:
    """One line of a page's header table: a label, its value (one or more lines), and the numbers of the
    acknowledged findings about it (marked beside the value, each linking to its reason)."""

    label: str
    lines: tuple[str, ...]
    flags: tuple[int, ...] = ()


@dataclass(frozen=True)
class HeaderCell:
    """A merged 一级 or 二级 指标 cell: ``span`` rows from this one (0: covered by the cell above)."""

    text: str
    span: int


@dataclass(frozen=True)
class IndicatorRow:
    level1: HeaderCell
    level2: HeaderCell
    cells: tuple[str, ...]
    placeholder: bool
    findings: tuple[tuple[int, ...], ...]  # per cell, the numbers of the acknowledged findings about it
    group: str  # "一级指标 · 二级指标", shown in the row's card on phones


@dataclass(frozen=True)
class IndicatorTable:
    caption: str
    columns: tuple[str, ...]  # the columns after 一级指标 and 二级指标
    groups: tuple[tuple[IndicatorRow, ...], ...]  # one per run of rows under one 一级指标 (a <tbody>)
    count: int  # indicators, placeholder rows not counted


@dataclass(frozen=True)
class Finding:
    """An acknowledged finding of ``jixiao check``: shown as such, with the editor's reason."""

    number: int
    code: str
    title: str
    where: str
    reason: str


def text(value: Any) -> str:
    """A value as the page shows it: numbers exactly as written, lists and tables on one line."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal)):
        return plain(value)
    if isinstance(value, list):
        return "；".join(text(v) for v in value)
    if isinstance(value, dict):
        return "；".join(f"{k}：{text(v)}" for k, v in value.items())
    return str(value)


def lines(value: Any) -> tuple[str, ...]:
    """A value as separate lines: one per list item or per key of a table."""
    if isinstance(value, list):
        return tuple(text(v) for v in value)
    if isinstance(value, dict):
        return tuple(f"{k}：{text(v)}" for k, v in value.items())
    shown = text(value)
    return (shown,) if shown else ()


def money(value: Decimal | None, unit: str) -> str:
    return f"{plain(value)} {unit}" if value is not None else "（原表未填）"


def publisher(region_data: dict[str, Any]) -> list[str]:
    """Who publishes a region's data and how to reach them, as given in its 地区.yaml (each line labelled by its field)."""
    return [f"{key}：{region_data[key]}" for key in (F.PUBLISHER, F.CONTACT) if region_data.get(key)]


@cache
def titles(kind: str) -> dict[str, str]:
    """The Chinese title of each top-level field of a data file, from schema/ (schema order)."""
    props = schemas.resolved(kind).get("properties", {})  # the schema with its $refs resolved
    return {key: str(node.get("title") or key) for key, node in props.items()}


def flagged_fields(found: list[Finding], acks: list[Acknowledgement], prefix: str = "") -> dict[str, tuple[int, ...]]:
    """Field path (below ``prefix``, e.g. 项目金额 or 按支出性质分.项目支出) → the findings about it."""
    out: dict[str, list[int]] = {}
    for finding, ack in zip(found, acks, strict=True):
        if ack.field.startswith(prefix):
            out.setdefault(ack.field[len(prefix) :], []).append(finding.number)
    return {k: tuple(v) for k, v in out.items()}


def flags_about(flags: dict[str, tuple[int, ...]], key: str) -> tuple[int, ...]:
    """The findings about field ``key`` or any of its parts."""
    return tuple(
        n for path, numbers in sorted(flags.items()) for n in numbers if path == key or path.startswith((f"{key}.", f"{key}["))
    )


def header_fields(
    data: dict[str, Any], kind: str, money_unit: str, flags: dict[str, tuple[int, ...]] | None = None
) -> list[Field]:
    """The scalar fields of a table in schema order, labelled with their schema titles, each with the
    findings about it or any of its parts."""
    shown: list[Field] = []
    flags = flags or {}

    def about(key: str) -> tuple[int, ...]:
        return flags_about(flags, key)

    for key, title in titles(kind).items():
        if key in NOT_IN_HEADER:
            continue
        if key not in data:
            if about(key):  # a finding about a field the table leaves empty: shown, and marked
                shown.append(Field(title, ("（原表未填）",), about(key)))
            continue
        value = data[key]
        if key == F.AMOUNT:
            shown.append(Field(title, (money(value, money_unit),), about(key)))
        elif key == F.FUNDING and isinstance(value, dict):
            shown.append(Field(title, tuple(f"{k}：{plain(v)} {money_unit}" for k, v in value.items()), about(key)))
        elif key == F.SPENDING_PLAN and isinstance(value, dict):
            shown.append(Field(title, tuple(f"{k}：{plain(v)}%" for k, v in value.items()), about(key)))
        elif key == F.MEDIUM_TERM_FUNDS and isinstance(value, dict):
            shown.append(Field(title, tuple(f"{k}：{plain(v)} {money_unit}" for k, v in value.items()), about(key)))
        elif key == F.BREAKDOWN and isinstance(value, list):
            rows = tuple(_breakdown_line(item, money_unit) for item in value if isinstance(item, dict))
            shown.append(Field(title, rows, about(key)))
        elif key == F.INCOMPLETE and isinstance(value, dict):
            shown.append(Field(title, (incomplete(value),), about(key)))
        elif not isinstance(value, dict):
            shown.append(Field(title, lines(value), about(key)))
    return shown


def incomplete(value: dict[str, Any]) -> str:
    """What a 原表不全 says: 原表缺少绩效指标：网页在第 5 条指标之后断了。"""
    missing = "、".join(str(m) for m in value.get(F.MISSING) or [])
    return f"原表缺少{missing}：{text(value.get(F.INCOMPLETE_NOTE))}"


def _breakdown_line(item: dict[str, Any], money_unit: str) -> str:
    """A row of the budget breakdown: 保安服务费：191 万元（依据招标文件）."""
    amount = item.get(F.BREAKDOWN_AMOUNT)
    line = (
        f"{text(item.get(F.BREAKDOWN_ITEM))}：{plain(amount)} {money_unit}"
        if amount is not None
        else text(item.get(F.BREAKDOWN_ITEM))
    )
    basis = text(item.get(F.BREAKDOWN_BASIS))
    return f"{line}（{basis}）" if basis else line


def where(field: str, indicators: list[Indicator], base: str = F.INDICATORS) -> str:
    """A finding's 位置 in words: 绩效指标[9].指标值类型 → 绩效指标第 9 行（群众满意度）的指标值类型."""
    if not field:
        return "整张表"
    match = _INDEXED.match(field)
    if not match:
        return field
    number = int(match.group("index"))  # field paths count rows from 1, as the reports do
    place = f"{match.group('key').rsplit('.', 1)[-1]}第 {number} 行"
    if match.group("key") == base and 0 < number <= len(indicators) and indicators[number - 1].name:
        place += f"（{indicators[number - 1].name}）"
    rest = match.group("rest")
    return f"{place}的{rest}" if rest else place


def findings(acks: list[Acknowledgement], indicators: list[Indicator], base: str = F.INDICATORS) -> list[Finding]:
    out = []
    for n, ack in enumerate(acks, start=1):
        code = CATALOGUE.get(ack.code)
        out.append(Finding(n, ack.code, code.title if code else "", where(ack.field, indicators, base), ack.reason))
    return out


def _rows_found(found: list[Finding], acks: list[Acknowledgement], base: str) -> dict[int, list[tuple[int, str]]]:
    """Indicator row → the findings that point at it: (number, the field of the row, "" for the whole row)."""
    rows: dict[int, list[tuple[int, str]]] = {}
    for finding, ack in zip(found, acks, strict=True):
        match = _INDEXED.match(ack.field)
        if match and match.group("key") == base:
            rows.setdefault(int(match.group("index")) - 1, []).append((finding.number, match.group("rest") or ""))
    return rows


def _cell_flags(columns: tuple[str, ...], about: list[tuple[int, str]]) -> tuple[tuple[int, ...], ...]:
    """The findings of a row placed in the cells of their fields (a field not shown: the first cell)."""
    cells: list[list[int]] = [[] for _ in columns]
    for number, field in about:
        cells[columns.index(field) if field in columns else 0].append(number)
    return tuple(tuple(c) for c in cells)


def indicator_table(
    indicators: list[Indicator],
    caption: str,
    found: list[Finding] | None = None,
    acks: list[Acknowledgement] | None = None,
    base: str = F.INDICATORS,
) -> IndicatorTable:
    optional = [
        (title, attr)
        for title, attr in OPTIONAL_COLUMNS
        if any(getattr(i, attr) not in (None, "") for i in indicators if not i.is_placeholder)
    ]
    rows_data = [{F.LEVEL1: i.level1, F.LEVEL2: i.level2} for i in indicators]
    spans = merge_spans(rows_data, [F.LEVEL1, F.LEVEL2])
    flagged = _rows_found(found or [], acks or [], base)
    columns = INDICATOR_COLUMNS + tuple(t for t, _ in optional)
    rows = []
    for n, ind in enumerate(indicators):
        if ind.is_placeholder:
            cells: tuple[str, ...] = (PLACEHOLDER,) + ("",) * (len(INDICATOR_COLUMNS) - 1 + len(optional))
        else:
            cells = (
                text(ind.name),
                text(ind.operator),
                text(ind.value),
                ind.unit,
                *(text(getattr(ind, attr)) for _, attr in optional),
            )
        rows.append(
            IndicatorRow(
                HeaderCell(ind.level1, spans[F.LEVEL1][n]),
                HeaderCell(ind.level2, spans[F.LEVEL2][n]),
                cells,
                ind.is_placeholder,
                _cell_flags(columns, flagged.get(n, [])),
                f"{ind.level1} · {ind.level2}",
            )
        )
    groups: list[list[IndicatorRow]] = []
    for row in rows:
        if row.level1.span or not groups:
            groups.append([])
        groups[-1].append(row)
    count = sum(1 for i in indicators if not i.is_placeholder)
    return IndicatorTable(caption, columns, tuple(tuple(g) for g in groups), count)
