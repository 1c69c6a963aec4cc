"""What an editor waits for with ``jixiao serve``: from saving a project file to the open page showing the
edit, in a real browser, before and after a change, alternating round by round; and what the preview
costs while nothing changes.

    python tests/benchmarks/bench_serve_live.py --projects 10000 --before REV [--rounds 11]

make_dataset.py writes the data (made up, units of 100 projects) and commits it; each version gets its
own clone of it (a save in one is not seen by the other), its own cache and site, and runs as users run
it: ``python -m generator serve`` (jixiao at ``--before`` exported with ``git archive``, and this
checkout). Once both have built the site (not timed), headless Chromium opens the edited project's page
on each. A round renames the project (or renames it back) in one version's clone and times until that
version's open page shows the new name, by itself; then the same for the other version, in the other
order every other round. Printed: each round's seconds, the medians of rounds 2 and on (the first fills
what serve keeps in memory), their ratio, and the CPU seconds each preview takes in 20 seconds of
nothing changing (from /proc: the loop that looks for changes, and the open page's requests).

First, the loop's own delay, which the rebuild's time hides at 10,000 projects: each version's serve loop
(generator.site.serve) on a folder of one file, with a "rebuild" that writes the page at once, in the
same browser; 15 saves each.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from columns import left

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

HEADING = "var h = document.querySelector('h1'); return h ? h.textContent : ''"
IDLE_SECONDS = 20


class Preview:
    """One version's ``jixiao serve`` on its own clone of the data, and a browser on the edited page."""

    def __init__(self, name: str, code: Path | None, repo: Path, edited: Path, cache: Path) -> None:
        self.name, self.repo, self.edited = name, repo, edited
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env.update(JIXIAO_CACHE_DIR=str(cache), PYTHONPATH=str(code or ROOT))
        command = [sys.executable, "-m", "generator", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(
            command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
        )
        self.lines: list[str] = []
        assert self.process.stdout is not None
        self.reader = threading.Thread(target=lambda: self.lines.extend(iter(self.process.stdout.readline, "")), daemon=True)  # type: ignore[union-attr]
        self.reader.start()
        self.driver: Any = None
        self.closing = contextlib.ExitStack()

    def ready(self, timeout: float = 3600) -> None:
        deadline = time.monotonic() + timeout
        while not any("预览：" in line for line in self.lines):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{self.name} 没有启动：\n" + "".join(self.lines[-30:]))
            time.sleep(0.2)

    def open(self) -> None:
        import browser

        self.driver = self.closing.enter_context(browser.chromium())
        relative = self.edited.relative_to(self.repo / "data").with_suffix("")
        self.driver.get(browser.url(f"http://127.0.0.1:{self.port}/", f"地区/{relative.as_posix()}/"))
        if not self.driver.execute_script(HEADING):
            raise SystemExit(f"{self.name}：页面没有标题（{self.driver.current_url}）")

    def round(self, label: str) -> float:
        """Rename the project (or rename it back), with a comment never seen before; the seconds until the
        open page's heading has the new name."""
        from bench_rebuild import toggle

        toggle(self.edited)
        name = re.search(r"^项目名称: (.*)$", self.edited.read_text(encoding="utf-8"), re.M)
        assert name is not None
        wanted = name.group(1).strip()
        saved = time.perf_counter()
        with self.edited.open("a", encoding="utf-8") as handle:
            handle.write(f"# {label}\n")
        assert self.driver is not None
        while self.driver.execute_script(HEADING).strip() != wanted:
            if time.perf_counter() - saved > 600:
                raise SystemExit(f"{self.name}：10 分钟内页面没有显示新的名称：\n" + "".join(self.lines[-30:]))
            time.sleep(0.02)
        return time.perf_counter() - saved

    def cpu(self) -> float:
        """CPU seconds of the preview and its finished child processes so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.closing.close()  # the browser, when one was opened
        self.process.terminate()
        self.process.wait(timeout=60)
        self.reader.join(timeout=10)
        assert self.process.stdout is not None
        self.process.stdout.close()


LOOP = """
import re, statistics, sys, threading, time
from pathlib import Path
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[3])
import browser
from generator.site import serve

work = Path(sys.argv[2])
data, site = work / "data", work / "site"
data.mkdir(parents=True)
site.mkdir()
saved = data / "a.yaml"
saved.write_text("n: 0\\n", encoding="utf-8")
(site / "index.html").write_text("<html><body><h1>0</h1></body></html>", encoding="utf-8")


