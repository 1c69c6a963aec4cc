"""``jixiao fmt``: canonical layout, aliases normalised, comments kept, idempotent, atomic."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA

from generator.cli import cli
from generator.data.fmt import CannotFormat, _keeps_meaning, format_text
from generator.data.load import load

MESSY = """\
# 这是编辑人员的注释，必须保留
项目名称:   甲项目   # 行尾注释
项目金额: １０
本年度绩效目标: 目标
绩效指标:
- 一级指标: 满意度
  二级指标: 服务对象 满意度
  三级指标: 群众满意度
  指标值类型: '>='
  指标值: '９０'
  度量单位: '%'
- 一级指标: 产出指标
  二级指标: 数量
  三级指标: 次数
  指标值类型: 定性
  指标值: '３'
"""

EXPECTED = """\
# 这是编辑人员的注释，必须保留
项目名称: 甲项目     # 行尾注释
项目金额: 10
本年度绩效目标: 目标
绩效指标:
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 群众满意度
    指标值类型: ≥
    指标值: 90
    度量单位: '%'
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 次数
    指标值类型: 定性
    指标值: '3'
"""


def test_format_normalises_and_keeps_comments(tmp_path: Path) -> None:
    path = tmp_path / "甲.yaml"
    assert format_text(MESSY, path) == EXPECTED


def test_format_is_idempotent_on_every_sample_file() -> None:
    for path in sorted(DATA.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert format_text(text, path) == text, f"{path} is not in canonical form: run jixiao fmt"


def test_fmt_check_reports_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "甲.yaml"
    path.write_text(MESSY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", "--check", str(path)])
    assert result.exit_code == 1
    assert "需要整理" in result.output
    assert path.read_text(encoding="utf-8") == MESSY


def test_fmt_writes_and_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "甲.yaml"
    path.write_bytes(("\ufeff" + MESSY).replace("\n", "\r\n").encode("utf-8"))
    result = CliRunner().invoke(cli, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == EXPECTED
    assert not list(tmp_path.glob(".*.tmp")), "no temporary file may be left behind"
    second = CliRunner().invoke(cli, ["fmt", "--check", str(path)])
    assert second.exit_code == 0


def test_fmt_leaves_broken_files_alone(tmp_path: Path) -> None:
    path = tmp_path / "甲.yaml"
    broken = "项目名称: 甲\n项目名称: 乙\n"
    path.write_text(broken, encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(path)])
    assert result.exit_code == 1
    assert "Y006" in result.output
    assert path.read_text(encoding="utf-8") == broken


def test_codes_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "单位.yaml"
    out = format_text("单位名称: 某单位\n单位编码: 763001\n", path)
    assert out == "单位名称: 某单位\n单位编码: '763001'\n"
    loaded = load_text(tmp_path, out)
    assert loaded["单位编码"] == "763001"


def load_text(folder: Path, text: str) -> dict[str, object]:
    path = folder / "x.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load(path)
    assert not hasattr(doc, "code")
    return doc.data  # type: ignore[union-attr]


def test_missing_editor_line_is_reported_and_fmt_adds_it(data_copy: Path) -> None:
    project = next(data_copy.rglob("援助泸溪资金.yaml"))
    lines = project.read_text(encoding="utf-8").split("\n")
    project.write_text("\n".join(lines[1:]), encoding="utf-8")
    before = CliRunner().invoke(cli, ["check", str(project)])
    assert "[P005]" in before.output and f"{project.name}:1:1" in before.output
    assert CliRunner().invoke(cli, ["fmt", str(project)]).exit_code == 0
    assert project.read_text(encoding="utf-8").split("\n")[0] == lines[0]
    after = CliRunner().invoke(cli, ["check", str(project)])
    assert "P005" not in after.output


def test_an_editor_line_naming_a_missing_schema_is_reported_and_fmt_removes_it(tmp_path: Path) -> None:
    """Data copied into a repository without schema/: the editor would flag every file (P008). A web address
    is the editor's to read, and stays."""
    shutil.copytree(DATA, tmp_path / "data")
    project = next((tmp_path / "data").rglob("援助泸溪资金.yaml"))
    text = project.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../../../schema/project.schema.json\n")
    before = CliRunner().invoke(cli, ["check", str(project)])
    assert (
        f"{project.name}:1:1: 警告 [P008] 第一行的编辑器提示行指向“../../../../schema/project.schema.json”，"
        "这个文件不存在" in before.output
    )
    assert CliRunner().invoke(cli, ["fmt", str(project)]).exit_code == 0
    assert project.read_text(encoding="utf-8") == text.split("\n", 1)[1]
    assert f"{project.name}:1:1: 警告 [P008]" not in CliRunner().invoke(cli, ["check", str(project)]).output
    online = "# yaml-language-server: $schema=https://example.invalid/schema/project.schema.json\n"
    project.write_text(online + text.split("\n", 1)[1], encoding="utf-8")
    assert f"{project.name}:1:1: 警告 [P008]" not in CliRunner().invoke(cli, ["check", str(project)]).output
    assert CliRunner().invoke(cli, ["fmt", "--check", str(project)]).exit_code == 0


def test_fmt_keeps_a_code_with_leading_zeros(tmp_path: Path) -> None:
    """``单位编码: 007630`` became '7630' (and the pre-commit hook then committed it)."""
    path = tmp_path / "单位.yaml"
    path.write_text("单位名称: 某单位\n单位编码: 007630\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == "单位名称: 某单位\n单位编码: '007630'\n"


def test_fmt_reads_a_yaml_1_1_file_as_the_loader_does(tmp_path: Path) -> None:
    """Under %YAML 1.1 the round-trip parser would read yes as true, the loader reads the text "yes": the
    directive goes and the value stays the text it was."""
    path = tmp_path / "甲.yaml"
    path.write_text("%YAML 1.1\n---\n项目名称:   甲\n备注: yes\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["fmt", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_text(encoding="utf-8") == "项目名称: 甲\n备注: yes\n"


def test_fmt_writes_nothing_that_would_read_differently(tmp_path: Path) -> None:
    """The safety net under every normalisation: a result that reads as other data is refused (Y014)."""
    path = tmp_path / "甲.yaml"
    with pytest.raises(CannotFormat) as caught:
        _keeps_meaning("项目名称: 甲\n备注: 'yes'\n", "项目名称: 甲\n备注: true\n", path, None)
    diagnostic = caught.value.diagnostic
    assert (diagnostic.code, diagnostic.line, diagnostic.column) == ("Y014", 2, 5)
    assert "“备注”原为文字“yes”" in diagnostic.message, diagnostic.message
