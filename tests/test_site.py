"""The website: every page and link, open data equal to the YAML, hostile text shown as text, same bytes twice."""

from __future__ import annotations

import csv
import json
import re
import shutil
import subprocess
import sys
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlparse

import pytest
from click.testing import CliRunner
from conftest import DATA, ROOT
from jinja2 import meta

from generator.build import BuildResult, build, check_out
from generator.check import run
from generator.cli import cli
from generator.data.load import Document, load
from generator.errors import BuildError, SiteError
from generator.site import engine, exports, hooks, pages
from generator.site.field_reference import FIELDS_PAGE, fields_markdown
from generator.site.shell import Shell, ShellError


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = build(DATA, tmp_path_factory.mktemp("built") / "site", make_pdf=False)
    assert result.written, result.report.diagnostics
    return result.out.parent


def data_files() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.yaml") if p.name != "地区.yaml")


def yaml_data(path: Path) -> dict[str, Any]:
    loaded = load(path)
    assert isinstance(loaded, Document)
    return loaded.data


def exact(value: Any) -> str:
    """A YAML value as an export must write it: numbers with exactly their digits."""
    if value is None:
        return ""
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return format(Decimal(value), "f")
    return str(value)


class Page(HTMLParser):
    """Links, resources, attributes and text of one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            self.attributes.append((tag, name, value or ""))
            if name in ("href", "src") and value:
                self.links.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts)


def test_every_data_file_has_its_page(site: Path) -> None:
    for path in data_files():
        region, year, unit = path.relative_to(DATA).parts[:3]
        folder = site / "地区" / region / year / unit
        page = folder / "index.html" if path.name == "单位.yaml" else folder / path.stem / "index.html"
        assert page.is_file(), path
        name = yaml_data(path).get("项目名称") or yaml_data(path)["单位名称"]
        assert f'<h1 id="jixiao-title">{name}</h1>' in page.read_text(encoding="utf-8")
    for region in DATA.iterdir():
        assert (site / "地区" / region.name / "index.html").is_file()
    for name in (
        "index.html",
        "搜索/index.html",
        "公开数据/index.html",
        "字段说明/index.html",
        "问题代码/index.html",
        "编辑指南/index.html",
        "审核指南/index.html",
        "data/datapackage.json",
        "search-index/entry.js",
    ):
        assert (site / name).is_file(), name


def test_every_link_and_resource_resolves_inside_the_site(site: Path) -> None:
    root = site.resolve()
    for path in html_pages(site):
        if "tables" in path.relative_to(site).parts:
            continue
        base = "http://site/" + path.relative_to(site).as_posix()
        for link in parse(path).links:
            target = urlparse(urljoin(base, link))
            if (target.scheme in ("http", "https") and target.netloc != "site") or target.scheme in ("mailto", "data"):
                continue
            assert target.scheme == "http", (path, link)
            local = (root / unquote(target.path).lstrip("/")).resolve()
            assert local.is_relative_to(root), (path, link)
            assert local.is_file() or (local / "index.html").is_file(), (path, link)


def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    for path in html_pages(site):
        assert hooks.outside_requests(path.read_text(encoding="utf-8")) == [], path
    for path in site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", path.read_text(encoding="utf-8")), path


def test_project_page_shows_the_form_grouped_with_findings_and_downloads(site: Path) -> None:
    folder = site / "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项"
    text = (folder / "index.html").read_text(encoding="utf-8")
    assert "<caption>绩效指标（9 项）</caption>" in text
    assert '<th scope="rowgroup" rowspan="5">产出指标</th><th scope="row" rowspan="3">数量指标</th>' in text
    assert text.count("<tbody>") >= 4  # one row group per 一级指标
    assert "V007 满意度指标的比较符号不对" in text and "绩效指标第 9 行（群众满意度）的指标值类型" in text
    assert '<a class="jixiao-flag" href="#finding-1"' in text
    page = parse(folder / "index.html")
    downloads = [unquote(link) for link in page.links if "/tables/" in unquote(link) or "/data/" in unquote(link)]
    assert {Path(d).suffix for d in downloads} == {".html", ".docx", ".xlsx", ".json", ".csv"}
    assert 'class="jixiao-scroll"' in text and "修订记录" in text


def test_unit_pages_show_department_table_or_narrative_and_summary(site: Path) -> None:
    hunan = (site / "地区/株洲市渌口区/2026/区委社会工作部/index.html").read_text(encoding="utf-8")
    assert "部门整体支出绩效目标表" in hunan and "年度履职目标" in hunan and "资金总额" in hunan
    assert "项目支出绩效目标汇总表（金额单位：万元）" in hunan and '<td class="jixiao-number">32</td>' in hunan
    assert "X003" in hunan  # the unit's acknowledged finding, with its reason
    hebei = (site / "地区/唐山市路南区/2025/区委社会工作部/index.html").read_text(encoding="utf-8")
    assert "部门整体绩效目标" in hebei and "工作保障措施" in hebei and "单位汇编" in hebei


def test_home_page_has_totals_per_region_and_year_charts_linking_units_and_changes(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    by_year: dict[tuple[str, str], list[Path]] = {}
    for path in data_files():
        if path.name != "单位.yaml":
            region, year = path.relative_to(DATA).parts[:2]
            by_year.setdefault((region, year), []).append(path)
    total = Decimal(0)
    for (region, year), files in by_year.items():
        budget = sum((Decimal(str(yaml_data(p).get("项目金额") or 0)) for p in files), Decimal(0))
        total += budget
        row = re.search(
            rf'<tr><th scope="row"><a href="{quote(f"地区/{region}/{year}")}/index.html">{region} {year}年</a>'
            r"</th>(.*?)</tr>",
            text,
        )
        assert row, (region, year)
        assert f'<td class="jixiao-number">{len(files)}</td>' in row.group(1)
        assert f"{format(budget.normalize(), 'f')} 万元" in row.group(1)
    assert len(by_year) > 1 and format(total.normalize(), "f") not in text  # never summed across years and regions
    assert text.count('<figure class="jixiao-chart"') == len(by_year) and "株洲市渌口区 2026年各单位项目金额" in text
    unit = quote("地区/株洲市渌口区/2026/区委组织部")
    assert f'<span class="jixiao-bar-name"><a href="{unit}/index.html">中共株洲市渌口区委组织部</a>' in text
    assert "最近的改动" in text


def test_exports_say_exactly_what_the_yaml_says(site: Path) -> None:
    by_file = {p.relative_to(DATA).as_posix(): yaml_data(p) for p in data_files()}
    everything = json.loads((site / "data/all.json").read_text(encoding="utf-8"), parse_float=Decimal)
    seen = set()
    for unit in everything["单位"]:
        assert unit["数据"] == by_file[unit["文件"]]
        seen.add(unit["文件"])
        unit_json = json.loads(
            (site / "data" / (Path(unit["网页"]).relative_to("地区").as_posix() + ".json")).read_text(encoding="utf-8"),
            parse_float=Decimal,
        )
        assert unit_json == unit
        for project in unit["项目"]:
            assert project["数据"] == by_file[project["文件"]]
            seen.add(project["文件"])
            own = site / "data" / Path(project["网页"]).relative_to("地区")
            assert json.loads(own.with_suffix(".json").read_text(encoding="utf-8"), parse_float=Decimal) == project
            assert (site / project["网页"] / "index.html").is_file()
    assert seen == set(by_file)
    assert [r["数据"]["名称"] for r in everything["地区"]] == sorted(p.name for p in DATA.iterdir())

    def read(name: str) -> list[dict[str, str]]:
        raw = (site / "data" / name).read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        return list(csv.DictReader(raw.decode("utf-8-sig").splitlines(keepends=True)))

    projects = read("projects.csv")
    assert {r["文件"] for r in projects} == {k for k in by_file if not k.endswith("单位.yaml")}
    for row in projects:
        data = by_file[row["文件"]]
        assert row["项目名称"] == data["项目名称"]
        assert row["项目金额"] == exact(data["项目金额"])
        goals = data["本年度绩效目标"]
        assert row["本年度绩效目标"] == (goals if isinstance(goals, str) else "\n".join(goals))
        assert row["资金来源.财政资金"] == exact(data.get("资金来源", {}).get("财政资金"))
        assert int(row["指标数"]) == sum(1 for i in data["绩效指标"] if "三级指标" in i)
    indicators = read("indicators.csv")
    expected = []
    for key, data in by_file.items():
        rows = data["绩效指标"] if "绩效指标" in data else (data.get("部门整体支出绩效目标表") or {}).get("绩效指标", [])
        expected += [(key, n, row) for n, row in enumerate(rows, start=1) if "三级指标" in row]
    assert len(indicators) == len(expected)
    found = {(r["文件"], int(r["行号"])): r for r in indicators}
    for key, n, row in expected:
        shown = found[(key, n)]
        for field in exports.INDICATOR_FIELDS:
            value = row.get(field)
            text = shown[field]
            if text.startswith("'") and text[1:].startswith(exports.FORMULA_START):
                text = text[1:]
            assert text == exact(value), (key, n, field)


def test_datapackage_describes_the_files_and_validates(site: Path) -> None:
    package = json.loads((site / "data/datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert (site / "data" / resource["path"]).is_file()
        if "schema" in resource:
            header = (site / "data" / resource["path"]).read_text(encoding="utf-8-sig").splitlines()[0]
            assert header.split(",") == [f["name"] for f in resource["schema"]["fields"]]
            assert all(f.get("title") for f in resource["schema"]["fields"])
    frictionless = pytest.importorskip("frictionless")
    for resource in package["resources"]:
        if "schema" in resource:
            report = frictionless.validate(str(site / "data/datapackage.json"), resource_name=resource["name"])
            assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_same_input_gives_the_same_site_byte_for_byte(site: Path, tmp_path: Path) -> None:
    again = build(DATA, tmp_path / "again", make_pdf=False).out.parent
    first = sorted(p.relative_to(site) for p in site.rglob("*") if p.is_file())
    assert first == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for relative in first:
        assert (site / relative).read_bytes() == (again / relative).read_bytes(), relative


HOSTILE = {
    "script": "<script>alert('x')</script>",
    "onerror": '<img src=x onerror="alert(1)">',
    "javascript": '[点我](javascript:alert(1)) <a href="javascript:alert(2)">链接</a>',
    "jinja": "{{ 7*7 }}{% raw %}",
    "pipes": "| 一 | 二 |\n| --- | --- |",
}


def test_hostile_text_is_shown_as_text_on_every_page(data_copy: Path, tmp_path: Path) -> None:
    project = data_copy / "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"
    text = project.read_text(encoding="utf-8")
    text = text.replace("项目名称: 志愿服务活动专项", f"项目名称: {json.dumps(HOSTILE['script'] + '志愿服务活动专项')}")
    text = text.replace("本年度绩效目标: 组织指导志愿者开展服务活动。", f"本年度绩效目标: {json.dumps(HOSTILE['onerror'])}")
    text = text.replace("三级指标: 志愿者人数", f"三级指标: {json.dumps(HOSTILE['javascript'])}")
    text = text.replace("    指标值: 提升", f"    指标值: {json.dumps(HOSTILE['jinja'])}")
    text = text.replace("实施期: 2026.01-2026.12", f"实施期: 2026.01-2026.12\n备注: {json.dumps(HOSTILE['pipes'])}")
    project.write_text(text, encoding="utf-8")
    unit = data_copy / "株洲市渌口区/2026/区委社会工作部/单位.yaml"
    unit.write_text(
        unit.read_text(encoding="utf-8").replace(
            "单位名称: 中共株洲市渌口区委社会工作部", '单位名称: "中共株洲市渌口区委社会工作部\\"><svg onload=alert(3)>{{ 7*7 }}"'
        ),
        encoding="utf-8",
    )
    result = build(data_copy, tmp_path / "site", make_pdf=False)
    assert result.written, [d.message for d in result.report.diagnostics if d.severity.value == "error"]
    out = result.out.parent
    shown_somewhere = dict.fromkeys(HOSTILE, 0)
    for path in html_pages(out):
        page = parse(path)
        for tag, name, value in page.attributes:
            assert not name.startswith("on"), (path, tag, name)
            assert not value.strip().lower().startswith("javascript:"), (path, tag, name, value)
        raw = path.read_text(encoding="utf-8")
        assert "<script>alert" not in raw and "<img src=x" not in raw and "<svg onload" not in raw, path
        joined = "".join(page.text)
        for key, value in HOSTILE.items():
            if value in joined or value.replace("\n", "") in joined.replace("\n", ""):
                shown_somewhere[key] += 1
    assert all(shown_somewhere.values()), shown_somewhere
    project_page = next(out.rglob("*志愿服务活动专项/index.html"))
    text_of_page = "".join(parse(project_page).text)
    for value in HOSTILE.values():
        assert value.split("\n")[0] in text_of_page
    data = json.loads(next(out.rglob("data/**/*志愿服务活动专项.json")).read_text(encoding="utf-8"))
    assert data["数据"]["本年度绩效目标"] == HOSTILE["onerror"]


def test_formula_cells_are_neutralised() -> None:
    assert exports.cell("=SUM(A1)") == "'=SUM(A1)"
    assert exports.cell("@cmd") == "'@cmd" and exports.cell("\tx") == "'\tx" and exports.cell("-1+1") == "'-1+1"
    assert exports.cell(Decimal("-1.50")) == "-1.50"  # numbers are numbers, not formulas
    assert exports.cell(["a", "=b"]) == "a\n=b" and exports.cell(["=a"]) == "'=a"  # a cell is evaluated from its start


def test_json_numbers_are_exact() -> None:
    value = {"金额": Decimal("22.95"), "大": Decimal("1E+2"), "列表": [Decimal("0.1"), 3, 'x"y'], "空": None}
    text = exports.to_json(value)
    assert json.loads(text, parse_float=Decimal) == {
        "金额": Decimal("22.95"),
        "大": 100,
        "列表": [Decimal("0.1"), 3, 'x"y'],
        "空": None,
    }
    assert "22.95" in text and "1E+2" not in text


def test_page_templates_use_exactly_their_documented_context() -> None:
    env = pages.environment()
    for name, context in pages.PAGE_CONTEXTS.items():
        source = (pages.TEMPLATES / name).read_text(encoding="utf-8")
        used = meta.find_undeclared_variables(env.parse(source))
        documented = {f for f in context.__dataclass_fields__}
        assert used == documented, name
        doc = context.__doc__ or ""
        assert f"``{name}``" in doc, name


def test_packaged_mkdocs_config_is_the_top_level_one() -> None:
    top = (ROOT / "mkdocs.yml").read_text(encoding="utf-8").splitlines()[3:]
    packaged = engine.PACKAGED_CONFIG.read_text(encoding="utf-8").splitlines()[1:]
    differ = [(a.split("#")[0].strip(), b.split("#")[0].strip()) for a, b in zip(top, packaged, strict=True) if a != b]
    assert len(top) == len(packaged) and differ == [
        ("docs_dir: docs", "docs_dir: ../../docs"),
        ("site_dir: site", "site_dir: ../../site"),
        ("- generator/site/hooks.py", "- hooks.py"),
    ]
    config = engine.raw_config(ROOT / "mkdocs.yml")
    assert config["theme"]["name"] == "material" and config["theme"]["language"] == "zh"
    assert config["theme"]["font"] is False and config["plugins"] == []


def test_fields_page_is_up_to_date() -> None:
    assert FIELDS_PAGE.read_text(encoding="utf-8") == fields_markdown(), (
        "docs/字段说明.md is stale: run python -m generator.site.field_reference"
    )


@pytest.mark.parametrize("engine_name", ["mkdocs", "zensical"])
def test_mkdocs_yml_builds_with_mkdocs_and_zensical(engine_name: str, tmp_path: Path) -> None:
    """The same mkdocs.yml, with its docs and hooks, in a copy of the repository layout."""
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "generator/site").mkdir(parents=True)
    shutil.copy(ROOT / "generator/site/hooks.py", tmp_path / "generator/site/hooks.py")
    if engine_name == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    else:
        pytest.importorskip("zensical")
        command = [sys.executable, "-m", "zensical", "build", "--clean"]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for page in ("index.html", "编辑指南/index.html", "字段说明/index.html", "问题代码/index.html", "搜索/index.html"):
        html = (tmp_path / "site" / page).read_text(encoding="utf-8")
        assert 'lang="zh' in html and "assets/jixiao/site.css" in html, page
        assert hooks.outside_requests(html) == [], page


def test_the_hook_fails_a_strict_build_that_loads_a_font_from_another_host(tmp_path: Path) -> None:
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "generator/site").mkdir(parents=True)
    shutil.copy(ROOT / "generator/site/hooks.py", tmp_path / "generator/site/hooks.py")
    page = tmp_path / "docs/编辑指南.md"
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<link rel="stylesheet" href="https://fonts.example/x.css">\n', encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0 and "引用了外部网站的资源" in result.stderr


def test_shell_rebases_links_to_each_depth() -> None:
    html = (
        '<html><head><meta name="description" content="JIXIAOSHELLDESCRIPTION"><title>JIXIAOSHELLTITLE - 站</title>'
        '<link href="../assets/a.css"></head><body>'
        '<a href="..">首页</a><span>JIXIAOSHELLTITLE</span><article class="md-content__inner md-typeset">x</article>'
        '<script id="__config">{"base": ".."}</script></body></html>'
    )
    shell = Shell.from_page(html)
    deep = shell.page("<甲>JIXIAOSHELLDESCRIPTION", PurePosixPath("地区/乙/2026/丙/丁"), "<p>正文</p>", "说明<乙>")
    assert 'href="../../../../../assets/a.css"' in deep and '"base": "../../../../.."' in deep
    assert "<title>&lt;甲&gt;JIXIAOSHELLDESCRIPTION - 站</title>" in deep
    assert "<span>&lt;甲&gt;JIXIAOSHELLDESCRIPTION</span>" in deep
    assert '<meta name="description" content="说明&lt;乙&gt;">' in deep  # the title's text is never taken for the mark
    home = shell.page("首页", PurePosixPath(), "")
    assert 'href="assets/a.css"' in home and '<a href=".">' in home and '"base": "."' in home
    with pytest.raises(ShellError):
        Shell.from_page("<html></html>")


def test_build_refuses_to_replace_a_folder_it_did_not_make(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(BuildError, match="不是 jixiao 生成的文件"):
        check_out(out, DATA)
    with pytest.raises(BuildError, match="包含数据"):
        check_out(DATA.parent, DATA)
    assert (out / "notes.txt").is_file()


def test_a_guide_mkdocs_refuses_is_said_once_the_data_passed(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The editorial pages are made while the check's workers check the data (engine.Guides): a guide that
    mkdocs --strict refuses stops the build as before, but a build whose data has errors says those."""
    monkeypatch.setattr(run, "PARALLEL_THRESHOLD", 1)  # the sample's files checked by workers, as 10,000 are
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        config.replace("generator/site/hooks.py", (ROOT / "generator/site/hooks.py").as_posix()), encoding="utf-8"
    )
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    with (tmp_path / "docs" / "编辑指南.md").open("a", encoding="utf-8") as guide:
        guide.write("\n[一个不存在的页面](不存在.md)\n")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "site"
    with pytest.raises(SiteError, match="mkdocs 未能生成网站"):
        build(data_copy, out, jobs=2, make_pdf=False)
    assert not out.exists()
    project = next(p for p in sorted(data_copy.rglob("*.yaml")) if p.name not in ("单位.yaml", "地区.yaml"))
    project.write_text("项目名称: [未闭合\n", encoding="utf-8")
    result = build(data_copy, out, jobs=2, make_pdf=False)
    assert not result.written and result.report.exit_code() == 1 and not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_cli_build_says_where_the_site_is(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(data_copy.parent)
    result = CliRunner().invoke(cli, ["build", "--no-pdf", "--no-tables"])
    assert result.exit_code == 0, result.output
    assert "网站 → site/index.html" in result.output
    assert (data_copy.parent / "site/index.html").is_file() and not (data_copy.parent / "site/tables").exists()
    again = CliRunner().invoke(cli, ["build", "--no-pdf", "--no-tables"])  # its own folder may be replaced
    assert again.exit_code == 0, again.output


def test_revision_history_says_when_and_what_changed(data_copy: Path, tmp_path: Path) -> None:
    repo = data_copy.parent

    def git(*args: str) -> None:
        subprocess.run(
            ["git", *args],
            cwd=repo,
            check=True,
            capture_output=True,
            env={
                "GIT_AUTHOR_NAME": "编辑",
                "GIT_AUTHOR_EMAIL": "e@example.org",
                "GIT_COMMITTER_NAME": "编辑",
                "GIT_COMMITTER_EMAIL": "e@example.org",
                "GIT_AUTHOR_DATE": "2026-03-01T10:00:00+08:00",
                "GIT_COMMITTER_DATE": "2026-03-01T10:00:00+08:00",
                "PATH": "/usr/bin:/bin",
                "HOME": str(tmp_path),
            },
        )

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "导入 2026 年数据")
    project = data_copy / "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("项目金额: 10", "项目金额: 12"), encoding="utf-8")
    renamed = project.with_name("志愿服务活动.yaml")
    project.rename(renamed)
    git("add", "-A")
    git("commit", "-q", "-m", "更正志愿服务活动专项的金额")
    renamed.write_text(renamed.read_text(encoding="utf-8").replace("项目金额: 12", "项目金额: 13"), encoding="utf-8")
    git("commit", "-q", "-am", "Bump 项目金额 (test data)")  # a subject not in Chinese: the change shows, not it
    result: BuildResult = build(data_copy, tmp_path / "site", make_pdf=False, tables=False)
    page = (result.out.parent / "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动/index.html").read_text(encoding="utf-8")
    history = page[page.index("修订记录") :]
    assert "2026-03-01" in history and "更正志愿服务活动专项的金额" in history
    assert "项目金额：10 → 12 万元" in history
    assert "文件改名：志愿服务活动专项.yaml → 志愿服务活动.yaml" in history
    assert "导入 2026 年数据" in history and "新建本表" in history
    assert "项目金额：12 → 13 万元" in history and "Bump" not in history
    home = (result.out.parent / "index.html").read_text(encoding="utf-8")
    assert "更正志愿服务活动专项的金额" in home and "Bump" not in home


