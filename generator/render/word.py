"""Official tables as Word documents: A4, 仿宋/宋体, bordered tables with merged cells.

python-docx supplies the package: its template's parts, relationships and content types, the
document defaults (fonts, sizes, spacing) set through its API, and the unit conversions. The body —
paragraphs, tables (gridSpan for columns, vMerge for rows), section breaks — is written as
WordprocessingML text, which Word, WPS and LibreOffice all read the same way. Building it node by
node through python-docx's objects, and serialising the template's unchanging parts again for every
table, was most of the time of a build with tables; now each process prepares the package once per
style and a table costs its own text only.

A form's body text (``fragment``) does not depend on the document it goes into, so a unit's booklet
is made of the fragments already written for its tables. The file is byte-identical for identical
input (see reproducible.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from io import BytesIO
from typing import Any
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED

from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem as ContentTypes
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from generator.render.form import CENTER, LEFT, Form, Grid, Heading, Placed, Style
from generator.render.reproducible import FIXED_TIME, FixedTimeZipFile

A4 = (Mm(210), Mm(297))
PORTRAIT_MARGINS = (Mm(20), Mm(15), Mm(18), Mm(15))   # top, right, bottom, left
LANDSCAPE_MARGINS = (Mm(15), Mm(15), Mm(15), Mm(15))
HEADER_FOOTER = Mm(10)
BORDER = ("top", "left", "bottom", "right", "insideH", "insideV")
TWIPS_PER_MM = 1440 / 25.4
JUSTIFY = {CENTER: "center", LEFT: "left"}
OPTIONAL_PARTS = ("/stylesWithEffects", "/thumbnail")  # relationship types
STYLE_REFERENCES = ("basedOn", "next", "link")
# Characters XML 1.0 cannot hold (the check warns about control characters; a table must still open).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
RUN_BREAKS = re.compile(r"([\t\r\n])")  # each is a tab or a break of its own, as in python-docx


def docx_bytes(forms: Sequence[Form], title: str, fragments: Sequence[str] | None = None) -> bytes:
    """One Word document holding ``forms``, each starting on a new page in its own orientation.

    ``fragments`` are the forms' ``fragment`` texts when the caller has them already (a booklet
    after its tables)."""
    bodies = list(fragments) if fragments is not None else [fragment(form) for form in forms]
    skeleton = _skeleton(forms[0].style if forms else Style())
    parts = []
    for i, (form, body) in enumerate(zip(forms, bodies, strict=True)):
        parts.append(body)
        if i < len(forms) - 1:  # a section ends in the properties of its last paragraph
            parts.append(f"<w:p><w:pPr>{_section(form.landscape)}</w:pPr></w:p>")
    parts.append(_section(forms[-1].landscape if forms else False, skeleton.section_attributes))
    document = skeleton.document_head + "".join(parts) + skeleton.document_tail
    return skeleton.package(document.encode("utf-8"), title)


def fragment(form: Form) -> str:
    """The WordprocessingML of one form's body: title, heading line, tables and text, footer line."""
    style = form.style
    width = _text_width(form.landscape)
    out = [_paragraph(_run(form.title, style.title_font, style.title_size, bold=True), after=Pt(10), align="center")]
    if form.heading:
        out.append(_spread_line(form.heading, width, style.heading_line_size, after=Pt(3)))
    for block in form.blocks:
        if isinstance(block, Grid):
            out.append(_table(block))
            # Word joins adjacent tables into one: a thin empty paragraph keeps them apart.
            out.append(_paragraph("", line=Pt(4)))
        elif isinstance(block, Heading):
            out.append(_paragraph(_run(block.text, style.heading_font, style.text_size), before=Pt(6)))
        else:
            for line in block.lines:
                out.append(_paragraph(_run(line, size=style.text_size), first_line=Pt(style.text_size * 2),
                                      line=Pt(style.text_size * 1.75), align="both"))
    if form.footer:
        out.append(_spread_line(form.footer, width, style.heading_line_size, after=Pt(0)))
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# The package, prepared once per style


