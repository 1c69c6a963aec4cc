"""Official tables as Word documents (python-docx): A4, 仿宋/宋体, bordered tables with merged cells.

Tables are written as WordprocessingML directly (gridSpan for columns, vMerge for rows), which is
what Word, WPS and LibreOffice all read the same way; python-docx supplies the package, the styles
and the sections. The file is byte-identical for identical input (see reproducible.py).
"""

from __future__ import annotations

from copy import deepcopy
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.pkgwriter import PackageWriter
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from generator.render.form import CENTER, LEFT, Form, Grid, Heading, Placed, Style
from generator.render.reproducible import FIXED_TIME, FixedTimeZipFile

A4 = (Mm(210), Mm(297))
PORTRAIT_MARGINS = (Mm(20), Mm(15), Mm(18), Mm(15))   # top, right, bottom, left
LANDSCAPE_MARGINS = (Mm(15), Mm(15), Mm(15), Mm(15))
BORDER = ("top", "left", "bottom", "right", "insideH", "insideV")
TWIPS_PER_MM = 1440 / 25.4
JUSTIFY = {CENTER: "center", LEFT: "left"}
OPTIONAL_PARTS = ("/stylesWithEffects", "/thumbnail")  # relationship types


def docx_bytes(forms: list[Form], title: str) -> bytes:
    """One Word document holding ``forms``, each starting on a new page in its own orientation."""
    document = _blank(forms[0].style if forms else Style())
    for i, form in enumerate(forms):
        section = document.sections[0] if i == 0 else document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, form.landscape)
        _form(document, form)
    props = document.core_properties
    props.title = title
    props.author = props.last_modified_by = "jixiao"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    return _save(document)


class _Members:
    """What python-docx's PackageWriter writes members to (its "physical package writer")."""

    def __init__(self, archive: FixedTimeZipFile) -> None:
        self.archive = archive

    def write(self, uri: Any, blob: bytes) -> None:
        self.archive.writestr(uri.membername, blob, compresslevel=1)  # speed over a few KB


def _save(document: Any) -> bytes:
    """The package exactly as ``Document.save`` writes it, in one pass: each member stamped ZIP_TIME and
    deflated once as it is written. (``save`` stamps members with the time of writing, so the archive
    had to be read and deflated again; that second pass was a third of the time of a table.)"""
    package = document.part.package
    parts = package.parts
    for part in parts:
        part.before_marshal()
    out = BytesIO()
    with FixedTimeZipFile(out, "w", ZIP_DEFLATED, compresslevel=1) as archive:
        members: Any = _Members(archive)
        writer: Any = PackageWriter  # its steps, as PackageWriter.write takes them, into our archive
        writer._write_content_types_stream(members, parts)
        writer._write_pkg_rels(members, package.rels)
        writer._write_parts(members, parts)
    return out.getvalue()


_BLANK: dict[Style, tuple[Any, Any]] = {}


def _blank(style: Style) -> Any:
    """A document with the styles of ``style`` and an empty body.

    Opening python-docx's template for every table is slow, so each process keeps one prepared
    document per style and empties its body before each use. Nothing else in it changes between
    uses, so a table comes out byte for byte as from a fresh document (a test checks this).
    """
    if style not in _BLANK:
        document = Document()
        _drop_optional_parts(document)
        _defaults(document, style)
        _BLANK[style] = (document, deepcopy(document.element.body.sectPr))
    document, section = _BLANK[style]
    body = document.element.body
    for child in list(body):
        body.remove(child)
    body.append(deepcopy(section))  # a booklet leaves its last section's settings behind
    return document


def _drop_optional_parts(document: Any) -> None:
    """python-docx's template carries a Word 2010 copy of its styles (stylesWithEffects.xml, 430 KB of
    XML) and a thumbnail picture of the template itself. Word, WPS and LibreOffice need neither (Word
    2013 and later no longer write the copy), the thumbnail would show a wrong preview, and writing
    the copy was half the time of every table."""
    for rels in (document.part.package.rels, document.part.rels):
        for rel_id in [r for r, rel in rels.items() if rel.reltype.endswith(OPTIONAL_PARTS)]:
            del rels[rel_id]


def _fonts(rpr: Any, font: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for key in list(fonts.attrib):
        del fonts.attrib[key]  # theme fonts would win over the names set here
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)


