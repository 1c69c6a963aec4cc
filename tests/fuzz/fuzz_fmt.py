"""Harness: ``fmt`` on any bytes as a data file. It never raises, never changes meaning, and is idempotent.

The first byte chooses the file's kind (region, unit, project); the rest is the file. Unlike fuzz_load,
every file the loader reads goes through fmt, whether it passes the schema or not (the pre-commit hook
formats a file before it is checked). fmt either formats it, and then the loader reads the formatted
text as the file but for fmt's documented normalisations (stated in tests/test_fmt_meaning.py) and a
second fmt changes nothing; or it leaves the file alone with a well-formed finding (CannotFormat).
"""

from __future__ import annotations

from collections.abc import Iterator

from harness import DATA, seed_files, well_formed

from generator.data.load import decode
from generator.diagnostics import Diagnostic

NAMES = ("地区.yaml", "单位.yaml", "项目.yaml")
UNIT = DATA / "某区" / "2026" / "某局"  # below schema/: fmt writes the editor line too

# Files of the kinds that once made fmt fail: codes with leading zeros, CR line ends, values check refuses.
SNIPPETS = [
    "单位名称: 甲\n单位编码: 007630\n",
    "# yaml-language-server: $schema=../x.json\r项目名称: 甲\r项目金额: 10\r",
    "项目名称: 甲\r\n项目金额: .nan\r\n备注: .inf\r\n",
    "项目名称: 甲\n项目金额: 5e999999999\n序号: 1" + "0" * 5000 + "\n",
    "项目名称: 甲\n项目金额: '１２３４５６７８９０１２３４５６７'\n行政区划代码: 0x1F\n",
    "%YAML 1.1\n---\n项目名称: 甲\n备注: yes\n",
    "项目名称: 甲\n绩效指标:\n- 一级指标: 满意度\n  二级指标: 数量\n  指标值类型: '>='\n  指标值: ' ９０ '\n"
    '  备注: "x\\u2028y"\n',
    "项目名称: 甲\n本年度绩效目标:\n- ~  # 注释\n",
]


def test_one_input(data: bytes) -> None:
    if not data:
        return
    name = NAMES[data[0] % 3]
    path = (UNIT.parent.parent if name == "地区.yaml" else UNIT) / name
    text = decode(data[1:], name)
    if isinstance(text, Diagnostic):
        well_formed(text)
        return
    from test_fmt_meaning import assert_keeps_meaning

    assert_keeps_meaning(text, path)


def seeds() -> Iterator[tuple[str, bytes]]:
    kinds = {name: i for i, name in enumerate(NAMES)}
    for name, raw in seed_files(DATA, "*.yaml"):
        yield name, bytes([kinds.get(name.rsplit("_", 1)[-1], 2)]) + raw
    for name, raw in seed_files(DATA.parent / "tests" / "examples", "*.yaml"):
        yield "example_" + name, bytes([kinds.get(name.rsplit("_", 1)[-1], 2)]) + raw
    for i, text in enumerate(SNIPPETS):
        yield f"snippet_{i}", bytes([1 if "单位名称" in text else 2]) + text.encode("utf-8")