def test_serve_rebuilds_on_a_data_change_and_reloads_pages(data_copy: Path, tmp_path: Path) -> None:
    import threading
    import time
    import urllib.request

    from generator.site import serve

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html><body>旧</body></html>", encoding="utf-8")
    calls: list[int] = []

    def rebuild() -> bool:
        (site / "index.html").write_text("<html><body>新</body></html>", encoding="utf-8")
        calls.append(1)
        return True

    said: list[str] = []
    thread = threading.Thread(
        target=serve.serve, args=(data_copy, site, rebuild, "127.0.0.1", 0, said.append), kwargs={"interval": 0.1, "rounds": 40}
    )
    thread.start()
    deadline = time.monotonic() + 5
    while not said and time.monotonic() < deadline:
        time.sleep(0.01)
    address = re.search(r"http://[0-9.:]+/", said[0])
    assert address is not None
    first = urllib.request.urlopen(address.group(0)).read().decode("utf-8")
    assert "旧" in first and serve.VERSION_PATH in first  # the preview adds its reload script
    assert "<script" not in (site / "index.html").read_text(encoding="utf-8")  # the site itself has none
    project = next(data_copy.rglob("志愿服务活动专项.yaml"))
    project.write_text(project.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert calls == [1]
    assert "新" in urllib.request.urlopen(address.group(0)).read().decode("utf-8")
    assert urllib.request.urlopen(address.group(0) + serve.VERSION_PATH.lstrip("/")).read() == b"1"
    thread.join()


def test_serve_refuses_impossible_and_climbing_paths_and_lists_no_folder(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A NUL byte or bytes that are not UTF-8 in a request's path are answered 400, ".." and a folder
    without index.html 404: no traceback in the server's log, no folder listing."""
    import threading
    import time
    import urllib.error
    import urllib.request

    from generator.site import serve

    site = tmp_path / "site"
    (site / "子目录" / "有首页").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>首页</body></html>", encoding="utf-8")
    (site / "子目录" / "a.txt").write_text("甲", encoding="utf-8")
    (site / "子目录" / "有首页" / "index.html").write_text("<html><body>乙</body></html>", encoding="utf-8")
    (tmp_path / "秘密.txt").write_text("秘密", encoding="utf-8")
    (tmp_path / "data").mkdir()
    said: list[str] = []
    thread = threading.Thread(
        target=serve.serve,
        args=(tmp_path / "data", site, lambda: True, "127.0.0.1", 0, said.append),
        kwargs={"interval": 0.1, "rounds": 30},
    )
    thread.start()
    deadline = time.monotonic() + 5
    while not said and time.monotonic() < deadline:
        time.sleep(0.01)
    address = re.search(r"http://[0-9.:]+", said[0])
    assert address is not None

    def status(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(address.group(0) + path, timeout=5) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    try:
        assert status("/")[0] == 200 and status("/%E5%AD%90%E7%9B%AE%E5%BD%95/a.txt") == (200, "甲")
        assert "乙" in status("/%E5%AD%90%E7%9B%AE%E5%BD%95/%E6%9C%89%E9%A6%96%E9%A1%B5/")[1]
        refused = {
            "/%00": 400,
            "/index.html%00": 400,
            "/%E5%AD%90%E7%9B%AE%E5%BD%95/%00/a.txt": 400,
            "/%00/?x": 400,
            "/%ff": 400,
            "/%c3%28": 400,
            "/%ed%a0%80": 400,
            "/index.html%ed%a0%80": 400,
            "/..": 404,
            "/../%E7%A7%98%E5%AF%86.txt": 404,
            "/%2e%2e/%E7%A7%98%E5%AF%86.txt": 404,
            "/%2e%2e%2f%E7%A7%98%E5%AF%86.txt": 404,
            "/%E5%AD%90%E7%9B%AE%E5%BD%95/..": 404,
            "/..%5c%E7%A7%98%E5%AF%86.txt": 404,
            "/%E5%AD%90%E7%9B%AE%E5%BD%95/": 404,
            "/%E5%AD%90%E7%9B%AE%E5%BD%95": 404,
        }  # a folder without index.html (after the redirect)
        for path, wanted in refused.items():
            code, body = status(path)
            assert code == wanted, (path, code)
            assert "a.txt" not in body and "秘密" not in body, path
    finally:
        thread.join()
    assert "Traceback" not in capfd.readouterr().err


def page_text(site: Path, page: str) -> str:
    return (site / page / "index.html").read_text(encoding="utf-8")


def flag(number: int) -> str:
    return f'<a class="jixiao-flag" href="#finding-{number}">已确认问题 {number}</a>'


def test_every_acknowledged_value_is_marked_where_it_is_shown(site: Path) -> None:
    """The finding's mark stands beside the value it is about, header fields and budget rows included,
    linking to its reason on the same page."""
    unit = page_text(site, "地区/株洲市渌口区/2026/区委社会工作部")
    assert re.search(r"<th scope=\"row\">按支出性质分：项目支出</th><td>14\.4 " + re.escape(flag(1)), unit), "X003"
    assert '<li id="finding-1"><strong>X003' in unit
    assert "两者不一致（见已确认问题 1）" in unit  # the total says which figure it adds
    training = page_text(site, "地区/株洲市渌口区/2026/区委组织部/新一届村（社区）两委干部履职能力提升培训")
    found = re.search(r'<li id="finding-(\d+)"><strong>[A-Z]\d+ [^<]*</strong>（位置：填报单位）', training)
    assert found, "the 填报单位 finding is listed"
    printed = r"<th scope=\"row\">填报单位（原表所印）</th><td>中共株洲市株洲市娄口区委组织部 "
    assert re.search(printed + re.escape(flag(int(found.group(1)))), training)
    aid = page_text(site, "地区/株洲市渌口区/2026/区人民政府办公室/援助泸溪资金")
    assert re.search(r"<th scope=\"row\">项目类别</th><td>（原表未填） " + re.escape(flag(1)), aid)  # F009: left empty
    volunteer = page_text(site, "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项")
    operator = re.search(r'<td class="jixiao-c2">([^<]*)(.*?)</td>', volunteer[volunteer.index("群众满意度") :])
    assert operator and flag(1) in operator.group(2)  # V007 is about 指标值类型: marked in that cell


def test_corrections_are_noted_on_the_page(site: Path) -> None:
    talent = page_text(site, "地区/株洲市渌口区/2026/区委组织部/人才工作专项")
    assert "录入时对原表作了 1 处更正" in talent and '<h2 id="corrections">更正说明</h2>' in talent
    assert "原表未填项目金额" in talent


def test_pages_have_titles_descriptions_and_a_foot(site: Path) -> None:
    project = page_text(site, "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项")
    assert "<title>志愿服务活动专项 - 中共株洲市渌口区委社会工作部 - 株洲市渌口区 2026年 - 预算绩效目标公开</title>" in project
    description = re.search(r'<meta name="description" content="([^"]*)">', project)
    assert description and description.group(1).startswith("中共株洲市渌口区委社会工作部2026年项目“志愿服务活动专项”")
    unit = page_text(site, "地区/株洲市渌口区/2026/区委社会工作部")
    assert "<title>中共株洲市渌口区委社会工作部 - 株洲市渌口区 2026年 - 预算绩效目标公开</title>" in unit
    for text in (project, unit, page_text(site, ""), page_text(site, "地区/株洲市渌口区/2026")):
        assert '<footer class="jixiao-foot"' in text and "数据来源：" in text


def test_the_foot_names_the_publisher_and_contact_from_the_region_file(data_copy: Path, tmp_path: Path) -> None:
    region = data_copy / "株洲市渌口区/地区.yaml"
    region.write_text(
        region.read_text(encoding="utf-8") + "发布单位: 某区财政局（测试用）\n联系方式: 0000-0000000（测试用）\n",
        encoding="utf-8",
    )
    out = build(data_copy, tmp_path / "site", make_pdf=False, tables=False).out.parent
    for page in ("地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项", "地区/株洲市渌口区/2026", ""):
        text = page_text(out, page)
        assert "发布单位：某区财政局（测试用）" in text and "联系方式：0000-0000000（测试用）" in text, page
    assert "某区财政局" not in page_text(out, "地区/唐山市路南区/2025/区委社会工作部")


def test_guides_are_out_of_the_public_menu_and_linked_at_the_foot(site: Path) -> None:
    home = page_text(site, "")
    tabs = re.findall(r'<a href="[^"]*" class="md-tabs__link">\s*([^<]*?)\s*</a>', home)
    assert tabs == ["首页", "搜索", "公开数据"]
    foot = home[home.index('<nav class="jixiao-guides"') :]
    for guide in ("编辑指南", "审核指南", "性能", "安全与可靠性", "数据仓库", "程序结构"):
        assert f">{guide}</a>" in foot[:2000], guide
        assert f">{guide}</a>" not in home[: home.index('<nav class="jixiao-guides"')].split('<div class="md-content"')[0], guide


def test_links_to_pages_name_their_index_html(site: Path) -> None:
    """Opened from disk a link to a folder shows the folder's files: every link to a page ends in index.html."""
    for path in html_pages(site):
        if "tables" in path.relative_to(site).parts or path.name == "404.html":  # 404.html: served at any address
            continue
        for link in parse(path).links:
            target = urlparse(link)
            if target.scheme or target.netloc or link.startswith("#") or not target.path:
                continue
            assert not target.path.endswith("/") and target.path not in (".", ".."), (path, link)


def test_official_table_pages_link_back_to_their_page(site: Path) -> None:
    table = (site / "tables/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.html").read_text(encoding="utf-8")
    back = re.search(r'<nav class="jixiao-back" aria-label="返回"><a href="([^"]+)">← 返回：志愿服务活动专项</a>', table)
    assert back and unquote(back.group(1)) == "../../../../地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/index.html"
    unit_table = (site / "tables/株洲市渌口区/2026/区委社会工作部/汇总表.html").read_text(encoding="utf-8")
    assert "← 返回：中共株洲市渌口区委社会工作部</a>" in unit_table
    project = page_text(site, "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项")
    printable = re.search(r'<a href="([^"]+\.html)"( download)?>官方表格：网页', project)
    assert printable and printable.group(2) is None  # opens in the browser
    assert re.search(r'<a href="[^"]+\.xlsx" download>官方表格：Excel', project)


def test_a_continued_project_links_last_year_and_shows_what_changed(data_copy: Path, tmp_path: Path) -> None:
    """Made-up data: the unit 区委社会工作部 copied to 2025 with other values (never in data/)."""
    unit = data_copy / "株洲市渌口区/2026/区委社会工作部"
    earlier = data_copy / "株洲市渌口区/2025/区委社会工作部"
    shutil.copytree(unit, earlier)
    project = earlier / "志愿服务活动专项.yaml"
    text = project.read_text(encoding="utf-8").replace("组织指导志愿者开展服务活动。", "组织志愿者开展服务活动。")
    row = "    三级指标: 志愿者人数\n    指标值类型: ≥\n    指标值: "
    text = text.replace(row + "500", row + "400")
    project.write_text(text, encoding="utf-8")
    allowance = earlier / "两新党组织党务工作者津贴.yaml"
    allowance.rename(earlier / "党务工作者津贴.yaml")  # continued by name, in another file
    for path in earlier.glob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("2026", "2025"), encoding="utf-8")
    result = build(data_copy, tmp_path / "site", make_pdf=False, tables=False)
    assert result.written, [d.message for d in result.report.diagnostics if d.severity.value == "error"]
    out = result.out.parent
    page = page_text(out, "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项")
    assert re.search(r'上一年度：<a href="([^"]+)">志愿服务活动专项（2025年）</a>', page)
    compared = page[page.index('<h2 id="compared">') :]
    assert "<td>组织志愿者开展服务活动。</td><td>组织指导志愿者开展服务活动。</td></tr>" in compared
    assert "<td>400 人</td><td>500 人</td>" in compared and "序号" not in compared
    assert "志愿服务活动专项（2025年）" not in page_text(out, "地区/株洲市渌口区/2026/区委社会工作部/两新党组织党务工作者津贴")
    unit_page = page_text(out, "地区/株洲市渌口区/2026/区委社会工作部")
    years = unit_page[unit_page.index('<nav class="jixiao-years"') :]
    assert '<strong aria-current="page">2026年</strong>' in years and ">2025年</a>" in years
    assert "与上一年度相比" not in page_text(out, "地区/株洲市渌口区/2025/区委社会工作部/志愿服务活动专项")


def test_the_list_of_all_projects_is_a_plain_table_of_whole_units(site: Path) -> None:
    text = page_text(site, "项目列表/株洲市渌口区/2026")
    rows = re.findall(r'<tr data-unit="([^"]*)" data-category="[^"]*">', text)
    projects = [p for p in data_files() if p.parts[-4] == "株洲市渌口区" and p.name != "单位.yaml"]
    assert len(rows) == len(projects) and rows == sorted(rows, key=rows.index)  # unit by unit
    assert 'data-sort="number">项目金额</th>' in text and "<noscript" not in text
    year = page_text(site, "地区/株洲市渌口区/2026")
    assert "定量指标占比" in year and "株洲市渌口区 2026年全部 15 个项目" in year


def test_the_sample_regions_of_other_layouts_are_on_the_site(tmp_path: Path) -> None:
    """tests/regions/ (湖南申报表, 四川, 湖北, 内蒙古 layouts): every table has its page with what the new fields
    hold, every region and year its own total, and every link resolves."""
    from generator.data import fields as F

    regions = ROOT / "tests" / "regions"
    result = build(regions, tmp_path / "site", make_pdf=False)
    assert result.written, result.report.diagnostics
    site = result.out.parent
    files = sorted(p for p in regions.rglob("*.yaml") if p.name != "地区.yaml")
    assert len(files) >= 6
    for path in files:
        region, year, unit = path.relative_to(regions).parts[:3]
        folder = site / "地区" / region / year / unit
        page = folder / "index.html" if path.name == "单位.yaml" else folder / path.stem / "index.html"
        data = yaml_data(path)
        text = page.read_text(encoding="utf-8")
        assert f'<h1 id="jixiao-title">{data.get(F.PROJECT_NAME) or data[F.UNIT_NAME]}</h1>' in text, path
        if F.INCOMPLETE in data:
            assert "原表缺少" in text, path
        for item in data.get(F.BREAKDOWN) or []:
            assert str(item[F.BREAKDOWN_ITEM]) in text, path
        home = (site / "index.html").read_text(encoding="utf-8")
        assert f"{region} {year}年</a>" in home, (region, year)  # a row of its own on the home page
    test_every_link_and_resource_resolves_inside_the_site(site)
    test_no_page_loads_anything_from_another_host(site)