def _defaults(document: Any, style: Style) -> None:
    """Document defaults: the body font for Latin and Chinese text alike, the table size, no spacing."""
    normal = document.styles["Normal"]
    normal.font.size = Pt(style.table_size)
    _fonts(normal.element.get_or_add_rPr(), style.body_font)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(lang)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
        if rpr is not None:
            _fonts(rpr, style.body_font)
        ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
        if ppr is not None:
            for spacing in ppr.findall(qn("w:spacing")):
                ppr.remove(spacing)
    fmt = normal.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0


def _page(section: Any, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    margins = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = margins
    section.header_distance = section.footer_distance = Mm(10)


def _text_width(section: Any) -> int:
    return int(section.page_width - section.left_margin - section.right_margin)


def _run(paragraph: Any, text: str, font: str | None = None, size: float | None = None,
         bold: bool = False) -> None:
    run = paragraph.add_run(text)
    if font:
        _fonts(run._r.get_or_add_rPr(), font)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.font.bold = True


def _spread_line(document: Any, items: tuple[str, ...], size: float, after: float) -> None:
    """Items spread across the text width: first at the left, last at the right (tab stops)."""
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_after = Pt(after)
    width = _text_width(document.sections[-1])
    stops = {2: [(WD_TAB_ALIGNMENT.RIGHT, width)],
             3: [(WD_TAB_ALIGNMENT.CENTER, width // 2), (WD_TAB_ALIGNMENT.RIGHT, width)]}.get(len(items), [])
    for alignment, position in stops:
        fmt.tab_stops.add_tab_stop(position, alignment)
    _run(paragraph, "\t".join(items) if stops else "　　".join(items), size=size)


def _form(document: Any, form: Form) -> None:
    style = form.style
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(10)
    _run(title, form.title, style.title_font, style.title_size, bold=True)
    if form.heading:
        _spread_line(document, form.heading, style.heading_line_size, after=3)
    for block in form.blocks:
        if isinstance(block, Grid):
            _table(document, block, style)
        elif isinstance(block, Heading):
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.space_before = Pt(6)
            _run(paragraph, block.text, style.heading_font, style.text_size)
        else:
            for line in block.lines:
                paragraph = document.add_paragraph()
                fmt = paragraph.paragraph_format
                fmt.first_line_indent = Pt(style.text_size * 2)
                fmt.line_spacing = Pt(style.text_size * 1.75)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                _run(paragraph, line, size=style.text_size)
    if form.footer:
        _spread_line(document, form.footer, style.heading_line_size, after=0)


def _table(document: Any, grid: Grid, style: Style) -> None:
    """The table as WordprocessingML text, parsed once (much faster than building it node by node)."""
    twips = [round(w * TWIPS_PER_MM) for w in grid.widths]
    borders = "".join(f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>' for side in BORDER)
    parts = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
             f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
             '<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
             '</w:tblPr><w:tblGrid>', *(f'<w:gridCol w:w="{w}"/>' for w in twips), "</w:tblGrid>"]
    covering: dict[tuple[int, int], Placed] = {}
    for p in grid.placed:
        for r in range(p.row, p.row + p.rowspan):
            covering[(r, p.col)] = p
    for r in range(len(grid.rows)):
        parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        col = 0
        while col < len(twips):
            p = covering[(r, col)]
            parts.append(_cell(p, p.row == r, sum(twips[p.col:p.col + p.colspan])))
            col += p.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    body = document.element.body
    body.sectPr.addprevious(parse_xml("".join(parts)))
    # Word joins adjacent tables into one: a thin empty paragraph keeps them apart.
    document.add_paragraph().paragraph_format.line_spacing = Pt(4)


def _cell(p: Placed, origin: bool, width: int) -> str:
    spans = f'<w:gridSpan w:val="{p.colspan}"/>' if p.colspan > 1 else ""
    if p.rowspan > 1:
        spans += '<w:vMerge w:val="restart"/>' if origin else "<w:vMerge/>"
    justify = f'<w:pPr><w:jc w:val="{JUSTIFY.get(p.cell.align, "center")}"/></w:pPr>'
    lines = p.cell.lines if origin and p.cell.lines else ("",)
    paragraphs = "".join(
        f'<w:p>{justify}<w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>' if line
        else f"<w:p>{justify}</w:p>" for line in lines)
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spans}<w:vAlign w:val="center"/></w:tcPr>'
            f"{paragraphs}</w:tc>")
