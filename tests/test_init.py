"""``jixiao init`` makes a data repository ready to use: real git, real pre-commit (offline hooks), a first
commit through the hooks. The online hooks, installed by pre-commit from a tagged jixiao repository, are
tested in test_hook_repo.py (they share its hook environment)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from generator import __version__
from generator.data.schemas import SCHEMA_FILES
from generator.datarepo import SCHEMA_GLOBS, schema_base

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

REGION = "株洲市渌口区"
UNIT = f"data/{REGION}/2026/区委组织部"


def run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PRE_COMMIT_HOME": str(cwd.parent / "pre-commit-home"),
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


def init(tmp_path: Path, *extra: str) -> Path:
    ok(["jixiao", "init", "数据仓库", "--region", REGION, "--layout", "湖南", "--code", "430212", *extra], tmp_path)
    return tmp_path / "数据仓库"


def test_init_then_a_first_commit_through_pre_commit(tmp_path: Path) -> None:
    repo = init(tmp_path, "--ci", "github")
    assert sorted(p.relative_to(repo).as_posix() for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts) == [
        ".github/workflows/jixiao.yml",
        ".gitignore",
        ".pre-commit-config.yaml",
        f"data/{REGION}/地区.yaml",
    ]
    assert ok(["git", "branch", "--show-current"], repo).strip() == "main"
    assert ok(["git", "config", "core.quotepath"], repo).strip() == "false"
    ok(["pre-commit", "install"], repo)
    ok(["jixiao", "new", "unit", UNIT, "--name", "中共株洲市渌口区委组织部"], repo)
    ok(["jixiao", "new", "project", UNIT, "村干部意外保险", "--amount", "12.5"], repo)
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "bin" / "python").write_text("", encoding="utf-8")
    (repo / "site").mkdir()
    (repo / "site" / "index.html").write_text("<html></html>", encoding="utf-8")
    status = ok(["git", "status", "--porcelain", "--untracked-files=all"], repo)
    assert f"?? {UNIT}/单位.yaml\n" in status  # core.quotepath off: the Chinese path as it is, not \345\214…
    assert ".venv" not in status and "site/" not in status
    ok(["git", "add", "-A"], repo)
    stopped = run(["git", "commit", "-m", "新建数据仓库"], repo)  # the new project's blanks are errors
    assert stopped.returncode == 1, stopped.stdout + stopped.stderr
    assert "jixiao check：" in stopped.stdout + stopped.stderr and "请改正后再提交" in stopped.stdout + stopped.stderr
    ok(["git", "rm", "-q", "--cached", f"{UNIT}/村干部意外保险.yaml"], repo)
    (repo / UNIT / "村干部意外保险.yaml").unlink()
    commit = run(["git", "commit", "-m", "新建数据仓库"], repo)
    output = commit.stdout + commit.stderr
    assert commit.returncode == 0, output
    assert "jixiao fmt（整理数据文件格式）" in output and "Passed" in output
    assert "jixiao check：通过（2 个文件）；没有警告。" in output
    assert ok(["git", "status", "--porcelain"], repo) == ""


def test_init_keeps_what_is_there_and_adds_what_is_missing(tmp_path: Path) -> None:
    repo = tmp_path / "数据仓库"
    repo.mkdir()
    ok(["git", "init", "-q"], repo)
    (repo / ".gitignore").write_text("*.bak\nsite/\n", encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    output = ok(["jixiao", "init", ".", "--region", REGION, "--layout", "湖南"], repo)
    assert "已存在，未改动：.pre-commit-config.yaml" in output
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == "repos: []\n"
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ignored[:2] == ["*.bak", "site/"] and ".venv/" in ignored and ignored.count("site/") == 1
    again = ok(["jixiao", "init", ".", "--region", REGION, "--layout", "湖南"], repo)
    assert "已创建" not in again and f"已存在，未改动：data/{REGION}/地区.yaml" in again


def test_init_refuses_a_folder_inside_another_repository(tmp_path: Path) -> None:
    ok(["git", "init", "-q"], tmp_path)
    result = run(["jixiao", "init", "子文件夹", "--region", REGION, "--layout", "湖南"], tmp_path)
    assert result.returncode == 2 and "在另一个 git 仓库" in result.stderr
    assert not (tmp_path / "子文件夹" / "data").exists()


def test_online_hooks_need_the_jixiao_repository(tmp_path: Path) -> None:
    result = run(["jixiao", "init", "数据仓库", "--region", REGION, "--layout", "湖南", "--hooks", "online"], tmp_path)
    assert result.returncode == 2 and "--jixiao-repo" in result.stderr
    assert not (tmp_path / "数据仓库").exists()


def test_everything_is_pinned_to_this_version(tmp_path: Path) -> None:
    repo = init(tmp_path, "--ci", "gitlab", "--hooks", "online", "--jixiao-repo", "https://gitlab.example.gov.cn/finance/jixiao")
    hooks = (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert "  - repo: https://gitlab.example.gov.cn/finance/jixiao\n    rev: v" + __version__ + "\n" in hooks
    ci = (repo / ".gitlab-ci.yml").read_text(encoding="utf-8")
    assert f'  JIXIAO: "jixiao @ git+https://gitlab.example.gov.cn/finance/jixiao@v{__version__}"\n' in ci
    settings = json.loads((repo / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    base = f"https://gitlab.example.gov.cn/finance/jixiao/-/raw/v{__version__}/schema/"
    assert set(settings["yaml.schemas"]) == {base + SCHEMA_FILES[kind] for kind in ("region", "unit", "project")}
    (tmp_path / "离线").mkdir()
    offline = init(tmp_path / "离线", "--ci", "github")
    assert f'  JIXIAO: "jixiao=={__version__}"\n' in (offline / ".github/workflows/jixiao.yml").read_text(encoding="utf-8")
    assert "repo: local" in (offline / ".pre-commit-config.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("repo", "base"),
    [
        ("https://github.com/OWNER/jixiao", "https://raw.githubusercontent.com/OWNER/jixiao/v{v}/schema/"),
        ("https://github.com/OWNER/jixiao.git", "https://raw.githubusercontent.com/OWNER/jixiao/v{v}/schema/"),
        ("https://gitee.com/OWNER/jixiao", "https://gitee.com/OWNER/jixiao/raw/v{v}/schema/"),
        ("https://gitlab.example.gov.cn/finance/jixiao.git", "https://gitlab.example.gov.cn/finance/jixiao/-/raw/v{v}/schema/"),
        ("/srv/git/jixiao", None),
    ],
)
def test_schema_addresses_follow_the_host(repo: str, base: str | None) -> None:
    assert schema_base(repo, None) == (base.format(v=__version__) if base else None)
    assert schema_base(repo, "https://数据.example.gov.cn/schema") == "https://数据.example.gov.cn/schema/"


PICOMATCH = ROOT / "tests" / ".cache" / "picomatch" / "node_modules" / "picomatch"


def picomatch() -> Path | None:
    """picomatch (what yaml-language-server matches yaml.schemas with), installed with npm on first use."""
    if not PICOMATCH.is_dir() and shutil.which("npm") is not None:
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(PICOMATCH.parents[1]), "picomatch@4"],
            capture_output=True,
            check=False,
            timeout=300,
        )
    return PICOMATCH if PICOMATCH.is_dir() and shutil.which("node") else None


def test_editor_schemas_reach_each_kind_of_file_once() -> None:
    """The globs of .vscode/settings.json, matched as yaml-language-server matches them (picomatch, a "**/"
    prefix, bash mode), give each data file the schema of its kind and no other."""
    library = picomatch()
    if library is None:
        pytest.skip("node and npm (picomatch) are not available")
    files = {
        f"/w/data/{REGION}/地区.yaml": "region",
        f"/w/{UNIT}/单位.yaml": "unit",
        f"/w/{UNIT}/村干部意外保险.yaml": "project",
        f"/w/{UNIT}/单位公用经费.yaml": "project",
        f"/w/{UNIT}/人才工作专项.yml": "project",
    }
    script = (
        "const pm = require(process.argv[1]); const [globs, files] = JSON.parse(process.argv[2]);"
        "const out = {}; for (const [kind, patterns] of Object.entries(globs)) {"
        " const m = pm(patterns.map(p => '**/' + p), {bash: true, noglobstar: false});"
        " out[kind] = files.filter(f => m(f)); } console.log(JSON.stringify(out));"
    )
    result = subprocess.run(
        ["node", "-e", script, str(library), json.dumps([SCHEMA_GLOBS, list(files)])], capture_output=True, text=True, check=True
    )
    matched = json.loads(result.stdout)
    for path, kind in files.items():
        assert [k for k, found in matched.items() if path in found] == [kind], path


def test_the_ci_template_in_shards(tmp_path: Path) -> None:
    """``--shards N``: the template that builds the site on N runners (jixiao build --shard, jixiao merge)."""
    github = init(tmp_path, "--ci", "github", "--shards", "3")
    workflow = (github / ".github/workflows/jixiao.yml").read_text(encoding="utf-8")
    assert '  SHARDS: "3"' in workflow and "shard: [1, 2, 3]" in workflow and "jixiao merge shards/shard-*" in workflow
    assert f'  JIXIAO: "jixiao=={__version__}"\n' in workflow
    (tmp_path / "gl").mkdir()
    gitlab = init(tmp_path / "gl", "--ci", "gitlab", "--shards", "5")
    assert "  parallel: 5 " in (gitlab / ".gitlab-ci.yml").read_text(encoding="utf-8")
    result = run(["jixiao", "init", "无模板", "--region", REGION, "--layout", "湖南", "--shards", "3"], tmp_path)
    assert result.returncode == 2 and "--ci github 或 --ci gitlab" in result.stderr
    assert not (tmp_path / "无模板").exists()
