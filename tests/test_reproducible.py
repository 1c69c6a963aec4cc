"""Reproducible builds, and exports that are safe to open: what ``jixiao build`` writes is the same, byte
for byte, when built twice, or from a clone of the repository in another folder with another time
zone, locale and hash seed; and no spreadsheet it writes holds a formula made from data.

The builds run the command itself (``python -m generator build``), so the comparison covers every
file the build writes (the official tables, the website, the open data), whatever is added to it
later. The data is a git repository with fixed commit dates, since the site shows each table's
history. Where LibreOffice is installed the builds include the PDF booklets (a PDF used to carry the local time
zone in its creation date); the last test converts tables to PDF in two different ways and compares the bytes.

The data carries hostile text that passes the check: values that a spreadsheet would run as a
formula (= + - @ tab), and markup.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest
from conftest import DATA, ROOT
from openpyxl import load_workbook

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = {  # (file, old text, new text): each still passes jixiao check
    "株洲市渌口区/2026/区委社会工作部/两新党组织党务工作者津贴.yaml": ("    度量单位: 人\n", "    度量单位: '=1+1'\n"),
    "株洲市渌口区/2026/区委组织部/单位.yaml": ("单位财务负责人: 石研芳\n", "单位财务负责人: '@SUM(A1)'\n"),
    "唐山市路南区/2025/区委社会工作部/劳务费.yaml": ("项目名称: 劳务费\n", "项目名称: '-劳务费+1 <b>x</b>'\n"),
}


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+08:00",
        "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+08:00",
        "GIT_AUTHOR_NAME": "编辑",
        "GIT_AUTHOR_EMAIL": "editor@example.org",
        "GIT_COMMITTER_NAME": "编辑",
        "GIT_COMMITTER_EMAIL": "editor@example.org",
    }
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


def data_repository(root: Path) -> Path:
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    for relative, (old, new) in HOSTILE.items():
        path = root / "data" / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, relative
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "数据")
    return root


NO_LIBREOFFICE = shutil.which("soffice") is None and shutil.which("libreoffice") is None


def jixiao_build(repo: Path, out: str, **env: str) -> Path:
    """A build with its PDF booklets, typeset by Typst (the default engine), the cache off (conftest)."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--out", out],
        cwd=repo,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return repo / out


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    here = data_repository(tmp_path_factory.mktemp("repo"))
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "另一个文件夹 with space"
    subprocess.run(["git", "clone", "-q", str(here), str(elsewhere)], check=True, capture_output=True)
    return [
        jixiao_build(here, "site"),
        jixiao_build(here, "site-again", PYTHONHASHSEED="1", TZ="Asia/Shanghai"),
        jixiao_build(elsewhere, "site", PYTHONHASHSEED="2", TZ="America/New_York", LANG="C", LC_ALL="C"),
    ]


def test_two_builds_and_a_build_elsewhere_are_identical_byte_for_byte(builds: list[Path]) -> None:
    first = files(builds[0])
    assert any(name.startswith("tables/") for name in first) and len(first) > 50
    assert len([name for name in first if name.endswith(".pdf")]) == 4  # typeset in each build, no cache
    for other in builds[1:]:
        second = files(other)
        assert sorted(second) == sorted(first), set(first) ^ set(second)
        differ = [name for name in first if first[name] != second[name]]
        assert differ == [], differ


def _number(text: str) -> bool:
    try:
        Decimal(text)
    except InvalidOperation:
        return False
    return True


def test_no_spreadsheet_from_the_build_holds_a_formula(builds: list[Path]) -> None:
    """Every .xlsx and .csv the build writes: text that looks like a formula is stored as text."""
    site = builds[0]
    workbooks = sorted(site.rglob("*.xlsx"))
    assert workbooks
    seen, texts = set(), set()
    for path in workbooks:
        with zipfile.ZipFile(path) as archive:  # no <f> element in any sheet
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), (path, name)
        for row in load_workbook(path).active.iter_rows():  # type: ignore[union-attr]
            for cell in row:
                texts.add(str(cell.value))
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    assert cell.data_type == "s" and cell.quotePrefix, (path, cell.coordinate, cell.value)
                    seen.add(cell.value)
    assert {"=1+1", "-劳务费+1 <b>x</b>"} <= seen and any("@SUM(A1)" in text for text in texts)
    for path in sorted(site.rglob("*.csv")):
        rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
        for row in rows:
            for value in row:
                assert not value.startswith(FORMULA_START) or _number(value), (path, value)


