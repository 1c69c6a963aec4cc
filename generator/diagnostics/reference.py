"""Reference pages generated from the code: the catalogue of diagnostic codes.

``python -m generator.diagnostics.reference`` rewrites docs/问题代码.md; a test fails when it is out of date.
"""

from __future__ import annotations

import re
from pathlib import Path

from generator.data import fields as F
from generator.diagnostics.catalogue import CATALOGUE, Severity

FAMILIES = {
    "Y": "读取文件",
    "P": "文件和文件夹",
    "S": "表格结构（JSON Schema）",
    "F": "指标体系和必备内容",
    "V": F.VALUE,
    "M": "金额",
    "T": "时间",
    "X": "跨表核对",
    "H": "文字规范",
    "D": "重复",
    "I": "导入",
    "A": F.ACKNOWLEDGED,
    "L": "官方表格版式（layout.yaml）",
    "R": "运行命令（用法、磁盘、权限、端口、外部程序）",
}

CODES_PAGE = Path(__file__).resolve().parent.parent.parent / "docs" / "问题代码.md"


_PARAM = re.compile(r"(?<!\{)\{[a-z_0-9]+\}(?!\})")


def _cell(text: str) -> str:
    text = _PARAM.sub("…", text).replace("{{", "{").replace("}}", "}")
    return text.replace("|", "\\|").replace("\n", " ")


def codes_markdown() -> str:
    lines = [
        "# 问题代码",
        "",
        "<!-- 本页由 python -m generator.diagnostics.reference 根据 generator/diagnostics/catalogue.py 生成，请勿手工修改。 -->",
        "",
        "`jixiao check` 报告的每个问题都有一个固定的代码。代码不会改名，也不会挪作他用。"
        "“错误”使检查不通过；“警告”只作提示（加 `--strict` 时也算不通过）。"
        "确实无法改正的问题，可以在文件的“已确认问题”中写明代码、位置和理由。",
        "",
    ]
    for prefix, family in FAMILIES.items():
        lines += [f"## {prefix}：{family}", "", "| 代码 | 级别 | 问题 | 说明 | 怎么改 |", "| --- | --- | --- | --- | --- |"]
        for code in CATALOGUE.values():
            if code.code.startswith(prefix):
                level = "错误" if code.severity is Severity.ERROR else "警告"
                lines.append(f"| {code.code} | {level} | {_cell(code.title)} | {_cell(code.description)} | {_cell(code.hint)} |")
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    from generator.atomic import write_atomic

    write_atomic(CODES_PAGE, codes_markdown())
    print(f"已生成 {CODES_PAGE}")
