"""Made-up long tables for the print tests: they are NOT published tables and never go into data/.

``write_long_samples(root)`` writes, next to a copy of the sample data, two made-up units that stress
pagination: a Hunan unit (部门整体 with 40 indicators and a long 年度履职目标, one duty longer than a
page; a project with 40 indicators; a project whose 本年度绩效目标 runs to several paragraphs) and a
Hebei unit (a long narrative, a project with 40 indicators). All of it passes ``jixiao check``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

MADE_UP = "# 为测试打印编造的数据，不是公开的表格（tests/print_samples.py）\n"
SENTENCE = "统筹推进本系统年度重点工作，细化责任分工，明确完成时限，加强督促检查和跟踪问效，确保各项任务按计划落实到位；"
KINDS = [
    ("产出指标", "数量指标", "≥", "个"),
    ("产出指标", "质量指标", "≥", "%"),
    ("产出指标", "时效指标", "≥", "%"),
    ("效益指标", "社会效益指标", "定性", ""),
    ("效益指标", "可持续影响指标", "定性", ""),
    ("满意度指标", "服务对象满意度指标", "≥", "%"),
]


def _dump(path: Path, schema: str, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    yaml = YAML()
    yaml.allow_unicode = True
    yaml.width = 4096
    with path.open("w", encoding="utf-8") as out:
        out.write(f"# yaml-language-server: $schema={schema}\n{MADE_UP}")
        yaml.dump(data, out)


def _indicators(count: int, framework: int, note: bool, cost: tuple[str, int] | None) -> list[dict[str, Any]]:
    """``count`` indicators spread over the framework's 一级/二级, each named and valued distinctly."""
    rows: list[dict[str, Any]] = []
    if cost is not None:
        level1, level2 = ("成本指标", "经济成本指标") if framework == 2021 else ("产出指标", "成本指标")
        rows.append(
            {
                "一级指标": level1,
                "二级指标": level2,
                "三级指标": cost[0],
                "指标值类型": "≤",
                "指标值": cost[1],
                "度量单位": "万元",
            }
        )
    n = 0
    while len(rows) < count:
        level1, level2, operator, unit = KINDS[n % len(KINDS)]
        n += 1
        row: dict[str, Any] = {"一级指标": level1, "二级指标": level2}
        if level2 == "服务对象满意度指标":
            row |= {"三级指标": f"第{n}类服务对象满意度", "指标值类型": operator, "指标值": 90, "度量单位": unit}
        elif operator == "定性":
            row |= {
                "三级指标": f"第{n}项工作的社会影响和长效机制建设情况",
                "指标值类型": "定性",
                "指标值": "明显提升，形成可复制、可推广的工作经验",
            }
        elif unit == "%":
            row |= {"三级指标": f"第{n}项任务完成率", "指标值类型": operator, "指标值": 95, "度量单位": unit}
        else:
            row |= {"三级指标": f"第{n}项工作开展次数", "指标值类型": operator, "指标值": n, "度量单位": "次"}
        if note:
            row["指标说明"] = f"反映第{n}项工作按计划完成的情况，数据来源为年度工作台账和季度检查记录"
        rows.append(row)
    order = {"成本指标": 0, "产出指标": 1, "效益指标": 2, "满意度指标": 3}
    return sorted(rows, key=lambda r: (order[r["一级指标"]], r["二级指标"]))  # stable: a level's rows together


def write_long_samples(root: Path) -> list[Path]:
    """The two made-up units under ``root`` (a data folder); returns their unit folders."""
    hunan = root / "测试市长表区"
    _dump(
        hunan / "地区.yaml",
        "../../schema/region.schema.json",
        {"名称": "测试市长表区", "行政区划代码": "430299", "版式": "湖南", "指标体系": 2021, "金额单位": "万元"},
    )
    unit = hunan / "2026" / "长表测试局"
    duties = [f"负责第{i}项职责：" + SENTENCE * 2 for i in range(1, 25)]
    duties.insert(3, "负责一项特别长的职责：" + SENTENCE * 70)  # taller than a page by itself
    _dump(
        unit / "单位.yaml",
        "../../../../schema/unit.schema.json",
        {
            "单位名称": "测试市长表区长表测试局",
            "部门整体支出绩效目标表": {
                "年度履职目标": duties,
                "年度主要任务": [{"任务名称": f"重点任务{i}", "主要内容": SENTENCE * 3} for i in range(1, 6)],
                "预算情况": {
                    "资金总额": 130,
                    "按收入性质分": {"一般公共预算": 130},
                    "按支出性质分": {"基本支出": 100, "项目支出": 30},
                },
                "绩效指标": _indicators(40, 2021, note=True, cost=("部门整体支出", 130)),
            },
        },
    )
    common = {"项目类别": "特定目标类", "实施期": "2026年度"}
    _dump(
        unit / "四十项指标项目.yaml",
        "../../../../schema/project.schema.json",
        {
            "项目名称": "四十项指标测试项目",
            **common,
            "项目金额": 20,
            "本年度绩效目标": "完成四十项指标所列的全部工作任务。",
            "绩效指标": _indicators(40, 2021, note=False, cost=("项目支出成本", 20)),
            "序号": 1,
        },
    )
    _dump(
        unit / "长目标项目.yaml",
        "../../../../schema/project.schema.json",
        {
            "项目名称": "绩效目标很长的测试项目",
            **common,
            "项目金额": 10,
            "本年度绩效目标": [SENTENCE * 6 for _ in range(6)],
            "绩效指标": _indicators(12, 2021, note=False, cost=("项目支出成本", 10)),
            "序号": 2,
        },
    )
    hebei = root / "测试市长表县"
    _dump(
        hebei / "地区.yaml",
        "../../schema/region.schema.json",
        {"名称": "测试市长表县", "行政区划代码": "130299", "版式": "河北", "指标体系": 2015, "金额单位": "万元"},
    )
    county = hebei / "2025" / "长表测试局"
    _dump(
        county / "单位.yaml",
        "../../../../schema/unit.schema.json",
        {
            "单位名称": "测试市长表县长表测试局",
            "单位编码": "999001",
            "部门整体绩效目标": {
                "总体绩效目标": SENTENCE * 8,
                "分项绩效目标": [f"第{i}项分项目标：" + SENTENCE for i in range(1, 16)],
                "工作保障措施": [f"第{i}项保障措施：" + SENTENCE for i in range(1, 16)],
            },
        },
    )
    _dump(
        county / "四十项指标项目.yaml",
        "../../../../schema/project.schema.json",
        {
            "项目名称": "四十项指标测试项目",
            "项目编码": "13029925P000000000001",
            "项目金额": 20,
            "资金来源": {"财政资金": 20},
            "资金用途": "开展四十项指标所列的工作。",
            "资金支出计划": {"3月底": 25, "6月底": 50, "10月底": 75, "12月底": 100},
            "本年度绩效目标": ["完成四十项指标所列的全部工作任务。"],
            "绩效指标": _indicators(40, 2015, note=True, cost=("项目支出成本", 20)),
        },
    )
    return [unit, county]
