"""The "label | value" part of a form, above its indicator grid.

A label's value is the next filled cell to its right in the same row, unless that cell is itself a
label (then the form left the value blank: "项目金额 | | 项目类别 | 特定目标类"). A row that starts
with an empty cell continues the row above (its first label was merged down): the Hebei
"预算规模及资金用途" spans the 预算数 row and the 资金用途 row below it. A row of column labels
("3月底 | 6月底 | …", the 资金支出计划) takes its values from the row below, column by column.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from generator.data import fields as F
from generator.importers import vocabulary as vocab
from generator.importers.source import Cell

MONTH = re.compile(r"^(1[0-2]|[1-9])月(底|末)?$")


@dataclass
class Fields:
    values: dict[str, Cell | None] = field(default_factory=dict)
    labels: dict[str, Cell] = field(default_factory=dict)
    plan: list[tuple[str, Cell, Cell | None]] = field(default_factory=list)  # (N月底, label, value)

    def text(self, key: str) -> str:
        cell = self.values.get(key)
        return "" if cell is None else cell.text.strip()

    def cell(self, key: str) -> Cell | None:
        return self.values.get(key)


def month(text: str) -> str | None:
    found = MONTH.match(vocab.norm(text))
    return f"{found.group(1)}月底" if found else None


def read_fields(rows: list[list[Cell]], labels: Mapping[str, tuple[str, ...]]) -> Fields:
    out = Fields()
    previous_first: str | None = None
    for index, row in enumerate(rows):
        filled = [cell for cell in row if not cell.blank]
        if not filled:
            continue
        months = [(month(cell.text), cell) for cell in filled]
        if sum(1 for name, _ in months if name) >= 2:
            _plan(out, rows, index, [(name, cell) for name, cell in months if name])
            for cell in filled:
                if month(cell.text) is None and vocab.match(cell.text, labels):
                    cell.use()
                    out.labels.setdefault(str(vocab.match(cell.text, labels)), cell)
            previous_first = F.SPENDING_PLAN
            continue
        if row[0].blank and previous_first is not None and out.values.get(previous_first) is None:
            if previous_first != F.SPENDING_PLAN:
                out.values[previous_first] = filled[0]
                filled[0].use()
            continue
        previous_first = _label_row(out, filled, labels)
    return out


def _label_row(out: Fields, filled: list[Cell], labels: Mapping[str, tuple[str, ...]]) -> str | None:
    first: str | None = None
    for position, cell in enumerate(filled):
        key = vocab.match(cell.text, labels, cut=position == 0)
        if key is None or key in out.labels:
            continue
        cell.use()
        out.labels[key] = cell
        first = first or key
        following = filled[position + 1] if position + 1 < len(filled) else None
        if following is not None and vocab.match(following.text, labels, cut=False) is None and month(following.text) is None:
            out.values[key] = following
            following.use()
        else:
            out.values.setdefault(key, None)
    return first


def _plan(out: Fields, rows: list[list[Cell]], index: int, months: list[tuple[str | None, Cell]]) -> None:
    below = {cell.col: cell for cell in rows[index + 1]} if index + 1 < len(rows) else {}
    for name, cell in months:
        cell.use()
        value = below.get(cell.col)
        if value is not None and not value.blank:
            value.use()
            out.plan.append((str(name), cell, value))
        else:
            out.plan.append((str(name), cell, None))
