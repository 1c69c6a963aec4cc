"""The everyday forms of ``jixiao check`` run without click (generator/entry.py), and say and end exactly as
the ``check`` command of generator/cli.py does: each form is run both ways, as real processes, and compared."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator import cli, entry, errors
from generator.check import command

pytestmark = pytest.mark.skipif(os.name == "nt", reason="on Windows every form goes to click (it expands wildcards)")

# The fast way is the command itself; the other calls generator.cli directly. Both say at exit whether
# click was loaded (on stderr's last line), which is the point of the fast way.
LOADED = "import atexit, sys; atexit.register(lambda: print('click' in sys.modules, file=sys.stderr, flush=True)); "
FAST = LOADED + "sys.argv[0] = 'jixiao'; from generator.entry import main; main()"
CLICK = LOADED + "sys.argv[0] = 'jixiao'; from generator.cli import main; main()"
VOLUNTEER = "data/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"


def git(repo: Path, *args: str) -> None:
    author = ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "-c", "init.defaultBranch=main"]
    subprocess.run(["git", *author, *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("entry") / "repo"
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    broken = root / "data/株洲市渌口区/2026/区委社会工作部/坏了.yaml"
    text = (root / VOLUNTEER).read_text(encoding="utf-8").replace("项目名称: 志愿服务活动专项", "项目名称: 坏了")
    broken.write_text(text.replace("项目金额:", "项目金额: 十万\n旧金额:", 1), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "数据")
    return root


def both(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(cwd.parent / "cache")}
    fast, slow = (
        subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, check=False)
        for code in (FAST, CLICK)
    )
    return fast, slow


@pytest.mark.parametrize(
    "args",
    [
        ["check", VOLUNTEER],
        ["check", "data/株洲市渌口区/2026/区委社会工作部/坏了.yaml"],
        ["check", "data/株洲市渌口区"],
        ["check"],
        ["check", "data/没有这个文件.yaml"],
        ["check", "--hook", VOLUNTEER],
        ["check", "--hook"],
    ],
    ids=["passing file", "file with errors", "folder", "all of data", "missing file", "hook", "hook, no file"],
)
def test_each_everyday_form_says_and_ends_the_same_without_click(repo: Path, args: list[str]) -> None:
    fast, slow = both(args, repo)
    assert fast.stderr.splitlines()[-1] == "False" and slow.stderr.splitlines()[-1] == "True"
    assert (fast.returncode, fast.stdout, fast.stderr.splitlines()[:-1]) == (
        slow.returncode,
        slow.stdout,
        slow.stderr.splitlines()[:-1],
    )
    assert "Traceback" not in fast.stderr
    if "坏了" in " ".join(args) or args == ["check"]:
        assert fast.returncode == 1 and "项目金额" in fast.stdout


def test_usage_errors_read_the_same_both_ways(repo: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "没有数据"
    elsewhere.mkdir()
    fast, slow = both(["check"], elsewhere)  # no data/ here: R001, exit 2
    assert fast.returncode == slow.returncode == 2
    assert fast.stderr.splitlines()[:-1] == slow.stderr.splitlines()[:-1]
    assert "错误 [R001]" in fast.stderr and "data/" in fast.stderr
    fast, slow = both(["check", "--hook", "data"], elsewhere)  # not a git repository
    assert (fast.returncode, fast.stderr.splitlines()[:-1]) == (slow.returncode, slow.stderr.splitlines()[:-1])
    assert fast.returncode != 0 and "错误 [" in fast.stderr and "Traceback" not in fast.stderr


def test_other_forms_go_to_click(repo: Path) -> None:
    for args in (["check", "--format", "json", VOLUNTEER], ["check", "-h"], ["check", VOLUNTEER, "--strict"]):
        fast, slow = both(args, repo)
        assert fast.stderr.splitlines()[-1] == "True", args  # click was loaded: the full command ran
        assert (fast.returncode, fast.stdout) == (slow.returncode, slow.stdout), args


def test_ctrl_c_stops_either_way_with_r011_and_status_130(
    repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C cannot be pressed in a test: the check is made to raise what it raises then."""

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.chdir(repo)
    monkeypatch.setattr(command, "check", interrupted)
    said = []
    for main in (entry.main, cli.main):
        monkeypatch.setattr(sys, "argv", ["jixiao", "check", VOLUNTEER])
        with pytest.raises(SystemExit) as stop:
            main()
        assert stop.value.code == errors.Interrupted.status == 130
        said.append(capsys.readouterr().err)
    assert said[0] == said[1] and "错误 [R011]：jixiao check 已中断" in said[0] and "Traceback" not in said[0]
