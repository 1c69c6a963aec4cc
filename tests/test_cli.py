"""The command line: help for every command, exit codes, and no traceback for user mistakes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator.cli import cli


def all_commands(group: click.Group = cli, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*prefix, name))
        if isinstance(command, click.Group):
            found.extend(all_commands(command, (*prefix, name)))
    return found


@pytest.mark.parametrize("command", all_commands(), ids=" ".join)
def test_every_command_has_chinese_help_with_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "示例" in result.output
    assert f"jixiao {command[0]}" in result.output


def test_python_dash_m_is_the_same_command() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    assert "jixiao" in result.stdout and "check" in result.stdout


def test_check_json_on_data_copy(data_copy: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(data_copy)])
    assert result.exit_code == 0, result.output
    items = json.loads(result.output)
    assert items, "the sample data carries acknowledged findings"
    for item in items:
        assert {"code", "severity", "path", "line", "column", "message"} <= item.keys()
        assert item["line"] >= 1 and item["column"] >= 1
    assert all(i.get("acknowledged") or i["severity"] == "warning" for i in items)


def test_missing_path_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["check", "没有这个文件夹"])
    assert result.exit_code == 2
    assert "找不到" in result.output
    assert "Traceback" not in result.output


def test_unknown_option_is_a_usage_error() -> None:
    result = CliRunner().invoke(cli, ["check", "--no-such-option"])
    assert result.exit_code == 2


def test_strict_makes_warnings_fail(make_tree: object, tmp_path: Path) -> None:
    unit_dir = make_tree({"甲.yaml": PROJECT.replace("三级指标: 资金使用合规率", "三级指标: ' 资金使用合规率'")})  # type: ignore[operator]
    lenient = CliRunner().invoke(cli, ["check", str(unit_dir)])
    strict = CliRunner().invoke(cli, ["check", "--strict", str(unit_dir)])
    assert lenient.exit_code == 0, lenient.output
    assert "H005" in lenient.output
    assert strict.exit_code == 1


def test_broken_file_reports_and_exits_1(make_tree: object) -> None:
    unit_dir = make_tree({"甲.yaml": "项目名称: 甲: 乙\n"})  # type: ignore[operator]
    result = CliRunner().invoke(cli, ["check", str(unit_dir)])
    assert result.exit_code == 1
    assert "Y004" in result.output and "甲.yaml:1:" in result.output
    assert "Traceback" not in result.output


def test_new_scaffolds_never_overwrite(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "schema", tmp_path / "schema")
    runner = CliRunner()
    region = tmp_path / "data" / "某区"
    unit = region / "2026" / "财政局"
    assert (
        runner.invoke(cli, ["new", "region", str(region), "--name", "某市某区", "--layout", "湖南", "--code", "430000"]).exit_code
        == 0
    )
    assert runner.invoke(cli, ["new", "unit", str(unit), "--name", "某市某区财政局"]).exit_code == 0
    made = runner.invoke(cli, ["new", "project", str(unit), "绩效管理/工作经费", "--amount", "12"])
    assert made.exit_code == 0, made.output
    project = unit / "绩效管理_工作经费.yaml"
    assert project.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../../../../schema/project.schema.json\n项目名称: 绩效管理/工作经费\n"
    )
    assert (
        (region / "地区.yaml")
        .read_text(encoding="utf-8")
        .startswith("# yaml-language-server: $schema=../../schema/region.schema.json\n")
    )
    before = project.read_bytes()
    again = runner.invoke(cli, ["new", "project", str(unit), "绩效管理/工作经费"])
    assert again.exit_code == 2 and "不会覆盖" in again.output
    assert project.read_bytes() == before
    checked = runner.invoke(cli, ["check", str(unit)])
    assert checked.exit_code == 1  # the blanks must be filled before the file can pass
    assert "S007" in checked.output


@pytest.mark.parametrize(
    ("given", "written"),
    [("22.95", "22.95"), ("0.1", "0.1"), ("12", "12"), ("1,234.5", "1234.5"), ("123456789.123456", "123456789.123456")],
)
def test_new_project_writes_the_amount_exactly_as_given(tmp_path: Path, given: str, written: str) -> None:
    unit = tmp_path / "data" / "某区" / "2026" / "财政局"
    runner = CliRunner()
    assert runner.invoke(cli, ["new", "unit", str(unit), "--name", "某市某区财政局"]).exit_code == 0
    made = runner.invoke(cli, ["new", "project", str(unit), "某项目", "--amount", given])
    assert made.exit_code == 0, made.output
    assert f"\n项目金额: {written}\n" in (unit / "某项目.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("given", ["十二", "-1", "1e20", "nan", "0.0000001"])
def test_new_project_refuses_an_amount_that_is_no_amount(tmp_path: Path, given: str) -> None:
    unit = tmp_path / "data" / "某区" / "2026" / "财政局"
    runner = CliRunner()
    assert runner.invoke(cli, ["new", "unit", str(unit), "--name", "某市某区财政局"]).exit_code == 0
    made = runner.invoke(cli, ["new", "project", str(unit), "某项目", "--amount", given])
    assert made.exit_code == 2 and "金额" in made.output and "Traceback" not in made.output
    assert not (unit / "某项目.yaml").exists()


PROJECT = """\
项目名称: 甲项目
项目类别: 特定目标类
项目金额: 10
实施期: 2026.01-2026.12
本年度绩效目标: 组织开展志愿服务活动，提升群众参与度。
绩效指标:
  - 一级指标: 成本指标
    二级指标: 经济成本指标
    三级指标: 项目总成本
    指标值类型: ≤
    指标值: 10
    度量单位: 万元
  - 一级指标: 产出指标
    二级指标: 数量指标
    三级指标: 开展活动次数
    指标值类型: ≥
    指标值: 3
    度量单位: 次
  - 一级指标: 产出指标
    二级指标: 质量指标
    三级指标: 资金使用合规率
    指标值类型: '='
    指标值: 100
    度量单位: '%'
  - 一级指标: 产出指标
    二级指标: 时效指标
    三级指标: 活动完成时间
    指标值类型: 定性
    指标值: 2026年11月底前
  - 一级指标: 效益指标
    二级指标: 社会效益指标
    三级指标: 群众参与度
    指标值类型: 定性
    指标值: 明显提升
  - 一级指标: 满意度指标
    二级指标: 服务对象满意度指标
    三级指标: 群众满意度
    指标值类型: ≥
    指标值: 90
    度量单位: '%'
"""
