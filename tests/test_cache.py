"""The cache of finished work (generator/cache.py, generator/site/reuse.py): it saves time and never
changes a result. Every test compares with the same command run with the cache off."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from conftest import DATA, ROOT

if TYPE_CHECKING:
    from generator.data.tree import UnitFolder

VOLUNTEER = "株洲市渌口区/2026/区委社会工作部/志愿服务活动专项.yaml"
OTHER_UNIT_PAGE = "地区/唐山市路南区/2025/区委社会工作部/index.html"


def run(repo: Path, cache: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env={**os.environ, "JIXIAO_CACHE_DIR": str(cache)},
    )


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(one: Path, two: Path) -> None:
    first, second = files(one), files(two)
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    assert [n for n in first if first[n] != second[n]] == []


def volunteer_folder(repo: Path) -> UnitFolder:
    """The unit folder of the edited project, as the build finds it."""
    from generator.data.tree import UnitFolder

    unit_dir = (repo / "data" / VOLUNTEER).parent
    return UnitFolder(
        unit_dir,
        unit_dir.parents[1],
        int(unit_dir.parent.name),
        sorted(p for p in unit_dir.glob("*.yaml") if p.name != "单位.yaml"),
    )


def edit(repo: Path, old: str, new: str) -> None:
    path = repo / "data" / VOLUNTEER
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(DATA, root / "data")
    shutil.copytree(ROOT / "schema", root / "schema")
    env = {**os.environ, "GIT_AUTHOR_DATE": "2026-01-02T03:04:05+08:00", "GIT_COMMITTER_DATE": "2026-01-02T03:04:05+08:00"}
    commit = ["-c", "user.name=编辑", "-c", "user.email=e@example.org", "commit", "-qm", "数据"]
    for args in (["init", "-q"], ["add", "-A"], commit):
        subprocess.run(["git", "-c", "init.defaultBranch=main", *args], cwd=root, env=env, check=True, capture_output=True)
    return root


def test_check_from_the_cache_says_exactly_what_a_fresh_check_says(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    fresh = run(repo, "off", "check", "--format", "json")
    first, second = run(repo, cache, "check", "--format", "json"), run(repo, cache, "check", "--format", "json")
    assert fresh.returncode == first.returncode == second.returncode == 0
    assert fresh.stdout == first.stdout == second.stdout and json.loads(fresh.stdout)
    assert len(list((cache / "check").rglob("*.json"))) == 4  # one entry per unit folder
    # An edit reaches the report at once: the unit's key changed.
    edit(repo, "    指标值类型: ≥\n    指标值: 500\n", "    指标值类型: 大于\n    指标值: 500\n")
    after = run(repo, cache, "check", "--format", "json")
    assert after.returncode == 1 and "S" in {d["code"][0] for d in json.loads(after.stdout)}
    assert after.stdout == run(repo, "off", "check", "--format", "json").stdout


def test_a_schema_folder_added_or_removed_reaches_the_report(repo: Path, tmp_path: Path) -> None:
    """P005 (the editors' schema line) depends on where schema/ is, not only on the data files' bytes."""
    cache = tmp_path / "cache"
    with_schema = run(repo, cache, "check", "--format", "json")
    shutil.move(repo / "schema", tmp_path / "schema-away")
    without = run(repo, cache, "check", "--format", "json")
    assert without.stdout == run(repo, "off", "check", "--format", "json").stdout
    (repo / "data" / "schema").mkdir()  # nearer to the files: their lines should now point here
    shutil.copytree(tmp_path / "schema-away", repo / "data" / "schema", dirs_exist_ok=True)
    nearer = run(repo, cache, "check", "--format", "json")
    assert nearer.stdout == run(repo, "off", "check", "--format", "json").stdout
    assert "P005" in {d["code"] for d in json.loads(nearer.stdout)}
    assert with_schema.stdout != nearer.stdout


def test_entries_of_another_cache_are_never_trusted(repo: Path, tmp_path: Path) -> None:
    """A cache folder copied from elsewhere (or committed to a data repository) has another salt: its
    entries are not found under this machine's keys."""
    theirs, ours = tmp_path / "theirs", tmp_path / "ours"
    edit(repo, "    指标值类型: ≥\n    指标值: 500\n", "    指标值类型: 大于\n    指标值: 500\n")
    assert run(repo, theirs, "check").returncode == 1
    ours.mkdir(mode=0o700)
    shutil.copytree(theirs / "check", ours / "check")
    again = run(repo, ours, "check")
    assert again.returncode == 1 and "缓存" not in again.stderr  # not found, so nothing to warn about


def test_an_entry_changed_by_hand_is_ignored_with_a_warning(repo: Path, tmp_path: Path) -> None:
    """Whoever can write the cache cannot make check report 全部通过: each entry carries a MAC made with the
    salt, and an entry that is not what jixiao wrote (forged, cut short, nested a million deep) is ignored
    with a warning on stderr, and the work done again."""
    cache = tmp_path / "cache"
    edit(repo, "    指标值类型: ≥\n    指标值: 500\n", "    指标值类型: 大于\n    指标值: 500\n")
    expected = run(repo, "off", "check", "--format", "json").stdout
    assert run(repo, cache, "check").returncode == 1
    for forged in ("[]", "[" * 1_000_000, ""):
        for entry in (cache / "check").rglob("*.json"):
            mac = entry.read_bytes().partition(b"\n")[0]
            entry.write_bytes(mac + b"\n" + forged.encode())
        again = run(repo, cache, "check", "--format", "json")
        assert again.returncode == 1 and again.stdout == expected
        assert "已被改动或已损坏，已忽略" in again.stderr and "Traceback" not in again.stderr
    nested = "[" * 1_000_000  # with a valid MAC (as if jixiao had written it): still no traceback
    from generator import cache as cache_module

    for entry in (cache / "check").rglob("*.json"):
        name = entry.stem
        os.environ["JIXIAO_CACHE_DIR"], saved = str(cache), os.environ["JIXIAO_CACHE_DIR"]
        try:
            mac = cache_module._mac(cache, "check", name, nested.encode())
        finally:
            os.environ["JIXIAO_CACHE_DIR"] = saved
        entry.write_bytes(mac + b"\n" + nested.encode())
    again = run(repo, cache, "check", "--format", "json")
    assert again.returncode == 1 and again.stdout == expected
    assert "无法读取，已忽略" in again.stderr and "Traceback" not in again.stderr


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX owners and permissions")
def test_a_cache_folder_others_can_write_is_not_used(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "shared"
    cache.mkdir()
    cache.chmod(0o777)
    done = run(repo, cache, "check", "--format", "json")
    assert done.returncode == 0 and json.loads(done.stdout)
    assert "其他用户可以写入" in done.stderr and not list(cache.iterdir())
    fresh = tmp_path / "fresh"
    assert run(repo, fresh, "check").returncode == 0
    assert fresh.stat().st_mode & 0o777 == 0o700 and (fresh / "salt").stat().st_mode & 0o777 == 0o600


def test_rebuild_after_an_edit_reuses_the_other_units_and_equals_a_build_from_nothing(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    untouched = (repo / "site" / OTHER_UNIT_PAGE).stat().st_ino
    again = run(repo, cache, "build", "--no-pdf", "--out", "site")
    assert again.returncode == 0 and "4 个单位没有改动" in again.stdout
    edit(repo, "组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    edited = run(repo, cache, "build", "--no-pdf", "--out", "site")
    assert edited.returncode == 0 and "3 个单位没有改动" in edited.stdout
    assert (repo / "site" / OTHER_UNIT_PAGE).stat().st_ino == untouched  # linked, not rendered again
    page = repo / "site" / "地区/株洲市渌口区/2026/区委社会工作部/志愿服务活动专项/index.html"
    assert "每季度一次" in page.read_text("utf-8")
    # In the unit made again, the tables of the projects that did not change come from the cache.
    tables = repo / "site" / "tables/株洲市渌口区/2026/区委社会工作部"
    assert (tables / "两新党组织党务工作者津贴.docx").stat().st_nlink == 1  # a copy: shares nothing with the cache
    assert (tables / "志愿服务活动专项.docx").stat().st_nlink == 1  # made anew, and a copy stored
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "site", repo / "fresh")


def test_tables_from_the_cache_equal_tables_made_anew(repo: Path, tmp_path: Path) -> None:
    """The official tables are cached one by one (keyed by the table's model): a build into a new
    folder takes them all from the cache, and the result equals a build without it."""
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    assert run(repo, cache, "build", "--no-pdf", "--out", "other").returncode == 0
    assert (repo / "other" / "tables/唐山市路南区/2025/区委社会工作部/劳务费.xlsx").stat().st_nlink == 1
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "other", repo / "fresh")


@pytest.mark.skipif(not Path("/dev/shm").is_dir(), reason="needs a second file system (/dev/shm)")
def test_a_cache_on_another_file_system_keeps_copies(repo: Path, tmp_path: Path) -> None:
    """A cache on another file system (here a tmpfs) stores and returns copies too, and the site is the
    same as without a cache."""
    if os.stat("/dev/shm").st_dev == os.stat(repo).st_dev:
        pytest.skip("/dev/shm is on the same file system as the test folder")
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="jixiao-cache-") as cache:
        assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
        assert run(repo, cache, "build", "--no-pdf", "--out", "other").returncode == 0
        table = "tables/唐山市路南区/2025/区委社会工作部/劳务费.xlsx"
        assert (repo / "other" / table).stat().st_nlink == 1  # a copy from the cache
        stored = list(Path(cache, "table").rglob("*.parts"))  # a table's files and printings, one entry
        assert stored and all(p.stat().st_nlink == 1 for p in stored)
        assert not list(Path(cache).rglob("*.tmp"))
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "other", repo / "fresh")


