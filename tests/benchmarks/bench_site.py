"""What tests/benchmarks/bench.py measures the website with: the process tree's time and peak memory,
the size of a site, the by-hand mkdocs-material site of the same data, and the bytes a reader's
browser downloads for the first search.

The by-hand site is what one would write without jixiao's page structure: one Markdown page per
project (its fields and its indicator table) and one per unit, mkdocs-material with default
navigation and its built-in search. CPU time counts all processes (unlike the wall time, it does
not grow when other work shares the machine); peak memory is of all processes together, sampled
from /proc; the first search is measured in headless Chromium when it is installed (the search
page's scripts and the index files fetched for the query 志愿).
"""

from __future__ import annotations

import compileall
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

QUERY = "志愿"


def compiled() -> None:
    """Run the programs as installed ones run: from compiled bytecode. pip compiles an installed package;
    an editable checkout compiles on first use, unless PYTHONDONTWRITEBYTECODE is set (as on some CI
    machines), when every run would compile jixiao's modules from source again (~0.1 s more per command)."""
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    sys.dont_write_bytecode = False
    compileall.compile_dir(Path(__file__).resolve().parents[2] / "generator", quiet=1)


def tree_rss(pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "statm").read_text().split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        rss[int(entry.name)] = int(status[1]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(command: list[str], cwd: Path, limit: float | None = None) -> tuple[float, int, bool, float]:
    """(wall seconds, peak memory of the process tree in bytes, finished within the limit, CPU seconds).

    CPU seconds (all processes, user and system) do not depend on what else the machine is doing;
    divided by the cores, they are the wall time on an otherwise idle machine, at best."""
    cpu = cpu_seconds()
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        output, _ = process.communicate(timeout=limit)
        finished = True
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
        finished = False
    wall = time.perf_counter() - start  # before waiting for the sampler, which sleeps 0.2 s between samples
    done.set()
    sampler.join()
    if finished and process.returncode != 0:
        print(output.decode("utf-8", "replace")[-3000:])
        raise SystemExit(f"failed: {' '.join(command)}")
    return wall, peak, finished, cpu_seconds() - cpu


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def by_hand_docs(data: Path, docs: Path) -> None:
    """One Markdown page per project and per unit, the way a person would write it with mkdocs."""
    from generator.data.load import load
    from generator.render.cells import plain

    def text(value: object) -> str:
        if isinstance(value, list):
            return "；".join(text(v) for v in value)
        return plain(value) if hasattr(value, "as_tuple") or isinstance(value, int) else str(value or "")

    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# 预算绩效目标公开\n", encoding="utf-8")
    for unit_file in sorted(data.rglob("单位.yaml")):
        folder = docs / unit_file.parent.relative_to(data)
        folder.mkdir(parents=True, exist_ok=True)
        unit = load(unit_file).data  # type: ignore[union-attr]
        lines = [f"# {unit['单位名称']}", "", "| 项目 | 金额 |", "| --- | --- |"]
        for project_file in sorted(unit_file.parent.glob("*.yaml")):
            if project_file.name == "单位.yaml":
                continue
            project = load(project_file).data  # type: ignore[union-attr]
            lines.append(f"| [{project['项目名称']}]({project_file.stem}.md) | {text(project.get('项目金额'))} |")
            page = [
                f"# {project['项目名称']}",
                "",
                f"- 项目金额：{text(project.get('项目金额'))} 万元",
                f"- 项目类别：{text(project.get('项目类别'))}",
                f"- 实施期：{text(project.get('实施期'))}",
                "",
                "## 本年度绩效目标",
                "",
                text(project.get("本年度绩效目标")),
                "",
                "## 绩效指标",
                "",
                "| 一级指标 | 二级指标 | 三级指标 | 指标值类型 | 指标值 | 度量单位 |",
                "| --- | --- | --- | --- | --- | --- |",
            ]
            for row in project.get("绩效指标") or []:
                page.append(
                    "| "
                    + " | ".join(
                        text(row.get(k)) for k in ("一级指标", "二级指标", "三级指标", "指标值类型", "指标值", "度量单位")
                    )
                    + " |"
                )
            (folder / f"{project_file.stem}.md").write_text("\n".join(page) + "\n", encoding="utf-8")
        (folder / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


BY_HAND_CONFIG = """site_name: 预算绩效目标公开
theme:
  name: material
  language: zh
  font: false
plugins:
  - search
markdown_extensions:
  - tables
"""


def first_search_bytes(site: Path, engine: str) -> int | None:
    """Bytes the browser fetches for the first search of QUERY, after the page itself has loaded."""
    import browser

    if browser.available():
        return None
    if engine == "jixiao":  # the site's own search, from its search page (bench_search.py)
        import bench_search

        return int(bench_search.first_search(site, QUERY)["bytes"])
    log: list[tuple[str, int]] = []
    with browser.serving(site, log) as base, browser.chromium() as driver:
        driver.get(base + "index.html")
        time.sleep(1)
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and not any("search_index.json" in p for p, _ in log):
            time.sleep(0.5)
        return sum(size for path, size in log if "search" in path)
