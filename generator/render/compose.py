"""Compose the official tables of one unit from its layout and its data.

Everything the layout asks for is taken from the data files by the field names they already use
(项目金额, 预算情况.资金总额 …). Fields that the layout has no place for are listed, never dropped
silently: the build reports them.

The tables come in the booklet's order: the layout's (印刷.汇编.顺序), or the unit's own (单位.yaml
印刷.顺序), with the projects' tables ordered by 序号 and then by file name. A table made from the
projects' tables (a 汇总表) that the unit did not publish itself is marked 根据项目表生成, or left out
where the layout says so; what the editors corrected (更正说明) prints under the table it is about.
Labels and values print as the unit's published form prints them (the layout's 印法, or the 式样 the
unit chose).

What makes a table print well on paper is settled here, once for every format: the indicator grid
is a table of its own whose heading row repeats on every page; a label too long for its column is
broken into even lines instead of wherever the column ends; and a row too tall to move whole to the
next page (a long list of duties) is cut into rows that read as one, so that no row is ever split
across pages.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any

from generator import held
from generator.data import fields as F
from generator.data.model import Project, Unit
from generator.names import unique_names
from generator.render import selfeval
from generator.render.cells import decimals, fill, is_number, lookup, text_of, value_cell, width_em, with_operator
from generator.render.form import (
    BORDER_MM,
    CENTER,
    HEAD,
    LABEL,
    LEFT,
    LINE,
    PADDING_MM,
    PADDING_TOP_MM,
    PT_MM,
    VALUE,
    Block,
    Booklet,
    Cell,
    Form,
    Grid,
    Heading,
    LayoutError,
    Paragraphs,
    Part,
    Placed,
    Style,
)
from generator.render.layout import (
    DERIVED_NOTE,
    LEAVE_OUT,
    PROJECT,
    PROJECT_TABLES,
    PROJECTS,
    UNIT,
    VALUE_WITH_OPERATOR,
    CellSpec,
    ColumnSpec,
    DetailSpec,
    FormSpec,
    GridSpec,
    HeadingSpec,
    IndicatorSpec,
    KeyValueSpec,
    Layout,
    ParagraphSpec,
    ProjectIndicatorSpec,
    RowBlock,
    RowSpec,
    TotalSpec,
    Wording,
    booklet_names,
    is_derived,
)

BOOKLET = "单位汇编"
# A correction of the published table (更正说明) prints under it as "更正说明：…" (numbered when there
# are several): named by its field, so that a reader, and jixiao import, tell it from the unit's own notes.
FOOTNOTE = re.compile(rf"^{F.CORRECTIONS}(?:（(?P<number>\d+)）)?[:：]\s*(?P<text>\S.*)$")
# Records about the source document, for the website: never printed in a table's cells, so never reported
# as a field the layout has no place for. 更正说明 prints under every table instead, as footnotes (footnotes()).
# 单位名称 names the unit everywhere on the website, printed on a form or not (内蒙古's forms do not print it).
NOT_PRINTED = frozenset({F.ACKNOWLEDGED, F.CORRECTIONS, F.FILLED_BY, F.ORDER, F.INCOMPLETE, F.UNIT_NAME, F.PRINTING})
WEIGHTS = "权重合计"  # in a project's context: the weights added up (compose.weights)
ALL_WEIGHTS = "全部"
BLANK_DATE = "　　年　　月　　日"  # a cover without a date leaves it to be written by hand
# A row taller than TALL_MM would leave that much of a page empty when it moves whole to the next
# page, and one taller than a page could not print unsplit at all: it is cut into rows of at most
# PIECE_MM, between paragraphs (list items) where it can, else between sentences.
TALL_MM = 60.0
PIECE_MM = 40.0
KEEP_MM = 45.0  # a merged cell over rows at most this high keeps them on one page (bound)
SENTENCE_END = re.compile(r"(?<=[。；！？;!?])")
OPENING = "（(《“【"
# Two-character words of the forms' captions and indicator names, never broken in two by balanced().
FORM_WORDS_TEXT = """项目 名称 金额 预算 年度 本级 实施 支出 绩效 目标 指标 类别 部门 单位 整体 履职 主要 任务
资金 总额 收入 性质 政府 基金 财政 专户 管理 其他 基本 一般 公共 说明 解释 备注 序号 数量 质量 时效 成本 效益
经济 社会 生态 环境 满意 服务 对象 确定 依据 描述 计划 规模 用途 合计 编码 类型 度量 可持 持续 影响 填报"""
FORM_WORDS = frozenset(FORM_WORDS_TEXT.split())


@dataclass
class UnitTables:
    """The tables of one unit in booklet order, the booklet itself, and the data fields no table prints."""

    forms: list[Form]
    unprinted: list[tuple[str, str]]  # (file, field)
    booklet: Booklet = field(default_factory=lambda: Booklet("", (), []))


def project_order(project: Project) -> tuple[int, int, str]:
    order = project.doc.data.get(F.ORDER)
    name = project.doc.path.name
    return (0, int(order), name) if isinstance(order, int) and not isinstance(order, bool) else (1, 0, name)


def compose_unit(layout: Layout, unit: Unit) -> UnitTables:
    region = unit.region
    projects = sorted(unit.projects, key=project_order)
    printing = unit.doc.data.get(F.PRINTING) or {}
    variant = printing.get(F.PRINT_VARIANT)
    # 上年 and 前年 name the years of a budget breakdown's actuals ("{前年}年实际执行数").
    shared = {
        "年度": unit.year,
        "上年": unit.year - 1,
        "前年": unit.year - 2,
        F.MONEY_UNIT: region.money_unit,
        "地区": region.name,
    }
    unit_fields = {k: unit.doc.data.get(k) for k in (F.UNIT_NAME, F.UNIT_CODE, F.FINANCE_OFFICER, F.PREPARER)}
    unit_fields = {F.SUPERVISOR: unit.doc.data.get(F.SUPERVISOR), **unit_fields}  # a project's own comes first
    project_contexts = [
        {
            **shared,
            **unit_fields,
            **p.doc.data,
            F.ORDER: n,
            WEIGHTS: weights(p.doc.data),
            **selfeval.context(p, region.regional.scoring),
        }  # scores and rates of a self-evaluation, if any
        for n, p in enumerate(projects, start=1)
    ]
    unit_context = {**unit.doc.data, **shared, PROJECTS: project_contexts}
    made: dict[str, list[Form]] = {}
    stems = project_stems(layout, projects)
    for position, spec in enumerate(layout.forms):
        wording = layout.printing.wording_for(spec.name, variant)
        if spec.subject == UNIT and _present(unit_context, spec.requires):
            note = ""
            if is_derived(spec) and printing.get(F.SUMMARY_PUBLISHED) is not True:
                if layout.printing.booklet.derived == LEAVE_OUT:
                    continue
                note = DERIVED_NOTE
            made[str(spec.stem)] = [_composed_form(layout, position, unit_context, str(spec.stem), wording, note)]
        elif spec.subject == PROJECT:
            # a project's further tables (自评表, 运行监控表) are named after it and the table, and printed only for
            # the projects that carry their data (需要)
            made.setdefault(PROJECT_TABLES, []).extend(
                _composed_form(layout, position, context, f"{stem}-{spec.stem}" if spec.stem else stem, wording)
                for context, stem in zip(project_contexts, stems, strict=True)
                if _present(context, spec.requires)
            )
    forms: list[Form] = []
    parts: dict[int, Part] = {}
    for name in booklet_order(layout, printing.get(F.BOOKLET_ORDER)):
        part = next((p for p in layout.printing.booklet.parts if name in p.tables), None)
        heading = Part(part.title, part.name) if part is not None else None
        if made.get(name) and heading is not None and heading not in parts.values():
            parts[len(forms)] = heading  # above the first of the part's tables
        forms.extend(made.get(name, []))
    unprinted = _unprinted(unit.doc.display, unit.doc.data, layout.fields_printed(UNIT))
    for project in projects:
        unprinted += _unprinted(project.doc.display, project.doc.data, layout.fields_printed(PROJECT))
    cover = [fill(line, unit_context) for line in layout.printing.booklet.cover]
    cover.append(str(printing.get(F.COVER_DATE) or BLANK_DATE))
    booklet = Booklet(f"{unit.name} {unit.year}年绩效目标表汇编", tuple(line for line in cover if line), forms, parts)
    return UnitTables(forms, unprinted, booklet)


def booklet_order(layout: Layout, chosen: Any) -> list[str]:
    """The unit's order where it gives one, then the layout's, then every other table in the layout's
    order. A name the layout does not know is skipped (jixiao check does not report it yet)."""
    known = booklet_names(layout.forms)
    own = [str(n) for n in chosen] if isinstance(chosen, list) else []
    out: list[str] = []
    for name in [*own, *layout.printing.booklet.order, *known]:
        if name in known and name not in out:
            out.append(name)
    return out


def weights(data: dict[str, Any]) -> dict[str, Decimal]:
    """The indicators' weights added up, in all (全部) and by 一级指标: what a caption such as 内蒙古's
    "权重分值90分，其中产出指标权重分值50分" prints ({权重合计.全部}, {权重合计.产出指标})."""
    out: dict[str, Decimal] = {}
    for row in data.get(F.INDICATORS) or []:
        weight = row.get(F.WEIGHT) if isinstance(row, dict) else None
        if isinstance(weight, (int, Decimal)) and not isinstance(weight, bool):
            out[ALL_WEIGHTS] = out.get(ALL_WEIGHTS, Decimal(0)) + weight
            level = str(row.get(F.LEVEL1))
            out[level] = out.get(level, Decimal(0)) + weight
    return out


def _present(context: dict[str, Any], requires: str | None) -> bool:
    return requires is None or lookup(context, requires) not in (None, "", [], {})


def project_stems(layout: Layout, projects: list[Project]) -> list[str]:
    """File names for the projects' tables: the data file's name, never one of the unit's tables."""
    taken = [str(f.stem) for f in layout.forms if f.subject == UNIT] + [BOOKLET]
    return unique_names([project.doc.path.stem for project in projects], taken=taken)


