"""A project table (项目支出绩效目标表, 预算项目绩效目标表, 项目绩效目标表… of any layout) → project data.

Every layout's project table is a block of "label | value" rows above an indicator grid; they differ in
their labels and grid columns, which ``header`` and ``indicators`` read by name, with the labels the
layout the table fits declares (``forms``). What the table cannot
decide alone (its unit's name, the summary's amount and 备注) is settled by ``assemble``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.data import schemas
from generator.data.regional import NATIONAL
from generator.importers import forms
from generator.importers import vocabulary as vocab
from generator.importers.cleaning import clean, paragraphs
from generator.importers.header import Fields, read_fields
from generator.importers.indicators import GridReader, find_header, yaml_number
from generator.importers.recognise import Found, Title
from generator.importers.source import Cell, Item, Source, excerpt

REGION = "地区"  # the placeholder of a layout's title that prints the region's name


@dataclass
class Hint:
    """Something a table says about its unit, region or year, and where it says it."""

    value: Any
    item: Item
    why: str


@dataclass(kw_only=True)
class Draft:
    """A recognised table turned into YAML data, with what it says about its context."""

    source: Source
    found: Found
    data: dict[str, Any]
    printed: list[Hint] = field(default_factory=list)  # the unit name as printed above the table
    years: list[Hint] = field(default_factory=list)
    money_units: list[Hint] = field(default_factory=list)
    cost_level1: bool = False  # 成本指标 used as a 一级: the 2021 framework


@dataclass(kw_only=True)
class ProjectDraft(Draft):
    layout: str | None
    name: str
    anchor: Item
    amount: Decimal | None
    amount_item: Item
    codes: list[Hint] = field(default_factory=list)
    corrections: list[str] = field(default_factory=list)
    unit_code: str | None = None  # the unit's code, where the table prints it beside the name
    region: str | None = None  # the region, where the layout's title prints it ("{地区}{年度}年…")


def text_field(source: Source, cell: Cell | None) -> str:
    if cell is None or cell.blank:
        return ""
    cell.use()
    cleaned, fixes = clean(cell.text)
    if fixes:
        source.report("I022", cell, text=excerpt(cell.text), fixes="、".join(fixes), result=excerpt(cleaned))
    return cleaned


def list_field(source: Source, cell: Cell | None) -> list[str]:
    if cell is None or cell.blank:
        return []
    cell.use()
    items, fixes = paragraphs(cell.text)
    if fixes:
        source.report(
            "I022",
            cell,
            text=excerpt(cell.text),
            fixes="、".join(fixes),
            result=f"{len(items)} 条" if len(items) > 1 else excerpt(items[0] if items else ""),
        )
    return items


def amount_field(source: Source, cell: Cell | None, label: str) -> Decimal | None:
    """A money cell as an exact number; "10万元" is read as 10 (reported), other text is an error."""
    if cell is None or cell.blank:
        return None
    cell.use()
    number = vocab.number(cell.text)
    if number is not None:
        return yaml_number(number)
    parsed = vocab.split_value(cell.text)
    if parsed is not None and parsed[0] is None and parsed[2] in ("万元", "元", "亿元"):
        source.report(
            "I022", cell, text=excerpt(cell.text), fixes=f"去掉了金额后的单位“{parsed[2]}”", result=format(parsed[1], "f")
        )
        return yaml_number(parsed[1])
    source.report("I029", cell, label=label, text=excerpt(cell.text))
    return None


def context_hints(found: Found, draft: Draft) -> None:
    for line in found.context:
        if line.kind in ("unit", "org"):
            line.item.use()
            value = line.value
            text = "".join(part or "" for part in value) if isinstance(value, tuple) else str(value)
            draft.printed.append(Hint(str(text), line.item, line.kind))
        elif line.kind == "money":
            line.item.use()
            draft.money_units.append(Hint(line.value, line.item, F.MONEY_UNIT))
        elif line.kind == "year" and isinstance(line.value, int):
            line.item.use()
            draft.years.append(Hint(line.value, line.item, "标题"))
        elif line.kind == "title" and isinstance(line.value, Title):
            line.item.use()
            if line.value.year:
                draft.years.append(Hint(line.value.year, line.item, "标题"))


def _plan(source: Source, fields: Fields) -> dict[str, Any]:
    plan: dict[str, Any] = {}
    for month, _label, value in fields.plan:
        if value is None:
            continue
        number = vocab.number(value.text.replace("%", "").replace("％", ""))
        if number is None:
            source.report("I029", value, label=f"资金支出计划 {month}", text=excerpt(value.text))
            continue
        plan[month] = yaml_number(number)
    return plan


def _template_fields(source: Source, found: Found, fields: Fields, data: dict[str, Any]) -> None:
    """A cell printed from several fields ("(31)部门预算项目" from "({项目类别编码}){项目类别}") split back."""
    if found.profile is None:
        return
    for label, template in found.profile.templates.items():
        cell = fields.cell(label)
        if cell is None or cell.blank:
            continue
        values = forms.from_template(template, cell.text)
        if values is None or not set(values) <= PROJECT_KEYS:
            continue
        cell.use()
        for key, value in values.items():
            data.setdefault(key, value)


PROJECT_KEYS = frozenset(schemas.keys("project"))
DONE = frozenset(
    {
        F.PROJECT_NAME,
        F.PROJECT_CODE,
        F.AMOUNT,
        F.FINANCE_FUNDS,
        F.OTHER_FUNDS,
        F.SUPERIOR_FUNDS,
        F.USE_OF_FUNDS,
        F.SPENDING_PLAN,
        F.PERIOD,
        F.GOALS,
        F.INDICATORS,
    }
)


def _other_fields(source: Source, found: Found, fields: Fields, data: dict[str, Any]) -> None:
    """Every other field the layout prints beside a label (主管部门, 实施单位, 立项依据, 中期资金…): text as
    printed, amounts as numbers, values printed otherwise (印作: 新增项目) read back."""
    regional = found.profile.regional if found.profile is not None else NATIONAL
    for path in found.profile.fields if found.profile is not None else {}:
        top, _, rest = path.partition(".")
        if top in DONE or top == F.FUNDING or top not in PROJECT_KEYS or path in data:
            continue
        cell = fields.cell(path)
        if cell is None or cell.blank:
            continue
        if rest:
            amount = amount_field(source, cell, path)
            if amount is not None:
                data.setdefault(top, {})[rest] = amount
            continue
        if top == F.EXECUTION_WEIGHT:
            if (weight := amount_field(source, cell, path)) is not None:  # else I029 says why
                data[top] = weight
            continue
        text = text_field(source, cell)
        data[top] = regional.canonical_value(top, text) or text


def _titled(found: Found, key: str) -> str | None:
    """A field in a title the layout prints it in ("{项目名称}项目绩效目标表", "{地区}{年度}年…")."""
    if found.profile is None or "{" + key + "}" not in found.profile.title:
        return None
    for line in found.lines("title"):
        values = forms.from_template(found.profile.title, vocab.norm(line.item.text))
        if values and values.get(key):
            return values[key]
    return None


def _detail(
    source: Source, detail: forms.Detail, rows: list[list[Cell]], out: dict[str, list[dict[str, Any]]], totals: dict[str, Cell]
) -> list[list[Cell]]:
    """The rows of a list field (预算明细) under the row of its column titles, as items; the rows left."""
    for index, row in enumerate(rows):
        titles: dict[int, tuple[str, bool]] = {}
        for cell in row:
            for title, path, money in detail.columns:  # in the layout's order: {前年} before {上年}
                if not cell.blank and forms.title_fits(title, cell.text) and path not in {p for p, _ in titles.values()}:
                    titles[cell.col] = (path, money)
                    break
        if len(titles) < max(2, len(detail.columns) - 1):
            continue
        for cell in row:
            if cell.col in titles:
                cell.use()
        items: list[dict[str, Any]] = []
        end = index + 1
        for end in range(index + 1, len(rows) + 1):
            if end == len(rows):
                break
            line = rows[end]
            first = next((c for c in line if not c.blank), None)
            if first is None:
                continue
            if detail.total and vocab.norm(first.text) == vocab.norm(detail.total):
                for cell in line:  # the 合计 row: derived from the items, never data
                    cell.use()
                    if cell.col in titles and titles[cell.col][0] == F.BREAKDOWN_AMOUNT and not cell.blank:
                        totals[detail.path] = cell
                end += 1
                break
            if (
                not any(c.col in titles and not c.blank for c in line)
                or vocab.match(first.text, vocab.PROJECT_LABELS, cut=False) is not None
            ):
                break
            item: dict[str, Any] = {}
            for cell in line:
                if cell.col in titles and not cell.blank:
                    path, money = titles[cell.col]
                    item[path] = amount_field(source, cell, path) if money else text_field(source, cell)
            items.append(item)
        out[detail.path] = items
        return rows[:index] + rows[end:]
    return rows


def build_project(source: Source, found: Found) -> ProjectDraft:
    profile = found.profile
    grid_labels = forms.grid_labels(profile, vocab.GRID_LABELS)
    header = find_header(found.rows, grid_labels, forms.needs(profile.columns if profile else {}))
    top = found.rows[: header[0]] if header else found.rows
    details: dict[str, list[dict[str, Any]]] = {}
    totals: dict[str, Cell] = {}
    for detail in profile.details if profile is not None else ():
        top = _detail(source, detail, top, details, totals)
    fields = read_fields(top, forms.field_labels(profile, vocab.PROJECT_LABELS))
    anchor: Item = fields.labels.get(F.PROJECT_NAME) or found.first
    name = text_field(source, fields.cell(F.PROJECT_NAME))
    title = found.title
    if not name and title is not None and title.name:
        name = _titled(found, F.PROJECT_NAME) or title.name
    amount_label = fields.labels.get(F.AMOUNT) or anchor
    amount = amount_field(source, fields.cell(F.AMOUNT), F.AMOUNT)
    corrections: list[str] = []
    total = totals.get(F.BREAKDOWN)
    if F.AMOUNT not in fields.labels and total is not None:  # a form without an amount: its budget's 合计
        amount = vocab.number(total.text)
        amount = yaml_number(amount) if amount is not None else None
        if amount is not None:
            amount_label = total
            corrections.append(f"原表没有单独的项目金额一栏，{format(amount, 'f')} 取自{F.BREAKDOWN}的合计行。")
    data: dict[str, Any] = {F.PROJECT_NAME: name}
    draft = ProjectDraft(
        source=source,
        found=found,
        layout=found.layout,
        data=data,
        name=name,
        anchor=anchor,
        amount=amount,
        amount_item=amount_label,
        corrections=corrections,
    )
    code = text_field(source, fields.cell(F.PROJECT_CODE))
    if code:
        data[F.PROJECT_CODE] = vocab.squash(code)
        draft.codes.append(Hint(data[F.PROJECT_CODE], fields.cell(F.PROJECT_CODE) or anchor, F.PROJECT_CODE))
    _template_fields(source, found, fields, data)
    if F.CATEGORY not in data and (category := text_field(source, fields.cell(F.CATEGORY))):
        data[F.CATEGORY] = category
    data[F.AMOUNT] = amount
    funding = {key: amount_field(source, fields.cell(key), key) for key in (F.FINANCE_FUNDS, F.OTHER_FUNDS, F.SUPERIOR_FUNDS)}
    if any(v is not None for v in funding.values()):
        data[F.FUNDING] = {k: v for k, v in funding.items() if v is not None}
    if usage := text_field(source, fields.cell(F.USE_OF_FUNDS)):
        data[F.USE_OF_FUNDS] = usage
    if plan := _plan(source, fields):
        data[F.SPENDING_PLAN] = plan
    if period := text_field(source, fields.cell(F.PERIOD)):
        data[F.PERIOD] = period
    _other_fields(source, found, fields, data)
    data.update({path: rows for path, rows in details.items() if rows})
    goals = list_field(source, fields.cell(F.GOALS))
    if goals:
        listed = profile is not None and F.GOALS in profile.lists
        data[F.GOALS] = goals if listed or len(goals) > 1 else goals[0]
    context_hints(found, draft)
    draft.region = _titled(found, REGION)
    names_project = profile is None or "{" + F.PROJECT_NAME + "}" in profile.title  # else the title has none
    if (
        names_project
        and title is not None
        and title.name
        and name
        and vocab.norm(title.name) not in (vocab.norm(name), vocab.norm(name) + "项目")
    ):
        source.report("I046", anchor, title=title.name, name=name)
    data[F.INDICATORS] = read_grid(source, found, header, grid_labels, vocab.PROJECT_LABELS)
    draft.cost_level1 = any(row.get(F.LEVEL1) == "成本指标" for row in data[F.INDICATORS])
    return draft


def read_grid(
    source: Source, found: Found, header: tuple[int, dict[str, int]] | None, *labels: Mapping[str, tuple[str, ...]]
) -> list[dict[str, Any]]:
    """The indicator rows below the grid's header row (none without one); the header cells that match
    one of ``labels`` are marked used."""
    if header is None:
        return []
    for cell in found.rows[header[0]]:
        if any(vocab.match(cell.text, table) for table in labels):
            cell.use()
    regional = found.profile.regional if found.profile is not None else NATIONAL
    reader = GridReader(source, header[1], regional, labels[0] if labels else vocab.GRID_LABELS)
    rows = reader.read(found.rows[header[0] + 1 :])
    report_grid_notes(source, reader, found)
    return rows


def report_grid_notes(source: Source, reader: GridReader, found: Found) -> None:
    """What the grid reader saw many times is reported once per table."""
    if reader.splits:
        first, count = reader.splits[0], len(reader.splits)
        text = f"本表 {count} 个指标值（如“{excerpt(first.text)}”）" if count > 1 else f"指标值“{excerpt(first.text)}”"
        source.report("I023", first, text=text)
    for cell in reader.no_unit:
        cell.use()
    if reader.no_unit:
        source.report(
            "I014",
            reader.no_unit[0],
            what=f"定性指标的度量单位“无”（本表 {len(reader.no_unit)} 处）",
            why="定性指标没有度量单位，不写“无”",
        )
