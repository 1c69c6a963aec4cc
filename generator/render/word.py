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
from docx.enum.text import WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
from docx.opc.pkgwriter import _ContentTypesItem as ContentTypes
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Length, Mm, Pt

from generator.render.form import (
    CENTER,
    LEFT,
    LINE,
    PADDING_MM,
    PADDING_TOP_MM,
    Booklet,
    Form,
    Grid,
    Heading,
    Placed,
    Style,
)
from generator.render.reproducible import FIXED_TIME, FixedTimeZipFile, deflating_once

A4 = (Mm(210), Mm(297))
PORTRAIT_MARGINS = (Mm(20), Mm(15), Mm(18), Mm(15))  # top, right, bottom, left
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
# A form's title carries this bookmark; a document gives each form's its own name (BOOKMARK_NAME), for
# the booklet's contents to point at.
BOOKMARK = "jixiao-form"
BOOKMARK_NAME = "_jx{n}"
PAGE_SIZE = 9  # points: the page numbers in the footer
# Outline levels (w:outlineLvl, 0 is Word's "Level 1"): PDF bookmarks and Word's navigation pane are made
# from them. A booklet's parts, each table's title, and a project's name where the title is shared.
PART_LEVEL, TITLE_LEVEL, CAPTION_LEVEL = 0, 1, 2
# East Asian fonts as Word and WPS know them, with what lets a computer without one pick a close
# substitute: the English name, the PANOSE class, the GB2312 character set, the family and pitch.
FONTS = {
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "仿宋_GB2312": ("FangSong_GB2312", "02010609030101010101", "modern", "fixed"),
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed"),
    "微软雅黑": ("Microsoft YaHei", "020B0503020204020204", "swiss", "variable"),
}
GB2312 = "86"
# The properties of a paragraph a tenth of a point high: one that only ends a section or keeps two tables
# apart, and that must never be what spills onto a page of its own.
TINY = '<w:spacing w:before="0" w:after="0" w:line="2" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr>'


def docx_bytes(forms: Sequence[Form], title: str, fragments: Sequence[str] | None = None) -> bytes:
    """One Word document holding ``forms``, each starting on a new page in its own orientation, with
    page numbers ("第 X 页 共 Y 页") in the footer.

    ``fragments`` are the forms' ``fragment`` texts when the caller has them already."""
    bodies = list(fragments) if fragments is not None else [fragment(form) for form in forms]
    skeleton = _skeleton(forms[0].style if forms else Style(), False)
    parts = []
    for i, (form, body) in enumerate(zip(forms, bodies, strict=True)):
        parts.append(_named(body, i))
        if i < len(forms) - 1:  # a section ends in the properties of its last paragraph
            parts.append(f"<w:p><w:pPr>{TINY}{skeleton.section(form.landscape)}</w:pPr></w:p>")
    parts.append(skeleton.section(forms[-1].landscape if forms else False, last=True))
    document = skeleton.document_head + "".join(parts) + skeleton.document_tail
    return skeleton.package(document.encode("utf-8"), title)


def booklet_bytes(booklet: Booklet, fragments: Sequence[str] | None = None) -> bytes:
    """A unit's booklet: a cover (no page number), the contents (each line a link to its table, with the
    table's page number), then the tables in order, each part's heading above its first table. Titles
    are outline levels, so that a PDF made from it has bookmarks."""
    forms = booklet.forms
    bodies = list(fragments) if fragments is not None else [fragment(form) for form in forms]
    style = forms[0].style if forms else Style()
    skeleton = _skeleton(style, True)
    parts = [_cover(booklet, style), f"<w:p><w:pPr>{TINY}{skeleton.section(False, footer=False)}</w:pPr></w:p>"]
    parts.append(_contents(booklet, style))
    for i, (form, body) in enumerate(zip(forms, bodies, strict=True)):
        previous = False if i == 0 else forms[i - 1].landscape
        parts.append(f"<w:p><w:pPr>{TINY}{skeleton.section(previous)}</w:pPr></w:p>")
        part = booklet.parts.get(i)
        if part is not None:
            parts.append(_part_heading(part.title, part.name if part.name != form.title else "", style))
        parts.append(_named(body, i))
    parts.append(skeleton.section(forms[-1].landscape if forms else False, last=True))
    document = skeleton.document_head + "".join(parts) + skeleton.document_tail
    return skeleton.package(document.encode("utf-8"), booklet.title)


