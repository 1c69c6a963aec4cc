"""The unit's own tables: the Hunan 部门整体支出绩效目标表 and the Hebei narrative 部门整体绩效目标.

The department table has four parts, each found by its label in the first column: the unit name,
年度履职目标 (a list in one cell), 年度主要任务 (任务名称 | 主要内容 rows) and 预算情况 (labels with
their amounts below them, the way the form prints them), then an indicator grid like a project's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.importers import vocabulary as vocab
from generator.importers.cleaning import paragraphs
from generator.importers.indicators import find_header
from generator.importers.project import Draft, amount_field, context_hints, list_field, read_grid, text_field
from generator.importers.recognise import Found
from generator.importers.source import Cell, Item, Source, excerpt

INCOME = (F.GENERAL_BUDGET, F.FUND_BUDGET, F.SPECIAL_ACCOUNT, F.OTHER_FUNDS)
SPENDING = (F.BASIC_SPENDING, F.PROJECT_SPENDING)


@dataclass(kw_only=True)
class DepartmentDraft(Draft):
    name: str
    name_item: Item


def _label(row: list[Cell]) -> tuple[str | None, Cell | None]:
    first = next((cell for cell in row if not cell.blank), None)
    if first is None:
        return None, None
    return vocab.match(first.text, vocab.DEPARTMENT_LABELS), first


def _sections(rows: list[list[Cell]], end: int) -> dict[str, list[int]]:
    """Row indexes of each part, by the label that opens it."""
    sections: dict[str, list[int]] = {}
    current: str | None = None
    for index in range(end):
        label, first = _label(rows[index])
        if label in (F.UNIT_NAME, F.DUTIES, F.TASKS, F.BUDGET) and first is not None and first is rows[index][0]:
            current = label
        if current is not None:
            sections.setdefault(current, []).append(index)
    return sections


def _value_after(row: list[Cell], label: Cell) -> Cell | None:
    return next((cell for cell in row if cell.col > label.col and not cell.blank), None)


def _continued(rows: list[list[Cell]], indexes: list[int], label: Cell) -> list[Cell]:
    """The value cells of a label merged down over several rows: the first row's, then each following row that
    holds one cell right of the label and nothing else (a long list printed on, or cut across pages, in the
    rows below; each row's text goes on the list in order)."""
    first = _value_after(rows[indexes[0]], label)
    cells = [first] if first is not None else []
    for index in indexes[1:]:
        filled = [cell for cell in rows[index] if not cell.blank]
        if len(filled) != 1 or filled[0].col <= label.col:
            break
        cells.append(filled[0])
    return cells


def _tasks(source: Source, rows: list[list[Cell]], indexes: list[int]) -> list[dict[str, Any]]:
    columns: dict[str, Cell] = {}
    for cell in rows[indexes[0]]:
        key = vocab.match(cell.text, vocab.DEPARTMENT_LABELS) if not cell.blank else None
        if key in (F.TASKS, F.TASK_NAME, F.TASK_CONTENT):
            cell.use()
            columns[str(key)] = cell
    name_col = columns[F.TASK_NAME].col if F.TASK_NAME in columns else 1
    content_col = columns[F.TASK_CONTENT].col if F.TASK_CONTENT in columns else name_col + 1
    tasks = []
    for index in indexes[1:]:
        by_col = {cell.col: cell for cell in rows[index]}
        name_cell, content_cell = by_col.get(name_col), by_col.get(content_col)
        if (name_cell is None or name_cell.blank) and (content_cell is None or content_cell.blank):
            continue
        task: dict[str, Any] = {F.TASK_NAME: text_field(source, name_cell)}
        if content := text_field(source, content_cell):
            task[F.TASK_CONTENT] = content
        tasks.append(task)
    return tasks


def _budget(source: Source, rows: list[list[Cell]], indexes: list[int]) -> dict[str, Any]:
    """Each amount label takes the first number below it in its column (else right of it)."""
    block = [rows[i] for i in indexes]
    amounts: dict[str, Decimal] = {}
    for r, row in enumerate(block):
        for cell in row:
            key = vocab.match(cell.text, vocab.DEPARTMENT_LABELS) if not cell.blank else None
            if key is None:
                continue
            cell.use()
            if key not in (F.BUDGET_TOTAL, *INCOME, *SPENDING):
                continue
            below = [c for lower in block[r + 1 :] for c in lower if c.col == cell.col and not c.blank]
            value_cell = below[0] if below and vocab.number(below[0].text) is not None else _value_after(row, cell)
            if value_cell is not None and vocab.match(value_cell.text, vocab.DEPARTMENT_LABELS) is None:
                number = amount_field(source, value_cell, key)
                if number is not None:
                    amounts[key] = number
    budget: dict[str, Any] = {}
    if F.BUDGET_TOTAL in amounts:
        budget[F.BUDGET_TOTAL] = amounts[F.BUDGET_TOTAL]
    if income := {k: amounts[k] for k in INCOME if k in amounts}:
        budget[F.BY_SOURCE] = income
    if spending := {k: amounts[k] for k in SPENDING if k in amounts}:
        budget[F.BY_USE] = spending
    return budget


def build_department(source: Source, found: Found) -> DepartmentDraft:
    header = find_header(found.rows)
    end = header[0] if header else len(found.rows)
    sections = _sections(found.rows, end)
    name, name_item = "", found.first
    table: dict[str, Any] = {}
    if rows := sections.get(F.UNIT_NAME):
        _, label = _label(found.rows[rows[0]])
        assert label is not None
        label.use()
        name_item = label
        name = text_field(source, _value_after(found.rows[rows[0]], label))
    if rows := sections.get(F.DUTIES):
        _, label = _label(found.rows[rows[0]])
        assert label is not None
        label.use()
        table[F.DUTIES] = [item for cell in _continued(found.rows, rows, label) for item in list_field(source, cell)]
    if rows := sections.get(F.TASKS):
        table[F.TASKS] = _tasks(source, found.rows, rows)
    if rows := sections.get(F.BUDGET):
        table[F.BUDGET] = _budget(source, found.rows, rows)
    draft = DepartmentDraft(source=source, found=found, data=table, name=name, name_item=name_item)
    context_hints(found, draft)
    table[F.INDICATORS] = read_grid(source, found, header, vocab.GRID_LABELS)
    draft.cost_level1 = any(row.get(F.LEVEL1) == "成本指标" for row in table[F.INDICATORS])
    return draft


def build_narrative(source: Source, parts: dict[str, list[Item]]) -> dict[str, Any]:
    """The Hebei 部门整体绩效目标: 总体绩效目标 is text, the other two are lists."""
    out: dict[str, Any] = {}
    for key in (F.OVERALL_GOAL, F.ITEMISED_GOALS, F.SAFEGUARDS):
        items: list[str] = []
        for item in parts.get(key, []):
            item.use()
            found, fixes = paragraphs(item.text)
            if fixes:
                source.report(
                    "I022", item, text=excerpt(item.text), fixes="、".join(fixes), result=excerpt(found[0] if found else "")
                )
            items.extend(found)
        if not items:
            continue
        out[key] = "\n".join(items) if key == F.OVERALL_GOAL else items
    return out
