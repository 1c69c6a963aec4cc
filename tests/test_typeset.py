"""The PDF booklets typeset by Typst (generator/render/typeset.py): what a user wrote prints as written,
whatever Typst would make of it as markup; the same booklet gives the same bytes; every page is
numbered; a long table repeats its heading rows. How real booklets print, page by page, is in
test_print.py (the Typst way beside Word's and the browser's)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from generator.render import typeset
from generator.render.form import Booklet, Cell, Form, Grid, Heading, Paragraphs, Part, Style

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler (pdftotext) is not installed")

# Text that Typst's markup or code would act on, and characters a PDF or XML cannot hold.
HOSTILE = [
    "#set page(width: 1cm) #let x = 1 #x",
    "*粗体* _斜体_ `代码` $x^2$ \\ 反斜杠",
    "]) } { [ <标签> @引用 // 注释 /* 块 */",
    "\"引号\" '单引号' = 标题 - 列表 + 编号 / 术语: 说明",
    "控制\x00字符\x1b与\ufffe替换",
    "https://example.gov.cn/很长的地址/没有空格可以断开/" + "甲" * 60,
    "1234567890" * 20,  # a run without a space, longer than a cell is wide
]


def _page_texts(pdf: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")[:-1]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _booklet(rows: int = 3, texts: list[str] | None = None) -> Booklet:
    texts = texts or HOSTILE
    head = [Cell(("一级指标",), role="head"), Cell(("三级指标",), role="head"), Cell(("指标值",), role="head")]
    body = [[Cell((f"第{n + 1}行",)), Cell((texts[n % len(texts)],)), Cell((f"≥{n}",))] for n in range(rows)]
    grid = Grid((30.0, 100.0, 40.0), [head, *body], head=1)
    form = Form(
        kind="项目支出绩效目标表",
        stem="测试",
        caption=texts[0],
        title="2026年项目支出绩效目标表",
        heading=("填报单位（盖章）：" + texts[1], "金额单位：万元"),
        blocks=[Heading(texts[2]), Paragraphs(tuple(texts[3:])), grid],
        footer=("单位负责人：" + texts[3], "填表人：测试"),
        style=Style(),
        footnotes=("更正说明：" + texts[0],),
    )
    return Booklet("2026年预算绩效目标表", ("2026年预算绩效目标表", "测试单位"), [form], {0: Part("第一部分", "项目")})


def test_user_text_prints_as_written_not_as_typst_markup(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(typeset.pdf_bytes(_booklet()))
    printed = _flat("".join(_page_texts(pdf)))
    for text in HOSTILE:
        shown = _flat(re.sub("[\x00\x1b\ufffe]", "", text))
        assert shown in printed, text
    pages = _page_texts(pdf)
    assert len(pages) >= 3  # cover, contents, the table: `#set page(width: 1cm)` set nothing
    # nothing runs off the page: a long run breaks where it does not fit, as Word breaks it
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))  # type: ignore[union-attr]
    right = [float(x) for x in re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)"', boxes)]
    assert right and max(right) < width - 30  # inside the right margin (15 mm ≈ 42 pt)


def test_each_table_carries_its_own_lines_of_the_contents_as_bookmarks() -> None:
    """The contents are worked out once for the whole booklet and each line handed to the table it leads to."""
    form = _booklet().forms[0]
    unit_table = replace(form, kind="部门整体支出绩效目标表", caption="部门整体支出绩效目标表", title="部门整体支出绩效目标表")
    projects = [replace(form, caption=name, title="项目支出绩效目标表") for name in ("甲项目", "乙项目", "丙项目")]
    parts = {0: Part("第一部分", "部门整体"), 1: Part("第二部分", "项目")}
    booklet = Booklet("2026年预算绩效目标表", ("封面",), [unit_table, *projects], parts)
    data = json.loads(typeset.booklet_json(booklet))
    marks = [[(m["depth"], m["text"]) for m in f["marks"]] for f in data["forms"]]
    assert marks == [
        [(0, "第一部分　部门整体"), (1, "部门整体支出绩效目标表")],
        [(0, "第二部分　项目"), (1, "项目支出绩效目标表"), (2, "甲项目")],
        [(2, "乙项目")],
        [(2, "丙项目")],
    ]
    assert [(e["depth"], e["text"], e["form"]) for e in data["contents"]] == [(e.depth, e.text, e.form) for e in booklet.contents]


def test_the_same_booklet_gives_the_same_bytes_whatever_came_before() -> None:
    booklet = _booklet()
    first = typeset.pdf_bytes(booklet)
    typeset.pdf_bytes(_booklet(40, ["其他内容"] * 6))  # another booklet in the same process between
    assert typeset.pdf_bytes(booklet) == first
    assert first.startswith(b"%PDF") and b"CreationDate" not in first


def test_a_long_table_runs_over_pages_with_its_heading_row_on_each_and_every_page_numbered(tmp_path: Path) -> None:
    pdf = tmp_path / "long.pdf"
    pdf.write_bytes(typeset.pdf_bytes(_booklet(120, [f"第{n}项指标的说明文字" for n in range(6)])))
    pages = [_flat(page) for page in _page_texts(pdf)]
    with_rows = [page for page in pages if re.search(r"第\d+行", page)]
    assert len(with_rows) >= 3
    assert all("一级指标" in page and "三级指标" in page for page in with_rows)
    numbers = [re.findall(r"第(\d+)页共(\d+)页", page) for page in pages]
    assert numbers[0] == []  # the cover has none
    assert [n[-1] for n in numbers[1:]] == [(str(i), str(len(pages))) for i in range(2, len(pages) + 1)]
    rows = [int(n) for page in with_rows for n in re.findall(r"第(\d+)行", page)]
    assert sorted(set(rows)) == list(range(1, 121))  # every row printed, none lost at a page break


def test_fonts_fall_back_to_the_cjk_fonts_of_their_kind() -> None:
    assert typeset.fonts("仿宋")[:2] == ["仿宋", "FangSong"] and "Noto Serif CJK SC" in typeset.fonts("仿宋")
    assert typeset.fonts("黑体")[0] == "黑体" and typeset.fonts("黑体")[2] == "Noto Sans CJK SC"
    assert typeset.fonts("方正小标宋简体")[:2] == ["方正小标宋简体", "Noto Serif CJK SC"]


def test_without_a_chinese_font_no_booklet_is_typeset_and_the_note_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from generator.render import pdf

    found = ["Noto Serif CJK SC", "SimSun", "FangSong", "Noto Sans SC", "WenQuanYi Zen Hei", "宋体", "Source Han Sans CN"]
    latin = ["DejaVu Sans", "Libertinus Serif", "New Computer Modern", "Noto Sans", "Liberation Serif", "Noto Sans Mono"]
    assert typeset.chinese_families(found + latin) == found
    assert pdf.unavailable(True) == ""  # this machine has them (README: fonts-noto-cjk)

    class Latin:
        def families(self) -> list[str]:
            return latin

    monkeypatch.setattr(typeset, "_fonts", Latin)
    note = pdf.unavailable(True)
    assert "未找到中文字体" in note and "fonts-noto-cjk" in note
    assert pdf.environment_key() == "" and not pdf.with_units(True)
