"""``jixiao check``: load, validate against the schema, run the domain rules, apply acknowledgements.

Everything is collected first and the exit status is decided once, at the end: one broken file
never hides the problems of the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from generator import acknowledge, schemas
from generator.diagnostics import Diagnostic, Report
from generator.load import Document, display_path, load
from generator.model import Project, Region, Unit
from generator.rules import Scope, run_project_rules, run_unit_rules
from generator.tree import Tree, UnitFolder, collect

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass
class Loaded:
    doc: Document | None
    valid: bool
    diagnostics: list[Diagnostic]


def load_and_validate(path: Path) -> Loaded:
    result = load(path)
    if isinstance(result, Diagnostic):
        return Loaded(None, False, [result])
    problems = schemas.validate(result)
    return Loaded(result, not problems, problems)


def load_many(files: list[Path], jobs: int | None = None) -> dict[Path, Loaded]:
    jobs = jobs or os.cpu_count() or 1
    if jobs == 1 or len(files) < PARALLEL_THRESHOLD:
        return {f: load_and_validate(f) for f in files}
    chunk = max(1, len(files) // (jobs * 8))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return dict(zip(files, pool.map(load_and_validate, files, chunksize=chunk), strict=True))


@dataclass
class Workspace:
    """The checked model: every region, unit and project that passed the schema."""

    tree: Tree
    loaded: dict[Path, Loaded]
    regions: dict[Path, Region]
    units: list[Unit]

    def valid_doc(self, path: Path) -> Document | None:
        item = self.loaded.get(path)
        return item.doc if item and item.valid else None


def build(paths: list[Path], jobs: int | None = None) -> tuple[Workspace, list[Diagnostic]]:
    """Load and model everything under ``paths``; return the model and every finding."""
    tree = collect(paths)
    loaded = load_many(tree.files(), jobs)
    found: list[Diagnostic] = list(tree.problems)
    for item in loaded.values():
        found.extend(item.diagnostics)
    ws = Workspace(tree, loaded, {}, [])
    for region_dir in sorted(tree.region_dirs):
        doc = ws.valid_doc(region_dir / "地区.yaml")
        if doc is not None:
            ws.regions[region_dir] = Region.from_doc(doc)
    for folder in sorted(tree.units.values(), key=lambda u: u.path):
        found.extend(_check_unit(folder, ws))
    return ws, found


def _check_unit(folder: UnitFolder, ws: Workspace) -> list[Diagnostic]:
    region = ws.regions.get(folder.region_dir)
    if region is None:
        return []
    unit_doc = ws.valid_doc(folder.unit_file)
    unit = Unit.from_doc(unit_doc, folder.year, region) if unit_doc else None
    found: list[Diagnostic] = []
    all_valid = unit is not None
    for path in folder.project_files:
        doc = ws.valid_doc(path)
        if doc is None:
            all_valid = False
            continue
        project = Project.from_doc(doc)
        found.extend(run_project_rules(project, Scope(region, folder.year, unit)))
        if unit is not None:
            unit.projects.append(project)
    if unit is not None:
        ws.units.append(unit)
        if all_valid:
            found.extend(run_unit_rules(unit))
    return found


def _acknowledged(ws: Workspace, found: list[Diagnostic]) -> list[Diagnostic]:
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in found:
        by_path.setdefault(diag.path, []).append(diag)
    out: list[Diagnostic] = []
    for path, item in sorted(ws.loaded.items()):
        shown = display_path(path)
        mine = by_path.pop(shown, [])
        out.extend(acknowledge.apply(item.doc, mine) if item.valid and item.doc else mine)
    for rest in by_path.values():
        out.extend(rest)
    return out


CROSS_FILE_FAMILIES = ("X", "D", "P")


def check(paths: Iterable[Path], jobs: int | None = None) -> Report:
    ws, found = build(list(paths), jobs)
    requested = {display_path(p) for p in ws.tree.requested}
    report = Report(files_checked=len(ws.tree.requested))
    for diag in _acknowledged(ws, found):
        if diag.path in requested or diag.code.startswith(CROSS_FILE_FAMILIES):
            report.diagnostics.append(diag)
    return report
