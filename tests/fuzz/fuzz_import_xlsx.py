"""Harness: ``jixiao import`` on any Excel workbook (.xlsx).

Inputs as for the Word harness (fuzz_import_docx.py): a zip, its parts, or the XML of the first
sheet alone, put into an empty workbook. The corpus starts from the official tables jixiao renders
for data/ and from the seeds written as workbooks (several tables per sheet, merged cells).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

from fuzz_import_docx import office_seeds
from harness import import_pipeline, read_office, template_parts, zip_from_input

PATH = Path("表.xlsx")
PART = "xl/worksheets/sheet1.xml"


def _empty() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "项目名称"  # so that the empty workbook has a shared-strings part
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


TEMPLATE = template_parts(_empty())


def test_one_input(data: bytes) -> None:
    source = read_office(zip_from_input(data, TEMPLATE, PART), PATH)
    import_pipeline([source])


def seeds() -> Iterator[tuple[str, bytes]]:
    yield from office_seeds(".xlsx", "write_xlsx")
    yield "sheet1.xml", TEMPLATE[PART]
