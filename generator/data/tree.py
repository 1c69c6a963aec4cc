"""Where files sit in the data tree: data/<地区>/地区.yaml, <地区>/<年度>/<单位>/单位.yaml, <项目>.yaml.

Given the paths a user names, find every data file, say where each belongs, and add the files
needed to check it in context (a project is checked against its region, its unit and the other
projects of that unit). Symbolic links are not followed: a link under data/ must not make the
tool read files outside it. Nor is anything named like a data file that is not a regular file (a
named pipe would make a reader wait forever, a device could be anything): each is reported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import held
from generator.data.load import REGION_FILE, UNIT_FILE, YAML_SUFFIXES, display_path, is_regular, not_regular
from generator.data.regional import LAYOUT_FILE, REPOSITORY_FOLDER
from generator.diagnostics import Diagnostic, make
from generator.errors import UsageError
from generator.names import SITE_MARKER

_YEAR = re.compile(r"^(19|20)\d{2}$")


@dataclass
class UnitFolder:
    path: Path
    region_dir: Path
    year: int
    project_files: list[Path] = field(default_factory=list)

    @property
    def unit_file(self) -> Path:
        return self.path / UNIT_FILE


@dataclass
class Tree:
    region_dirs: set[Path] = field(default_factory=set)
    units: dict[Path, UnitFolder] = field(default_factory=dict)
    requested: set[Path] = field(default_factory=set)
    problems: list[Diagnostic] = field(default_factory=list)
    region_cache: dict[Path, bool] = field(default_factory=dict)
    layouts: set[Path] = field(default_factory=set)  # folders of a data repository's own layouts (版式/<名称>/)

    def files(self) -> list[Path]:
        out = {d / REGION_FILE for d in self.region_dirs if is_regular(d / REGION_FILE)}
        for unit in self.units.values():
            if is_regular(unit.unit_file):
                out.add(unit.unit_file)
            out.update(unit.project_files)
        return sorted(out)


def is_data_file(path: Path) -> bool:
    return path.suffix in YAML_SUFFIXES and not path.name.startswith(".")


def _is_data_name(name: str) -> bool:
    """``is_data_file`` for a bare file name (a name that does not start with a dot has its suffix after
    its last dot)."""
    return name.endswith(YAML_SUFFIXES) and not name.startswith(".")


@dataclass
class _Walk:
    """What a walk found: each data file by its path as found (the folder named, then names) with its
    path from the root, the symbolic links and the other names of data files that are no regular
    files (never read), and each folder's data files in name order, so that a unit folder is not
    listed a second time for its projects."""

    files: dict[Path, Path] = field(default_factory=dict)
    links: list[Path] = field(default_factory=list)
    special: list[Path] = field(default_factory=list)
    listed: dict[Path, list[Path]] = field(default_factory=dict)


def _walk_into(folder: Path, absolute: Path, walk: _Walk) -> None:
    """Walk ``folder`` (``absolute``: the same folder from the root) by name, hidden names left out.

    The type of each entry comes with the folder listing (os.scandir), without following links:
    walking 10,000 files costs no stat call per file. A site jixiao built (it holds SITE_MARKER) is
    output, not data: its files (the CI templates under ci/) are never taken for data files.
    """
    data_files = []
    for kind, named, found in _listing(folder, absolute):
        if kind == _LINK:
            walk.links.append(named)
        elif kind == _SPECIAL:
            walk.special.append(named)
        elif kind == _FOLDER:
            _walk_into(named, found, walk)
        else:
            data_files.append(walk.files.setdefault(named, found))
    walk.listed[absolute] = data_files


_LINK, _SPECIAL, _FOLDER, _FILE = range(4)
Listing = tuple[tuple[int, Path, Path], ...]  # what a folder holds, in name order: (kind, as named, from the root)
_listings: held.ByStatus[Listing] = held.ByStatus()


def _listing(folder: Path, absolute: Path) -> Listing:
    """What ``folder`` holds that a walk takes (nothing in a site jixiao built). A process that keeps results
    (``jixiao serve``: generator/held.py) lists again only a folder whose status changed since it listed it:
    adding, removing or renaming an entry changes it (an edit of a file does not change its folder's list)."""
    status = _status(absolute) if held.kept() else None  # before the listing: a change while listing changes it
    seen = _listings.get((folder, absolute), status) if status is not None else None
    if seen is not None:
        return seen
    with os.scandir(absolute) as entries:
        listing = list(entries)
    items = []
    if not any(e.name == SITE_MARKER for e in listing):
        found = sorted(
            (e.name, e.is_symlink(), e.is_dir(follow_symlinks=False), e.is_file(follow_symlinks=False))
            for e in listing
            if not e.name.startswith(".")
        )
        for name, is_link, is_dir, is_file in found:
            kind = _kind(name, is_link, is_dir, is_file)
            if kind is not None:
                items.append((kind, folder / name, absolute / name))
    out = tuple(items)
    if status is not None:
        _listings.put((folder, absolute), status, out)
    return out


def _kind(name: str, is_link: bool, is_dir: bool, is_file: bool) -> int | None:
    """What a walk takes an entry for; None for what it leaves (a file not named like a data file)."""
    if is_link:
        return _LINK
    if not is_file and _is_data_name(name):  # a folder, a named pipe, a socket or a device
        return _SPECIAL
    if is_dir:
        return _FOLDER
    return _FILE if is_file and _is_data_name(name) else None


def _status(folder: Path) -> os.stat_result | None:
    try:
        return os.lstat(folder)
    except OSError:  # listing it says why
        return None


def walk(root: Path, links: list[Path] | None = None) -> list[Path]:
    walk = _Walk()
    _walk_into(root, root.absolute(), walk)
    if links is not None:
        links.extend(walk.links)
    return list(walk.files)


def _expand(paths: list[Path], walk: _Walk) -> None:
    for path in paths:
        if path.is_symlink():
            walk.links.append(path)
            continue
        if path.is_dir():
            _walk_into(path, path.absolute(), walk)
        elif path.is_file():
            walk.files.setdefault(path, path.absolute())
        elif os.path.lexists(path):  # a named pipe, a socket or a device: never opened here
            walk.special.append(path)
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")


def expand(paths: list[Path], links: list[Path] | None = None) -> list[Path]:
    """The data files named or found below the folders named, and what is named like one but is no
    regular file (loading it says so, P007, without opening it); symbolic links go to ``links``, unread."""
    walk = _Walk()
    _expand(paths, walk)
    if links is not None:
        links.extend(walk.links)
    # A data repository's own layouts are no data files: fmt would take one for a project.
    return [*(f for f in walk.files.values() if not is_repository_layout(f)), *walk.special]


def _siblings(unit_dir: Path, walk: _Walk) -> list[Path]:
    """The unit's project files: the data files of its folder but 单位.yaml, in name order (the order of
    their paths), from the walk when it listed the folder."""
    files = walk.listed.get(unit_dir)
    if files is None:
        with os.scandir(unit_dir) as entries:
            files = [
                unit_dir / name
                for name in sorted(e.name for e in entries if e.is_file(follow_symlinks=False) and _is_data_name(e.name))
            ]
    return [file for file in files if file.name != UNIT_FILE]


def collect(paths: list[Path]) -> Tree:
    tree = Tree()
    walk = _Walk()
    _expand(paths, walk)
    for file in walk.files.values():
        if is_repository_layout(file):  # not data: checked as a layout (render/layout_check.py)
            tree.layouts.add(file.parent)
            continue
        tree.requested.add(file)
        _place(file, tree)
    unread = [*walk.links, *walk.special]
    for unit in tree.units.values():
        unit.project_files = _siblings(unit.path, walk)
        if not os.path.lexists(unit.unit_file):
            tree.problems.append(make("P004", display_path(unit.path), name=unit.path.name))
        elif not is_regular(unit.unit_file):
            unread.append(unit.unit_file)
    # A region's or a unit's own file that is no regular file is reported even when its folder was not
    # walked; check.py never loads it.
    unread += [d / REGION_FILE for d in sorted(tree.region_dirs) if not is_regular(d / REGION_FILE)]
    for path in dict.fromkeys(p.absolute() for p in unread):
        if (problem := not_regular(path, display_path(path))) is not None:
            tree.problems.append(problem)
    return tree


def is_repository_layout(file: Path) -> bool:
    """A data repository's own layout: 版式/<名称>/layout.yaml (generator.data.regional)."""
    return file.name == LAYOUT_FILE and file.parent.parent.name == REPOSITORY_FOLDER


def _has_region(folder: Path, cache: dict[Path, bool]) -> bool:
    """Whether ``folder`` holds a 地区.yaml: a link or a named pipe of that name counts (it is reported,
    not read), so that the files of its region are not all said to have none."""
    if folder not in cache:
        cache[folder] = os.path.lexists(folder / REGION_FILE)
    return cache[folder]


def _place(file: Path, tree: Tree) -> None:
    if file.name == REGION_FILE:
        tree.region_dirs.add(file.parent)
        return
    parent = file.parent
    if parent in tree.units:  # the folder of an already placed file: nothing more to learn
        return
    shown = display_path(file)
    seen = tree.region_cache
    if _has_region(parent, seen):
        tree.problems.append(make("P002", shown, problem="地区文件夹中只放 地区.yaml 和年度文件夹"))
        return
    if _has_region(parent.parent, seen):
        tree.problems.append(make("P002", shown, problem="年度文件夹中只放单位文件夹，项目文件应放进单位文件夹"))
        return
    region_dir = parent.parent.parent
    if not _has_region(region_dir, seen):
        expected = display_path(region_dir / REGION_FILE)
        tree.problems.append(make("P001", shown, expected=expected))
        return
    year_dir = parent.parent
    if not _YEAR.match(year_dir.name):
        tree.problems.append(make("P003", shown, name=year_dir.name))
        return
    tree.region_dirs.add(region_dir)
    tree.units[parent] = UnitFolder(path=parent, region_dir=region_dir, year=int(year_dir.name))
