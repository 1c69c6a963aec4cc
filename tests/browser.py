"""Real headless Chromium for the site's tests: a local server, a driver, its logs and axe-core.

Debian's ``chromium`` and ``chromium-driver`` (installed by .ci/run) are driven through Selenium;
nothing is downloaded at run time except axe-core from the npm registry, once, into tests/.cache/.
The browser starts with a fresh profile and with background networking off, so every request it
makes comes from the page under test: the tests assert none of them leaves 127.0.0.1.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CACHE = Path(__file__).resolve().parent / ".cache"
AXE = CACHE / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--force-device-scale-factor=1",
    "--lang=zh-CN",
)
DESKTOP = (1280, 900)
PHONE = (390, 844)


# Search as the search page does (docs/assets/jixiao/search.js), on the search page once it is ready.
# Arguments: the query, the filters ({region, year, unit, category, kind}), how many results; calls back
# with their addresses (site-relative page folders), or ['error: …'].
SEARCH = """
const done = arguments[arguments.length - 1];
const [query, filters, count] = arguments;
const ready = () => window.jixiaoSearch && window.jixiaoSearch.ready ? window.jixiaoSearch.ready
  : new Promise(resolve => setTimeout(() => resolve(ready()), 20));
ready().then(() => window.jixiaoSearch.find(query, filters || {}, count)).then(done).catch(e => done(['error: ' + e]));
"""


def available() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401 (only whether it is installed)
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        return "Debian's chromium and chromium-driver are not installed (.ci/run installs them)"
    return None


@contextlib.contextmanager
def serving(site: Path, log: list[tuple[str, int]] | None = None) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port); yields the base URL. Each request's path and the
    bytes sent are appended to ``log``: this sees the fetches of web workers too (Pagefind searches
    in one), which the page's DevTools log does not."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # the base class's signature
            pass

        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            if log is not None:
                target = Path(self.translate_path(self.path))
                sent = target.stat().st_size if target.is_file() else 0
                log.append((self.path.split("?")[0], sent))

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(downloads: Path | None = None) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="jixiao-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if downloads is not None:
        options.add_experimental_option(
            "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
        )
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_script_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def url(base: str, page: str) -> str:
    path, _, query = page.partition("?")
    return base + "/".join(quote(part) for part in path.split("/")) + (f"?{query}" if query else "")


def requests(driver: Any) -> list[str]:
    """Every URL the browser asked for since the last call (from the DevTools performance log)."""
    found = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            found.append(message["params"]["request"]["url"])
    return found


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def ensure_axe() -> Path | None:
    """axe-core's browser build, installed with npm into tests/.cache/axe on first use."""
    if AXE.is_file():
        return AXE
    npm = shutil.which("npm")
    if npm is None:
        return None
    AXE.parents[2].mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(AXE.parents[2]), "axe-core@4"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    return AXE if AXE.is_file() else None


def axe_violations(driver: Any, axe: Path) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the current page (WCAG 2.1 A and AA rules)."""
    driver.execute_script(axe.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},"
        " resultTypes: ['violations']}).then(r => done(r.violations)).catch(e => done([{id: 'axe-error', impact: "
        "'critical', help: String(e), nodes: []}]));"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n.get("html", "")[:120] for n in v.get("nodes", [])[:3])
        for v in violations
    )


def need_browser() -> None:
    reason = available()
    if reason:
        pytest.skip(reason)
