"""The hooks from a data-only repository, as docs/数据仓库.md sets it up: real pre-commit, real git.

The hook repository is this checkout's current code, committed into a temporary repository (so
the test sees uncommitted work too). pre-commit installs it into its own environment with pip, as
it would from the git host; the environment is built once for the module. The offline variant
(``language: system``) uses the jixiao of this test run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator import __version__

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

TAG = f"v{__version__}"
PACKAGE = ["pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "generator", "schema", "docs"]
BREAK = ("三级指标: 被保险村干部满意度\n    指标值类型: ≥", "三级指标: 被保险村干部满意度\n    指标值类型: ≤")


def run(args: list[str], cwd: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(home),
        "GIT_AUTHOR_NAME": "测试",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def ok(args: list[str], cwd: Path, home: Path) -> str:
    result = run(args, cwd, home)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """pre-commit's cache, shared by the tests of this module: the hook environment is built once."""
    home = tmp_path_factory.mktemp("pre-commit-home")
    yield home
    shutil.rmtree(home, ignore_errors=True)  # a whole Python environment: not worth keeping


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, home: Path) -> tuple[Path, str]:
    """This checkout's code as a git repository that publishes .pre-commit-hooks.yaml; (path, commit)."""
    repo = tmp_path_factory.mktemp("jixiao")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in PACKAGE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        else:
            shutil.copy(source, repo / name)
    ok(["git", "init", "-q", "-b", "main"], repo, home)
    ok(["git", "add", "-A"], repo, home)
    ok(["git", "commit", "-qm", "jixiao"], repo, home)
    ok(["git", "tag", TAG], repo, home)  # as a release is tagged: v + jixiao --version
    return repo, ok(["git", "rev-parse", "HEAD"], repo, home).strip()


def data_repo(tmp_path: Path, home: Path, config: str) -> Path:
    """A data-only repository (data/ and .pre-commit-config.yaml, nothing else) and a fresh clone of it."""
    origin = tmp_path / "origin"
    shutil.copytree(DATA, origin / "data")
    # Without schema/ beside it, the samples' editor lines name files that are not there: fmt removes them,
    # as it would for anyone bringing data into a repository of their own.
    ok(["jixiao", "fmt", "data"], origin, home)
    (origin / ".pre-commit-config.yaml").write_text(config, encoding="utf-8")
    ok(["git", "init", "-q", "-b", "main"], origin, home)
    ok(["git", "add", "-A"], origin, home)
    ok(["git", "commit", "-qm", "数据"], origin, home)
    clone = tmp_path / "clone"
    ok(["git", "clone", "-q", str(origin), str(clone)], tmp_path, home)
    return clone


def remote_config(hook_repo: tuple[Path, str]) -> str:
    """docs/ci/pre-commit-config.yaml, pointed at the temporary hook repository; its rev, the tag of this
    version, is used as it is written there."""
    text = (ROOT / "docs" / "ci" / "pre-commit-config.yaml").read_text(encoding="utf-8")
    repo, _ = hook_repo
    text = text.replace("https://github.com/OWNER/jixiao", repo.as_uri())
    assert repo.as_uri() in text and f"rev: {TAG}\n" in text
    return text


def offline_config() -> str:
    return (ROOT / "docs" / "ci" / "pre-commit-config-offline.yaml").read_text(encoding="utf-8")


def broken_project(clone: Path) -> Path:
    for path in sorted((clone / "data").rglob("*.yaml")):
        if BREAK[0] in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError("sample project not found")


@pytest.fixture(params=["remote", "offline"])
def clone(request: pytest.FixtureRequest, tmp_path: Path, home: Path) -> Iterator[Path]:
    config = remote_config(request.getfixturevalue("hook_repo")) if request.param == "remote" else offline_config()
    yield data_repo(tmp_path, home, config)


def test_hooks_pass_on_clean_data_in_a_fresh_clone(clone: Path, home: Path) -> None:
    output = ok(["pre-commit", "run", "--all-files"], clone, home)
    assert "jixiao check（检查数据）" in output and "Passed" in output


def test_hooks_stop_a_broken_change_with_the_validator_message(clone: Path, home: Path) -> None:
    project = broken_project(clone)
    project.write_text(project.read_text(encoding="utf-8").replace(*BREAK), encoding="utf-8")
    ok(["pre-commit", "install"], clone, home)
    ok(["git", "add", "-A"], clone, home)
    commit = run(["git", "commit", "-m", "改坏"], clone, home)
    assert commit.returncode == 1, "the hook stops the commit"
    output = commit.stdout + commit.stderr  # git hands a hook's output to stderr
    shown = project.relative_to(clone).as_posix()
    assert f"{shown}:" in output and "错误 [V007]" in output, output
    assert "满意度指标“被保险村干部满意度”的指标值类型是“≤”" in output
    assert "提示：" in output


