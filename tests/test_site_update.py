"""Updating a site in place (generator/site/reuse.py ``update``): a build into the folder of the last one
writes only what changed, never touches the rest, and always leaves what a build from nothing writes."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from conftest import DATA, ROOT
from test_cache import assert_same_tree

from generator import atomic, cache
from generator.build import build
from generator.render import pdf
from generator.site import engine, reuse, search

VOLUNTEER = "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"
EDITED_UNIT = "株洲市渌口区/2026/区委社会工作部"
GONE_UNIT = "株洲市渌口区/2026/区人民政府办公室"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    commit = ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "commit", "-qm", "数据"]
    for args in (["init", "-q"], ["add", "-A"], commit):
        subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, check=True, capture_output=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    return root


def make(out: str, cached: bool = True, tables: bool = True) -> None:
    if not cached:
        os.environ["JIXIAO_CACHE_DIR"], saved = "off", os.environ["JIXIAO_CACHE_DIR"]
    try:
        result = build(Path("data"), Path(out), jobs=1, make_pdf=False, tables=tables)
    finally:
        if not cached:
            os.environ["JIXIAO_CACHE_DIR"] = saved
    assert result.written, result.report.diagnostics


def identities(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def edit(old: str, new: str) -> None:
    path = Path("data", VOLUNTEER)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def search_shards(site: Path) -> int:
    entry = (site / search.FOLDER / "entry.js").read_text(encoding="utf-8")
    return int(entry.split('"shards":')[1].split(",")[0])


def test_an_update_writes_only_what_changed_and_equals_a_build_from_nothing(repo: Path) -> None:
    make("site")
    before = identities(repo / "site")
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    after = identities(repo / "site")
    mine = (f"tables/{EDITED_UNIT}/", f"地区/{EDITED_UNIT}/", f"data/{EDITED_UNIT}/", f"data/{EDITED_UNIT}.json")
    untouched = [
        name
        for name in before
        if name.startswith(("tables/", "地区/", "data/")) and name.count("/") > 3 and not name.startswith(mine)
    ]
    assert untouched and [name for name in untouched if after.get(name) != before[name]] == []
    index = repo / "site" / search.FOLDER / "t" / f"{search.fnv('季度') % search_shards(repo / 'site')}.js"
    assert '"季度"' in index.read_text(encoding="utf-8")  # the search index (common files) has the new text
    page = repo / "site/地区" / EDITED_UNIT / "志愿服务活动专项/index.html"
    assert "每季度一次" in page.read_text(encoding="utf-8")
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_the_unit_made_again_links_its_files_that_came_out_as_they_were(repo: Path) -> None:
    """A unit made again after one edit writes only its files that changed; the others are the old site's
    files under a second name (atomic.write_staged), and the site is still the one a build from nothing writes."""
    make("site")
    before = identities(repo / "site")
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    after = identities(repo / "site")
    other = "两新党组织党务工作者津贴"
    kept = [
        f"地区/{EDITED_UNIT}/{other}/index.html",
        f"data/{EDITED_UNIT}/{other}.json",
        f"data/{EDITED_UNIT}/{other}.csv",
        *(f"tables/{EDITED_UNIT}/{other}{suffix}" for suffix in (".html", ".docx", ".xlsx")),
    ]
    assert [name for name in kept if after[name] != before[name]] == []
    changed = [
        f"地区/{EDITED_UNIT}/志愿服务活动专项/index.html",
        f"tables/{EDITED_UNIT}/志愿服务活动专项.docx",
        f"data/{EDITED_UNIT}.json",
    ]
    assert [name for name in changed if after[name] == before[name]] == []
    assert all((repo / "site" / name).stat().st_nlink == 1 for name in kept)  # the old slot is gone: one name left
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_records_kept_in_memory_between_builds_give_the_same_site(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``jixiao serve`` keeps the units' records in memory (reuse.keep_records): its rebuilds read none from
    the cache, and after edits, a removed unit and one added back, the site is what a build from nothing writes."""
    monkeypatch.setattr(reuse, "_records", None)
    reuse.keep_records()
    read: list[str] = []
    real_get = cache.get

    def get(kind: str, entry: str | None, *args: Any, **kwargs: Any) -> Any:
        read.append(kind)
        return real_get(kind, entry, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get)
    make("site")
    for change in ("edit", "remove", "add back", "revert"):
        if change == "edit":
            edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
        elif change == "remove":
            shutil.move(repo / "data" / GONE_UNIT, repo / "elsewhere")
        elif change == "add back":
            shutil.move(repo / "elsewhere", repo / "data" / GONE_UNIT)
        else:
            edit("组织指导志愿者开展服务活动，每季度一次。", "组织指导志愿者开展服务活动。")
        read.clear()
        make("site")
        assert reuse.ROWS_KIND not in read and reuse.UNIT_KIND not in read, change
        shutil.rmtree(repo / "fresh", ignore_errors=True)
        kept, reuse._records = reuse._records, None  # the build from nothing is not jixiao serve's
        make("fresh", cached=False)
        reuse._records = kept
        assert_same_tree(repo / "site", repo / "fresh")
    assert reuse._records is not None and len(reuse._records.now) == len(list((repo / "data").glob("*/*/*/单位.yaml")))


