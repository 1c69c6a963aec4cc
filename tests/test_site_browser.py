"""The site in a real browser: a reader's way through it, search in Chinese, downloads, accessibility, phones.

Headless Chromium (Debian's) over the built site served on 127.0.0.1. Every test also asserts that
the browser reported no error and asked no host but 127.0.0.1 for anything. Screenshots at desktop
and phone width are saved to tests/.cache/screenshots/ (or $JIXIAO_SCREENSHOTS) for people to look at.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import browser
import pytest
from conftest import DATA

from generator.build import build
from generator.site import search as site_search

pytestmark = pytest.mark.skipif(browser.available() is not None, reason=str(browser.available()))

SCREENSHOTS = Path(os.environ.get("JIXIAO_SCREENSHOTS", browser.CACHE / "screenshots"))
VOLUNTEER = "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/"
TRAINING = "地区/株洲市渌口区/2026/区委组织部/新一届村（社区）两委干部履职能力提升培训/"
# Each query with a page it must find. The last ones need Chinese word splitting: without it a
# search only matches the beginning of a run of Chinese text.
QUERIES = [
    ("志愿", VOLUNTEER),
    ("村干部 培训", TRAINING),
    ("志愿服务活动专项", VOLUNTEER),
    ("服务活动", VOLUNTEER),
    ("能力提升", TRAINING),
    ("档案", "地区/株洲市渌口区/2026/区委组织部/干部人事档案数字化建设/"),
    ("养老保险", "地区/株洲市渌口区/2026/区委组织部/村（社区）主职养老保险补贴/"),
]
NEEDS_SPLITTING = {"志愿服务活动专项", "服务活动", "能力提升", "养老保险"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(DATA, tmp_path_factory.mktemp("browser") / "site", make_pdf=False)
    assert result.written
    return result.out.parent


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with browser.serving(site) as base:
        yield base


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    with browser.chromium(downloads=tmp_path / "downloads") as chromium:
        yield chromium


def assert_clean(driver: Any, base: str) -> None:
    """No console error, and no request to any host but the test server."""
    assert browser.console_errors(driver) == []
    host = urlparse(base).netloc
    for address in browser.requests(driver):
        parsed = urlparse(address)
        if parsed.scheme in ("data", "blob", "chrome", "about", "chrome-extension", "devtools"):
            continue
        assert parsed.netloc == host, address


def wait_for(driver: Any, script: str, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for: {script}")


def path_of(driver: Any) -> str:
    return unquote(urlparse(driver.current_url).path).lstrip("/")


def click_link(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By

    link = next(a for a in driver.find_elements(By.CSS_SELECTOR, "article a") if a.text.strip() == text)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()


def test_a_reader_goes_from_home_to_a_project_and_downloads_its_table(driver: Any, served: str, site: Path,
                                                                     tmp_path: Path) -> None:
    driver.set_window_size(*browser.DESKTOP)
    driver.get(served)
    assert driver.title == "预算绩效目标公开 - 预算绩效目标公开" or "预算绩效目标公开" in driver.title
    click_link(driver, "株洲市渌口区 2026年")
    assert path_of(driver) == "地区/株洲市渌口区/2026/"
    click_link(driver, "中共株洲市渌口区委社会工作部")
    assert path_of(driver) == "地区/株洲市渌口区/2026/区委社会工作部/"
    click_link(driver, "志愿服务活动专项")
    assert path_of(driver) == VOLUNTEER
    assert driver.find_element("css selector", "h1").text == "志愿服务活动专项"
    click_link(driver, "官方表格：Excel")
    target = tmp_path / "downloads" / "志愿服务活动专项.xlsx"
    published = (site / "tables/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.xlsx").read_bytes()

    def finished() -> bool:  # Chromium writes into a .crdownload file and renames it when the download is whole
        return target.is_file() and not list(target.parent.glob("*.crdownload")) and target.read_bytes() == published

    deadline = time.monotonic() + 10
    while not finished() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert finished() and published[:2] == b"PK"
    assert_clean(driver, served)


def test_searching_zhiyuan_finds_the_volunteer_project_in_the_search_page(driver: Any, served: str) -> None:
    driver.set_window_size(*browser.DESKTOP)
    driver.get(served)
    box = driver.find_element("css selector", "#jixiao-q")
    box.send_keys("志愿")
    box.submit()
    wait_for(driver, "return document.querySelector('.pagefind-ui__result-link')")
    titles = driver.execute_script(
        "return [...document.querySelectorAll('.pagefind-ui__result-link')].map(a => a.textContent.trim())")
    assert "志愿服务活动专项" in titles
    link = next(a for a in driver.find_elements("css selector", ".pagefind-ui__result-link")
                if a.text.strip() == "志愿服务活动专项")
    link.click()
    assert path_of(driver) == VOLUNTEER
    assert_clean(driver, served)


def search(driver: Any, base: str, query: str) -> list[str]:
    return [unquote(urlparse(u).path).lstrip("/") for u in driver.execute_async_script(browser.SEARCH, base, query, 30)]


def misses(driver: Any, base: str) -> set[str]:
    """The queries of QUERIES that do not find their page."""
    driver.get(base)
    return {query for query, page in QUERIES if page not in search(driver, base, query)}


def test_chinese_search_finds_every_query(driver: Any, served: str) -> None:
    assert misses(driver, served) == set()
    assert_clean(driver, served)


def test_the_same_queries_fail_without_chinese_word_splitting(driver: Any, site: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(site, plain, ignore=shutil.ignore_patterns("pagefind", "pagefind-shards", "tables"))
    site_search.index(plain, cjk=False)
    with browser.serving(plain) as base:
        missed = misses(driver, base)
    assert missed, "the queries must depend on Chinese word splitting, or this test proves nothing"
    assert missed <= NEEDS_SPLITTING and "服务活动" in missed


def test_first_search_downloads_a_small_part_of_the_index(driver: Any, site: Path) -> None:
    log: list[tuple[str, int]] = []
    with browser.serving(site, log) as base:
        driver.get(base)
        before = len(log)
        assert VOLUNTEER in search(driver, base, "志愿")
    fetched = log[before:]
    bundles = [site / "pagefind", *sorted((site / "pagefind-shards").iterdir())]
    assert len(bundles) > 1  # the main bundle and the shards of unit pages (site/search.py)
    chunks = [path for path, _ in fetched if "/index/" in path]
    assert chunks and all(path.startswith(("/pagefind/", "/pagefind-shards/")) for path in chunks)
    assert len(chunks) <= sum(len(list((bundle / "index").iterdir())) for bundle in bundles)
    total = sum(p.stat().st_size for bundle in bundles for p in bundle.rglob("*") if p.is_file())
    assert sum(size for _, size in fetched) < total


PAGES = ["", "地区/株洲市渌口区/", "地区/株洲市渌口区/2026/", "地区/株洲市渌口区/2026/区委社会工作部/", VOLUNTEER,
         "地区/唐山市路南区/2025/区委社会工作部/", "地区/唐山市路南区/2025/区委社会工作部/劳务费/", "编辑指南/", "公开数据/",
         "搜索/?q=志愿"]


def test_no_serious_accessibility_violation_and_screens_fit_phones(driver: Any, served: str) -> None:
    axe = browser.ensure_axe()
    if axe is None:
        pytest.skip("axe-core could not be installed with npm")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for n, page in enumerate(PAGES):
        for label, size in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
            driver.set_window_size(*size)
            driver.get(browser.url(served, page))
            if "q=" in page:
                wait_for(driver, "return document.querySelector('.pagefind-ui__result-link')")
            wide = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{page} is {wide}px wider than a {label} screen"
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(size[0], min(height + 150, 6000))
            driver.save_screenshot(str(SCREENSHOTS / f"{n:02d}-{label}.png"))
            if label == "desktop":
                driver.set_window_size(*size)
            violations = browser.axe_violations(driver, axe)
            if violations:
                problems.append(f"{page or '首页'} ({label}):\n{browser.describe(violations)}")
    assert not problems, "\n".join(problems)
    assert_clean(driver, served)
