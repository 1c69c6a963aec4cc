"""The benchmark: every figure of docs/performance.md, for each size, next to a by-hand mkdocs site.

    python tests/benchmarks/bench.py                          # 1,000 and 10,000 projects
    python tests/benchmarks/bench.py --projects 1000 3000 10000
    python tests/benchmarks/bench.py --projects 300 --no-hand # quick look, no by-hand site
    python tests/benchmarks/bench.py --projects 1000 --per-unit 5 --before main   # many small units,
                                                              # the default build also by jixiao at main
    python tests/benchmarks/bench.py --projects 10000 --shards 3 --no-hand --no-default   # shards and merge

For each size, make_dataset.py writes a data repository (both layouts, units of ``--per-unit``
projects, 100 by default; 5 is the sample's shape of many small units) and commits it to git (the
site shows each table's history). Then, with an empty cache at first:

    check 一个文件（无缓存） jixiao check of one project file, the cache off (median of 5)
    check 一个文件（改动后） the same, with the cache, the file edited before each run: the pre-commit hook
    check 全部               jixiao check of the whole tree, cold, then again with the cache
    check --changed          after editing one project on a branch: the edited unit only
    build（首次）            jixiao build --no-pdf, cold: site, official tables, open data, search
                             (``--before REV``: the same by jixiao at REV just before, in the same run)
    build（改一个项目后）    the same after editing one project: one unit is made again
    serve（改一个项目后）    the same edit made in ``jixiao serve``: in one long-lived process, as serve builds
                             after each save (bench_serve.py's process; the median of rounds 2–5)
    build --no-tables        the site alone, cold: the like-for-like peer of the by-hand site
    build（默认）            ``jixiao build`` as users run it, PDF booklets included (typeset by Typst):
                             cold, then again with nothing changed, then after one edit
                             (``--before REV``: the same three by jixiao at REV, in the same run)
    build --pdf-engine libreoffice   the other PDF engine, when LibreOffice is installed: cold, and
                             after one edit (not with ``--no-libreoffice``)
    build --shard K/N        with ``--shards N``: the N shards of ``build（首次）``, one after another,
                             each without a cache (a fresh CI runner), then ``jixiao merge``; the merged
                             site is compared with ``build（首次）``'s byte for byte, and the time of a
                             province of 100,000 projects on 8 runners is estimated from the figures

and the by-hand site: one Markdown page per project and per unit, mkdocs-material with default
navigation and its built-in search (bench_site.by_hand_docs). Up to 1,000 projects, the default build, the
build without PDF and the by-hand site are then built ``--rounds`` more times (3), taking turns, and the
ratios of their medians are printed: the goal "at least 3× faster than by hand" is judged on them, not on
one run of each.
Figures: wall time, CPU time of all processes (which does not grow when other work shares the
machine), peak memory of the process tree, size of the site, the largest project page, and the bytes
a browser downloads for the first search of 志愿 (headless Chromium, when installed).
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_site import BY_HAND_CONFIG, by_hand_docs, compiled, first_search_bytes, run, size_of
from columns import left, right, width
from make_dataset import make_dataset

JIXIAO = [sys.executable, "-m", "generator"]


@dataclass
class Row:
    task: str
    projects: int
    wall: float
    cpu: float
    peak: int
    site: int = 0
    page: int = 0
    search: int | None = None
    finished: bool = True
    shape: str = ""  # the units' size when not the default 100 projects


def project_page(site: Path, hand: bool) -> int:
    """The largest project page in bytes: <地区>/<年度>/<单位>/<项目>/index.html (jixiao's under 地区/)."""
    pages = list((site if hand else site / "地区").glob("*/*/*/*/index.html"))
    return max(p.stat().st_size for p in pages) if pages else 0


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "init.defaultBranch=main",
            "-c",
            "user.name=基准",
            "-c",
            "user.email=bench@example.org",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def edit_one_project(data: Path) -> Path:
    """Rename the first project: a real edit that changes its page, its tables, its unit's summary and the data."""
    path = sorted(p for p in data.rglob("*.yaml") if p.name not in ("地区.yaml", "单位.yaml"))[0]
    text, count = re.subn(r"^(项目名称: .*)$", r"\g<1>（修订）", path.read_text(encoding="utf-8"), count=1, flags=re.M)
    assert count == 1, path
    path.write_text(text, encoding="utf-8")
    return path


def touch_comment(path: Path) -> None:
    """An edit that changes the file's bytes (so the unit is checked again) and nothing else."""
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# 改动\n")


def older(rev: str, folder: Path) -> Path:
    """jixiao as it was at ``rev`` (a commit of this repository), exported and compiled in ``folder``."""
    root = Path(__file__).resolve().parents[2]
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev], cwd=root, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    compileall.compile_dir(folder / "generator", quiet=1)
    return folder


