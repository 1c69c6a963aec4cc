"""``jixiao check`` on real trees: what the shortcuts taken for speed must not change."""

from __future__ import annotations

import random
import re
import shutil
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from conftest import typed

from generator.check import run
from generator.check.rules.hygiene import BIDI_CONTROLS, CJK, INVISIBLE, ZERO_WIDTH, _wrap_space
from generator.check.run import check
from generator.data import load, remembered
from generator.data.load import UNIT_FILE, display_path
from generator.data.model import read_unit_documents
from generator.data.schemas import SCHEMA_LINE_PREFIX, schema_line
from generator.data.tree import collect
from generator.diagnostics import Diagnostic


def _first_line(path: Path, line: str | None) -> None:
    rest = path.read_text(encoding="utf-8").split("\n", 1)[1]
    path.write_text(rest if line is None else f"{line}\n{rest}", encoding="utf-8")


def test_schema_lines_are_found_per_folder_and_kind(data_copy: Path) -> None:
    """A unit's files share one search for schema/ per kind (unit, project): each file still gets the
    line of its own kind, and P005 goes to exactly the files without it."""
    unit = next(p.parent for p in sorted(data_copy.rglob(UNIT_FILE)))
    projects = sorted(p for p in unit.glob("*.yaml") if p.name != UNIT_FILE)
    wrong = SCHEMA_LINE_PREFIX + "../schema/project.schema.json"
    _first_line(unit / UNIT_FILE, schema_line(projects[0]))  # the project's line in the unit file
    _first_line(projects[0], wrong)
    _first_line(projects[1], None)
    report = check([unit], jobs=1)
    found = sorted((d.path, d.message) for d in report.diagnostics if d.code == "P005")
    expected = sorted((display_path(p), f"第一行应为“{schema_line(p)}”") for p in (unit / UNIT_FILE, *projects[:2]))
    assert found == expected
    assert schema_line(unit / UNIT_FILE) != schema_line(projects[0])


def test_a_missing_schema_line_is_reported_for_the_files_asked_about_only(data_copy: Path) -> None:
    """P005 is about a file's own first line: checking one project (the pre-commit hook) does not warn
    about the other files of its unit, which are read only for the unit's totals."""
    unit = next(p.parent for p in sorted(data_copy.rglob(UNIT_FILE)))
    projects = sorted(p for p in unit.glob("*.yaml") if p.name != UNIT_FILE)
    _first_line(unit / UNIT_FILE, None)
    _first_line(projects[1], None)
    assert [d for d in check([projects[0]], jobs=1).diagnostics if d.code == "P005"] == []
    assert [d.path for d in check([projects[1]], jobs=1).diagnostics if d.code == "P005"] == [display_path(projects[1])]
    assert len([d for d in check([unit], jobs=1).diagnostics if d.code == "P005"]) == 2


def test_invisible_characters_are_the_zero_width_direction_and_control_characters_but_the_newline() -> None:
    """H004 searches with one pattern instead of asking unicodedata about every character: the same
    characters, over all of Unicode."""
    pattern = set(filter(INVISIBLE.fullmatch, map(chr, range(sys.maxunicode + 1))))
    asked = {
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if c in ZERO_WIDTH or c in BIDI_CONTROLS or (unicodedata.category(c) == "Cc" and c != "\n")
    }
    assert pattern == asked


def test_direction_controls_are_the_explicit_embeddings_overrides_isolates_and_marks() -> None:
    """Unicode's Bidi_Control property: the characters of the explicit bidi classes, and the three marks."""
    explicit = {
        c
        for c in map(chr, range(sys.maxunicode + 1))
        if unicodedata.bidirectional(c) in ("LRE", "RLE", "PDF", "LRO", "RLO", "LRI", "RLI", "FSI", "PDI")
    }
    marks = {"\u200e", "\u200f", "\u061c"}  # LRM, RLM, ALM: of the classes L, R, AL like letters
    assert explicit | marks == BIDI_CONTROLS


def test_a_split_word_is_found_where_the_pattern_would_find_it() -> None:
    """H003 looks for spaces between Chinese characters by hand (the pattern is slow to compile): it finds
    what the pattern finds, at the same place, in random texts of Chinese characters, the edges of their
    ranges, spaces of four kinds, newlines and Latin letters."""
    pattern = re.compile(rf"{CJK}[ \t\u00a0\u3000]+{CJK}")
    alphabet = "中文 \t\u00a0\u3000\na1\u33ff\u3400\u9fff\ua000\uf8ff\uf900\ufaff\ufb00"
    rng = random.Random(3)
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 12))) for _ in range(20_000)]
    found = 0
    for text in texts:
        expected = pattern.search(text)
        assert _wrap_space(text) == (expected.span() if expected else None), repr(text)
        found += expected is not None
    assert found > 1000


