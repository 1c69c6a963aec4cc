"""The Excel round trip: ``jixiao export`` a unit, edit the workbook in LibreOffice (a real reader and writer,
driven through its own API by tests/libreoffice_edit.py), ``jixiao import`` it back, in a real git repository
made in a temporary folder. One changed cell is one changed field in ``jixiao diff`` and one changed line in
git; what the workbook does not show (序号, comments, acknowledgements) stays as it was; nothing but YAML is
ever written into data/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator.data.fmt import round_trip_yaml

REGION = "株洲市渌口区"
UNIT = f"data/{REGION}/2026/区人民政府办公室"
PROJECT = f"{UNIT}/援助泸溪资金.yaml"
SHEET = "援助泸溪资金"
BOOK = "区人民政府办公室（2026）.xlsx"
EDITOR = ROOT / "tests" / "libreoffice_edit.py"
UNO_PYTHON = "/usr/bin/python3"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def office_available() -> bool:
    if shutil.which("soffice") is None or not Path(UNO_PYTHON).is_file():
        return False
    return subprocess.run([UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False).returncode == 0


needs_office = pytest.mark.skipif(not office_available(), reason="LibreOffice and its Python (uno) are not available")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GIT_AUTHOR_NAME": "测试",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def ok(args: list[str], cwd: Path) -> str:
    result = run(args, cwd)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


# What the sample lacks and a file may hold, made up here (marked as such): a comment of the file's own, one at a
# value, a printed 填报单位 and a 备注. The workbook shows 填报单位 and 备注; none of it may be lost or moved.
MADE_UP = {
    "项目名称: 援助泸溪资金\n": "# 测试用的注释（虚构）：与原表核对过\n项目名称: 援助泸溪资金\n",
    "    三级指标: 支援干部人数\n": "    三级指标: 支援干部人数  # 测试用的注释（虚构）\n",
    "序号: 2\n": "  - 代码: X005\n    位置: 填报单位\n    理由: 测试用的填报单位（虚构）。\n"
    "填报单位: 株洲市渌口区人民政府办公室（虚构）\n备注: 测试用的备注（虚构）\n序号: 2\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A data repository (the samples, one project with made-up comments and fields), committed."""
    repo = tmp_path / "数据仓库"
    shutil.copytree(DATA / REGION, repo / "data" / REGION)
    ok(["jixiao", "fmt", "data"], repo)  # the samples' editor lines name a schema/ that is not here
    project = repo / PROJECT
    text = project.read_text(encoding="utf-8")
    for old, new in MADE_UP.items():
        assert old in text
        text = text.replace(old, new)
    project.write_text(text, encoding="utf-8")
    ok(["git", "init", "-q", "-b", "main"], repo)
    ok(["git", "config", "core.quotepath", "false"], repo)
    ok(["git", "add", "-A"], repo)
    ok(["git", "commit", "-qm", "样例"], repo)
    return repo


def export(repo: Path) -> Path:
    ok(["jixiao", "export", UNIT, "--out", "../工作簿"], repo)
    book = repo.parent / "工作簿" / BOOK
    assert book.is_file()
    return book


def places(book: Path) -> dict[str, object]:
    """Where the export put each field and indicator row of the sheet (its hidden identity)."""
    from openpyxl import load_workbook

    workbook = load_workbook(book)
    meta = workbook["jixiao"]
    for row in range(2, meta.max_row + 1):
        identity = json.loads(str(meta.cell(row=row, column=1).value))
        if identity["sheet"] == SHEET:
            return {
                "fields": dict(identity["fields"]),
                "first": identity["header"] + 1,
                "rows": identity["rows"],
                "columns": identity["columns"],
            }
    raise AssertionError("no identity for the sheet")


def letter(where: dict[str, object], key: str) -> str:
    columns = where["columns"]
    assert isinstance(columns, list)
    return "ABCDEFGHIJKLMNOP"[columns.index(key)]