def _unprinted(shown: str, data: dict[str, Any], printed: set[str]) -> list[tuple[str, str]]:
    out = []
    for path in _leaves(data):
        if path.split(".")[0] in NOT_PRINTED:
            continue
        if not any(path == p or path.startswith(p + ".") for p in printed):
            out.append((shown, path))
    return out


def _leaves(data: Any, prefix: str = "") -> list[str]:
    if isinstance(data, dict):
        return [leaf for k, v in data.items() for leaf in _leaves(v, f"{prefix}{k}.")]
    if isinstance(data, list) and any(isinstance(item, dict) for item in data):
        return sorted({leaf for item in data for leaf in _leaves(item, prefix)})
    return [prefix.rstrip(".")] if data not in (None, "", [], {}) else []


_composed: held.Memo[Form] = held.Memo(512)  # the tables of the last units edited (generator/held.py)


def _composed_form(layout: Layout, position: int, context: dict[str, Any], stem: str, wording: Wording, note: str = "") -> Form:
    """``compose_form`` of the layout's ``position``-th table; in a process that keeps results (``jixiao
    serve``), a table whose layout (its file's bytes, its folder) and data (the context, ``held.pickled``) are
    as before is not composed again."""
    spec = layout.forms[position]
    # a layout not read from its file has no fingerprint; data that cannot be pickled is composed as it comes
    data = held.pickled((context, wording)) if held.kept() and layout.fingerprint else None
    if data is None:
        return compose_form(spec, layout, context, stem, wording, note)
    key = (layout.fingerprint, layout.name, str(layout.folder), position, stem, note, data)
    return _composed.get(key, lambda: compose_form(spec, layout, context, stem, wording, note))


