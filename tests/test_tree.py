"""Finding the data files (generator/tree.py): what a plain pathlib walk finds, found with one folder
listing per folder.

``collect`` reads the type of each entry from the folder listing (os.scandir) and lists a unit folder
once, while a plain walk asks the file system about every path again (is it a link, a folder, a
file?) and lists every unit folder twice. ``reference_collect`` below is that plain walk, written
with pathlib as simply as possible; every case compares the two on a real tree.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import HUNAN_REGION, UNIT

from generator.diagnostics import Diagnostic, make
from generator.errors import UsageError
from generator.load import REGION_FILE, UNIT_FILE, display_path
from generator.tree import Tree, UnitFolder, collect, expand, is_data_file

Summary = tuple[list[str], list[tuple[str, str, int, list[str]]], list[str], list[Diagnostic]]


def _plain_walk(root: Path, links: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            links.append(path)
        elif path.is_dir():
            found.extend(_plain_walk(path, links))
        elif path.is_file() and is_data_file(path):
            found.append(path)
    return found


def reference_expand(paths: list[Path], links: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_symlink():
            links.append(path)
        elif path.is_dir():
            files.extend(_plain_walk(path, links))
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")
    return [f.absolute() for f in dict.fromkeys(files)]


def _place(file: Path, tree: Tree) -> None:
    shown = display_path(file)
    if file.name == REGION_FILE:
        tree.region_dirs.add(file.parent)
        return
    unit, year, region = file.parent, file.parent.parent, file.parent.parent.parent
    if unit in tree.units:
        return
    if (unit / REGION_FILE).is_file() or (year / REGION_FILE).is_file():
        problem = "地区文件夹中只放 地区.yaml 和年度文件夹" if (unit / REGION_FILE).is_file() \
            else "年度文件夹中只放单位文件夹，项目文件应放进单位文件夹"
        tree.problems.append(make("P002", shown, problem=problem))
    elif not (region / REGION_FILE).is_file():
        tree.problems.append(make("P001", shown, expected=display_path(region / REGION_FILE)))
    elif not re.match(r"^(19|20)\d{2}$", year.name):
        tree.problems.append(make("P003", shown, name=year.name))
    else:
        tree.region_dirs.add(region)
        tree.units[unit] = UnitFolder(path=unit, region_dir=region, year=int(year.name))


def reference_collect(paths: list[Path]) -> Tree:
    tree = Tree()
    links: list[Path] = []
    for file in reference_expand(paths, links):
        tree.requested.add(file)
        _place(file, tree)
    for unit in tree.units.values():
        unit.project_files = sorted(
            p.absolute() for p in unit.path.iterdir()
            if p.is_file() and not p.is_symlink() and is_data_file(p) and p.name != UNIT_FILE)
        if not unit.unit_file.is_file():
            tree.problems.append(make("P004", display_path(unit.path), name=unit.path.name))
    tree.problems.extend(make("P006", display_path(link), name=link.name) for link in dict.fromkeys(links))
    return tree


def summary(tree: Tree) -> Summary:
    units = [(str(key), str(u.region_dir), u.year, [str(p) for p in u.project_files])
             for key, u in tree.units.items()]
    return sorted(map(str, tree.region_dirs)), units, sorted(map(str, tree.requested)), tree.problems


@pytest.fixture
def messy(make_tree: Callable[..., Path], tmp_path: Path) -> Path:
    """A tree with every kind of entry the walk must tell apart; returns the unit folder."""
    unit = make_tree({"甲.yaml": "项目名称: 甲\n", "乙.yml": "项目名称: 乙\n", "a-b.yaml": "", "a.yaml": "",
                      "A.yaml": "", "大写.YAML": "", "说明.txt": "", ".隐藏.yaml": ""})
    region = unit.parent.parent
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "秘密.yaml").write_text("项目名称: 外面\n", encoding="utf-8")
    os.symlink(outside / "秘密.yaml", unit / "链接.yaml")
    os.symlink(outside, unit.parent / "链接的单位")
    os.symlink(outside, region / "链接的年度")
    (unit / "子文件夹").mkdir()
    (unit / "子文件夹" / "深处.yaml").write_text("", encoding="utf-8")
    (unit / "文件夹.yaml").mkdir()
    (unit / ".git").mkdir()
    (unit / ".git" / "藏起来.yaml").write_text("", encoding="utf-8")
    os.mkfifo(unit / "管道.yaml")
    (region / "放错了.yaml").write_text("", encoding="utf-8")
    (unit.parent / "也放错了.yaml").write_text("", encoding="utf-8")
    for folder in ("二〇二六/某局", "2027/没有单位文件的局"):
        (region / folder).mkdir(parents=True)
        (region / folder / "项目.yaml").write_text("", encoding="utf-8")
    (tmp_path / "data" / "没有地区" / "2026" / "某局").mkdir(parents=True)
    (tmp_path / "data" / "没有地区" / "2026" / "某局" / "项目.yaml").write_text("", encoding="utf-8")
    return unit


def _cases(unit: Path, tmp_path: Path) -> list[list[str]]:
    data = tmp_path / "data"
    region = unit.parent.parent
    return [
        ["data"], ["."], [str(data)], ["data", str(data)], ["data/../data"], ["./data"],
        [str(unit.relative_to(tmp_path))], [str(unit / "甲.yaml")], [str(unit.relative_to(tmp_path) / "甲.yaml")],
        [str(unit / "甲.yaml"), str(unit), "data"], [str(unit / "链接.yaml")], [str(unit.parent / "链接的单位")],
        [str(region / "放错了.yaml"), str(region), str(region / "放错了.yaml")], [str(unit / "子文件夹" / "深处.yaml")],
        [str(region / "2027")], [str(data / "没有地区")],
    ]


def test_collect_finds_what_a_plain_walk_finds(messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for case in _cases(messy, tmp_path):
        paths = [Path(p) for p in case]
        assert summary(collect(paths)) == summary(reference_collect(paths)), case
        links: list[Path] = []
        wanted: list[Path] = []
        assert expand(paths, links) == reference_expand(paths, wanted), case
        assert links == wanted, case


def test_collect_from_inside_the_data_and_from_the_root(messy: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    for cwd, case in ((tmp_path / "data", ["."]), (tmp_path / "data", ["../data"]), (Path("/"), [str(tmp_path)[1:]])):
        monkeypatch.chdir(cwd)
        paths = [Path(p) for p in case]
        assert summary(collect(paths)) == summary(reference_collect(paths)), case


def test_the_messy_tree_gives_the_expected_findings(messy: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """What the comparison above compares: links reported and not followed; hidden entries, folders named
    .yaml, pipes and other files left out; each misplaced file named once (a file in a folder below a
    unit folder is three levels below no 地区.yaml: P001)."""
    monkeypatch.chdir(tmp_path)
    tree = collect([Path("data")])
    assert [p.name for p in tree.units[messy].project_files] == ["A.yaml", "a-b.yaml", "a.yaml", "乙.yml", "甲.yaml"]
    assert sorted((d.code, Path(d.path).name) for d in tree.problems) == [
        ("P001", "深处.yaml"), ("P001", "项目.yaml"), ("P002", "也放错了.yaml"), ("P002", "放错了.yaml"), ("P003", "项目.yaml"),
        ("P004", "没有单位文件的局"), ("P006", "链接.yaml"), ("P006", "链接的单位"), ("P006", "链接的年度")]


def test_one_named_file_brings_its_unit(make_tree: Callable[..., Path]) -> None:
    unit = make_tree({"甲.yaml": "", "乙.yaml": ""})
    tree = collect([unit / "乙.yaml"])
    assert tree.requested == {unit / "乙.yaml"}
    assert tree.units[unit].project_files == [unit / "乙.yaml", unit / "甲.yaml"]
    assert (unit / UNIT_FILE).read_text(encoding="utf-8") == UNIT
    assert (unit.parent.parent / REGION_FILE).read_text(encoding="utf-8") == HUNAN_REGION


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="找不到"):
        collect([tmp_path / "没有这个文件夹"])
