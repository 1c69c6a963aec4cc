"""Finding the data files (generator/data/tree.py): what a plain pathlib walk finds, found with one folder
listing per folder.

``collect`` reads the type of each entry from the folder listing (os.scandir) and lists a unit folder
once, while a plain walk asks the file system about every path again (is it a link, a folder, a
file?) and lists every unit folder twice. ``reference_collect`` below is that plain walk, written
with pathlib as simply as possible; every case compares the two on a real tree.
"""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import HUNAN_REGION, ROOT, UNIT

from generator.check.run import check
from generator.data.load import REGION_FILE, UNIT_FILE, display_path
from generator.data.tree import Tree, UnitFolder, collect, expand, is_data_file
from generator.diagnostics import Diagnostic, make
from generator.errors import UsageError

Summary = tuple[list[str], list[tuple[str, str, int, list[str]]], list[str], list[Diagnostic]]


def _plain_walk(root: Path, links: list[Path], special: list[Path]) -> list[Path]:
    found: list[Path] = []
    if (root / ".jixiao-site").exists():  # a site jixiao built: output, never data
        return found
    for path in sorted(root.iterdir()):
        if path.name.startswith("."):
            continue
        if path.is_symlink():
            links.append(path)
        elif is_data_file(path) and not path.is_file():
            special.append(path)
        elif path.is_dir():
            found.extend(_plain_walk(path, links, special))
        elif path.is_file() and is_data_file(path):
            found.append(path)
    return found