def compose_form(
    spec: FormSpec, layout: Layout, context: dict[str, Any], stem: str, wording: Wording | None = None, note: str = ""
) -> Form:
    wording = wording or Wording()
    try:
        blocks = [b for spec_block in spec.blocks for b in _blocks(spec_block, layout, context, spec.style, wording)]
    except LayoutError as exc:
        raise LayoutError(f"{layout.name}/layout.yaml 的“{spec.name}”：{exc}") from exc
    return Form(
        kind=spec.name,
        stem=stem,
        caption=text_of(context.get(F.PROJECT_NAME)) if spec.subject == PROJECT else spec.name,
        title=fill(_worded(spec.title, wording), context),
        heading=tuple(fill(_worded(t, wording), context) for t in spec.heading),
        blocks=blocks,
        footer=tuple(fill(_worded(t, wording), context) for t in spec.footer),
        landscape=spec.landscape,
        style=spec.style,
        note=note,
        footnotes=footnotes(context.get(F.CORRECTIONS)),
    )


def footnotes(corrections: Any) -> tuple[str, ...]:
    """The lines printed under a table for its 更正说明, as the data states them (FOOTNOTE reads them back)."""
    texts = [text_of(c) for c in corrections if text_of(c)] if isinstance(corrections, list) else []
    if len(texts) == 1:
        return (f"{F.CORRECTIONS}：{texts[0]}",)
    return tuple(f"{F.CORRECTIONS}（{n}）：{text}" for n, text in enumerate(texts, start=1))


@dataclass
class _Group:
    """Rows that print as one table: bands of rows (each with its column widths), and how many rows
    at its top are column headings."""

    head: int
    bands: list[tuple[tuple[float, ...], list[list[Cell]]]] = field(default_factory=list)

    def add(self, widths: tuple[float, ...], rows: list[list[Cell]]) -> None:
        if self.bands and self.bands[-1][0] == widths:
            self.bands[-1][1].extend(rows)
        else:
            self.bands.append((widths, rows))