def test_going_back_to_an_earlier_version_does_not_bring_back_stale_pages(repo: Path, tmp_path: Path) -> None:
    """Build A, edit and build B, undo the edit and build again: the unit's key is A's again, but the site
    on disk holds B's pages. They must be made again, not taken for A's."""
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    original = (repo / "data" / VOLUNTEER).read_bytes()
    edit(repo, "组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    (repo / "data" / VOLUNTEER).write_bytes(original)
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "site", repo / "fresh")


def test_a_site_replaced_by_someone_else_is_not_reused(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    page = repo / "site" / OTHER_UNIT_PAGE
    shutil.copytree(repo / "site", repo / "copy")
    shutil.rmtree(repo / "site")
    shutil.move(repo / "copy", repo / "site")
    page.write_text("篡改", encoding="utf-8")  # the marker file is a new file: the record no longer matches
    rebuilt = run(repo, cache, "build", "--no-pdf", "--out", "site")
    assert rebuilt.returncode == 0 and "没有改动" not in rebuilt.stdout
    assert "篡改" not in page.read_text(encoding="utf-8")


def test_the_cache_can_be_turned_off_and_an_unusable_cache_is_ignored(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(repo, cache, "check", "--no-cache").returncode == 0
    assert not cache.exists()
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")  # the cache folder cannot be made: work goes on without it
    done = run(repo, blocked, "build", "--no-pdf", "--out", "site")
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert (repo / "site" / "index.html").is_file()


def test_a_huge_file_is_hashed_without_reading_it_all(repo: Path, tmp_path: Path) -> None:
    """The key reads no more of a file than the loader would: a 4 GB file (sparse) under a 512 MB limit."""
    import resource

    huge = repo / "data" / "株洲市渌口区/2026/区委社会工作部/巨大.yaml"
    with huge.open("wb") as handle:
        handle.truncate(4 << 30)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (512 << 20, 512 << 20))

    done = subprocess.run(
        [sys.executable, "-m", "generator", "check", "-j", "1", "--format", "json", str(huge)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=limit,
        env={**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert "Traceback" not in done.stderr and done.returncode == 1
    assert [d["code"] for d in json.loads(done.stdout)] == ["Y009"]


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (README: the PDF tests need it)",
)
def test_pdfs_are_reused_and_left_out_with_no_pdf(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--out", "site").returncode == 0
    booklet = repo / "site" / "tables/唐山市路南区/2025/区委社会工作部/单位汇编.pdf"
    made = booklet.stat().st_ino
    again = run(repo, cache, "build", "--out", "site")
    assert again.returncode == 0 and "4 份 PDF" in again.stdout and booklet.stat().st_ino == made  # not converted again
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    assert not list((repo / "site").rglob("*.pdf"))
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "site", repo / "fresh")


@pytest.mark.skipif(
    shutil.which("soffice") is None and shutil.which("libreoffice") is None,
    reason="LibreOffice is not installed (README: the PDF tests need it)",
)
def test_a_booklet_converted_before_comes_from_the_cache(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A PDF depends on its booklet only (render/pdf.py), so it is kept in the cache by the booklet's content: a
    build into another folder (a fresh clone in CI, with the cache restored) runs no LibreOffice and writes the
    same bytes; a booklet changed by an edit is converted again."""
    from generator.build import build
    from generator.render import pdf

    monkeypatch.chdir(repo)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv(pdf.ENGINE_VARIABLE, pdf.LIBREOFFICE)
    assert build(Path("data"), Path("site"), jobs=2).pdfs == 4
    converted: list[list[str]] = []

    class Counted(subprocess.Popen):  # type: ignore[type-arg]  # LibreOffice's runs, by the files it was given
        def __init__(self, command: list[str], *args: object, **options: object) -> None:
            if command[0] == pdf.soffice():
                converted.append([name for name in command if name.endswith(".docx")])
            super().__init__(command, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(subprocess, "Popen", Counted)
    assert build(Path("data"), Path("other"), jobs=2).pdfs == 4
    assert converted == []
    assert_same_tree(repo / "site", repo / "other")
    edit(repo, "组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    assert build(Path("data"), Path("other"), jobs=2).pdfs == 4
    assert [len(files) for files in converted] == [1]


def test_a_booklet_typeset_before_comes_from_the_cache(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Typst's PDF depends on the booklet, the template, Typst and the fonts only (render/typeset.py): a build
    into another folder typesets nothing and writes the same bytes; after an edit only its unit's booklet is
    typeset again."""
    from generator.build import build
    from generator.render import typeset

    monkeypatch.chdir(repo)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    assert build(Path("data"), Path("site"), jobs=1).pdfs == 4
    typeset_now: list[str] = []
    real = typeset.pdf_bytes

    def counted(booklet: typeset.Booklet, source: str | None = None) -> bytes:
        typeset_now.append(booklet.title)
        return real(booklet, source)

    monkeypatch.setattr(typeset, "pdf_bytes", counted)  # jobs=1: the units are written in this process
    assert build(Path("data"), Path("other"), jobs=1).pdfs == 4
    assert typeset_now == []
    assert_same_tree(repo / "site", repo / "other")
    edit(repo, "组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    assert build(Path("data"), Path("other"), jobs=1).pdfs == 4
    assert len(typeset_now) == 1


def test_an_unknown_pdf_engine_is_named_and_no_pdf_is_linked(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.build import build

    monkeypatch.chdir(repo)
    monkeypatch.setenv("JIXIAO_PDF_ENGINE", "word")
    result = build(Path("data"), Path("site"), jobs=1)
    assert result.written and result.pdfs == 0 and "JIXIAO_PDF_ENGINE" in result.pdf_note and "word" in result.pdf_note
    assert not list((repo / "site").rglob("*.pdf"))
    linked = re.compile(r'href="[^"]*\.pdf"')
    assert not [p for p in (repo / "site").rglob("index.html") if linked.search(p.read_text(encoding="utf-8"))]
    monkeypatch.delenv("JIXIAO_PDF_ENGINE")
    assert build(Path("data"), Path("site"), jobs=1).pdfs == 4  # the check can fail: the same pages link them now
    assert len([p for p in (repo / "site").rglob("index.html") if linked.search(p.read_text(encoding="utf-8"))]) >= 4


def test_a_booklet_typst_fails_on_is_named_and_not_linked_and_the_others_are_made(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.build import build
    from generator.render import typeset

    monkeypatch.chdir(repo)
    real = typeset.pdf_bytes

    def failing(booklet: typeset.Booklet, source: str | None = None) -> bytes:
        if "区委组织部" in "".join(booklet.cover):
            raise typeset.TypesetError("Typst 未能排版 PDF 汇编：测试中假定的错误")
        return real(booklet, source)

    monkeypatch.setattr(typeset, "pdf_bytes", failing)  # jobs=1: the units are written in this process
    result = build(Path("data"), Path("site"), jobs=1)
    assert result.written and result.pdfs == 3, result.pdf_note
    assert "1 份未能生成" in result.pdf_note and "区委组织部" in result.pdf_note and "假定的错误" in result.pdf_note
    made = sorted(p.parent.name for p in (repo / "site").rglob("单位汇编.pdf"))
    assert len(made) == 3 and "区委组织部" not in made
    linked = re.compile(r'href="[^"]*\.pdf"')
    pages = [p for p in (repo / "site").rglob("index.html") if linked.search(p.read_text(encoding="utf-8"))]
    assert pages and not [p for p in pages if "区委组织部" in p.relative_to(repo / "site").as_posix()]
    assert list((repo / "site").rglob("区委组织部/index.html"))  # its page is there, without the link


def test_stored_files_come_back_as_copies_of_the_same_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator import cache

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    made = tmp_path / "made"
    (made / "assets").mkdir(parents=True)
    for name, text in {"a.html": "甲", "a.docx": "乙", "assets/site.css": "丙"}.items():
        (made / name).write_text(text, encoding="utf-8")
    key = cache.key("test", [b"one"])
    names = ["a.html", "a.docx", "assets/site.css"]
    assert not cache.files_out("test", key, names, tmp_path / "nothing-yet")
    cache.files_in("test", key, [made / n for n in names], root=made)
    cache.files_in("test", key, [made / n for n in names], root=made)  # stored already: left as it is
    out = tmp_path / "out"
    out.mkdir()
    assert cache.files_out("test", key, names, out)
    assert files(out) == files(made)
    inodes = {(made / n).stat().st_ino for n in names} | {p.stat().st_ino for p in (tmp_path / "cache").rglob("*")}
    assert not inodes & {(out / n).stat().st_ino for n in names}  # copies, sharing no storage
    assert not [p for p in (tmp_path / "cache").rglob("*.tmp")]
    assert not cache.files_out("test", key, [*names, "missing.xlsx"], tmp_path / "other")
    assert not cache.files_out("test", cache.key("test", [b"two"]), names, tmp_path / "other")


def test_parts_are_kept_in_one_entry_and_refused_when_changed_or_cut_short(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A table's files and printings are one cache entry (``put_parts``): they come back by name, byte for
    byte (an empty part and binary parts too); an entry changed, cut short or of another key is not used."""
    from generator import cache

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    key = cache.key("test", [b"one"])
    assert cache.get_parts("test", key) is None
    parts = [("表.html", "<p>目标</p>\n".encode()), ("表.docx", bytes(range(256)) * 3), ("empty", b""), ("x\ny", b"\n")]
    cache.put_parts("test", key, parts)
    assert cache.get_parts("test", key) == dict(parts)
    [entry] = (tmp_path / "cache" / "test").rglob("*.parts")
    assert not list((tmp_path / "cache").rglob("*.tmp"))
    stored = entry.read_bytes()
    assert cache.get_parts("test", cache.key("test", [b"two"])) is None
    entry.write_bytes(stored[:-1])
    assert cache.get_parts("test", key) is None
    entry.write_bytes(stored.replace("目标".encode(), "木标".encode()))
    assert cache.get_parts("test", key) is None
    assert "已被改动或已损坏，已忽略" in capsys.readouterr().err
    entry.write_bytes(stored)
    assert cache.get_parts("test", key) == dict(parts)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    cache.put_parts("test", key, parts)  # the cache off: nothing stored, nothing returned
    assert cache.get_parts("test", key) is None


def test_a_published_table_changed_by_hand_never_reaches_the_cache(repo: Path, tmp_path: Path) -> None:
    """Appending to a file of the site must not change what another build, from another clone, publishes
    (the site's tables used to be hard links to the cache's entries)."""
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    table = "tables/唐山市路南区/2025/区委社会工作部/劳务费.html"
    with (repo / "site" / table).open("a", encoding="utf-8") as handle:
        handle.write("<script>alert(1)</script>")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(repo), str(clone)], check=True, capture_output=True)
    assert run(clone, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    assert "<script>" not in (clone / "site" / table).read_text(encoding="utf-8")
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(clone / "site", repo / "fresh")


def test_a_stored_table_changed_in_the_cache_is_made_again(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    assert run(repo, cache, "build", "--no-pdf", "--out", "site").returncode == 0
    stored = [entry for entry in sorted((cache / "table").rglob("*.parts")) if b"</body>" in entry.read_bytes()]
    assert stored
    for entry in stored:
        entry.write_bytes(entry.read_bytes().replace(b"</body>", b"<script>alert(1)</script></body>"))
    other = run(repo, cache, "build", "--no-pdf", "--out", "other")
    assert other.returncode == 0 and "已被改动或已损坏，已忽略" in other.stderr
    assert run(repo, "off", "build", "--no-pdf", "--out", "fresh").returncode == 0
    assert_same_tree(repo / "other", repo / "fresh")


def test_a_rebuild_prints_again_only_the_tables_that_changed(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A table from the cache brings its two printings for the booklet too (render/tables.py): after one
    edit only the edited table is printed again, and the booklet equals one made without the cache."""
    from generator import cache
    from generator.data.model import load_unit
    from generator.render import tables, webpage, word

    folder = volunteer_folder(repo)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    first = tables.write_unit_tables(load_unit(folder), tmp_path / "first")
    assert first.tables > 2
    printed: list[str] = []
    section, fragment = webpage.section, word.fragment

    def counted_section(layout: object, form: object) -> object:  # the real printing, counted
        printed.append(form.stem)  # type: ignore[attr-defined]
        return section(layout, form)  # type: ignore[arg-type]

    monkeypatch.setattr(webpage, "section", counted_section)
    monkeypatch.setattr(word, "fragment", lambda form: printed.append(form.stem) or fragment(form))
    tables.write_unit_tables(load_unit(folder), tmp_path / "same")
    assert printed == []
    edit(repo, "组织指导志愿者开展服务活动。", "组织指导志愿者开展服务活动，每季度一次。")
    tables.write_unit_tables(load_unit(folder), tmp_path / "edited")
    assert sorted(set(printed)) == ["志愿服务活动专项"] and len(printed) == 2
    monkeypatch.setattr(cache, "folder", lambda: None)
    tables.write_unit_tables(load_unit(folder), tmp_path / "fresh")
    assert_same_tree(tmp_path / "edited", tmp_path / "fresh")


def test_a_site_adapts_the_tables_pages_as_written_and_the_cache_keeps_them_as_printed(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site's way back is added as a table's page is written (each page once, with its link), never
    stored: the same cache then gives a folder of tables equal to one made without it."""
    from generator import cache
    from generator.data.model import load_unit
    from generator.render import tables

    cache_dir = tmp_path / "cache"
    assert run(repo, cache_dir, "build", "--no-pdf", "--out", "site").returncode == 0
    built = repo / "site" / "tables" / Path(VOLUNTEER).parent
    pages = sorted(built.glob("*.html"))
    assert len(pages) > 2 and all(page.read_text(encoding="utf-8").count('class="jixiao-back"') == 1 for page in pages)
    folder = volunteer_folder(repo)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(cache_dir))
    tables.write_unit_tables(load_unit(folder), tmp_path / "cached")
    assert not any("jixiao-back" in page.read_text(encoding="utf-8") for page in (tmp_path / "cached").glob("*.html"))
    monkeypatch.setattr(cache, "folder", lambda: None)
    tables.write_unit_tables(load_unit(folder), tmp_path / "fresh")
    assert_same_tree(tmp_path / "cached", tmp_path / "fresh")


def test_a_file_hash_is_remembered_by_status_and_never_taken_for_changed_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``file_parts`` reads a settled file once (its hash is kept by the file's status, in the cache, for the
    next process too); a file rewritten with the same size and modification time has a new change time,
    so its new bytes make a new key."""
    from generator import cache, held

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(held, "SETTLED", 0.0)
    target = tmp_path / "项目.yaml"
    target.write_text("项目名称: 甲\n", encoding="utf-8")
    first = cache.file_parts([target])
    cache.save_digests()
    stored = next((tmp_path / "cache" / "file-digests").rglob("*.json")).read_text(encoding="utf-8")
    assert str(target) in stored  # remembered, for the next process
    assert cache.file_parts([target]) == first

    before = target.stat()
    target.write_text("项目名称: 乙\n", encoding="utf-8")  # the same size
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # and modification time set back
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    assert cache.file_parts([target]) != first

    # Another process, with what this one remembered: the same parts as hashing the file afresh.
    code = "import sys; from pathlib import Path; from generator import cache; print(cache.file_parts([Path(sys.argv[1])]))"
    again = subprocess.run(
        [sys.executable, "-c", code, str(target)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "JIXIAO_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)},
    )
    assert again.stdout.strip() == repr(cache.file_parts([target]))


def test_a_file_changed_just_now_is_hashed_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Within SETTLED seconds of a change, a second change in the same tick of the clock could keep every
    part of the status: such a file's hash is not remembered."""
    from generator import cache

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "项目.yaml"
    target.write_text("项目名称: 甲\n", encoding="utf-8")
    cache.file_parts([target])
    cache.save_digests()
    assert not (tmp_path / "cache" / "file-digests").exists()


def test_the_code_fingerprint_is_remembered_by_the_files_status_and_follows_every_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fingerprint of jixiao's own files is hashed once and then found by their status: a second process
    reads none of them, and a template changed (even to the same size and modification time) gives
    another fingerprint."""
    from generator import cache, held

    package = tmp_path / "generator"
    (package / "templates").mkdir(parents=True)
    template = package / "templates" / "表.html.j2"
    template.write_text("<td>{{ 值 }}</td>\n", encoding="utf-8")
    (package / "code.py").write_text("X = 1\n", encoding="utf-8")
    monkeypatch.setattr(cache, "_PACKAGE", package)
    monkeypatch.setattr(held, "SETTLED", 0.0)
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    cache.fingerprint.cache_clear()
    first = cache.fingerprint()
    assert list((tmp_path / "cache" / "code-fingerprint").rglob("*.json"))  # remembered

    read: list[Path] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or original(self))
    cache.fingerprint.cache_clear()
    assert cache.fingerprint() == first and not [p for p in read if p.parent.is_relative_to(package)]

    before = template.stat()
    template.write_text("<th>{{ 值 }}</th>\n", encoding="utf-8")  # the same size
    os.utime(template, ns=(before.st_atime_ns, before.st_mtime_ns))
    cache.fingerprint.cache_clear()
    changed = cache.fingerprint()
    assert changed != first
    (package / "new.py").write_text("", encoding="utf-8")
    cache.fingerprint.cache_clear()
    assert cache.fingerprint() not in (first, changed)
    cache.fingerprint.cache_clear()


def test_a_layout_file_is_parsed_once_per_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """regional.read_file keeps a layout's data in the cache by the file's bytes; an edited layout is read anew,
    and a layout whose YAML has no JSON equivalent (a date) is still read, only not kept."""
    from generator.data import regional

    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    layout = tmp_path / "layout.yaml"
    layout.write_text("名称: 测试\n金额单位: 万元\n", encoding="utf-8")
    regional.read_file.cache_clear()
    assert regional.read_file(layout) == {"名称": "测试", "金额单位": "万元"}
    stored = list((tmp_path / "cache" / regional.LAYOUT_DATA).rglob("*.json"))
    assert len(stored) == 1

    layout.write_text("名称: 测试\n金额单位: 元\n", encoding="utf-8")
    regional.read_file.cache_clear()
    assert regional.read_file(layout) == {"名称": "测试", "金额单位": "元"}

    layout.write_text("名称: 测试\n日期: 2026-01-01\n", encoding="utf-8")
    regional.read_file.cache_clear()
    import datetime

    assert regional.read_file(layout) == {"名称": "测试", "日期": datetime.date(2026, 1, 1)}
    assert len(list((tmp_path / "cache" / regional.LAYOUT_DATA).rglob("*.json"))) == 2
    layout.write_text("名称: [\n", encoding="utf-8")
    regional.read_file.cache_clear()
    assert regional.read_file(layout) is None
    regional.read_file.cache_clear()
