"""Benchmark ``jixiao build``: the official tables of N projects (HTML, DOCX, XLSX, booklets).

    python tests/benchmarks/bench_tables.py                  # 1,000 projects, no PDF
    python tests/benchmarks/bench_tables.py --projects 200 --pdf
    python tests/benchmarks/bench_tables.py --jobs 1

The tree is bench_check.py's: the sample projects copied into units of 100. Figures are wall-clock
seconds of the real command (process start-up and the check included) and its peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import build_tree
from bench_site import compiled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU count)")
    parser.add_argument("--pdf", action="store_true", help="also print the booklets to PDF (LibreOffice)")
    options = parser.parse_args()
    compiled()  # jixiao from bytecode, as installed (bench_site.compiled)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        build_tree(work, options.projects)
        command = [sys.executable, "-m", "generator", "build", "--out", "site"]
        if options.jobs:
            command += ["--jobs", str(options.jobs)]
        if not options.pdf:
            command.append("--no-pdf")
        start = time.perf_counter()
        result = subprocess.run(command, cwd=work, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        if result.returncode != 0:
            print(result.stdout[-2000:], result.stderr[-2000:])
            raise SystemExit(result.returncode)
        files = sum(1 for p in (work / "site" / "tables").rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in (work / "site" / "tables").rglob("*") if p.is_file()) // 2**20
        print(result.stdout.strip().splitlines()[1])
        print(
            f"项目 {options.projects} 个，文件 {files} 个（{size} MB）；CPU {os.cpu_count()} 核，"
            f"并行 {options.jobs or os.cpu_count()}；PDF {'是' if options.pdf else '否'}"
        )
        print(f"用时 {wall:.1f} s，峰值内存（最大的单个进程）{peak} MB")


if __name__ == "__main__":
    main()
