"""Open data: the tables as JSON and CSV, exactly as the YAML says, and a datapackage.json.

- JSON keeps the data of each file whole under "数据", with the Chinese keys of the YAML. Numbers
  are written with exactly the digits of the data (22.95 stays 22.95, never 22.949999…); read
  them as decimals (Python: ``json.loads(text, parse_float=decimal.Decimal)``).
- CSV is tidy: one row per project (projects.csv) or per indicator (indicators.csv; the
  placeholder rows of the forms, without a 三级指标, are not indicators and are left out). Files
  start with a UTF-8 byte order mark so that Excel reads Chinese correctly, and a text cell that a
  spreadsheet would take for a formula (starting with = + - @, a tab or a carriage return) is
  prefixed with an apostrophe, the usual way to keep it text.
"""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

from generator.data import fields as F
from generator.data import schemas
from generator.render import selfeval as derived
from generator.render.cells import plain
from generator.site.selfeval import ProjectResult

BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PROJECT_TABLE = "项目支出绩效目标表"
DEPARTMENT_TABLE = F.DEPARTMENT_TABLE
# Project fields that have their own file (indicators.csv) or are lists of records.
NOT_IN_PROJECT_ROW = (F.INDICATORS,)
CONTEXT_COLUMNS = ("地区", F.REGION_CODE, "年度", F.UNIT_NAME, F.UNIT_CODE, F.MONEY_UNIT)
INDICATOR_FIELDS = (
    F.LEVEL1,
    F.LEVEL2,
    F.LEVEL3,
    F.OPERATOR,
    F.VALUE,
    F.MEASURE,
    F.NOTE,
    F.BASIS,
    F.WEIGHT,
    F.DIRECTION,
    F.REMARK,
)
# A self-evaluation's result of each indicator: written (实际完成值, 偏差原因, 改进措施) and derived (generator.data.scoring).
RESULT_FIELDS = (F.ACTUAL, derived.STATUS, derived.POINTS, derived.SCORE, F.DEVIATION, F.IMPROVEMENT)
INDICATOR_COLUMNS = (*CONTEXT_COLUMNS[:5], "表格", F.PROJECT_NAME, "行号", *INDICATOR_FIELDS, *RESULT_FIELDS, "文件", "网页")
LINKS = ("文件", "网页")
EVALUATION_COUNTS = ("完成指标数", "部分完成指标数", "未完成指标数")


# --- JSON ---------------------------------------------------------------------------------------

_NUMBER = "\ue000jixiao-number\ue000"  # stands for a Decimal while the C encoder writes the rest
_NUMBER_QUOTED = re.compile(re.escape(json.dumps(_NUMBER, ensure_ascii=False)))


def to_json(value: Any) -> str:
    """JSON with exact numbers: a Decimal is written with its own digits (22.95, never 22.949999…).

    Python's JSON encoder can only write a Decimal as a float or a string, so each Decimal goes in
    as a marker and its digits replace the markers in order (the encoder walks the data in the same
    order). Should the data itself hold the marker, the counts differ and the slow writer is used.
    """
    numbers: list[str] = []
    text = json.dumps(_with_markers(value, numbers), ensure_ascii=False, indent=1)
    if len(_NUMBER_QUOTED.findall(text)) != len(numbers):
        return _to_json(value)
    digits = iter(numbers)
    return _NUMBER_QUOTED.sub(lambda _: next(digits), text)


def _with_markers(value: Any, numbers: list[str]) -> Any:
    if isinstance(value, dict):
        return {str(k): _with_markers(v, numbers) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_markers(v, numbers) for v in value]
    if isinstance(value, Decimal):
        numbers.append(plain(value))
        return _NUMBER
    return value


def _to_json(value: Any, indent: int = 0) -> str:
    """The same JSON as to_json, written value by value."""
    pad, inner = "\n" + " " * indent, "\n" + " " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_to_json(v, indent + 1)}" for k, v in value.items()]
        return "{" + ",".join(items) + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[" + ",".join(inner + _to_json(v, indent + 1) for v in value) + pad + "]"
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, Decimal)):
        return plain(value)
    return json.dumps(value if isinstance(value, str) else str(value), ensure_ascii=False)


# --- CSV ----------------------------------------------------------------------------------------


