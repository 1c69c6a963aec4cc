"""The 绩效指标 grid: one row per indicator, under a header row that names the columns.

The header row decides where each column is (the Hunan project form, the Hunan department form and
the Hebei form order them differently). Each row is then read in three steps:

1. Alignment. Extraction sometimes drops or adds a cell at the start of a row, so the labels slide:
   a 一级 label in the column left of 一级 ("满意度指标" in the form's first column), a 二级 label
   in the 一级 column, a 三级 name in the 一级 column. A label can only mean one thing, so the row is
   shifted back by the number of columns that puts it in its place (reported as I021).
2. 一级/二级: names are normalised (aliases, line wraps); merged cells are empty, so an empty label
   repeats the row above. A 二级 whose inherited 一级 cannot hold it gets the 一级 it belongs to
   (I026).
3. The value cells (指标值, 度量单位, 指标值类型, and the 备注 or spare cells after them): when the cells
   are not what their columns expect (an operator in 指标值, a number in 度量单位…), they are assigned
   by what they are, but only if each kind occurs once (I020); otherwise they are kept where they
   were and the doubt is reported (I025). A value with an embedded operator and unit ("≤10万元") is
   split (I023); a quantity without an operator is taken as "=" and reported (I024).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.data.regional import NATIONAL, Regional
from generator.importers import vocabulary as vocab
from generator.importers.cleaning import clean
from generator.importers.source import Cell, Source, excerpt

KEY_ORDER = (F.LEVEL1, F.LEVEL2, F.LEVEL3, F.OPERATOR, F.VALUE, F.MEASURE, F.NOTE, F.BASIS, F.WEIGHT, F.DIRECTION, F.REMARK)
TEXT_COLUMNS = (F.NOTE, F.BASIS, F.DIRECTION)
VALUE_SLOTS = (F.VALUE, F.MEASURE, F.OPERATOR)


GRID_NEEDS = frozenset({F.LEVEL1, F.LEVEL2, F.LEVEL3, F.VALUE})


def header_columns(row: list[Cell], labels: Mapping[str, tuple[str, ...]]) -> dict[str, int]:
    """The column of each heading of ``labels`` that ``row`` holds (the first, where one is written twice)."""
    columns: dict[str, int] = {}
    for cell in row:
        key = vocab.match(cell.text, labels) if not cell.blank else None
        if key is not None and key not in columns:
            columns[key] = cell.col
    return columns


def find_header(
    rows: list[list[Cell]], labels: Mapping[str, tuple[str, ...]] = vocab.GRID_LABELS, needs: frozenset[str] = GRID_NEEDS
) -> tuple[int, dict[str, int]] | None:
    """The index of the grid's header row and the column of each header, or None. ``labels`` are the
    headings of the layout's grid (a two-level grid has no 一级指标 column: ``needs`` says so)."""
    for index, row in enumerate(rows):
        columns = header_columns(row, labels)
        if needs <= columns.keys():
            return index, columns
    return None


def yaml_number(value: Decimal) -> Decimal:
    """A Decimal without trailing zeros or exponent: 10.00 → 10, 5E+3 → 5000."""
    if value == value.to_integral_value():
        return Decimal(int(value))
    return Decimal(format(value.normalize(), "f"))


@dataclass
class Values:
    operator: str | None = None
    value: Any = None
    unit: str = ""
    remark: str = ""
    unit_cell: Cell | None = None


