"""The pre-commit hooks, run as users run them: real pre-commit in a real temporary git repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-cache"),
        "GIT_AUTHOR_NAME": "测试",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "测试",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    for name in ("data", "schema"):
        shutil.copytree(ROOT / name, repo / name)
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    assert run(["git", "init", "-q"], repo).returncode == 0
    assert run(["git", "add", "-A"], repo).returncode == 0
    assert run(["git", "commit", "-qm", "数据"], repo).returncode == 0
    return repo


def clean_project(repo: Path) -> Path:
    """A sample project whose satisfaction target already uses ≥."""
    for path in sorted((repo / "data").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "三级指标: 被保险村干部满意度" in text:
            return path
    raise AssertionError("sample project not found")


def test_hooks_pass_on_clean_data(repo: Path) -> None:
    result = run(["pre-commit", "run", "--all-files"], repo)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "jixiao check" in result.stdout


def test_hooks_stop_a_broken_change_with_the_validator_message(repo: Path) -> None:
    project = clean_project(repo)
    text = project.read_text(encoding="utf-8")
    broken = text.replace("三级指标: 被保险村干部满意度\n    指标值类型: ≥", "三级指标: 被保险村干部满意度\n    指标值类型: ≤")
    assert broken != text
    project.write_text(broken, encoding="utf-8")
    run(["git", "add", "-A"], repo)
    result = run(["git", "commit", "-m", "改坏", "--no-verify"], repo)  # commit, then run the hooks
    result = run(["pre-commit", "run", "--from-ref", "HEAD~1", "--to-ref", "HEAD"], repo)
    assert result.returncode == 1
    assert "V007" in result.stdout
    assert project.relative_to(repo).as_posix() in result.stdout


def test_fmt_hook_rewrites_aliases(repo: Path) -> None:
    project = clean_project(repo)
    text = project.read_text(encoding="utf-8") + "# 编辑人员的注释会保留\n"
    project.write_text(text.replace("指标值类型: ≥", "指标值类型: '>='", 1), encoding="utf-8")
    run(["pre-commit", "install"], repo)
    run(["git", "add", "-A"], repo)
    first = run(["git", "commit", "-qm", "改写法"], repo)
    assert first.returncode == 1, "the fmt hook changes the file and stops the commit"
    assert project.read_text(encoding="utf-8") == text
    run(["git", "add", "-A"], repo)
    second = run(["git", "commit", "-qm", "改写法"], repo)
    assert second.returncode == 0, second.stdout + second.stderr


def test_code_hooks_format_the_code_and_leave_data_alone(tmp_path: Path) -> None:
    """The repository's own code hooks (ruff) stop a commit of badly formatted code and format it; the data formatter is
    not run on code (jixiao check runs on every commit, always_run, to see deletions), and no data repository's
    configuration carries the code hooks."""
    repo = tmp_path / "repo"
    (repo / "generator").mkdir(parents=True)
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    shutil.copy(ROOT / "pyproject.toml", repo)
    code = repo / "generator" / "example.py"
    code.write_text("x = {  'a':1 }\n", encoding="utf-8")
    assert run(["git", "init", "-q"], repo).returncode == 0
    run(["pre-commit", "install"], repo)
    run(["git", "add", "-A"], repo)
    first = run(["git", "commit", "-qm", "代码"], repo)
    assert first.returncode == 1, first.stdout + first.stderr
    assert code.read_text(encoding="utf-8") == 'x = {"a": 1}\n'
    said = first.stdout + first.stderr
    assert "hook id: ruff-format" in said
    assert "jixiao fmt" in said and "(no files to check)Skipped" in said  # the data hooks are not run on code
    run(["git", "add", "-A"], repo)
    second = run(["git", "commit", "-qm", "代码"], repo)
    assert second.returncode == 0, second.stdout + second.stderr
    for template in sorted((ROOT / "docs" / "ci").glob("pre-commit-config*.yaml")):
        assert "ruff" not in template.read_text(encoding="utf-8"), template
