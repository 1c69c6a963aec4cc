"""``jixiao serve``'s loop (generator/site/serve.py): a save wakes it at once (watchdog), the timer still finds a
change when the system tells of none, and an open page reloads as soon as the rebuild is in place (a request
for the site's version held until it changes), in a real Chromium on a real ``jixiao serve``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import browser
import pytest
from conftest import ROOT

from generator.site import serve

VOLUNTEER = "志愿服务活动专项.yaml"


@contextmanager
def serving(data: Path, site: Path, rebuild: Callable[[], bool], **options: float) -> Iterator[str]:
    """serve.serve in a thread (for ``rounds`` looks at the data); yields its address."""
    said: list[str] = []
    thread = threading.Thread(target=serve.serve, args=(data, site, rebuild, "127.0.0.1", 0, said.append), kwargs=options)
    thread.start()
    deadline = time.monotonic() + 10
    while not said and time.monotonic() < deadline:
        time.sleep(0.01)
    address = re.search(r"http://[0-9.:]+/", said[0] if said else "")
    assert address is not None, said
    try:
        yield address.group(0)
    finally:
        thread.join()


def page_site(tmp_path: Path, text: str) -> Path:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "index.html").write_text(f"<html><body>{text}</body></html>", encoding="utf-8")
    return site


def save(data: Path) -> None:
    """Save the project file again, one line longer: a change of its size and time."""
    project = next(data.rglob(VOLUNTEER))
    project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")


def until(condition: Callable[[], object], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)


def version(address: str, known: str | None = None) -> str:
    query = "" if known is None else f"?v={known}"
    with urllib.request.urlopen(address + serve.VERSION_PATH.lstrip("/") + query, timeout=30) as response:
        return str(response.read().decode())


def test_a_save_wakes_the_loop_long_before_the_timer(data_copy: Path, tmp_path: Path) -> None:
    """With the timer at 30 seconds, a save is rebuilt within seconds: the watcher woke the loop."""
    site = page_site(tmp_path, "旧")
    built: list[float] = []

    def rebuild() -> bool:
        built.append(time.monotonic())
        return True

    with serving(data_copy, site, rebuild, interval=30.0, rounds=2) as address:
        time.sleep(0.5)  # the watcher is started before the address is told; the loop is waiting
        saved = time.monotonic()
        save(data_copy)
        until(lambda: built, 10)
        assert built and built[0] - saved < 5, "the save did not wake the loop"
        assert version(address) == "1"
        written = time.monotonic()
        (data_copy / "说明.txt").write_text("不是数据文件", encoding="utf-8")  # wakes the loop, changes nothing
    assert len(built) == 1
    assert time.monotonic() - written < 10  # the loop's last round ended on the wake, not on the 30-second timer


def test_without_a_watcher_the_timer_finds_the_change(data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A system that refuses to watch (inotify's limit of watched folders reached: OSError) leaves the timer."""
    import errno

    import watchdog.observers

    class Refused:
        def __init__(self) -> None:
            raise OSError(errno.ENOSPC, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", Refused)
    assert not serve.Watcher(data_copy).working
    site = page_site(tmp_path, "旧")
    built: list[int] = []
    with serving(data_copy, site, lambda: built.append(1) is None, interval=0.1, rounds=30):
        save(data_copy)
        until(lambda: built)
    assert built == [1]


def test_a_request_for_the_version_is_answered_when_the_site_changes(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(serve, "WAIT", 1.0)
    site = page_site(tmp_path, "旧")

    def rebuild() -> bool:
        (site / "index.html").write_text("<html><body>新</body></html>", encoding="utf-8")
        return True

    with serving(data_copy, site, rebuild, interval=0.1, rounds=60) as address:
        # a page carries the version it was served at: a rebuild before its script first asks still reloads it
        assert "var v='0'" in urllib.request.urlopen(address).read().decode("utf-8")
        assert version(address) == "0"  # without the version it has, answered at once
        asked = time.monotonic()
        assert version(address, "0") == "0"  # nothing changed: held for WAIT, then answered with the same
        assert 0.9 < time.monotonic() - asked < 5
        assert version(address, "7") == "0"  # a page of an earlier preview: answered at once, and reloads
        answer: list[tuple[str, float]] = []
        held = threading.Thread(target=lambda: answer.append((version(address, "0"), time.monotonic())))
        held.start()
        time.sleep(0.3)
        save(data_copy)
        held.join()
        assert answer and answer[0][0] == "1"
        page = urllib.request.urlopen(address).read().decode("utf-8")
        assert "新" in page and "var v='1'" in page


@pytest.mark.skipif(browser.available() is not None, reason=str(browser.available()))
def test_an_open_page_shows_a_saved_edit_by_itself(data_copy: Path, tmp_path: Path) -> None:
    """A real ``jixiao serve`` on the sample data, a project page open in Chromium: the project is renamed in
    its file, and the open page shows the new name without anyone reloading it."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    repo = data_copy.parent
    env = {**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--no-tables", "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
    reader.start()
    try:
        deadline = time.monotonic() + 240
        while not any("预览：" in line for line in lines) and time.monotonic() < deadline:
            assert process.poll() is None, "".join(lines)
            time.sleep(0.1)
        assert any("预览：" in line for line in lines), "".join(lines)
        project = next(data_copy.rglob(VOLUNTEER))
        with browser.chromium() as driver:
            driver.get(browser.url(f"http://127.0.0.1:{port}/", "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/"))
            assert "志愿服务活动专项" in driver.title
            driver.execute_script("window.notReloaded = true")
            text = project.read_text(encoding="utf-8")
            renamed = re.sub(r"^项目名称: (.*)$", r"项目名称: \g<1>（改名）", text, count=1, flags=re.M)
            assert renamed != text
            project.write_text(renamed, encoding="utf-8")
            heading = "var h = document.querySelector('h1'); return h ? h.textContent : ''"
            deadline = time.monotonic() + 120
            while "（改名）" not in driver.execute_script(heading) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert "（改名）" in driver.execute_script(heading), "".join(lines)
            assert driver.execute_script("return window.notReloaded === undefined")  # the page reloaded by itself
            assert browser.console_errors(driver) == []
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=10)
        process.stdout.close()  # type: ignore[union-attr]
    assert "Traceback" not in "".join(lines)


def test_a_reader_who_left_while_a_request_was_held_is_no_error(
    data_copy: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A page closed while its request for the version is held: the answer after the rebuild finds no one, and
    the preview says nothing of it (before, a BrokenPipeError's traceback for each closed page)."""
    import socket
    import struct

    site = page_site(tmp_path, "旧")
    built: list[int] = []
    with serving(data_copy, site, lambda: built.append(1) is None, interval=0.1, rounds=40) as address:
        host, port = address.removeprefix("http://").rstrip("/").split(":")
        left = []
        for _ in range(3):
            reader = socket.create_connection((host, int(port)))
            reader.sendall(f"GET {serve.VERSION_PATH}?v=0 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            left.append(reader)
        time.sleep(0.3)  # the requests are held
        for reader in left:  # closed at once, with a reset (as a browser closing a tab may)
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            reader.close()
        save(data_copy)
        until(lambda: built)
        assert built == [1]
        assert version(address) == "1"  # the preview goes on serving
    assert "Traceback" not in capfd.readouterr().err
