"""`jixiao diff` on a self-evaluation: the fields as written, in their units, and the figures derived from them
(completion, score, execution rate, total, grade), in a real git repository with the made-up sample."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from generator.cli import cli

VOLUNTEER = "data/示例县/2026/区委社会工作部/志愿服务活动专项.yaml"
STIPEND = "data/示例县/2026/区委社会工作部/两新党组织党务工作者津贴.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "测试",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "测试",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
}


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, env={**os.environ, **GIT_ENV}, capture_output=True, check=True)


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "数据仓库"
    shutil.copytree(ROOT / "tests" / "selfeval", repo / "data", ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(ROOT / "schema", repo / "schema")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "数据")
    monkeypatch.chdir(repo)
    return repo


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    file.write_text(text.replace(old, new), encoding="utf-8")


def lines(repo: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["diff"])
    assert result.exit_code == 0, result.output
    return [line.strip() for line in result.output.splitlines() if line.strip().startswith("- ")]


def test_a_result_changed_reports_the_scores_it_moves(repo: Path) -> None:
    edit(repo, VOLUNTEER, "实际完成值: 4000", "实际完成值: 5000")
    edit(repo, VOLUNTEER, "全年执行数: 9.2", "全年执行数: 10")
    edit(repo, VOLUNTEER, "全年执行数: 7.2}", "全年执行数: 8}")  # its source too, so that they add up (M013)
    assert lines(repo) == [
        "- 绩效指标“志愿服务人次”的实际完成值：4000 → 5000 人",
        "- 预算执行 / 全年执行数：9.2 → 10 万元",
        "- 预算执行 / 资金来源 / 当年财政拨款 / 全年执行数：7.2 → 8 万元",
        "- 绩效指标“志愿服务人次”的完成情况（算出）：部分完成 → 完成",
        "- 绩效指标“志愿服务人次”的得分（算出）：6.67 → 8.33 分",
        "- 预算执行率（算出）：92.00 → 100.00 %",
        "- 自评得分（算出）：91.52 → 93.98 分",
    ]


def test_a_grade_that_falls_is_reported(repo: Path) -> None:
    edit(repo, VOLUNTEER, "实际完成值: 达成年度指标", "实际完成值: 未达成年度指标")
    edit(repo, VOLUNTEER, "    实际完成值: 520\n", "    实际完成值: 100\n    偏差原因: 招募不足。\n")
    found = lines(repo)
    assert "- 自评得分（算出）：91.52 → 69.86 分" in found
    assert "- 自评等级（算出）：优 → 中" in found


def test_targets_only_have_no_derived_lines(repo: Path) -> None:
    edit(repo, STIPEND, "{日期: '2026-06-30', 完成值: 480}", "{日期: '2026-06-30', 完成值: 500}")
    assert lines(repo) == ["- 绩效指标“工作时长”的运行监控：日期：2026-06-30，完成值：480 → 日期：2026-06-30，完成值：500"]
