"""Word and Excel tables through LibreOffice headless: each prints on the expected pages, in Chinese.

The pictures (PNG, 60 dpi) are left in the pytest temporary folder for a person to look at next to
the seeds. These tests need LibreOffice, poppler-utils and fonts-noto-cjk (installed by .ci/run).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA

from generator.build import BuildResult, build, describe
from generator.render.pdf import convert, soffice

pytestmark = pytest.mark.skipif(
    soffice() is None or shutil.which("pdftoppm") is None,
    reason="LibreOffice (soffice) 或 pdftoppm 未安装：apt-get install libreoffice-writer-nogui "
    "libreoffice-calc-nogui poppler-utils fonts-noto-cjk",
)

# (table, pages when printed): the 部门整体 tables of Hunan carry long duty lists over two pages.
SAMPLES = {
    "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项": 1,
    "株洲市渌口区/2026/区委社会工作部/部门整体": 2,
    "唐山市路南区/2025/区委社会工作部/常态化宣传及开展志愿服务活动": 1,
}


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    result: BuildResult = build(DATA, tmp_path_factory.mktemp("site"), make_pdf=True, site=False)
    assert result.written, describe(result)
    assert result.pdfs == 4, result.pdf_note
    work = tmp_path_factory.mktemp("pdf")
    sources = []
    for table in SAMPLES:
        for suffix in (".docx", ".xlsx"):
            copy = work / f"{table.replace('/', '_')}_{suffix[1:]}{suffix}"
            shutil.copyfile(result.out / f"{table}{suffix}", copy)
            sources.append(copy)
    made = {p.stem: p for p in convert(sources, jobs=2)}
    for n, booklet in enumerate(sorted(result.out.rglob("单位汇编.pdf"))):
        made[f"单位汇编{n}"] = booklet
    return made


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("table", sorted(SAMPLES))
@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_table_prints_on_the_expected_pages_in_chinese_fonts(pdfs: dict[str, Path], table: str, kind: str) -> None:
    pdf = pdfs[f"{table.replace('/', '_')}_{kind}"]
    assert pages(pdf) == SAMPLES[table]
    used = fonts(pdf)
    # 仿宋/宋体 mapped to Noto Serif CJK SC (a serif face, like the forms); the collection's faces share
    # one CFF font, so the embedded name says "jp" whatever regional face supplied the glyphs.
    assert "NotoSerifCJK" in used and "Sans" not in used, used
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(pdf.with_suffix(""))], check=True)
    png = next(pdf.parent.glob(f"{pdf.stem}-*1.png"))
    assert png.stat().st_size > 15_000  # a page of table and text, not a blank page
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "绩效目标表" in text and "一级指标" in text


def test_booklets_are_pdfs_with_every_table(pdfs: dict[str, Path]) -> None:
    booklets = [p for name, p in pdfs.items() if name.startswith("单位汇编")]
    assert len(booklets) == 4
    for booklet in booklets:
        text = subprocess.run(["pdftotext", str(booklet), "-"], capture_output=True, text=True, check=True).stdout
        assert text.count("绩效目标") >= 3, booklet
        assert pages(booklet) >= 3, booklet