@pytest.mark.skipif(NO_LIBREOFFICE, reason="LibreOffice is not installed (README: the PDF tests need it)")
def test_a_pdf_depends_on_its_file_only(builds: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """LibreOffice stamps dates and ids, which jixiao fixes; and it numbers the font subsets it embeds with a
    counter that runs on for the life of the process, which jixiao renumbers (render/pdf.py). So the same
    tables give the same bytes converted each in a process of its own, all in one process, in the reverse
    order with 3 processes in another time zone, and as the build made them."""
    from generator.render import pdf

    tables = sorted((builds[0] / "tables" / "株洲市渌口区").rglob("*.docx"))[:6]
    assert len(tables) == 6

    def copies(folder: str, reverse: bool) -> list[Path]:
        out = []
        for n, table in enumerate(tables):  # the folder names set the order a process converts them in
            place = tmp_path / folder / f"{len(tables) - n if reverse else n:02d}"
            place.mkdir(parents=True)
            out.append(Path(shutil.copyfile(table, place / table.name)))
        return out

    alone = [pdf.convert([copy])[0].read_bytes() for copy in copies("一", False)]
    together = [p.read_bytes() for p in sorted(pdf.convert(copies("二", False), jobs=1))]
    monkeypatch.setenv("TZ", "America/New_York")
    reverse = copies("三", True)
    pdf.convert(reverse, jobs=3)
    backwards = [p.with_suffix(".pdf").read_bytes() for p in reverse]
    assert all(data.startswith(b"%PDF") for data in alone)
    assert together == alone and backwards == alone
    booklet = builds[0] / "tables/株洲市渌口区/2026/区委社会工作部/单位汇编.docx"
    first, again = tmp_path / "四" / booklet.name, tmp_path / "六" / booklet.name
    for copy in (first, again):
        copy.parent.mkdir()
        shutil.copyfile(booklet, copy)
    pdf.convert([first])
    pdf.convert([*copies("五", True), again], jobs=1)  # after six others in the same process
    assert again.with_suffix(".pdf").read_bytes() == first.with_suffix(".pdf").read_bytes()


def _sample_forms() -> list[Any]:
    from generator.data.model import load_unit
    from generator.data.tree import collect
    from generator.render.compose import compose_unit
    from generator.render.layout import load_layout

    units = [load_unit(folder) for folder in collect([DATA]).units.values()]
    return [form for unit in units for form in compose_unit(load_layout(unit.region.layout, unit.region.folder), unit).forms]


def test_parts_deflated_once_give_the_bytes_zipfile_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every Word and Excel file of the samples is the same, byte for byte, whether its unchanging parts were
    compressed for it or taken from the ones compressed for an earlier file; and the earlier ones are taken."""
    from generator.render import excel, reproducible, word

    forms = _sample_forms()
    assert len(forms) > 20
    reproducible._DEFLATED.clear()
    deflated: list[bytes] = []
    real = reproducible._deflate
    monkeypatch.setattr(reproducible, "_deflate", lambda level, data: deflated.append(data) or real(level, data))
    remembered = [(word.docx_bytes([f], f.title), excel.xlsx_bytes(f)) for f in forms]
    assert zipfile._get_compressor.__module__ == "zipfile"  # type: ignore[attr-defined]  # put back after each file
    members = sum(len(zipfile.ZipFile(io.BytesIO(b)).namelist()) for pair in remembered for b in pair)
    assert len(deflated) < members / 2  # most members were compressed for an earlier file
    monkeypatch.setattr(word, "deflating_once", contextlib.nullcontext)
    monkeypatch.setattr(excel, "deflating_once", contextlib.nullcontext)
    plain = [(word.docx_bytes([f], f.title), excel.xlsx_bytes(f)) for f in forms]
    assert remembered == plain


@pytest.mark.parametrize("level", [None, 1, 9])
def test_deflating_once_is_zipfiles_deflate_for_any_member(level: int | None) -> None:
    """Members large and small, repeated, empty, written in pieces through ``ZipFile.open``, stored, at
    any level: the archive is byte for byte zipfile's own."""
    from generator.render.reproducible import REMEMBER_AT_MOST, deflating_once

    rng = random.Random(7)
    words = ["<w:t>", "指标", "</w:t>", "产出", "数量", "质量", "时效", "成本", "效益", "满意度", "≥", "95%", "\n"]
    text = "".join(rng.choice(words) for _ in range(4000)).encode()  # compressed differently at each level
    parts = [b"", b"x", b"<a/>" * 50, bytes(rng.getrandbits(8) for _ in range(3000)), text, b"ab" * REMEMBER_AT_MOST]
    parts += parts[1:5]  # written again: taken from what was remembered

    def archive() -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
            for n, part in enumerate(parts):
                z.writestr(f"{n}.xml", part)
                with z.open(f"{n}-pieces.xml", "w") as member:
                    member.write(part[: len(part) // 3])
                    member.write(part[len(part) // 3 :])
            z.writestr(zipfile.ZipInfo("stored.bin"), parts[3])  # ZIP_STORED: zipfile's own path
        return out.getvalue()

    plain = archive()
    with deflating_once():
        once, twice = archive(), archive()
    assert once == twice == plain
    with zipfile.ZipFile(io.BytesIO(once)) as z:
        assert z.testzip() is None


def test_deflating_once_puts_zipfiles_own_back_after_the_last_of_overlapping_uses() -> None:
    """Two uses that overlap (as two threads' may), closed in the order they were opened: the hook stays while either is
    open, and zipfile's own compressor is back after both."""
    from generator.render.reproducible import deflating_once

    own = zipfile._get_compressor  # type: ignore[attr-defined]
    first, second = deflating_once(), deflating_once()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert zipfile._get_compressor is not own  # type: ignore[attr-defined]
    second.__exit__(None, None, None)
    assert zipfile._get_compressor is own  # type: ignore[attr-defined]