def measure(
    count: int,
    hand: bool,
    hand_limit: float,
    per_unit: int = 100,
    before: str | None = None,
    pdf: bool = True,
    shards: int = 0,
    search: bool = True,
    libreoffice: bool = True,
    scratch: Path | None = None,
    rounds: int = 1,
) -> list[Row]:
    """Every figure of one size and shape, measured in a folder made in ``scratch`` and left there: main()
    deletes it after the last measurement, so that no size's builds come right after the deletion of
    another's tens of thousands of files (see put_aside). With ``rounds`` > 1, up to TURNS_UP_TO projects,
    the default build, the build without PDF and the by-hand site are built that many more times, taking
    turns (taking_turns)."""
    rows: list[Row] = []
    shape = "" if per_unit == 100 else f"，每单位 {per_unit} 个"
    tmp = tempfile.mkdtemp(prefix=f"{count}-{per_unit}-", dir=scratch)  # left for main() to delete
    work = Path(tmp) / "repo"
    work.mkdir()
    cache = Path(tmp) / "cache"
    os.environ["JIXIAO_CACHE_DIR"] = str(cache)
    data = make_dataset(work, count, per_unit=per_unit)
    git(work, "init", "-q")
    git(work, "add", "-A")
    git(work, "commit", "-qm", "数据")
    one = sorted(p for p in data.rglob("*.yaml") if p.name not in ("地区.yaml", "单位.yaml"))[-1]

    def timed(
        task: str, args: list[str], repeat: int = 1, cached: bool = True, before: Callable[[], object] = lambda: None
    ) -> Row:
        """The run with the median wall time of ``repeat`` (short commands vary from run to run);
        ``cached=False`` runs without the cache; ``before`` runs before each run, untimed."""
        os.environ["JIXIAO_CACHE_DIR"] = str(cache) if cached else "off"
        runs = sorted(((before(), run(args, work))[1] for _ in range(repeat)), key=lambda r: r[0])
        os.environ["JIXIAO_CACHE_DIR"] = str(cache)
        wall, peak, _, cpu = runs[len(runs) // 2]
        row = Row(task, count, wall, cpu, peak)
        rows.append(row)
        return row

    check_one = [*JIXIAO, "check", str(one.relative_to(work))]
    timed("check 一个文件（无缓存）", check_one, repeat=5, cached=False)
    run(check_one, work)  # the hook ran before; then the file is edited before each run (pre-commit)
    timed("check 一个文件（改动后）", check_one, repeat=5, before=lambda: touch_comment(one))
    git(work, "checkout", "--", ".")
    put_aside(cache)
    timed("check 全部（首次）", [*JIXIAO, "check", "data"])
    timed("check 全部（有缓存）", [*JIXIAO, "check", "data"], repeat=3)
    put_aside(cache)
    old_tree = older(before, Path(tmp) / "before") if before else None
    if old_tree is not None:  # the same by jixiao at ``before``, just before this one's, with an empty cache
        os.environ["PYTHONPATH"] = str(old_tree)
        timed(f"build（{before}）（首次）", [*JIXIAO, "build", "--no-pdf", "--out", "site"])
        os.environ.pop("PYTHONPATH", None)
        put_aside(work / "site")
        put_aside(cache)
    built = timed("build（首次）", [*JIXIAO, "build", "--no-pdf", "--out", "site"])
    site = work / "site"
    built.site, built.page = size_of(site), project_page(site, False)
    built.search = first_search_bytes(site, "jixiao") if search else None
    # Files are what a cold build spends most in the kernel on (making each one): how many it leaves.
    stored = [p for p in cache.rglob("*") if p.is_file()]
    NOTES.append(
        f"{count:,} 个项目{shape}：build（首次）后网站 {sum(1 for p in site.rglob('*') if p.is_file()):,} 个文件，"
        f"缓存 {len(stored):,} 个文件（{sum(p.stat().st_size for p in stored) / 1e6:.0f} MB）"
    )
    if shards:
        sharded(shards, count, timed, work, site, rows)
    git(work, "switch", "-qc", "修改")
    edit_one_project(data)
    timed("check --changed（改一个项目）", [*JIXIAO, "check", "--changed", "main"])
    again = timed("build（改一个项目后）", [*JIXIAO, "build", "--no-pdf", "--out", "site"])
    again.site = size_of(site)
    rows.append(serve_rounds(count, work, one, cache))
    git(work, "checkout", "--", str(one.relative_to(work)))
    put_aside(work / f"site-{cache.name}")
    put_aside(site)
    put_aside(cache)
    alone = timed("build --no-tables（首次）", [*JIXIAO, "build", "--no-pdf", "--no-tables", "--out", "site"])
    alone.site, alone.page = size_of(site), project_page(site, False)
    alone.search = built.search
    put_aside(site)
    git(work, "commit", "-qam", "改一个项目")  # so that switching branches takes the edit away and back
    if pdf:
        # The build as users run it: PDF booklets too when LibreOffice is installed. By jixiao at
        # ``before`` first (its own cache), then by this one, on the same data in the same run.
        versions = [(f"（{before}）", old_tree), ("", None)] if old_tree is not None else [("", None)]
        for label, tree in versions:
            if tree is not None:
                os.environ["PYTHONPATH"] = str(tree)
            git(work, "switch", "-q", "main")
            put_aside(cache)
            full = timed(f"build{label}（默认，首次）", [*JIXIAO, "build", "--out", "site"])
            full.site, full.page = size_of(site), project_page(site, False)
            timed(f"build{label}（默认，未改动）", [*JIXIAO, "build", "--out", "site"])
            git(work, "switch", "-q", "修改")
            timed(f"build{label}（默认，改一个项目后）", [*JIXIAO, "build", "--out", "site"])
            os.environ.pop("PYTHONPATH", None)
            put_aside(site)
        if libreoffice and (shutil.which("soffice") or shutil.which("libreoffice")):
            # The other PDF engine, in the same run: LibreOffice converting the Word booklets.
            git(work, "switch", "-q", "main")
            put_aside(cache)
            engine = [*JIXIAO, "build", "--pdf-engine", "libreoffice", "--out", "site"]
            timed("build --pdf-engine libreoffice（首次）", engine)
            git(work, "switch", "-q", "修改")
            timed("build --pdf-engine libreoffice（改一个项目后）", engine)
            put_aside(site)
    if hand:
        by_hand_docs(data, work / "hand" / "docs")
        (work / "hand" / "mkdocs.yml").write_text(BY_HAND_CONFIG, encoding="utf-8")
        wall, peak, finished, cpu = run(BY_HAND_BUILD, work / "hand", hand_limit)
        hand_site = work / "hand" / "site"
        # Stopped, the by-hand site is still measured as far as mkdocs wrote it: its size so far is a
        # lower bound of the whole, and its pages so far are whole pages (their size does not depend
        # on how many were written). Its search index is written last, so there is none to measure.
        site_size = size_of(hand_site) if hand_site.is_dir() else 0
        rows.append(
            Row(
                "mkdocs 手写网站（对照）",
                count,
                wall,
                cpu,
                peak,
                site_size,
                project_page(hand_site, True) if hand_site.is_dir() else 0,
                first_search_bytes(hand_site, "mkdocs") if finished else None,
                finished,
            )
        )
        if pdf and finished and rounds > 1 and count <= TURNS_UP_TO:
            NOTES.append(turns_note(count, shape, taking_turns(rounds, work, cache, hand_limit)))
    for row in rows:
        row.shape = shape
    return rows


BY_HAND_BUILD = [sys.executable, "-m", "mkdocs", "build", "-q"]  # the by-hand site, in its folder
NOTES: list[str] = []  # what the runs found besides the table: the merged site's equality, estimates
SERVE_ROUNDS = 5
TURNS_UP_TO = 1000  # projects: the size the goal "the default build at least 3× faster than by hand" names
TURNS = ["默认", "--no-pdf", "手写"]  # the builds that take turns (taking_turns), in the first round's order


def taking_turns(rounds: int, work: Path, cache: Path, hand_limit: float) -> dict[str, list[float]]:
    """The wall seconds of ``rounds`` cold default builds (an empty cache each time), as many cold builds
    without PDF and as many builds of the by-hand site, taking turns, the order rotating from round to round:
    the table's single runs are one sample each, and this machine's speed wanders by a tenth within minutes
    (five single runs of the same version within an hour gave ratios from 2.2 to 2.9, docs/performance.md).
    Their medians are compared; the build without PDF shows how much of the gap the booklets make."""
    builds = {  # the command, its folder, the site it writes, how long it may take (jixiao's: as long as it takes)
        TURNS[0]: ([*JIXIAO, "build", "--out", "site"], work, work / "site", None),
        TURNS[1]: ([*JIXIAO, "build", "--no-pdf", "--out", "site"], work, work / "site", None),
        TURNS[2]: (BY_HAND_BUILD, work / "hand", work / "hand" / "site", hand_limit),
    }
    seconds: dict[str, list[float]] = {name: [] for name in builds}
    for n in range(rounds):
        for name in TURNS[n % len(TURNS) :] + TURNS[: n % len(TURNS)]:
            command, folder, site, limit = builds[name]
            put_aside(site)
            put_aside(cache)
            seconds[name].append(run(command, folder, limit)[0])
    put_aside(work / "site")
    return seconds


def turns_note(count: int, shape: str, seconds: dict[str, list[float]]) -> str:
    medians = {name: statistics.median(runs) for name, runs in seconds.items()}
    hand = medians[TURNS[2]]
    shown = "；".join(f"{name} " + "、".join(f"{s:.2f}" for s in runs) for name, runs in seconds.items())
    return (
        f"{count:,} 个项目{shape}：默认的 build（含 PDF）、build --no-pdf（都是缓存为空）与手写网站轮流各生成 "
        f"{len(seconds[TURNS[0]])} 次（秒，{shown}），中位数 {medians[TURNS[0]]:.2f}、{medians[TURNS[1]]:.2f} 与 {hand:.2f} 秒："
        f"默认的 build 快 {hand / medians[TURNS[0]]:.1f} 倍，不含 PDF 快 {hand / medians[TURNS[1]]:.1f} 倍"
    )


def serve_rounds(count: int, work: Path, edited: Path, cache: Path) -> Row:
    """What an editor waits for after saving a file in ``jixiao serve``: one process (bench_serve.py's) builds
    the site once from the cache, untimed, then again after each edit of ``edited`` (its name, and a comment:
    bytes never seen), in-process, keeping what serve keeps. The median of the rounds after the first (which
    fills what the process keeps); no peak memory (the process lives on between rounds)."""
    serve = Path(__file__).with_name("bench_serve.py")
    command = [sys.executable, str(serve), "--serve", "-", str(work), str(edited), str(cache)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    figures = []
    for number in range(SERVE_ROUNDS):
        process.stdin.write(f"第 {number + 1} 轮\n")
        process.stdin.flush()
        wall, cpu = map(float, process.stdout.readline().split())
        figures.append((wall, cpu))
    process.stdin.close()
    process.wait()
    walls, cpus = zip(*figures[1:], strict=True)
    return Row("serve（改一个项目后，同一进程）", count, statistics.median(walls), statistics.median(cpus), 0)


def sharded(shards: int, count: int, timed: Callable[..., Row], work: Path, site: Path, rows: list[Row]) -> None:
    """The shards of ``build（首次）`` one after another, each without a cache (a new CI runner), their merge,
    the merged site against ``site`` byte for byte, and the estimate for 100,000 projects on 8 runners."""
    folders = [f"shard-{k}" for k in range(1, shards + 1)]
    parts = [
        timed(
            f"build --shard {k}/{shards}（首次）",
            [*JIXIAO, "build", "--no-pdf", "--shard", f"{k}/{shards}", "--out", folder],
            cached=False,
        )
        for k, folder in enumerate(folders, start=1)
    ]
    merged = timed(f"merge {shards} 个分片", [*JIXIAO, "merge", *folders, "-o", "merged"], cached=False)
    merged.site = size_of(work / "merged")
    differ = different_files(site, work / "merged")
    NOTES.append(
        f"{count} 个项目，{shards} 个分片合并后与一次生成的网站"
        + ("逐字节相同" if not differ else f"不同：{len(differ)} 个文件，如 {'、'.join(differ[:5])}")
        + f"（{sum(1 for p in site.rglob('*') if p.is_file())} 个文件）"
    )
    # A province of 100,000 projects on 8 runners like this machine: each shard checks all the data (that
    # part grows with the province) and builds an eighth of the units (12,500 projects); the merge grows
    # with the units (it links their files and joins their records). Linear, as measured up to 30,000.
    check_all = next((r.wall for r in rows if r.task == "check 全部（首次）" and r.projects == count), 0.0)
    units_work = sum(p.wall for p in parts) - shards * check_all  # the shards' own part, all of them together
    province, runners = 100_000, 8
    shard_time = check_all * province / count + units_work / count * province / runners
    merge_time = merged.wall * province / count
    NOTES.append(
        f"估计 {province:,} 个项目、{runners} 台与这台相同的机器：每个分片约 {shard_time:.0f} 秒（其中检查全部数据约 "
        f"{check_all * province / count:.0f} 秒），合并约 {merge_time:.0f} 秒，共约 {(shard_time + merge_time) / 60:.1f} 分钟"
        f"（不含 CI 的排队、安装和上传下载作业产物；由 {count} 个项目、{shards} 个分片的实测按项目数线性推算）"
    )
    # The same from CPU seconds, which other work on the machine does not inflate: a runner of this machine's
    # cores, idle, takes about CPU / cores where the work is spread over them (units, check), CPU where not.
    check_cpu = next((r.cpu for r in rows if r.task == "check 全部（首次）" and r.projects == count), 0.0)
    cores = os.cpu_count() or 1
    units_cpu = sum(p.cpu for p in parts) - shards * check_cpu
    shard_cpu = (check_cpu * province / count + units_cpu / count * province / runners) / cores
    merge_cpu = merged.cpu * province / count
    whole = next(r.cpu for r in rows if r.task == "build（首次）" and r.projects == count)
    NOTES.append(
        f"按 CPU 时间估计（不受机器上其他任务影响；{cores} 核的空闲机器）：每个分片约 {shard_cpu:.0f} 秒，"
        f"合并约 {merge_cpu:.0f} 秒（合并大多在一个进程中），共约 {(shard_cpu + merge_cpu) / 60:.1f} 分钟；"
        f"{shards} 个分片的 CPU 时间合计 {sum(p.cpu for p in parts):.0f} 秒，一次生成 {whole:.0f} 秒"
    )
    for note in NOTES[-3:]:  # now, too: the run goes on for a while
        print(note, flush=True)
    for folder in [*folders, "merged"]:
        put_aside(work / folder)


def put_aside(path: Path) -> None:
    """Move ``path`` (when there) into the measurement's temporary folder instead of deleting it; all goes
    when the last measurement ends. A file system may not give out again at once the inodes of files just
    deleted (ext4 without a journal, as on the virtual machines this was measured on, skips those of the
    last minutes): on that machine, 10,000 files took 3.3 s to make right after 60,000 were deleted and
    0.34 s before, so whichever build came after a deleted site of 10,000 projects (64,000 files) was
    slowed by it, and two versions measured one after the other were not compared fairly."""
    if path.exists():
        aside = path.parent / ".aside"  # on the same file system: a rename
        aside.mkdir(exist_ok=True)
        path.rename(aside / str(sum(1 for _ in aside.iterdir())))


def different_files(one: Path, two: Path) -> list[str]:
    """The files that are not byte for byte the same in both trees (or are in one only)."""
    names = {p.relative_to(root).as_posix() for root in (one, two) for p in root.rglob("*") if p.is_file()}
    return sorted(
        n for n in names if not (one / n).is_file() or not (two / n).is_file() or (one / n).read_bytes() != (two / n).read_bytes()
    )


def table(rows: list[Row], hand_limit: float) -> None:
    first = max([4, *(width(r.task + r.shape) for r in rows)]) + 2
    heads = (
        ("项目", 7),
        ("用时 s", 9),
        ("CPU s", 9),
        ("峰值内存 MB", 12),
        ("网站 MB", 9),
        ("项目页 KB", 10),
        ("首次搜索 KB", 12),
    )
    print(left("任务", first) + "".join(right(head, places) for head, places in heads))
    for r in rows:
        site = f"{r.site / 2**20:>9.0f}" if r.site else f"{'':>9}"
        page = f"{r.page / 1024:>10.1f}" if r.page else f"{'':>10}"
        search = f"{r.search / 1024:>12.0f}" if r.search else f"{'':>12}"
        flag = "" if r.finished else f"  （{hand_limit:.0f} s 内未完成，已停止；网站大小是停止时已写出的部分）"
        peak = f"{r.peak / 2**20:>12.0f}" if r.peak else f"{'':>12}"
        figures = f"{r.projects:>7}{r.wall:>9.2f}{r.cpu:>9.1f}{peak}{site}{page}{search}"
        print(f"{left(r.task + r.shape, first)}{figures}{flag}")


def ratios(rows: list[Row]) -> None:
    by = {(r.task, r.projects, r.shape): r for r in rows}
    for count, shape in sorted({(r.projects, r.shape) for r in rows}):
        hand, site, full, default = (
            by.get((t, count, shape))
            for t in ("mkdocs 手写网站（对照）", "build --no-tables（首次）", "build（首次）", "build（默认，首次）")
        )
        if hand is None or site is None or not site.site:
            continue
        # A stopped by-hand build gives lower bounds: it would have taken longer and written more.
        least = "" if hand.finished else "至少"
        line = f"{count} 个项目{shape}：网站比手写{least}快 {hand.wall / site.wall:.1f} 倍（CPU {hand.cpu / site.cpu:.1f} 倍）"
        if hand.site:
            line += f"，{least}小 {hand.site / site.site:.1f} 倍"
        if hand.finished:  # one mkdocs process against jixiao's workers: jixiao uses more memory
            line += f"，峰值内存 {site.peak / 2**20:.0f} MB（手写 {hand.peak / 2**20:.0f} MB）"
        if full is not None:
            line += f"；连同官方表格：{least}快 {hand.wall / full.wall:.1f} 倍"
        if default is not None:
            line += f"；默认的 build（含 PDF）：{least}快 {hand.wall / default.wall:.1f} 倍"
        print(line + ("" if hand.finished else f"（手写网站 {hand.wall:.0f} 秒未完成，已停止）"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--projects", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-hand", action="store_true", help="skip the by-hand mkdocs site")
    parser.add_argument("--hand-limit", type=float, default=1800, help="seconds before the by-hand build is given up")
    parser.add_argument(
        "--per-unit",
        type=int,
        nargs="+",
        default=[100],
        help="projects per unit, one run per shape (100: fewer large units; 5: many small ones)",
    )
    parser.add_argument(
        "--before", metavar="REV", help="also run the first build and the default builds by jixiao at REV (a commit)"
    )
    parser.add_argument("--no-default", action="store_true", help="skip the default build (with PDF)")
    parser.add_argument("--no-search", action="store_true", help="skip the first search in Chromium")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the builds with --pdf-engine libreoffice")
    parser.add_argument("--shards", type=int, default=0, metavar="N", help="also build N shards one after another and merge them")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        metavar="N",
        help=f"up to {TURNS_UP_TO:,} projects, build the default site, the site without PDF and the by-hand site "
        "N more times, taking turns (1: not)",
    )
    options = parser.parse_args()
    compiled()
    print(f"机器：{platform.processor() or platform.machine()}，CPU {os.cpu_count()} 核，Python {platform.python_version()}")
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as scratch:  # deleted once, after all is measured
        for count in options.projects:
            for per_unit in options.per_unit:
                part = measure(
                    count,
                    not options.no_hand,
                    options.hand_limit,
                    per_unit,
                    options.before,
                    not options.no_default,
                    options.shards,
                    not options.no_search,
                    not options.no_libreoffice,
                    Path(scratch),
                    options.rounds,
                )
                table(part, options.hand_limit)
                rows += part
                print(flush=True)
    print("全部：")
    table(rows, options.hand_limit)
    ratios(rows)
    for note in NOTES:
        print(note)


if __name__ == "__main__":
    main()
