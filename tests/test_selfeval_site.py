"""The site shows a project's monitoring and self-evaluation beside its targets (generator/site/selfeval.py), from
the made-up sample of tests/selfeval/."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from conftest import ROOT

from generator.build import build

SAMPLE = ROOT / "tests" / "selfeval"
UNIT = Path("地区/示例县/2026/区委社会工作部")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = build(SAMPLE, out, jobs=1, make_pdf=False)
    assert result.report.exit_code() == 0
    return out


def text(site: Path, page: Path) -> str:
    source = (site / page / "index.html").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", source)))


def test_the_project_page_sets_each_target_against_its_result(site: Path) -> None:
    page = text(site, UNIT / "志愿服务活动专项")
    assert "自评得分 91.52 分，等级 优 。" in page
    assert "完成 7 项，部分完成 2 项" in page
    assert "志愿服务人次 ≥5000人 2026-06-30：1800人 4000人 部分完成 8.33 6.67 偏差原因：下半年" in page
    assert "92.00%，得 9.20 分" in page
    # the budget by funding source, as the 自评表's 其中 rows
    assert "其中：当年财政拨款 年初 8 万元，全年预算 8 万元，执行 7.2 万元" in page
    assert "上年结转资金 年初 2 万元，全年预算 2 万元，执行 2 万元" in page


def test_a_project_only_monitored_has_no_score_yet(site: Path) -> None:
    page = text(site, UNIT / "两新党组织党务工作者津贴")
    assert "2026-06-30：480小时" in page and "未填" in page
    assert "自评得分" not in page


def test_the_project_page_links_its_printed_tables(site: Path) -> None:
    source = unquote((site / UNIT / "志愿服务活动专项" / "index.html").read_text(encoding="utf-8"))
    assert "志愿服务活动专项-自评表.docx" in source and "志愿服务活动专项-运行监控表.xlsx" in source
    unit = unquote((site / UNIT / "index.html").read_text(encoding="utf-8"))
    assert "-自评表" not in unit  # a project's table, not the unit's


def test_open_data_has_the_results(site: Path) -> None:
    import csv

    with (site / "data" / "indicators.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {(r["项目名称"], r["三级指标"]): r for r in csv.DictReader(f)}
    row = rows[("志愿服务活动专项", "志愿服务人次")]
    assert (row["实际完成值"], row["是否完成"], row["分值"], row["得分"]) == ("4000", "部分完成", "8.33", "6.67")
    assert row["偏差原因"].startswith("下半年")
    assert rows[("两新党组织党务工作者津贴", "工作时长")]["得分"] == ""  # monitored, not yet evaluated
    with (site / "data" / "projects.csv").open(encoding="utf-8-sig", newline="") as f:
        project = next(r for r in csv.DictReader(f) if r["项目名称"] == "志愿服务活动专项")
    assert project["预算执行.全年执行数"] == "9.2"


def test_the_unit_page_sums_up_each_projects_self_evaluation(site: Path) -> None:
    page = text(site, UNIT)
    assert "志愿服务活动专项 91.52 优 完成 7 项，部分完成 2 项 92.00%" in page
    assert "两新党组织党务工作者津贴 未完成自评 未填 10 项" in page


def test_open_data_has_the_budget_by_funding_source(site: Path) -> None:
    import csv

    with (site / "data" / "projects.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {r["项目名称"]: r for r in csv.DictReader(f)}
    row = rows["志愿服务活动专项"]
    assert row["预算执行.资金来源.当年财政拨款.全年执行数"] == "7.2"
    assert row["预算执行.资金来源.上年结转资金.年初预算数"] == "2"
    assert row["预算执行.资金来源.其他资金.全年预算数"] == ""


def test_open_data_of_a_project_has_its_self_evaluation_after_the_columns_it_had(site: Path) -> None:
    import csv
    import json

    from generator.site import exports

    with (site / "data" / "projects.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    assert header[-9:] == [
        "网页",
        "自评.总分",
        "自评.等级",
        "自评.执行率",
        "自评.全年预算数",
        "自评.全年执行数",
        "自评.完成指标数",
        "自评.部分完成指标数",
        "自评.未完成指标数",
    ]
    by_name = {row[header.index("项目名称")]: row[-8:] for row in rows}
    assert by_name["志愿服务活动专项"] == ["91.52", "优", "92.00", "10", "9.2", "7", "2", "0"]
    assert by_name["两新党组织党务工作者津贴"] == ["", "", "", "22", "", "0", "0", "0"]  # monitored, not yet evaluated
    described = json.loads((site / "data" / "datapackage.json").read_text(encoding="utf-8"))
    columns = {c["name"]: c for c in described["resources"][0]["schema"]["fields"]}
    assert columns["自评.总分"]["type"] == "number" and columns["自评.未完成指标数"]["type"] == "integer"
    assert len(columns) == len(exports.project_columns())
    document = json.loads((site / "data" / UNIT.relative_to("地区") / "志愿服务活动专项.json").read_text(encoding="utf-8"))
    assert document["自评"] == {
        "总分": 91.52,
        "等级": "优",
        "执行率": 92.0,
        "全年预算数": 10,
        "全年执行数": 9.2,
        "完成指标数": 7,
        "部分完成指标数": 2,
        "未完成指标数": 0,
    }
    frictionless = pytest.importorskip("frictionless")  # the columns are what datapackage.json says they are
    for name in ("projects", "indicators"):
        report = frictionless.validate(str(site / "data" / "datapackage.json"), resource_name=name)
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