def _named(body: str, index: int) -> str:
    """A form's body with its bookmark named for its place in the document."""
    return body.replace(f'w:id="{BOOKMARK}"', f'w:id="{index + 1}"').replace(
        f'w:name="{BOOKMARK}"', f'w:name="{BOOKMARK_NAME.format(n=index + 1)}"'
    )


def _cover(booklet: Booklet, style: Style) -> str:
    """The cover: its first line large (the booklet's title) a third down the page, the others below it."""
    out = []
    for i, line in enumerate(booklet.cover):
        size = style.title_size * 1.6 if i == 0 else style.text_size * 1.25 if i == 1 else style.text_size
        before = Mm(70) if i == 0 else Mm(40) if i == 1 else Mm(6)
        out.append(
            _paragraph(
                _run(line, style.title_font if i < 2 else None, size, bold=i < 2),
                before=before,
                after=Mm(0),
                line=Pt(size * LINE),
                align="center",
            )
        )
    return "".join(out)


def _contents(booklet: Booklet, style: Style) -> str:
    """目录: a line per part, table and project, its page number a PAGEREF to the table's bookmark
    (LibreOffice and Word work out the number; settings.xml asks Word to update them on opening)."""
    size = style.heading_line_size
    width = _text_width(False)
    out = [
        _paragraph(
            _run("目录", style.title_font, style.title_size, bold=True),
            after=Pt(12),
            line=Pt(style.title_size * LINE),
            align="center",
        )
    ]
    for entry in booklet.contents:
        anchor = BOOKMARK_NAME.format(n=entry.form + 1)
        text = _run(entry.text, style.heading_font if entry.depth == 0 else None, size)
        rpr = _size(size)
        page = (
            f'<w:r>{rpr}<w:tab/></w:r><w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGEREF {anchor} \\h </w:instrText></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r><w:r>{rpr}<w:t></w:t></w:r>'
            f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
        )
        link = f'<w:hyperlink w:anchor="{anchor}" w:history="1">{text}{page}</w:hyperlink>'
        out.append(
            _paragraph(link, after=Pt(4), line=Pt(size * LINE), indent=Pt(size * 2 * entry.depth), tabs=[("right", width, "dot")])
        )
    return "".join(out)


def _part_heading(title: str, name: str, style: Style) -> str:
    """A part's heading (第二部分, and its name when the table's own title does not already say it)."""
    size = style.title_size + 4
    out = [
        _paragraph(
            _run(title, style.heading_font, size),
            after=Pt(6),
            line=Pt(size * LINE),
            align="center",
            keep=True,
            outline=PART_LEVEL,
        )
    ]
    if name:
        out.append(
            _paragraph(
                _run(name, style.title_font, style.title_size, bold=True),
                after=Pt(12),
                line=Pt(style.title_size * LINE),
                align="center",
                keep=True,
            )
        )
    return "".join(out)


