"""Benchmark ``jixiao diff``: one project changed in a git repository of N projects (goal: ≤ 2 s at 10,000).

    python tests/benchmarks/bench_diff.py            # 10,000 projects
    python tests/benchmarks/bench_diff.py --projects 1000

The repository is built by bench_check.build_tree (units of 100 projects made from the sample
data) and committed. One project's amount and one indicator are then changed, and the real
command is timed (process start-up included): against the working tree (the editor's case, with
the default base found from the main branch), and between two commits (the CI case).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import build_tree  # a script beside this one, not a package
from bench_site import compiled
from columns import left, right

GIT_ENV = {
    **os.environ,
    "GIT_AUTHOR_NAME": "基准",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "基准",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
}


def git(work: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=work, env=GIT_ENV, check=True, capture_output=True)


def timed(args: list[str], cwd: Path) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr}")
    return wall, result.stdout


def change_one_project(region: Path) -> Path:
    project = next(region.rglob("项目05000.yaml"), None) or next(region.rglob("项目00000.yaml"))
    text = project.read_text(encoding="utf-8")
    lines = text.split("\n")
    amount = next(i for i, line in enumerate(lines) if line.startswith("项目金额:"))
    lines[amount] = "项目金额: 999"
    value = next(i for i, line in enumerate(lines) if line.startswith("    指标值: "))
    lines[value] = "    指标值: 123456"
    project.write_text("\n".join(lines), encoding="utf-8")
    return project


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--show", action="store_true", help="print the diff as well")
    options = parser.parse_args()
    compiled()  # jixiao from bytecode, as installed (bench_site.compiled)
    jixiao = [sys.executable, "-m", "generator", "diff"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        start = time.perf_counter()
        region = build_tree(work, options.projects)
        git(work, "init", "-q", "-b", "main")
        git(work, "add", "-A")
        git(work, "commit", "-qm", "数据")
        print(f"仓库：{options.projects} 个项目，生成并提交用时 {time.perf_counter() - start:.1f} s；CPU {os.cpu_count()} 核")
        change_one_project(region)
        rows = []
        wall, output = timed(jixiao, work)
        rows.append(("diff 工作区（默认基准）", wall))
        git(work, "commit", "-qam", "改一个项目")
        wall, _ = timed([*jixiao, "HEAD~1", "HEAD", "--format", "md"], work)
        rows.append(("diff HEAD~1 HEAD --format md", wall))
        print(left("任务", 32) + right("用时 (s)", 10))
        for label, seconds in rows:
            print(f"{left(label, 32)}{seconds:>10.2f}")
        if options.show:
            print(output)


if __name__ == "__main__":
    main()
