"""``jixiao check --changed``: only what changed since BASE, widened to the units (and regions) it affects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from test_diff import ORG, SOCIAL, VOLUNTEER, edit, git

from generator.cli import cli
from generator.review.changed import targets

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = tmp_path / "仓库"
    shutil.copytree(DATA, repo / "data")
    shutil.copytree(ROOT / "schema", repo / "schema")
    (repo / "README.md").write_text("说明\n", encoding="utf-8")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "数据")
    monkeypatch.chdir(repo)
    return repo


def check_changed(*args: str) -> tuple[int, list[dict[str, object]], str]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args])
    return result.exit_code, (json.loads(result.output) if result.output.startswith("[") else []), result.output


def files_checked(*args: str) -> str:
    result = CliRunner().invoke(cli, ["check", *args])
    return result.output.strip().splitlines()[-2 if "全部通过" in result.output else -1]


def test_nothing_changed_checks_nothing(repo: Path) -> None:
    (repo / "README.md").write_text("改了说明\n", encoding="utf-8")  # not data
    result = CliRunner().invoke(cli, ["check", "--changed"])
    assert result.exit_code == 0
    assert "检查了 0 个文件" in result.output


def test_a_project_change_rechecks_its_whole_unit(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 12\n")
    status, found, _ = check_changed("--changed")
    assert status == 0
    paths = {str(item["path"]) for item in found}
    assert f"{SOCIAL}/单位.yaml" in paths, "the unit's totals are checked again"
    assert all(p.startswith(SOCIAL) for p in paths), paths
    assert "检查了 3 个文件" in files_checked("--changed")


def test_committed_staged_and_untracked_changes_all_count(repo: Path) -> None:
    git(repo, "checkout", "-qb", "编辑")
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 12\n")
    git(repo, "commit", "-qam", "改金额")
    (repo / ORG / "新项目.yaml").write_text("项目名称: 新项目\n", encoding="utf-8")  # untracked
    status, found, _ = check_changed("--changed", "main")
    assert status == 1, "the new project misses required fields"
    assert any(item["code"] == "S001" and str(item["path"]).endswith("新项目.yaml") for item in found)
    units = {str(item["path"]).rsplit("/", 1)[0] for item in found}
    assert units <= {SOCIAL, ORG}
    assert "检查了 16 个文件" in files_checked("--changed", "main")


def test_a_path_after_changed_is_a_path_not_a_base(repo: Path) -> None:
    edit(repo, VOLUNTEER, "项目金额: 10\n", "项目金额: 12\n")
    edit(repo, f"{ORG}/村干部意外保险.yaml", "项目金额: 47.1\n", "项目金额: 47.2\n")
    assert "检查了 12 个文件" in files_checked("--changed", ORG)
    assert "检查了 12 个文件" in files_checked("--changed", "HEAD", ORG)


def test_a_region_change_rechecks_the_region(repo: Path) -> None:
    edit(repo, "data/唐山市路南区/地区.yaml", "指标体系: 2015", "指标体系: 2021")
    status, found, _ = check_changed("--changed")
    assert status == 1, "the Hebei data uses 成本指标 under 产出指标, wrong for 2021"
    assert {str(item["path"]).split("/")[1] for item in found} == {"唐山市路南区"}


def test_deleting_a_project_rechecks_what_remains(repo: Path) -> None:
    (repo / SOCIAL / "两新党组织党务工作者津贴.yaml").unlink()
    assert "检查了 2 个文件" in files_checked("--changed")


def test_unknown_base_is_a_usage_error(repo: Path) -> None:
    result = CliRunner().invoke(cli, ["check", "--changed", "没有这个分支"])
    assert result.exit_code == 2
    assert "找不到版本“没有这个分支”" in result.output


def test_targets_widen_and_deduplicate(tmp_path: Path) -> None:
    shutil.copytree(DATA, tmp_path / "data")
    data = tmp_path / "data"
    unit = data / "株洲市渌口区" / "2026" / "区委组织部"
    changed = [
        unit / "单位.yaml",
        unit / "村干部意外保险.yaml",
        data / "株洲市渌口区" / "地区.yaml",
        data / "README.txt",
        tmp_path / "其他" / "x.yaml",
    ]
    assert targets(changed, [data]) == [data / "株洲市渌口区"]
    assert targets(changed[:2], [data]) == [unit]