def fragment(form: Form) -> str:
    """The WordprocessingML of one form's body: title (an outline level, with the form's bookmark), the
    note under it, heading line, tables and text, footer line, footnotes (更正说明)."""
    style = form.style
    width = _text_width(form.landscape)
    bookmark = f'<w:bookmarkStart w:id="{BOOKMARK}" w:name="{BOOKMARK}"/>'
    title = _run(form.title, style.title_font, style.title_size, bold=True)
    out = [
        _paragraph(
            bookmark + title + f'<w:bookmarkEnd w:id="{BOOKMARK}"/>',
            after=Pt(4 if form.note else 10),
            line=Pt(style.title_size * LINE),
            align="center",
            keep=True,
            outline=TITLE_LEVEL,
        )
    ]
    if form.note:
        out.append(
            _paragraph(
                _run(f"（{form.note}）", size=style.heading_line_size),
                after=Pt(8),
                line=Pt(style.heading_line_size * LINE),
                align="center",
                keep=True,
            )
        )
    if form.heading:
        out.append(_spread_line(form.heading, width, style.heading_line_size, after=Pt(3), keep=True))
    caption = form.caption if form.caption not in form.title else None
    for n, block in enumerate(form.blocks):
        if isinstance(block, Grid):
            out.append(_table(block, style, caption))
            caption = None if caption and caption in _texts(block) else caption
            after = form.blocks[n + 1] if n + 1 < len(form.blocks) else None
            if isinstance(after, Grid) and after.joined:
                # Word joins adjacent tables into one: a paragraph a tenth of a point high keeps them
                # apart, and the two read as one table.
                out.append(f"<w:p><w:pPr><w:keepNext/>{TINY}</w:pPr></w:p>")
            elif after is None and not form.footer and not form.footnotes:
                out.append(f"<w:p><w:pPr>{TINY}</w:pPr></w:p>")  # a table ends a page: nothing to push over
            else:
                out.append(_paragraph("", line=Pt(4)))
        elif isinstance(block, Heading):
            out.append(
                _paragraph(
                    _run(block.text, style.heading_font, style.text_size), before=Pt(6), line=Pt(style.text_size * 1.5), keep=True
                )
            )
        else:
            for line in block.lines:
                out.append(
                    _paragraph(
                        _run(line, size=style.text_size),
                        first_line=Pt(style.text_size * 2),
                        line=Pt(style.text_size * 1.75),
                        align="both",
                    )
                )
    if form.footer:
        out.append(_spread_line(form.footer, width, style.heading_line_size, after=Pt(0)))
    for n, line in enumerate(form.footnotes):
        out.append(
            _paragraph(
                _run(line, size=style.table_size),
                before=Pt(4) if n == 0 else None,
                line=Pt(style.table_size * LINE),
                align="both",
            )
        )
    return "".join(out)


def _texts(grid: Grid) -> set[str]:
    return {p.cell.text for p in grid.placed}


# ---------------------------------------------------------------------------------------------
# The package, prepared once per style


@dataclass
class _Skeleton:
    """python-docx's template with the styles of one Style, its unchanging parts serialised once."""

    core: Any  # the core properties part (title, author, dates)
    members: list[tuple[str, bytes | None]]  # in Document.save's order; None: the main document, the core properties
    document_name: str
    document_head: str
    document_tail: str
    section_attributes: str
    footer_id: str  # the relationship of the footer with the page numbers

    def package(self, document_xml: bytes, title: str) -> bytes:
        self.core.core_properties.title = NOT_XML.sub("", title)
        core = self.core.blob
        out = BytesIO()
        with deflating_once(), FixedTimeZipFile(out, "w", ZIP_DEFLATED, compresslevel=1) as archive:  # speed over a few KB
            for name, blob in self.members:
                archive.writestr(name, blob if blob is not None else document_xml if name == self.document_name else core)
        return out.getvalue()

    def section(self, landscape: bool, footer: bool = True, last: bool = False) -> str:
        """Section properties: A4 in the form's orientation, its margins, the page numbers in its footer
        (a section without a footer of its own, the booklet's cover, is the first: it shows none)."""
        reference = f'<w:footerReference w:type="default" r:id="{self.footer_id}"/>' if footer else ""
        return _section(landscape, self.section_attributes if last else "", reference)


