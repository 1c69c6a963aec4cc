"""``jixiao check``: load, validate against the schema, run the domain rules, apply acknowledgements.

Everything is collected first and the exit status is decided once, at the end: one broken file
never hides the problems of the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from generator import cache, held, progress, workers
from generator.check import acknowledge
from generator.check.rules import Scope, run_project_rules, run_unit_rules
from generator.data import remembered, schemas
from generator.data.load import MAX_BYTES, Document, LoadResult, decode, display_path, is_regular, kind_of, load, load_bytes, read
from generator.data.model import Project, Region, Unit
from generator.data.regional import LAYOUT_FILE
from generator.data.tree import Tree, UnitFolder, collect
from generator.diagnostics import Diagnostic, Report, Severity

# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 400


@dataclass
class Loaded:
    doc: Document | None
    valid: bool
    diagnostics: list[Diagnostic]


def load_and_validate(path: Path, schema_lines: schemas.SchemaLines | None = None) -> Loaded:
    return _validated(load(path), schema_lines)


def _validated(result: LoadResult, schema_lines: schemas.SchemaLines | None) -> Loaded:
    if isinstance(result, Diagnostic):
        return Loaded(None, False, [result])
    problems = schemas.validate(result)
    return Loaded(result, not problems, problems + schemas.check_schema_line(result, schema_lines))


def _read_validated(raw: bytes | Diagnostic, path: Path, shown: str, schema_lines: schemas.SchemaLines | None) -> Loaded:
    """``load_and_validate`` of the bytes (or the refusal) ``read`` gave for ``path``."""
    return _validated(raw if isinstance(raw, Diagnostic) else load_bytes(raw, path, shown), schema_lines)


def load_contexts(paths: list[Path], schema_lines: schemas.SchemaLines | None = None) -> dict[Path, Loaded]:
    """``load_and_validate`` of project files of one folder loaded only as context for the unit's rules:
    their data is remembered by their bytes (generator.data.remembered), together and each file's alone,
    and read back instead of parsing the files. A one-file check of a unit of 100 projects reads one
    cache entry for the other 99 (about 20 ms less than 99 entries); after an edit of another file of
    the unit, the entries of single files serve."""
    if not paths:
        return {}
    shown = {path: display_path(path) for path in paths}
    raws = {path: read(path, shown[path]) for path in paths}
    out: dict[Path, Loaded] = {}
    usable = []
    for path, raw in raws.items():
        if isinstance(raw, Diagnostic) or len(raw) > MAX_BYTES:  # reported as by load_and_validate
            out[path] = _read_validated(raw, path, shown[path], schema_lines)
        else:
            usable.append((path, raw))
    folder = paths[0].parent
    together = remembered.key_of_many([(kind_of(path), raw) for path, raw in usable]) if len(usable) > 1 else None
    recalled = remembered.recall_many(folder, together, len(usable))
    kept: list[dict[str, Any] | None] = []
    for (path, raw), data in zip(usable, recalled, strict=True):
        kind = kind_of(path)
        entry = remembered.key(kind, raw) if data is None else None
        data = data if data is not None else remembered.recall(entry)
        text = decode(raw, shown[path]) if data is not None else None
        if data is not None and isinstance(text, str):  # a node tree is composed when a finding needs one
            doc = Document(path=path, display=shown[path], text=text, data=data, kind=kind)
            out[path] = Loaded(doc, True, schemas.check_schema_line(doc, schema_lines))
            kept.append(data)
            continue
        item = out[path] = _validated(load_bytes(raw, path, shown[path]), schema_lines)
        if item.valid and item.doc is not None:
            remembered.remember(entry, item.doc.data)
        kept.append(item.doc.data if item.valid and item.doc is not None else None)
    if together is not None and not any(recalled):
        remembered.remember_many(folder, together, kept)
    return {path: out[path] for path in paths}


def _region(path: Path, asked: bool) -> tuple[Region | None, list[Diagnostic]]:
    """A region file's findings, with those of the layout it names (render/layout_check.py) when the
    region file is among the files asked about: a check of one project (what the pre-commit hook runs)
    reads its region only for context, and is spared the layout."""
    item = load_and_validate(path)
    if item.doc is None:
        return None, item.diagnostics
    if item.valid and asked:
        from generator.render.layout_check import check_region_layout

        item.diagnostics.extend(check_region_layout(item.doc))
    diagnostics = acknowledge.apply(item.doc, item.diagnostics) if item.valid else item.diagnostics
    return (Region.from_doc(item.doc) if item.valid else None), diagnostics


def check_unit_folder(folder: UnitFolder, region: Region | None, requested: frozenset[Path]) -> list[Diagnostic]:
    """Every finding of one unit folder: its files, its projects' rules and its totals.

    A unit is the unit of work: cross-table rules never look beyond it, so units can be checked
    in parallel. Projects that were not asked for are loaded as context for the unit's totals.
    """
    schema_lines: schemas.SchemaLines = {}
    loaded: dict[Path, Loaded] = {}
    regular = [path for path in [folder.unit_file, *folder.project_files] if is_regular(path)]
    # a link or a named pipe is reported by generator.data.tree, never read
    contexts = load_contexts([p for p in regular if p not in requested and p != folder.unit_file], schema_lines)
    raws: dict[Path, bytes] = {}
    for path in regular:
        if path in contexts:
            loaded[path] = contexts[path]
            continue
        shown = display_path(path)
        raw = read(path, shown)
        if isinstance(raw, bytes):
            raws[path] = raw
        loaded[path] = _read_validated(raw, path, shown, schema_lines)
    _remember_unit(folder, raws, loaded)
    found = [d for item in loaded.values() for d in item.diagnostics]
    unit_checked = False
    if region is not None:
        rules_found, unit_checked = _rules(folder, region, loaded, requested)
        found.extend(rules_found)
    by_path: dict[str, list[Diagnostic]] = {}
    for diag in found:
        by_path.setdefault(diag.path, []).append(diag)
    out: list[Diagnostic] = []
    for path, item in loaded.items():
        mine = by_path.pop(item.doc.display if item.doc else display_path(path), [])  # named once, when loaded
        out.extend(acknowledge.apply(item.doc, mine, complete=unit_checked) if item.valid and item.doc else mine)
    for rest in by_path.values():
        out.extend(rest)
    return out


def _remember_unit(folder: UnitFolder, raws: dict[Path, bytes], loaded: dict[Path, Loaded]) -> None:
    """When every file of the unit folder was read here and passed, keep their data for the build, which
    reads it back (generator.data.model.load_unit) instead of parsing the files again."""
    paths = [folder.unit_file, *folder.project_files]
    data = [item.doc.data for item in map(loaded.get, paths) if item is not None and item.valid and item.doc is not None]
    if len(raws) == len(data) == len(paths):
        remembered.remember_unit(remembered.unit_key([(kind_of(p), raws[p]) for p in paths]), data)


def _rules(
    folder: UnitFolder, region: Region, loaded: dict[Path, Loaded], requested: frozenset[Path]
) -> tuple[list[Diagnostic], bool]:
    """The rules' findings, and whether the unit's rules ran (they do not while a file of it is broken)."""
    unit_item = loaded.get(folder.unit_file)
    unit_doc = unit_item.doc if unit_item and unit_item.valid else None
    unit = Unit.from_doc(unit_doc, folder.year, region) if unit_doc else None
    found: list[Diagnostic] = []
    all_valid = unit is not None
    for path in folder.project_files:
        item = loaded[path]
        if not item.valid or item.doc is None:
            all_valid = False
            continue
        project = Project.from_doc(item.doc)
        if path in requested:
            found.extend(run_project_rules(project, Scope(region, folder.year, unit)))
        if unit is not None:
            unit.projects.append(project)
    if unit is not None and all_valid:
        found.extend(run_unit_rules(unit))
    return found, unit is not None and all_valid


# Findings reported whichever files were asked about: across files, and about the layout a region uses
# (the layout's own file is never among the files asked about).
CROSS_FILE_FAMILIES = ("X", "D", "P", "L")
PER_FILE_CODES = frozenset({"P005"})  # about one file's own first line: reported for the files asked about


def _cross_file(code: str) -> bool:
    return code.startswith(CROSS_FILE_FAMILIES) and code not in PER_FILE_CODES


def check(
    paths: Iterable[Path], jobs: int | None = None, tree: Tree | None = None, alongside: Callable[[], None] | None = None
) -> Report:
    """Check the files at ``paths``; ``tree``: what ``collect(paths)`` found, when the caller has it already.
    ``alongside``: work of the caller's that the main process does while worker processes check the data,
    when they do (it is not called otherwise); it must not raise."""
    tree = tree if tree is not None else collect(list(paths))
    found: list[Diagnostic] = list(tree.problems)
    regions: dict[Path, Region | None] = {}
    for region_dir in sorted(tree.region_dirs):
        region_file = region_dir / "地区.yaml"
        if not is_regular(region_file):  # reported by generator.data.tree, never read
            regions[region_dir] = None
            continue
        regions[region_dir], region_findings = _region(region_file, region_file in tree.requested)
        found.extend(region_findings)
    if tree.layouts:  # a data repository's own layouts named among the paths, used or not
        from generator.render.layout_check import check_folder

        seen = {(d.path, d.line, d.column, d.code) for d in found}
        found.extend(
            d for folder in sorted(tree.layouts) for d in check_folder(folder) if (d.path, d.line, d.column, d.code) not in seen
        )
    folders = sorted(tree.units.values(), key=lambda u: u.path)
    requested = frozenset(tree.requested)
    # Each task carries only its own folder's requested files: pickling the whole set per task
    # would make sending work to the processes quadratic in the number of files.
    args = [(f, regions.get(f.region_dir), frozenset(p for p in f.project_files if p in requested)) for f in folders]
    for result in _check_all(args, jobs or os.cpu_count() or 1, alongside):
        found.extend(result)
    # Besides cross-file findings, only those in the files asked about are reported; the files' shown
    # names (10,000 of them in a whole check) are worked out only when some finding needs them.
    if all(_cross_file(d.code) or d.path.endswith(LAYOUT_FILE) for d in found):
        shown: set[str] = set()
    else:
        shown = {display_path(p) for p in requested}
    report = Report(files_checked=len(requested))
    # A layout's findings are about the region that uses it (its file is never among the files asked about).
    report.diagnostics = [d for d in found if d.path in shown or _cross_file(d.code) or d.path.endswith(LAYOUT_FILE)]
    return report


Task = tuple[UnitFolder, Region | None, frozenset[Path]]


def _check_all(args: list[Task], jobs: int, alongside: Callable[[], None] | None) -> list[list[Diagnostic]]:
    """The findings of every unit folder, in order: from the cache (generator.cache) when the folder's
    files, its region's file and the request are unchanged, else checked, in parallel when many (and then
    ``alongside`` is done in the meantime)."""
    keys = [cache.key("check", _task_parts(arg)) for arg in args] if cache.folder() else [None] * len(args)
    cache.save_digests()
    results: list[list[Diagnostic] | None] = [_recalled(k) for k in keys]
    todo = [n for n, r in enumerate(results) if r is None]
    files = sum(1 + len(args[n][0].project_files) for n in todo)
    if jobs > 1 and len(todo) > 1 and files >= PARALLEL_THRESHOLD:
        with workers.pool(jobs) as pool:
            pending = pool.map(_check_args, [args[n] for n in todo], chunksize=1)  # every task is handed out now
            if alongside is not None:
                alongside()
            fresh = _counted(pending, len(todo))
    else:
        fresh = _counted(map(_check_args, [args[n] for n in todo]), len(todo))
    for n, result in zip(todo, fresh, strict=True):
        results[n] = result
        cache.put("check", keys[n], [_to_json(d) for d in result])
    return [r or [] for r in results]


def _counted(results: Iterable[list[Diagnostic]], total: int) -> list[list[Diagnostic]]:
    out = []
    for result in results:
        out.append(result)
        progress.count("检查数据", len(out), total, "个单位")
    return out


def _task_parts(arg: Task) -> list[bytes]:
    """What a unit folder's findings depend on: the working folder (findings name files relative to it),
    the files asked about, the bytes of the region's, the unit's and the projects' files, and where
    schema/ is for them (P005)."""
    folder, region, asked = arg
    parts = [os.fsencode(Path.cwd()), os.fsencode(folder.path), *sorted(os.fsencode(p) for p in asked)]
    parts += [(line or "").encode() for line in schemas.schema_lines_of(folder.path, folder.region_dir)]
    # The rules read the region's layout (what its forms require, how its money adds up): a data
    # repository's own layout is no part of jixiao's fingerprint, so its bytes are part of the key.
    layout = [region.regional.folder / LAYOUT_FILE] if region is not None and region.regional.folder else []
    return parts + cache.file_parts([folder.region_dir / "地区.yaml", folder.unit_file, *folder.project_files, *layout])


_FIELDS = [f.name for f in fields(Diagnostic)]


def _to_json(diag: Diagnostic) -> list[object]:
    return [diag.severity.value if name == "severity" else getattr(diag, name) for name in _FIELDS]


_checked: held.Memo[list[Diagnostic] | None] = held.Memo(2048)  # units' findings by their keys (generator/held.py)


def _recalled(entry: str | None) -> list[Diagnostic] | None:
    """The findings stored under ``entry``; kept in memory by a process that keeps results (``jixiao serve``
    reads 99 of 100 units' findings from the cache after each save otherwise)."""
    if entry is None:
        return None
    return _checked.get(entry, lambda: _from_cache(entry), lambda found: found is not None)


def _from_cache(entry: str | None) -> list[Diagnostic] | None:
    stored = cache.get("check", entry)
    if not isinstance(stored, list):
        return None
    try:
        out = []
        for item in stored:
            values: dict[str, Any] = dict(zip(_FIELDS, item, strict=True))
            values["severity"] = Severity(values["severity"])
            out.append(Diagnostic(**values))
        return out
    except (TypeError, ValueError):  # written by another version of the format: check again
        return None


def _check_args(args: Task) -> list[Diagnostic]:
    return check_unit_folder(*args)
