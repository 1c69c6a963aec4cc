"""Where files sit in the data tree: data/<地区>/地区.yaml, <地区>/<年度>/<单位>/单位.yaml, <项目>.yaml.

Given the paths a user names, find every data file, say where each belongs, and add the files
needed to check it in context (a project is checked against its region, its unit and the other
projects of that unit). Symbolic links are not followed: a link under data/ must not make the
tool read files outside it.
"""

from __future__ import annotations

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


def _walk(root: Path, links: list[Path] | None = None) -> list[Path]:
    links = [] if links is None else links
    found: list[Path] = []
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            links.append(path)
        elif path.is_dir():
            found.extend(_walk(path, links))
        elif path.is_file() and is_data_file(path):
            found.append(path)
    return found


def expand(paths: list[Path], links: list[Path] | None = None) -> list[Path]:
    """The data files named or found below the folders named; symbolic links go to ``links``, unread."""
    links = [] if links is None else links
    files: list[Path] = []
    for path in paths:
        if path.is_symlink():
            links.append(path)
            continue
        if path.is_dir():
            files.extend(_walk(path, links))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")
    return [f.absolute() for f in dict.fromkeys(files)]


def _siblings(unit_dir: Path) -> list[Path]:
    return sorted(
        p.absolute() for p in unit_dir.iterdir()
        if p.is_file() and not p.is_symlink() and is_data_file(p) and p.name != UNIT_FILE
    )


def collect(paths: list[Path]) -> Tree:
    tree = Tree()
    links: list[Path] = []
    for file in expand(paths, links):
        tree.requested.add(file)
        _place(file, tree)
    for unit in tree.units.values():
        unit.project_files = _siblings(unit.path)
        if not unit.unit_file.is_file():
            tree.problems.append(make("P004", display_path(unit.path), name=unit.path.name))
    tree.problems.extend(make("P006", display_path(link), name=link.name) for link in dict.fromkeys(links))
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
