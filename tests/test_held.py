"""What a process keeps from one build to the next (generator/held.py): ``jixiao serve`` parses, composes and
renders again only what an edit changed, and writes the site a build from nothing writes; a region's file or
a layout edited while it runs is read anew."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Hashable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from test_cache import assert_same_tree
from test_site_update import VOLUNTEER, edit, make, repo  # noqa: F401 (the fixture)

from generator import atomic, held
from generator.check import run
from generator.data import fields as F
from generator.data import load, tree
from generator.data.load import Document
from generator.render import compose
from generator.site import overview, pages, publish, reuse, search

REGION = "data/株洲市渌口区/地区.yaml"
MEMOS: tuple[held.Memo[Any], ...] = (load._parsed, compose._composed, pages._rendered, search._flags, run._checked)


@pytest.fixture
def as_serve(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's process keeps what ``jixiao serve`` keeps (undone after the test)."""
    monkeypatch.setattr(reuse, "_records", None)
    monkeypatch.setattr(held, "_owner", None)
    for memo in MEMOS:
        memo.clear()
    monkeypatch.setattr(search, "_last", None)
    monkeypatch.setattr(publish, "_parts", held.Recent())
    monkeypatch.setattr(overview, "_rows", held.Recent())
    reuse.keep_records()
    held.keep()


def test_a_serving_process_makes_again_only_what_an_edit_changed_and_the_site_a_build_from_nothing_makes(
    repo: Path,  # noqa: F811
    as_serve: None,
) -> None:
    make("site")
    make("site")  # the units' findings are kept as the cache gives them back
    for memo in MEMOS:
        memo.hits = memo.misses = 0
    parts, rows = dict(publish._parts.now), dict(overview._rows.now)
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    # the parts of the common pages: the unchanged units' as parsed the time before, the edited unit's anew
    again = [text for text, part in publish._parts.now.items() if parts.get(text) is part]
    assert len(again) == len(parts) - 1 == len(publish._parts.now) - 1
    # and their rows of the list of all projects, made once for the page they are on
    again = [key for key, made in overview._rows.now.items() if rows.get(key) is made]
    assert len(again) == len(rows) - 1 == len(overview._rows.now) - 1
    # The edited unit's other files, tables, pages and search tokens, and the other units' findings, come
    # from memory; the edited ones are made anew.
    for memo in MEMOS:
        assert memo.hits > 0 and memo.misses > 0, memo.items.keys()
    assert load._parsed.misses == 1  # the edited file, parsed by the check, then kept for the unit's pages
    assert search._last is not None  # the search index was merged again from what was written last
    page = repo / "site/地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/index.html"
    assert "每季度一次" in page.read_text(encoding="utf-8")
    # Nothing kept was changed by those who used it: each document is what its file parses to anew.
    for (path, shown, raw), doc in load._parsed.items.items():
        assert isinstance(doc, Document)
        again = load._load_bytes(raw, path, shown)
        assert isinstance(again, Document) and again.data == doc.data and again.text == doc.text, shown
    held._owner = None  # the build from nothing keeps nothing
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


@pytest.mark.parametrize("serving", [True, False], ids=["jixiao serve", "jixiao build"])
def test_a_region_file_and_a_layout_edited_between_builds_are_read_anew(
    repo: Path,  # noqa: F811
    as_serve: None,
    serving: bool,
) -> None:
    """Each build after an edit of the region's file, then of the data repository's own layout, prints them:
    in the same process (``jixiao serve``), and in an update of the site by another build (the units'
    keys hold the bytes of the layout, as the check's do)."""
    if not serving:
        held._owner = None
        reuse._records = None
    make("site")
    region = Path(REGION)
    region.write_text(region.read_text(encoding="utf-8") + f"{F.PUBLISHER}: 渌口区财政局（预览）\n", encoding="utf-8")
    layout_folder = repo / "data" / F.LAYOUT / "湖南"
    shutil.copytree(Path(__file__).resolve().parent.parent / "generator/templates/official/湖南", layout_folder)
    layout_file = layout_folder / "layout.yaml"
    make("site")
    unit_page = repo / "site/地区/株洲市渌口区/2026/区委社会工作部/index.html"
    assert "渌口区财政局（预览）" in unit_page.read_text(encoding="utf-8")
    text = layout_file.read_text(encoding="utf-8")
    title = '标题: "{年度}年项目支出绩效目标表"'
    assert text.count(title) == 1
    layout_file.write_text(text.replace(title, title[:-1] + '（预览）"'), encoding="utf-8")
    make("site")
    table = repo / "site/tables/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.html"
    assert "（预览）" in table.read_text(encoding="utf-8")


