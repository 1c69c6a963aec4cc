"""Search finds projects by their monitoring and self-evaluation (generator/site/search.py RESULTS, search.js) in
real Chromium, on the made-up sample (虚构, tests/selfeval_sample.py): the suite's selfeval_queries, each opening the
project page at its 绩效运行监控和自评 section, with the score as the result's line."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
import search_suite
import selfeval_sample

from generator.build import build

pytestmark = pytest.mark.skipif(browser.available() is not None, reason=str(browser.available()))

VOLUNTEER_2025 = "地区/示例县/2025/区委社会工作部/志愿服务活动专项/"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("selfeval-search")
    result = build(selfeval_sample.two_years(root / "data"), root / "site", jobs=1, make_pdf=False, tables=False)
    assert result.report.exit_code() == 0
    with browser.serving(root / "site") as base:
        yield base


@pytest.fixture
def driver() -> Iterator[Any]:
    with browser.chromium() as chromium:
        yield chromium


def search(driver: Any, query: str) -> list[str]:
    return list(driver.execute_async_script(browser.SEARCH, query, {}, search_suite.TOP))


def test_the_queries_about_results_find_their_section(driver: Any, served: str) -> None:
    queries = search_suite.load(key=search_suite.SELFEVAL_QUERIES)
    assert len(queries) >= 19
    driver.get(browser.url(served, "搜索/index.html"))
    assert search_suite.run(queries, lambda q: search(driver, q)) == {}
    assert browser.console_errors(driver) == []


def test_a_result_found_in_the_self_evaluation_shows_the_score_and_opens_there(driver: Any, served: str) -> None:
    driver.get(browser.url(served, "搜索/index.html?q=未完成"))
    driver.execute_async_script(browser.SEARCH, "未完成", {}, 3)  # waits until search is ready
    link = driver.find_element("css selector", "#jixiao-search-results a")
    item = driver.find_element("css selector", "#jixiao-search-results li")
    assert "自评得分 80.65 分（良）；完成 7 项，部分完成 1 项，未完成 1 项；执行率 50.00%" in item.text
    link.click()
    assert driver.execute_script("return decodeURIComponent(location.pathname + location.hash)").endswith(
        VOLUNTEER_2025 + "index.html#self-evaluation"
    )
    assert driver.execute_script("return document.getElementById('self-evaluation').getBoundingClientRect().top") < 200


def test_a_project_found_by_its_name_opens_at_the_top(driver: Any, served: str) -> None:
    driver.get(browser.url(served, "搜索/index.html"))
    found = search(driver, "志愿服务活动专项")
    assert found[0].endswith("/志愿服务活动专项/"), found  # no section: the name is the page's


SUMMARY_PAGES = ("地区/示例县/index.html", "地区/示例县/2025/index.html", "地区/示例县/2025/区委社会工作部/index.html")


def test_the_summaries_fit_a_phone_as_cards_and_have_no_accessibility_violation(driver: Any, served: str) -> None:
    axe = browser.ensure_axe()
    folder = Path(os.environ.get("JIXIAO_SCREENSHOTS", browser.CACHE / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    for n, page in enumerate(SUMMARY_PAGES):
        for label, size in (("desktop", browser.DESKTOP), ("phone", browser.PHONE)):
            driver.set_window_size(*size)
            driver.get(browser.url(served, page))
            assert driver.find_element("css selector", "#self-evaluation")
            wide = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
            assert wide <= 0, f"{page} is {wide}px wider than a {label} screen"
            shown = driver.execute_script(
                "return getComputedStyle(document.querySelector('table.jixiao-cards tbody tr')).display"
            )
            assert shown == ("flex" if label == "phone" else "table-row"), (page, label)
            height = driver.execute_script("return document.documentElement.scrollHeight")
            driver.set_window_size(size[0], min(height + 150, 6000))
            driver.save_screenshot(str(folder / f"selfeval-{n}-{label}.png"))
            driver.set_window_size(*size)
            if axe is not None:
                assert browser.axe_violations(driver, axe) == [], page
    assert browser.console_errors(driver) == []


def test_with_every_result_shown_there_is_no_button_for_more(driver: Any, served: str) -> None:
    driver.get(browser.url(served, "搜索/index.html?q=未完成"))
    driver.execute_async_script(browser.SEARCH, "未完成", {}, 3)
    more = driver.find_element("css selector", "#jixiao-search-more")
    assert driver.execute_script("return document.querySelectorAll('#jixiao-search-results li').length") == 1
    assert not more.is_displayed()


def test_on_a_phone_each_result_is_a_card_headed_by_its_indicator(driver: Any, served: str) -> None:
    driver.set_window_size(*browser.PHONE)
    driver.get(browser.url(served, VOLUNTEER_2025 + "index.html"))
    row = driver.find_element("css selector", "table.jixiao-results tbody tr")
    name = row.find_element("css selector", "th")
    assert name.is_displayed() and name.text == "志愿者人数"
    actual = row.find_element("css selector", "td[data-label='实际完成值']")
    assert actual.text == "520人"
    assert driver.execute_script("return getComputedStyle(arguments[0], '::before').content", actual) == '"实际完成值："'
    assert driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth") <= 0