def rebuild():
    n = saved.read_text(encoding="utf-8").split(":")[1].strip()
    (site / "index.html").write_text(f"<html><body><h1>{n}</h1></body></html>", encoding="utf-8")
    return True


said = []
threading.Thread(target=serve.serve, args=(data, site, rebuild, "127.0.0.1", 0, said.append), daemon=True).start()
while not said:
    time.sleep(0.01)
seconds = []
with browser.chromium() as driver:
    driver.get(re.search(r"http://[0-9.:]+/", said[0]).group(0))
    for n in range(1, 16):
        time.sleep(1.3)
        start = time.perf_counter()
        saved.write_text(f"n: {n}\\n", encoding="utf-8")
        while driver.execute_script("var h = document.querySelector('h1'); return h ? h.textContent : ''") != str(n):
            time.sleep(0.01)
        seconds.append(time.perf_counter() - start)
print(statistics.median(seconds), statistics.mean(seconds), max(seconds))
"""


def loop_delay(code: Path | None, work: Path) -> tuple[float, float, float]:
    """The median, mean and longest seconds from a save to the page showing it, the rebuild taking none."""
    done = subprocess.run(
        [sys.executable, "-c", LOOP, str(code or ROOT), str(work), str(ROOT / "tests")],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    median, mean, longest = map(float, done.stdout.split())
    return median, mean, longest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--before", metavar="REV", required=True, help="the version to compare with (a commit)")
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    from bench import older
    from bench_rebuild import committed_dataset

    with tempfile.TemporaryDirectory(prefix="jixiao-serve-live-") as tmp:
        root = Path(tmp)
        work, edited = committed_dataset(root, args.projects)
        subprocess.run(["git", "clone", "-q", str(work), str(root / "repo-2")], check=True)
        versions: list[tuple[str, Path | None, Path]] = [
            (f"jixiao {args.before}", older(args.before, root / "before"), work),
            ("jixiao（这一版）", None, root / "repo-2"),
        ]
        print("等待本身（重新生成不花时间时，保存到页面显示改动，15 次）：")
        for number, (name, code, _) in enumerate(versions):
            median, mean, longest = loop_delay(code, root / f"loop-{number}")
            print(f"  {left(name, 24)}中位数 {median:.2f} 秒，平均 {mean:.2f} 秒，最长 {longest:.2f} 秒", flush=True)
        previews = []
        try:
            for number, (name, code, repo) in enumerate(versions):
                start = time.perf_counter()
                preview = Preview(name, code, repo, repo / edited.relative_to(work), root / f"cache-{number}")
                previews.append(preview)
                preview.ready()  # one after the other: the first builds do not share the two cores
                print(f"{name}：首次生成 {time.perf_counter() - start:.0f} 秒（不计入）", flush=True)
            for preview in previews:
                preview.open()
            time.sleep(2)
            idle = {}
            for preview in previews:
                before = preview.cpu()
                time.sleep(IDLE_SECONDS)
                idle[preview.name] = preview.cpu() - before
            figures: dict[str, list[float]] = {p.name: [] for p in previews}
            for number in range(args.rounds):
                order = previews if number % 2 == 0 else previews[::-1]
                for preview in order:
                    figures[preview.name].append(preview.round(f"第 {number + 1} 轮"))
                    time.sleep(1)  # the other version's preview settles (its loop may look at the data now)
                print(f"第 {number + 1} 轮：" + "，".join(f"{n} {f[-1]:.2f} 秒" for n, f in figures.items()), flush=True)
        finally:
            for preview in previews:
                preview.stop()
        print(f"\n{args.projects:,} 个项目：保存一个项目文件到浏览器中打开的页面显示改动，第 2–{args.rounds} 轮的中位数（秒）：")
        medians = []
        for name, seconds in figures.items():
            medians.append(statistics.median(seconds[1:]))
            print(f"  {left(name, 24)}{medians[-1]:>8.2f}（最短 {min(seconds[1:]):.2f}，最长 {max(seconds[1:]):.2f}）")
        print(f"  {left('之前 ÷ 之后', 24)}{medians[0] / medians[1]:>8.2f}")
        print(f"没有改动时，预览 {IDLE_SECONDS} 秒内用去的 CPU 时间（秒）：")
        for name, seconds in idle.items():
            print(f"  {left(name, 24)}{seconds:>8.2f}")


if __name__ == "__main__":
    main()
