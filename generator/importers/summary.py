"""The 项目支出（方向）绩效目标汇总表: a list of the unit's projects with their amounts.

The summary is derived data (jixiao generates it from the project files), so it is not stored. It
is read to check what only the source can show: that its names and amounts agree with the project
tables, and to take from it what a project table left out (its amount, its 备注).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from generator.data import fields as F
from generator.importers import vocabulary as vocab
from generator.importers.indicators import yaml_number
from generator.importers.project import Draft, Hint, amount_field, context_hints, text_field
from generator.importers.recognise import Found
from generator.importers.source import Cell, Item, Source

UNIT_IN_HEADER = re.compile(r"\((万元|元|亿元)\)")
EXTRA = (F.PROJECT_CODE, F.FINANCE_FUNDS, F.OTHER_FUNDS)


@dataclass
class SummaryRow:
    name: str
    name_cell: Cell
    amount: Decimal | None
    amount_cell: Cell | None
    remark: str
    number_cell: Cell | None
    extra: dict[str, Cell] = field(default_factory=dict)  # 项目编码, 财政资金, 其他资金 (Hebei)

    @property
    def number(self) -> int | None:
        """The row's 序号 when it is a whole number."""
        text = self.number_cell.text.strip() if self.number_cell is not None else ""
        return int(text) if text.isdigit() else None


@dataclass(kw_only=True)
class SummaryDraft(Draft):
    rows: list[SummaryRow] = field(default_factory=list)
    total: Decimal | None = None
    total_item: Item | None = None


def build_summary(source: Source, found: Found) -> SummaryDraft:
    draft = SummaryDraft(source=source, found=found, data={})
    context_hints(found, draft)
    columns: dict[str, int] = {}
    for row in found.rows:
        keys = {vocab.match(cell.text, vocab.SUMMARY_LABELS): cell for cell in row if not cell.blank}
        if not columns and F.PROJECT_NAME in keys and F.ORDER in keys:
            for key, cell in keys.items():
                if key is not None:
                    cell.use()
                    columns[key] = cell.col
            amount_label = keys.get(F.AMOUNT)
            if amount_label is not None and (unit := UNIT_IN_HEADER.search(vocab.norm(amount_label.text))):
                draft.money_units.append(Hint(unit.group(1), amount_label, "汇总表表头"))
            continue
        if not columns:
            continue
        read_row(source, draft, row, columns)
    return draft


def read_row(source: Source, draft: SummaryDraft, row: list[Cell], columns: dict[str, int]) -> None:
    by_col = {cell.col: cell for cell in row}
    filled = [cell for cell in row if not cell.blank]
    if not filled:
        return
    if vocab.match(filled[0].text, vocab.SUMMARY_LABELS) == "合计":
        filled[0].use()
        total_cell = by_col.get(columns.get(F.AMOUNT, -1))
        if total_cell is None or total_cell.blank:
            total_cell = next((c for c in filled[1:] if vocab.number(c.text) is not None), None)
        if total_cell is not None:
            draft.total = amount_field(source, total_cell, "合计")
            draft.total_item = total_cell
        return
    name_cell = by_col.get(columns[F.PROJECT_NAME])
    if name_cell is None or name_cell.blank:
        return
    number_cell = by_col.get(columns.get(F.ORDER, -1))
    if number_cell is not None and not number_cell.blank:
        number_cell.use()  # goes to the matched project's 序号, or into the message about the row
    amount_cell = by_col.get(columns.get(F.AMOUNT, -1))
    amount = amount_field(source, amount_cell, F.AMOUNT) if amount_cell is not None else None
    remark_cell = by_col.get(columns.get(F.REMARK, -1))
    name = text_field(source, name_cell)
    extra = {key: cell for key in EXTRA if (cell := by_col.get(columns.get(key, -1))) is not None and not cell.blank}
    for cell in extra.values():
        cell.use()
    draft.rows.append(
        SummaryRow(
            name,
            name_cell,
            yaml_number(amount) if amount is not None else None,
            amount_cell,
            text_field(source, remark_cell),
            number_cell,
            extra,
        )
    )


def derived_note(source: Source, draft: SummaryDraft) -> None:
    """Say that the 合计 is not stored (it is generated from the projects), and check it."""
    if draft.total is not None and draft.total_item is not None:
        source.report(
            "I014", draft.total_item, what=f"汇总表的合计（{format(draft.total, 'f')}）", why="由各项目表的金额生成，不单独保存"
        )
    amounts = [row.amount for row in draft.rows]
    if draft.total is not None and draft.total_item is not None and all(a is not None for a in amounts):
        total = sum((a for a in amounts if a is not None), Decimal(0))
        if total != draft.total:
            source.report("I035", draft.total_item, total=format(draft.total, "f"), rows=format(total, "f"), count=len(amounts))
