"""Editable workbooks of a unit's projects, and bringing them back (``jixiao export``, ``jixiao import``).

For editors who work in Excel or WPS. ``export_unit`` writes one workbook for a unit, a sheet for each of
its projects: the project's fields (a row each: label, value) and its indicator table (a row each), labels
locked and values open, drop-down lists for 一级/二级指标 (the region's framework with its 增设二级指标),
指标值类型 and the common 度量单位, and empty rows for new indicators. A hidden sheet carries each sheet's
identity: the file it came from (relative to the data folder), a digest of that file as exported, and
where each field and row is. Sheets and structure are protected (no row inserted, no sheet renamed or
added), so that the identity holds.

``import_workbooks`` brings the values back onto the files they came from. Only a cell whose text differs
from what was exported changes its field, through the round-trip YAML of ``jixiao fmt``: 序号, 填报单位,
备注, acknowledgements, comments and key order stay as they are, and one changed cell is one changed field.
A file changed since the export is left alone (I055) unless forced. Nothing is written but the YAML files
the workbook names, inside the data folder.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml.error import MarkedYAMLError

from generator.atomic import write_atomic
from generator.data import fields as F
from generator.data import schemas
from generator.data.bounds import within
from generator.data.load import REGION_FILE, UNIT_FILE, Document, display_path, load, translate_yaml_error
from generator.data.normalize import as_number
from generator.diagnostics import Diagnostic, Report, make
from generator.errors import UsageError
from generator.importers.write import Outcome
from generator.names import safe_filename

META_SHEET = "jixiao"
MARKER = "jixiao 可编辑工作簿"
VERSION = 1
SPARE_ROWS = 10
FIELD_VALUE_COLUMN = 2
# Always shown, filled or not: what every project table has. Any other field is shown when the file has it.
CORE_FIELDS = (F.PROJECT_NAME, F.PROJECT_CODE, F.CATEGORY, F.AMOUNT, F.PERIOD, F.GOALS)
CORE_COLUMNS = (F.LEVEL1, F.LEVEL2, F.LEVEL3, F.OPERATOR, F.VALUE, F.MEASURE)
HIDDEN_FIELDS = (F.ORDER,)  # bookkeeping of the published order: kept as it is, never edited here
COMMON_UNITS = (
    "%",
    "人",
    "人次",
    "户",
    "家",
    "个",
    "次",
    "项",
    "件",
    "场",
    "期",
    "所",
    "元",
    "万元",
    "年",
    "月",
    "天",
    "小时",
    "平方米",
    "公里",
    "分",
)
WIDTHS = {F.LEVEL1: 14, F.LEVEL2: 16, F.LEVEL3: 30, F.OPERATOR: 11, F.VALUE: 14, F.MEASURE: 10}
HELP = (
    "只改白色的格（灰色的是栏目名称）。删去一条指标：清空它整行的格；新的指标：写在表末的空行中。"
    "改好后保存（仍为 .xlsx），用 jixiao import 导入这个文件：只有改过的格会写回数据文件。"
)


@dataclass
class RoundTripResult:
    report: Report
    outcomes: list[Outcome] = field(default_factory=list)


# --- what is shown, and how ----------------------------------------------------------------------------


def _node(at: str, key: str) -> dict[str, Any]:
    node: Any = schemas.resolved("project")
    for part in filter(None, at.split(".")):
        node = node.get("properties", {}).get(part, {})
        node = node.get("items", node) if node.get("type") == "array" else node
    found: dict[str, Any] = node.get("properties", {}).get(key, {})
    return found


def _kinds(node: dict[str, Any]) -> set[str]:
    """What a field may hold: text, number, lines (a list of texts), other (a mapping or a list of them)."""
    kinds: set[str] = set()
    types = node.get("type", [])
    for kind in [types] if isinstance(types, str) else types:
        if kind == "array":
            kinds.add("lines" if _kinds(node.get("items", {})) <= {"text"} else "other")
        elif kind in ("number", "integer"):
            kinds.add("number")
        elif kind == "string":
            kinds.add("text")
        elif kind != "null":  # null: a field left empty, as an empty cell is
            kinds.add("other")
    for sub in [*node.get("anyOf", []), *node.get("oneOf", [])]:
        kinds |= _kinds(sub)
    if "enum" in node and not kinds:
        kinds.add("text")
    return kinds


def _editable(at: str, key: str) -> bool:
    kinds = _kinds(_node(at, key))
    return bool(kinds) and "other" not in kinds and key not in HIDDEN_FIELDS


def shown_fields(data: dict[str, Any]) -> list[str]:
    """The project fields on the sheet, in the schema's order."""
    return [k for k in schemas.keys("project") if _editable("", k) and (k in CORE_FIELDS or k in data)]