def _blocks(
    spec: GridSpec | HeadingSpec | ParagraphSpec, layout: Layout, context: dict[str, Any], style: Style, wording: Wording
) -> list[Block]:
    if isinstance(spec, HeadingSpec):
        return [Heading(fill(spec.text, context))]
    if isinstance(spec, ParagraphSpec):
        cell = value_cell(lookup(context, spec.path), numbering=spec.numbering or layout.numbering)
        return [Paragraphs(cell.lines)]
    # An indicator grid (and a list that opens a table, such as a 汇总表's projects) is a table of its
    # own, printed right under the rows above it: only a table's first rows can repeat on every page.
    groups: list[_Group] = []
    for i, row in enumerate(spec.rows):
        widths = spec.widths if isinstance(row, RowSpec) or not row.widths else row.widths
        rows = compose_rows(row, layout, context, len(widths), wording)
        headed = isinstance(row, (IndicatorSpec, ProjectIndicatorSpec)) or (isinstance(row, DetailSpec) and i == 0)
        if headed or not groups or groups[-1].head:
            groups.append(_Group(head=1 if headed else 0))
        groups[-1].add(widths, rows)
    grids: list[Block] = []
    for n, group in enumerate(groups):
        grid = _joined(group.bands)
        grid = Grid(grid.widths, grid.rows, head=group.head, joined=n > 0)
        grids.append(_split_tall(_bound(_aligned(grid, style), style), style))
    return grids


def _joined(sections: list[tuple[tuple[float, ...], list[list[Cell]]]]) -> Grid:
    """One grid from bands of rows with different column widths (a 指标 block with its own 列宽).

    The grid's columns are the union of all bands' column edges; each cell spans the union columns
    between its own edges. This is what Word does with a table whose rows have different cells.
    """
    if len(sections) == 1:
        return Grid(*sections[0])
    edges: set[float] = set()
    for widths, _ in sections:
        edges.update(round(sum(widths[:i]), 2) for i in range(len(widths) + 1))
    union = sorted(edges)
    rows: list[list[Cell]] = []
    for widths, band in sections:
        index = [union.index(round(sum(widths[:i]), 2)) for i in range(len(widths) + 1)]
        for placed_row in Grid(widths, band).placed_rows:
            rows.append([replace(p.cell, colspan=index[p.col + p.colspan] - index[p.col], rowspan=p.rowspan) for p in placed_row])
    return Grid(tuple(round(b - a, 2) for a, b in pairwise(union)), rows)


def compose_rows(
    spec: RowBlock, layout: Layout, context: dict[str, Any], ncols: int, wording: Wording | None = None
) -> list[list[Cell]]:
    wording = wording or Wording()
    if isinstance(spec, RowSpec):
        return [[_cell(c, layout, context, wording) for c in spec.cells]]
    if isinstance(spec, DetailSpec):
        return _detail(spec, layout, context, wording)
    if isinstance(spec, IndicatorSpec):
        return _indicators(spec, layout, context, wording)
    if isinstance(spec, ProjectIndicatorSpec):
        return _project_indicators(spec, layout, context, wording)
    return _key_values(spec, layout, context, ncols, wording)


def _value(path: str, layout: Layout, context: dict[str, Any]) -> Any:
    """The value a cell or column prints: a text made of {…} placeholders, or the field at ``path`` as the
    layout prints it (印作)."""
    if "{" in path:
        return fill(path, context)
    return layout.printed(path, lookup(context, path))


def label(text: str, colspan: int = 1, rowspan: int = 1, role: str = LABEL) -> Cell:
    return Cell((text,) if text else (), role=role, colspan=colspan, rowspan=rowspan, align=CENTER)


def _cell(spec: CellSpec, layout: Layout, context: dict[str, Any], wording: Wording) -> Cell:
    if spec.path is None:
        return label(fill(_worded(spec.text or "", wording), context), spec.colspan, spec.rowspan)
    return value_cell(
        _value(spec.path, layout, context),
        fmt=spec.fmt,
        places=layout.money_places,
        numbering=spec.numbering or layout.numbering,
        colspan=spec.colspan,
        rowspan=spec.rowspan,
        align=spec.align,
        thousands=layout.thousands,
    )


def _labelled(header: list[Cell], body: list[list[Cell]], text: str) -> list[list[Cell]]:
    """A list's rows with its label in a column on their left: the label in the heading row, so that
    it comes back with the headings on every page, and the column below it merged, without a line."""
    header.insert(0, label(text))
    if body:
        body[0].insert(0, Cell(role=LABEL, rowspan=len(body), joined=True))
    return [header, *body]