@dataclass
class GridReader:
    """Reads the rows under one header; reports repairs and doubts into the source."""

    source: Source
    columns: dict[str, int]
    regional: Regional = NATIONAL  # the layout's 印作 and 取值别名, and whether it requires a sign
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: vocab.GRID_LABELS)
    level1: str | None = None
    level2: str | None = None
    splits: list[Cell] = field(default_factory=list)
    no_unit: list[Cell] = field(default_factory=list)

    @property
    def has_type_column(self) -> bool:
        return F.OPERATOR in self.columns

    @property
    def requires_sign(self) -> bool:
        """Whether the layout's forms write a sign on every value (a value printed without one is "=")."""
        return F.OPERATOR in self.regional.requires("指标")

    def read(self, rows: list[list[Cell]]) -> list[dict[str, Any]]:
        out = []
        for number, row in enumerate(rows):
            if find_header([row], self.labels, frozenset(self.columns) & GRID_NEEDS) is not None:
                for cell in row:  # the header repeated (a table continued on a new page)
                    cell.use()
                continue
            first = next((cell for cell in row if not cell.blank), None)
            if first is not None and vocab.SIGN.match(vocab.norm(first.text)):
                self.footer(rows[number:])  # 审核意见, 签字, 日期: the form's end, never indicators
                break
            indicator = self.row(row)
            if indicator is not None:
                out.append(indicator)
        return out

    def footer(self, rows: list[list[Cell]]) -> None:
        for row in rows:
            for cell in row:
                if not cell.blank and not cell.used:
                    cell.use()
                    self.source.report(
                        "I012",
                        cell,
                        text=excerpt(cell.text),
                        reason="在绩效指标之后，是表格的审核、签字或日期栏，不是指标，没有导入",
                    )

    # --- step 1: alignment ---------------------------------------------------------------------

    def offset(self, by_col: dict[int, Cell]) -> int:
        if F.LEVEL1 not in self.columns:
            return 0  # a two-level grid: nothing to align against
        c1, c2, c3 = (self.columns[k] for k in (F.LEVEL1, F.LEVEL2, F.LEVEL3))
        filled = sorted(col for col, cell in by_col.items() if not cell.blank)
        first = filled[0]

        def text(col: int) -> str:
            cell = by_col.get(col)
            return "" if cell is None or cell.blank else cell.text

        if first < c1:
            label = text(first)
            if vocab.level1(label):
                return first - c1
            return first - (c2 if vocab.level2(label) else c3)
        t1, t2, t3 = text(c1), text(c2), text(c3)
        if t1 and not vocab.level1(t1):
            if vocab.level2(t1):
                return c1 - c2
            return c1 - c3 if not t2 else 0
        if not t1 and t2 and not vocab.level2(t2) and not vocab.is_placeholder(t2) and not t3:
            return c2 - c1 if vocab.level1(t2) else c2 - c3
        return 0

    # --- one row -------------------------------------------------------------------------------

    def row(self, row: list[Cell]) -> dict[str, Any] | None:
        by_col = {cell.col: cell for cell in row}
        if all(cell.blank for cell in row):
            return None
        shift = self.offset(by_col)
        if shift:
            first = next(cell for cell in row if not cell.blank)
            self.source.report("I021", first, count=abs(shift), direction="左" if shift < 0 else "右", text=excerpt(first.text))

        def at(key: str) -> Cell | None:
            col = self.columns.get(key)
            return None if col is None else by_col.get(col + shift)

        l1_cell, l2_cell, name_cell = at(F.LEVEL1), at(F.LEVEL2), at(F.LEVEL3)
        given1 = self.label(l1_cell, vocab.level1)
        given2 = self.label(l2_cell, vocab.level2)
        name = self.text_of(name_cell, F.LEVEL3)
        values, value_cells = self.values(by_col, shift)
        texts = {key: self.text_of(at(key), key) for key in (*TEXT_COLUMNS, F.WEIGHT) if key in self.columns}
        level1, level2 = self.levels(given1, given2, l1_cell or l2_cell or row[0])
        if level1 is None or level2 is None:
            self.orphan(row)
            return None
        indicator: dict[str, Any] = {F.LEVEL1: level1, F.LEVEL2: level2}
        has_values = values.operator is not None or values.value not in (None, "") or values.unit
        if not name and not has_values and not any(texts.values()):
            self.mark_placeholders(row)
            return indicator
        if not name:
            anchor = value_cells[0] if value_cells else next(cell for cell in row if not cell.blank)
            self.source.report("I027", anchor, problem="有指标值，但没有三级指标名称")
        else:
            indicator[F.LEVEL3] = name
        if values.operator is not None:
            indicator[F.OPERATOR] = values.operator
        if values.value not in (None, ""):
            indicator[F.VALUE] = values.value
        if values.unit == vocab.NO_UNIT and values.operator == "定性" and values.unit_cell is not None:
            self.no_unit.append(values.unit_cell)
        elif values.unit:
            indicator[F.MEASURE] = values.unit
        for key in (F.NOTE, F.BASIS, F.DIRECTION):
            if texts.get(key):
                indicator[key] = texts[key]
        if texts.get(F.WEIGHT):
            weight = vocab.number(str(texts[F.WEIGHT]))
            indicator[F.WEIGHT] = yaml_number(weight) if weight is not None else texts[F.WEIGHT]
        if values.remark:
            indicator[F.REMARK] = values.remark
        for key, value in list(indicator.items()):  # the layout's 印作 and 取值别名 read back
            if isinstance(value, str) and (canonical := self.regional.canonical_value(key, value)) is not None:
                indicator[key] = canonical
        return {key: indicator[key] for key in KEY_ORDER if key in indicator}

    def mark_placeholders(self, row: list[Cell]) -> None:
        for cell in row:
            if vocab.is_placeholder(cell.text):
                cell.use()

    def orphan(self, row: list[Cell]) -> None:
        filled = [cell for cell in row if not cell.blank]
        cells = "、".join(f"“{excerpt(cell.text, 16)}”" for cell in filled)
        self.source.report("I027", filled[0], problem=f"找不到它的一级指标或二级指标，这一行（{cells}）没有导入")
        for cell in row:
            cell.use()

    def label(self, cell: Cell | None, recognise: Any) -> str | None:
        if cell is None or cell.blank or vocab.is_placeholder(cell.text):
            if cell is not None and vocab.is_placeholder(cell.text):
                cell.use()
            return None
        cell.use()
        cleaned, fixes = clean(cell.text)
        known = recognise(cleaned)
        if fixes:
            self.source.report("I022", cell, text=excerpt(cell.text), fixes="、".join(fixes), result=excerpt(known or cleaned))
        return str(known) if known else cleaned

    def text_of(self, cell: Cell | None, key: str) -> str:
        if cell is None or cell.blank:
            return ""
        if key == F.LEVEL3 and vocab.is_placeholder(cell.text):
            cell.use()
            return ""
        cell.use()
        cleaned, fixes = clean(cell.text)
        if fixes:
            self.source.report("I022", cell, text=excerpt(cell.text), fixes="、".join(fixes), result=excerpt(cleaned))
        return cleaned

    def levels(self, given1: str | None, given2: str | None, anchor: Cell) -> tuple[str | None, str | None]:
        """The row's 一级 and 二级: as given, or repeated from the row above (a merged cell); a grid without
        a 一级指标 column takes it from the 二级."""
        if F.LEVEL1 not in self.columns and given2 is not None:
            self.level1, self.level2 = vocab.OWNER.get(given2, self.level1), given2
            return self.level1, self.level2
        if given1 is not None:
            if given1 != self.level1:
                self.level2 = None
            self.level1 = given1
        if given2 is not None:
            self.level2 = given2
            owner = vocab.OWNER.get(given2)
            inherited = self.level1 if given1 is None else None
            misplaced = given2 not in vocab.ALLOWED.get(inherited or "", set()) and not self.regional.allows(
                inherited or "", given2
            )  # the layout's 增设二级指标
            known = inherited is None or inherited in vocab.ALLOWED  # an unknown 一级 is left to check
            if owner is not None and given1 is None and misplaced and known:
                self.source.report("I026", anchor, level2=given2, level1=owner, previous=inherited or "无")
                self.level1 = owner
        elif given1 is not None and self.level2 is None:
            allowed = sorted(vocab.ALLOWED.get(given1, set()))
            if len(allowed) == 1:  # 满意度指标 has one 二级 only: no doubt which one is meant
                self.level2 = allowed[0]
                self.source.report("I026", anchor, level2=allowed[0], level1=given1, previous="空白")
        return self.level1, self.level2

    # --- step 3: the value cells ---------------------------------------------------------------

    def values(self, by_col: dict[int, Cell], shift: int) -> tuple[Values, list[Cell]]:
        slots = {key: by_col.get(self.columns[key] + shift) for key in VALUE_SLOTS if key in self.columns}
        remark = by_col.get(self.columns[F.REMARK] + shift) if F.REMARK in self.columns else None
        last = max(self.columns.values()) + shift
        spare = [cell for col, cell in sorted(by_col.items()) if col > last]
        window = [c for c in [*slots.values(), remark, *spare] if c is not None and not c.blank]
        if not self.has_type_column:
            return self.combined(slots.get(F.VALUE), slots.get(F.MEASURE), remark, spare), window
        texts = {key: (cell.text.strip() if cell is not None else "") for key, cell in slots.items()}
        extra = [c for c in [remark, *spare] if c is not None and not c.blank]
        if self.as_expected(texts, extra):
            return self.positional(slots, remark, spare), window
        assigned = self.by_kind(window)
        if assigned is None:
            cells = "、".join(f"“{excerpt(c.text, 12)}”" for c in window)
            self.source.report("I025", window[0], cells=cells)
            return self.positional(slots, remark, spare), window
        before = "、".join(f"“{excerpt(c.text, 12)}”" for c in window)
        shown_value = assigned.value if not isinstance(assigned.value, Decimal) else format(assigned.value, "f")
        self.source.report(
            "I020",
            window[0],
            cells=before,
            operator=assigned.operator,
            value=excerpt(str(shown_value)),
            unit=assigned.unit or "空",
        )
        return assigned, window

    def as_expected(self, texts: dict[str, str], extra: list[Cell]) -> bool:
        kinds = {key: vocab.kind(text) for key, text in texts.items()}
        op_kind = kinds.get(F.OPERATOR, "empty")
        if op_kind not in ("empty", "operator"):
            return False
        if kinds.get(F.VALUE) == "operator" or kinds.get(F.MEASURE) in ("operator", "number"):
            return False
        comparison = op_kind == "operator" and vocab.operator(texts[F.OPERATOR]) != "定性"
        if comparison and kinds.get(F.VALUE) == "unit":
            return False
        if op_kind == "operator" and vocab.operator(texts[F.OPERATOR]) == "定性" and kinds.get(F.VALUE) == "empty":
            return not extra
        missing = any(kind == "empty" for kind in kinds.values())
        spare_kinds = {vocab.kind(c.text) for c in extra}
        return not (missing and spare_kinds & {"operator", "number", "unit"})

    def positional(self, slots: dict[str, Cell | None], remark: Cell | None, spare: list[Cell]) -> Values:
        out = Values()
        for cell in slots.values():
            if cell is not None and vocab.is_placeholder(cell.text):
                cell.use()
        slots = {k: (None if c is None or vocab.is_placeholder(c.text) else c) for k, c in slots.items()}
        op_cell, value_cell, unit_cell = slots.get(F.OPERATOR), slots.get(F.VALUE), slots.get(F.MEASURE)
        if op_cell is not None and not op_cell.blank:
            op_cell.use()
            out.operator = vocab.operator(op_cell.text) or op_cell.text.strip()
            self.note_width(op_cell, out.operator)
        if value_cell is not None and not value_cell.blank:
            value_cell.use()
            out.value = self.value_text(value_cell, out.operator)
        if unit_cell is not None and not unit_cell.blank:
            unit_cell.use()
            out.unit, out.unit_cell = self.unit_text(unit_cell), unit_cell
        if remark is not None and not remark.blank:
            out.remark = self.text_of(remark, F.REMARK)
        self.embedded(out, value_cell)
        return out

    def embedded(self, out: Values, cell: Cell | None) -> None:
        """A quantity written with its operator or unit in the 指标值 column ("≥90%")."""
        if cell is None or not isinstance(out.value, str):
            return
        parsed = vocab.split_value(out.value)
        if parsed is None or out.operator == "定性":
            return
        operator, number, unit = parsed
        if (out.operator and operator and operator != out.operator) or (out.unit and unit and unit != out.unit):
            return
        self.source.report("I023", cell, text=f"指标值“{excerpt(cell.text)}”")
        out.operator = out.operator or operator
        out.value = yaml_number(number)
        out.unit = out.unit or unit
        if out.operator is None:
            out.operator = "="
            self.source.report("I024", cell, text=excerpt(cell.text))

    def by_kind(self, cells: list[Cell]) -> Values | None:
        kinds: dict[str, list[Cell]] = {}
        for cell in cells:
            kinds.setdefault(vocab.kind(cell.text), []).append(cell)
        kinds.pop("placeholder", None)
        ops, numbers, units, texts = (kinds.get(k, []) for k in ("operator", "number", "unit", "text"))
        if len(ops) != 1 or len(units) > 1:
            return None
        operator = vocab.operator(ops[0].text)
        if operator == "定性":
            if len(texts) != 1 or numbers:
                return None
            value_cell = texts[0]
            value: Any = self.text_of(value_cell, F.VALUE)
        else:
            if len(numbers) != 1 or len(texts) > (0 if units else 1):
                return None
            value_cell = numbers[0]
            if texts and len(texts[0].text.strip()) > 4:
                return None
            number = vocab.number(value_cell.text)
            value = yaml_number(number) if number is not None else value_cell.text
        unit_cells = units or ([] if operator == "定性" else texts)
        for cell in [*ops, value_cell, *unit_cells]:
            cell.use()
        unit_cell = unit_cells[0] if unit_cells else None
        return Values(operator=operator, value=value, unit=self.unit_text(unit_cell) if unit_cell else "", unit_cell=unit_cell)

    def combined(self, value_cell: Cell | None, unit_cell: Cell | None, remark: Cell | None, spare: list[Cell]) -> Values:
        """Layouts without an 指标值类型 column: the operator (and unit) are written in the value."""
        out = Values()
        if remark is not None and not remark.blank:
            out.remark = self.text_of(remark, F.REMARK)
        if unit_cell is not None and not unit_cell.blank:
            unit_cell.use()
            out.unit, out.unit_cell = self.unit_text(unit_cell), unit_cell
        if value_cell is None or value_cell.blank:
            return out
        value_cell.use()
        parsed = vocab.split_value(value_cell.text)
        # A form whose layout requires a sign prints "=" as nothing (100%): read back as "=", reported; a
        # form that prints values without a sign ("10辆", "优良") keeps them so.
        if parsed is not None:
            operator, number, unit = parsed
            out.value, out.unit = yaml_number(number), out.unit or unit
            out.operator = operator or ("=" if self.requires_sign else None)
            if operator is None and self.requires_sign:
                self.source.report("I024", value_cell, text=excerpt(value_cell.text))
            elif operator is not None:
                self.splits.append(value_cell)
            return out
        bare = vocab.number(value_cell.text)
        if bare is not None:
            out.operator, out.value = ("=" if self.requires_sign else None), yaml_number(bare)
            if self.requires_sign:
                self.source.report("I024", value_cell, text=excerpt(value_cell.text))
            return out
        out.operator, out.value = ("定性" if self.requires_sign else None), self.text_of(value_cell, F.VALUE)
        return out

    def value_text(self, cell: Cell, operator: str | None) -> Any:
        if operator not in (None, "定性"):
            number = vocab.number(cell.text)
            if number is not None:
                self.note_width(cell, format(number, "f"))
                return yaml_number(number)
        return self.text_of(cell, F.VALUE)

    def unit_text(self, cell: Cell) -> str:
        cleaned, fixes = clean(cell.text)
        if fixes:
            self.source.report("I022", cell, text=excerpt(cell.text), fixes="、".join(fixes), result=cleaned)
        return vocab.unit(cleaned) or cleaned

    def note_width(self, cell: Cell, result: str) -> None:
        if vocab.norm(cell.text) != cell.text.strip() and any("\uff01" <= c <= "\uff5e" for c in cell.text):
            self.source.report("I022", cell, text=excerpt(cell.text), fixes="全角改为半角", result=result)