# --- a unit's other projects, remembered by content (generator/data/remembered.py) -------------------------------------


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, path
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _check_alone(path: Path, cache: Path | str, monkeypatch: pytest.MonkeyPatch) -> list[Diagnostic]:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(cache))
    return check([path], jobs=1).diagnostics


@pytest.fixture
def units(data_copy: Path) -> list[Path]:
    """Two units whose other projects matter to a project checked alone: a name used twice (D002, placed in
    the other file), a total that no longer adds up (X003), acknowledgements in every file (A001 for the
    other files, whose own rules are not run)."""
    region = data_copy / "株洲市渌口区" / "2026"
    organisation, office = region / "区委组织部", region / "区人民政府办公室"
    _edit(organisation / "干部人事档案数字化建设.yaml", "项目名称: 干部人事档案数字化建设", "项目名称: 关心下一代工作经费")
    _edit(office / "援助泸溪资金.yaml", "项目金额: 30\n", "项目金额: 30.50\n")
    return [organisation, office]


def test_a_project_checked_alone_says_the_same_with_the_others_remembered(
    units: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    found_across = set()
    for unit in units:
        for path in sorted(p for p in unit.glob("*.yaml") if p.name != UNIT_FILE):
            fresh = _check_alone(path, "off", monkeypatch)
            first = _check_alone(path, cache, monkeypatch)
            path.write_text(path.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")  # the unit is checked again
            remembered = _check_alone(path, cache, monkeypatch)
            assert fresh == first == remembered == _check_alone(path, "off", monkeypatch), path
            found_across |= {d.code for d in fresh if d.path != display_path(path)}
    assert {"D002", "X003"} <= found_across
    assert len(list((cache / "context").rglob("*.json"))) >= 12


def test_a_changed_file_is_read_again(units: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    office = units[1]
    alone, other = office / "金融处非专项.yaml", office / "援助泸溪资金.yaml"
    before = _check_alone(alone, cache, monkeypatch)
    _edit(other, "项目金额: 30.50", "项目金额: 30.75")
    after = _check_alone(alone, cache, monkeypatch)
    assert after == _check_alone(alone, "off", monkeypatch) != before


def test_a_units_other_projects_come_from_one_entry_that_does_not_grow(
    units: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the first check of a project alone, its unit's other projects come back from the folder's one
    entry (the entries of single files are not needed); editing another file replaces that entry."""
    cache = tmp_path / "cache"
    organisation = units[0]
    alone, other = organisation / "人才工作专项.yaml", organisation / "村干部意外保险.yaml"
    _check_alone(alone, cache, monkeypatch)
    shutil.rmtree(cache / "context")
    for n in range(3):  # the pre-commit hook, commit after commit, on the same file
        alone.write_text(alone.read_text(encoding="utf-8") + f"# 第 {n} 次\n", encoding="utf-8")
        assert _check_alone(alone, cache, monkeypatch) == _check_alone(alone, "off", monkeypatch)
    assert not (cache / "context").exists()  # nothing was parsed again, so nothing was remembered again
    for n in range(3):
        other.write_text(other.read_text(encoding="utf-8") + f"# 第 {n} 次\n", encoding="utf-8")
        assert _check_alone(alone, cache, monkeypatch) == _check_alone(alone, "off", monkeypatch)
    # the entry of the folder no longer serves: each other file is read once more, the edited one as it was each time
    others = [p for p in organisation.glob("*.yaml") if p.name != UNIT_FILE and p != alone]
    assert len(list((cache / "context").rglob("*.json"))) == len(others) - 1 + 3
    assert len(list((cache / "context-folder").rglob("*.json"))) == 1


def test_remembered_data_comes_back_exactly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    data = {
        "金额": Decimal("1.50"),
        "零": Decimal("-0.0"),
        "百": Decimal("1E+2"),
        "整": Decimal("5"),
        "大": 10**40,
        "列表": [True, False, None, 0, "", "a\u0000b", {"内": [Decimal("0.001")]}],
        "空": {},
    }
    entry = remembered.key("project", b"one")
    remembered.remember(entry, data)
    assert typed(remembered.recall(entry)) == typed(data)
    assert remembered.key("project", b"two") != entry != remembered.key("unit", b"one")


UNSTORABLE = {
    "a key like a stored decimal": {"$decimal": "1"},
    "a key starting with $": {"a": {"$x": 1}},
    "a number as a key": {1: "x"},
    "a float": {"a": 1.5},
    "a tuple": {"a": (1, 2)},
    "a lone surrogate": {"a": "\ud800"},
    "more digits than str() writes": {"a": 16**5000},
}


@pytest.mark.parametrize("name", UNSTORABLE)
def test_data_json_cannot_give_back_exactly_is_not_remembered(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(tmp_path / "cache"))
    data: dict[Any, Any] = UNSTORABLE[name]
    entry = remembered.key("project", name.encode())
    remembered.remember(entry, data)
    assert remembered.recall(entry) is None


# --- a whole unit's data, kept by the check for the build (generator/data/remembered.py) ----------------------------


def _unit_paths(data: Path) -> dict[Path, list[Path]]:
    return {f.path: [f.unit_file, *f.project_files] for f in collect([data]).units.values()}


def _not_parsed(*_: object) -> None:
    raise AssertionError("parsed again")


def test_a_build_reads_each_checked_unit_from_what_the_check_kept(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A whole check keeps the data of each unit whose files all passed; the build's reading of the unit
    (load_unit) gives it back instead of parsing the files a second time: the same documents, value for
    value and type for type. A file changed since the check is parsed, as it is now."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(cache))
    units = _unit_paths(data_copy)
    parsed = {unit: read_unit_documents(paths) for unit, paths in units.items()}  # nothing kept yet
    assert all(doc.nodes is not None for docs in parsed.values() for doc in docs)
    assert not (cache / "unit-data").exists()
    check([data_copy], jobs=1)
    assert len(list((cache / "unit-data").rglob("*.json"))) == len(units) > 1
    parse = load.parse
    monkeypatch.setattr(load, "parse", _not_parsed)
    for unit, paths in units.items():
        kept = read_unit_documents(paths)
        assert [doc.nodes for doc in kept] == [None] * len(paths)
        assert kept == parsed[unit]  # path, shown name, text, kind and data
        assert typed([doc.data for doc in kept]) == typed([doc.data for doc in parsed[unit]])
    unit, paths = sorted(units.items())[0]
    edited = paths[-1]
    edited.write_text(edited.read_text(encoding="utf-8").replace("\n", "\n# 检查之后改过\n", 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed again"):
        read_unit_documents(paths)
    monkeypatch.setattr(load, "parse", parse)
    again = read_unit_documents(paths)
    assert all(doc.nodes is not None for doc in again) and again[-1].text.count("# 检查之后改过") == 1


def test_a_unit_with_a_broken_file_or_checked_for_one_file_is_not_kept(
    data_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a whole unit that passed is kept (a build never reads a unit with a broken file), and the check
    of one file (the pre-commit hook) keeps none: it pays nothing for the build."""
    cache = tmp_path / "cache"
    units = sorted(_unit_paths(data_copy).values())
    _check_alone(units[0][-1], cache, monkeypatch)
    assert not (cache / "unit-data").exists()
    units[0][-1].write_text("项目名称: [未闭合\n", encoding="utf-8")
    assert check([data_copy], jobs=1).exit_code() == 1
    assert len(list((cache / "unit-data").rglob("*.json"))) == len(units) - 1


def test_the_check_does_the_callers_work_while_its_workers_check(data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``alongside`` (what jixiao build does meanwhile: the guides) is done once while worker processes
    check, and not at all when the check runs in its own process; the findings are the same."""
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "off")
    monkeypatch.setattr(run, "PARALLEL_THRESHOLD", 1)  # the sample's files checked by workers, as 10,000 are
    done: list[int] = []
    together = check([data_copy], jobs=2, alongside=lambda: done.append(len(done)))
    assert done == [0]
    alone = check([data_copy], jobs=1, alongside=lambda: done.append(len(done)))
    assert done == [0] and together.diagnostics == alone.diagnostics != []


def test_an_acknowledgement_is_not_stale_while_its_unit_cannot_be_checked(data_copy: Path) -> None:
    """A unit with a broken file gets no totals check; its acknowledged X003 is then not "without a finding"
    (A001), which would tell the editor to delete an acknowledgement that is still needed."""
    unit = data_copy / "株洲市渌口区" / "2026" / "区委社会工作部"
    project = unit / "志愿服务活动专项.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace("项目类别: ", "项目类别: '", 1), encoding="utf-8")
    codes = {d.code for d in check([unit], jobs=1).diagnostics}
    assert "Y015" in codes and "A001" not in codes
    (unit / "单位.yaml").write_text(
        (unit / "单位.yaml").read_text(encoding="utf-8").replace("  - 代码: X003\n", "  - 代码: Y004\n", 1), encoding="utf-8"
    )
    assert "A001" in {d.code for d in check([unit], jobs=1).diagnostics}  # a loader code is always known