def edit_in_libreoffice(books: dict[Path, list[list[object]]], tmp_path: Path) -> None:
    edits = {str(book): cells for book, cells in books.items()}
    result = subprocess.run(
        [UNO_PYTHON, str(EDITOR), str(tmp_path / "office-profile"), json.dumps(edits, ensure_ascii=False)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for book in books:  # written by LibreOffice's own Excel filter
        with zipfile.ZipFile(book) as saved:
            assert b"<Application>LibreOffice" in saved.read("docProps/app.xml")


def data_files(repo: Path) -> list[str]:
    return sorted(p.relative_to(repo).as_posix() for p in (repo / "data").rglob("*") if p.is_file())


@needs_office
def test_one_cell_changed_in_libreoffice_is_one_changed_field(repo: Path, tmp_path: Path) -> None:
    book = export(repo)
    where = places(book)
    first = where["first"]
    assert isinstance(first, int)
    before = (repo / PROJECT).read_text(encoding="utf-8")
    files = data_files(repo)
    # The second indicator (对口支援工作达标率, = 100 %): its target becomes 98, typed as an editor types it.
    edit_in_libreoffice({book: [[SHEET, f"{letter(where, '指标值')}{first + 1}", "98"]]}, tmp_path)

    imported = run(["jixiao", "import", str(book)], repo)
    assert imported.returncode == 0, imported.stdout + imported.stderr
    assert f"已写入：{PROJECT}" in imported.stdout and f"未改变：{UNIT}/金融处非专项.yaml" in imported.stdout
    after = (repo / PROJECT).read_text(encoding="utf-8")
    assert after == before.replace("    指标值: 100\n", "    指标值: 98\n", 1) != before  # comments, 序号 … as they were
    assert ok(["git", "diff", "--numstat"], repo) == f"1\t1\t{PROJECT}\n"
    assert data_files(repo) == files  # nothing but the YAML files, no workbook or lock file in data/
    report = json.loads(ok(["jixiao", "diff", "--format", "json"], repo))
    changes = [change for item in report["files"] for change in item.get("changes", [])]
    assert len(changes) == 1, report
    assert "绩效指标" in json.dumps(changes[0], ensure_ascii=False) and "98" in json.dumps(changes[0])

    again = run(["jixiao", "import", str(book)], repo)  # the same workbook twice: the file changed since its export
    assert again.returncode == 1 and "[I055]" in again.stdout
    assert (repo / PROJECT).read_text(encoding="utf-8") == after


@needs_office
def test_rows_and_fields_edited_in_libreoffice(repo: Path, tmp_path: Path) -> None:
    """A row cleared is an indicator removed; a spare row filled is a new one, its keys in the schema's order;
    an empty field filled goes where the schema puts it; the sheet keeps its protection and lists."""
    book = export(repo)
    where = places(book)
    first, rows, fields = where["first"], where["rows"], where["fields"]
    assert isinstance(first, int) and isinstance(rows, int) and isinstance(fields, dict)
    new = first + rows
    edit_in_libreoffice(
        {
            book: [
                [SHEET, f"A{first + 2}:F{first + 2}", None],  # 及时开展对口支援相关工作: the whole row cleared
                [SHEET, f"A{new}", "产出指标"],
                [SHEET, f"B{new}", "数量指标"],
                [SHEET, f"C{new}", "培训人次"],
                [SHEET, f"D{new}", "≥"],
                [SHEET, f"E{new}", "20"],
                [SHEET, f"F{new}", "人次"],
                [SHEET, f"B{fields['项目类别']}", "其他项目"],
                [SHEET, f"B{fields['本年度绩效目标']}", "保证2026年支援泸溪县\n选派干部1人"],
            ]
        },
        tmp_path,
    )

    from openpyxl import load_workbook

    saved = load_workbook(book)  # as LibreOffice wrote it: still protected, the lists still there
    sheet = saved[SHEET]
    assert saved["jixiao"].sheet_state == "hidden" and sheet.protection.sheet
    assert sheet["A4"].protection.locked and not sheet[f"B{fields['项目名称']}"].protection.locked
    lists = {str(v.sqref).split(":")[0][0]: v.formula1 for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"A", "B", "D", "F"}
    assert run(["jixiao", "import", str(book)], repo).returncode in (0, 1)
    data = round_trip_yaml().load((repo / PROJECT).read_text(encoding="utf-8"))
    assert list(data)[:4] == ["项目名称", "项目类别", "项目金额", "实施期"] and data["项目类别"] == "其他项目"
    assert list(data["本年度绩效目标"]) == ["保证2026年支援泸溪县", "选派干部1人"]
    names = [row.get("三级指标") for row in data["绩效指标"]]
    assert "及时开展对口支援相关工作" not in names and names[-1] == "培训人次"
    assert list(data["绩效指标"][-1].items()) == [
        ("一级指标", "产出指标"),
        ("二级指标", "数量指标"),
        ("三级指标", "培训人次"),
        ("指标值类型", "≥"),
        ("指标值", 20),
        ("度量单位", "人次"),
    ]
    assert data["序号"] == 2 and [a["代码"] for a in data["已确认问题"]] == ["F009", "X005"]
    assert data["填报单位"] == "株洲市渌口区人民政府办公室（虚构）" and data["备注"] == "测试用的备注（虚构）"
    assert "# 测试用的注释（虚构）" in (repo / PROJECT).read_text(encoding="utf-8")
    listed = saved["jixiao"][lists["B"].split("!")[1].replace("$", "")]
    level2 = [row[0].value for row in listed]  # the region's framework (2021), as the drop-down offers it
    assert level2[:3] == ["经济成本指标", "社会成本指标", "生态环境成本指标"] and "服务对象满意度指标" in level2


def test_a_file_changed_since_the_export_is_left_alone(repo: Path) -> None:
    book = export(repo)
    project = repo / PROJECT
    project.write_text(project.read_text(encoding="utf-8").replace("项目金额: 30", "项目金额: 31"), encoding="utf-8")
    changed = project.read_text(encoding="utf-8")
    result = run(["jixiao", "import", str(book)], repo)
    assert result.returncode == 1
    assert f"[I055] “{PROJECT}”在导出工作簿之后改动过，工作表“{SHEET}”没有导入" in result.stdout
    assert project.read_text(encoding="utf-8") == changed
    forced = run(["jixiao", "import", str(book), "--force"], repo)  # the workbook wins: 30 again
    assert "已写入" in forced.stdout and "项目金额: 30\n" in project.read_text(encoding="utf-8")


def test_a_workbook_naming_a_file_outside_the_data_folder_writes_nothing(repo: Path) -> None:
    from openpyxl import load_workbook

    book = export(repo)
    workbook = load_workbook(book)
    meta = workbook["jixiao"]
    identity = json.loads(str(meta.cell(row=2, column=1).value))
    identity["file"] = "../outside.yaml"
    meta.cell(row=2, column=1, value=json.dumps(identity, ensure_ascii=False))
    workbook.save(book)
    (repo / "outside.yaml").write_text("项目名称: 不应被改\n", encoding="utf-8")
    result = run(["jixiao", "import", str(book)], repo)
    assert result.returncode == 1 and "[I056]" in result.stdout and "不在数据文件夹中" in result.stdout
    assert (repo / "outside.yaml").read_text(encoding="utf-8") == "项目名称: 不应被改\n"


def test_workbooks_are_never_written_into_data(repo: Path) -> None:
    refused = run(["jixiao", "export", UNIT, "--out", f"{UNIT}"], repo)
    assert refused.returncode == 2 and "工作簿不写进数据文件夹" in refused.stderr
    files = data_files(repo)
    ok(["jixiao", "new", "project", UNIT, "新项目（虚构）", "--xlsx"], repo)
    assert (repo / "新项目（虚构）.xlsx").is_file()
    ok(["jixiao", "new", "project", ".", "另一个项目（虚构）", "--xlsx"], repo / UNIT)  # working inside data/
    assert (repo / "另一个项目（虚构）.xlsx").is_file()
    assert data_files(repo) == sorted([*files, f"{UNIT}/新项目（虚构）.yaml", f"{UNIT}/另一个项目（虚构）.yaml"])


@needs_office
def test_every_sample_unit_saved_by_libreoffice_comes_back_unchanged(tmp_path: Path) -> None:
    """Exported, opened and saved by LibreOffice without an edit, imported: not a byte of any sample file changes
    (texts such as "=" and "2026年", numbers such as 22.95, codes with leading zeros, both regions' layouts)."""
    repo = tmp_path / "数据仓库"
    shutil.copytree(DATA, repo / "data")
    ok(["git", "init", "-q", "-b", "main"], repo)
    ok(["git", "add", "-A"], repo)
    ok(["git", "commit", "-qm", "样例"], repo)
    units = sorted(p.parent.relative_to(repo).as_posix() for p in (repo / "data").glob("*/*/*/单位.yaml"))
    assert len(units) >= 4 and len({u.split("/")[1] for u in units}) >= 2
    ok(["jixiao", "export", *units, "--out", "../工作簿"], repo)
    books = sorted((tmp_path / "工作簿").glob("*.xlsx"))
    assert len(books) == len(units)
    edit_in_libreoffice({book: [] for book in books}, tmp_path)
    result = run(["jixiao", "import", *map(str, books)], repo)
    assert "已写入" not in result.stdout and "[I05" not in result.stdout and "[I013]" not in result.stdout, result.stdout
    projects = [p for p in (repo / "data").glob("*/*/*/*.yaml") if p.name != "单位.yaml"]
    assert result.stdout.count("未改变：") == len(projects)
    assert ok(["git", "status", "--porcelain", "--untracked-files=all"], repo) == ""


def test_a_file_broken_after_the_export_is_reported_and_left_alone(repo: Path) -> None:
    book = export(repo)
    project = repo / PROJECT
    broken = project.read_text(encoding="utf-8").replace("实施期: 2026年", "实施期: '2026年")
    project.write_text(broken, encoding="utf-8")
    result = run(["jixiao", "import", str(book), "--force"], repo)
    assert result.returncode == 1 and "Traceback" not in result.stdout + result.stderr
    assert "[Y015]" in result.stdout and "写入失败" in result.stdout
    assert project.read_text(encoding="utf-8") == broken
