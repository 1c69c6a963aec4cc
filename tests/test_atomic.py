"""All or nothing: a build that fails halfway leaves the previous site in place with no staging folder
behind, and an interrupted ``fmt``, ``import`` or ``new`` never leaves a half-written file.

Failures are simulated where they would hurt most: a renderer raising on the third unit, Ctrl-C in
the middle of a build, a process killed outright (SIGKILL) between writing a file and renaming it.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA

from generator import atomic
from generator.atomic import replace_folder, write_atomic
from generator.build import build
from generator.check.run import check
from generator.cli import cli
from generator.data.load import Document, load
from generator.render import tables as build_module


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file and folder below ``folder``: the bytes of files, None for folders."""
    return {p.relative_to(folder).as_posix(): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def failing_on(call: int, real: Callable[..., Any], exc: BaseException) -> Callable[..., Any]:
    count = [0]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        if count[0] == call:
            raise exc
        return real(*args, **kwargs)

    return wrapper


# --- the build ----------------------------------------------------------------------------------------------


@pytest.fixture
def previous_build(data_copy: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The data and a site built from it (tables only, the library's default)."""
    out = tmp_path / "site"
    assert build(data_copy, out, make_pdf=False, site=False).written
    return data_copy, out


@pytest.mark.parametrize("exc", [RuntimeError("renderer broke"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_build_failing_on_the_third_unit_keeps_the_previous_tables(
    previous_build: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, exc: BaseException
) -> None:
    data, out = previous_build
    before, around = snapshot(out), sorted(os.listdir(out.parent))
    project = next(data.rglob("援助泸溪资金.yaml"))  # a change the failed build must not publish
    project.write_text(project.read_text(encoding="utf-8").replace("援助泸溪资金", "改过的名称"), encoding="utf-8")
    monkeypatch.setattr(build_module, "compose_unit", failing_on(3, build_module.compose_unit, exc))
    with pytest.raises(type(exc)):
        build(data, out, make_pdf=False, jobs=1, site=False)
    assert snapshot(out) == before
    assert sorted(os.listdir(out.parent)) == around and os.listdir(out) == ["tables"]


def test_a_build_failing_while_writing_a_workbook_keeps_the_previous_tables(
    previous_build: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data, out = previous_build
    before = snapshot(out)
    monkeypatch.setattr(build_module, "xlsx_bytes", failing_on(10, build_module.xlsx_bytes, OSError(28, "设备上没有空间")))
    with pytest.raises(OSError):
        build(data, out, make_pdf=False, jobs=1, site=False)
    assert snapshot(out) == before and os.listdir(out) == ["tables"]


def test_a_broken_layout_stops_the_build_before_anything_is_touched(previous_build: tuple[Path, Path], official: Path) -> None:
    data, out = previous_build
    before = snapshot(out)
    for name in ("湖南", "河北"):  # a broken layout keeps its regions out; here every region is
        (official / name / "layout.yaml").write_text("表格: [\n", encoding="utf-8")
    result = build(data, out, make_pdf=False, jobs=1, site=False)
    assert not result.written and [d.code for d in result.report.diagnostics if d.severity.value == "error"]
    assert snapshot(out) == before and os.listdir(out) == ["tables"]


def test_jixiao_build_failing_halfway_keeps_everything_it_wrote_before(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the command, so the guarantee covers whatever ``jixiao build`` writes (tables and site)."""
    monkeypatch.chdir(data_copy.parent)
    first = CliRunner().invoke(cli, ["build", "--no-pdf", "-j", "1"])
    assert first.exit_code == 0, first.output
    site = data_copy.parent / "site"
    before, around = snapshot(site), sorted(os.listdir(data_copy.parent))
    monkeypatch.setattr(build_module, "compose_unit", failing_on(3, build_module.compose_unit, RuntimeError("坏了")))
    failed = CliRunner().invoke(cli, ["build", "--no-pdf", "-j", "1"])
    assert failed.exit_code != 0
    assert snapshot(site) == before
    assert sorted(os.listdir(data_copy.parent)) == around  # no staging folder beside the site either


def test_replacing_a_folder_leaves_only_the_new_one(tmp_path: Path) -> None:
    for exists in (True, False):
        final, new = tmp_path / "final", tmp_path / "new"
        shutil.rmtree(final, ignore_errors=True)
        if exists:
            final.mkdir()
            (final / "old.txt").write_text("old", encoding="utf-8")
        new.mkdir()
        (new / "new.txt").write_text("new", encoding="utf-8")
        replace_folder(new, final)
        assert os.listdir(tmp_path) == ["final"] and os.listdir(final) == ["new.txt"]


def test_replacing_a_folder_without_an_atomic_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(atomic, "_exchange", lambda new, final: False)  # macOS, Windows, or a file system without it
    test_replacing_a_folder_leaves_only_the_new_one(tmp_path)


# --- single files -----------------------------------------------------------------------------------------


def test_write_atomic_interrupted_leaves_the_old_file_and_no_temporary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "项目.yaml"
    target.write_text("旧内容\n", encoding="utf-8")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(atomic.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, "新内容\n" * 1000)
    assert target.read_text(encoding="utf-8") == "旧内容\n"
    assert os.listdir(tmp_path) == ["项目.yaml"]


def test_write_atomic_permissions_links_and_no_overwrite(tmp_path: Path) -> None:
    mask = os.umask(0o022)
    try:
        new = tmp_path / "新.yaml"
        write_atomic(new, "甲\n")
        assert new.stat().st_mode & 0o777 == 0o644  # not the private mode of a temporary file
        new.chmod(0o600)
        write_atomic(new, "乙\n")
        assert new.stat().st_mode & 0o777 == 0o600 and new.read_text(encoding="utf-8") == "乙\n"
        with pytest.raises(FileExistsError):
            write_atomic(new, "丙\n", overwrite=False)
        assert new.read_text(encoding="utf-8") == "乙\n"
        outside = tmp_path / "外面.txt"
        outside.write_text("不能改\n", encoding="utf-8")
        link = tmp_path / "链接.yaml"
        link.symlink_to(outside)
        write_atomic(link, "丁\n")
        assert not link.is_symlink() and outside.read_text(encoding="utf-8") == "不能改\n"
        long_name = tmp_path / ("很长" * 40 + ".yaml")  # 245 bytes: the temporary name must stay under 255
        write_atomic(long_name, "戊\n")
        assert sorted(os.listdir(tmp_path)) == sorted(["新.yaml", "外面.txt", "链接.yaml", long_name.name])
    finally:
        os.umask(mask)


def test_a_staged_file_is_linked_only_to_the_same_bytes_and_never_writes_into_the_old_site(tmp_path: Path) -> None:
    old, staged = tmp_path / "site", tmp_path / "staging"
    old.mkdir()
    staged.mkdir()
    (old / "same.html").write_bytes("<p>不变</p>".encode())
    (old / "other.html").write_bytes("<p>旧</p>".encode())
    (old / "link.html").symlink_to(old / "same.html")
    atomic.write_staged(staged / "same.html", "<p>不变</p>".encode(), old / "same.html")
    assert os.path.samefile(staged / "same.html", old / "same.html") and (old / "same.html").stat().st_nlink == 2
    atomic.write_staged(staged / "other.html", "<p>新</p>".encode(), old / "other.html")
    assert not os.path.samefile(staged / "other.html", old / "other.html")
    assert (old / "other.html").read_text(encoding="utf-8") == "<p>旧</p>"
    atomic.write_staged(staged / "link.html", "<p>不变</p>".encode(), old / "link.html")  # a link is never shared
    assert not (staged / "link.html").is_symlink() and not os.path.samefile(staged / "link.html", old / "same.html")
    atomic.write_staged(staged / "gone.html", b"x", old / "gone.html")  # nothing there before: written
    assert (staged / "gone.html").read_bytes() == b"x"
    # Written again in the staging folder with other bytes: a new file, the old site's stays as it was.
    atomic.write_staged(staged / "same.html", "<p>改了</p>".encode(), old / "same.html")
    assert (old / "same.html").read_text(encoding="utf-8") == "<p>不变</p>" and (old / "same.html").stat().st_nlink == 1
    assert (staged / "same.html").read_text(encoding="utf-8") == "<p>改了</p>"
    atomic.write_staged(staged / "plain.html", b"y")  # no earlier site: written
    assert (staged / "plain.html").read_bytes() == b"y"


KILLER = """
import os, signal, sys
from generator import atomic
calls, nth = [0], int(sys.argv[1])
real = os.replace
def replace(src, dst):
    calls[0] += 1
    if calls[0] == nth:
        os.kill(os.getpid(), signal.SIGKILL)  # the worst moment: the new content is written, not yet renamed
    real(src, dst)
atomic.os.replace = replace
from generator.cli import main
sys.argv = ["jixiao", *sys.argv[2:]]
main()
"""


def kill_during(args: list[str], nth_rename: int, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(nth_rename), *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=300
    )


def test_fmt_killed_while_writing_leaves_whole_files(data_copy: Path) -> None:
    files = sorted(data_copy.rglob("*.yaml"))
    for path in files:  # every file needs formatting: >= instead of ≥, odd indentation
        path.write_text(path.read_text(encoding="utf-8").replace("指标值类型: ≥", "指标值类型: '>='"), encoding="utf-8")
    before = {p: p.read_bytes() for p in files}
    done = kill_during(["fmt", str(data_copy)], 3, data_copy.parent)
    assert done.returncode == -signal.SIGKILL, done.stderr
    changed = [p for p in files if p.read_bytes() != before[p]]
    assert len(changed) == 2  # the first two were replaced whole; the third is untouched
    for path in files:
        assert isinstance(load(path), Document)
    leftovers = [p for p in data_copy.rglob("*") if p.name.endswith(atomic.TEMP_SUFFIX)]
    assert len(leftovers) == 1 and leftovers[0].name.startswith(".")  # hidden: check never reads it
    report = check([data_copy], jobs=1)
    assert not [d for d in report.diagnostics if leftovers[0].name in d.path]


def test_import_killed_while_writing_leaves_whole_files(tmp_path: Path) -> None:
    seeds = sorted((DATA.parent / "tests" / "seeds").glob("*.txt"))
    out = tmp_path / "data"
    done = kill_during(["import", str(seeds[1]), "--out", str(out), "--code", "430212"], 5, tmp_path)
    assert done.returncode == -signal.SIGKILL, done.stderr
    written = sorted(p for p in out.rglob("*.yaml"))
    assert len(written) == 4
    for path in written:
        assert isinstance(load(path), Document), path
    again = subprocess.run(
        [sys.executable, "-m", "generator", "import", str(seeds[1]), "--out", str(out), "--code", "430212"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "写入失败" not in again.stdout + again.stderr
    assert len(list(out.rglob("*.yaml"))) > len(written)  # the interrupted import can simply be run again
