"""Search in Chinese with Pagefind: an index in small pieces, built from the finished pages.

Pagefind's extended build splits Chinese text into words (志愿服务活动专项 → 志愿 服务 活动 专项), so
a search finds a word inside a longer name, and several words narrow the results. The index is cut
into chunks by word: a reader's browser downloads the small entry file, the search program and
only the chunks for the words typed, never the whole index (the built-in index of mkdocs-material
was one 44 MB file at 10,000 projects). Pages are indexed from their <article>; breadcrumbs,
downloads and 修订记录 are marked data-pagefind-ignore.

The index is made of several Pagefind bundles, which the search page merges in the browser
(Pagefind's mergeIndex):

- ``pagefind/``: the site's own pages (home, region and year pages, guides), and Pagefind's scripts;
- ``pagefind-shards/NN/``: the unit and project pages, each unit in the shard its address hashes to.

Pagefind has no incremental mode and takes about 2 ms a page, so one index of 10,000 projects took
20 s to make again after any edit. With shards, a build makes again only the shards whose units
changed (site/reuse.py), and a cold build makes them in parallel. The number of shards grows with
the site (about 1,000 pages each, a power of two so that it seldom changes); a reader's first search
fetches one small chunk per shard. ``pagefind/shards.json`` lists the shards for the search page.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from generator import cache
from generator.errors import SiteError

BUNDLE = "pagefind"
SHARDS = "pagefind-shards"
SHARD_LIST = "shards.json"
PAGES_PER_SHARD = 1000
MAX_SHARDS = 64


def shard_count(pages: int) -> int:
    """How many shards the unit and project pages go into: a power of two, about PAGES_PER_SHARD pages each."""
    count = 1
    while count < MAX_SHARDS and count * PAGES_PER_SHARD < pages:
        count *= 2
    return count


def shard_of(address: str, count: int) -> int:
    """The shard of the unit at ``address`` (地区/年度/单位): a stable hash, so a unit keeps its shard
    while others come and go."""
    return int.from_bytes(hashlib.blake2b(address.encode("utf-8"), digest_size=8).digest(), "big") % count


def shard_folder(number: int) -> PurePosixPath:
    return PurePosixPath(SHARDS, f"{number:02d}")


def index(site: Path, cjk: bool = True, output: Path | None = None) -> None:
    """Index every page of ``site`` (its index.html files) into one bundle. ``cjk=False`` indexes without
    Chinese word splitting (everything as English), which the tests use to show that splitting is what
    finds words."""
    _run(site, output, cjk)


def index_pages(pages: Iterable[tuple[Path, PurePosixPath]], view: Path, output: Path, cjk: bool = True) -> None:
    """Index the given pages (each a file and its place in the site) into the bundle ``output``.

    Pagefind reads a folder: the pages are hard-linked into ``view`` at their places in the site, so
    the addresses in the index are the site's, wherever the files come from (the new site or the
    last one)."""
    for source, place in pages:
        target = view.joinpath(*place.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        cache.link_file(source, target)
    _run(view, output, cjk)


def index_all(jobs: list[tuple[list[tuple[Path, PurePosixPath]], Path, Path]], workers: int) -> None:
    """Several bundles (pages, view, output) at once: Pagefind uses one core per bundle."""
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        list(pool.map(lambda job: index_pages(*job), jobs))


def write_shard_list(site: Path, shards: Iterable[PurePosixPath]) -> None:
    """``pagefind/shards.json``: the bundles the search page merges, relative to the site's root."""
    listed = [f"{shard.as_posix()}/" for shard in sorted(shards)]
    (site / BUNDLE / SHARD_LIST).write_text(json.dumps({"shards": listed}, ensure_ascii=False) + "\n", encoding="utf-8")


def _run(site: Path, output: Path | None, cjk: bool) -> None:
    command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", "**/index.html",
               "--root-selector", "article", "--exclude-selectors", ".headerlink", "--silent"]
    if output is not None:
        command += ["--output-path", str(output)]
    if not cjk:
        command += ["--force-language", "en"]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise SiteError(f"无法运行 Pagefind：{exc}") from exc
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        hint = "请安装：pip install 'pagefind[extended]'" if "No module named" in result.stderr else ""
        raise SiteError(f"Pagefind 未能生成搜索索引：{detail[-1] if detail else result.returncode}{hint}")
