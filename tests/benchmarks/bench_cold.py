"""The first build (empty cache) of two versions of jixiao, taking turns round after round, on data of three shapes.

    python tests/benchmarks/bench_cold.py --before REV                       # 1,000 projects, 3 rounds
    python tests/benchmarks/bench_cold.py --before REV --rounds 5 --no-pdf --shapes 100 uneven

bench.py times each command once; a change of a few percent is lost in how much this kind of machine's
speed wanders (by a third within an hour). Here the two versions (jixiao at ``--before``, exported with
``git archive``, and this checkout) build the same data one after the other, the order alternating from
round to round, and the medians are compared. Each build is ``jixiao build`` as users run it (PDF
booklets typeset by Typst; ``--no-pdf`` without), in a new process, with an empty cache; the site and
cache of the build before are put aside, not deleted (bench.put_aside says why).

Shapes (made-up data from make_dataset.py, each committed to git as a data repository is):

    100      units of 100 projects
    5        units of 5 projects (the sample's shape: many small units)
    uneven   60 % of the projects in units of 10, the rest in ONE unit placed last in the site's order:
             a county's large bureau after its small offices, the case the order of the work matters for

Printed: each build's wall and CPU seconds, then for each shape the medians of both versions and their ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import older, put_aside
from bench_site import compiled, run
from columns import left, right
from make_dataset import make_dataset

ROOT = Path(__file__).resolve().parents[2]
LAST = "龥末位大单位"  # a unit folder name that sorts after every generated one


def commit(repo: Path) -> None:
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "made-up data"], cwd=repo, check=True)


def shaped(folder: Path, shape: str, projects: int) -> Path:
    """A data repository of ``projects`` made-up projects in ``shape`` (see the module's text)."""
    repo = folder / f"data-{shape}"
    if shape != "uneven":
        make_dataset(repo, projects, per_unit=int(shape))
    else:
        big = projects * 2 // 5
        make_dataset(repo, projects - big, per_unit=10)
        regions = sorted(p for p in (repo / "data").iterdir() if p.is_dir())
        last = regions[-1]  # the region whose units come last in the site's order
        other = folder / "big"
        make_dataset(other, 2 * big, seed=1, per_unit=big)  # one unit of ``big`` projects for each layout
        source = next(unit for unit in (other / "data").glob("*/*/*") if layout(unit.parents[1]) == layout(last))
        shutil.move(source, last / source.parent.name / LAST)
        shutil.rmtree(other)
    commit(repo)
    return repo


def layout(region: Path) -> str:
    """The layout (版式) a region's 地区.yaml names."""
    found = re.search(r"^版式:\s*(\S+)", (region / "地区.yaml").read_text(encoding="utf-8"), re.M)
    return found.group(1) if found else ""


def build(repo: Path, code: Path, pdf: bool, spare: Path) -> tuple[float, float]:
    """One cold ``jixiao build`` of ``repo`` by the jixiao in ``code``: (wall, CPU seconds)."""
    put_aside(repo / "site")
    cache = Path(tempfile.mkdtemp(dir=spare))
    os.environ["JIXIAO_CACHE_DIR"] = str(cache)
    os.environ["PYTHONPATH"] = str(code)
    command = [sys.executable, "-m", "generator", "build", *([] if pdf else ["--no-pdf"])]
    wall, _, finished, cpu = run(command, repo)
    if not finished or not (repo / "site" / "index.html").is_file():
        raise SystemExit(f"jixiao build failed in {repo} with {code}")
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="the older version: a commit of this repository")
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shapes", nargs="+", default=["100", "5", "uneven"], help="100, 5 (projects per unit) or uneven")
    parser.add_argument("--no-pdf", action="store_true", help="time jixiao build --no-pdf")
    options = parser.parse_args(argv)
    for shape in options.shapes:
        if shape != "uneven" and not shape.isdigit():
            parser.error(f"unknown shape {shape!r}: a number of projects per unit, or uneven")
    compiled()
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-cold-") as tmp:
        folder = Path(tmp)
        versions = {options.before: older(options.before, folder / "before"), "这一版": ROOT}
        repos = {shape: shaped(folder, shape, options.projects) for shape in options.shapes}
        spare = folder / "caches"
        spare.mkdir()
        times: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for round_number in range(options.rounds):
            names = list(versions) if round_number % 2 == 0 else list(reversed(versions))
            for shape, repo in repos.items():
                for name in names:
                    wall, cpu = build(repo, versions[name], not options.no_pdf, spare)
                    times.setdefault((shape, name), []).append((wall, cpu))
                    print(f"第 {round_number + 1} 轮  {shape:>6}  {left(name, 10)} {wall:7.2f} 秒  CPU {cpu:6.1f} 秒", flush=True)
        command = "jixiao build --no-pdf" if options.no_pdf else "jixiao build"
        print(f"\n{command}（首次），{options.projects} 个项目，{options.rounds} 轮的中位数：")
        for shape in repos:
            medians = {name: [statistics.median(t[i] for t in times[(shape, name)]) for i in (0, 1)] for name in versions}
            (old_wall, old_cpu), (new_wall, new_cpu) = medians[options.before], medians["这一版"]
            print(
                f"  {left(shape, 8)} {options.before}: {right(f'{old_wall:.2f}', 7)} 秒（CPU {old_cpu:.1f}）  "
                f"这一版: {right(f'{new_wall:.2f}', 7)} 秒（CPU {new_cpu:.1f}）  之前 ÷ 之后 {old_wall / new_wall:.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
