"""Layout files checked as data: every mistake of a layout.yaml, each at its line and column.

A layout is read the way data files are (generator.data.load: its positions, its limits, its refusals),
validated against ``schema/layout.schema.json`` (generator.data.schemas: the same Chinese S-findings as
data files), and then printed once with a probe of made-up content: one indicator, one row of each
list. What cannot be printed (cells that do not fit the columns, a 合计 on the first column, more
键值 than columns) is found here, located at the row of the layout that causes it, instead of
stopping a build half way. ``jixiao check`` reports these findings with the region that uses the
layout; ``jixiao build`` does not start with a broken layout.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from generator.data import fields as F
from generator.data import regional as regionals
from generator.data import schemas
from generator.data.load import Document, by_content, display_path, load, load_bytes
from generator.diagnostics import Diagnostic, FieldPath
from generator.render import layout as layouts
from generator.render.compose import compose_rows
from generator.render.form import LayoutError, place
from generator.render.layout import (
    PROJECTS,
    DetailSpec,
    GridSpec,
    IndicatorSpec,
    Layout,
    ProjectIndicatorSpec,
    RowSpec,
)

_ROW = re.compile(r"^第 \d+ 行")


def check_region_layout(region: Document) -> list[Diagnostic]:
    """The findings about the layout a region's 地区.yaml names (通用 when it names none): L001 at 版式 when
    there is no such layout, neither in the data repository's 版式/ nor built in, else every finding of the
    layout's file."""
    name = region.data.get(F.LAYOUT, regionals.DEFAULT_LAYOUT)
    if not isinstance(name, str):
        return []  # the schema reports it
    where = region.path.parent
    folder = regionals.find(name, where)
    if folder is None:
        return [
            region.diagnostic(
                "L001", (F.LAYOUT,) if F.LAYOUT in region.data else (), layout=name, available="、".join(layouts.available(where))
            )
        ]
    return check_folder(folder)


def check_layout(name: str) -> list[Diagnostic]:
    """Every finding of the built-in layout ``name``; [] when it can be printed."""
    return check_folder(layouts.layout_file(name).parent)


def check_folder(folder: Path) -> list[Diagnostic]:
    """Every finding of the layout in ``folder`` (an existing one); [] when it can be printed. Worked out
    once per process for each content of its file (a layout edited while ``jixiao serve`` runs is checked
    anew)."""
    return _check_file(folder / regionals.LAYOUT_FILE)


@by_content
def _check_file(path: Path, raw: bytes | None) -> list[Diagnostic]:
    folder = path.parent
    loaded = load(path) if raw is None else load_bytes(raw, path, display_path(path))
    if isinstance(loaded, Diagnostic):
        return [loaded]
    doc = replace(loaded, kind="layout")
    problems = schemas.validate(doc)
    if problems:
        return problems
    try:
        layout = layouts.parse(doc.data, path.parent)
    except layouts.LayoutProblem as exc:
        return [doc.diagnostic(exc.code, exc.path, detail=str(exc))]
    found = [doc.diagnostic("L004", ("名称",), name=layout.name, folder=folder.name)] if layout.name != folder.name else []
    for n, form in enumerate(layout.forms):
        for m, block in enumerate(form.blocks):
            if isinstance(block, GridSpec):
                found.extend(_grid_problems(doc, layout, block, ("表格", n, "内容", m, "表")))
    return found


def _grid_problems(doc: Document, layout: Layout, grid: GridSpec, where: FieldPath) -> list[Diagnostic]:
    """Print the grid with probe content; the first problem of each band of rows (rows sharing their
    column widths are placed together), at the row of the layout that causes it."""
    found: list[Diagnostic] = []
    bands: list[tuple[tuple[float, ...], list[tuple[int, int]], list[list[Any]]]] = []  # widths, (row, grid rows), cells
    for r, row in enumerate(grid.rows):
        widths = grid.widths if isinstance(row, RowSpec) or not row.widths else row.widths
        try:
            cells = compose_rows(row, layout, _probe(row), len(widths))
        except LayoutError as exc:
            found.append(doc.diagnostic("L003", (*where, "行", r), detail=str(exc)))
            continue
        if not bands or bands[-1][0] != widths:
            bands.append((widths, [], []))
        bands[-1][1].append((r, len(cells)))
        bands[-1][2].extend(cells)
    for widths, owners, cells in bands:
        try:
            place(widths, cells)
        except LayoutError as exc:
            found.append(doc.diagnostic("L002", (*where, "行", _owner(owners, exc.row)), detail=_ROW.sub("这一行", str(exc))))
    return found


def _owner(owners: list[tuple[int, int]], grid_row: int | None) -> int:
    """The layout row that made the grid row ``grid_row``."""
    start = 0
    for layout_row, count in owners:
        if grid_row is not None and start <= grid_row < start + count:
            return layout_row
        start += count
    return owners[-1][0]


def _probe(row: Any) -> dict[str, Any]:
    """Made-up content for one row of a layout: a complete indicator and a placeholder one, one item of
    each list (a list of projects included), so that every cell the row can print is printed."""
    if isinstance(row, IndicatorSpec):
        return _nested(
            row.source,
            [
                {F.LEVEL1: "产出指标", F.LEVEL2: "数量指标", F.LEVEL3: "示例", F.OPERATOR: "≥", F.VALUE: 1, F.MEASURE: "个"},
                {F.LEVEL1: "产出指标", F.LEVEL2: "质量指标"},
            ],
        )
    if isinstance(row, DetailSpec):
        return _nested(row.source, [{}] if row.source != PROJECTS else [{F.ORDER: 1}])
    if isinstance(row, ProjectIndicatorSpec):
        indicators = _probe(IndicatorSpec(F.INDICATORS, ()))[F.INDICATORS]
        return {PROJECTS: [{F.ORDER: 1, F.INDICATORS: indicators}, {F.ORDER: 2}]}
    return {}


def _nested(path: str, value: Any) -> dict[str, Any]:
    out: Any = value
    for part in reversed(path.split(".")):
        out = {part: out}
    return dict(out)
