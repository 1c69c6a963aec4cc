"""``jixiao diff`` on real git repositories made from the sample data: each change says exactly what it is."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT, GoldenCheck

from generator.cli import cli
from generator.review.changes import KINDS

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SOCIAL = "data/株洲市渌口区/2026/区委社会工作部"
ORG = "data/株洲市渌口区/2026/区委组织部"
VOLUNTEER = f"{SOCIAL}/志愿服务活动专项.yaml"
SPENDING = "部门整体支出绩效目标表.预算情况.按支出性质分.项目支出"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, text=True, check=True)
    return result.stdout


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data repository on branch main with the sample data committed; the working directory."""
    repo = tmp_path / "数据仓库"
    shutil.copytree(DATA, repo / "data")
    shutil.copytree(ROOT / "schema", repo / "schema")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "数据")
    monkeypatch.chdir(repo)
    return repo


def diff(*args: str) -> str:
    result = CliRunner().invoke(cli, ["diff", *args])
    assert result.exit_code == 0, result.output
    return result.output


def body(output: str) -> str:
    """The report without its first line (which names the base commit)."""
    return output.split("\n", 1)[1]


def edit(repo: Path, path: str, old: str, new: str, count: int = 1) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    file.write_text(text.replace(old, new, count), encoding="utf-8")


def indicator(name: str, repo: Path, path: str = VOLUNTEER) -> str:
    """The YAML block of one indicator row, as written in the file."""
    text = (repo / path).read_text(encoding="utf-8")
    match = re.search(rf"  - 一级指标: [^\n]+\n    二级指标: [^\n]+\n    三级指标: {re.escape(name)}\n(?:    [^\n]+\n)*", text)
    assert match, name
    return match.group(0)


def acknowledged_x003(projects: int, total: int) -> str:
    """The line for the sample's acknowledged X003 (14.4 against 32) when the projects' total becomes ``total``."""
    return (
        f"  - 已确认问题有变化：{SOCIAL}/单位.yaml:28:13: 错误 [X003] 项目支出 14.4，与本单位 {projects} 个项目的金额合计 "
        f"{total} 不符 [{SPENDING}]（原为：项目支出 14.4，与本单位 2 个项目的金额合计 32 不符）（理由：原表公开的项目支出为 "
        "14.4 万元，而本单位两个项目表合计 32 万元，正确数字待单位核实。）"
    )


def test_no_change_says_so(repo: Path) -> None:
    output = diff()
    assert re.fullmatch(r"jixiao diff：与 main 的分叉点（[0-9a-f]{7}） → 工作区\n数据没有改动。\n", output)


def test_change_an_indicator_value(repo: Path) -> None:
    edit(repo, VOLUNTEER, "    指标值: 99\n", "    指标值: 95\n")
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 绩效指标“群众满意度”的指标值：99 → 95 百分比
"""
    )


def test_change_the_amount_shows_totals_summary_table_and_new_findings(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 12\n")
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 项目金额：10 → 12 万元

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 项目金额合计（汇总表合计金额）：32 → 34 万元
  - 部门整体表的项目支出与项目金额合计仍不相符（14.4 与 34 万元）
  - 汇总表行“志愿服务活动专项”的项目金额：10 → 12 万元
  - 新问题：{VOLUNTEER}:4:7: 警告 [M003] 没有一条经济成本指标等于项目金额 12 万元（成本指标合计 10） [项目金额]
{acknowledged_x003(2, 34)}
"""
    )


def test_rename_the_file_only(repo: Path) -> None:
    git(repo, "mv", VOLUNTEER, f"{SOCIAL}/志愿服务.yaml")
    assert (
        body(diff())
        == f"""1 个项目改名。

项目“志愿服务活动专项”的文件改名：志愿服务活动专项.yaml → 志愿服务.yaml
  {SOCIAL}/志愿服务.yaml
"""
    )


