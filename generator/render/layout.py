"""Official layouts (版式): one folder per layout, built in under generator/templates/official/ or carried by
a data repository in its 版式/ folder (generator.data.regional finds them).

A layout folder holds ``layout.yaml`` (titles, labels, columns, widths, merges of every table, and what
the region's forms require and how they print values) and, built in, may hold its own page templates that
override those in ``_共用/``. This module reads a layout.yaml into typed specifications and says clearly
what is wrong with one that cannot be used, so that adding a province is writing a folder, not code. The
format is described in docs/官方表格版式.md.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from generator.data import fields as F
from generator.data import regional as regionals
from generator.data.load import by_content
from generator.data.regional import LAYOUT_FILE, Regional
from generator.diagnostics import FieldPath, format_field
from generator.render import selfeval
from generator.render.form import CENTER, LEFT, LayoutError, Style

OFFICIAL = regionals.BUILT_IN  # the built-in layouts and the page templates
COMMON = regionals.COMMON

UNIT = "单位"
PROJECT = "项目"
PROJECTS = "项目"  # the data of a 明细 that lists the unit's projects
TOP = "上"  # a 合计 row above the rows it adds up (四川: the 部门 row heads the sheet)
MONEY = "金额"
PERCENT = "百分比"
ALIGNS = {"左": LEFT, "中": CENTER}
# A column of an indicator table that is not a field: the value with its operator and unit,
# as the Hebei form prints it ("≥85%", "≤10万元", "100%").
VALUE_WITH_OPERATOR = "指标值（含符号和单位）"
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
INDICATOR_FIELDS = (
    F.LEVEL1,
    F.LEVEL2,
    F.LEVEL3,
    F.OPERATOR,
    F.VALUE,
    F.MEASURE,
    F.NOTE,
    F.BASIS,
    F.REMARK,
    F.WEIGHT,
    F.DIRECTION,
    VALUE_WITH_OPERATOR,
    F.NATURE_OF_VALUE,
    F.MEDIUM_TERM_VALUE,
    F.SCORING,
    *selfeval.COLUMNS,
)


@dataclass(frozen=True)
class CellSpec:
    """A cell of a fixed row: a printed caption (``text``) or a value taken from the data (``path``)."""

    text: str | None = None
    path: str | None = None
    colspan: int = 1
    rowspan: int = 1
    align: str = ""
    fmt: str = ""
    numbering: str | None = None


@dataclass(frozen=True)
class RowSpec:
    cells: tuple[CellSpec, ...]


@dataclass(frozen=True)
class ColumnSpec:
    """A column of a 明细, 指标 or 项目指标 block: its heading, and the field it prints (a text with
    {…} placeholders when it holds "{"). In a 项目指标 block a column is an indicator's (``indicator``) or
    the project's, merged over the project's rows, or over neighbouring projects alike (``merge``)."""

    title: str
    path: str
    colspan: int = 1
    align: str = ""
    fmt: str = ""
    indicator: bool = False
    merge: bool = False


@dataclass(frozen=True)
class TotalSpec:
    """A 合计 row: the sum of each of ``paths`` over the items, or, for the first of them, the figure the
    data states at ``stated`` (a form that printed a total of rows it does not all show)."""

    label: str
    paths: tuple[str, ...]
    stated: str | None = None
    top: bool = False

    @property
    def path(self) -> str:
        return self.paths[0]


@dataclass(frozen=True)
class DetailSpec:
    """Rows repeated for each item of a list (年度主要任务, or the unit's projects)."""

    source: str
    columns: tuple[ColumnSpec, ...]
    label: str | None = None
    total: TotalSpec | None = None
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """The 绩效指标 grid: one row per indicator, equal neighbours merged in the ``merge`` columns."""

    source: str
    columns: tuple[ColumnSpec, ...]
    label: str | None = None
    merge: tuple[str, ...] = ()
    placeholder: str = ""
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class KeyValueSpec:
    """A mapping printed as two rows, keys above values (资金支出计划: 3月底 … 12月底)."""

    label: str
    path: str
    keys: tuple[str, ...]
    fmt: str = ""
    widths: tuple[float, ...] = ()


@dataclass(frozen=True)
class ProjectIndicatorSpec:
    """One row per indicator of every project of the unit, the project's columns merged over its rows: the
    sheet budget systems export (四川: 部门预算项目绩效目标申报表), with a 合计 row for the whole."""

    columns: tuple[ColumnSpec, ...]
    merge: tuple[str, ...] = ()
    total: TotalSpec | None = None
    widths: tuple[float, ...] = ()


RowBlock = RowSpec | DetailSpec | IndicatorSpec | KeyValueSpec | ProjectIndicatorSpec


@dataclass(frozen=True)
class GridSpec:
    widths: tuple[float, ...]
    rows: tuple[RowBlock, ...]


@dataclass(frozen=True)
class HeadingSpec:
    text: str


@dataclass(frozen=True)
class ParagraphSpec:
    path: str
    numbering: str | None = None


BlockSpec = GridSpec | HeadingSpec | ParagraphSpec


@dataclass(frozen=True)
class FormSpec:
    name: str
    stem: str | None
    subject: str  # UNIT or PROJECT: one table per unit, or one per project
    requires: str | None
    title: str
    heading: tuple[str, ...]
    footer: tuple[str, ...]
    landscape: bool
    blocks: tuple[BlockSpec, ...]
    style: Style  # the layout's fonts and sizes, with this table's own 字体 and 字号 over them
    recognition: dict[str, tuple[str, ...]] = field(default_factory=dict)  # 识别: 标题, 栏目 and 逐条, for import

    def labels(self) -> dict[str, tuple[str, ...]]:
        """The labels this table prints for each data field: the caption before a value cell, a column's
        heading (what an import reads a form by)."""
        found: dict[str, list[str]] = {}
        for block in self.blocks:
            for row in block.rows if isinstance(block, GridSpec) else ():
                for path, label in _row_labels(row):
                    found.setdefault(path, [])
                    if label and label not in found[path]:
                        found[path].append(label)
        return {k: tuple(v) for k, v in found.items()}


@dataclass(frozen=True)
class Layout:
    name: str
    folder: Path
    forms: tuple[FormSpec, ...]
    style: Style
    money_places: int | None
    numbering: str
    thousands: bool = False  # amounts printed with thousands separators (3,309,840.00)
    printing: Printing = field(default_factory=lambda: Printing())
    regional: Regional = field(default=regionals.NATIONAL)
    fingerprint: str = ""  # of the layout's file: what a table made with it depends on

    def printed(self, path: str, value: Any) -> Any:
        """``value`` of the field at ``path`` as this layout prints it (印作)."""
        return self.regional.printed_value(path.rsplit(".", 1)[-1], value)

    def fields_printed(self, subject: str) -> set[str]:
        """Dotted paths of the data fields that some table of this layout prints."""
        found: set[str] = set()
        for form in self.forms:
            for text in (form.title, *form.heading, *form.footer):
                found |= set(PLACEHOLDER.findall(text))
            for block in form.blocks:
                found |= _paths(block, form.subject, subject)
        return found.union(*(selfeval.SHOWS.get(path, ()) for path in found))


def _row_labels(row: RowBlock) -> list[tuple[str, str]]:
    """(field, label) pairs of a row of a layout: a caption followed by a value cell, a column's heading."""
    if isinstance(row, RowSpec):
        pairs = []
        for before, cell in zip(row.cells, row.cells[1:], strict=False):
            if cell.path and before.text is not None and "{" not in before.text:
                pairs.append((cell.path, before.text))
        return pairs
    if isinstance(row, KeyValueSpec):
        return [(row.path, row.label)]
    if isinstance(row, IndicatorSpec | ProjectIndicatorSpec | DetailSpec):
        return [(c.path, c.title) for c in row.columns if "{" not in c.path]
    return []


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _paths(block: BlockSpec, form_subject: str, subject: str) -> set[str]:
    if isinstance(block, ParagraphSpec):
        return {block.path} if form_subject == subject else set()
    if isinstance(block, HeadingSpec):
        return set()
    found: set[str] = set()
    for row in block.rows:
        if isinstance(row, ProjectIndicatorSpec):
            # A sheet of projects' indicators prints project fields, and unit fields in its placeholders
            # (the unit's own data is in every project's context) and its 合计.
            for column in row.columns:
                if column.indicator:
                    names = (F.OPERATOR, F.VALUE, F.MEASURE) if column.path == VALUE_WITH_OPERATOR else (column.path,)
                    found |= {f"{F.INDICATORS}.{name}" for name in names} if subject == PROJECT else set()
                elif "{" in column.path:
                    found |= _placeholders(column.path)
                elif subject == PROJECT:
                    found.add(column.path)
            if subject == PROJECT:
                found |= {f"{F.INDICATORS}.{F.LEVEL1}", f"{F.INDICATORS}.{F.LEVEL2}"}
            if row.total is not None and form_subject == subject:
                found |= _placeholders(row.total.label) | ({row.total.stated} if row.total.stated else set())
        elif isinstance(row, DetailSpec) and row.source == PROJECTS:
            if subject == PROJECT:  # a unit's table listing its projects prints project fields
                found |= {c.path for c in row.columns}
        elif form_subject != subject:
            continue
        elif isinstance(row, RowSpec):
            for cell in row.cells:
                if cell.path:
                    found |= _placeholders(cell.path) if "{" in cell.path else {cell.path}
        elif isinstance(row, DetailSpec):
            found |= {f"{row.source}.{c.path}" for c in row.columns}
            if row.total is not None and row.total.stated:
                found.add(row.total.stated)
        elif isinstance(row, IndicatorSpec):
            for column in row.columns:
                names = (F.OPERATOR, F.VALUE, F.MEASURE) if column.path == VALUE_WITH_OPERATOR else (column.path,)
                found |= {f"{row.source}.{name}" for name in names}
            found |= {f"{row.source}.一级指标", f"{row.source}.二级指标"}
        elif isinstance(row, KeyValueSpec):
            found.add(row.path)
    return found


class LayoutProblem(LayoutError):
    """A mistake in a layout's file that the schema cannot see, at ``path`` (a field path in the file)."""

    code = "L003"

    def __init__(self, message: str, path: FieldPath) -> None:
        super().__init__(message)
        self.path = path


def available(region_dir: Path | None = None) -> list[str]:
    """The layouts a region in ``region_dir`` may name (None: the built-in ones)."""
    return regionals.available(region_dir)


def exists(name: str, region_dir: Path | None = None) -> bool:
    """Whether ``name`` is a layout (a folder with a layout.yaml); never a path out of the folder."""
    return regionals.find(name, region_dir) is not None


def layout_file(name: str, region_dir: Path | None = None) -> Path:
    folder = regionals.find(name, region_dir)
    return (folder if folder is not None else OFFICIAL / name) / LAYOUT_FILE


def load_layout(name: str, region_dir: Path | None = None) -> Layout:
    """The layout called ``name`` (the 版式 of 地区.yaml) for a region in ``region_dir``: the data repository's
    own, else the built-in one; LayoutError when it is missing or broken (layout_check.py finds every
    mistake of a broken one, each at its line)."""
    folder = regionals.find(name, region_dir)
    if folder is None:
        where = f"{regionals.REPOSITORY_FOLDER}/ 和 " if region_dir is not None else ""
        raise LayoutError(
            f"没有“{name}”版式：{where}generator/templates/official/ 中都没有“{name}/layout.yaml”。"
            f"现有版式：{'、'.join(available(region_dir))}。新增版式的方法见 docs/官方表格版式.md"
        )
    return load_folder(folder)


def load_folder(folder: Path) -> Layout:
    """The layout of the folder ``folder``, made once per process for each content of its file (a layout
    edited while ``jixiao serve`` runs is read anew)."""
    return _load_file(folder / LAYOUT_FILE)


@by_content
def _load_file(path: Path, raw: bytes | None) -> Layout:
    folder = path.parent
    try:
        if raw is None:
            raw = path.read_bytes()  # raises why it cannot be read (a link, a folder, a missing file)
        data = YAML(typ="safe").load(raw.decode("utf-8"))
    except (OSError, YAMLError, UnicodeDecodeError) as exc:
        raise LayoutError(f"{folder.name}/{LAYOUT_FILE} 无法读取：{exc}") from exc
    try:
        layout = parse(data, folder)
    except LayoutError as exc:
        raise LayoutError(f"{folder.name}/{LAYOUT_FILE}：{exc}（运行 jixiao check 查看这个版式的全部问题）") from exc
    return replace(layout, fingerprint=hashlib.sha256(raw).hexdigest())


def _where(path: FieldPath) -> str:
    return format_field(path) or "文件"


def _need(mapping: Any, key: str, kind: type | tuple[type, ...], where: FieldPath) -> Any:
    if not isinstance(mapping, dict) or key not in mapping:
        raise LayoutProblem(f"{_where(where)} 缺少“{key}”", where)
    value = mapping[key]
    if not isinstance(value, kind):
        raise LayoutProblem(f"{_where(where + (key,))} 的写法不对", where + (key,))
    return value


def _align(value: Any, where: FieldPath) -> str:
    if value is None:
        return ""
    if value not in ALIGNS:
        raise LayoutProblem(f"{_where(where)} 的“对齐”只能是 左 或 中", where)
    return ALIGNS[value]


def _fmt(value: Any, where: FieldPath) -> str:
    if value in (None, "文字"):
        return ""
    if value not in (MONEY, PERCENT):
        raise LayoutProblem(f"{_where(where)} 的“格式”只能是 金额、百分比 或 文字", where)
    return str(value)


def _style(data: dict[str, Any], default: Style) -> Style:
    """Fonts and sizes (字体, 字号) given in ``data``, the rest from ``default``."""
    fonts = data.get("字体") or {}
    sizes = data.get("字号") or {}
    return Style(
        title_font=fonts.get("标题", default.title_font),
        body_font=fonts.get("正文", default.body_font),
        heading_font=fonts.get("小标题", default.heading_font),
        title_size=float(sizes.get("标题", default.title_size)),
        heading_line_size=float(sizes.get("抬头", default.heading_line_size)),
        table_size=float(sizes.get("表格", default.table_size)),
        text_size=float(sizes.get("正文", default.text_size)),
    )


def parse(data: Any, folder: Path) -> Layout:
    """A layout from the data of its file (which layout.schema.json accepts); LayoutProblem, at its place,
    for what the schema cannot see."""
    name = _need(data, "名称", str, ())
    style = _style(data, Style())
    places = data.get("金额小数位", "原样")
    if places != "原样" and not (isinstance(places, int) and 0 <= places <= 6):
        raise LayoutProblem("“金额小数位”只能是 原样 或 0 到 6 的整数", ("金额小数位",))
    forms = tuple(_form(f, ("表格", i), style) for i, f in enumerate(_need(data, "表格", list, ())))
    # One project table is named after the project; a project's further tables (自评表, 运行监控表) carry a 文件名.
    projects = [i for i, f in enumerate(forms) if f.subject == PROJECT and not f.stem]
    if len(projects) > 1:
        raise LayoutProblem(
            "只能有一张不写“文件名”的“对象: 项目”的表格（项目的其他表格写文件名，如 自评表）", ("表格", projects[1], "对象")
        )
    thousands = data.get("千位分隔", False)
    if not isinstance(thousands, bool):
        raise LayoutProblem("“千位分隔”只能是 是 或 否", ("千位分隔",))
    seen: set[str] = set()
    for i, form in enumerate(forms):
        stem = form.stem or form.name
        if form.subject == UNIT and stem in seen:
            raise LayoutProblem(f"单位的各张表的“文件名”不能相同（“{stem}”用了两次）", ("表格", i, "文件名"))
        seen.add(stem)
    printing = parse_printing(data.get(PRINTING), forms)
    if printing.places is not None:
        places = printing.places
    return Layout(
        name=name,
        folder=folder,
        forms=forms,
        style=style,
        money_places=None if places in ("原样", COLUMN_PLACES) else places,
        numbering=str(data.get("编号", "{n}.")),
        thousands=thousands or printing.thousands,
        regional=regionals.from_data(data, folder),
        printing=printing,
    )


def _form(data: Any, where: FieldPath, style: Style) -> FormSpec:
    subject = _need(data, "对象", str, where)
    if subject not in (UNIT, PROJECT):
        raise LayoutProblem(f"{_where(where)}.对象 只能是 单位 或 项目", where + ("对象",))
    paper = data.get("纸张", "纵向")
    if paper not in ("纵向", "横向"):
        raise LayoutProblem(f"{_where(where)}.纸张 只能是 纵向 或 横向", where + ("纸张",))
    stem = data.get("文件名")
    if subject == UNIT and not stem:
        raise LayoutProblem(f"{_where(where)} 缺少“文件名”（单位的表格按它命名，如 部门整体）", where)
    blocks = tuple(_block(b, where + ("内容", i)) for i, b in enumerate(_need(data, "内容", list, where)))
    recognition = data.get("识别") or {}
    return FormSpec(
        name=_need(data, "名称", str, where),
        stem=stem,
        subject=subject,
        requires=data.get("需要"),
        title=_need(data, "标题", str, where),
        heading=tuple(data.get("抬头") or ()),
        footer=tuple(data.get("落款") or ()),
        landscape=paper == "横向",
        blocks=blocks,
        style=_style(data, style),
        recognition={str(k): tuple(str(x) for x in v) for k, v in recognition.items() if isinstance(v, list)},
    )


def _block(data: Any, where: FieldPath) -> BlockSpec:
    if not isinstance(data, dict) or len(data) != 1:
        raise LayoutProblem(f"{_where(where)} 应写成“表:”“小标题:”或“段落:”之一", where)
    ((kind, body),) = data.items()
    if kind == "小标题":
        return HeadingSpec(str(body))
    if kind == "段落":
        return ParagraphSpec(_need(body, "值", str, where + (kind,)), body.get("编号"))
    if kind == "表":
        where = where + (kind,)
        widths = _widths(_need(body, "列宽", list, where), where + ("列宽",))
        rows = tuple(_row(r, where + ("行", i)) for i, r in enumerate(_need(body, "行", list, where)))
        return GridSpec(widths, rows)
    raise LayoutProblem(f"{_where(where)}：不认识“{kind}”，应为 表、小标题 或 段落", where)


def _widths(data: Any, where: FieldPath) -> tuple[float, ...]:
    if not isinstance(data, list) or not data or not all(isinstance(w, (int, float, Decimal)) and w > 0 for w in data):
        raise LayoutProblem(f"{_where(where)} 应为正数（毫米）的列表", where)
    return tuple(float(w) for w in data)


def _row(data: Any, where: FieldPath) -> RowBlock:
    if isinstance(data, list):
        return RowSpec(tuple(_cell(c, where + (i,)) for i, c in enumerate(data)))
    if not isinstance(data, dict) or len(data) != 1:
        raise LayoutProblem(f"{_where(where)} 应为一行单元格（[…]），或“明细:”“指标:”“键值:”“项目指标:”之一", where)
    ((kind, body),) = data.items()
    where = where + (kind,)
    widths = _widths(body["列宽"], where + ("列宽",)) if isinstance(body, dict) and "列宽" in body else ()
    if kind == "明细":
        columns = tuple(_column(c, where + ("列", i)) for i, c in enumerate(_need(body, "列", list, where)))
        return DetailSpec(
            source=_need(body, "数据", str, where),
            label=body.get("标签"),
            columns=columns,
            total=_total(body.get("合计"), columns, where),
            widths=widths,
        )
    if kind == "项目指标":
        columns = tuple(_sheet_column(c, where + ("列", i)) for i, c in enumerate(_need(body, "列", list, where)))
        merge = tuple(body.get("合并") or ())
        if not set(merge) <= {c.path for c in columns if c.indicator}:
            raise LayoutProblem(f"{_where(where)}.合并 中的列必须是“列”中指标的列", where + ("合并",))
        return ProjectIndicatorSpec(columns=columns, merge=merge, total=_total(body.get("合计"), columns, where), widths=widths)
    if kind == "指标":
        columns = tuple(_column(c, where + ("列", i), indicator=True) for i, c in enumerate(_need(body, "列", list, where)))
        merge = tuple(body.get("合并") or ())
        if not set(merge) <= {c.path for c in columns}:
            raise LayoutProblem(f"{_where(where)}.合并 中的列必须是“列”中的列", where + ("合并",))
        return IndicatorSpec(
            source=body.get("数据", F.INDICATORS),
            columns=columns,
            label=body.get("标签"),
            merge=merge,
            placeholder=str(body.get("占位", "")),
            widths=widths,
        )
    if kind == "键值":
        return KeyValueSpec(
            label=_need(body, "标签", str, where),
            path=_need(body, "值", str, where),
            keys=tuple(str(k) for k in body.get("键") or ()),
            fmt=_fmt(body.get("格式"), where),
            widths=widths,
        )
    raise LayoutProblem(f"{_where(where)}：不认识“{kind}”，应为 明细、指标 或 键值", where)


def _total(data: Any, columns: tuple[ColumnSpec, ...], where: FieldPath) -> TotalSpec | None:
    """The 合计 of a 明细 or 项目指标 block: each value a column after the first."""
    if not data:
        return None
    where = where + ("合计",)
    value = _need(data, "值", (str, list), where)
    paths = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    later = {c.path for c in columns[1:]}
    for path in paths:
        if path not in later:
            raise LayoutProblem(f"“合计”的值“{path}”必须是明细中第一列以后的某一列", where + ("值",))
    place = data.get("位置", "下")
    if place not in (TOP, "下"):
        raise LayoutProblem(f"{_where(where)}.位置 只能是 上 或 下", where + ("位置",))
    return TotalSpec(_need(data, "标签", str, where), paths, data.get("原表合计"), place == TOP)


def _span(data: dict[str, Any], key: str, where: FieldPath) -> int:
    value = data.get(key, 1)
    if not isinstance(value, int) or value < 1:
        raise LayoutProblem(f"{_where(where)} 的“{key}”应为正整数", where + (key,))
    return value


def _cell(data: Any, where: FieldPath) -> CellSpec:
    if isinstance(data, str):
        return CellSpec(text=data)
    if not isinstance(data, dict) or ("文字" in data) == ("值" in data):
        raise LayoutProblem(f"{_where(where)} 应为栏目名称，或写明“文字”或“值”之一", where)
    return CellSpec(
        text=data.get("文字"),
        path=data.get("值"),
        colspan=_span(data, "跨列", where),
        rowspan=_span(data, "跨行", where),
        align=_align(data.get("对齐"), where),
        fmt=_fmt(data.get("格式"), where),
        numbering=data.get("编号"),
    )


def _sheet_column(data: Any, where: FieldPath) -> ColumnSpec:
    """A column of a 项目指标 block: an indicator's column (a name, or {列: …}), or a project's ({标题, 值})."""
    if isinstance(data, str) or (isinstance(data, dict) and "列" in data):
        return replace(_column(data, where, indicator=True), indicator=True)
    column = _column(data, where)
    merge = data.get("合并", False) if isinstance(data, dict) else False
    if not isinstance(merge, bool):
        raise LayoutProblem(f"{_where(where)} 的“合并”只能是 是 或 否", where + ("合并",))
    return replace(column, merge=merge)


def _column(data: Any, where: FieldPath, indicator: bool = False) -> ColumnSpec:
    if indicator:
        if isinstance(data, str):
            data = {"列": data}
        path = _need(data, "列", str, where)
        if path not in INDICATOR_FIELDS:
            raise LayoutProblem(
                f"{_where(where)}：指标表没有“{path}”这一列，可用的列：{'、'.join(INDICATOR_FIELDS)}", where + ("列",)
            )
        return ColumnSpec(
            title=data.get("标题", path), path=path, align=_align(data.get("对齐"), where), fmt=_fmt(data.get("格式"), where)
        )
    return ColumnSpec(
        title=_need(data, "标题", str, where),
        path=_need(data, "值", str, where),
        colspan=_span(data, "跨列", where),
        align=_align(data.get("对齐"), where),
        fmt=_fmt(data.get("格式"), where),
    )


# ---------------------------------------------------------------------------------------------------
# 印刷: how the tables print as the published documents do — the booklet (order, parts, cover, a
# derived summary marked or left out), amounts (decimals, thousands separators), and the labels and
# values as each table's published form prints them (印法), with the variants (式样) units choose.

PRINTING = F.PRINTING  # the same section name as in 单位.yaml, where a unit says how its own document printed
PROJECT_TABLES = "项目"  # in a booklet's order: all the projects' tables, by 序号
COLUMN_PLACES = "列内一致"  # amounts of a column with as many decimals as the most precise of them
MARK = "标注"
LEAVE_OUT = "不印"
DERIVED_NOTE = "根据项目表生成"
DEFAULT_COVER = ("{年度}年预算绩效目标表", "{单位名称}", "{地区}")


@dataclass(frozen=True)
class Wording:
    """How one table prints labels and values, as its published form does (印法).

    ``labels``: a text of the layout as written there (a caption, column heading, title, heading or
    footer line, placeholders unfilled) → as the form prints it (年度本级预算金额 → 项目金额);
    ``levels``: a 一级/二级 indicator name → as printed (经济效益指标 → 经济效益);
    ``no_unit``: the 度量单位 printed for a 定性 indicator that has none ("无"), None: blank;
    ``placeholder``: the 三级指标 of a placeholder row, None: as the layout's 指标 block says.
    """

    labels: dict[str, str] = field(default_factory=dict)
    levels: dict[str, str] = field(default_factory=dict)
    no_unit: str | None = None
    placeholder: str | None = None

    def over(self, base: Wording) -> Wording:
        """This wording where it says something, ``base`` elsewhere."""
        return Wording(
            labels={**base.labels, **self.labels},
            levels={**base.levels, **self.levels},
            no_unit=self.no_unit if self.no_unit is not None else base.no_unit,
            placeholder=self.placeholder if self.placeholder is not None else base.placeholder,
        )


@dataclass(frozen=True)
class Variant:
    """A 式样: the wording of a published form that differs from the layout's own, chosen by a unit."""

    name: str
    note: str
    wording: dict[str, Wording]


@dataclass(frozen=True)
class PartSpec:
    title: str
    name: str
    tables: tuple[str, ...]


@dataclass(frozen=True)
class BookletSpec:
    order: tuple[str, ...] = ()  # stems of the unit's tables, and 项目; the rest after, in the layout's order
    parts: tuple[PartSpec, ...] = ()
    cover: tuple[str, ...] = DEFAULT_COVER
    derived: str = MARK  # a derived table the unit did not publish: MARK it, or LEAVE_OUT


@dataclass(frozen=True)
class Printing:
    places: int | str | None = None  # 印刷.金额.小数位 when given: 原样, 列内一致 or a number
    thousands: bool = False
    booklet: BookletSpec = field(default_factory=BookletSpec)
    wording: dict[str, Wording] = field(default_factory=dict)  # by table name
    variants: dict[str, Variant] = field(default_factory=dict)

    @property
    def column_places(self) -> bool:
        return self.places == COLUMN_PLACES

    def wording_for(self, table: str, variant: str | None) -> Wording:
        """The wording of the table called ``table`` in the variant ``variant`` (None: the layout's own)."""
        own = self.wording.get(table, Wording())
        chosen = self.variants.get(variant) if variant else None
        return chosen.wording.get(table, Wording()).over(own) if chosen else own


def is_derived(spec: FormSpec) -> bool:
    """A unit's table made from its projects' tables (a 汇总表): not published unless the unit says so."""
    return spec.subject == UNIT and any(
        isinstance(row, DetailSpec) and row.source == PROJECTS
        for block in spec.blocks
        if isinstance(block, GridSpec)
        for row in block.rows
    )


def booklet_names(forms: tuple[FormSpec, ...]) -> list[str]:
    """What a booklet's order may name: the unit's tables by 文件名, and 项目."""
    return [str(f.stem) for f in forms if f.subject == UNIT] + [PROJECT_TABLES]


def parse_printing(data: Any, forms: tuple[FormSpec, ...]) -> Printing:
    """The 印刷 section of a layout (absent: print as the layout says, booklet in the layout's order)."""
    if data is None:
        return Printing()
    where: FieldPath = (PRINTING,)
    if not isinstance(data, dict):
        raise LayoutProblem(f"{_where(where)} 应为“金额”“汇编”“印法”“式样”的设置", where)
    money = data.get("金额") or {}
    places = money.get("小数位")
    if (
        places is not None
        and places not in ("原样", COLUMN_PLACES)
        and not (isinstance(places, int) and not isinstance(places, bool) and 0 <= places <= 6)
    ):
        raise LayoutProblem("“小数位”只能是 原样、列内一致 或 0 到 6 的整数", (*where, "金额", "小数位"))
    tables = {f.name for f in forms}
    variants = {}
    for name, body in (data.get(F.PRINT_VARIANT) or {}).items():
        at = (*where, F.PRINT_VARIANT, name)
        variants[str(name)] = Variant(
            str(name), str((body or {}).get("说明", "")), _wordings((body or {}).get("印法"), tables, (*at, "印法"))
        )
    return Printing(
        places=places,
        thousands=bool(money.get("千位分隔", False)),
        booklet=_booklet(data.get("汇编") or {}, forms, (*where, "汇编")),
        wording=_wordings(data.get("印法"), tables, (*where, "印法")),
        variants=variants,
    )


def _wordings(data: Any, tables: set[str], where: FieldPath) -> dict[str, Wording]:
    out = {}
    for table, body in (data or {}).items():
        if table not in tables:
            raise LayoutProblem(
                f"{_where(where)}：版式中没有“{table}”这张表（现有：{'、'.join(sorted(tables))}）", (*where, table)
            )
        body = body or {}
        no_unit = body.get("定性指标的度量单位")
        placeholder = body.get("占位")
        out[str(table)] = Wording(
            labels={str(k): str(v) for k, v in (body.get("栏目") or {}).items()},
            levels={str(k): str(v) for k, v in (body.get("指标名称") or {}).items()},
            no_unit=None if no_unit is None else str(no_unit),
            placeholder=None if placeholder is None else str(placeholder),
        )
    return out


def _booklet(data: dict[str, Any], forms: tuple[FormSpec, ...], where: FieldPath) -> BookletSpec:
    known = booklet_names(forms)
    order = tuple(str(n) for n in data.get(F.BOOKLET_ORDER) or ())
    check_order(order, known, (*where, F.BOOKLET_ORDER))
    parts = []
    seen: set[str] = set()
    for i, part in enumerate(data.get("部分") or ()):
        names = tuple(str(n) for n in part.get("表格") or ())
        for n in names:
            if n not in known:
                raise LayoutProblem(f"“部分”中的“{n}”不是这个版式的表格（可写：{'、'.join(known)}）", (*where, "部分", i, "表格"))
            if n in seen:
                raise LayoutProblem(f"“{n}”在两个部分中", (*where, "部分", i, "表格"))
            seen.add(n)
        parts.append(PartSpec(str(part.get("标题", "")), str(part.get("名称", "")), names))
    derived = data.get("未公开的汇总表", MARK)
    if derived not in (MARK, LEAVE_OUT):
        raise LayoutProblem(f"“未公开的汇总表”只能是 {MARK} 或 {LEAVE_OUT}", (*where, "未公开的汇总表"))
    cover = tuple(str(line) for line in data.get("封面") or DEFAULT_COVER)
    return BookletSpec(order=order, parts=tuple(parts), cover=cover, derived=derived)


def check_order(order: tuple[str, ...], known: list[str], where: FieldPath) -> None:
    """A booklet's order names only the layout's tables (and 项目), each once; LayoutProblem otherwise."""
    for i, name in enumerate(order):
        if name not in known:
            raise LayoutProblem(f"“顺序”中的“{name}”不是这个版式的表格（可写：{'、'.join(known)}）", (*where, i))
        if name in order[:i]:
            raise LayoutProblem(f"“顺序”中“{name}”写了两次", (*where, i))
