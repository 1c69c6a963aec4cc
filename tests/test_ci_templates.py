"""The CI templates in docs/ci/ are valid YAML, and every ``jixiao …`` they run is a real command line."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import DATA, ROOT
from ruamel.yaml import YAML
from test_cache import assert_same_tree

from generator.cli import cli
from generator.datarepo import ci_config

CI = ROOT / "docs" / "ci"
TEMPLATES = sorted(CI.glob("*.yml"))
SCRIPT_KEYS = {"run", "script", "before_script", "after_script"}
OPERATORS = {"&&", "||", ";", "|", "&", ">", ">>", "<", "(", ")"}


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def scripts(node: Any) -> Iterator[str]:
    """Every shell script in a workflow: GitHub's ``run``, GitLab's ``script``/``before_script``."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in SCRIPT_KEYS:
                yield from ([value] if isinstance(value, str) else [v for v in value if isinstance(v, str)])
            else:
                yield from scripts(value)
    elif isinstance(node, list):
        for item in node:
            yield from scripts(item)


def commands(script: str) -> Iterator[list[str]]:
    """Simple commands of a script, split at shell operators: ``a && b > f`` gives [a], [b], [f]."""
    lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    current: list[str] = []
    for token in lexer:
        if token in OPERATORS or token in ("then", "do", "else", "if", "fi", "done"):
            if current:
                yield current
            current = []
        else:
            current.append(token)
    if current:
        yield current


def jixiao_lines(path: Path) -> list[list[str]]:
    return [c for s in scripts(load(path)) for line in [s] for c in commands(line) if c[0] == "jixiao"]


def parse_command_line(args: list[str]) -> click.Context:
    """Walk click's command tree from ``jixiao`` and parse the options as the real command would."""
    command: click.Command = cli
    path = ["jixiao"]
    while isinstance(command, click.Group):
        name = args.pop(0)
        assert name in command.commands, f"jixiao {' '.join(path[1:])} has no command {name!r}"
        command = command.commands[name]
        path.append(name)
    return command.make_context(" ".join(path), list(args))


def test_there_are_templates_for_github_and_gitlab() -> None:
    assert {p.name for p in TEMPLATES} >= {"github-actions.yml", "gitlab-ci.yml"}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_every_jixiao_command_in_a_template_exists(template: Path) -> None:
    found = jixiao_lines(template)
    used = {line[1] for line in found}
    assert {"diff", "check", "build"} <= used, f"{template.name} should run jixiao diff, check and build"
    for line in found:
        parse_command_line(line[1:])


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_post_the_markdown_diff_and_run_the_hooks(template: Path) -> None:
    lines = jixiao_lines(template)
    assert any(line[1] == "diff" and "md" in line for line in lines)
    text = "\n".join(scripts(load(template)))
    assert "pre-commit run" in text
    # Data from a pull request never reaches a script through ${{ }} (script injection): only through env.
    assert "${{" not in text


def test_the_parser_catches_mistakes() -> None:
    with pytest.raises(click.UsageError):
        parse_command_line(["diff", "--format", "html"])
    with pytest.raises(click.UsageError):
        parse_command_line(["check", "--no-such-option"])
    with pytest.raises(AssertionError):
        parse_command_line(["publish"])
    assert list(commands('jixiao diff "a b" --format md > x.md && cat x.md')) == [
        ["jixiao", "diff", "a b", "--format", "md"],
        ["x.md"],
        ["cat", "x.md"],
    ]


@pytest.mark.parametrize("config", sorted(CI.glob("pre-commit-config*.yaml")), ids=lambda p: p.name)
def test_example_hook_configs_use_the_published_hooks(config: Path) -> None:
    published = {hook["id"] for hook in load(ROOT / ".pre-commit-hooks.yaml")}
    used = {hook["id"] for repo in load(config)["repos"] for hook in repo["hooks"]}
    assert used == published
    for repo in load(config)["repos"]:
        for hook in repo["hooks"]:
            if "entry" in hook:
                parse_command_line(shlex.split(hook["entry"])[1:])


SHARDED = {"github": CI / "github-actions-shards.yml", "gitlab": CI / "gitlab-ci-shards.yml"}


@pytest.mark.parametrize("ci", sorted(SHARDED))
def test_sharded_templates_build_shards_and_merge_them(ci: str) -> None:
    used = {line[1] for line in jixiao_lines(SHARDED[ci])}
    assert {"diff", "check", "build", "merge"} <= used
    assert any(line[1] == "build" and "--shard" in line for line in jixiao_lines(SHARDED[ci]))
    for shards in (2, 8):
        config = YAML(typ="safe").load(ci_config(ci, None, shards))
        if ci == "github":
            assert config["env"]["SHARDS"] == str(shards)
            assert config["jobs"]["shard"]["strategy"]["matrix"]["shard"] == list(range(1, shards + 1))
            assert config["jobs"]["publish"]["needs"] == "shard"
        else:
            assert config["shard"]["parallel"] == shards
            assert config["pages"]["needs"] == ["shard"]
    assert ci_config(ci, None, 1) == ci_config(ci, None)  # one shard: the usual template