def test_a_memo_keeps_only_what_it_was_asked_to_and_nothing_in_other_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(held, "_owner", None)
    memo: held.Memo[str] = held.Memo(2)
    made: list[str] = []

    def make_it(value: str) -> str:
        made.append(value)
        return value

    assert memo.get("a", lambda: make_it("a")) == "a" and not memo.items  # keeps nothing until asked
    held.keep()
    for key in ("a", "b", "a", "c", "b"):  # "b" is the one used longest ago when "c" comes
        memo.get(key, lambda key=key: make_it(key))
    assert made == ["a", "a", "b", "c", "b"] and list(memo.items) == ["c", "b"]
    memo.get("refused", lambda: make_it("x"), keep_it=lambda v: False)
    assert "refused" not in memo.items
    monkeypatch.setattr(held, "_owner", -1)  # another process asked (this one is its worker)
    assert not held.kept()
    # Keys: equal values of other types, or that print otherwise, are other keys; what cannot be pickled has none.
    assert held.pickled(Decimal("1.0")) != held.pickled(Decimal("1.00")) and held.pickled(1) != held.pickled(True)
    assert held.pickled({"金额": Decimal("1.0")}) == held.pickled({"金额": Decimal("1.0")})
    assert held.pickled(lambda: None) is None


def test_recent_results_are_kept_for_the_next_round_only_when_used_in_this_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(held, "_owner", None)
    recent: held.Recent[str] = held.Recent()
    made: list[str] = []

    def get(key: str) -> str:
        return recent.get(key, lambda: made.append(key) or key.upper())

    assert get("a") == "A" and not recent.now  # keeps nothing until asked
    held.keep()
    for round_keys in (["a", "b"], ["a", "a"], ["b"], ["a", "c"], ["c"]):
        recent.turn()
        for key in round_keys:
            assert get(key) == key.upper()
    # "a": made again when kept, then taken from the round before; "b" dropped by the round that did not use it
    assert made == ["a", "a", "b", "b", "a", "c"]
    assert list(recent.now) == ["c"] and list(recent.last) == ["a", "c"]


def test_files_found_to_hold_some_bytes_are_read_again_only_when_their_status_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(held, "_owner", None)
    held.keep()
    reads: list[str] = []
    real = atomic.holds

    def holds(path: str | Path, data: bytes) -> bool:
        reads.append(str(path))
        return real(path, data)

    monkeypatch.setattr(atomic, "holds", holds)
    holdings, path = search.Holdings(), tmp_path / "1.js"
    path.write_bytes(b"abcd")
    assert holdings.holds(str(path), b"abcd") and holdings.holds(str(path), b"abcd") and len(reads) == 2
    # just written: read each time (a change within the clock's tick would leave the status as it was)
    reads.clear()
    monkeypatch.setattr(held, "settled", lambda status: True)  # as if written a while ago
    assert holdings.holds(str(path), b"abcd") and holdings.holds(str(path), b"abcd") and len(reads) == 1
    assert not holdings.holds(str(path), b"abce") and len(reads) == 2  # other bytes: read, and not held
    (tmp_path / "new.js").write_bytes(b"abce")  # the same size, put in its place as an update does (another
    (tmp_path / "new.js").replace(path)  # file: a change within the same tick of the clock would keep the times)
    assert not holdings.holds(str(path), b"abcd") and holdings.holds(str(path), b"abce")
    link = tmp_path / "2.js"
    link.symlink_to(path)
    assert not holdings.holds(str(link), b"abce")  # a link is never taken for the file
    held._owner = None
    reads.clear()
    assert holdings.holds(str(path), b"abce") and reads  # a process that keeps nothing reads each time


def test_a_commit_while_serving_shows_in_the_histories(repo: Path, as_serve: None) -> None:  # noqa: F811
    make("site")
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")  # the log of data/ is kept: HEAD is the same commit
    page = repo / "site/地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/index.html"
    assert "每季度活动" not in page.read_text(encoding="utf-8")
    commit = ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "commit", "-qam", "志愿服务改为每季度活动"]
    subprocess.run(["git", *commit], cwd=repo, check=True, capture_output=True)
    make("site")
    assert "每季度活动" in page.read_text(encoding="utf-8")