def shown_columns(rows: list[Any]) -> list[str]:
    used = {k for row in rows if isinstance(row, dict) for k in row}
    return [k for k in schemas.keys("project", F.INDICATORS) if _editable(F.INDICATORS, k) and (k in CORE_COLUMNS or k in used)]


def as_text(value: Any) -> str:
    """A value as its cell shows it: numbers exactly as written in the file, lists a line each."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(as_text(v) for v in value)
    text = getattr(value, "text", None)  # fmt's ExactNumber, WrittenInt: as written
    if isinstance(text, str):
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def cell_text(value: Any) -> str:
    """A cell's content as text, as the editor sees it (a spreadsheet may have stored a typed number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        number = Decimal(repr(value))
        return str(int(number)) if number == number.to_integral_value() else format(number.normalize(), "f")
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def from_text(text: str, kinds: set[str], old: Any) -> Any:
    """The value an edited cell stands for: lines where the field takes them (and it had them, or the cell
    has several lines), a number where the field takes one, else text."""
    from generator.data.fmt import ExactNumber

    if "lines" in kinds and (isinstance(old, list) or "\n" in text or "text" not in kinds):
        return [line.strip() for line in text.split("\n") if line.strip()]
    if "number" in kinds:
        number = as_number(text)
        if number is not None and within(number):
            if number == number.to_integral_value() and "." not in text:
                return int(number)
            return ExactNumber(format(number, "f"))
    return text


# --- export ------------------------------------------------------------------------------------------


def data_root(unit_folder: Path) -> Path:
    """The data folder of a unit folder (data/<地区>/<年度>/<单位>), told by the region's file."""
    root = unit_folder.absolute().parent.parent.parent
    if not (unit_folder / UNIT_FILE).is_file() or not (unit_folder.absolute().parent.parent / REGION_FILE).is_file():
        raise UsageError(
            f"“{unit_folder}”不是单位文件夹：应为 data/<地区>/<年度>/<单位>，其中有 {UNIT_FILE}，地区文件夹中有 {REGION_FILE}"
        )
    return root


def inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def workbook_name(unit_folder: Path) -> str:
    return safe_filename(f"{unit_folder.absolute().name}（{unit_folder.absolute().parent.name}）") + ".xlsx"


def _lists(unit_folder: Path) -> dict[str, list[str]]:
    from generator.check.rules.framework import FRAMEWORKS
    from generator.data.model import read_region

    region = read_region(unit_folder.absolute().parent.parent / REGION_FILE)
    framework = FRAMEWORKS[region.framework]
    level2 = [name for level1 in framework for name in (*framework[level1], *region.regional.extra_level2.get(level1, ()))]
    lists = {F.LEVEL1: list(framework), F.LEVEL2: list(dict.fromkeys(level2)), F.MEASURE: list(COMMON_UNITS)}
    for key in schemas.keys("project", F.INDICATORS):
        enum = _node(F.INDICATORS, key).get("enum")
        if enum and key not in lists:
            lists[key] = [str(v) for v in enum]
    return lists


def _projects(unit_folder: Path) -> list[tuple[Path, str, dict[str, Any]]]:
    from generator.data.fmt import round_trip_yaml
    from generator.data.tree import is_data_file

    found = []
    for path in sorted(unit_folder.iterdir()):
        if path.name == UNIT_FILE or not is_data_file(path) or path.is_symlink() or not path.is_file():
            continue
        loaded = load(path)
        if not isinstance(loaded, Document):
            raise UsageError(f"“{display_path(path)}”无法读取（{loaded.code} {loaded.message}）：请先改正，再导出")
        data = round_trip_yaml().load(loaded.text)
        if isinstance(data, dict):
            found.append((path, loaded.text, data))
    return found


