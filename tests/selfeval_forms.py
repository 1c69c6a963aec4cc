"""Real published 项目支出绩效自评表 (tests/importers/selfeval/原表/*.yaml, each with its source address), written
as Word and Excel files in the shape published, and the measure of an import of them: cells placed / cells.

A cell is *placed* when the import used it (its value went into the data, it is a label the import read the
form by, or a derived figure it compared) and reported nothing about it being left out; it is *not placed* when
a diagnostic says it was not imported (I010 for a whole table, I012, I013, I061, I027) — every filled cell is
one or the other. Run as a script for the figures of docs/导入.md:

    python tests/selfeval_forms.py            # with the code of this tree
    PYTHONPATH=/tmp/old python tests/selfeval_forms.py   # with another tree's
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
from docx import Document as WordDocument
from ruamel.yaml import YAML

HERE = Path(__file__).resolve().parent
FORMS = HERE / "importers" / "selfeval" / "原表"
NOT_PLACED = ("I010", "I012", "I013", "I061", "I027")


@dataclass
class RealForm:
    name: str
    source: str
    region: str
    year: int
    paragraphs: list[str]
    rows: list[list[str]]

    @property
    def cells(self) -> int:
        return sum(1 for row in self.rows for cell in row if cell.strip()) + sum(1 for p in self.paragraphs if p.strip())


def real_forms() -> list[RealForm]:
    out = []
    for path in sorted(FORMS.glob("*.yaml")):
        data: Any = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        out.append(
            RealForm(
                path.stem,
                data["来源"],
                data["地区"],
                int(data["年度"]),
                [str(p) for p in data["段落"]],
                [[str(c) for c in row] for row in data["行"]],
            )
        )
    return out


def write_docx(form: RealForm, path: Path) -> Path:
    document = WordDocument()
    for text in form.paragraphs:
        document.add_paragraph(text)
    width = max(len(row) for row in form.rows)
    table = document.add_table(rows=len(form.rows), cols=width)
    for r, row in enumerate(form.rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.save(str(path))
    return path


def write_xlsx(form: RealForm, path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评表"
    for text in form.paragraphs:
        sheet.append([text])
    for row in form.rows:
        sheet.append([text or None for text in row])
    book.save(str(path))
    return path


def measure(sources: list[Path], out: Path, unit: str | None = None) -> tuple[int, int, Any]:
    """(cells placed, filled cells) of importing ``sources`` into ``out``, and the import's result."""
    from generator.importers import Options, import_sources
    from generator.importers.read import read_source

    result = import_sources(sources, Options(out=out, unit=unit), run_check=False)
    total = placed = 0
    for source in result.sources:
        filled = [item for item in read_source(source.path).items() if not item.blank]
        total += len(filled)
        if any(d.code == "I010" for d in source.diagnostics):
            continue  # a table not recognised: none of its cells placed
        missed = {(d.line, d.column) for d in source.diagnostics if d.code in NOT_PLACED}
        placed += sum(1 for item in filled if (item.place.line, item.place.column) not in missed)
    return placed, total, result


def main() -> None:
    import tempfile

    forms = real_forms()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for suffix, write in ((".docx", write_docx), (".xlsx", write_xlsx)):
            files = [write(form, root / f"{form.name}{suffix}") for form in forms]
            for form, file in zip(forms, files, strict=True):
                placed, total, result = measure([file], root / f"out{suffix}-{form.name}")
                results = sum(
                    1
                    for p in result.planned
                    for row in (p.data.get("绩效指标") or [])
                    for key in ("实际完成值", "偏差原因", "改进措施", "运行监控")
                    if key in row
                )
                print(f"{form.name}{suffix}: {placed}/{total} 格, 指标的实际完成值、偏差原因、改进措施、运行监控 {results} 项")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
