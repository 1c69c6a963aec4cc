"""The Chinese fonts a printed table asks for, and where a computer keeps its fonts: shared by the two
PDF engines (typeset.py: Typst; pdf.py: LibreOffice), each of which substitutes the Noto CJK fonts for
the layout's fonts when the computer lacks them."""

from __future__ import annotations

# The layouts' serif and sans-serif fonts, as Word and WPS name them (Chinese and English names).
SERIF = ("仿宋", "仿宋_GB2312", "FangSong", "宋体", "SimSun", "STSong", "STFangsong", "楷体", "KaiTi")
SANS = ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei", "STHeiti")
# Where fonts are installed (Linux; a font added there changes what a PDF looks like, so the PDF caches
# are keyed by what these folders hold).
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
