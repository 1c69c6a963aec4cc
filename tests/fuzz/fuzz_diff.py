"""Harness: ``jixiao diff`` between two versions of a unit, one of whose files is any bytes on each side.

The first byte chooses the unit (data/'s Hunan or Hebei one) and which of its files the input stands
for (its 单位.yaml or its first project); the rest is split at SPLIT into that file's old and new
version (without SPLIT, the old version is the file as data/ has it). Both versions sit in two folders
holding the rest of data/ unchanged, and are compared as ``jixiao diff OLD NEW`` compares folders. diff
runs without ``check`` having passed either side, so whatever the bytes:

- the comparison, with the check of both sides that gives its effects, does not raise;
- every finding it reports is well-formed;
- every report format (text, md, json) is written, in proportion to the input: no value is expanded
  (5e999999999 written out in full is a billion characters).
"""

from __future__ import annotations

import atexit
import io
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from harness import DATA, all_well_formed, seed_files

os.environ["JIXIAO_CACHE_DIR"] = "off"  # every input is new; the cache would only fill the disk

from generator.review.diff import compare
from generator.review.formats import FORMATS
from generator.review.snapshot import FolderSnapshot

SPLIT = b"\n@@@@ NEW\n"
UNITS = [DATA / "株洲市渌口区" / "2026" / "区委社会工作部", DATA / "唐山市路南区" / "2025" / "区委社会工作部"]
FILES = [[folder / "单位.yaml", sorted(p for p in folder.glob("*.yaml") if p.name != "单位.yaml")[0]] for folder in UNITS]
ROOT = Path(tempfile.mkdtemp(prefix="jixiao-fuzz-diff-"))
atexit.register(shutil.rmtree, ROOT, True)
SIDES = {side: ROOT / side / "data" for side in ("旧", "新")}
for _folder in SIDES.values():
    for _unit in UNITS:
        shutil.copytree(_unit.parent.parent, _folder / _unit.parent.parent.name, dirs_exist_ok=True)


def _place(source: Path, side: str) -> Path:
    return SIDES[side] / source.relative_to(DATA)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    which, file = data[0] % 2, (data[0] // 2) % 2
    source = FILES[which][file]
    old, split, new = data[1:].partition(SPLIT)
    if not split:
        old, new = source.read_bytes(), old
    for side, content in (("旧", old), ("新", new)):
        for original in (f for files in FILES for f in files):  # the previous input's file back as it was
            shutil.copyfile(original, _place(original, side))
        _place(source, side).write_bytes(content)
    report = compare(FolderSnapshot(SIDES["旧"], "旧"), FolderSnapshot(SIDES["新"], "新"))
    all_well_formed(f.diagnostic for effect in report.effects for f in effect.findings)
    for name, write in FORMATS.items():
        out = io.StringIO()
        write(report, out)
        assert len(out.getvalue()) < 40 * len(data) + 200_000, (name, len(out.getvalue()), len(data))


def seeds() -> Iterator[tuple[str, bytes]]:
    for which, files in enumerate(FILES):
        for file, path in enumerate(files):
            first = bytes([which + 2 * file])
            raw = path.read_bytes()
            yield f"{which}-{file}-same", first + raw + SPLIT + raw
            yield f"{which}-{file}-edited", first + raw.replace(b": ", b":  ", 3).replace(b"1", b"5e999999999", 1)
            yield f"{which}-{file}-emptied", first + raw + SPLIT
    for name, raw in seed_files(DATA.parent / "tests" / "examples", "*.yaml"):
        yield "example_" + name, bytes([int("唐山" in name) + (0 if name.endswith("单位.yaml") else 2)]) + raw
