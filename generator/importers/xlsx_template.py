"""An empty project table as an Excel editing form (``jixiao new project … --xlsx``).

The form is the table the region's layout names in its 录入模板 (形式 表格: the table as printed, rows
and labels; 形式 逐行: one row per indicator, the project's columns on each), so an editor fills it in
Excel or WPS like the paper form, and ``jixiao import`` reads it back with the same code as
any other workbook. What the tree already knows is filled in: the title with the budget year, the
unit, the money unit, the project's name and amount. The indicator grid has one labelled row per
二级指标 of the region's framework and blank rows below it; a row left blank is skipped on import,
a labelled row left unfilled becomes the form's placeholder row ("/").
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from generator.atomic import write_atomic
from generator.check.rules.framework import FRAMEWORKS
from generator.data import fields as F
from generator.data import regional as regionals
from generator.data.load import REGION_FILE, UNIT_FILE, Document, load
from generator.render.cells import lookup
from generator.render.layout import (
    PLACEHOLDER,
    DetailSpec,
    FormSpec,
    GridSpec,
    IndicatorSpec,
    KeyValueSpec,
    ProjectIndicatorSpec,
    RowSpec,
    load_layout,
)
from generator.render.layout import PROJECT as LAYOUT_PROJECT

SPARE_ROWS = 2
OPERATORS = "≥,≤,=,>,<,定性"


def _data(path: Path) -> dict[str, Any]:
    loaded = load(path)
    return loaded.data if isinstance(loaded, Document) else {}


def _text(value: Any) -> str:
    if isinstance(value, Decimal):  # 10.0 from --amount 10 is shown as 10
        return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))
    return "" if value is None else str(value)


class _Form:
    def __init__(self, sheet: Any) -> None:
        self.sheet, self.row = sheet, 0

    def line(self, *cells: tuple[int, str], merge: tuple[int, int] | None = None) -> int:
        """Write one row: (column, text) pairs; ``merge`` spans columns of the first cell.

        A text longer than a cell holds goes on in the same column of the rows below, laid out
        alike (openpyxl would cut it at 32,767 characters without a word): nothing is lost, and
        the import reports the extra rows rather than dropping them.
        """
        from openpyxl.styles import Alignment

        from generator.render.excel import excel_pieces

        pieces = [(col, excel_pieces(text)) for col, text in cells]
        for depth in range(max((len(texts) for _, texts in pieces), default=1)):
            self.row += 1
            for col, texts in pieces:
                text = texts[depth] if depth < len(texts) else ""
                cell = self.sheet.cell(row=self.row, column=col, value=text if text != "" else None)
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                cell.number_format = "@"  # text: "=" or "2026.01" must stay as typed
            if merge is not None:
                self.sheet.merge_cells(start_row=self.row, start_column=merge[0], end_row=self.row, end_column=merge[1])
        return self.row


def _grid(form: _Form, framework: int, first_col: int) -> tuple[int, int]:
    start = form.row + 1
    for level1, level2s in FRAMEWORKS[framework].items():
        for index, level2 in enumerate(level2s):
            form.line((first_col, level1 if index == 0 else ""), (first_col + 1, level2))
            for _ in range(SPARE_ROWS):
                form.line()
    return start, form.row


def _fill(text: str, context: dict[str, str]) -> str:
    """A caption with its placeholders ({金额单位}, {单位名称}…) filled from what the tree knows."""
    return PLACEHOLDER.sub(lambda m: context.get(m.group(1), ""), text)


def _value(project: dict[str, Any], path: str, context: dict[str, str]) -> str:
    if "{" in path:
        return _fill(path, {**context, **{k: _text(v) for k, v in project.items() if not isinstance(v, dict | list)}})
    return _text(lookup(project, path))


def _table_form(
    form: _Form, spec: FormSpec, unit: dict[str, Any], project: dict[str, Any], context: dict[str, str], framework: int
) -> tuple[int, int, int | None]:
    """The layout's table as the editor fills it: its title, header lines and rows, with what the tree knows
    filled in; the indicator grid one labelled row per 二级指标. Returns the grid's rows and the column of
    its 指标值类型 (for a drop-down list of the signs), if it has one."""
    grids = [block for block in spec.blocks if isinstance(block, GridSpec)]
    width = max((sum(1 for _ in block.widths) for block in grids), default=6)
    form.line((1, _fill(spec.title, context)), merge=(1, width))
    heading = [_fill(text, context) for text in spec.heading]
    if heading:
        form.line(*[(1, heading[0])] + ([(max(2, width - 2), heading[-1])] if len(heading) > 1 else []))
    start = end = 0
    operator_col: int | None = None
    for block in grids:
        below: dict[int, int] = {}  # column → rows a cell above still spans
        for row in block.rows:
            if isinstance(row, RowSpec):
                cells, col = [], 1
                for cell in row.cells:
                    while below.get(col, 0) > 0:
                        col += 1
                    text = _value(project, cell.path, context) if cell.path else _fill(cell.text or "", context)
                    cells.append((col, text))
                    if cell.rowspan > 1:
                        below.update({c: cell.rowspan for c in range(col, col + cell.colspan)})
                    col += cell.colspan
                below = {c: n - 1 for c, n in below.items() if n > 1}
                form.line(*cells)
            elif isinstance(row, KeyValueSpec):
                form.line((1, row.label), *((i + 2, key) for i, key in enumerate(row.keys)))
                form.line()
            elif isinstance(row, DetailSpec):
                titles = [_fill(column.title, context) for column in row.columns]
                first = 2 if row.label else 1
                form.line(*([(1, row.label)] if row.label else []), *((first + i, t) for i, t in enumerate(titles)))
                for _ in range(SPARE_ROWS):
                    form.line()
                if row.total is not None:
                    form.line((1, _fill(row.total.label, context)))
            elif isinstance(row, IndicatorSpec):
                first = 2 if row.label else 1
                titles = [column.title for column in row.columns]
                form.line(*([(1, row.label)] if row.label else []), *((first + i, t) for i, t in enumerate(titles)))
                paths = [column.path for column in row.columns]
                level1 = first + paths.index(F.LEVEL1) if F.LEVEL1 in paths else None
                level2 = first + paths.index(F.LEVEL2) if F.LEVEL2 in paths else first
                if F.OPERATOR in paths:
                    operator_col = first + paths.index(F.OPERATOR)
                start = form.row + 1
                for one, twos in FRAMEWORKS[framework].items():
                    for index, two in enumerate(twos):
                        cells = [(level2, two)] + ([(level1, one if index == 0 else "")] if level1 else [])
                        form.line(*sorted(cells))
                        for _ in range(SPARE_ROWS):
                            form.line()
                end = form.row
    return start, end, operator_col


def _rows_form(
    form: _Form, spec: FormSpec, unit: dict[str, Any], project: dict[str, Any], context: dict[str, str], framework: int
) -> tuple[int, int, int | None]:
    """One row per indicator (a sheet of projects' indicators): the header, then a row per 二级指标 with the
    project's columns filled on the first."""
    rows = [
        row for block in spec.blocks if isinstance(block, GridSpec) for row in block.rows if isinstance(row, ProjectIndicatorSpec)
    ]
    columns = rows[0].columns if rows else ()
    form.line((1, _fill(spec.title, context)), merge=(1, max(1, len(columns))))
    for text in spec.heading:
        form.line((1, _fill(text, context)))
    form.line(*((i + 1, column.title) for i, column in enumerate(columns)))
    start = form.row + 1
    paths = [column.path for column in columns]
    first = True
    for one, twos in FRAMEWORKS[framework].items():
        for two in twos:
            cells = []
            for i, column in enumerate(columns):
                if column.indicator:
                    text = one if column.path == F.LEVEL1 else two if column.path == F.LEVEL2 else ""
                else:
                    text = _value(project, column.path, context) if first else ""
                cells.append((i + 1, text))
            form.line(*cells)
            first = False
    operator_col = paths.index(F.OPERATOR) + 1 if F.OPERATOR in paths else None
    return start, form.row, operator_col


def template_bytes(project_file: Path) -> bytes:
    """The editing form for the project file ``project_file`` (in its unit folder): the table the region's
    layout names in its 录入模板 (or its first project table), as the layout prints it."""
    import io

    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    unit_dir = project_file.parent
    region_dir = unit_dir.parent.parent
    region = _data(region_dir / REGION_FILE)
    unit = _data(unit_dir / UNIT_FILE)
    project = _data(project_file)
    layout = load_layout(str(region.get(F.LAYOUT) or regionals.DEFAULT_LAYOUT), region_dir)
    declared = layout.regional
    framework = int(region.get(F.FRAMEWORK) or declared.framework or 2021)
    money = str(region.get(F.MONEY_UNIT) or declared.money_unit or "万元")
    entry = declared.entry
    spec = next((form for form in layout.forms if form.name == entry.get("表格")), None) or next(
        (form for form in layout.forms if form.subject == LAYOUT_PROJECT), layout.forms[0]
    )
    context = {
        "年度": unit_dir.parent.name,
        F.MONEY_UNIT: money,
        F.UNIT_NAME: _text(unit.get(F.UNIT_NAME)),
        F.UNIT_CODE: _text(unit.get(F.UNIT_CODE)),
        F.SUPERVISOR: _text(unit.get(F.SUPERVISOR)),
        "地区": _text(region.get(F.REGION_NAME)),
        F.ORDER: _text(project.get(F.ORDER)),
        F.PROJECT_NAME: _text(project.get(F.PROJECT_NAME)),
    }
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = str(entry.get("工作表") or spec.name)[:31]
    form = _Form(sheet)
    writer = _rows_form if entry.get("形式") == "逐行" else _table_form
    start, end, operator_col = writer(form, spec, unit, project, context, framework)
    if operator_col is not None and end >= start:
        operators = DataValidation(type="list", formula1=f'"{OPERATORS}"', allow_blank=True)
        column = get_column_letter(operator_col)
        operators.add(f"{column}{start}:{column}{end}")
        sheet.add_data_validation(operators)
    for number in range(1, sheet.max_column + 1):
        sheet.column_dimensions[get_column_letter(number)].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def write_template(project_file: Path, folder: Path | None = None) -> Path:
    """Write ``<项目>.xlsx`` into ``folder`` (by default next to the project's YAML); never over an existing file."""
    target = project_file.with_suffix(".xlsx") if folder is None else folder / project_file.with_suffix(".xlsx").name
    if target.exists():
        from generator.errors import UsageError

        raise UsageError(f"“{target}”已经存在，不会覆盖")
    data = template_bytes(project_file)
    try:
        write_atomic(target, data, overwrite=False)
    except FileExistsError:
        from generator.errors import UsageError

        raise UsageError(f"“{target}”已经存在，不会覆盖") from None
    return target
