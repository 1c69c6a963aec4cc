"""The search query suite (tests/search/queries.yaml): everyday queries with the pages that answer them.

A query passes when one of its pages is among the first ``TOP`` results. A second list (``selfeval_queries``) asks
for results of the made-up self-evaluation sample, on a site built from tests/selfeval_sample.py. Shared by the browser tests
(tests/test_site_browser.py) and the benchmark (tests/benchmarks/bench_search.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

SUITE = Path(__file__).resolve().parent / "search" / "queries.yaml"
TOP = 3


@dataclass(frozen=True)
class Query:
    text: str
    pages: tuple[str, ...]  # site-relative page folders ("地区/…/项目"), or a prefix ending in "*"

    def answered_by(self, page: str) -> bool:
        page = page.replace("/#", "#").strip("/")  # "…/项目/#self-evaluation": the project page at that section
        for wanted in self.pages:
            if wanted.endswith("*") and page.startswith(wanted[:-1]):
                return True
            if page == wanted:
                return True
        return False

    def passes(self, results: list[str]) -> bool:
        return any(self.answered_by(r) for r in results[:TOP])


SAMPLE_QUERIES = "queries"  # on the sample site (data/)
SELFEVAL_QUERIES = "selfeval_queries"  # on the made-up self-evaluation sample (tests/selfeval_sample.py)


def load(path: Path = SUITE, key: str = SAMPLE_QUERIES) -> list[Query]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    aliases = {k: v for k, v in raw.items() if k not in (SAMPLE_QUERIES, SELFEVAL_QUERIES)}

    def expand(page: str) -> str:
        head, _, rest = page.partition("/")
        return f"{aliases[head]}/{rest}".rstrip("/") if head in aliases else page

    return [Query(str(text), tuple(expand(p) for p in pages)) for text, pages in raw[key].items()]


def run(queries: list[Query], search: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """The queries that fail, each with the results it got (its first TOP)."""
    failed = {}
    for query in queries:
        results = search(query.text)
        if not query.passes(results):
            failed[query.text] = results[:TOP]
    return failed