def settled_memo(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> held.ByStatus[Any]:
    """A new, empty ``owner.name`` (a ByStatus), with every file as if last changed a while ago."""
    monkeypatch.setattr(held, "settled", lambda status: True)
    memo: held.ByStatus[Any] = held.ByStatus()
    monkeypatch.setattr(owner, name, memo)
    return memo


def counted(memo: held.ByStatus[Any], monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The results ``memo`` gives from here on (what was not found out again)."""
    given: list[object] = []
    real = memo.get

    def get(key: Hashable, status: os.stat_result) -> Any:
        found = real(key, status)
        if found is not None:
            given.append(key)
        return found

    monkeypatch.setattr(memo, "get", get)
    return given


def test_a_serving_process_lists_again_only_changed_folders_and_never_writes_through_a_link(
    repo: Path,  # noqa: F811
    as_serve: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listed = settled_memo(monkeypatch, reuse, "_listed")
    make("site")
    make("site")  # lists every folder, and keeps what it found
    skipped = counted(listed, monkeypatch)
    unit = repo / "site/tables/株洲市渌口区/2026/区人民政府办公室"  # a unit the edit leaves as it was
    elsewhere = tmp_path / "elsewhere"
    shutil.move(unit, elsewhere)
    unit.symlink_to(elsewhere, target_is_directory=True)
    before = {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()}
    edit("组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    make("site")
    assert skipped  # the folders left as they were are not listed again
    assert {p: p.read_bytes() for p in elsewhere.rglob("*") if p.is_file()} == before
    assert not unit.is_symlink()
    held._owner = None
    make("fresh", cached=False)
    assert_same_tree(repo / "site", repo / "fresh")


def test_a_serving_process_walks_again_only_changed_data_folders(
    repo: Path,  # noqa: F811
    as_serve: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    listings = settled_memo(monkeypatch, tree, "_listings")
    make("site")
    listed = counted(listings, monkeypatch)
    page = repo / "site/地区" / Path(VOLUNTEER).with_suffix("") / "index.html"
    assert page.is_file()
    shutil.move(Path("data", VOLUNTEER), repo / "aside.yaml")  # its folder changes; the others do not
    make("site")
    assert listed and not page.exists()
    shutil.move(repo / "aside.yaml", Path("data", VOLUNTEER))
    make("site")
    assert page.is_file()


def test_the_search_index_merged_again_from_the_last_one_is_the_index_made_from_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Made-up groups of pages edited at random, one or a few at a time (tokens come and go, a token the
    whole index had in one group only disappears, a name gains pairs no page had), a group added or taken
    away: each index written by a process that keeps results is, file for file, the index written from nothing."""
    import random

    from generator.site.search import Doc, Index

    merges: list[int] = []
    merged = search._merged
    monkeypatch.setattr(search, "_merged", lambda groups: merges.append(len(groups)) or merged(groups))
    monkeypatch.setattr(search, "_last", None)
    monkeypatch.setattr(held, "_owner", None)
    chance = random.Random(19)
    words = ["村干部", "意外保险", "志愿服务", "两新党组织", "工作经费", "补贴", "培训", "慰问", "维修", "验收", "2026", "v007"]

    def page(unit: int, n: int) -> Doc:
        name = "".join(chance.sample(words, 2)) + chance.choice(["", "专项", f"第{n}期", chr(0x4E00 + chance.randrange(20000))])
        return Doc("项目", name, f"项目{n}", context=f"单位{unit}", body=" ".join(chance.sample(words, 3)), amount=str(n))

    groups = [[page(u, n) for n in range(chance.randrange(1, 12))] for u in range(12)]

    def index() -> Index:
        made = Index()
        for u, docs in enumerate(groups):
            made.add(f"地区/测试/2026/单位{u}/", "测试", 2026, f"单位{u}", [Doc("单位", f"单位{u}", ""), *docs])
        return made

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    for round_number in range(40):
        edits = 1 if round_number % 5 else chance.randrange(2, 4)
        for _ in range(edits):
            docs = groups[chance.randrange(len(groups))]
            action = chance.randrange(3)
            if action == 0 or not docs:
                docs.append(page(0, len(docs)))
            elif action == 1:
                docs.pop(chance.randrange(len(docs)))
            else:
                docs[chance.randrange(len(docs))] = page(1, chance.randrange(50))
        if round_number == 20:
            groups.append([page(99, 0)])
        if round_number == 30:
            groups.pop(3)
        held.keep()
        search.write(tmp_path / f"kept{round_number}", index())
        monkeypatch.setattr(held, "_owner", None)  # the same index from nothing, in a process that keeps nothing
        search.write(tmp_path / f"whole{round_number}", index())
        assert files(tmp_path / f"kept{round_number}") == files(tmp_path / f"whole{round_number}"), round_number
    # every write from nothing merged everything; of the kept ones, only the first and those after a group
    # was added (round 20) or taken away (round 30)
    assert len(merges) - 40 == 3, merges
