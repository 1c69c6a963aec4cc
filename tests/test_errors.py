"""What stops a command is told in Chinese with a stable code, never a traceback (generator/errors.py).

The failures are real: a full disk and a read-only folder are small tmpfs mounts (which needs root, as
CI runs; elsewhere those tests skip), a port in use is a socket this test holds, and a command-line
mistake is a real call of the command.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator.diagnostics.catalogue import CATALOGUE
from generator.errors import JixiaoError, from_os_error


def jixiao(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=timeout
    )


def assert_told(done: subprocess.CompletedProcess[str], code: str, status: int = 2) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == status, (done.returncode, done.stdout, done.stderr)
    assert f"错误 [{code}]：" in done.stderr and "提示：" in done.stderr, done.stderr


@contextlib.contextmanager
def tmpfs(folder: Path, size: str, read_only: bool = False) -> Iterator[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr!r}")
    try:
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    shutil.copytree(DATA, tmp_path / "repo" / "data")
    shutil.copytree(ROOT / "schema", tmp_path / "repo" / "schema")
    return tmp_path / "repo"


@pytest.fixture(scope="module")
def site_kb(tmp_path_factory: pytest.TempPathFactory) -> int:
    """The size of the sample's site, so that the disks below fill at the same stages as the site grows or shrinks."""
    out = tmp_path_factory.mktemp("whole") / "site"
    done = jixiao("build", "--no-pdf", "--no-cache", "--out", str(out), str(DATA), cwd=out.parent)
    assert done.returncode == 0, done.stdout + done.stderr
    return sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) // 1024


@pytest.mark.parametrize("share", [5, 50, 90])  # % of the site: full while the guides, the tables or the last pages are written
def test_a_full_disk_stops_the_build_with_r002_and_leaves_nothing_half_written(repo: Path, site_kb: int, share: int) -> None:
    with tmpfs(repo / "small", f"{site_kb * share // 100}k") as small:
        done = jixiao("build", "--no-pdf", "--no-cache", "--out", str(small / "site"), cwd=repo)
        assert_told(done, "R002")
        assert "磁盘空间不足" in done.stderr
        assert not (small / "site").exists() and not (small / ".jixiao-work").exists()  # nothing half written


def test_a_read_only_folder_stops_build_and_fmt_with_r003(repo: Path) -> None:
    with tmpfs(repo / "ro", "1m", read_only=True) as read_only:
        assert_told(jixiao("build", "--no-pdf", "--no-cache", "--out", str(read_only / "site"), cwd=repo), "R003")
    project = repo / "data/株洲市渌口区/2026/区委组织部/人才工作专项.yaml"
    with tmpfs(repo / "ro-data", "1m") as folder:
        copy = folder / project.name
        copy.write_text(
            project.read_text(encoding="utf-8").replace("    指标值类型: ≥", "    指标值类型: '>='"), encoding="utf-8"
        )
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True, capture_output=True)
        done = jixiao("fmt", str(copy), cwd=repo)
        assert_told(done, "R003")
        assert str(copy.name) in done.stderr


def test_a_port_in_use_stops_serve_with_r004(repo: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = jixiao("serve", "--no-tables", "--no-cache", "--port", str(port), cwd=repo, timeout=300)
    assert_told(done, "R004")
    assert f"127.0.0.1:{port}" in done.stderr and "--port" in done.stderr


def test_command_line_mistakes_are_r001(repo: Path, tmp_path: Path) -> None:
    assert_told(jixiao("check", "没有这个文件夹", cwd=repo), "R001")
    assert_told(jixiao("build", cwd=tmp_path), "R001")  # no data/ here
    assert_told(jixiao("import", "--code", "12", "x.docx", cwd=repo), "R001")
    (repo / "data/株洲市渌口区/2026/新单位").mkdir()
    done = jixiao("new", "project", "data/株洲市渌口区/2026/新单位", "某项目", cwd=repo)
    assert_told(done, "R001")
    assert "jixiao new unit" in done.stderr


def test_every_os_error_becomes_a_coded_message() -> None:
    import errno

    for number, code in (
        (errno.ENOSPC, "R002"),
        (errno.EROFS, "R003"),
        (errno.EACCES, "R003"),
        (errno.EADDRINUSE, "R004"),
        (errno.EIO, "R005"),
    ):
        error = from_os_error(OSError(number, os.strerror(number), "site/index.html"), "写入网站")
        assert isinstance(error, JixiaoError) and error.code == code
        assert error.message.startswith("写入网站“site/index.html”") and os.strerror(number) in error.message
        assert error.hint == CATALOGUE[code].hint and error.hint
