"""Where files sit in the data tree: data/<地区>/地区.yaml, <地区>/<年度>/<单位>/单位.yaml, <项目>.yaml.

Given the paths a user names, find every data file, say where each belongs, and add the files
needed to check it in context (a project is checked against its region, its unit and the other
projects of that unit). Symbolic links are not followed: a link under data/ must not make the
tool read files outside it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, make
from generator.load import REGION_FILE, UNIT_FILE, YAML_SUFFIXES, display_path

_YEAR = re.compile(r"^(19|20)\d{2}$")


class UsageError(Exception):
    """A mistake in how the command was called (exit status 2)."""


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

    def files(self) -> list[Path]:
        out = {d / REGION_FILE for d in self.region_dirs if (d / REGION_FILE).is_file()}
        for unit in self.units.values():
            if unit.unit_file.is_file():
                out.add(unit.unit_file)
            out.update(unit.project_files)
        return sorted(out)


def is_data_file(path: Path) -> bool:
    return path.suffix in YAML_SUFFIXES and not path.name.startswith(".")


def _is_data_name(name: str) -> bool:
    """``is_data_file`` for a bare file name, without building a Path."""
    return name.endswith(YAML_SUFFIXES) and not name.startswith(".")


def _child(folder: str, name: str) -> str:
    """``str(Path(folder) / name)`` for a folder written as pathlib writes it, without building a Path."""
    if folder == ".":
        return name
    return folder + name if folder.endswith("/") else f"{folder}/{name}"


@dataclass
class _Walk:
    """What one walk found: data files (their path as found → their absolute path), the symbolic links
    (never read), and each folder's data files by name, so that a unit folder is not listed twice."""

    files: dict[str, str] = field(default_factory=dict)
    links: list[Path] = field(default_factory=list)
    listed: dict[str, list[str]] = field(default_factory=dict)


def _walk_into(folder: str, absolute: str, walk: _Walk) -> None:
    """Walk ``folder`` (``absolute`` is the same folder from the root), by name, hidden names left out.

    The type of each entry comes with the folder listing (os.scandir): walking 10,000 files costs no
    stat call per file. Paths are kept as text, written as pathlib writes them, until the end.
    """
    with os.scandir(absolute) as entries:
        found = sorted((e.name, e.is_symlink(), e.is_dir(follow_symlinks=False), e.is_file(follow_symlinks=False))
                       for e in entries if not e.name.startswith("."))
    data_names = []
    for name, is_link, is_dir, is_file in found:
        if is_link:
            walk.links.append(Path(_child(folder, name)))
        elif is_dir:
            _walk_into(_child(folder, name), _child(absolute, name), walk)
        elif is_file and _is_data_name(name):
            data_names.append(name)
            walk.files.setdefault(_child(folder, name), _child(absolute, name))
    walk.listed[absolute] = data_names


def _walk(root: Path, links: list[Path] | None = None) -> list[Path]:
    walk = _Walk()
    _walk_into(str(root), _absolute(str(root), os.getcwd()), walk)
    if links is not None:
        links.extend(walk.links)
    return [Path(found) for found in walk.files]


def _absolute(path: str, cwd: str) -> str:
    """``str(Path(path).absolute())`` for a path written as pathlib writes it (no ``..`` resolved)."""
    if path.startswith("/"):
        return path
    return cwd if path == "." else _child(cwd, path)


def _expand(paths: list[Path], walk: _Walk) -> None:
    cwd = os.getcwd()
    for path in paths:
        if path.is_symlink():
            walk.links.append(path)
            continue
        if path.is_dir():
            folder = str(path)
            _walk_into(folder, _absolute(folder, cwd), walk)
        elif path.is_file():
            walk.files.setdefault(str(path), _absolute(str(path), cwd))
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")


def expand(paths: list[Path], links: list[Path] | None = None) -> list[Path]:
    """The data files named or found below the folders named; symbolic links go to ``links``, unread."""
    walk = _Walk()
    _expand(paths, walk)
    if links is not None:
        links.extend(walk.links)
    return [Path(absolute) for absolute in walk.files.values()]


def _siblings(unit_dir: Path, walk: _Walk, known: dict[str, Path]) -> list[Path]:
    """The unit's project files: the data files of its folder but 单位.yaml, sorted by name (the order
    of their paths), the Path objects already made reused."""
    folder = str(unit_dir)
    names = walk.listed.get(folder)
    if names is None:
        with os.scandir(folder) as entries:
            names = sorted(e.name for e in entries if e.is_file(follow_symlinks=False) and _is_data_name(e.name))
    out = []
    for name in names:
        if name != UNIT_FILE:
            absolute = _child(folder, name)
            out.append(known.get(absolute) or Path(absolute))
    return out


def collect(paths: list[Path]) -> Tree:
    tree = Tree()
    walk = _Walk()
    _expand(paths, walk)
    known: dict[str, Path] = {}
    unit_folders: set[str] = set()
    for absolute in walk.files.values():
        file = known.get(absolute) or Path(absolute)
        known[absolute] = file
        tree.requested.add(file)
        folder, _, name = absolute.rpartition("/")
        if name != REGION_FILE and folder in unit_folders:
            continue  # the folder of an already placed file: nothing more to learn
        _place(file, tree)
        if file.parent in tree.units:
            unit_folders.add(str(file.parent))
    for unit in tree.units.values():
        unit.project_files = _siblings(unit.path, walk, known)
        if not unit.unit_file.is_file():
            tree.problems.append(make("P004", display_path(unit.path), name=unit.path.name))
    tree.problems.extend(make("P006", display_path(link), name=link.name) for link in dict.fromkeys(walk.links))
    return tree


def _has_region(folder: Path, cache: dict[Path, bool]) -> bool:
    if folder not in cache:
        cache[folder] = (folder / REGION_FILE).is_file()
    return cache[folder]


def _place(file: Path, tree: Tree) -> None:
    shown = display_path(file)
    if file.name == REGION_FILE:
        tree.region_dirs.add(file.parent)
        return
    parent = file.parent
    if parent in tree.units:  # the folder of an already placed file: nothing more to learn
        return
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