def _detail(spec: DetailSpec, layout: Layout, context: dict[str, Any], wording: Wording) -> list[list[Cell]]:
    items = lookup(context, spec.source) or []
    items = [item if isinstance(item, dict) else {"内容": item} for item in items]
    items = [{F.ORDER: n, **item} for n, item in enumerate(items, start=1)]
    places = {c.path: _column_places(layout, [lookup(item, c.path) for item in items]) for c in spec.columns}
    body: list[list[Cell]] = []
    for item in items:
        body.append(
            [
                value_cell(
                    _value(c.path, layout, item),
                    fmt=c.fmt,
                    places=places[c.path],
                    numbering=layout.numbering,
                    colspan=c.colspan,
                    align=c.align,
                    thousands=layout.thousands,
                )
                for c in spec.columns
            ]
        )
    if not body:  # an empty list still prints one blank row to fill in
        body.append([Cell(colspan=c.colspan) for c in spec.columns])
    if spec.total is not None:
        total = _total_row(spec.total, spec.columns, layout, items, context, places)
        body.insert(0, total) if spec.total.top else body.append(total)
    header = [label(fill(_worded(c.title, wording), context), c.colspan, role=HEAD) for c in spec.columns]
    if spec.label:
        return _labelled(header, body, _worded(spec.label, wording))
    return [header, *body]


def _worded(text: str, wording: Wording) -> str:
    """A text of the layout (a caption, a title or heading line, as written there) as the form prints it."""
    return wording.labels.get(text, text)


def _column_places(layout: Layout, values: list[Any]) -> int | None:
    """The decimals of a column's amounts: the layout's, or (列内一致) as many as the most precise has."""
    if not layout.printing.column_places:
        return layout.money_places
    return max((decimals(v) for v in values if is_number(v)), default=0)


def _total_row(
    total: TotalSpec,
    columns: tuple[ColumnSpec, ...],
    layout: Layout,
    items: list[dict[str, Any]],
    context: dict[str, Any],
    places: dict[str, int | None] | None = None,
) -> list[Cell]:
    """The 合计 row: its label over the columns before the first total, then each column's sum (the first
    one the figure the data states, when it states one) or nothing; each with its column's decimals."""
    index = next((i for i, c in enumerate(columns) if c.path == total.path), None)
    if not index:
        raise LayoutError(f"“合计”的值“{total.path}”必须是明细中第一列以后的某一列")
    stated = lookup(context, total.stated) if total.stated else None
    cells = [label(fill(total.label, context), sum(c.colspan for c in columns[:index]))]
    for column in columns[index:]:
        if column.path not in total.paths:
            cells.append(Cell(colspan=column.colspan))
            continue
        values = [lookup(item, column.path) for item in items]
        summed = sum((Decimal(v) for v in values if is_number(v)), Decimal(0))
        figure = stated if column.path == total.path and is_number(stated) else summed
        shown = (places or {}).get(column.path, layout.money_places)
        cells.append(value_cell(figure, fmt=column.fmt, places=shown, colspan=column.colspan, thousands=layout.thousands))
    return cells


def _indicators(spec: IndicatorSpec, layout: Layout, context: dict[str, Any], wording: Wording) -> list[list[Cell]]:
    rows = [r for r in (lookup(context, spec.source) or []) if isinstance(r, dict)]
    placeholder = wording.placeholder if wording.placeholder is not None else spec.placeholder
    body = _indicator_cells(spec.columns, spec.merge, placeholder, layout, rows, wording)
    header = [label(_worded(c.title, wording), role=HEAD) for c in spec.columns]
    if spec.label:
        return _labelled(header, body, _worded(spec.label, wording))
    return [header, *body]