def test_units_removed_and_added_again(repo: Path) -> None:
    make("site")
    shutil.move(repo / "data" / GONE_UNIT, repo / "elsewhere")
    make("site")
    for place in ("tables", "地区", "data"):
        assert not (repo / "site" / place / GONE_UNIT).exists()
    assert not (repo / "site/data" / f"{GONE_UNIT}.json").exists()
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")
    shutil.move(repo / "elsewhere", repo / "data" / GONE_UNIT)
    make("site")
    shutil.rmtree(repo / "fresh")
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_a_region_removed_leaves_no_empty_folders(repo: Path) -> None:
    make("site")
    shutil.rmtree(repo / "data/唐山市路南区")
    make("site")
    assert not [p for p in (repo / "site").rglob("*") if p.is_dir() and not any(p.iterdir())]
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_an_update_killed_half_way_is_repaired_by_the_next_build(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Build A; edit to B and let the update die after its first replacement; go back to A and build.
    The units the dead update was replacing must be made again (their old record said A), not trusted."""
    make("site")
    original = Path("data", VOLUNTEER).read_bytes()
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    calls = []
    real = atomic.swap_in

    def dying(new: Path, final: Path, trash: Path) -> None:
        if calls:
            raise OSError("killed")
        calls.append(final)
        real(new, final, trash)

    monkeypatch.setattr(atomic, "swap_in", dying)
    with pytest.raises(OSError, match="killed"):
        make("site")
    monkeypatch.setattr(atomic, "swap_in", real)
    assert calls  # one slot of the edited unit is B's now
    assert not (repo / ".jixiao-work").exists()  # the staging folder is gone
    Path("data", VOLUNTEER).write_bytes(original)
    make("site")
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_a_site_without_a_record_is_made_whole(repo: Path) -> None:
    make("site")
    shutil.rmtree(cache.folder() or Path("none"))
    marker = (repo / "site/.jixiao-site").stat().st_ino
    make("site")
    assert (repo / "site/.jixiao-site").stat().st_ino != marker
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_the_guides_come_from_the_cache_until_they_change(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    hooks = "  - generator/site/hooks.py"
    assert hooks in config
    (repo / "mkdocs.yml").write_text(config.replace(hooks, f"  - {ROOT / 'generator/site/hooks.py'}"), encoding="utf-8")
    shutil.copytree(ROOT / "docs", repo / "docs")
    make("site")
    real = engine.build

    def not_again(config: Path, docs: Path, site: Path) -> dict[str, object]:
        raise AssertionError("mkdocs ran although its sources did not change")

    monkeypatch.setattr(engine, "build", not_again)
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    monkeypatch.setattr(engine, "build", real)
    guide = repo / "docs/编辑指南.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\n新增的一段说明。\n", encoding="utf-8")
    make("site")
    assert "新增的一段说明" in (repo / "site/编辑指南/index.html").read_text(encoding="utf-8")
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_tables_left_out_and_made_again(repo: Path) -> None:
    make("site")
    make("site", tables=False)
    assert not (repo / "site/tables").exists()
    make("fresh", cached=False, tables=False)
    assert_same_tree(repo / "site", repo / "fresh")
    make("site")
    shutil.rmtree(repo / "fresh")
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


needs_soffice = pytest.mark.skipif(pdf.soffice() is None, reason="LibreOffice (soffice) is not installed")


def make_with_pdf(out: str, cached: bool = True) -> None:
    if not cached:
        os.environ["JIXIAO_CACHE_DIR"], saved = "off", os.environ["JIXIAO_CACHE_DIR"]
    try:
        result = build(Path("data"), Path(out), jobs=2, make_pdf=True)
    finally:
        if not cached:
            os.environ["JIXIAO_CACHE_DIR"] = saved
    assert result.written, result.report.diagnostics
    assert result.pdfs == 4, result.pdf_note


@needs_soffice
def test_rebuilds_with_pdf_after_an_edit_and_after_a_revert(repo: Path) -> None:
    """The PDFs of unchanged units converted again (their batch holds the edited unit) are put in place once,
    and a rebuild after the revert leaves the site a build from nothing makes (a rebuild used to fail for
    good with FileNotFoundError on 单位汇编.pdf)."""
    original = Path("data", VOLUNTEER).read_bytes()
    make_with_pdf("site")
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make_with_pdf("site")
    make_with_pdf("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")
    Path("data", VOLUNTEER).write_bytes(original)
    make_with_pdf("site")
    make_with_pdf("site")
    shutil.rmtree(repo / "fresh")
    make_with_pdf("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


@needs_soffice
def test_each_pdf_booklet_is_linked_from_its_year_page(repo: Path) -> None:
    """The booklets were built and linked from nowhere; now from the table of units of their year."""
    make_with_pdf("site")
    booklets = sorted((repo / "site/tables").rglob("*.pdf"))
    assert len(booklets) == 4
    for booklet in booklets:
        region, year = booklet.relative_to(repo / "site/tables").parts[:2]
        page = repo / "site/地区" / region / year / "index.html"
        links = re.findall(r'href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))
        assert booklet.resolve() in {(page.parent / unquote(link)).resolve() for link in links}, (booklet, page)


def test_an_update_never_writes_through_a_linked_folder(repo: Path, tmp_path: Path) -> None:
    """site/tables replaced by a symbolic link to a folder elsewhere: the next build writes nothing there
    (an update used to write 122 files through it), and the site is what a build from nothing makes."""
    make("site")
    elsewhere = tmp_path / "elsewhere"
    shutil.move(repo / "site/tables", elsewhere)
    (repo / "site/tables").symlink_to(elsewhere, target_is_directory=True)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert not (repo / "site/tables").is_symlink()
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


KILLED_MID_SWAP = """
import os, signal, sys
from generator import atomic
real = atomic.swap_in
def killed(new, final, trash):
    real(new, final, trash)
    os.kill(os.getpid(), signal.SIGKILL)  # kill -9 after the first slot is replaced
atomic.swap_in = killed
from generator.cli import main
sys.argv = ["jixiao", "build", "--no-pdf"]
main()
"""


def test_a_build_killed_mid_swap_leaves_nothing_in_git_and_the_next_build_repairs_it(repo: Path) -> None:
    """A real kill -9 during an update: git shows no temporary folder, and the next build says the site
    was left mixed and repairs it (equal to a build from nothing), leaving no temporary folder at all."""
    env = {**os.environ}
    command = [sys.executable, "-m", "generator", "build", "--no-pdf"]
    assert subprocess.run(command, cwd=repo, env=env, capture_output=True, check=False).returncode == 0
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    killed = subprocess.run([sys.executable, "-c", KILLED_MID_SWAP], cwd=repo, env=env, capture_output=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert (repo / ".jixiao-work").is_dir() and (repo / "site/.jixiao-updating").is_file()
    status = subprocess.run(
        ["git", "-c", "core.quotepath=off", "status", "--porcelain", "--untracked-files=all"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    shown = [line[3:] for line in status.stdout.splitlines() if not line[3:].startswith("site/")]
    assert shown == [f"data/{VOLUNTEER}"]
    again = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0 and "被中断" in again.stdout
    assert not (repo / ".jixiao-work").exists() and not (repo / "site/.jixiao-updating").exists()
    fresh = subprocess.run(
        [*command, "--out", "fresh"], cwd=repo, env={**env, "JIXIAO_CACHE_DIR": "off"}, capture_output=True, check=False
    )
    assert fresh.returncode == 0
    assert_same_tree(repo / "site", repo / "fresh")


def _unit_pdf_links(site: Path) -> dict[Path, set[Path]]:
    """Each unit page (地区/<地区>/<年度>/<单位>/index.html) → the files its PDF links resolve to."""
    pages = [p for p in (site / "地区").glob("*/*/*/index.html")]
    assert pages
    return {
        page: {
            (page.parent / unquote(link)).resolve()
            for link in re.findall(r'href="([^"]+\.pdf)"', page.read_text(encoding="utf-8"))
        }
        for page in pages
    }


@needs_soffice
def test_each_pdf_booklet_is_linked_from_its_unit_page_only_when_made(repo: Path) -> None:
    """The unit pages are written before the PDFs are converted and linked none; now each links its own,
    when the build makes PDFs, and none after a build with --no-pdf (its pages are not reused)."""
    make_with_pdf("site")
    links = _unit_pdf_links(repo / "site")
    booklets = sorted((repo / "site/tables").rglob("*.pdf"))
    assert len(booklets) == 4
    for booklet in booklets:
        page = repo / "site/地区" / booklet.parent.relative_to(repo / "site/tables") / "index.html"
        assert links[page] == {booklet.resolve()}, page
    assert sum(1 for found in links.values() if found) == len(booklets)
    make("site")  # --no-pdf, into the same site
    assert not any(_unit_pdf_links(repo / "site").values())
    make("fresh", cached=False)
    assert not any(_unit_pdf_links(repo / "fresh").values())


def test_a_booklet_libreoffice_fails_on_is_not_linked(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A LibreOffice that converts nothing (here a soffice that exits with an error): the build says so, and
    the unit pages written before the conversion are written again without a link to a PDF that is not there."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "soffice").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    (bin_dir / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv(pdf.ENGINE_VARIABLE, pdf.LIBREOFFICE)
    assert pdf.soffice() == str(bin_dir / "soffice")
    result = build(Path("data"), Path("site"), jobs=1, make_pdf=True)
    assert result.written and result.pdfs == 0 and "未能生成" in result.pdf_note, result.pdf_note
    assert not list((repo / "site").rglob("*.pdf"))
    assert not any(_unit_pdf_links(repo / "site").values())