@dataclass
class _Skeleton:
    """python-docx's template with the styles of one Style, its unchanging parts serialised once."""

    core: Any                                # the core properties part (title, author, dates)
    members: list[tuple[str, bytes | None]]  # in Document.save's order; None: the main document, the core properties
    document_name: str
    document_head: str
    document_tail: str
    section_attributes: str

    def package(self, document_xml: bytes, title: str) -> bytes:
        self.core.core_properties.title = NOT_XML.sub("", title)
        core = self.core.blob
        out = BytesIO()
        with FixedTimeZipFile(out, "w", ZIP_DEFLATED, compresslevel=1) as archive:  # speed over a few KB
            for name, blob in self.members:
                archive.writestr(name, blob if blob is not None else
                                 document_xml if name == self.document_name else core)
        return out.getvalue()


@cache
def _skeleton(style: Style) -> _Skeleton:
    """python-docx's template made ready for ``style``: its parts serialised, the document split
    around an empty body. The same for every table, so each process makes it once per style."""
    document = Document()
    _drop_optional_parts(document)
    _defaults(document, style)
    _trim_styles(document.styles.element)
    props = document.core_properties
    props.author = props.last_modified_by = "jixiao"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    package = document.part.package
    parts = list(package.iter_parts())
    content_types: Any = ContentTypes  # python-docx's own [Content_Types].xml writer (untyped)
    main, core = document.part, package.part_related_by(RT.CORE_PROPERTIES)
    members: list[tuple[str, bytes | None]] = [
        (CONTENT_TYPES_URI.membername, content_types.from_parts(parts).blob),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml)]
    for part in parts:
        name = part.partname.membername
        members.append((name, None if part is main or part is core else part.blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    body = document.element.body
    section = body.sectPr
    attributes = "".join(f' {_prefixed(k)}="{_attribute(v)}"' for k, v in section.attrib.items())
    for child in list(body):
        body.remove(child)
    head, tail = serialize_part_xml(document.element).decode("utf-8").split("<w:body/>")
    return _Skeleton(core, members, main.partname.membername, head + "<w:body>", "</w:body>" + tail, attributes)


def _prefixed(name: str) -> str:
    """An attribute of the template's section properties (all in the w: namespace) as written in text."""
    return "w:" + name.split("}", 1)[1] if name.startswith("{") else name


def _drop_optional_parts(document: Any) -> None:
    """python-docx's template carries a Word 2010 copy of its styles (stylesWithEffects.xml, 430 KB of
    XML) and a thumbnail picture of the template itself. Word, WPS and LibreOffice need neither (Word
    2013 and later no longer write the copy), the thumbnail would show a wrong preview, and writing
    the copy was half the time of every table."""
    for rels in (document.part.package.rels, document.part.rels):
        for rel_id in [r for r, rel in rels.items() if rel.reltype.endswith(OPTIONAL_PARTS)]:
            del rels[rel_id]


def _trim_styles(styles: Any) -> None:
    """Keep only the styles a table uses: the defaults (Normal, the default paragraph font, the plain
    table and list) and those they are based on. python-docx's template defines 164 styles for its
    own API (headings, lists, table designs) in 350 KB of XML that every file carried; the body
    written here refers to none of them. Word and WPS still offer all built-in styles (latentStyles)."""
    by_id = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
    wanted = [i for i, s in by_id.items() if s.get(qn("w:default")) == "1"]
    keep: set[str] = set()
    while wanted:
        style_id = wanted.pop()
        if style_id in keep or style_id not in by_id:
            continue
        keep.add(style_id)
        for reference in STYLE_REFERENCES:
            found = by_id[style_id].find(qn(f"w:{reference}"))
            if found is not None:
                wanted.append(found.get(qn("w:val")))
    for style_id, element in by_id.items():
        if style_id not in keep:
            styles.remove(element)


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


# ---------------------------------------------------------------------------------------------
# The body as WordprocessingML text


def _text(text: str) -> str:
    return escape(NOT_XML.sub("", text))


def _attribute(text: str) -> str:
    return escape(NOT_XML.sub("", text), {'"': "&quot;"})


def _twips(length: Length | float) -> int:
    return int(Length(int(length)).twips)


def _section(landscape: bool, attributes: str = "") -> str:
    """Section properties: A4 in the form's orientation, its margins."""
    width, height = (A4[1], A4[0]) if landscape else A4
    top, right, bottom, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    orient = ' w:orient="landscape"' if landscape else ""
    return (f'<w:sectPr{attributes}><w:pgSz w:w="{width.twips}" w:h="{height.twips}"{orient}/>'
            f'<w:pgMar w:top="{top.twips}" w:right="{right.twips}" w:bottom="{bottom.twips}" w:left="{left.twips}"'
            f' w:header="{HEADER_FOOTER.twips}" w:footer="{HEADER_FOOTER.twips}" w:gutter="0"/>'
            '<w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr>')


def _text_width(landscape: bool) -> int:
    """In twips, from the page as the section stores it (in whole twips)."""
    width = A4[1] if landscape else A4[0]
    _, right, _, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    return int(width.twips - left.twips - right.twips)


def _paragraph(runs: str, *, before: Length | None = None, after: Length | None = None,
               line: Length | None = None, first_line: Length | None = None, align: str = "",
               tabs: Sequence[tuple[str, int]] = ()) -> str:
    """A paragraph; its properties in the order the schema wants them (tabs, spacing, ind, jc).
    ``tabs`` are (alignment, position in twips)."""
    properties = []
    if tabs:
        stops = "".join(f'<w:tab w:pos="{position}" w:val="{kind}"/>' for kind, position in tabs)
        properties.append(f"<w:tabs>{stops}</w:tabs>")
    spacing = ""
    if before is not None:
        spacing += f' w:before="{_twips(before)}"'
    if after is not None:
        spacing += f' w:after="{_twips(after)}"'
    if line is not None:
        spacing += f' w:line="{_twips(line)}" w:lineRule="exact"'
    if spacing:
        properties.append(f"<w:spacing{spacing}/>")
    if first_line is not None:
        properties.append(f'<w:ind w:firstLine="{_twips(first_line)}"/>')
    if align:
        properties.append(f'<w:jc w:val="{align}"/>')
    ppr = f"<w:pPr>{''.join(properties)}</w:pPr>" if properties else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def _run(text: str, font: str | None = None, size: float | None = None, bold: bool = False) -> str:
    """A run of text as python-docx's ``add_run`` writes it: a tab as <w:tab/>, a line break as <w:br/>."""
    properties = ""
    if font:
        name = _attribute(font)
        properties += f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}"/>'
    if bold:
        properties += "<w:b/>"
    if size:
        properties += f'<w:sz w:val="{int(Pt(size).pt * 2)}"/>'
    content = []
    for piece in RUN_BREAKS.split(text):
        if piece == "\t":
            content.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            content.append("<w:br/>")
        elif piece:
            space = ' xml:space="preserve"' if piece.strip() != piece else ""
            content.append(f"<w:t{space}>{_text(piece)}</w:t>")
    rpr = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f"<w:r>{rpr}{''.join(content)}</w:r>"


def _spread_line(items: tuple[str, ...], width: int, size: float, after: Length) -> str:
    """Items spread across the text width: first at the left, last at the right (tab stops)."""
    stops = {2: [("right", width)], 3: [("center", width // 2), ("right", width)]}.get(len(items), [])
    return _paragraph(_run("\t".join(items) if stops else "　　".join(items), size=size), after=after, tabs=stops)


def _table(grid: Grid) -> str:
    twips = [round(w * TWIPS_PER_MM) for w in grid.widths]
    borders = "".join(f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>' for side in BORDER)
    parts = [f'<w:tbl><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
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
    return "".join(parts)


def _cell(p: Placed, origin: bool, width: int) -> str:
    spans = f'<w:gridSpan w:val="{p.colspan}"/>' if p.colspan > 1 else ""
    if p.rowspan > 1:
        spans += '<w:vMerge w:val="restart"/>' if origin else "<w:vMerge/>"
    justify = f'<w:pPr><w:jc w:val="{JUSTIFY.get(p.cell.align, "center")}"/></w:pPr>'
    lines = p.cell.lines if origin and p.cell.lines else ("",)
    paragraphs = "".join(
        f'<w:p>{justify}<w:r><w:t xml:space="preserve">{_text(line)}</w:t></w:r></w:p>' if line
        else f"<w:p>{justify}</w:p>" for line in lines)
    return (f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spans}<w:vAlign w:val="center"/></w:tcPr>'
            f"{paragraphs}</w:tc>")