def prepared(style: Style, booklet: bool) -> Any:
    """python-docx's template made ready for ``style``: the defaults, only the styles used, the footer with
    the page numbers, Chinese as the East Asian language; a booklet's asks Word to update its fields
    (the page numbers of its contents) when it is opened."""
    document = Document()
    _drop_optional_parts(document)
    _defaults(document, style)
    _trim_styles(document.styles.element)
    props = document.core_properties
    props.author = props.last_modified_by = "jixiao"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    element = footer._element
    for child in list(element):
        element.remove(child)
    element.append(parse_xml(f"<w:p {nsdecls('w')}>{_page_numbers(style)}</w:p>"))
    settings = document.settings.element
    language = settings.find(qn("w:themeFontLang"))
    if language is not None:
        language.set(qn("w:eastAsia"), "zh-CN")  # the template says ja-JP: Japanese glyph forms for Chinese
    if booklet:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.find(qn("w:compat")).addprevious(update)
    return document


@cache
def _skeleton(style: Style, booklet: bool = False) -> _Skeleton:
    """The prepared template's parts serialised, the document split around an empty body. The same for
    every table, so each process makes it once per style. The font table is jixiao's own (FONTS)."""
    document = prepared(style, booklet)
    package = document.part.package
    parts = list(package.iter_parts())
    content_types: Any = ContentTypes  # python-docx's own [Content_Types].xml writer (untyped)
    main, core = document.part, package.part_related_by(RT.CORE_PROPERTIES)
    font_table = document.part.part_related_by(RT.FONT_TABLE)
    members: list[tuple[str, bytes | None]] = [
        (CONTENT_TYPES_URI.membername, content_types.from_parts(parts).blob),
        (PACKAGE_URI.rels_uri.membername, package.rels.xml),
    ]
    for part in parts:
        name = part.partname.membername
        blob = None if part is main or part is core else font_table_xml(style) if part is font_table else part.blob
        members.append((name, blob))
        if len(part.rels):
            members.append((part.partname.rels_uri.membername, part.rels.xml))
    footer_id = next(r for r, rel in main.rels.items() if rel.reltype == RT.FOOTER)
    body = document.element.body
    section = body.sectPr
    attributes = "".join(f' {_prefixed(k)}="{_attribute(v)}"' for k, v in section.attrib.items())
    for child in list(body):
        body.remove(child)
    head, tail = serialize_part_xml(document.element).decode("utf-8").split("<w:body/>")
    return _Skeleton(core, members, main.partname.membername, head + "<w:body>", "</w:body>" + tail, attributes, footer_id)


def font_table_xml(style: Style) -> bytes:
    """The fonts the document uses, each with what lets Word or WPS substitute a close one (FONTS)."""
    names = dict.fromkeys((style.body_font, style.title_font, style.heading_font, "Times New Roman"))
    entries = []
    for name in names:
        alt, panose, family, pitch = FONTS.get(name, ("", "02010600030101010101", "auto", "variable"))
        if name == "Times New Roman":
            alt, panose, family, pitch, charset = "", "02020603050405020304", "roman", "variable", "00"
        else:
            charset = GB2312
        alt_name = f'<w:altName w:val="{_attribute(alt)}"/>' if alt else ""
        entries.append(
            f'<w:font w:name="{_attribute(name)}">{alt_name}<w:panose1 w:val="{panose}"/>'
            f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
        )
    return (
        f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts {nsdecls('w')}>{''.join(entries)}</w:fonts>"
    ).encode()


def _page_numbers(style: Style) -> str:
    """第 X 页 共 Y 页, centred (PAGE and NUMPAGES fields: every program counts its own pages)."""

    def field(name: str) -> str:
        return f'<w:fldSimple w:instr=" {name} "><w:r>{_size(PAGE_SIZE)}<w:t>1</w:t></w:r></w:fldSimple>'

    def text(value: str) -> str:
        return f'<w:r>{_size(PAGE_SIZE)}<w:t xml:space="preserve">{value}</w:t></w:r>'

    return (
        '<w:pPr><w:jc w:val="center"/></w:pPr>' + text("第 ") + field("PAGE") + text(" 页 共 ") + field("NUMPAGES") + text(" 页")
    )


