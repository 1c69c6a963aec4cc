"""The CI templates in docs/ci/ are valid YAML, and every ``jixiao …`` they run is a real command line."""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import ROOT
from ruamel.yaml import YAML

from generator.cli import cli

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