def _walk_named(paths: list[Path], links: list[Path], special: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_symlink():
            links.append(path)
        elif path.is_dir():
            files.extend(_plain_walk(path, links, special))
        elif path.is_file():
            files.append(path)
        elif os.path.lexists(path):
            special.append(path)
        else:
            raise UsageError(f"找不到“{path}”：请检查路径是否写对")
    return [f.absolute() for f in dict.fromkeys(files)]


def reference_expand(paths: list[Path], links: list[Path]) -> list[Path]:
    special: list[Path] = []
    files = _walk_named(paths, links, special)
    return files + special


def _place(file: Path, tree: Tree) -> None:
    shown = display_path(file)
    if file.name == REGION_FILE:
        tree.region_dirs.add(file.parent)
        return
    unit, year, region = file.parent, file.parent.parent, file.parent.parent.parent
    if unit in tree.units:
        return
    if os.path.lexists(unit / REGION_FILE) or os.path.lexists(year / REGION_FILE):
        problem = (
            "地区文件夹中只放 地区.yaml 和年度文件夹"
            if os.path.lexists(unit / REGION_FILE)
            else "年度文件夹中只放单位文件夹，项目文件应放进单位文件夹"
        )
        tree.problems.append(make("P002", shown, problem=problem))
    elif not os.path.lexists(region / REGION_FILE):
        tree.problems.append(make("P001", shown, expected=display_path(region / REGION_FILE)))
    elif not re.match(r"^(19|20)\d{2}$", year.name):
        tree.problems.append(make("P003", shown, name=year.name))
    else:
        tree.region_dirs.add(region)
        tree.units[unit] = UnitFolder(path=unit, region_dir=region, year=int(year.name))


def _unread(path: Path) -> Diagnostic:
    if path.is_symlink():
        return make("P006", display_path(path), name=path.name)
    kind = "文件夹" if path.is_dir() else "命名管道" if path.is_fifo() else "套接字" if path.is_socket() else "设备文件"
    return make("P007", display_path(path), name=path.name, kind=kind)


def reference_collect(paths: list[Path]) -> Tree:
    tree = Tree()
    links: list[Path] = []
    special: list[Path] = []
    for file in _walk_named(paths, links, special):
        tree.requested.add(file)
        _place(file, tree)
    unread = links + special
    for unit in tree.units.values():
        unit.project_files = sorted(
            p.absolute()
            for p in unit.path.iterdir()
            if p.is_file() and not p.is_symlink() and is_data_file(p) and p.name != UNIT_FILE
        )
        if not os.path.lexists(unit.unit_file):
            tree.problems.append(make("P004", display_path(unit.path), name=unit.path.name))
        elif unit.unit_file.is_symlink() or not unit.unit_file.is_file():
            unread.append(unit.unit_file)
    for region in sorted(tree.region_dirs):
        if (region / REGION_FILE).is_symlink() or not (region / REGION_FILE).is_file():
            unread.append(region / REGION_FILE)
    tree.problems.extend(_unread(path) for path in dict.fromkeys(p.absolute() for p in unread))
    return tree


def summary(tree: Tree) -> Summary:
    units = [(str(key), str(u.region_dir), u.year, [str(p) for p in u.project_files]) for key, u in tree.units.items()]
    return sorted(map(str, tree.region_dirs)), units, sorted(map(str, tree.requested)), tree.problems


def unix_socket(path: Path) -> None:
    """A Unix socket file at ``path``, bound from its folder (a socket's address has at most 107 bytes)."""
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    finally:
        os.chdir(cwd)


@pytest.fixture
def messy(make_tree: Callable[..., Path], tmp_path: Path) -> Path:
    """A tree with every kind of entry the walk must tell apart; returns the unit folder."""
    unit = make_tree(
        {
            "甲.yaml": "项目名称: 甲\n",
            "乙.yml": "项目名称: 乙\n",
            "a-b.yaml": "",
            "a.yaml": "",
            "A.yaml": "",
            "大写.YAML": "",
            "说明.txt": "",
            ".隐藏.yaml": "",
        }
    )
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
    unix_socket(unit / "套接字.yaml")
    os.symlink("环2.yaml", unit / "环1.yaml")  # a loop of links
    os.symlink("环1.yaml", unit / "环2.yaml")
    (region / "2026" / "管道单位").mkdir()
    os.mkfifo(region / "2026" / "管道单位" / UNIT_FILE)
    (region / "2026" / "管道单位" / "项目.yaml").write_text("", encoding="utf-8")
    (tmp_path / "data" / "链接的地区" / "2026" / "某局").mkdir(parents=True)
    os.symlink(outside / "秘密.yaml", tmp_path / "data" / "链接的地区" / REGION_FILE)
    (tmp_path / "data" / "链接的地区" / "2026" / "某局" / UNIT_FILE).write_text(UNIT, encoding="utf-8")
    (region / "放错了.yaml").write_text("", encoding="utf-8")
    (unit.parent / "也放错了.yaml").write_text("", encoding="utf-8")
    for folder in ("二〇二六/某局", "2027/没有单位文件的局"):
        (region / folder).mkdir(parents=True)
        (region / folder / "项目.yaml").write_text("", encoding="utf-8")
    (tmp_path / "data" / "没有地区" / "2026" / "某局").mkdir(parents=True)
    (tmp_path / "data" / "没有地区" / "2026" / "某局" / "项目.yaml").write_text("", encoding="utf-8")
    site = tmp_path / "site"  # a site jixiao built, with the CI templates it offers for download
    (site / "ci").mkdir(parents=True)
    (site / ".jixiao-site").write_text("jixiao build\n", encoding="utf-8")
    (site / "ci" / "pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    return unit


def _cases(unit: Path, tmp_path: Path) -> list[list[str]]:
    data = tmp_path / "data"
    region = unit.parent.parent
    return [
        ["data"],
        ["."],
        [str(data)],
        ["data", str(data)],
        ["data/../data"],
        ["./data"],
        [str(unit.relative_to(tmp_path))],
        [str(unit / "甲.yaml")],
        [str(unit.relative_to(tmp_path) / "甲.yaml")],
        [str(unit / "甲.yaml"), str(unit), "data"],
        [str(unit / "链接.yaml")],
        [str(unit.parent / "链接的单位")],
        [str(region / "放错了.yaml"), str(region), str(region / "放错了.yaml")],
        [str(unit / "子文件夹" / "深处.yaml")],
        [str(region / "2027")],
        [str(data / "没有地区")],
        [str(unit / "管道.yaml")],
        [str(unit / "环1.yaml")],
        [str(region / "2026" / "管道单位" / "项目.yaml")],
        [str(data / "链接的地区" / "2026")],
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


def test_collect_from_inside_the_data_and_from_the_root(messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for cwd, case in ((tmp_path / "data", ["."]), (tmp_path / "data", ["../data"]), (Path("/"), [str(tmp_path)[1:]])):
        monkeypatch.chdir(cwd)
        paths = [Path(p) for p in case]
        assert summary(collect(paths)) == summary(reference_collect(paths)), case


def test_the_messy_tree_gives_the_expected_findings(messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What the comparison above compares: links reported and not followed, a loop of them too; folders,
    pipes and sockets named like data files reported and never opened, a unit's or a region's own file too;
    hidden entries and other files left out; each misplaced file named once (a file in a folder below a
    unit folder is three levels below no 地区.yaml: P001)."""
    monkeypatch.chdir(tmp_path)
    tree = collect([Path("data")])
    # The whole repository: the built site's YAML files are not data (the folder outside/ is: P001).
    assert [d.path for d in collect([Path(".")]).problems if not d.path.startswith("data/")] == ["outside/秘密.yaml"]
    assert collect([Path("site")]).requested == set()
    assert [p.name for p in tree.units[messy].project_files] == ["A.yaml", "a-b.yaml", "a.yaml", "乙.yml", "甲.yaml"]
    assert sorted((d.code, d.path.removeprefix("data/"), d.message) for d in tree.problems) == [
        ("P001", "没有地区/2026/某局/项目.yaml", "找不到本文件所属地区的 地区.yaml（应在 data/没有地区/地区.yaml）"),
        ("P001", "测试区/2026/测试局/子文件夹/深处.yaml", "找不到本文件所属地区的 地区.yaml（应在 data/测试区/2026/地区.yaml）"),
        ("P002", "测试区/2026/也放错了.yaml", "文件位置不对：年度文件夹中只放单位文件夹，项目文件应放进单位文件夹"),
        ("P002", "测试区/放错了.yaml", "文件位置不对：地区文件夹中只放 地区.yaml 和年度文件夹"),
        ("P003", "测试区/二〇二六/某局/项目.yaml", "年度文件夹“二〇二六”不是四位年份"),
        ("P004", "测试区/2027/没有单位文件的局", "单位文件夹“没有单位文件的局”中没有 单位.yaml"),
        ("P006", "测试区/2026/测试局/环1.yaml", "“环1.yaml”是符号链接，不会被读取"),
        ("P006", "测试区/2026/测试局/环2.yaml", "“环2.yaml”是符号链接，不会被读取"),
        ("P006", "测试区/2026/测试局/链接.yaml", "“链接.yaml”是符号链接，不会被读取"),
        ("P006", "测试区/2026/链接的单位", "“链接的单位”是符号链接，不会被读取"),
        ("P006", "测试区/链接的年度", "“链接的年度”是符号链接，不会被读取"),
        ("P006", "链接的地区/地区.yaml", "“地区.yaml”是符号链接，不会被读取"),
        ("P007", "测试区/2026/测试局/套接字.yaml", "“套接字.yaml”是套接字，不是普通文件，不会被读取"),
        ("P007", "测试区/2026/测试局/文件夹.yaml", "“文件夹.yaml”是文件夹，不是普通文件，不会被读取"),
        ("P007", "测试区/2026/测试局/管道.yaml", "“管道.yaml”是命名管道，不是普通文件，不会被读取"),
        ("P007", "测试区/2026/管道单位/单位.yaml", "“单位.yaml”是命名管道，不是普通文件，不会被读取"),
    ]


def test_a_unit_or_region_file_that_is_no_regular_file_is_reported_when_only_a_project_is_named(
    messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for named, unread in (
        ("data/测试区/2026/管道单位/项目.yaml", ("P007", "data/测试区/2026/管道单位/单位.yaml")),
        ("data/链接的地区/2026/某局/单位.yaml", ("P006", "data/链接的地区/地区.yaml")),
    ):
        assert [(d.code, d.path) for d in collect([Path(named)]).problems] == [unread]


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


# --- what is no regular file is never opened -----------------------------------------------------------------

PROJECT = (ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml").read_text(encoding="utf-8")


def _unreadable_tree(make_tree: Callable[..., Path], tmp_path: Path) -> tuple[Path, list[Path]]:
    """A valid unit whose 单位.yaml is a named pipe, beside a pipe, a socket, a folder, a device (when this
    user may make one), a loop of links and a link to a pipe outside the data, all named like data files;
    and a unit whose 单位.yaml is a link to a file outside the data. Returns the first unit folder and the
    paths never to open (what the links point to too)."""
    unit = make_tree({"项目.yaml": PROJECT})
    (unit / UNIT_FILE).unlink()
    os.mkfifo(unit / UNIT_FILE)
    os.mkfifo(unit / "管道.yaml")
    unix_socket(unit / "套接字.yaml")
    (unit / "文件夹.yaml").mkdir()
    os.symlink("环2.yaml", unit / "环1.yaml")
    os.symlink("环1.yaml", unit / "环2.yaml")
    os.mkfifo(tmp_path / "外面的管道.yaml")
    os.symlink(tmp_path / "外面的管道.yaml", unit / "链接.yaml")
    linked = unit.parent / "链接单位"
    linked.mkdir()
    (linked / "项目.yaml").write_text(PROJECT, encoding="utf-8")
    (tmp_path / "外面的单位.yaml").write_text(UNIT, encoding="utf-8")
    os.symlink(tmp_path / "外面的单位.yaml", linked / UNIT_FILE)
    paths = [unit / name for name in (UNIT_FILE, "管道.yaml", "套接字.yaml", "文件夹.yaml", "环1.yaml", "环2.yaml", "链接.yaml")]
    paths += [linked / UNIT_FILE, tmp_path / "外面的管道.yaml", tmp_path / "外面的单位.yaml"]
    try:
        os.mknod(unit / "设备.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: endless if read
        paths.append(unit / "设备.yaml")
    except PermissionError:
        pass
    return unit, paths


@pytest.mark.parametrize("command", [["check"], ["build", "--no-pdf"]], ids=["check", "build"])
def test_pipes_sockets_devices_and_links_named_like_data_files_are_refused_at_once(
    command: list[str], make_tree: Callable[..., Path], tmp_path: Path
) -> None:
    """Reading a named pipe waits for a writer, forever: check and build must refuse each such file with
    a finding and finish (the cache is on: it reads every file of a unit for its keys)."""
    unit, unreadable = _unreadable_tree(make_tree, tmp_path)
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "缓存")}
    done = subprocess.run(
        [sys.executable, "-m", "generator", *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr[-2000:]
    for path in unreadable:
        if tmp_path / "data" in path.parents:
            code = "P006" if path.is_symlink() else "P007"
            assert f"{path.relative_to(tmp_path).as_posix()}:1:1: 错误 [{code}]" in done.stdout, (path, done.stdout)
    if unit / "设备.yaml" in unreadable:
        assert "“设备.yaml”是设备文件，不是普通文件" in done.stdout and "Y002" not in done.stdout  # not read


_OPENED: list[str] | None = None


def _record_opening(event: str, args: tuple[object, ...]) -> None:
    if _OPENED is not None and event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        _OPENED.append(os.path.abspath(os.fsdecode(args[0])))


sys.addaudithook(_record_opening)  # audit hooks stay for the life of the process: it records only when asked


@pytest.mark.parametrize("cache", ["off", "on"])
def test_no_file_that_is_no_regular_file_is_opened(
    cache: str, make_tree: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python reports every opening of a file to its audit hooks: none is of a link, a pipe, a socket, a
    folder or a device named like a data file, nor of what a link points to."""
    global _OPENED
    unit, unreadable = _unreadable_tree(make_tree, tmp_path)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off" if cache == "off" else str(tmp_path / "缓存"))
    monkeypatch.chdir(tmp_path)
    _OPENED = []
    try:
        report = check([Path("data")], jobs=1)
        opened = set(_OPENED)
    finally:
        _OPENED = None
    assert str(unit / "项目.yaml") in opened  # the hook sees the files that are read
    assert not opened & {str(p) for p in unreadable}
    assert {d.code for d in report.diagnostics} - {"P008"} == {"P006", "P007"}  # P008: the files' schema/ is not here


def test_a_relative_path_is_shown_as_it_is_and_an_absolute_one_below_the_working_folder_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``display_path`` takes a relative path as it is (10,000 at a check): the same as making it absolute
    and relative to the working folder again, for paths with ``..``, ``.``, spaces and Chinese names."""
    work = tmp_path / "工作 区"
    work.mkdir()
    monkeypatch.chdir(work)
    names = ["数据/地区.yaml", "./a/./b.yaml", "../外面/c.yaml", "a//b/", ".", "..", "x/../y", "-x", "数据 1/项目 （一）.yaml"]
    for name in names:
        path = Path(name)
        assert display_path(path) == path.absolute().relative_to(Path.cwd()).as_posix()
    absolute = [work / "数据" / "a.yaml", tmp_path / "b.yaml", work, work.parent, work / ".." / "c", Path(str(work) + "x", "d")]
    for path in absolute:
        assert display_path(path) == _by_pathlib(path), path
    assert display_path(work / "数据" / "a.yaml") == "数据/a.yaml"
    monkeypatch.chdir("/")
    for path in [*absolute, Path("/"), Path("e/f")]:
        assert display_path(path) == _by_pathlib(path), path


def _by_pathlib(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()
