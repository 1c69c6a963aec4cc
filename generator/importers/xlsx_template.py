"""An empty project table as an Excel editing form (``jixiao new project … --xlsx``).

The form has the labels and layout of the region's printed table (湖南 or 河北), so an editor fills
it in Excel or WPS like the paper form, and ``jixiao import`` reads it back with the same code as
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
from generator.data.load import REGION_FILE, UNIT_FILE, Document, load

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


def _hunan(form: _Form, year: str, unit: dict[str, Any], project: dict[str, Any], money: str,
           framework: int) -> tuple[int, int, str]:
    form.line((1, f"{year}年项目支出绩效目标表"), merge=(1, 8))
    form.line((1, f"填报单位（盖章）：{_text(unit.get(F.UNIT_NAME))}"), (6, f"金额单位：{money}"))
    form.line((1, F.PROJECT_NAME), (2, _text(project.get(F.PROJECT_NAME))), merge=(2, 8))
    form.line((1, "年度本级预算金额"), (2, _text(project.get(F.AMOUNT))), (5, F.CATEGORY),
              (6, _text(project.get(F.CATEGORY))))
    form.line((1, "项目支出实施期"), (2, _text(project.get(F.PERIOD))), merge=(2, 8))
    form.line((1, F.GOALS), (2, _text(project.get(F.GOALS))), merge=(2, 8))
    header = (F.LEVEL1, F.LEVEL2, F.LEVEL3, F.VALUE, F.MEASURE, F.OPERATOR, F.REMARK)
    form.line((1, "本年度绩效指标"), *((i + 2, label) for i, label in enumerate(header)))
    start, end = _grid(form, framework, 2)
    return start, end, "G"


def _hebei(form: _Form, unit: dict[str, Any], project: dict[str, Any], money: str,
           framework: int) -> tuple[int, int, str]:
    name = _text(project.get(F.PROJECT_NAME))
    form.line((1, f"{name}绩效目标表"), merge=(1, 6))
    form.line((1, _text(unit.get(F.UNIT_CODE)) + _text(unit.get(F.UNIT_NAME))), (6, f"单位：{money}"))
    form.line((1, F.PROJECT_CODE), (2, _text(project.get(F.PROJECT_CODE))), (3, F.PROJECT_NAME), (4, name))
    form.line((1, "预算规模及资金用途"), (2, "预算数"), (3, _text(project.get(F.AMOUNT))), (4, "其中：财政资金"),
              (6, F.OTHER_FUNDS))
    form.line((1, ""), (2, _text(project.get(F.USE_OF_FUNDS))), merge=(2, 6))
    form.line((1, "资金支出计划（%）"), (2, "3月底"), (3, "6月底"), (4, "10月底"), (5, "12月底"))
    form.line()
    form.line((1, "绩效目标"), (2, ""), merge=(2, 6))
    header = (F.LEVEL1, F.LEVEL2, F.LEVEL3, "绩效指标描述", F.VALUE, "指标值确定依据")
    form.line(*((i + 1, label) for i, label in enumerate(header)))
    start, end = _grid(form, framework, 1)
    return start, end, ""


def template_bytes(project_file: Path) -> bytes:
    """The editing form for the project file ``project_file`` (in its unit folder)."""
    import io

    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    unit_dir = project_file.parent
    region = _data(unit_dir.parent.parent / REGION_FILE)
    unit = _data(unit_dir / UNIT_FILE)
    project = _data(project_file)
    layout = str(region.get(F.LAYOUT) or "湖南")
    framework = int(region.get(F.FRAMEWORK) or (2015 if layout == "河北" else 2021))
    money = str(region.get(F.MONEY_UNIT) or "万元")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "项目支出绩效目标表" if layout != "河北" else "预算项目绩效目标表"
    form = _Form(sheet)
    if layout == "河北":
        _hebei(form, unit, project, money, framework)
    else:
        start, end, column = _hunan(form, unit_dir.parent.name, unit, project, money, framework)
        operators = DataValidation(type="list", formula1=f'"{OPERATORS}"', allow_blank=True)
        operators.add(f"{column}{start}:{column}{end}")
        sheet.add_data_validation(operators)
    for letter, width in zip("ABCDEFGH", (16, 12, 16, 28, 12, 10, 10, 14), strict=True):
        sheet.column_dimensions[letter].width = width
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