def _indicator_cells(
    columns: tuple[ColumnSpec, ...],
    merge: tuple[str, ...],
    placeholder: str,
    layout: Layout,
    rows: list[dict[str, Any]],
    wording: Wording,
) -> list[list[Cell]]:
    """The cells of indicator rows, one row each, the ``merge`` columns merged down runs of equal values."""
    keys = [c.path for c in columns]
    spans = merge_spans(rows, [k for k in keys if k in merge])
    body: list[list[Cell]] = []
    for i, row in enumerate(rows):
        empty = row.get(F.LEVEL3) is None
        cells = []
        for column in columns:
            key = column.path
            if key in merge:
                span = spans[key][i]
                if span:
                    cells.append(_level(key, row.get(key), layout, wording, rowspan=span, align=CENTER))
            elif empty:
                cells.append(Cell((placeholder,) if key == F.LEVEL3 and placeholder else (), align=CENTER))
            elif key == VALUE_WITH_OPERATOR:
                cells.append(Cell((with_operator(row),) if row.get(F.VALUE) is not None else (), align=column.align))
            elif key == F.MEASURE and wording.no_unit and row.get(F.OPERATOR) == "定性" and not row.get(key):
                cells.append(Cell((wording.no_unit,), align=column.align))  # the form prints 无 for no unit
            elif key in (F.LEVEL1, F.LEVEL2):
                cells.append(_level(key, row.get(key), layout, wording, align=column.align))
            else:
                cells.append(value_cell(layout.printed(key, row.get(key)), align=column.align))
        body.append(cells)
    return body


def _project_indicators(
    spec: ProjectIndicatorSpec, layout: Layout, context: dict[str, Any], wording: Wording
) -> list[list[Cell]]:
    """One row per indicator of each of the unit's projects; a project's columns merged over its rows, a
    column marked 合并 over neighbouring projects with the same value; the 合计 above or below."""
    # A unit's sheet lists its projects; a project's own table is the same sheet with its rows only.
    listed = context.get(PROJECTS)
    projects = [p for p in listed or [] if isinstance(p, dict)] if isinstance(listed, list) else [context]
    indicator_columns = tuple(c for c in spec.columns if c.indicator)
    blocks: list[tuple[dict[str, Any], list[list[Cell]]]] = []
    for project in projects:
        rows = [r for r in project.get(F.INDICATORS) or [] if isinstance(r, dict)]
        cells = _indicator_cells(indicator_columns, spec.merge, "", layout, rows, wording)
        blocks.append((project, cells or [[Cell() for _ in indicator_columns]]))
    body: list[list[Cell]] = []
    for n, (project, cells) in enumerate(blocks):
        for r, indicator_cells in enumerate(cells):
            row: list[Cell] = []
            shown = iter(indicator_cells)
            for column in spec.columns:
                if column.indicator:
                    row.extend(c for c in [next(shown, None)] if c is not None)
                    continue
                span = _sheet_span(column, blocks, n) if r == 0 else 0
                if span:
                    row.append(
                        value_cell(
                            _value(column.path, layout, project),
                            fmt=column.fmt,
                            places=layout.money_places,
                            numbering=layout.numbering,
                            colspan=column.colspan,
                            rowspan=span,
                            align=column.align,
                            thousands=layout.thousands,
                        )
                    )
            # merged indicator cells of later rows are placed by their rowspan: only those present print
            row.extend(shown)
            body.append(row)
    if spec.total is not None:
        total = _total_row(spec.total, spec.columns, layout, projects, context)
        body.insert(0, total) if spec.total.top else body.append(total)
    return [[label(fill(_worded(c.title, wording), context), c.colspan, role=HEAD) for c in spec.columns], *body]


def _sheet_span(column: ColumnSpec, blocks: list[tuple[dict[str, Any], list[list[Cell]]]], n: int) -> int:
    """The rowspan of a project's column at the first row of project ``n``: its rows, or, for a column
    merged across projects, the rows of the run of projects with its value (0 inside such a run)."""
    if not column.merge:
        return len(blocks[n][1])

    def key(k: int) -> Any:
        return fill(column.path, blocks[k][0]) if "{" in column.path else lookup(blocks[k][0], column.path)

    if n > 0 and key(n - 1) == key(n):
        return 0
    end = n
    while end + 1 < len(blocks) and key(end + 1) == key(n):
        end += 1
    return sum(len(blocks[k][1]) for k in range(n, end + 1))


def _level(key: str, value: Any, layout: Layout, wording: Wording, rowspan: int = 1, align: str = "") -> Cell:
    """A 一级 or 二级 indicator name as the form prints it (the table's 印法, else the layout's 印作): a
    caption of the grid's rows (its line breaks chosen like a label's)."""
    shown = wording.levels.get(value, layout.printed(key, value)) if isinstance(value, str) else value
    return replace(value_cell(shown, rowspan=rowspan, align=align), role=LABEL)


def merge_spans(rows: list[dict[str, Any]], merged: list[str]) -> dict[str, list[int]]:
    """For each merged column, the rowspan at the first row of each run of equal values (0 elsewhere).

    A run of a later column never crosses a boundary of an earlier one: 二级 merges within its 一级.
    """
    spans: dict[str, list[int]] = {}
    boundaries = {0}
    for key in merged:
        for i in range(1, len(rows)):
            if rows[i].get(key) != rows[i - 1].get(key):
                boundaries.add(i)
        starts = sorted(boundaries) + [len(rows)]
        column = [0] * len(rows)
        for start, end in pairwise(starts):
            if start < len(rows):
                column[start] = end - start
        spans[key] = column
    return spans


