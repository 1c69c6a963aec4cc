"""The site's search measured as a reader meets it: hits of the query suite, and the first search's bytes and time.

    python tests/benchmarks/bench_search.py SITE [--generated DATA | --selfeval] [--queries N]

- the query suite (tests/search/queries.yaml) on a site built from the sample data/: how many queries find
  one of their pages among the first three results;
- with --selfeval, the suite's queries about results (selfeval_queries) on a site built from the made-up
  self-evaluation sample (tests/selfeval_sample.py);
- for a site built from generated data (tests/benchmarks/make_dataset.py; DATA is its data/ folder): N
  queries drawn from the data (a project's exact name, a part of three characters, its unit's name
  with a word of the project's name), the same hit rate;
- for each query of either, a first search in a fresh headless Chromium: the search page opened with
  ``?q=…`` from a plain static server (Python's http.server, no compression), the bytes of every file
  fetched after the page had loaded (search.js, the index's entry, token and result files), and the time
  from the page's load event to the results shown. Prints the median and the largest of each.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parents[1])]

import browser  # noqa: E402 (tests/ on the path first)
import search_suite  # noqa: E402

# Type the query into the ready search page and wait for the results: the time from the submit to the
# results shown, and the addresses shown.
FIRST = """
const done = arguments[arguments.length - 1];
const query = arguments[0];
const ready = () => window.jixiaoSearch && window.jixiaoSearch.ready ? window.jixiaoSearch.ready
  : new Promise(resolve => setTimeout(() => resolve(ready()), 10));
ready().then(() => {
  const before = window.jixiaoSearch.shownAt;
  const form = document.getElementById('jixiao-search-form');
  form.elements.q.value = query;
  const started = performance.now();
  form.requestSubmit();
  const wait = () => window.jixiaoSearch.shownAt !== before ? Promise.resolve()
    : new Promise(resolve => setTimeout(() => resolve(wait()), 2));
  return wait().then(() => done({ms: window.jixiaoSearch.shownAt - started,
    results: [...document.querySelectorAll('#jixiao-search-results a')].map(a => a.getAttribute('href'))}));
});
"""


def generated_queries(data: Path, count: int, seed: int = 0) -> list[search_suite.Query]:
    """Queries drawn from generated data, each with every page that answers it (generated names repeat
    from unit to unit): a project's exact name (the pages of that name), a part of three characters (the
    pages whose name has it) and its unit's name with the first four characters of its name (that unit's
    projects whose name has them)."""
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import project_order, project_stems
    from generator.render.layout import load_layout
    from generator.site.addresses import UnitAddress

    rng = random.Random(seed)
    pages: list[tuple[str, str, str]] = []  # (page, name, unit name)
    for folder in sorted(collect([data]).units.values(), key=lambda u: u.path):
        unit = load_unit(folder)
        unit.projects.sort(key=project_order)
        address = UnitAddress.of(folder.region_dir, unit.year, folder.path)
        pages.append((str(address.page), unit.name, unit.name))
        stems = project_stems(load_layout(unit.region.layout), unit.projects)
        pages += [(str(address.project_page(stem)), p.name, unit.name) for p, stem in zip(unit.projects, stems, strict=True)]
    projects = [p for p in pages if p[1] != p[2]]
    out: list[search_suite.Query] = []
    while len(out) < count:
        _page, name, unit = rng.choice(projects)
        start = rng.randrange(max(1, len(name) - 2))
        part, head = name[start : start + 3], name[:4]
        out.append(search_suite.Query(name, tuple(p for p, n, _ in pages if n == name)))
        out.append(search_suite.Query(part, tuple(p for p, n, _ in pages if part in n)))
        out.append(search_suite.Query(f"{unit} {head}", tuple(p for p, n, u in projects if u == unit and head in n)))
    return out[:count]


def first_search(site: Path, query: str) -> dict[str, Any]:
    """One first search of ``query`` in a fresh browser: the search page loads (with search.js and the
    index's entry), then the query is typed. Bytes: every search file fetched, the page's load included;
    ms: from the submit to the results shown."""
    log: list[tuple[str, int]] = []
    with browser.serving(site, log) as base, browser.chromium() as driver:
        driver.get(browser.url(base, "搜索/"))
        seen = driver.execute_async_script(FIRST, query)
        fetched = [(path, size) for path, size in log if "/search-index/" in path or path.endswith("/search.js")]
    return {"bytes": sum(size for _, size in fetched), "ms": seen["ms"], "files": len(fetched), "results": seen["results"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--generated", type=Path, help="the data/ folder the site was built from (generated data)")
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--first", type=int, default=10, help="how many first searches to time")
    parser.add_argument(
        "--selfeval", action="store_true", help="the suite's queries about results (a site of tests/selfeval_sample.py)"
    )
    args = parser.parse_args()
    suite = search_suite.SELFEVAL_QUERIES if args.selfeval else search_suite.SAMPLE_QUERIES
    queries = generated_queries(args.generated, args.queries) if args.generated else search_suite.load(key=suite)
    with browser.serving(args.site) as base, browser.chromium() as driver:
        driver.get(browser.url(base, "搜索/"))
        failed = search_suite.run(queries, lambda q: driver.execute_async_script(browser.SEARCH, q, {}, search_suite.TOP))
    print(f"top-{search_suite.TOP}: {len(queries) - len(failed)}/{len(queries)} queries found their page")
    for text, results in failed.items():
        print(f"  missed {text!r}: {results}")
    firsts = [first_search(args.site, q.text) for q in queries[: args.first]]
    sizes, times = [f["bytes"] for f in firsts], [f["ms"] for f in firsts]
    print(
        f"first search: {statistics.median(sizes) / 1000:.1f} KB median, {max(sizes) / 1000:.1f} KB at most; "
        f"{statistics.median(times):.0f} ms median, {max(times):.0f} ms at most after the page's load event "
        f"({len(firsts)} queries, {max(f['files'] for f in firsts)} files at most)"
    )


if __name__ == "__main__":
    main()
