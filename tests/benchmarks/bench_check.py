"""Benchmark ``jixiao check``: one file (the pre-commit case) and a whole tree of N projects.

    python tests/benchmarks/bench_check.py            # 10,000 projects
    python tests/benchmarks/bench_check.py --projects 1000

The tree is built from the sample data in data/: every sample project is copied, renamed, into
units of 100 projects each, so the files have the real shapes, sizes and findings. Figures are
wall-clock seconds of the real command (process start-up included) and its peak memory.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_site import compiled
from columns import left, right

ROOT = Path(__file__).resolve().parents[2]
PROJECTS_PER_UNIT = 100


def build_tree(target: Path, projects: int) -> Path:
    samples = sorted(
        p for p in (ROOT / "data" / "株洲市渌口区").rglob("*.yaml") if p.name != "单位.yaml" and p.name != "地区.yaml"
    )
    shutil.copytree(ROOT / "schema", target / "schema")
    region = target / "data" / "基准测试区"
    region.mkdir(parents=True)
    shutil.copy(ROOT / "data" / "株洲市渌口区" / "地区.yaml", region / "地区.yaml")
    for n in range(projects):
        unit = region / "2026" / f"单位{n // PROJECTS_PER_UNIT:04d}"
        if not unit.exists():
            unit.mkdir(parents=True)
            (unit / "单位.yaml").write_text(f"单位名称: 基准测试单位{n // PROJECTS_PER_UNIT:04d}\n", encoding="utf-8")
        text = samples[n % len(samples)].read_text(encoding="utf-8")
        text = re.sub(r"^项目名称: (.*)$", rf"项目名称: \g<1>{n:05d}", text, count=1, flags=re.M)
        (unit / f"项目{n:05d}.yaml").write_text(text, encoding="utf-8")
    return region


def timed(args: list[str], cwd: Path) -> tuple[float, int]:
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, capture_output=True, check=False)
    wall = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, peak_kb // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    options = parser.parse_args()
    compiled()  # jixiao from bytecode, as installed (bench_site.compiled)
    jixiao = [sys.executable, "-m", "generator"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        region = build_tree(work, options.projects)
        print(f"数据：{options.projects} 个项目，生成用时 {time.perf_counter() - start:.1f} s；CPU {os.cpu_count()} 核")
        one = next(region.rglob("项目00000.yaml"))
        rows = []
        for label, args in (
            ("check 一个文件", [*jixiao, "check", str(one)]),
            (f"check 全部 {options.projects} 个项目", [*jixiao, "check", "data"]),
        ):
            wall, peak = timed(args, work)
            rows.append((label, wall, peak))
        print(left("任务", 24) + right("用时 (s)", 10) + right("峰值内存 (MB，累计最大)", 26))
        for label, wall, peak in rows:
            print(f"{left(label, 24)}{wall:>10.2f}{peak:>26}")


if __name__ == "__main__":
    main()