def _size(points: float) -> str:
    return f'<w:rPr><w:sz w:val="{round(points * 2)}"/><w:szCs w:val="{round(points * 2)}"/></w:rPr>'


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
    fonts.set(qn("w:hint"), "eastAsia")  # quotes and dashes in Chinese text take the Chinese font


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
    # Exact line height, not the font's own: a page holds the same rows whatever fonts are installed.
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(style.table_size * LINE)


# ---------------------------------------------------------------------------------------------
# The body as WordprocessingML text


def _text(text: str) -> str:
    return escape(NOT_XML.sub("", text))


def _attribute(text: str) -> str:
    return escape(NOT_XML.sub("", text), {'"': "&quot;"})


def _twips(length: Length | float) -> int:
    return int(Length(int(length)).twips)


def _section(landscape: bool, attributes: str = "", footer: str = "") -> str:
    """Section properties: A4 in the form's orientation, its margins, ``footer`` its footer reference."""
    width, height = (A4[1], A4[0]) if landscape else A4
    top, right, bottom, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    orient = ' w:orient="landscape"' if landscape else ""
    return (
        f'<w:sectPr{attributes}>{footer}<w:pgSz w:w="{width.twips}" w:h="{height.twips}"{orient}/>'
        f'<w:pgMar w:top="{top.twips}" w:right="{right.twips}" w:bottom="{bottom.twips}" w:left="{left.twips}"'
        f' w:header="{HEADER_FOOTER.twips}" w:footer="{HEADER_FOOTER.twips}" w:gutter="0"/>'
        '<w:cols w:space="720"/><w:docGrid w:linePitch="360"/></w:sectPr>'
    )


def _text_width(landscape: bool) -> int:
    """In twips, from the page as the section stores it (in whole twips)."""
    width = A4[1] if landscape else A4[0]
    _, right, _, left = LANDSCAPE_MARGINS if landscape else PORTRAIT_MARGINS
    return int(width.twips - left.twips - right.twips)


def _paragraph(
    runs: str,
    *,
    before: Length | None = None,
    after: Length | None = None,
    line: Length | None = None,
    first_line: Length | None = None,
    align: str = "",
    tabs: Sequence[tuple[str, int] | tuple[str, int, str]] = (),
    keep: bool = False,
    outline: int | None = None,
    indent: Length | None = None,
) -> str:
    """A paragraph; its properties in the order the schema wants them (keepNext, tabs, spacing, ind, jc,
    outlineLvl). ``tabs`` are (alignment, position in twips[, leader]); ``keep`` keeps it on the page of
    the paragraph after it (a title, a heading); ``outline`` makes it a bookmark of the PDF."""
    properties = ["<w:keepNext/>"] if keep else []
    if tabs:
        stops = "".join(
            f'<w:tab w:val="{tab[0]}"' + (f' w:leader="{tab[2]}"' if len(tab) > 2 else "") + f' w:pos="{tab[1]}"/>'
            for tab in tabs
        )
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
    if first_line is not None or indent is not None:
        left = f' w:left="{_twips(indent)}"' if indent is not None else ""
        first = f' w:firstLine="{_twips(first_line)}"' if first_line is not None else ""
        properties.append(f"<w:ind{left}{first}/>")
    if align:
        properties.append(f'<w:jc w:val="{align}"/>')
    if outline is not None:
        properties.append(f'<w:outlineLvl w:val="{outline}"/>')
    ppr = f"<w:pPr>{''.join(properties)}</w:pPr>" if properties else ""
    return f"<w:p>{ppr}{runs}</w:p>"


def _run(text: str, font: str | None = None, size: float | None = None, bold: bool = False) -> str:
    """A run of text as python-docx's ``add_run`` writes it: a tab as <w:tab/>, a line break as <w:br/>."""
    properties = ""
    if font:
        name = _attribute(font)
        properties += f'<w:rFonts w:ascii="{name}" w:hAnsi="{name}" w:eastAsia="{name}" w:cs="{name}" w:hint="eastAsia"/>'
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


