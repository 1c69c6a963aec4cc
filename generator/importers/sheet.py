"""A sheet of every project's indicators, one row each (the shape budget systems export) → projects.

The layout's table (a 项目指标 block: generator.render.layout.ProjectIndicatorSpec) heads its columns with
project fields (单位名称, 项目名称, 预算数, 年度目标) and indicator columns. A row whose 项目名称 cell is
filled starts a project; the rows below it whose project cells are empty (merged) are its indicators. A
row with neither a project nor an indicator is the sheet's 合计 row (四川's 部门合计: the 主管部门 and the
total of all the unit's projects, some of which the sheet may not show). Several projects on one sheet
are always several projects, never one table.
"""

from __future__ import annotations

from typing import Any

from generator.data import fields as F
from generator.data.regional import NATIONAL
from generator.importers import forms
from generator.importers import vocabulary as vocab
from generator.importers.forms import from_template
from generator.importers.indicators import GridReader, find_header
from generator.importers.project import Hint, ProjectDraft, amount_field, context_hints, report_grid_notes, text_field
from generator.importers.recognise import Found
from generator.importers.source import Cell, Source


def _columns(found: Found, header: list[Cell], grid: dict[str, int]) -> tuple[dict[str, int], dict[int, str]]:
    """The project columns: field → column, and column → template (a cell printed from several fields)."""
    profile = found.profile
    labels = forms.field_labels(profile, vocab.PROJECT_LABELS)
    fields: dict[str, int] = {}
    templates: dict[int, str] = {}
    for cell in header:
        if cell.blank or cell.col in grid.values():
            continue
        key = forms.norm(cell.text)
        if profile is not None and key in profile.templates:
            templates[cell.col] = profile.templates[key]
            cell.use()
        elif (name := vocab.match(cell.text, labels)) is not None:
            fields.setdefault(name, cell.col)
            cell.use()
    return fields, templates


def build_sheet(source: Source, found: Found, unit_fields: dict[str, Any]) -> list[ProjectDraft]:
    profile = found.profile
    labels = forms.grid_labels(profile, vocab.GRID_LABELS)
    header = find_header(found.rows, labels, forms.needs(profile.columns if profile else {}))
    if header is None:
        return []
    index, grid = header
    for cell in found.rows[index]:
        if cell.col in grid.values():
            cell.use()
    fields, templates = _columns(found, found.rows[index], grid)
    regional = profile.regional if profile is not None else NATIONAL
    first_grid = min(grid.values())
    drafts: list[ProjectDraft] = []
    reader: GridReader | None = None
    for row in found.rows[index + 1 :]:
        by_col = {cell.col: cell for cell in row}
        project_cells = {key: by_col.get(col) for key, col in fields.items()}
        named = project_cells.get(F.PROJECT_NAME)
        indicator_cells = [cell for cell in row if cell.col >= first_grid]
        has_indicator = any(not cell.blank for cell in indicator_cells)
        if named is not None and not named.blank:
            draft = _project(source, found, project_cells, by_col, templates, drafts)
            drafts.append(draft)
            reader = GridReader(source, grid, regional, labels)
        elif not has_indicator and not drafts:
            _total_row(source, found, by_col, fields, templates, unit_fields)
            continue
        if reader is not None and has_indicator and drafts:
            rows = reader.read([indicator_cells])
            drafts[-1].data[F.INDICATORS].extend(rows)
    for draft in drafts:
        draft.cost_level1 = any(r.get(F.LEVEL1) == "成本指标" for r in draft.data[F.INDICATORS])
    if reader is not None:
        report_grid_notes(source, reader, found)
    if drafts:
        context_hints(found, drafts[0])
    return drafts


def _project(
    source: Source,
    found: Found,
    cells: dict[str, Cell | None],
    by_col: dict[int, Cell],
    templates: dict[int, str],
    drafts: list[ProjectDraft],
) -> ProjectDraft:
    name_cell = cells[F.PROJECT_NAME]
    assert name_cell is not None
    name = text_field(source, name_cell)
    amount = amount_field(source, cells.get(F.AMOUNT), F.AMOUNT)
    data: dict[str, Any] = {F.PROJECT_NAME: name, F.AMOUNT: amount}
    regional = found.profile.regional if found.profile is not None else None
    for key, cell in cells.items():
        if key in (F.PROJECT_NAME, F.AMOUNT) or cell is None or cell.blank:
            continue
        text = text_field(source, cell)
        data[key] = (regional.canonical_value(key, text) if regional else None) or text
    data[F.INDICATORS] = []
    draft = ProjectDraft(
        source=source,
        found=found,
        layout=found.layout,
        data=data,
        name=name,
        anchor=name_cell,
        amount=amount,
        amount_item=cells.get(F.AMOUNT) or name_cell,
    )
    for col, template in templates.items():  # the unit's name (and code) printed in every project's row
        cell = by_col.get(col)
        if cell is None or cell.blank:
            continue
        values = from_template(template, cell.text)
        if values is not None and F.UNIT_NAME in values:
            cell.use()
            draft.printed.append(Hint(values[F.UNIT_NAME], cell, "unit"))
            if values.get(F.UNIT_CODE):
                draft.unit_code = values[F.UNIT_CODE]
    return draft


def _total_row(
    source: Source,
    found: Found,
    by_col: dict[int, Cell],
    fields: dict[str, int],
    templates: dict[int, str],
    unit_fields: dict[str, Any],
) -> None:
    """The sheet's 合计 row above the projects: the fields its label prints, and the total it states."""
    total = found.profile.total if found.profile is not None else None
    if total is None:
        return
    label, stated = total
    label_cell = next((c for c in by_col.values() if not c.blank and c.col not in fields.values()), None)
    if label_cell is None:
        return
    values = from_template(label, label_cell.text)
    if values is None:
        return
    label_cell.use()
    unit_fields.update(values)
    amount_col = fields.get(F.AMOUNT)
    cell = by_col.get(amount_col) if amount_col is not None else None
    if cell is not None and not cell.blank:
        figure = amount_field(source, cell, stated)
        if figure is not None:
            unit_fields[stated] = figure