OFFICE = "data/株洲市渌口区/2026/区人民政府办公室"  # 项目支出 40 = 金融处非专项 10 + 援助泸溪资金 30
ORG = "data/株洲市渌口区/2026/区委组织部"


def commits(clone: Path, home: Path) -> int:
    return int(ok(["git", "rev-list", "--count", "HEAD"], clone, home))


def test_a_project_moved_to_another_unit_is_stopped_for_the_unit_it_left(clone: Path, home: Path) -> None:
    """pre-commit passes only the file where it now is: the unit it left must be checked too (X003)."""
    ok(["pre-commit", "install"], clone, home)
    ok(["git", "mv", f"{OFFICE}/金融处非专项.yaml", f"{ORG}/金融处非专项.yaml"], clone, home)
    result = run(["git", "commit", "-m", "移到组织部"], clone, home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{OFFICE}/单位.yaml:28:13: 错误 [X003] 项目支出 40，与本单位 1 个项目的金额合计 30 不符" in output
    assert commits(clone, home) == 1


def test_a_commit_that_only_deletes_a_project_is_checked(clone: Path, home: Path) -> None:
    """A commit with no file left to pass still runs the check (it used to be Skipped)."""
    ok(["pre-commit", "install"], clone, home)
    ok(["git", "rm", "-q", f"{OFFICE}/援助泸溪资金.yaml"], clone, home)
    result = run(["git", "commit", "-m", "删除项目"], clone, home)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"{OFFICE}/单位.yaml:28:13: 错误 [X003] 项目支出 40，与本单位 1 个项目的金额合计 10 不符" in output
    assert "jixiao check：1 个错误，请改正后再提交" in output
    assert commits(clone, home) == 1


def test_a_passing_commit_ends_with_one_line_counting_its_warnings(clone: Path, home: Path) -> None:
    project = clone / OFFICE / "金融处非专项.yaml"
    text = project.read_text(encoding="utf-8")
    project.write_text(text.replace("项目金额: 10\n", "项目金额: 10\n# 编辑人员的注释\n", 1), encoding="utf-8")
    ok(["pre-commit", "install"], clone, home)
    ok(["git", "add", "-A"], clone, home)
    result = run(["git", "commit", "-m", "加注释"], clone, home)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    found = json.loads(ok(["jixiao", "check", "--format", "json", OFFICE], clone, home))
    warnings = [d for d in found if d["severity"] == "warning" and not d.get("acknowledged")]
    assert warnings, "the sample unit has warnings"
    last = output.rstrip().splitlines()[-1]
    assert last == f"jixiao check：通过（3 个文件）；另有 {len(warnings)} 个警告（不影响提交），查看：jixiao check {OFFICE}"
    assert " 警告 [" not in output  # counted, not listed


def test_ci_runs_the_hook_on_a_range_and_sees_its_deletions(clone: Path, home: Path) -> None:
    """CI runs ``pre-commit run --from-ref BASE --to-ref HEAD``: a deletion in the range is checked too."""
    ok(["git", "rm", "-q", f"{OFFICE}/援助泸溪资金.yaml"], clone, home)
    ok(["git", "commit", "-qm", "删除项目", "--no-verify"], clone, home)
    result = run(["pre-commit", "run", "--from-ref", "HEAD~1", "--to-ref", "HEAD"], clone, home)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{OFFICE}/单位.yaml:28:13: 错误 [X003]" in result.stdout


def test_init_with_online_hooks_installs_the_tagged_version(hook_repo: tuple[Path, str], home: Path, tmp_path: Path) -> None:
    """jixiao init pins the hooks to v + jixiao --version; pre-commit finds that tag in the jixiao repository,
    installs it, and the first commit goes through its hooks."""
    repo, _ = hook_repo
    ok(
        [
            "jixiao",
            "init",
            "数据",
            "--region",
            "株洲市渌口区",
            "--layout",
            "湖南",
            "--hooks",
            "online",
            "--jixiao-repo",
            repo.as_uri(),
        ],
        tmp_path,
        home,
    )
    data = tmp_path / "数据"
    assert f"    rev: {TAG}\n" in (data / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    ok(["pre-commit", "install"], data, home)
    ok(["jixiao", "new", "unit", "data/株洲市渌口区/2026/区委组织部", "--name", "中共株洲市渌口区委组织部"], data, home)
    ok(["git", "add", "-A"], data, home)
    commit = run(["git", "commit", "-m", "新建数据仓库"], data, home)
    assert commit.returncode == 0, commit.stdout + commit.stderr
    assert "jixiao check：通过（2 个文件）" in commit.stdout + commit.stderr
    installed = sorted(home.glob("repo*/py_env-*/bin/jixiao"))
    assert installed, "pre-commit installed the hook repository"
    assert {ok([str(program), "--version"], data, home).strip() for program in installed} == {f"jixiao {__version__}"}