def _spread_line(items: tuple[str, ...], width: int, size: float, after: Length, keep: bool = False) -> str:
    """Items spread across the text width: first at the left, last at the right (tab stops)."""
    stops = {2: [("right", width)], 3: [("center", width // 2), ("right", width)]}.get(len(items), [])
    return _paragraph(
        _run("\t".join(items) if stops else "　　".join(items), size=size),
        after=after,
        tabs=stops,
        line=Pt(size * LINE),
        keep=keep,
    )


def _table(grid: Grid, style: Style, caption: str | None = None) -> str:
    """A table: fixed column widths, thin lines, rows never split across pages; its heading rows (``head``)
    repeat at the top of every page and stay with the row after them; a cell that goes on from the
    one above (``joined``) has no line between them. The cell that prints ``caption`` (the project's
    name, where the title does not say it) is an outline level: the PDF's bookmark for the project."""
    twips = [round(w * TWIPS_PER_MM) for w in grid.widths]
    borders = "".join(f'<w:{side} w:val="single" w:sz="6" w:space="0" w:color="000000"/>' for side in BORDER)
    pad = round(PADDING_MM * TWIPS_PER_MM)
    pad_top = round(PADDING_TOP_MM * TWIPS_PER_MM)
    parts = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:top w:w="{pad_top}" w:type="dxa"/><w:left w:w="{pad}" w:type="dxa"/>'
        f'<w:bottom w:w="{pad_top}" w:type="dxa"/><w:right w:w="{pad}" w:type="dxa"/></w:tblCellMar>'
        "</w:tblPr><w:tblGrid>",
        *(f'<w:gridCol w:w="{w}"/>' for w in twips),
        "</w:tblGrid>",
    ]
    covering: dict[tuple[int, int], Placed] = {}
    for p in grid.placed:
        for r in range(p.row, p.row + p.rowspan):
            covering[(r, p.col)] = p
    line = _twips(Pt(style.table_size * LINE))
    for r in range(len(grid.rows)):
        head = r < grid.head
        keep = head or r in grid.bound
        parts.append("<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>" if head else "<w:tr><w:trPr><w:cantSplit/></w:trPr>")
        col = 0
        while col < len(twips):
            p = covering[(r, col)]
            outline = caption is not None and p.row == r and p.cell.text == caption
            caption = None if outline else caption
            parts.append(
                _cell(
                    p, p.row == r, sum(twips[p.col : p.col + p.colspan]), line, keep, (p.row, p.col) in grid.open_below, outline
                )
            )
            col += p.colspan
        parts.append("</w:tr>")
    parts.append("</w:tbl>")
    return "".join(parts)


def _cell(p: Placed, origin: bool, width: int, line: int, keep: bool, open_below: bool, outline: bool) -> str:
    spans = f'<w:gridSpan w:val="{p.colspan}"/>' if p.colspan > 1 else ""
    if p.rowspan > 1:
        spans += '<w:vMerge w:val="restart"/>' if origin else "<w:vMerge/>"
    sides = ('<w:top w:val="nil"/>' if p.cell.joined else "") + ('<w:bottom w:val="nil"/>' if open_below else "")
    borders = f"<w:tcBorders>{sides}</w:tcBorders>" if sides else ""
    properties = (
        ("<w:keepNext/>" if keep else "") + f'<w:spacing w:line="{line}" w:lineRule="exact"/>'
        f'<w:jc w:val="{JUSTIFY.get(p.cell.align, "center")}"/>' + (f'<w:outlineLvl w:val="{CAPTION_LEVEL}"/>' if outline else "")
    )
    lines = p.cell.lines if origin and p.cell.lines else ("",)
    paragraphs = "".join(
        f'<w:p><w:pPr>{properties}</w:pPr><w:r><w:t xml:space="preserve">{_text(text)}</w:t></w:r></w:p>'
        if text
        else f"<w:p><w:pPr>{properties}</w:pPr></w:p>"
        for text in lines
    )
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{spans}{borders}<w:vAlign w:val="center"/></w:tcPr>{paragraphs}</w:tc>'
    )