def _key_values(spec: KeyValueSpec, layout: Layout, context: dict[str, Any], ncols: int, wording: Wording) -> list[list[Cell]]:
    data = lookup(context, spec.path)
    data = data if isinstance(data, dict) else {}
    keys = list(spec.keys) + [k for k in data if k not in spec.keys]
    free = ncols - 1
    if len(keys) > free:
        raise LayoutError(f"“{spec.label}”有 {len(keys)} 项，表格只有 {free} 列可用")
    spans = [free // len(keys) + (1 if i < free % len(keys) else 0) for i in range(len(keys))] if keys else []
    top = [label(_worded(spec.label, wording), rowspan=2), *(label(k, s, role=HEAD) for k, s in zip(keys, spans, strict=True))]
    bottom = [
        value_cell(data.get(k), fmt=spec.fmt, places=layout.money_places, colspan=s, align=CENTER, thousands=layout.thousands)
        for k, s in zip(keys, spans, strict=True)
    ]
    return [top, bottom or [Cell(colspan=free)]]


# ---------------------------------------------------------------------------------------------------
# How cells fit their columns: the same estimate for every format (CJK characters are one em wide in
# any Chinese font; the line height is fixed, see form.LINE)


def room_mm(width_mm: float) -> float:
    """The width of a cell's text: the cell less its padding and its share of the lines around it."""
    return max(1.0, width_mm - 2 * PADDING_MM - BORDER_MM)


def lines_needed(text: str, width_mm: float, size: float) -> int:
    return max(1, math.ceil(width_em(text) * size * PT_MM / room_mm(width_mm))) if text else 1


def _aligned(grid: Grid, style: Style) -> Grid:
    """Settle the alignment left open (centred when the text fits on one line, else from the left), and
    break a label too long for one line into even lines, so that no format breaks it inside a word."""
    size = style.table_size
    widths = grid.widths
    rows, placed_rows = [], []
    for placed_row in grid.placed_rows:
        row, placed = [], []
        for p in placed_row:
            cell = p.cell
            width = sum(widths[p.col : p.col + p.colspan])
            fits = all(lines_needed(line, width, size) == 1 for line in cell.lines) and len(cell.lines) <= 1
            if cell.role != VALUE and len(cell.lines) == 1 and not fits:
                cell = replace(cell, lines=_broken(cell.lines[0], width, size))
            align = cell.align or (CENTER if fits or cell.number is not None else LEFT)
            if align != cell.align or p.colspan != cell.colspan:
                cell = replace(cell, align=align, colspan=p.colspan)
            row.append(cell)
            placed.append(Placed(p.row, p.col, p.rowspan, p.colspan, cell))
        rows.append(row)
        placed_rows.append(placed)
    # Every cell now spans what it was placed over, so it lands where it was: no need to place it again.
    return Grid(widths, rows, head=grid.head, joined=grid.joined, bound=grid.bound).known(placed_rows)


def _broken(text: str, width: float, size: float) -> tuple[str, ...]:
    """A label in as few even lines as fit its column."""
    count = lines_needed(text, width, size)
    while count < len(text):
        lines = balanced(text, count)
        if all(lines_needed(line, width, size) == 1 for line in lines):
            return lines
        count += 1
    return tuple(text)


def balanced(text: str, count: int) -> tuple[str, ...]:
    """``text`` in ``count`` lines of about even width, the first lines the longer, each break moved off a
    word of the forms (年度本级 / 预算金额, 本年度 / 绩效指标 rather than 本年度绩 / 效指标) and before an
    opening bracket near it (指标值说明 / （指标解释）)."""
    if count <= 1 or len(text) < 2:
        return (text,)
    out = []
    rest = text
    for left in range(count, 1, -1):
        target = width_em(rest) / left
        cut, used = 0, 0.0
        while cut < len(rest) - 1 and used < target:
            used += width_em(rest[cut])
            cut += 1
        options = [c for c in (cut, cut - 1, cut + 1, cut - 2, cut + 2) if 0 < c < len(rest)]
        cut = next((c for c in options if rest[c] in OPENING), None) or next(
            (c for c in options if rest[c - 1 : c + 1] not in FORM_WORDS), options[0] if options else 1
        )
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return tuple(line for line in out if line)


def _bound(grid: Grid, style: Style) -> Grid:
    """The rows under a merged cell of a few short rows (a 二级指标's) kept together on one page: a page
    then breaks where a merged cell begins, and its name is printed on the page. A taller run may part:
    moving it whole would leave too much of a page empty."""
    heights = [0.0] * len(grid.rows)
    for p in grid.placed:
        if p.rowspan == 1:
            width = sum(grid.widths[p.col : p.col + p.colspan])
            heights[p.row] = max(heights[p.row], _height_mm(p.cell.lines, width, style.table_size))
    bound: set[int] = set()
    for p in grid.placed:
        if p.row >= grid.head and p.rowspan > 1 and p.cell.text and sum(heights[p.row : p.row + p.rowspan]) <= KEEP_MM:
            bound.update(range(p.row, p.row + p.rowspan - 1))
    return Grid(grid.widths, grid.rows, head=grid.head, joined=grid.joined, bound=frozenset(bound)).known(grid.placed_rows)


def _height_mm(lines: tuple[str, ...], width_mm: float, size: float) -> float:
    count = sum(lines_needed(line, width_mm, size) for line in lines) if lines else 1
    return count * size * PT_MM * LINE + 2 * PADDING_TOP_MM


def _split_tall(grid: Grid, style: Style) -> Grid:
    """A grid whose rows too tall to move whole to another page are cut into rows that read as one."""
    size = style.table_size
    pieces: dict[tuple[int, int], list[tuple[str, ...]]] = {}
    for p in grid.placed:
        if p.row < grid.head or p.rowspan != 1 or p.cell.number is not None:
            continue
        width = sum(grid.widths[p.col : p.col + p.colspan])
        if _height_mm(p.cell.lines, width, size) > TALL_MM:
            pieces[(p.row, p.col)] = _pieces(p.cell.lines, width, size)
    if not pieces:
        return grid
    extra = [max((len(v) for (r, _), v in pieces.items() if r == row), default=1) for row in range(len(grid.rows))]
    start = [sum(extra[:r]) for r in range(len(grid.rows))]
    rows: list[list[Cell]] = [[] for _ in range(sum(extra))]
    for placed_row in grid.placed_rows:
        for p in placed_row:
            own = pieces.get((p.row, p.col))
            if own is None:
                span = sum(extra[p.row : p.row + p.rowspan])
                rows[start[p.row]].append(replace(p.cell, rowspan=span, colspan=p.colspan))
                continue
            for k, text in enumerate(own):
                span = extra[p.row] - k if k == len(own) - 1 else 1
                rows[start[p.row] + k].append(
                    replace(p.cell, lines=text, rowspan=span, colspan=p.colspan, joined=p.cell.joined or k > 0)
                )
    bound = frozenset(start[r] + extra[r] - 1 for r in grid.bound)  # a cut row's last piece stays with the next
    return Grid(grid.widths, rows, head=grid.head, joined=grid.joined, bound=bound)


def _pieces(lines: tuple[str, ...], width_mm: float, size: float) -> list[tuple[str, ...]]:
    """A cell's paragraphs in pieces of at most PIECE_MM: whole paragraphs where they fit, a paragraph
    longer than that cut between sentences (or, with none, where the piece is full)."""
    line_mm = size * PT_MM * LINE
    most = max(1, int((PIECE_MM - 2 * PADDING_TOP_MM) / line_mm))
    per_line = max(1.0, room_mm(width_mm) / (size * PT_MM))  # ems on one printed line
    units: list[str] = []
    for paragraph in lines:
        if lines_needed(paragraph, width_mm, size) <= most:
            units.append(paragraph)
            continue
        chunk = ""
        for sentence in [s for s in SENTENCE_END.split(paragraph) if s]:
            for part in _cut(sentence, per_line * most):
                if chunk and lines_needed(chunk + part, width_mm, size) > most:
                    units.append(chunk)
                    chunk = ""
                chunk += part
        if chunk:
            units.append(chunk)
    out: list[list[str]] = [[]]
    used = 0
    for unit in units:
        needed = lines_needed(unit, width_mm, size)
        if out[-1] and used + needed > most:
            out.append([])
            used = 0
        out[-1].append(unit)
        used += needed
    return [tuple(piece) for piece in out]


def _cut(text: str, ems: float) -> list[str]:
    """``text`` in parts of at most ``ems`` (less one line's slack for wrapping), in order."""
    limit = max(1.0, ems - 2)
    parts, current, used = [], "", 0.0
    for char in text:
        w = width_em(char)
        if current and used + w > limit:
            parts.append(current)
            current, used = "", 0.0
        current += char
        used += w
    if current:
        parts.append(current)
    return parts