def test_rename_the_project_only(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目名称: 志愿服务活动专项\n", "项目名称: 志愿服务活动经费\n")
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动经费”
  {VOLUNTEER}
  - 项目名称：志愿服务活动专项 → 志愿服务活动经费

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 汇总表行“志愿服务活动经费”的项目名称：志愿服务活动专项 → 志愿服务活动经费
"""
    )


def test_rename_file_and_project_together(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目名称: 志愿服务活动专项\n", "项目名称: 志愿服务活动经费\n")
    git(repo, "add", "-A")
    git(repo, "mv", VOLUNTEER, f"{SOCIAL}/志愿服务活动经费.yaml")
    git(repo, "commit", "-qm", "改名")
    assert (
        body(diff("main~1", "main"))
        == f"""1 个项目改名。

项目“志愿服务活动经费”的文件改名：志愿服务活动专项.yaml → 志愿服务活动经费.yaml
  {SOCIAL}/志愿服务活动经费.yaml
  - 项目名称：志愿服务活动专项 → 志愿服务活动经费

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 汇总表行“志愿服务活动经费”的项目名称：志愿服务活动专项 → 志愿服务活动经费
"""
    )


def swap(repo: Path, first: str, second: str) -> None:
    edit(repo, VOLUNTEER, first + second, second + first)


def test_reorder_indicators_says_so_once(repo: Path) -> None:
    swap(repo, indicator("志愿者人数", repo), indicator("开展志愿服务活动", repo))
    social, ecological = (f"  - 一级指标: 成本指标\n    二级指标: {name}\n" for name in ("社会成本指标", "生态环境成本指标"))
    swap(repo, social, ecological)  # placeholder rows too
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 绩效指标顺序调整
"""
    )


def test_reorder_that_breaks_an_acknowledgement_shows_the_finding_it_reopens(repo: Path) -> None:
    """已确认问题 names its row by number: moving the row reopens the finding, and the diff says so."""
    satisfaction = indicator("群众满意度", repo)
    edit(repo, VOLUNTEER, satisfaction, "")
    edit(repo, VOLUNTEER, "绩效指标:\n", "绩效指标:\n" + satisfaction)
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 绩效指标顺序调整

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 新问题：{VOLUNTEER}:11:12: 错误 [V007] 满意度指标“群众满意度”的指标值类型是“=” [绩效指标[1].指标值类型]
  - 新问题：{VOLUNTEER}:67:5: 警告 [A001] 已确认问题 V007（绩效指标[9].指标值类型） 没有对应的检查结果 [已确认问题[1]]
"""
    )


def test_regroup_add_and_remove_indicators(repo: Path) -> None:
    moved = indicator("志愿服务满意率", repo)
    edit(repo, VOLUNTEER, moved, moved.replace("二级指标: 质量指标", "二级指标: 数量指标"))
    edit(
        repo,
        VOLUNTEER,
        indicator("活动开展时间段", repo),
        "  - 一级指标: 产出指标\n    二级指标: 时效指标\n    三级指标: 活动完成时间\n"
        "    指标值类型: 定性\n    指标值: 2026年12月底前\n",
    )
    edit(repo, VOLUNTEER, "三级指标: 群众满意度\n", "三级指标: 群众满意度指标\n")
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 绩效指标“志愿服务满意率”移到 产出指标 / 数量指标（原在 产出指标 / 质量指标）
  - 新增绩效指标“活动完成时间”：产出指标 / 时效指标，定性：2026年12月底前
  - 绩效指标“群众满意度”改名为“群众满意度指标”
  - 删除绩效指标“活动开展时间段”：产出指标 / 时效指标，= 1 年

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 新问题：{VOLUNTEER}:7:1: 警告 [F008] 产出指标缺少质量指标 [绩效指标]
  - 已解决：{VOLUNTEER}:36:10: 警告 [T002] 时效指标“活动开展时间段”的目标“1年”不具体 [绩效指标[5].指标值]
"""
    )


