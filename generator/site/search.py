"""Search in Chinese with Pagefind: an index in small pieces, built from the finished pages.

Pagefind's extended build splits Chinese text into words (志愿服务活动专项 → 志愿 服务 活动 专项), so
a search finds a word inside a longer name, and several words narrow the results. The index is cut
into chunks by word: a reader's browser downloads the small entry file, the search program and
only the chunks for the words typed, never the whole index (the built-in index of mkdocs-material
was one 44 MB file at 10,000 projects). Pages are indexed from their <article>; breadcrumbs,
downloads and 修订记录 are marked data-pagefind-ignore.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.site.engine import SiteError

BUNDLE = "pagefind"


def index(site: Path, cjk: bool = True, output: Path | None = None) -> None:
    """Index every page of ``site`` (its index.html files). ``cjk=False`` indexes without Chinese word
    splitting (everything as English), which the tests use to show that splitting is what finds words."""
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
