"""The field reference of the site (docs/字段说明.md), generated from the schema files in schema/.

``python -m generator.site.field_reference`` rewrites the page; a test fails when it is out of date, so the
reference always says what the checker checks.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from generator.data import schemas

FIELDS_PAGE = Path(__file__).resolve().parent.parent.parent / "docs" / "字段说明.md"
FILES = (("region", "地区.yaml"), ("unit", "单位.yaml"), ("project", "项目文件（<项目>.yaml）"))
TYPES = {"string": "文字", "number": "数字", "integer": "整数", "object": "表", "array": "列表", "null": "空", "boolean": "是/否"}


def _cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "\\|").replace("\n", " ")


def _kind(node: dict[str, Any]) -> str:
    if "enum" in node:
        return "可选：" + "、".join(str(v) for v in node["enum"])
    if "anyOf" in node:
        return " 或 ".join(_kind(n) for n in node["anyOf"])
    kind = node.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    names = [TYPES.get(str(k), str(k)) for k in kinds]
    if node.get("type") == "array" and isinstance(node.get("items"), dict):
        item = node["items"]
        inner = "表" if item.get("type") == "object" else _kind(item)
        return f"列表（每项为{inner}）"
    if "pattern" in node and node.get("type") == "string":
        return "文字（格式见说明）"
    return "、".join(names) or "任意"


def _rows(props: dict[str, Any], required: list[str], prefix: str = "") -> list[str]:
    rows = []
    for key, node in props.items():
        path = f"{prefix}{key}"
        title = str(node.get("title", key))
        need = "必填" if key in required else ""
        description = _cell(str(node.get("description", "")))
        rows.append(f"| `{_cell(path)}` | {_cell(title)} | {_cell(_kind(node))} | {need} | {description} |")
        inner = node.get("items") if node.get("type") == "array" and isinstance(node.get("items"), dict) else node
        if isinstance(inner, dict) and isinstance(inner.get("properties"), dict):
            child = f"{path}[]." if inner is not node else f"{path}."
            rows += _rows(inner["properties"], list(inner.get("required", [])), child)
    return rows


def fields_markdown() -> str:
    lines = [
        "# 字段说明",
        "",
        "<!-- 本页由 python -m generator.site.field_reference 根据 schema/ 生成，请勿手工修改。 -->",
        "",
        "每个数据文件可以写哪些字段、各是什么意思。字段名就是官方表格的栏目名；编辑器（如 VS Code 的 YAML 扩展）"
        "会根据文件第一行的 `# yaml-language-server: $schema=…` 显示同样的说明。`jixiao check` 按这些规定检查。"
        "字段位置中的 `[]` 表示列表中的每一项，`.` 表示表中的一项。",
        "",
    ]
    for kind, name in FILES:
        schema = schemas.resolved(kind)  # every $ref resolved: nested fields are listed in full
        lines += [
            f"## {_cell(name)}：{_cell(str(schema.get('title', '')))}",
            "",
            _cell(str(schema.get("description", ""))),
            "",
            "| 字段 | 名称 | 写法 | 必填 | 说明 |",
            "| --- | --- | --- | --- | --- |",
        ]
        lines += _rows(schema.get("properties", {}), list(schema.get("required", [])))
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    FIELDS_PAGE.write_text(fields_markdown(), encoding="utf-8")
    print(f"已生成 {FIELDS_PAGE}")
