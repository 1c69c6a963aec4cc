"""The region, year, home and unit pages sum up the projects' self-evaluations (generator/site/selfeval.py summarise),
from the made-up sample of tests/selfeval/ with a second, made-up year (虚构, tests/selfeval_sample.py) in which one
indicator is 未完成; and a region with targets only beside it gets exactly the pages it had without it."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
import selfeval_sample
from conftest import DATA

from generator.build import build

TARGETS_ONLY = "唐山市路南区"
REGION = Path("地区/示例县")
UNIT = selfeval_sample.UNIT


@pytest.fixture(scope="module")
def trees(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two sites: 示例县 (two years) with a region that has targets only, and that region alone."""
    root = tmp_path_factory.mktemp("summaries")
    data = selfeval_sample.two_years(root / "data")
    shutil.copytree(DATA / TARGETS_ONLY, data / TARGETS_ONLY)
    alone = root / "alone"
    shutil.copytree(DATA / TARGETS_ONLY, alone / TARGETS_ONLY)
    sites = []
    for tree, name in ((data, "site"), (alone, "alone-site")):
        result = build(tree, root / name, jobs=1, make_pdf=False, tables=False)
        assert result.report.exit_code() == 0
        sites.append(root / name)
    return sites[0], sites[1]


def text(site: Path, page: Path) -> str:
    source = (site / page / "index.html").read_text(encoding="utf-8")
    article = source[source.index("<article") : source.index("</article>")]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", article)))


def test_the_year_page_sums_up_its_projects_self_evaluations(trees: tuple[Path, Path]) -> None:
    page = text(trees[0], REGION / "2026")
    assert "2 个项目填报了运行监控或绩效自评，其中 1 个已完成自评（有得分），平均得分 91.52 分。" in page
    assert "自评等级 优 1 个，良 0 个，中 0 个，差 0 个" in page
    assert "指标完成情况 完成 7 项，部分完成 2 项，未填 10 项" in page
    assert "预算执行 全年预算数合计 10 万元，全年执行数合计 9.2 万元，执行率 92.00% （1 个项目填报了全年执行数）" in page


def test_the_projects_to_look_at_link_their_pages(trees: tuple[Path, Path]) -> None:
    page = text(trees[0], REGION / "2025")
    # 2025: 志愿服务人次 0 of 5000 scores nothing of its 8.33 (2026: 6.67), and 5 of 10 executed 5 of 10 (2026: 9.20).
    assert "平均得分 80.65 分" in page and "良 1 个" in page and "未完成 1 项" in page and "执行率 50.00%" in page
    listed = "需要关注的项目：得分最低的和有未完成指标的 项目名称 自评得分 等级 未完成指标 部分完成指标"
    assert f"{listed} 志愿服务活动专项 80.65 良 1 项 1 项" in page
    source = unquote((trees[0] / REGION / "2025" / "index.html").read_text(encoding="utf-8"))
    assert '<a href="../../../地区/示例县/2025/区委社会工作部/志愿服务活动专项/index.html">志愿服务活动专项</a>' in source


def test_the_region_page_sums_up_each_year_apart(trees: tuple[Path, Path]) -> None:
    page = text(trees[0], REGION)
    assert page.index("示例县 2026年 2 个项目填报了") < page.index("示例县 2025年 2 个项目填报了")
    assert "平均得分 91.52 分" in page and "平均得分 80.65 分" in page


def test_the_home_page_says_it_in_a_line_per_year(trees: tuple[Path, Path]) -> None:
    page = text(trees[0], Path())
    assert "绩效自评：2 个项目填报了运行监控或自评，1 个已完成自评，平均得分 80.65 分，预算执行率 50.00%" in page


def test_the_unit_page_has_the_same_figures_as_its_year(trees: tuple[Path, Path]) -> None:
    for year in ("2025", "2026"):
        unit, whole = text(trees[0], REGION / year / UNIT), text(trees[0], REGION / year)
        figures = re.search(r"2 个项目填报了运行监控或绩效自评.*?个项目填报了全年执行数）", whole)
        assert figures is not None
        assert figures.group(0).replace("各项目绩效自评汇总", "本单位各项目绩效自评汇总") in unit


def test_a_region_with_targets_only_gets_the_pages_it_had(trees: tuple[Path, Path]) -> None:
    site, alone = trees
    compared = 0
    for top in ("地区", "项目列表"):
        for path in sorted((alone / top / TARGETS_ONLY).rglob("index.html")):
            relative = path.relative_to(alone)
            assert (site / relative).read_bytes() == path.read_bytes(), relative
            compared += 1
    assert compared > 5
    assert "绩效自评" not in text(site, Path("地区") / TARGETS_ONLY / "2025")
