"""Compose the official tables of one unit from its layout and its data.

Everything the layout asks for is taken from the data files by the field names they already use
(项目金额, 预算情况.资金总额 …). The unit's tables come first, in the layout's order, then one
table per project, ordered by 序号 and then by file name. Fields that the layout has no place for
are listed, never dropped silently: the build reports them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import pairwise
from typing import Any

from generator.data import fields as F
from generator.data.model import Project, Unit
from generator.names import unique_names
from generator.render.cells import fill, is_number, lookup, text_of, value_cell, width_em, with_operator
from generator.render.form import (
    CENTER,
    HEAD,
    LABEL,
    LEFT,
    Block,
    Cell,
    Form,
    Grid,
    Heading,
    LayoutError,
    Paragraphs,
    Style,
)
from generator.render.layout import (
    PROJECT,
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
)

BOOKLET = "单位汇编"
# Records about the source document, for the website: never printed on the official tables.
# 单位名称 names the unit everywhere on the website, printed on a form or not (内蒙古's forms do not print it).
NOT_PRINTED = frozenset({F.ACKNOWLEDGED, F.CORRECTIONS, F.FILLED_BY, F.ORDER, F.INCOMPLETE, F.UNIT_NAME})
PADDING_MM = 1.5
WEIGHTS = "权重合计"  # in a project's context: the weights added up (compose.weights)
ALL_WEIGHTS = "全部"
PT_MM = 0.3528


@dataclass
class UnitTables:
    """The tables of one unit in booklet order, and the data fields no table prints."""

    forms: list[Form]
    unprinted: list[tuple[str, str]]  # (file, field)


def project_order(project: Project) -> tuple[int, int, str]:
    order = project.doc.data.get(F.ORDER)
    name = project.doc.path.name
    return (0, int(order), name) if isinstance(order, int) and not isinstance(order, bool) else (1, 0, name)


def compose_unit(layout: Layout, unit: Unit) -> UnitTables:
    region = unit.region
    projects = sorted(unit.projects, key=project_order)
    # 上年 and 前年 name the years of a budget breakdown's actuals ("{前年}年实际执行数").
    shared = {"年度": unit.year, "上年": unit.year - 1, "前年": unit.year - 2, F.MONEY_UNIT: region.money_unit,
              "地区": region.name}
    unit_fields = {k: unit.doc.data.get(k) for k in (F.UNIT_NAME, F.UNIT_CODE, F.FINANCE_OFFICER, F.PREPARER)}
    unit_fields = {F.SUPERVISOR: unit.doc.data.get(F.SUPERVISOR), **unit_fields}  # a project's own comes first
    project_contexts = [
        {**shared, **unit_fields, **p.doc.data, F.ORDER: n, WEIGHTS: weights(p.doc.data)}
        for n, p in enumerate(projects, start=1)
    ]
    unit_context = {**unit.doc.data, **shared, PROJECTS: project_contexts}
    forms: list[Form] = []
    stems = project_stems(layout, projects)
    for spec in layout.forms:
        if spec.subject == UNIT and _present(unit_context, spec.requires):
            forms.append(compose_form(spec, layout, unit_context, str(spec.stem)))
    for spec in layout.forms:
        if spec.subject == PROJECT:
            for context, stem in zip(project_contexts, stems, strict=True):
                forms.append(compose_form(spec, layout, context, stem))
    unprinted = _unprinted(unit.doc.display, unit.doc.data, layout.fields_printed(UNIT))
    for project in projects:
        unprinted += _unprinted(project.doc.display, project.doc.data, layout.fields_printed(PROJECT))
    return UnitTables(forms, unprinted)


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


def compose_form(spec: FormSpec, layout: Layout, context: dict[str, Any], stem: str) -> Form:
    try:
        blocks = [_block(b, layout, context, spec.style) for b in spec.blocks]
    except LayoutError as exc:
        raise LayoutError(f"{layout.name}/layout.yaml 的“{spec.name}”：{exc}") from exc
    return Form(
        kind=spec.name,
        stem=stem,
        caption=text_of(context.get(F.PROJECT_NAME)) if spec.subject == PROJECT else spec.name,
        title=fill(spec.title, context),
        heading=tuple(fill(t, context) for t in spec.heading),
        blocks=blocks,
        footer=tuple(fill(t, context) for t in spec.footer),
        landscape=spec.landscape,
        style=spec.style,
    )


def _block(spec: GridSpec | HeadingSpec | ParagraphSpec, layout: Layout, context: dict[str, Any],
           style: Style) -> Block:
    if isinstance(spec, HeadingSpec):
        return Heading(fill(spec.text, context))
    if isinstance(spec, ParagraphSpec):
        cell = value_cell(lookup(context, spec.path), numbering=spec.numbering or layout.numbering)
        return Paragraphs(cell.lines)
    sections: list[tuple[tuple[float, ...], list[list[Cell]]]] = []
    for row in spec.rows:
        widths = spec.widths if isinstance(row, RowSpec) or not row.widths else row.widths
        rows = compose_rows(row, layout, context, len(widths))
        if sections and sections[-1][0] == widths:
            sections[-1][1].extend(rows)
        else:
            sections.append((widths, rows))
    return _aligned(_joined(sections), style)


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
            rows.append([replace(p.cell, colspan=index[p.col + p.colspan] - index[p.col], rowspan=p.rowspan)
                         for p in placed_row])
    return Grid(tuple(round(b - a, 2) for a, b in pairwise(union)), rows)


def compose_rows(spec: RowBlock, layout: Layout, context: dict[str, Any], ncols: int) -> list[list[Cell]]:
    if isinstance(spec, RowSpec):
        return [[_cell(c, layout, context) for c in spec.cells]]
    if isinstance(spec, DetailSpec):
        return _detail(spec, layout, context)
    if isinstance(spec, IndicatorSpec):
        return _indicators(spec, layout, context)
    if isinstance(spec, ProjectIndicatorSpec):
        return _project_indicators(spec, layout, context)
    return _key_values(spec, layout, context, ncols)


def _value(path: str, layout: Layout, context: dict[str, Any]) -> Any:
    """The value a cell or column prints: a text made of {…} placeholders, or the field at ``path`` as the
    layout prints it (印作)."""
    if "{" in path:
        return fill(path, context)
    return layout.printed(path, lookup(context, path))


def label(text: str, colspan: int = 1, rowspan: int = 1, role: str = LABEL) -> Cell:
    return Cell((text,) if text else (), role=role, colspan=colspan, rowspan=rowspan, align=CENTER)


def _cell(spec: CellSpec, layout: Layout, context: dict[str, Any]) -> Cell:
    if spec.path is None:
        return label(fill(spec.text or "", context), spec.colspan, spec.rowspan)
    return value_cell(_value(spec.path, layout, context), fmt=spec.fmt, places=layout.money_places,
                      numbering=spec.numbering or layout.numbering, colspan=spec.colspan,
                      rowspan=spec.rowspan, align=spec.align, thousands=layout.thousands)


def _detail(spec: DetailSpec, layout: Layout, context: dict[str, Any]) -> list[list[Cell]]:
    items = lookup(context, spec.source) or []
    items = [item if isinstance(item, dict) else {"内容": item} for item in items]
    body: list[list[Cell]] = []
    for n, item in enumerate(items, start=1):
        item = {F.ORDER: n, **item}
        body.append([value_cell(_value(c.path, layout, item), fmt=c.fmt, places=layout.money_places,
                                numbering=layout.numbering, colspan=c.colspan, align=c.align,
                                thousands=layout.thousands)
                     for c in spec.columns])
    if not body:  # an empty list still prints one blank row to fill in
        body.append([Cell(colspan=c.colspan) for c in spec.columns])
    if spec.total is not None:
        total = _total_row(spec.total, spec.columns, layout, items, context)
        body.insert(0, total) if spec.total.top else body.append(total)
    header = [label(fill(c.title, context), c.colspan, role=HEAD) for c in spec.columns]
    if spec.label:
        header.insert(0, label(spec.label, rowspan=len(body) + 1))
    return [header, *body]


def _total_row(total: TotalSpec, columns: tuple[ColumnSpec, ...], layout: Layout, items: list[dict[str, Any]],
               context: dict[str, Any]) -> list[Cell]:
    """The 合计 row: its label over the columns before the first total, then each column's sum (the first
    one the figure the data states, when it states one) or nothing."""
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
        cells.append(value_cell(figure, fmt=column.fmt, places=layout.money_places, colspan=column.colspan,
                                thousands=layout.thousands))
    return cells


def _indicators(spec: IndicatorSpec, layout: Layout, context: dict[str, Any]) -> list[list[Cell]]:
    rows = [r for r in (lookup(context, spec.source) or []) if isinstance(r, dict)]
    body = _indicator_cells(spec.columns, spec.merge, spec.placeholder, layout, rows)
    header = [label(c.title, role=HEAD) for c in spec.columns]
    if spec.label:
        header.insert(0, label(spec.label, rowspan=len(body) + 1))
    return [header, *body]


def _indicator_cells(columns: tuple[ColumnSpec, ...], merge: tuple[str, ...], placeholder: str, layout: Layout,
                     rows: list[dict[str, Any]]) -> list[list[Cell]]:
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
                    cells.append(value_cell(layout.printed(key, row.get(key)), rowspan=span, align=CENTER))
            elif empty:
                cells.append(Cell((placeholder,) if key == F.LEVEL3 and placeholder else (), align=CENTER))
            elif key == VALUE_WITH_OPERATOR:
                cells.append(Cell((with_operator(row),) if row.get(F.VALUE) is not None else (), align=column.align))
            else:
                cells.append(value_cell(layout.printed(key, row.get(key)), align=column.align))
        body.append(cells)
    return body


def _project_indicators(spec: ProjectIndicatorSpec, layout: Layout, context: dict[str, Any]) -> list[list[Cell]]:
    """One row per indicator of each of the unit's projects; a project's columns merged over its rows, a
    column marked 合并 over neighbouring projects with the same value; the 合计 above or below."""
    # A unit's sheet lists its projects; a project's own table is the same sheet with its rows only.
    listed = context.get(PROJECTS)
    projects = [p for p in listed or [] if isinstance(p, dict)] if isinstance(listed, list) else [context]
    indicator_columns = tuple(c for c in spec.columns if c.indicator)
    blocks: list[tuple[dict[str, Any], list[list[Cell]]]] = []
    for project in projects:
        rows = [r for r in project.get(F.INDICATORS) or [] if isinstance(r, dict)]
        cells = _indicator_cells(indicator_columns, spec.merge, "", layout, rows)
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
                    row.append(value_cell(_value(column.path, layout, project), fmt=column.fmt,
                                          places=layout.money_places, numbering=layout.numbering,
                                          colspan=column.colspan, rowspan=span, align=column.align,
                                          thousands=layout.thousands))
            # merged indicator cells of later rows are placed by their rowspan: only those present print
            row.extend(shown)
            body.append(row)
    if spec.total is not None:
        total = _total_row(spec.total, spec.columns, layout, projects, context)
        body.insert(0, total) if spec.total.top else body.append(total)
    return [[label(fill(c.title, context), c.colspan, role=HEAD) for c in spec.columns], *body]


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


def _key_values(spec: KeyValueSpec, layout: Layout, context: dict[str, Any], ncols: int) -> list[list[Cell]]:
    data = lookup(context, spec.path)
    data = data if isinstance(data, dict) else {}
    keys = list(spec.keys) + [k for k in data if k not in spec.keys]
    free = ncols - 1
    if len(keys) > free:
        raise LayoutError(f"“{spec.label}”有 {len(keys)} 项，表格只有 {free} 列可用")
    spans = [free // len(keys) + (1 if i < free % len(keys) else 0) for i in range(len(keys))] if keys else []
    top = [label(spec.label, rowspan=2), *(label(k, s, role=HEAD) for k, s in zip(keys, spans, strict=True))]
    bottom = [value_cell(data.get(k), fmt=spec.fmt, places=layout.money_places, colspan=s, align=CENTER,
                         thousands=layout.thousands)
              for k, s in zip(keys, spans, strict=True)]
    return [top, bottom or [Cell(colspan=free)]]


def _aligned(grid: Grid, style: Style) -> Grid:
    """Settle the alignment left open: centred when the text fits on one line, else from the left."""
    em = style.table_size * PT_MM
    widths = grid.widths
    rows = []
    for placed_row in grid.placed_rows:
        row = []
        for p in placed_row:
            cell = p.cell
            align = cell.align
            if not align:
                room = sum(widths[p.col:p.col + p.colspan]) - 2 * PADDING_MM
                fits = all(width_em(line) * em <= room for line in cell.lines) and len(cell.lines) <= 1
                align = CENTER if fits or cell.number is not None else LEFT
            if align != cell.align or p.colspan != cell.colspan:
                cell = replace(cell, align=align, colspan=p.colspan)
            row.append(cell)
        rows.append(row)
    return Grid(widths, rows)