def test_move_a_project_to_another_unit(repo: Path) -> None:
    git(repo, "mv", f"{SOCIAL}/两新党组织党务工作者津贴.yaml", f"{ORG}/两新党组织党务工作者津贴.yaml")
    git(repo, "commit", "-qm", "移动")
    assert (
        body(diff("main~1...main"))
        == f"""1 个项目移到其他单位。

项目“两新党组织党务工作者津贴”从 区委社会工作部 移到 区委组织部
  {ORG}/两新党组织党务工作者津贴.yaml

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 项目金额合计（汇总表合计金额）：32 → 10 万元
  - 部门整体表的项目支出与项目金额合计仍不相符（14.4 与 10 万元）
  - 删除汇总表行“两新党组织党务工作者津贴”：22 万元
{acknowledged_x003(1, 10)}

影响：中共株洲市渌口区委组织部（{ORG}）
  - 项目金额合计（汇总表合计金额）：5117.65 → 5139.65 万元
  - 新增汇总表行“两新党组织党务工作者津贴”：22 万元
"""
    )


def sample_change(repo: Path) -> None:
    """The change the review guide walks through: a project's amount and target, and the unit's budget."""
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 12\n")
    edit(repo, VOLUNTEER, "    指标值类型: '='\n    指标值: 99\n", "    指标值类型: ≥\n    指标值: 95\n")
    edit(repo, VOLUNTEER, "指标值: 10\n    度量单位: 万元", "指标值: 12\n    度量单位: 万元")
    unit = f"{SOCIAL}/单位.yaml"
    edit(repo, unit, "资金总额: 128.3", "资金总额: 147.9")
    edit(repo, unit, "一般公共预算: 121.7", "一般公共预算: 141.3")
    edit(repo, unit, "项目支出: 14.4", "项目支出: 34")
    for path in (VOLUNTEER, unit):  # the acknowledged mistakes are corrected: their entries go
        text = (repo / path).read_text(encoding="utf-8")
        (repo / path).write_text(re.sub(r"已确认问题:\n(?:  .*\n)*", "", text), encoding="utf-8")


def stable(output: str) -> str:
    return re.sub(r"（[0-9a-f]{7}）", "（0000000）", output)


@pytest.mark.parametrize(("fmt", "suffix"), [("text", "txt"), ("md", "md"), ("json", "json")])
def test_sample_change_in_every_format(repo: Path, golden: GoldenCheck, fmt: str, suffix: str) -> None:
    sample_change(repo)
    golden(stable(diff("--format", fmt)), ROOT / "tests" / "golden" / f"diff.{suffix}")


def test_the_review_guide_shows_the_real_output_of_its_example() -> None:
    guide = (ROOT / "docs" / "审核指南.md").read_text(encoding="utf-8")
    assert "```text\n" + (ROOT / "tests" / "golden" / "diff.txt").read_text(encoding="utf-8") + "```" in guide


def test_json_is_the_documented_structure(repo: Path) -> None:
    sample_change(repo)
    report = json.loads(diff("--format", "json"))
    assert report.keys() == {"format", "version", "base", "head", "summary", "counts", "notes", "files", "effects"}
    assert (report["format"], report["version"]) == ("jixiao-diff", 1)
    assert report["counts"] == {"project": {"modified": 1}, "unit": {"modified": 1}}
    for item in report["files"]:
        assert item.keys() == {"kind", "status", "name", "path", "old_path", "folder", "heading", "notes", "changes"}
        for change in item["changes"]:
            assert change.keys() == {"kind", "label", "old", "new", "old_unit", "new_unit", "text"}
            assert change["kind"] in KINDS
    for effect in report["effects"]:
        assert effect.keys() == {"folder", "name", "changes", "findings"}
        for finding in effect["findings"]:
            assert finding["status"] in ("introduced", "acknowledged", "changed", "resolved")
            assert {"code", "severity", "path", "line", "column", "message", "field"} <= finding.keys()
    guide = (ROOT / "docs" / "审核指南.md").read_text(encoding="utf-8")
    for key in [
        "format",
        "counts",
        "old_path",
        "heading",
        "old_unit",
        "findings",
        "introduced",
        "acknowledged",
        "changed",
        "before",
        "unreadable",
    ]:
        assert f"`{key}`" in guide, f"docs/审核指南.md does not document {key}"