def run_lines(lines: list[str], cwd: Path, env: dict[str, str]) -> None:
    for line in lines:
        if "pip install" in line:  # jixiao is installed here already
            continue
        result = subprocess.run(["bash", "-e", "-c", line], cwd=cwd, env=env, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{line}\n{result.stdout}{result.stderr}"


@pytest.fixture(scope="module")
def data_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The sample data in a git repository, its single build in single/, and the environment the
    templates' lines run in (jixiao on the PATH, a cache of its own)."""
    root = tmp_path_factory.mktemp("ci") / "repo"
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "commit", "-qm", "数据"],
    ):
        subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env["JIXIAO_CACHE_DIR"] = str(root.parent / "cache")
    run_lines(["jixiao build --out single"], root, env)
    return root, env


def test_the_github_matrix_run_here_makes_the_single_build(data_repo: tuple[Path, dict[str, str]]) -> None:
    """The exact lines of the sharded GitHub workflow, N=2: each matrix job's steps, then the artifacts
    downloaded as actions/download-artifact does (shards/shard-K/), then the publishing job's steps."""
    root, env = data_repo
    config = YAML(typ="safe").load(ci_config("github", None, 2))
    jobs = config["jobs"]
    for k in config["jobs"]["shard"]["strategy"]["matrix"]["shard"]:
        run_lines(list(scripts(jobs["shard"]["steps"])), root, {**env, **config["env"], "SHARD": str(k)})
        shutil.copytree(root / f"shard-{k}", root / "shards" / f"shard-{k}")
        shutil.rmtree(root / f"shard-{k}")
    run_lines(list(scripts(jobs["publish"]["steps"])), root, {**env, **config["env"]})
    assert_same_tree(root / "single", root / "site")


def test_the_gitlab_parallel_jobs_run_here_make_the_single_build(data_repo: tuple[Path, dict[str, str]]) -> None:
    """The exact lines of the sharded GitLab pipeline, parallel: 2 (CI_NODE_INDEX counts from 1), then pages."""
    root, env = data_repo
    config = YAML(typ="safe").load(ci_config("gitlab", None, 2))
    for k in range(1, config["shard"]["parallel"] + 1):
        node = {"CI_NODE_INDEX": str(k), "CI_NODE_TOTAL": str(config["shard"]["parallel"])}
        run_lines(list(scripts(config["shard"])), root, {**env, **node})
        assert (root / f"shard-{k}" / "jixiao-shard.json").is_file()  # the job's artifacts: shard-$CI_NODE_INDEX/
    run_lines(list(scripts(config["pages"])), root, env)
    assert_same_tree(root / "single", root / "public")


# The services' own schemas, as vendored by check-jsonschema (SchemaStore's GitHub workflow schema, GitLab's
# ci.json): a template or a generated config they refuse would fail on the service before running anything.
SERVICE_SCHEMAS = {"github": ["vendor.github-workflows"], "gitlab": ["vendor.gitlab-ci", "--data-transform", "gitlab-ci"]}


@pytest.mark.parametrize(("ci", "shards"), [(ci, shards) for ci in sorted(SERVICE_SCHEMAS) for shards in (1, 4)])
def test_the_configs_init_writes_pass_the_services_schemas(ci: str, shards: int, tmp_path: Path) -> None:
    config = tmp_path / f"{ci}-{shards}.yml"
    config.write_text(ci_config(ci, None, shards), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", *SERVICE_SCHEMAS[ci], str(config)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_job_that_reads_history_has_all_of_it() -> None:
    """jixiao diff needs the fork point, the site's 修订记录 and 最近的改动 the whole history: a shallow clone shows
    every table as 新建本表."""
    for template in TEMPLATES:
        config = load(template)
        if template.name.startswith("gitlab"):
            assert config["variables"]["GIT_DEPTH"] == "0", template.name
            continue
        for name, job in config["jobs"].items():
            checkouts = [s for s in job.get("steps", []) if str(s.get("uses", "")).startswith("actions/checkout@")]
            if checkouts and any(line[0] == "jixiao" for s in scripts(job) for line in commands(s)):
                assert all(s.get("with", {}).get("fetch-depth") == 0 for s in checkouts), f"{template.name}: {name}"
