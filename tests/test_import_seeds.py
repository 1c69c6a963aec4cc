"""``jixiao import`` on the four seeds: data/ is what importing them gives, and nothing is lost.

data/ differs from a fresh import only by what reviewers added afterwards (已确认问题); the
importer itself writes the 更正说明 of a project amount taken from the summary. Importing the seeds
into data/ itself changes nothing.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from generator.data.fmt import format_file
from generator.data.normalize import as_number, halfwidth, squash
from generator.diagnostics import Diagnostic
from generator.importers import Options, import_sources
from generator.importers.cleaning import paragraphs
from generator.importers.read import read_source
from generator.importers.recognise import classify
from generator.importers.source import Cell, Item
from generator.importers.vocabulary import ALL_LABELS, is_placeholder, match, money_unit, split_value

SEEDS = ROOT / "tests" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt"))
REVIEW = re.compile(r"(?m)^(?:已确认问题|印刷):\n(?:  .*\n)*")  # what reviewers add (importers/write.py)

pytestmark = pytest.mark.skipif(not SEED_FILES, reason="the seeds are not available")


def region_code(seed: Path) -> str | None:
    """The Hunan seeds do not print their region's code: it is given with --code, as a user would."""
    hunan = seed.name[:3] in ("000", "001", "004")
    return re.search(r"'(\d{6})'", (DATA / "株洲市渌口区" / "地区.yaml").read_text(encoding="utf-8")).group(1) if hunan else None  # type: ignore[union-attr]


def import_into(tmp_path: Path, *seeds: Path, **options: object) -> tuple[Path, object]:
    shutil.copytree(ROOT / "schema", tmp_path / "schema", dirs_exist_ok=True)
    out = tmp_path / "data"
    result = import_sources(list(seeds), Options(out=out, **options))  # type: ignore[arg-type]
    return out, result


def strip_review(text: str) -> str:
    return REVIEW.sub("", text)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_import_reproduces_data(seed: Path, tmp_path: Path) -> None:
    out, result = import_into(tmp_path, seed, code=region_code(seed))
    written = sorted(p.relative_to(out) for p in out.rglob("*.yaml"))
    assert written, result.report.diagnostics  # type: ignore[attr-defined]
    for relative in written:
        expected = DATA / relative
        assert expected.is_file(), f"import wrote {relative}, which data/ does not have"
        assert strip_review((out / relative).read_text(encoding="utf-8")) == strip_review(expected.read_text(encoding="utf-8")), (
            relative
        )
    unit_dirs = {p.parent for p in written if p.name == "单位.yaml"}
    for unit_dir in unit_dirs:
        assert sorted(p.name for p in (DATA / unit_dir).glob("*.yaml")) == sorted(p.name for p in (out / unit_dir).glob("*.yaml"))


def test_importing_the_seeds_into_data_changes_nothing(data_copy: Path) -> None:
    result = import_sources(SEED_FILES, Options(out=data_copy))
    assert {o.status for o in result.outcomes} == {"unchanged"}
    assert not any(d.code in ("I050", "I052") for d in result.report.diagnostics)


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_seed_import_is_canonical_and_valid(seed: Path, tmp_path: Path) -> None:
    out, result = import_into(tmp_path, seed, code=region_code(seed))
    for path in out.rglob("*.yaml"):
        formatted = format_file(path, check_only=True)
        assert formatted.problem is None and not formatted.changed, path
    codes = {d.code for d in result.report.diagnostics}  # type: ignore[attr-defined]
    assert not {c for c in codes if c[0] in "YPS"}, codes


def test_seed_mistakes_surface_through_general_rules(tmp_path: Path) -> None:
    _, result = import_into(tmp_path, *SEED_FILES, code=None, region=None)
    found = {d.code for d in result.report.diagnostics}  # type: ignore[attr-defined]
    expected = {
        "I030": "summary names that differ from the project tables",
        "I034": "a project table without the amount the summary gives",
        "V011": "the unit 万 for 万元",
        "X003": "a department 项目支出 that disagrees with its projects",
        "V007": "satisfaction targets with ≤ or =",
        "M004": "money counted as a quantity",
        "X005": "填报单位 printed differently",
        "V010": "a rate with ≤",
        "I020": "value cells rotated by extraction, repaired",
        "I021": "rows slid sideways, realigned",
        "I022": "HTML, bookmarks and line-wrap spaces cleaned",
    }
    assert set(expected) <= found, {code: why for code, why in expected.items() if code not in found}


# --- nothing is lost ------------------------------------------------------------------------------


def is_form_label(text: str) -> bool:
    flat = squash(halfwidth(text))
    return (
        match(text, ALL_LABELS) is not None
        or money_unit(text) is not None
        or re.fullmatch(r"(1[0-2]|[1-9])月底", flat) is not None
        or (flat.startswith(("填报单位", "单位财务负责人", "填表人")) and not flat.endswith(("：", ":")))
    )


def atoms(item: Item) -> list[str]:
    """What of a cell must appear somewhere, in the form the YAML writes it."""
    text = item.text
    if not text.strip() or is_placeholder(text):
        return []
    if isinstance(item, Cell) and is_form_label(text):
        return []
    if (parsed := split_value(text)) is not None:
        _, number, unit = parsed
        return [format(number.normalize(), "f"), unit]
    if (number := as_number(text.replace("%", ""))) is not None:
        return [format(number.normalize(), "f") if number != number.to_integral_value() else str(int(number))]
    line = classify(item)
    if line.kind in ("title", "unit", "org", "money"):
        if line.kind == "title":  # its year is the year folder, its kind the kind of file
            return [line.value.name] if line.value.name else []  # type: ignore[attr-defined]
        if line.kind == "unit":
            return [str(line.value)]
        if line.kind == "org":
            return [part for part in line.value if part]  # type: ignore[attr-defined]
        return []
    items, _ = paragraphs(text)
    return [squash(halfwidth(part)) for part in items]


def normalised(text: str) -> str:
    return squash(halfwidth(text)).replace("'", "").replace('"', "")


@pytest.mark.parametrize("seed", SEED_FILES, ids=lambda p: p.name[:3])
def test_every_content_cell_is_in_the_yaml_or_a_diagnostic(seed: Path, tmp_path: Path) -> None:
    out, result = import_into(tmp_path, seed, code=region_code(seed))
    yaml_text = normalised("".join(p.read_text(encoding="utf-8") for p in out.rglob("*.yaml")))
    diagnostics: list[Diagnostic] = result.report.diagnostics  # type: ignore[attr-defined]
    messages = normalised("".join(d.message for d in diagnostics if d.path.endswith(seed.name)))
    from generator.data.normalize import LEVEL1_ALIASES, LEVEL2_ALIASES

    aliases = {**LEVEL2_ALIASES, **LEVEL1_ALIASES}
    missing = []
    for item in read_source(seed).items():
        for atom in atoms(item):
            candidates = {atom, aliases.get(atom, atom), atom + "指标"}
            if not any(normalised(c) in yaml_text or normalised(c) in messages for c in candidates):
                missing.append((item.place.line, atom))
    assert not missing, missing