def test_a_broken_change_is_a_finding_not_a_crash(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 10\n  错误缩进: 1\n")
    # Not a deleted project with a falling total: a file that cannot be read, its error, and no total.
    assert (
        body(diff())
        == f"""1 个项目无法读取。

项目“志愿服务活动专项”的文件无法读取
  {VOLUNTEER}
  （现在无法读取：[Y004] YAML 语法错误：这里不能出现“字段: 值”（冒号后的文字可能需要加引号，或缩进不对）（第 5 行第 7 列））

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 有项目文件无法读取或未通过结构检查：改正之前，项目金额合计和汇总表无法得出（它们没有算作删除）
  - 有文件无法读取或未通过结构检查：改正之前，无法得出它和本单位合计的其他检查结果（这些结果没有算作已解决）
  - 新问题：{VOLUNTEER}:5:7: 错误 [Y004] YAML 语法错误：这里不能出现“字段: 值”（冒号后的文字可能需要加引号，或缩进不对）
"""
    )


def test_a_new_finding_carries_the_validator_message_and_a_fix_resolves_it(repo: Path) -> None:
    path = f"{ORG}/村干部意外保险.yaml"
    edit(
        repo,
        path,
        "    指标值类型: '='\n    指标值: 100\n    度量单位: 百分比\n",
        "    指标值类型: ≤\n    指标值: 100\n    度量单位: 百分比\n",
    )
    git(repo, "commit", "-qam", "改坏")
    broken = body(diff("HEAD~1", "HEAD"))
    assert "修改项目“村干部意外保险”" in broken
    assert "  - 绩效指标“保险覆盖到位率”的指标值类型：= → ≤\n" in broken
    assert re.search(r"  - 新问题：.*村干部意外保险\.yaml:\d+:\d+: 错误 \[V010\] ", broken), broken
    git(repo, "revert", "--no-edit", "HEAD")
    fixed = body(diff("HEAD~1", "HEAD"))
    assert re.search(r"  - 已解决：.*村干部意外保险\.yaml:\d+:\d+: 错误 \[V010\] ", fixed), fixed


def test_a_renamed_unit_folder_is_one_change(repo: Path) -> None:
    git(repo, "mv", SOCIAL, "data/株洲市渌口区/2026/区委社会工作部门")
    assert (
        body(diff())
        == """1 个单位改名。

单位“中共株洲市渌口区委社会工作部”的文件夹改名：区委社会工作部 → 区委社会工作部门
  data/株洲市渌口区/2026/区委社会工作部门
"""
    )


def test_added_and_removed_projects(repo: Path) -> None:
    (repo / f"{SOCIAL}/两新党组织党务工作者津贴.yaml").unlink()
    (repo / f"{SOCIAL}/新项目.yaml").write_text(
        "项目名称: 社区工作者培训\n项目类别: 特定目标类\n项目金额: 3\n实施期: 2026.01-2026.12\n"
        "本年度绩效目标: 培训社区工作者。\n绩效指标:\n"
        "  - 一级指标: 产出指标\n    二级指标: 数量指标\n    三级指标: 培训人次\n"
        "    指标值类型: ≥\n    指标值: 200\n    度量单位: 人次\n",
        encoding="utf-8",
    )
    output = body(diff())
    assert output.startswith(f"""新增 1 个项目，删除 1 个项目。

删除项目“两新党组织党务工作者津贴”
  {SOCIAL}/两新党组织党务工作者津贴.yaml
  - 项目金额（原来）：22 万元

新增项目“社区工作者培训”
  {SOCIAL}/新项目.yaml
  - 项目类别：特定目标类
  - 项目金额：3 万元
  - 实施期：2026.01-2026.12
  - 本年度绩效目标：培训社区工作者。
  - 绩效指标“培训人次”：产出指标 / 数量指标，≥ 200 人次

影响：中共株洲市渌口区委社会工作部（{SOCIAL}）
  - 项目金额合计（汇总表合计金额）：32 → 13 万元
  - 部门整体表的项目支出与项目金额合计仍不相符（14.4 与 13 万元）
  - 新增汇总表行“社区工作者培训”：3 万元
  - 删除汇总表行“两新党组织党务工作者津贴”：22 万元
"""), output
    assert "  - 新问题：data/株洲市渌口区/2026/区委社会工作部/新项目.yaml:1:1: 警告 [P005] " in output
    assert "  - 新问题：data/株洲市渌口区/2026/区委社会工作部/新项目.yaml:6:1: 错误 [F005] 没有效益指标 [绩效指标]" in output
    assert "  - 已解决：data/株洲市渌口区/2026/区委社会工作部/两新党组织党务工作者津贴.yaml:" in output


HOSTILE = "| `代码` <script>alert(1)</script> @admin $x$ [链接](http://example.invalid) *粗* _斜_ ~删~ &amp;"


def test_markdown_escapes_hostile_data(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目名称: 志愿服务活动专项\n", f"项目名称: '{HOSTILE}'\n")
    edit(repo, VOLUNTEER, "三级指标: 志愿者人数\n", "三级指标: '# 标题'\n")
    edit(repo, VOLUNTEER, "指标值: 提升\n", "指标值: '- 列表 | 1. 编号\n\n      > 引用'\n")
    output = diff("--format", "md")
    assert not re.search(r"(?<!\\)(<script|`代码|\[链接|\$x)", output)
    assert "@admin" not in output and "@&#8203;admin" in output
    assert "\\<script\\>" in output and "\\|" in output and "\\$x\\$" in output and "\\&amp;" in output
    columns = 0
    for line in output.splitlines():
        pipes = len(re.findall(r"(?<!\\)\|", line))
        if line.startswith("|"):  # every row has its header's columns: no unescaped pipe from data
            columns = columns or pipes
            assert pipes == columns, line
        else:
            columns = 0
        assert not line.startswith(("# ", "- ", "> 引用", "1. ")), line
    text = diff()
    assert f"修改项目“{HOSTILE}”" in text


def test_terminal_text_drops_control_characters(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目名称: 志愿服务活动专项\n", '项目名称: "志愿\\e[2J服务"\n')
    output = diff()
    assert "\x1b" not in output and "志愿\ufffd[2J服务" in output


def test_direction_controls_are_shown_as_marks_and_escaped_in_json(repo: Path) -> None:
    """A reviewer must read what the data holds: "甲\u202e乙丙" would show as "甲丙乙"."""
    edit(repo, VOLUNTEER, "项目名称: 志愿服务活动专项\n", '项目名称: "志愿\\u202e服务\\u2066活动\\u200f专项"\n')
    shown = "志愿⟪U+202E⟫服务⟪U+2066⟫活动⟪U+200F⟫专项"
    for name in ("text", "md"):
        output = diff("--format", name)
        assert not set(output) & {"\u202e", "\u2066", "\u200f"}, name
        assert shown in output, name
    output = diff("--format", "json")
    assert not set(output) & {"\u202e", "\u2066", "\u200f"} and "\\u202e" in output
    assert "志愿\u202e服务\u2066活动\u200f专项" in json.dumps(json.loads(output), ensure_ascii=False)


def test_two_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(DATA, tmp_path / "旧" / "data")
    shutil.copytree(DATA, tmp_path / "新" / "data")
    edit(tmp_path / "新", VOLUNTEER, "    指标值: 99\n", "    指标值: 95\n")
    monkeypatch.chdir(tmp_path)
    assert (
        diff("旧", "新")
        == f"""jixiao diff：旧 → 新
修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  - 绩效指标“群众满意度”的指标值：99 → 95 百分比
"""
    )


def test_formatting_only_changes_are_named_as_such(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 10    # 单位：万元\n")
    assert (
        body(diff())
        == f"""修改 1 个项目。

修改项目“志愿服务活动专项”
  {VOLUNTEER}
  （只改了格式或注释，内容不变）
"""
    )


@pytest.mark.parametrize("main", ["main", "master"])
def test_default_base_is_the_fork_point_with_the_main_branch(repo: Path, main: str) -> None:
    if main != "main":
        git(repo, "branch", "-m", "main", main)
    git(repo, "checkout", "-qb", "编辑")
    edit(repo, VOLUNTEER, "    指标值: 99\n", "    指标值: 95\n")
    git(repo, "commit", "-qam", "改值")
    git(repo, "checkout", "-q", main)
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 11\n")  # main moves on: not part of the branch's change
    git(repo, "commit", "-qam", "主分支的改动")
    git(repo, "checkout", "-q", "编辑")
    output = diff()
    assert output.startswith(f"jixiao diff：与 {main} 的分叉点（")
    assert "指标值：99 → 95" in output and "项目金额" not in output


def test_origin_head_names_the_main_branch(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    git(repo, "branch", "-m", "main", "trunk")
    clone = tmp_path / "克隆"
    git(tmp_path, "clone", "-q", str(repo), str(clone))
    monkeypatch.chdir(clone)
    assert diff().startswith("jixiao diff：与 origin/trunk 的分叉点（")


def test_usage_errors_are_clean(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = CliRunner().invoke(cli, ["diff", "没有这个版本"])
    assert result.exit_code == 2 and "找不到版本“没有这个版本”" in result.output
    git(repo, "branch", "-m", "main", "trunk")
    result = CliRunner().invoke(cli, ["diff"])
    assert result.exit_code == 2 and "找不到主分支" in result.output
    outside = tmp_path / "不是仓库"
    outside.mkdir()
    monkeypatch.chdir(outside)
    result = CliRunner().invoke(cli, ["diff"])
    assert result.exit_code == 2 and "不在 git 仓库中" in result.output
    assert "Traceback" not in result.output


def test_a_region_change_rechecks_the_whole_region(repo: Path) -> None:
    edit(repo, "data/株洲市渌口区/地区.yaml", "指标体系: 2021", "指标体系: 2015")
    output = body(diff())
    assert output.startswith("""修改 1 个地区设置。

修改地区设置“株洲市渌口区”
  data/株洲市渌口区/地区.yaml
  - 指标体系：2021 → 2015

影响：株洲市渌口区人民政府办公室（data/株洲市渌口区/2026/区人民政府办公室）
""")
    assert output.count("影响：") == 3, "every unit of the region"
    assert (
        f"  - 新问题：{VOLUNTEER}:56:11: 错误 [F002] 一级指标“成本指标”不属于 2015 版指标体系 [绩效指标[10].一级指标]\n" in output
    )


def test_a_new_unit_with_its_projects(repo: Path) -> None:
    shutil.copytree(repo / SOCIAL, repo / "data/株洲市渌口区/2026/区委宣传部")
    edit(
        repo,
        "data/株洲市渌口区/2026/区委宣传部/单位.yaml",
        "单位名称: 中共株洲市渌口区委社会工作部",
        "单位名称: 中共株洲市渌口区委宣传部",
    )
    output = body(diff())
    assert output.startswith("新增 2 个项目，新增 1 个单位。\n\n新增单位“中共株洲市渌口区委宣传部”\n"), output
    assert "新增项目“志愿服务活动专项”\n  data/株洲市渌口区/2026/区委宣传部/志愿服务活动专项.yaml\n" in output
    effect = "影响：中共株洲市渌口区委宣传部（data/株洲市渌口区/2026/区委宣传部）\n"
    assert effect + "  - 项目金额合计（汇总表合计金额）：（无） → 32 万元\n" in output


def test_a_project_is_followed_by_its_code_when_renamed_and_moved(repo: Path) -> None:
    unit = "data/唐山市路南区/2025/区委社会工作部"
    edit(repo, f"{unit}/劳务费.yaml", "项目名称: 劳务费\n", "项目名称: 社区劳务费\n")
    edit(repo, f"{unit}/劳务费.yaml", "项目金额: 5000\n", "项目金额: 4800\n")
    edit(
        repo,
        f"{unit}/劳务费.yaml",
        "资金用途: 保障社区居委会干部及社区工作者工资、保险等各项薪酬待遇及培训活动支出",
        "资金用途: 社区工作者薪酬",
    )
    git(repo, "mv", f"{unit}/劳务费.yaml", f"{unit}/社区劳务费.yaml")
    output = body(diff())
    assert output.startswith(f"""1 个项目改名。

项目“社区劳务费”的文件改名：劳务费.yaml → 社区劳务费.yaml
  {unit}/社区劳务费.yaml
  - 项目名称：劳务费 → 社区劳务费
  - 项目金额：5000 → 4800 万元
  - 资金用途：保障社区居委会干部及社区工作者工资、保险等各项薪酬待遇及培训活动支出 → 社区工作者薪酬
"""), output


def test_two_data_folders_without_data_inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(DATA, tmp_path / "旧")
    shutil.copytree(DATA, tmp_path / "新")
    (tmp_path / "新" / "株洲市渌口区/2026/区委社会工作部/两新党组织党务工作者津贴.yaml").unlink()
    monkeypatch.chdir(tmp_path)
    output = diff("旧", "新", "--format", "json")
    report = json.loads(output)
    assert report["counts"] == {"project": {"removed": 1}}
    assert report["files"][0]["path"] == "株洲市渌口区/2026/区委社会工作部/两新党组织党务工作者津贴.yaml"


def test_a_long_markdown_report_stays_within_a_comment(repo: Path) -> None:
    from io import StringIO

    from generator.review.changes import Change
    from generator.review.formats import MAX_COMMENT, markdown
    from generator.review.report import DiffReport, FileChange

    files = [
        FileChange(
            "project",
            "modified",
            f"项目{n}",
            f"data/甲/2026/乙/项目{n}.yaml",
            None,
            f"修改项目“项目{n}”",
            "data/甲/2026/乙",
            [Change("changed", "本年度绩效目标", "旧" * 500, "新" * 500)],
        )
        for n in range(200)
    ]
    out = StringIO()
    markdown(DiffReport("甲", "乙", files), out)
    assert len(out.getvalue()) <= MAX_COMMENT
    assert "还有 " in out.getvalue() and "个文件的改动没有列出" in out.getvalue()


OFFICE = "data/株洲市渌口区/2026/区人民政府办公室"


def test_a_deleted_projects_figures_are_under_before(repo: Path) -> None:
    git(repo, "rm", "-q", f"{OFFICE}/金融处非专项.yaml")
    assert f"删除项目“金融处非专项”\n  {OFFICE}/金融处非专项.yaml\n  - 项目金额（原来）：10 万元\n" in diff()
    markdown = diff("--format", "md")
    assert "| 改动 | 原来 | 现在 |\n| --- | --- | --- |\n| 项目金额 | 10 万元 |  |\n" in markdown
    removed = next(f for f in json.loads(diff("--format", "json"))["files"] if f["status"] == "removed")
    assert [(c["label"], c["old"], c["old_unit"], c["new"]) for c in removed["changes"]] == [("项目金额", "10", "万元", None)]


@pytest.mark.parametrize(("how", "code"), [("语法错误", "Y015"), ("命名管道", "P007"), ("符号链接", "P006")])
def test_a_file_that_cannot_be_read_is_never_a_deletion(repo: Path, how: str, code: str) -> None:
    path = repo / OFFICE / "金融处非专项.yaml"
    if how == "语法错误":
        edit(repo, f"{OFFICE}/金融处非专项.yaml", "实施期: ", "实施期: '")
    else:
        path.unlink()
        os.mkfifo(path) if how == "命名管道" else path.symlink_to(repo / OFFICE / "援助泸溪资金.yaml")
    output = body(diff())
    assert output.startswith(f"""1 个项目无法读取。

项目“金融处非专项”的文件无法读取
  {OFFICE}/金融处非专项.yaml
  （现在无法读取：[{code}] """), output
    assert (
        f"""影响：株洲市渌口区人民政府办公室（{OFFICE}）
  - 有项目文件无法读取或未通过结构检查：改正之前，项目金额合计和汇总表无法得出（它们没有算作删除）
"""
        in output
    ), output
    assert "删除项目" not in output and "删除汇总表行" not in output and "合计（汇总表合计金额）" not in output
    assert "已解决：" not in output  # the unit's rules did not run: nothing of it can be called resolved
    assert f"新问题：{OFFICE}/金融处非专项.yaml:" in output and f"[{code}]" in output
    assert "[A001]" not in output  # the unit's totals were not checked: its acknowledgements are not stale
    report = json.loads(diff("--format", "json"))
    assert report["counts"] == {"project": {"unreadable": 1}}


def test_a_committed_link_is_unreadable_not_deleted(repo: Path) -> None:
    path = repo / OFFICE / "金融处非专项.yaml"
    path.unlink()
    path.symlink_to("援助泸溪资金.yaml")
    git(repo, "commit", "-qam", "改成链接")
    output = body(diff("HEAD~1", "HEAD"))
    assert output.startswith("1 个项目无法读取。\n\n项目“金融处非专项”的文件无法读取\n"), output
    assert "[P006]" in output and "删除项目" not in output


def test_an_acknowledged_finding_whose_numbers_change_is_called_out(repo: Path) -> None:
    """X003 was acknowledged at 14.4 against 32: at 14.4 against 42 it is not the same finding."""
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 20\n")
    output = diff()
    assert (
        f"  - 已确认问题有变化：{SOCIAL}/单位.yaml:28:13: 错误 [X003] 项目支出 14.4，与本单位 2 个项目的金额合计 42 不符"
        f" [{SPENDING}]（原为：项目支出 14.4，与本单位 2 个项目的金额合计 32 不符）（理由："
    ) in output
    found = [f for e in json.loads(diff("--format", "json"))["effects"] for f in e["findings"] if f["status"] == "changed"]
    assert [(f["code"], f["before"], f["message"]) for f in found] == [
        ("X003", "项目支出 14.4，与本单位 2 个项目的金额合计 32 不符", "项目支出 14.4，与本单位 2 个项目的金额合计 42 不符")
    ]
    assert "| 已确认问题有变化 | 错误 | X003 |" in diff("--format", "md")


def test_a_renamed_indicator_does_not_change_its_acknowledged_finding(repo: Path) -> None:
    edit(repo, VOLUNTEER, "三级指标: 群众满意度\n", "三级指标: 群众满意度指标\n")
    assert "已确认问题有变化" not in diff()


def test_json_is_the_same_report_as_text(repo: Path) -> None:
    sample_change(repo)
    edit(repo, f"{OFFICE}/金融处非专项.yaml", "项目金额: 10\n", "项目金额: 11\n")
    text, report = diff(), json.loads(diff("--format", "json"))
    assert report["summary"] in text
    for item in report["files"]:
        assert item["heading"] in text and item["path"] in text
        assert all(f"  - {change['text']}\n" in text for change in item["changes"])
    for effect in report["effects"]:
        assert all(f"  - {change['text']}\n" in text for change in effect["changes"])
        assert all(f"{f['path']}:{f['line']}:{f['column']}: " in text for f in effect["findings"])
    assert len(text.splitlines()) > 20


def test_github_annotations_are_only_for_what_the_change_brings(repo: Path) -> None:
    """The unit has old warnings (V013, V009, T002 …): only the new finding and the changed acknowledgement
    are annotated."""
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 20\n")
    lines = diff("--format", "github").splitlines()
    assert [line.split(",title=")[0] for line in lines] == [
        f"::warning file={VOLUNTEER},line=4,col=7",
        f"::warning file={SOCIAL}/单位.yaml,line=28,col=13",
    ]
    assert "title=M003 警告（新问题）::" in lines[0] and "title=X003 已确认问题有变化::" in lines[1]
    result = CliRunner().invoke(cli, ["check", "--changed", "--format", "github"])
    assert len(result.output.splitlines()) >= len(lines) + 5  # what check --changed would have annotated
