"""A site built across machines: ``jixiao build --shard K/N`` makes the units of one slice, ``jixiao merge``
joins the N slices into the site a single ``jixiao build`` writes, byte for byte.

A unit's pages, official tables, open data, PDF booklet and search records depend only on its own files
(and the same unit in its other years, its region's file, the git history, the theme): the unit is the
piece of work, as everywhere in the build. Each shard checks the whole data tree (the check is fast, and
the cross-file rules then hold exactly as in one build), takes its slice of the units and writes:

    <shard folder>/
      jixiao-shard.json   the manifest (below)
      site/               the slice's units, at their places in the site: tables/…, 地区/…, data/…
                          (with the PDF booklets)
      rows/               per unit, the records the whole-site pages are made from: NNNNNN.projects.csv and
                          NNNNNN.indicators.csv (rows of the joined open data), NNNNNN.site.csv (the rows
                          of the home page's lists, the unit's figures and its search records);
                          NNNNNN is the unit's place in the site's order

The manifest (JSON, ``format`` "jixiao-shard", ``version`` 1) says what the shard was made from and
with: the jixiao version and the fingerprint of its code and libraries (``code``), a digest of the data
tree and its git commit (``data``), the digest of the theme's frame (``frame``), ``shard`` K of
``shards`` N, the options (``tables``, ``pdf``: the PDF engine, or false), the number of units in the whole site, and for each of
its units its place, address and summary (what the home page needs), and the PDFs it made.

``jixiao merge`` (run in the data repository: the home page shows the recent changes from git) refuses,
with code R010, shards made from other data, by another jixiao, with other options, a shard that is
missing or given twice, or a wrong N; then it builds the editorial pages, puts every shard's units in
place, and writes the common parts from the records, as ``jixiao build`` does after its units.

The slice: units are weighed by their projects (the work of a unit, its pages, tables and booklet,
grows with them) and dealt, heaviest first, to the shard with the least work so far (ties: the lower
K). This balances shards to within one unit, whatever the units' sizes, where a hash of the names would
leave one runner with several large units. It depends only on the list of units, which the manifest
and the merge check: every unit is in exactly one shard.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator import __version__, atomic, cache, progress
from generator.build import TABLES, BuildResult, check_out, prepare, units_to_build
from generator.data.load import display_path
from generator.data.tree import UnitFolder
from generator.errors import JixiaoError, UsageError
from generator.render import pdf

FORMAT = "jixiao-shard"
VERSION = 1
MANIFEST = "jixiao-shard.json"
SITE = "site"
ROWS = "rows"


class ShardError(JixiaoError):
    """Shards that cannot be joined into one site."""

    code = "R010"


def parse(spec: str) -> tuple[int, int]:
    """``K/N`` (shard K of N, counted from 1) as numbers; a clear message for anything else."""
    found = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", spec)
    if found is None:
        raise UsageError(f"--shard 的值“{spec}”不对：应写成 K/N，如 2/8（共 N 片中的第 K 片，K 从 1 数起）")
    k, n = int(found[1]), int(found[2])
    if n < 1:
        raise UsageError(f"--shard {spec}：分片数 N 至少为 1")
    if not 1 <= k <= n:
        raise UsageError(f"--shard {spec}：K 应在 1 到 {n} 之间（共 {n} 片，从 1 数起）")
    return k, n


def assign(folders: list[UnitFolder], count: int) -> list[list[int]]:
    """The places (in ``folders``) of the units of each of ``count`` shards, each list in the site's order:
    heaviest unit first, to the shard with the least work so far."""
    loads = [(0, k) for k in range(count)]
    slices: list[list[int]] = [[] for _ in range(count)]
    for n in sorted(range(len(folders)), key=lambda n: (-_weight(folders[n]), n)):
        load, k = heapq.heappop(loads)
        slices[k].append(n)
        heapq.heappush(loads, (load + _weight(folders[n]), k))
    return [sorted(s) for s in slices]


def _weight(folder: UnitFolder) -> int:
    return len(folder.project_files) + 1  # the unit's own page and tables count too


def data_digest(data: Path) -> str:
    """Every file of the data tree (names and bytes) and the git commit (the pages show the history)."""
    digest = hashlib.sha256()
    try:
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=data, capture_output=True, text=True, check=False).stdout
    except OSError:  # no git: the history is not shown either
        head = ""
    digest.update(head.strip().encode() + b"\0")
    for folder, dirs, names in os.walk(data):
        dirs.sort()
        for name in sorted(names):
            path = Path(folder, name)
            digest.update(path.relative_to(data).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_shard(
    data: Path, out: Path, k: int, n: int, jobs: int | None = None, make_pdf: bool = True, tables: bool = True
) -> BuildResult:
    """Check the whole of ``data``; when it passes, write shard ``k`` of ``n`` into ``out``."""
    from generator.site import publish, reuse  # here: as in build.py, the site's modules load when needed

    result, folders = prepare(data, out / SITE / TABLES, jobs)
    if folders is None:
        return result
    chosen = assign(folders, n)[k - 1]
    _check_shard_out(out, data)
    with atomic.staging(out) as staging, tempfile.TemporaryDirectory(prefix="jixiao-shard-") as work:
        site = staging / SITE
        site.mkdir()
        units, start, pdfs = publish.write_units(
            data, site, Path(work), folders, chosen, jobs or os.cpu_count() or 1, make_pdf, tables
        )
        rows = staging / ROWS
        rows.mkdir()
        for number in chosen:
            for name in reuse.ROWS:
                cache.link_file(start.rows.file(number, name), rows / f"{number:06d}.{name}.csv")
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "jixiao": __version__,
            "code": cache.fingerprint(),
            "data": data_digest(data),
            "frame": hashlib.sha256(start.frame.read_bytes()).hexdigest(),
            "shard": k,
            "shards": n,
            "tables": tables,
            "pdf": pdf.engine() if start.booklet_pdf else False,
            "units_total": len(folders),
            "units": [
                {"number": number, "address": "/".join(s.address.parts), "summary": reuse.summary_json(s)}
                for number, s in zip(units.chosen, units.done, strict=True)
            ],
            "pdfs": pdfs,
        }
        (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        atomic.replace_folder(staging, out)
    result.pdf_note, result.pdfs = units.pdf_note, units.pdfs
    result.count_tables([s.tables for s in units.done if s.tables])
    result.units = len(units.done)
    projects = sum(s.projects for s in units.done)
    result.site = (
        f"分片 {k}/{n} → {display_path(out)}/（全部 {len(folders)} 个单位中的 {len(units.done)} 个，{projects} 个项目）；"
        f"全部 {n} 个分片生成后，用 jixiao merge 合并为网站"
    )
    result.written = True
    return result


def _check_shard_out(out: Path, data: Path) -> None:
    """Refuse to replace a folder that holds the data or the working folder, or that is not a shard."""
    target = out.resolve()
    for inside in (data.resolve(), Path.cwd().resolve()):
        if inside == target or target in inside.parents:
            raise UsageError(f"输出文件夹“{out}”包含数据或当前文件夹，生成分片时会被整个替换：请另选一个文件夹，如 shard-1")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise UsageError(f"输出文件夹“{out}”中有不是 jixiao 分片的文件，生成分片时会被整个替换：请另选一个文件夹，或先清空它")


@dataclass
class Shard:
    folder: Path
    manifest: dict[str, Any]

    @property
    def k(self) -> int:
        return int(self.manifest["shard"])


def read(folder: Path) -> Shard:
    """The shard in ``folder``, its manifest read and its format checked."""
    path = folder / MANIFEST
    if not path.is_file():
        raise ShardError(f"“{folder}”不是 jixiao build --shard 生成的分片文件夹（其中没有 {MANIFEST}）")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ShardError(f"分片“{folder}”的 {MANIFEST} 已损坏，无法读取（{exc}）") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ShardError(f"“{folder}”中的 {MANIFEST} 不是 jixiao 分片的清单")
    if manifest.get("version") != VERSION:
        raise ShardError(
            f"分片“{folder}”的格式是第 {manifest.get('version')} 版，这个 jixiao（{__version__}）只能合并第 {VERSION} 版："
            "请用同一版本的 jixiao 生成和合并"
        )
    for name, kind in (("shard", int), ("shards", int), ("units", list), ("pdfs", list), ("units_total", int)):
        if not isinstance(manifest.get(name), kind):
            raise ShardError(f"分片“{folder}”的 {MANIFEST} 不完整（缺少 {name}）")
    for folder_name in (SITE, ROWS):
        if not (folder / folder_name).is_dir():
            raise ShardError(f"分片“{folder}”不完整：缺少 {folder_name}/ 文件夹（下载的分片是否完整？）")
    return Shard(folder, manifest)


def agree(shards: list[Shard], data: Path) -> None:
    """Refuse shards that do not make one site of ``data`` together: made by other jixiao code, from other
    data, with other options, with different N, a shard missing or given twice."""
    first = shards[0]
    for shard in shards[1:]:
        for name, what in (
            ("jixiao", "jixiao 版本"),
            ("code", "jixiao 的代码、Python 或所用的库"),
            ("data", "数据（或其 git 提交）"),
            ("shards", "分片数"),
            ("tables", "是否生成官方表格（--no-tables）"),
            ("pdf", "PDF 汇编（是否生成：--no-pdf；用什么生成：--pdf-engine）"),
            ("frame", "网站的主题设置（mkdocs.yml）"),
        ):
            if shard.manifest.get(name) != first.manifest.get(name):
                raise ShardError(
                    f"分片“{shard.folder}”与“{first.folder}”的{what}不同"
                    f"（{shard.manifest.get(name)} 与 {first.manifest.get(name)}）："
                    "各分片必须用同一个 jixiao、同样的选项从同一份数据生成"
                )
    if first.manifest["jixiao"] != __version__ or first.manifest["code"] != cache.fingerprint():
        raise ShardError(
            f"分片由 jixiao {first.manifest['jixiao']} 生成，与运行合并的 jixiao {__version__}（或它的代码、Python、库）不同"
        )
    count = int(first.manifest["shards"])
    seen: dict[int, Path] = {}
    for shard in shards:
        if shard.k in seen:
            raise ShardError(f"分片 {shard.k}/{count} 给了两次：“{seen[shard.k]}”和“{shard.folder}”")
        seen[shard.k] = shard.folder
    missing = [str(k) for k in range(1, count + 1) if k not in seen]
    if missing:
        raise ShardError(f"缺少分片：共 {count} 片，没有第 {'、'.join(missing)} 片（给出了 {len(shards)} 个分片文件夹）")
    if first.manifest["data"] != data_digest(data):
        raise ShardError(f"分片生成时的数据与“{data}”现在的数据（或其 git 提交）不同：请在生成分片的同一个提交上合并")


def merge(folders: list[Path], data: Path, out: Path) -> tuple[int, int, str]:
    """Join the shards in ``folders`` into the site in ``out``; the number of pages, of units, and a note
    of the regions kept out (a layout missing or broken, as in ``jixiao build``)."""
    from generator.site import publish, reuse
    from generator.site.addresses import UnitAddress

    if not folders:
        raise UsageError("请写出要合并的分片文件夹，如 jixiao merge shard-1 shard-2 shard-3")
    progress.step("读取分片……")
    shards = sorted((read(folder) for folder in folders), key=lambda s: s.k)
    agree(shards, data)
    units, excluded = units_to_build(data)
    entries: dict[int, dict[str, Any]] = {}
    for shard, chosen in zip(shards, assign(units, len(shards)), strict=True):
        listed = shard.manifest["units"]
        numbers = [entry.get("number") for entry in listed if isinstance(entry, dict)]
        if numbers != chosen or shard.manifest["units_total"] != len(units):
            raise ShardError(f"分片“{shard.folder}”中的单位与数据中的单位不符：请用同一个 jixiao 在同一个提交上重新生成分片")
        entries.update(zip(numbers, listed, strict=True))
    for number, entry in entries.items():
        folder = units[number]
        address = "/".join(UnitAddress.of(folder.region_dir, folder.year, folder.path).parts)
        if entry.get("address") != address:
            raise ShardError(f"分片中第 {number + 1} 个单位是“{entry.get('address')}”，数据中是“{address}”：请重新生成分片")
    check_out(out, data)
    with atomic.staging(out) as staging, tempfile.TemporaryDirectory(prefix="jixiao-merge-") as work:
        start = publish.begin(data, staging, Path(work), units, make_pdf=False, tables=bool(shards[0].manifest["tables"]))
        if hashlib.sha256(start.frame.read_bytes()).hexdigest() != shards[0].manifest["frame"]:
            raise ShardError("网站的主题设置（mkdocs.yml）与生成分片时不同：请在生成分片的同一个提交上合并")
        for done, shard in enumerate(shards, start=1):
            _link_tree(shard.folder / SITE, staging)
            _link_tree(shard.folder / ROWS, start.scratch)
            progress.count("合并分片", done, len(shards), "个分片")
        try:
            summaries = [reuse.summary_from(entries[n]["summary"], staging) for n in range(len(units))]
        except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise ShardError(f"分片的清单 {MANIFEST} 不完整，无法读取单位的摘要（{exc}）") from exc
        pdfs = sorted(str(p) for s in shards for p in s.manifest["pdfs"])
        built = publish.merge_units(start, data, staging, units, summaries, pdfs)
        (staging / reuse.MARKER).write_text("jixiao build\n", encoding="utf-8")
        atomic.replace_folder(staging, out)
    note = f"以下地区的版式有错误，没有生成：{'、'.join(excluded)}；其他地区照常合并。" if excluded else ""
    return built.pages, len(units), note


def _link_tree(source: Path, target: Path) -> None:
    """Every file under ``source`` at the same place under ``target`` (a hard link, or a copy across file
    systems): the shard folders stay as they were."""
    for folder, _, names in os.walk(source):
        here = target / Path(folder).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in names:
            if (here / name).exists():
                raise ShardError(f"分片中的文件“{Path(folder, name)}”在合并的网站中已经有了：分片有重复的内容，请重新生成分片")
            cache.link_file(Path(folder, name), here / name)
