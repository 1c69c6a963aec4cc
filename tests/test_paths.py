"""Paths from data cannot escape: names made from data are safe on every system, collisions are
resolved the same way every time, and symbolic links under data/ (or the import's output folder) are
never followed out of it.

Names come from data in three places: ``jixiao import`` names folders and files after 单位名称,
the region and 项目名称; ``jixiao build`` names the tables' folders and files after the data's
folders and files; ``jixiao new`` names a project file after the name given.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import HUNAN_REGION, ROOT
from hypothesis import given
from hypothesis import strategies as st
from test_import_robust import GOOD_ROWS, HEADER

from generator.build import build, describe
from generator.check.run import check
from generator.data.scaffold import new_project
from generator.data.tree import collect
from generator.importers import Options, import_sources
from generator.names import MAX_NAME, MAX_NAME_BYTES, is_reserved, name_key, safe_filename, safe_name_among, unique_names

VALID_PROJECT = (ROOT / "tests/examples/valid/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml").read_text(encoding="utf-8")
INVISIBLE = ("Cc", "Cf", "Cs", "Zl", "Zp")
NAME_LIMIT = 255  # bytes per name on ext4, XFS, APFS, NTFS (in UTF-16 units there, fewer than these bytes)


def assert_safe(name: str) -> None:
    assert name and name not in (".", "..")
    assert not set(name) & set('/\\:*?"<>|'), name
    assert not any(unicodedata.category(c) in INVISIBLE for c in name), name
    assert not name.startswith((".", "-", " ")) and not name.endswith((".", " ")), name
    assert not is_reserved(name), name
    assert len(name) <= MAX_NAME + 6 and len(name.encode("utf-8")) <= MAX_NAME_BYTES, name
    assert unicodedata.is_normalized("NFC", name), name


HOSTILE_NAMES = [
    "..",
    ".",
    "../../etc/passwd",
    "..\\..\\windows\\system32",
    "/absolute",
    "a/b",
    "a\\b",
    "C:\\x",
    'a:b*c?d"e<f>g|h',
    "CON",
    "con",
    "Nul.yaml",
    "COM1",
    "com9.txt",
    "LPT1 ",
    "COM¹",
    "CONIN$",
    "AUX .x",
    "name.",
    "name. . ",
    " name",
    ".hidden",
    "-rf",
    "--help",
    "a\x00b",
    "a\tb\nc\rd",
    "a\u202eexe.txt",
    "zero\u200bwidth",
    "\u2028",
    "甲" * 100,
    "𠀀" * 70,
    "e\u0301",
    "",
    "   ",
    "\x7f",
    "x" * 300,
]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=repr)
def test_hostile_names_are_made_safe(name: str) -> None:
    safe = safe_filename(name)
    assert_safe(safe)
    assert safe_filename(safe) == safe


@given(st.text(max_size=300))
def test_any_text_gives_a_safe_stable_name(name: str) -> None:
    safe = safe_filename(name)
    assert_safe(safe)
    assert safe_filename(safe) == safe


def test_names_keep_chinese_and_stay_readable() -> None:
    assert safe_filename("志愿服务活动专项") == "志愿服务活动专项"
    assert safe_filename("办公设备购置/维修") == "办公设备购置_维修"
    assert safe_filename("（一）预算绩效管理工作经费") == "（一）预算绩效管理工作经费"


def test_long_names_are_cut_in_bytes_never_inside_a_character() -> None:
    for name in ("甲" * 100, "𠀀" * 70, "a" + "甲" * 99):
        safe = safe_filename(name)
        assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES
        assert safe.encode("utf-8").decode("utf-8") == safe and name.startswith(safe)
        for n in (2, 123):
            numbered = unique_names([name] * n)[-1]
            assert len(numbered.encode("utf-8")) <= MAX_NAME_BYTES and numbered.endswith(f"（{n}）")
            assert len((numbered + ".xlsx").encode("utf-8")) < NAME_LIMIT


def test_collisions_are_resolved_deterministically() -> None:
    names = ["甲/乙", "甲_乙", "甲:乙", "ABC", "abc", "e\u0301", "é"]
    assert unique_names(names) == ["甲_乙", "甲_乙（2）", "甲_乙（3）", "ABC", "abc（2）", "é", "é（2）"]
    assert unique_names(names) == unique_names(list(names))
    assert unique_names(["单位", "汇总表"], taken=["单位", "汇总表"]) == ["单位（2）", "汇总表（2）"]
    assert len({name_key(n) for n in unique_names(names)}) == len(names)


def test_a_folder_that_was_safe_keeps_its_name_when_an_unsafe_one_appears() -> None:
    assert safe_name_among("甲_乙", ["甲_乙"]) == "甲_乙"
    assert safe_name_among("甲_乙", ["甲_乙", "甲/乙", "甲:乙"]) == "甲_乙"
    assert {safe_name_among(n, ["甲_乙", "甲:乙", "甲*乙"]) for n in ("甲:乙", "甲*乙")} == {"甲_乙（2）", "甲_乙（3）"}


# --- jixiao build --------------------------------------------------------------------------------------------


def _project(name: str) -> str:
    return VALID_PROJECT.replace("项目名称: 志愿服务活动专项", f"项目名称: '{name}'", 1)


def test_build_gives_colliding_names_their_own_files_and_folders(tmp_path: Path) -> None:
    region = tmp_path / "data" / "测试区"
    for unit in ("测试局:一", "测试局_一", "CON"):
        folder = region / "2026" / unit
        folder.mkdir(parents=True)
        (folder / "单位.yaml").write_text(f"单位名称: 测试区{unit.replace(':', '')}\n", encoding="utf-8")
    (region / "地区.yaml").write_text(HUNAN_REGION, encoding="utf-8")
    unit = region / "2026" / "测试局_一"
    long_name = "很长的项目名称" * 11  # 231 bytes: the file fits, "<name>.xlsx" beside it would not
    for stem in ("甲:乙", "甲_乙", "甲\\乙", "单位汇编", "汇总表", "\u202e反向", long_name):
        # A direction control in a text is an error (H004); in a file's name it is made safe.
        (unit / f"{stem}.yaml").write_text(_project(stem.replace("\u202e", "")), encoding="utf-8")
    result = build(tmp_path / "data", tmp_path / "site", make_pdf=False, site=False)
    assert result.written, describe(result)
    folders = sorted(p.relative_to(result.out).as_posix() for p in result.out.glob("*/*/*"))
    assert folders == ["测试区/2026/_CON", "测试区/2026/测试局_一", "测试区/2026/测试局_一（2）"]
    files = sorted(p.name for p in (result.out / "测试区/2026/测试局_一").glob("*.xlsx"))
    assert files == sorted(
        [
            "_反向.xlsx",
            "单位汇编（2）.xlsx",
            "汇总表.xlsx",
            "汇总表（2）.xlsx",
            "甲_乙.xlsx",
            "甲_乙（2）.xlsx",
            "甲_乙（3）.xlsx",
            safe_filename(long_name) + ".xlsx",
        ]
    )
    for path in result.out.rglob("*"):
        assert len(path.name.encode("utf-8")) <= NAME_LIMIT
        assert_safe(path.stem if path.is_file() else path.name)
    again = build(tmp_path / "data", tmp_path / "again", make_pdf=False, site=False)  # the same names every time
    assert sorted(p.relative_to(again.out) for p in again.out.rglob("*")) == sorted(
        p.relative_to(result.out) for p in result.out.rglob("*")
    )
    # The website gives each unit its own page, tables and open data too.
    site = build(tmp_path / "data", tmp_path / "网站", make_pdf=False)
    assert site.written, describe(site)
    root = tmp_path / "网站"
    for place in ("地区/测试区/2026", "tables/测试区/2026"):
        names = sorted(p.name for p in (root / place).iterdir() if p.is_dir())
        assert names == ["_CON", "测试局_一", "测试局_一（2）"], (place, names)
    assert sorted(p.name for p in (root / "data/测试区/2026").glob("*.json")) == [
        "_CON.json",
        "测试局_一.json",
        "测试局_一（2）.json",
    ]
    pages = root / "地区/测试区/2026"
    assert ">测试区测试局_一</h1>" in (pages / "测试局_一" / "index.html").read_text("utf-8")
    assert ">测试区测试局一</h1>" in (pages / "测试局_一（2）" / "index.html").read_text("utf-8")


# --- jixiao import -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("project", "unit"),
    [
        ("../../../../etc/passwd", "中共某某市某某区委../../宣传部"),
        ("CON", "NUL"),
        ("a/b\\c:d", "某某市某某区/档案馆"),
        ("项目" * 60, "某某市某某区" + "很长的单位名称" * 15),
        ("\u202egpj.exe", "某某市某某区\x7f局"),
        ("单位", "某某市某某区."),
        ("地区", "某某市某某区 -rf"),
    ],
)
def test_imported_names_stay_below_the_output_folder(tmp_path: Path, project: str, unit: str) -> None:
    text = HEADER.replace("宣传经费", project, 1).replace("中共某某市某某区委宣传部", unit) + "\n".join(GOOD_ROWS) + "\n"
    source = tmp_path / "表.txt"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out" / "data"
    result = import_sources([source], Options(out=out, region="某某市某某区/../..", year=2026), run_check=False)
    written = [o.path for o in result.outcomes if o.status == "written"]
    assert written, [d.message for d in result.report.diagnostics]
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()) == sorted(
        [Path("表.txt")] + [p.relative_to(tmp_path) for p in written]
    )
    for path in written:
        relative = path.resolve().relative_to(out.resolve())
        for part in relative.parts:
            assert_safe(part.removesuffix(".yaml"))
        assert relative.name not in ("单位.yaml", "地区.yaml") or len(relative.parts) in (2, 4)
    projects = [p for p in written if p.name not in ("单位.yaml", "地区.yaml")]
    assert len(projects) == 1 and projects[0].parent.parent.parent.parent == out


def test_scaffolded_project_names_are_safe(tmp_path: Path, make_tree: Callable[..., Path]) -> None:
    unit = make_tree({})
    for name in ("../../x", "CON", "a/b", "甲" * 100):
        path = new_project(unit, name, None)
        assert path.parent == unit and path.is_file()
        assert_safe(path.stem)


# --- symbolic links ------------------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder outside the data, with a data file and a file that must never change."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "单位.yaml").write_text("单位名称: 外面的单位\n", encoding="utf-8")
    (folder / "秘密.yaml").write_text(_project("外面的项目"), encoding="utf-8")
    return folder


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_check_reports_links_and_never_follows_them_out_of_the_data(
    make_tree: Callable[..., Path], outside: Path, tmp_path: Path
) -> None:
    unit = make_tree({"甲.yaml": _project("甲")})
    os.symlink(outside / "秘密.yaml", unit / "链接.yaml")
    os.symlink(outside, unit.parent / "链接的单位")
    os.symlink(outside, unit.parent.parent / "链接的文件夹")
    before = _snapshot(outside)
    data = tmp_path / "data"
    report = check([data], jobs=1)
    links = [d for d in report.diagnostics if d.code.startswith("P") and d.code != "P008"]  # P008: no schema/ here
    assert sorted((Path(d.path).name, d.code) for d in links) == [
        ("链接.yaml", "P006"),
        ("链接的单位", "P006"),
        ("链接的文件夹", "P006"),
    ]
    assert not [d for d in report.diagnostics if "外面" in d.message]
    assert report.files_checked == 3  # 地区, 单位, 甲: no file through a link
    assert report.exit_code() == 1
    assert not build(data, tmp_path / "site", make_pdf=False, site=False).written  # a tree with links is not published
    assert sorted(p.name for p in collect([data]).files()) == sorted(["地区.yaml", "单位.yaml", "甲.yaml"])
    assert _snapshot(outside) == before


def test_build_replaces_a_linked_tables_folder_instead_of_writing_through_it(
    make_tree: Callable[..., Path], outside: Path, tmp_path: Path
) -> None:
    make_tree({"甲.yaml": _project("甲")})
    site = tmp_path / "site"
    site.mkdir()
    os.symlink(outside, site / "tables")
    before = _snapshot(outside)
    result = build(tmp_path / "data", site, make_pdf=False, site=False)
    assert result.written
    assert not (site / "tables").is_symlink() and (site / "tables" / "测试区").is_dir()
    assert _snapshot(outside) == before


def _hunan_source(tmp_path: Path) -> Path:
    source = tmp_path / "表.txt"
    source.write_text(HEADER + "\n".join(GOOD_ROWS) + "\n", encoding="utf-8")
    return source


@pytest.mark.parametrize("link", ["region", "year", "unit", "file"])
def test_import_never_writes_through_a_link(tmp_path: Path, outside: Path, link: str) -> None:
    out = tmp_path / "data"
    target = {
        "region": out / "某某市某某区",
        "year": out / "某某市某某区" / "2026",
        "unit": out / "某某市某某区" / "2026" / "区委宣传部",
        "file": out / "某某市某某区" / "2026" / "区委宣传部" / "宣传经费.yaml",
    }[link]
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(outside / "秘密.yaml" if link == "file" else outside, target)
    before = _snapshot(outside)
    result = import_sources([_hunan_source(tmp_path)], Options(out=out, force=True), run_check=False)
    assert _snapshot(outside) == before
    refused = [d for d in result.report.diagnostics if d.code == "I052"]
    assert refused and "符号链接" in refused[0].message
    assert target.is_symlink()


def test_a_folder_name_follows_the_folders_added_beside_it(tmp_path: Path) -> None:
    """folder_name lists a folder's siblings once per state of their parent: a folder added later (which
    changes the parent's modification time) is seen, whether it is added at once or seconds later."""

    from generator.names import folder_name

    parent = tmp_path / "2026"
    (parent / "甲:乙").mkdir(parents=True)
    long_ago = 1_700_000_000_000_000_000
    os.utime(parent, ns=(long_ago, long_ago))
    assert folder_name(parent / "甲:乙") == "甲_乙"
    (parent / "甲_乙").mkdir()  # safe already: it keeps its name, the other one gives way
    assert folder_name(parent / "甲:乙") == "甲_乙（2）"
    os.utime(parent, ns=(long_ago + 1, long_ago + 1))
    assert folder_name(parent / "甲:乙") == "甲_乙（2）" and folder_name(parent / "甲_乙") == "甲_乙"
    (parent / "甲_乙").rmdir()
    os.utime(parent, ns=(long_ago + 2, long_ago + 2))
    assert folder_name(parent / "甲:乙") == "甲_乙"