def _sheet_title(name: str, taken: set[str]) -> str:
    base = "".join("_" if c in "[]:*?/\\'" else c for c in name).strip() or "项目"
    title, n = base[:31], 2
    while title.lower() in taken or title.lower() == META_SHEET:
        suffix = f"（{n}）"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def workbook_bytes(unit_folder: Path) -> bytes:
    """The editable workbook of the unit in ``unit_folder``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter
    from openpyxl.workbook.protection import WorkbookProtection
    from openpyxl.worksheet.datavalidation import DataValidation

    root = data_root(unit_folder)
    projects = _projects(unit_folder)
    if not projects:
        raise UsageError(f"“{unit_folder}”中没有项目文件，没有可导出的内容")
    lists = _lists(unit_folder)
    book = Workbook()
    meta = book.active
    assert meta is not None
    meta.title = META_SHEET
    meta.sheet_state = "hidden"
    meta.cell(row=1, column=1, value=MARKER)
    meta.cell(row=1, column=2, value=VERSION)
    list_ranges = {}
    for col, (key, values) in enumerate(lists.items(), start=4):
        meta.cell(row=1, column=col, value=key)
        for row, value in enumerate(values, start=2):
            meta.cell(row=row, column=col, value=value)
        letter = get_column_letter(col)
        list_ranges[key] = f"{META_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    label = PatternFill("solid", fgColor="E7E6E6")
    open_cell = Protection(locked=False)
    wrap = Alignment(wrap_text=True, vertical="top")
    taken: set[str] = set()
    for index, (path, text, data) in enumerate(projects, start=2):
        sheet = book.create_sheet(_sheet_title(as_text(data.get(F.PROJECT_NAME)) or path.stem, taken))
        listed = data.get(F.INDICATORS)
        rows: list[Any] = listed if isinstance(listed, list) else []
        columns = shown_columns(rows)
        width = max(len(columns), 2)
        sheet.cell(row=1, column=1, value=as_text(data.get(F.PROJECT_NAME)) or path.stem).font = Font(bold=True, size=14)
        sheet.cell(row=2, column=1, value=HELP).alignment = wrap
        sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
        sheet.row_dimensions[2].height = 32
        at = 4
        placed: list[list[Any]] = []
        for key in shown_fields(data):
            head = sheet.cell(row=at, column=1, value=key)
            head.fill, head.font = label, Font(bold=True)
            cell = sheet.cell(row=at, column=FIELD_VALUE_COLUMN, value=as_text(data.get(key)) or None)
            cell.protection, cell.alignment, cell.number_format = open_cell, wrap, "@"
            sheet.merge_cells(start_row=at, start_column=FIELD_VALUE_COLUMN, end_row=at, end_column=width)
            placed.append([key, at])
            at += 1
        header = at + 1
        for col, key in enumerate(columns, start=1):
            head = sheet.cell(row=header, column=col, value=key)
            head.fill, head.font, head.alignment = label, Font(bold=True), wrap
            sheet.column_dimensions[get_column_letter(col)].width = WIDTHS.get(key, 20)
        for offset in range(len(rows) + SPARE_ROWS):
            row = rows[offset] if offset < len(rows) and isinstance(rows[offset], dict) else {}
            for col, key in enumerate(columns, start=1):
                cell = sheet.cell(row=header + 1 + offset, column=col, value=as_text(row.get(key)) or None)
                cell.protection, cell.alignment, cell.number_format = open_cell, wrap, "@"
        last = header + len(rows) + SPARE_ROWS
        for col, key in enumerate(columns, start=1):
            if key in list_ranges:
                # A listed unit is a suggestion (any other may be typed); the others must come from their list.
                free = key == F.MEASURE
                check = DataValidation(
                    type="list",
                    formula1=list_ranges[key],
                    allow_blank=True,
                    showErrorMessage=not free,
                    errorTitle="不在列表中",
                    error=f"{key}请从列表中选择。",
                )
                letter = get_column_letter(col)
                check.add(f"{letter}{header + 1}:{letter}{last}")
                sheet.add_data_validation(check)
        _fit(sheet, columns, [row for _, row in placed], header, len(rows))
        sheet.freeze_panes = sheet.cell(row=header + 1, column=1)
        sheet.protection.sheet = True
        sheet.protection.formatColumns = False  # widening a column is allowed; inserting a row is not
        sheet.protection.formatRows = False
        identity = {
            "sheet": sheet.title,
            "file": path.absolute().relative_to(root).as_posix(),
            "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "fields": placed,
            "header": header,
            "columns": columns,
            "rows": len(rows),
            "spare": SPARE_ROWS,
        }
        meta.cell(row=index, column=1, value=json.dumps(identity, ensure_ascii=False))
    meta.protection.sheet = True
    book.security = WorkbookProtection(lockStructure=True)
    book.active = 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a column ``width`` characters wide (a Chinese character is two)."""
    per_line = max(int(width / 2), 1)
    return sum(max(1, -(-len(line) // per_line)) for line in (text or "").split("\n"))


def _fit(sheet: Any, columns: list[str], field_rows: list[int], header: int, count: int) -> None:
    """Rows tall enough for their wrapped text (spreadsheets do not grow a row for a merged cell), and a page
    setup that prints the sheet one page wide."""
    widths = [WIDTHS.get(key, 20) for key in columns]
    value_width = sum(widths[FIELD_VALUE_COLUMN - 1 :]) or 20
    for row in [*field_rows, *range(header + 1, header + 1 + count)]:
        cells = (
            [(sheet.cell(row=row, column=FIELD_VALUE_COLUMN).value, value_width)]
            if row in field_rows
            else [(sheet.cell(row=row, column=col).value, width) for col, width in enumerate(widths, start=1)]
        )
        lines = max((_lines(str(value), width) for value, width in cells if value), default=1)
        if lines > 1:
            sheet.row_dimensions[row].height = 15 * min(lines, 20)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def export_unit(unit_folder: Path, out_folder: Path, force: bool = False) -> Path:
    """Write the unit's editable workbook into ``out_folder``, which is never inside the data folder."""
    root = data_root(unit_folder)
    if inside(out_folder, root):
        raise UsageError(f"工作簿不写进数据文件夹“{display_path(root)}”（其中只放 YAML 数据文件）：请用 --out 指定别的文件夹")
    target = out_folder / workbook_name(unit_folder)
    data = workbook_bytes(unit_folder)
    out_folder.mkdir(parents=True, exist_ok=True)
    try:
        write_atomic(target, data, overwrite=force)
    except FileExistsError:
        raise UsageError(
            f"“{display_path(target)}”已经存在，不会覆盖（其中可能有没有导入的修改）：先导入它，或加 --force 覆盖"
        ) from None
    return target


# --- import ------------------------------------------------------------------------------------------

# An exported workbook is small: a sheet per project of a unit. Anything larger is no workbook of ours, and is
# left to the ordinary import, whose limits (generator.importers.limits) guard against hostile files.
MAX_WORKBOOK_BYTES = 20 << 20
MAX_PART_BYTES = 8 << 20


def is_editable_workbook(path: Path) -> bool:
    """Whether ``path`` is a workbook made by ``jixiao export``: its workbook part names the hidden sheet. Read
    from the zip directly, bounded, never by opening the workbook (a hostile file costs nothing here)."""
    import re
    import zipfile

    if path.suffix.lower() not in (".xlsx", ".xlsm") or not path.is_file():
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if sum(i.file_size for i in infos) > MAX_WORKBOOK_BYTES or any(i.file_size > MAX_PART_BYTES for i in infos):
                return False
            part = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile, ValueError, NotImplementedError):
        return False
    return re.search(rf'<(?:\w+:)?sheet\b[^>]*\bname="{META_SHEET}"', part) is not None


@dataclass
class _Sheet:
    shown: str
    identity: dict[str, Any]
    cells: dict[tuple[int, int], str]


def _read(path: Path, report: list[Diagnostic]) -> list[_Sheet]:
    from openpyxl import load_workbook

    shown = display_path(path)
    book = load_workbook(path, data_only=True)
    if book[META_SHEET].cell(row=1, column=1).value != MARKER:
        book.close()
        report.append(make("I056", shown, 1, 1, (), what=f"隐藏的工作表 {META_SHEET} 不是 jixiao export 写的"))
        return []
    meta = book[META_SHEET]
    sheets = []
    for row in range(2, meta.max_row + 1):
        raw = meta.cell(row=row, column=1).value
        if raw is None:
            continue
        try:
            identity = json.loads(str(raw))
            title = identity["sheet"]
            _ = (
                identity["file"],
                identity["sha256"],
                identity["fields"],
                identity["header"],
                identity["columns"],
                identity["rows"],
                identity["spare"],
            )
        except (ValueError, KeyError, TypeError):
            report.append(make("I056", shown, row, 1, (), what=f"隐藏的工作表 {META_SHEET} 第 {row} 行的记录无法读取"))
            continue
        if title not in book.sheetnames:
            report.append(make("I056", shown, row, 1, (), what=f"找不到工作表“{title}”"))
            continue
        sheet = book[title]
        cells = {
            (c.row, c.column): cell_text(c.value)
            for line in sheet.iter_rows()
            for c in line
            if c.value is not None and c.row is not None and c.column is not None
        }
        sheets.append(_Sheet(f"{shown}", identity, cells))
    book.close()
    return sheets


def _target(identity: dict[str, Any], out: Path) -> Path | None:
    """The data file a sheet names, inside ``out`` and nowhere else (a workbook is input, not trusted)."""
    relative = Path(str(identity["file"]))
    if (
        relative.is_absolute()
        or ".." in relative.parts
        or relative.suffix.lower() not in (".yaml", ".yml")
        or relative.name in (UNIT_FILE, REGION_FILE)
        or len(relative.parts) != 4
    ):
        return None  # a project file is data/<地区>/<年度>/<单位>/<项目>.yaml, and nothing else
    target = out / relative
    return target if inside(target, out) else None


def _put(mapping: Any, key: str, value: Any, order: tuple[str, ...]) -> None:
    """Set ``key``; a key the file did not have goes where the schema's order puts it."""
    if key in mapping:
        mapping[key] = value
        return
    rank = order.index(key) if key in order else len(order)
    position = next((i for i, k in enumerate(mapping) if k in order and order.index(k) > rank), len(mapping))
    mapping.insert(position, key, value)


def _apply(mapping: Any, key: str, text: str, at: str, order: tuple[str, ...]) -> bool:
    """Bring one cell onto ``mapping``; whether it changed anything."""
    old = mapping.get(key)
    if text == as_text(old).strip():
        return False
    if text == "":
        if key not in mapping:
            return False
        del mapping[key]
        return True
    _put(mapping, key, from_text(text, _kinds(_node(at, key)), old), order)
    return True


def _merge(data: Any, sheet: _Sheet) -> int:
    """Apply the sheet's edited cells onto ``data`` (the round-trip YAML); the number of changed fields."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    identity, cells = sheet.identity, sheet.cells
    top = schemas.keys("project")
    changed = 0
    for key, row in identity["fields"]:
        changed += _apply(data, key, cells.get((row, FIELD_VALUE_COLUMN), ""), "", top)
    columns: list[str] = identity["columns"]
    inner = schemas.keys("project", F.INDICATORS)
    rows = data.get(F.INDICATORS)
    rows = rows if isinstance(rows, list) else CommentedSeq()
    first = identity["header"] + 1
    gone = []
    for offset in range(identity["rows"]):
        texts = [cells.get((first + offset, col), "") for col in range(1, len(columns) + 1)]
        if offset >= len(rows) or not isinstance(rows[offset], dict):
            continue
        if not any(texts):
            gone.append(offset)
            continue
        for key, text in zip(columns, texts, strict=True):
            changed += _apply(rows[offset], key, text, F.INDICATORS, inner)
    for offset in reversed(gone):
        del rows[offset]
        changed += 1
    for offset in range(identity["rows"], identity["rows"] + identity["spare"]):
        texts = [cells.get((first + offset, col), "") for col in range(1, len(columns) + 1)]
        if any(texts):
            row = CommentedMap()
            for key, text in zip(columns, texts, strict=True):
                _apply(row, key, text, F.INDICATORS, inner)
            rows.append(row)
            changed += 1
    if F.INDICATORS not in data and rows:
        _put(data, F.INDICATORS, rows, top)
    return changed


def _known(sheet: _Sheet) -> set[tuple[int, int]]:
    identity = sheet.identity
    places = {(row, FIELD_VALUE_COLUMN) for _, row in identity["fields"]}
    places |= {(row, 1) for _, row in identity["fields"]} | {(1, 1), (2, 1)}
    last = identity["header"] + identity["rows"] + identity["spare"]
    places |= {(r, c) for r in range(identity["header"], last + 1) for c in range(1, len(identity["columns"]) + 1)}
    return places


def _bring_back(sheet: _Sheet, out: Path, force: bool, report: list[Diagnostic]) -> Outcome | None:
    from generator.data.fmt import CannotFormat, format_text, round_trip_yaml

    identity = sheet.identity
    target = _target(identity, out)
    if target is None:
        report.append(make("I056", sheet.shown, 1, 1, (), what=f"工作表“{identity['sheet']}”记录的文件不在数据文件夹中"))
        return None
    if target.is_symlink() or not target.is_file():
        report.append(make("I054", sheet.shown, 1, 1, (), sheet=identity["sheet"], file=display_path(target)))
        return Outcome(target, "failed")
    text = target.read_text(encoding="utf-8")
    if hashlib.sha256(text.encode("utf-8")).hexdigest() != identity["sha256"] and not force:
        report.append(make("I055", sheet.shown, 1, 1, (), sheet=identity["sheet"], file=display_path(target)))
        return Outcome(target, "conflict")
    for row, column in sorted(set(sheet.cells) - _known(sheet)):
        from openpyxl.utils import get_column_letter

        where = f"工作表“{identity['sheet']}” {get_column_letter(column)}{row}"
        report.append(make("I013", sheet.shown, row, column, (), text=f"{where}：{sheet.cells[(row, column)][:40]}"))
    yaml = round_trip_yaml()
    try:
        data = yaml.load(text)
    except MarkedYAMLError as exc:  # the file was broken after the export, and the import forced
        report.append(translate_yaml_error(exc, text, display_path(target)))
        return Outcome(target, "failed")
    if not isinstance(data, dict):
        report.append(make("I056", sheet.shown, 1, 1, (), what=f"“{display_path(target)}”不是一张项目表"))
        return Outcome(target, "failed")
    if not _merge(data, sheet):
        return Outcome(target, "unchanged")
    buffer = io.StringIO()
    yaml.dump(data, buffer)
    try:
        new = format_text(buffer.getvalue(), target)
    except CannotFormat as exc:
        report.append(exc.diagnostic)
        return Outcome(target, "failed")
    new = _first_line_as_before(text, new)
    if new == text:
        return Outcome(target, "unchanged")
    write_atomic(target, new)
    return Outcome(target, "written")


def _first_line_as_before(before: str, after: str) -> str:
    """The editor line (# yaml-language-server) as the file had it, or none if it had none: adding or
    removing it is jixiao fmt's to do (P005, P008), not a change brought back from a workbook."""
    from generator.data.schemas import SCHEMA_LINE_PREFIX

    had = before.lstrip("\ufeff").split("\n", 1)[0]
    lines = after.split("\n")
    if lines[0].startswith(SCHEMA_LINE_PREFIX):
        lines = lines[1:]
    if had.startswith(SCHEMA_LINE_PREFIX):
        lines = [had, *lines]
    return "\n".join(lines)


def import_workbooks(paths: list[Path], out: Path, force: bool = False, run_check: bool = True) -> RoundTripResult:
    """Bring editable workbooks back onto the data files in ``out`` they were exported from."""
    found: list[Diagnostic] = []
    outcomes: list[Outcome] = []
    for path in paths:
        try:
            sheets = _read(path, found)
        except Exception as exc:  # a defect met on some workbook must not hide the others, nor be a traceback
            found.append(make("I053", display_path(path), 1, 1, (), error=f"{type(exc).__name__}: {str(exc)[:120]}"))
            continue
        for sheet in sheets:
            try:
                outcome = _bring_back(sheet, out, force, found)
            except Exception as exc:
                found.append(make("I053", sheet.shown, 1, 1, (), error=f"{type(exc).__name__}: {str(exc)[:120]}"))
                continue
            if outcome is not None:
                outcomes.append(outcome)
    if run_check:
        from generator.check.run import check

        files = [o.path for o in outcomes if o.status in ("written", "unchanged")]
        if files:
            found.extend(check(files).diagnostics)
    return RoundTripResult(Report(diagnostics=found, files_checked=len(paths)), outcomes)