def safe_cell(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def cell(value: Any) -> str:
    """A value in a CSV cell: numbers exact, lists of texts one per line, records as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, Decimal)):
        return plain(value)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return safe_cell("\n".join(value))
    if isinstance(value, (list, dict)):
        return safe_cell(compact_json(value))
    return safe_cell(str(value))


def compact_json(value: Any) -> str:
    """to_json on one line: the only line breaks in its output are its own indentation."""
    return re.sub(r"\n *", "", to_json(value))


def csv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def project_fields() -> list[tuple[str, str]]:
    """(column, title) of the project's own fields in projects.csv: schema order, tables flattened."""
    schema = schemas.resolved("project")["properties"]  # the schema with its $refs resolved
    return [field for key, node in schema.items() if key not in NOT_IN_PROJECT_ROW for field in _flattened(key, node)]


def _flattened(column: str, node: dict[str, Any], title: str = "") -> list[tuple[str, str]]:
    """A table's fields as columns, tables within tables too (预算执行.资金来源.当年财政拨款.全年执行数)."""
    title = (title + "：" if title else "") + str(node.get("title", column.rsplit(".", 1)[-1]))
    if node.get("type") == "object" and "properties" in node and not node.get("additionalProperties"):
        return [field for sub, subnode in node["properties"].items() for field in _flattened(f"{column}.{sub}", subnode, title)]
    return [(column, title)]


def project_columns() -> tuple[str, ...]:
    return (*CONTEXT_COLUMNS, *(c for c, _ in project_fields()), "指标数", *LINKS, *EVALUATION_COLUMNS)


# A project's self-evaluation, derived (generator.data.scoring): after the columns of the data, so that those keep
# their places; empty for a project with targets only.
EVALUATION_COLUMNS = tuple(
    f"{derived.SELF_EVALUATION}.{name}"
    for name in (derived.TOTAL, derived.GRADE, derived.RATE, derived.BUDGET, F.EXECUTED, *EVALUATION_COUNTS)
)


def _evaluation_figures(result: ProjectResult) -> tuple[Any, ...]:
    rate = derived.percent(result.executed / result.budget) if result.executed is not None and result.budget else None
    return (result.total, result.grade or None, rate, result.budget, result.executed, *result.statuses[:3])


def evaluation_cells(result: ProjectResult | None) -> list[str]:
    """The EVALUATION_COLUMNS of a project (None: targets only)."""
    return [cell(v) for v in _evaluation_figures(result)] if result else [""] * len(EVALUATION_COLUMNS)


def evaluation_json(result: ProjectResult | None) -> dict[str, Any]:
    """The same figures for a project's JSON, beside its 数据: {"自评": {总分, 等级, …}}, without those not known;
    nothing for a project with targets only."""
    if result is None:
        return {}
    names = (column.split(".", 1)[1] for column in EVALUATION_COLUMNS)
    return {derived.SELF_EVALUATION: {k: v for k, v in zip(names, _evaluation_figures(result), strict=True) if v is not None}}


def lookup(data: dict[str, Any], column: str) -> Any:
    value: Any = data
    for part in column.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def project_row(
    context: dict[str, Any], data: dict[str, Any], links: dict[str, str], result: ProjectResult | None = None
) -> list[str]:
    indicators = [r for r in data.get(F.INDICATORS) or [] if isinstance(r, dict) and r.get(F.LEVEL3) is not None]
    values = [cell(context.get(c)) for c in CONTEXT_COLUMNS]
    values += [cell(lookup(data, c)) for c, _ in project_fields()]
    return values + [str(len(indicators)), links["文件"], links["网页"], *evaluation_cells(result)]


def indicator_rows(context: dict[str, Any], table: str, project: str, rows: list[Any], links: dict[str, str]) -> list[list[str]]:
    out = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or row.get(F.LEVEL3) is None:
            continue
        out.append(
            [cell(context.get(c)) for c in CONTEXT_COLUMNS[:5]]
            + [table, safe_cell(project), str(number)]
            + [cell(row.get(k)) for k in (*INDICATOR_FIELDS, *RESULT_FIELDS)]
            + [links["文件"], links["网页"]]
        )
    return out


# --- datapackage.json ---------------------------------------------------------------------------

NUMBER_COLUMNS = {
    F.AMOUNT,
    "资金来源.财政资金",
    "资金来源.其他资金",
    "资金来源.上级资金",
    F.WEIGHT,
    EVALUATION_COLUMNS[0],
    *EVALUATION_COLUMNS[2:5],
}
INTEGER_COLUMNS = {"年度", F.ORDER, "指标数", "行号", *EVALUATION_COLUMNS[5:]}
DESCRIPTIONS = {
    "地区": "地区名称（地区.yaml 的 名称）。",
    F.REGION_CODE: "地区的 6 位行政区划代码。",
    "年度": "预算年度。",
    F.UNIT_NAME: "填报单位（单位.yaml 的 单位名称）。",
    F.UNIT_CODE: "预算单位编码（部分地区填写）。",
    F.MONEY_UNIT: "本行金额的单位（地区.yaml 的 金额单位），通常为万元。",
    "表格": f"指标所在的表：{PROJECT_TABLE} 或 {DEPARTMENT_TABLE}。",
    F.PROJECT_NAME: "指标所属项目的名称；部门整体表的指标为空。",
    "行号": "该指标在数据文件“绩效指标”中的行号（从 1 起，含占位行）。",
    "指标数": "项目的绩效指标数（不含占位行）。",
    "文件": "数据文件在数据仓库 data/ 中的位置。",
    "网页": "本站中该表的网页，相对于网站根目录。",
    derived.STATUS: "绩效自评的完成情况：完成、部分完成 或 未完成，由实际完成值与指标值算出；没有自评时为空。",
    derived.POINTS: "绩效自评中这条指标的分值：表格写了权重时为权重，否则按财预〔2020〕10号的默认分值在同一级指标中平分。",
    derived.SCORE: "绩效自评中这条指标的得分，由实际完成值、指标值和分值算出（见 绩效自评 说明）。",
    EVALUATION_COLUMNS[0]: "项目的绩效自评总分（百分制），由各指标得分和预算执行率得分算出；还有指标没有实际完成值时为空。",
    EVALUATION_COLUMNS[1]: "绩效自评等级：优（≥90 分）、良（80–90 分）、中（60–80 分）、差（<60 分）。",
    EVALUATION_COLUMNS[2]: "预算执行率（%）＝ 全年执行数 ÷ 全年预算数 × 100，保留两位小数。",
    EVALUATION_COLUMNS[3]: "计算执行率所用的预算数：预算执行.全年预算数，没有时为 年初预算数，再没有时为 项目金额。",
    EVALUATION_COLUMNS[4]: "全年执行数（同 预算执行.全年执行数）。",
    EVALUATION_COLUMNS[5]: "实际完成值达到指标值的指标数。",
    EVALUATION_COLUMNS[6]: "实际完成值部分达到指标值的指标数。",
    EVALUATION_COLUMNS[7]: "实际完成值未达到指标值（得 0 分）的指标数。",
}


def _field(name: str, title: str, description: str) -> dict[str, Any]:
    kind = "integer" if name in INTEGER_COLUMNS else "number" if name in NUMBER_COLUMNS else "string"
    out: dict[str, Any] = {"name": name, "type": kind, "title": title}
    if description:
        out["description"] = description
    if kind == "number":
        out["bareNumber"] = True
    return out


def _indicator_titles() -> dict[str, tuple[str, str]]:
    common = schemas.schema_documents()["common.schema.json"]["$defs"]
    props = common[F.INDICATORS]["properties"]
    out = {}
    for key in (*INDICATOR_FIELDS, F.ACTUAL, F.DEVIATION, F.IMPROVEMENT):
        node = props.get(key, {})
        node = common.get(key, node) if "$ref" in node else node
        out[key] = (str(node.get("title", key)), str(node.get("description", "")))
    return out


def datapackage(money_units: list[str]) -> dict[str, Any]:
    project_schema = schemas.resolved("project")["properties"]
    project_fields_meta = []
    for column in project_columns():
        if column in DESCRIPTIONS:
            project_fields_meta.append(_field(column, column, DESCRIPTIONS[column]))
            continue
        key, _, sub = column.partition(".")
        node = project_schema.get(key, {})
        if sub:
            node = node.get("properties", {}).get(sub, {})
        title = dict(project_fields()).get(column, column)
        description = str(node.get("description", ""))
        if (isinstance(node, dict) and node.get("type") in ("array", "object")) or "anyOf" in node:
            description += "（文字列表每条一行；表格和记录写成 JSON）"
        project_fields_meta.append(_field(column, title, description))
    titles = _indicator_titles()
    indicator_fields_meta = [_field(c, *(titles[c] if c in titles else (c, DESCRIPTIONS.get(c, "")))) for c in INDICATOR_COLUMNS]
    csv_dialect = {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True, "header": True}
    note = "以 = + - @、制表符或回车开头的文字前加了一个单引号（'），以免电子表格软件把它当作公式；读取时去掉这个单引号即为原文。"
    return {
        "name": "jixiao-performance-targets",
        "title": "预算绩效目标表公开数据",
        "description": (
            "各单位公开的项目支出绩效目标表、部门整体支出绩效目标表，由 jixiao 从数据仓库的 YAML 文件生成。"
            f"金额单位：{'、'.join(money_units) or '万元'}（见每行的“金额单位”）。" + note
        ),
        "profile": "data-package",
        "resources": [
            {
                "name": "projects",
                "title": "项目（每行一个项目）",
                "path": "projects.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "profile": "tabular-data-resource",
                "dialect": csv_dialect,
                "schema": {"fields": project_fields_meta},
            },
            {
                "name": "indicators",
                "title": "绩效指标（每行一项指标）",
                "path": "indicators.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8-sig",
                "profile": "tabular-data-resource",
                "dialect": csv_dialect,
                "schema": {"fields": indicator_fields_meta},
            },
            {
                "name": "all",
                "title": "全部数据（JSON，每张表的数据原样保存在“数据”中）",
                "path": "all.json",
                "format": "json",
                "mediatype": "application/json",
                "encoding": "utf-8",
                "profile": "data-resource",
            },
        ],
    }
