"""Domain rules: one failing and one passing YAML snippet per code, and a run over data/.

Every case runs all rules (project and unit) and compares the findings of its one code, written
as "file:line field" like the text reporter shows them.
"""


# table; wrapping the rows would hide which line a finding points at.

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from generator.check.rules import Scope, run_project_rules, run_unit_rules
from generator.data import schemas
from generator.data.load import Document, load, parse
from generator.data.model import Project, Region, Unit
from generator.diagnostics import Diagnostic
from generator.diagnostics.catalogue import CATALOGUE

DATA = Path(__file__).resolve().parent.parent / "data"
RULE_FAMILIES = "FVMTXHD"

REGIONS = {
    "湖南": '名称: 测试区\n行政区划代码: "430212"\n版式: 湖南\n指标体系: 2021\n金额单位: 万元\n',
    "河北": '名称: 测试区\n行政区划代码: "130202"\n版式: 河北\n指标体系: 2015\n金额单位: 万元\n',
    "其他": "名称: 测试区\n版式: 其他\n指标体系: 2021\n金额单位: 万元\n",
}
UNIT = "单位名称: 测试单位\n"


def _doc(text: str, path: str) -> Document:
    doc = parse(dedent(text).lstrip("\n"), Path(path))
    assert isinstance(doc, Document), doc
    return doc


def check(projects: tuple[str, ...], unit: str = UNIT, layout: str = "其他",
          year: int = 2026) -> list[Diagnostic]:
    """Run every rule over one unit with the given project files (p1.yaml, p2.yaml, …)."""
    region = Region.from_doc(_doc(REGIONS[layout], "x/地区.yaml"))
    owner = Unit.from_doc(_doc(unit, f"x/{year}/u/单位.yaml"), year, region)
    owner.projects = [Project.from_doc(_doc(text, f"x/{year}/u/p{i}.yaml"))
                      for i, text in enumerate(projects, start=1)]
    scope = Scope(region, year, owner)
    found = [d for project in owner.projects for d in run_project_rules(project, scope)]
    return found + run_unit_rules(owner)


def where(diagnostics: list[Diagnostic], code: str) -> list[str]:
    return [f"{Path(d.path).name}:{d.line} {d.field}" for d in diagnostics if d.code == code]


def messages(diagnostics: list[Diagnostic], code: str) -> list[str]:
    return [d.message for d in diagnostics if d.code == code]


@dataclass(frozen=True)
class Case:
    code: str
    expected: list[str]  # "file:line field" of each finding with this code; [] for a passing case
    projects: tuple[str, ...] = ()
    unit: str = UNIT
    layout: str = "其他"
    year: int = 2026


HEAD = "项目名称: 测试项目\n项目金额: 10\n绩效指标:\n"  # the first indicator row is on line 4


def table(rows: str) -> str:
    """A project of HEAD and the given indicator rows (flow style, one row a line)."""
    return HEAD + rows.lstrip("\n")


def header(fields: str) -> str:
    """A project of 项目名称, 项目金额 (lines 1–2) and the given fields."""
    return "项目名称: 测试项目\n项目金额: 10\n" + fields.lstrip("\n")

CASES = [
    # --- F: framework ---------------------------------------------------------------------------
    Case("F001", ["p1.yaml:4 绩效指标[1].二级指标"],
         projects=(HEAD + "  - {一级指标: 产出指标, 二级指标: 成本指标}\n",)),
    Case("F001", [], projects=(HEAD + "  - {一级指标: 成本指标, 二级指标: 经济成本指标}\n",)),
    Case("F001", ["单位.yaml:5 部门整体支出绩效目标表.绩效指标[1].二级指标"], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标:
            - 一级指标: 满意度指标
              二级指标: 社会效益指标
        """),
    Case("F002", ["p1.yaml:4 绩效指标[1].一级指标"], layout="河北",
         projects=(HEAD + "  - {一级指标: 成本指标, 二级指标: 经济成本指标}\n",)),
    Case("F002", [], layout="河北", projects=(HEAD + "  - {一级指标: 产出指标, 二级指标: 成本指标}\n",)),
    Case("F003", ["p1.yaml:4 绩效指标[1].二级指标"], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 可持续影响指标, 三级指标: 长效机制, 指标值类型: 定性, 指标值: 基本建立}
"""),)),
    Case("F003", [], projects=(table("  - {一级指标: 效益指标, 二级指标: 可持续影响指标}\n"),)),
    Case("F003", [], layout="河北",
         projects=(HEAD + "  - {一级指标: 效益指标, 二级指标: 可持续影响指标}\n",)),
    Case("F004", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升}
"""),)),
    Case("F004", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    Case("F005", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    Case("F005", [], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升}
"""),)),
    Case("F006", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升}
"""),)),
    Case("F006", [], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90,
     度量单位: "%"}
"""),)),
    Case("F007", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标}
  - {一级指标: 成本指标, 二级指标: 社会成本指标, 三级指标: 占地, 指标值类型: ≤, 指标值: 1, 度量单位: 亩}
"""),)),
    Case("F007", [], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 10, 度量单位: 万}
"""),)),
    Case("F007", [], layout="河北", projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升}
"""),)),
    Case("F008", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    Case("F008", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 考核合格率, 指标值类型: ≥, 指标值: 90, 度量单位: "%"}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2026年6月底前}
"""),)),
    Case("F009", ["p1.yaml:1 项目类别"], layout="湖南", projects=("实施期: 2026年\n" + HEAD,)),
    Case("F009", ["p1.yaml:1 项目编码", "p1.yaml:1 资金支出计划"], layout="河北", projects=(HEAD,)),
    Case("F009", [], layout="湖南", projects=("项目类别: 特定目标类\n实施期: 2026年\n" + HEAD,)),
    Case("F009", [], layout="其他", projects=(HEAD,)),
    Case("F010", ["p1.yaml:2 项目金额"], projects=("项目名称: 测试项目\n项目金额: null\n绩效指标: []\n",)),
    Case("F010", ["p1.yaml:2 项目金额"], projects=("项目名称: 测试项目\n项目金额: 0\n绩效指标: []\n",)),
    Case("F010", [], projects=(HEAD,)),
    Case("F011", ["p1.yaml:4 绩效指标[1].三级指标", "p1.yaml:5 绩效指标[2].三级指标"], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 社会效益, 指标值类型: 定性, 指标值: 提升}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 测试项目, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("F011", [], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 群众办事便利度, 指标值类型: 定性, 指标值: 提升}
"""),)),
    Case("F012", ["p1.yaml:3 绩效指标"], projects=(HEAD + "  - {一级指标: 产出指标, 二级指标: 数量指标}\n",)),
    Case("F012", ["单位.yaml:3 部门整体支出绩效目标表.绩效指标"], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
        """),
    Case("F012", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    # --- V: values ------------------------------------------------------------------------------
    Case("V001", ["p1.yaml:4 绩效指标[1].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: "≥", 度量单位: 人}
"""),)),
    Case("V001", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: "50", 度量单位: 人}
"""),)),
    Case("V002", ["p1.yaml:4 绩效指标[1].度量单位", "p1.yaml:5 绩效指标[2].度量单位"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训场次, 指标值类型: ≥, 指标值: 5, 度量单位: 无}
"""),)),
    Case("V002", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 培训质量, 指标值类型: 定性, 指标值: 良好, 度量单位: 无}
"""),)),
    Case("V003", ["p1.yaml:4 绩效指标[1].度量单位"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 人, 度量单位: "50"}
"""),)),
    Case("V003", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    Case("V004", ["p1.yaml:4 绩效指标[1].指标值", "p1.yaml:5 绩效指标[2].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 培训质量, 指标值类型: 定性, 指标值: 90}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 服务质量, 指标值类型: 定性, 指标值: ""}
"""),)),
    Case("V004", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 培训质量, 指标值类型: 定性, 指标值: 明显提升}
"""),)),
    Case("V005", ["p1.yaml:4 绩效指标[1].指标值"], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平提升, 指标值类型: 定性, 指标值: 服务水平提升}
"""),)),
    Case("V005", [], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 明显提升}
"""),)),
    Case("V016", ["p1.yaml:4 绩效指标[1].指标值", "p1.yaml:5 绩效指标[2].指标值", "p1.yaml:6 绩效指标[3].指标值",
                  "p1.yaml:7 绩效指标[4].指标值"], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: 定性, 指标值: ≥90%}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 验收合格率, 指标值类型: 定性, 指标值: 不低于 95 ％}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: 定性, 指标值: 10万元}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: 定性, 指标值: '>=50'}
"""),)),
    Case("V016", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2026年}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 发放时间, 指标值类型: 定性, 指标值: 每月30日前发放到位}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 群众获得感, 指标值类型: 定性, 指标值: 满意度较上年提高5%以上}
"""),)),
    Case("V006", ["p1.yaml:4 绩效指标[1].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 考核合格率, 指标值类型: ≥, 指标值: 120, 度量单位: 百分比}
"""),)),
    Case("V006", [], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 经济效益指标, 三级指标: 税收增长率, 指标值类型: ≥, 指标值: 120, 度量单位: "%"}
"""),)),
    Case("V007", ["p1.yaml:4 绩效指标[1].指标值类型", "p1.yaml:5 绩效指标[2].指标值类型"], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≤, 指标值: 98, 度量单位: "%"}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 学员评价, 指标值类型: "=", 指标值: 99, 度量单位: "%"}
"""),)),
    Case("V007", [], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90, 度量单位: "%"}
"""),)),
    Case("V008", ["p1.yaml:4 绩效指标[1].指标值", "p1.yaml:5 绩效指标[2].指标值"], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 80, 度量单位: "%"}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 学员满意度, 指标值类型: ≥, 指标值: 100, 度量单位: "%"}
"""),)),
    Case("V008", [], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 85, 度量单位: "%"}
"""),)),
    Case("V009", ["p1.yaml:4 绩效指标[1].一级指标"], projects=(table("""
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90, 度量单位: "%"}
"""),)),
    Case("V009", [], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90, 度量单位: "%"}
"""),)),
    Case("V010", ["p1.yaml:4 绩效指标[1].指标值类型"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 资金使用合规率, 指标值类型: ≤, 指标值: 100, 度量单位: "%"}
"""),)),
    Case("V010", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 资金使用合规率, 指标值类型: "=", 指标值: 100, 度量单位: "%"}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 差错率, 指标值类型: ≤, 指标值: 2, 度量单位: "%"}
"""),)),
    Case("V011", ["p1.yaml:4 绩效指标[1].度量单位", "p1.yaml:5 绩效指标[2].度量单位"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 10, 度量单位: 万}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 考核合格率, 指标值类型: ≥, 指标值: 90, 度量单位: ％}
"""),)),
    Case("V011", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 考核合格率, 指标值类型: ≥, 指标值: 90, 度量单位: 百分比}
"""),)),
    Case("V012", ["p1.yaml:4 绩效指标[1].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 信息采纳数, 指标值类型: ≥, 指标值: 0.5, 度量单位: 条}
"""),)),
    Case("V012", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 信息采纳数, 指标值类型: ≥, 指标值: 5.0, 度量单位: 条}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 工作时长, 指标值类型: ≥, 指标值: 1.5, 度量单位: 小时}
"""),)),
    Case("V013", ["p1.yaml:4 绩效指标[1].度量单位", "p1.yaml:5 绩效指标[2].度量单位"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 村干部人数, 指标值类型: "=", 指标值: 785, 度量单位: 个}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 志愿服务人次, 指标值类型: ≥, 指标值: 5000, 度量单位: 人}
"""),)),
    Case("V013", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 村干部人数, 指标值类型: "=", 指标值: 785, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 志愿服务人次, 指标值类型: ≥, 指标值: 5000, 度量单位: 人次}
"""),)),
    Case("V014", ["p1.yaml:5 绩效指标[1].确定依据"], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90,
     度量单位: "%", 确定依据: 问卷调查}
"""),)),
    Case("V014", [], projects=(table("""
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90,
     度量单位: "%", 确定依据: 历史标准}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 学员满意度, 指标值类型: ≥, 指标值: 90,
     度量单位: "%", 确定依据: ""}
"""),)),
    Case("V015", ["p1.yaml:3 绩效指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人, 权重: 50}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升, 权重: 30}
"""),)),
    Case("V015", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人, 权重: 60}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 服务水平, 指标值类型: 定性, 指标值: 提升, 权重: 30}
"""),)),
    # --- M: money -------------------------------------------------------------------------------
    Case("M001", ["p1.yaml:4 绩效指标[1].指标值类型"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≥, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("M001", [], layout="河北", projects=(table("""
  - {一级指标: 产出指标, 二级指标: 成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("M002", ["p1.yaml:2 项目金额"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 8, 度量单位: 万元}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 资料费, 指标值类型: ≤, 指标值: 30000, 度量单位: 元}
"""),)),
    Case("M002", [], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 8, 度量单位: 万元}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 资料费, 指标值类型: ≤, 指标值: 20000, 度量单位: 元}
"""),)),
    Case("M003", ["p1.yaml:2 项目金额"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 8, 度量单位: 万元}
"""),)),
    Case("M003", [], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 项目总成本, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("M004", ["p1.yaml:4 绩效指标[1].一级指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 补贴支出数, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("M004", [], layout="河北", projects=(table("""
  - {一级指标: 产出指标, 二级指标: 成本指标, 三级指标: 补贴支出数, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    Case("M005", ["p1.yaml:3 资金来源"], projects=("""
        项目名称: 测试项目
        项目金额: 10
        资金来源:
          财政资金: 8
        绩效指标: []
        """,)),
    Case("M005", [], projects=("""
        项目名称: 测试项目
        项目金额: 10
        资金来源: {财政资金: 8, 其他资金: 2}
        绩效指标: []
        """,)),
    Case("M006", ["p1.yaml:4 绩效指标[1].度量单位"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 起草文稿, 指标值类型: ≥, 指标值: 3, 度量单位: 万字}
"""),)),
    Case("M006", [], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
"""),)),
    # --- T: time --------------------------------------------------------------------------------
    Case("T001", ["p1.yaml:1 实施期", "p1.yaml:5 绩效指标[1].指标值"], projects=("实施期: 2025.01-2025.12\n" + table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2025年6月底前}
"""),)),
    Case("T001", [], projects=("实施期: 2025.07-2026.06\n" + table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2025年12月底前}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 整理档案2000本, 指标值类型: 定性, 指标值: 按渌组通〔2024〕3号完成}
"""),)),
    Case("T002", ["p1.yaml:4 绩效指标[1].指标值", "p1.yaml:5 绩效指标[2].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 资金使用期限, 指标值类型: ≤, 指标值: 1, 度量单位: 年}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 及时性, 指标值类型: 定性, 指标值: 年底前完成}
"""),)),
    Case("T002", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2026年6月30日前}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 发放及时率, 指标值类型: "=", 指标值: 100, 度量单位: "%"}
"""),)),
    Case("T003", ["p1.yaml:4 绩效指标[1].指标值", "p1.yaml:5 绩效指标[2].指标值"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: "=", 指标值: 46203, 度量单位: 日期}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 验收时间, 指标值类型: 定性, 指标值: 46203前完成}
"""),)),
    Case("T003", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2026年6月30日前}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 服务人次, 指标值类型: ≥, 指标值: 46203, 度量单位: 人次}
"""),)),
    Case("T004", ["p1.yaml:5 资金支出计划.6月底", "p1.yaml:6 资金支出计划.12月底"], projects=("""
        项目名称: 测试项目
        项目金额: 10
        资金支出计划:
          3月底: 25
          6月底: 20
          12月底: 90
        绩效指标: []
        """,)),
    Case("T004", ["p1.yaml:5 资金支出计划.3月底"], projects=("""
        项目名称: 测试项目
        项目金额: 10
        资金支出计划:
          6月底: 50
          3月底: 25
          12月底: 100
        绩效指标: []
        """,)),
    Case("T004", [], projects=("""
        项目名称: 测试项目
        项目金额: 10
        资金支出计划: {3月底: 25, 6月底: 50, 10月底: 75, 12月底: 100}
        绩效指标: []
        """,)),
    # --- X: cross-table -------------------------------------------------------------------------
    Case("X001", ["单位.yaml:6 部门整体支出绩效目标表.预算情况.按收入性质分"], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 100
            按收入性质分: {一般公共预算: 90, 其他资金: 5.5}
        """),
    Case("X001", [], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 100
            按收入性质分: {一般公共预算: 94.5, 其他资金: 5.5}
        """),
    Case("X002", ["单位.yaml:6 部门整体支出绩效目标表.预算情况.按支出性质分"], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 100
            按支出性质分: {基本支出: 60, 项目支出: 30}
        """),
    Case("X002", [], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 100
            按支出性质分: {基本支出: 70, 项目支出: 30}
        """),
    Case("X003", ["单位.yaml:6 部门整体支出绩效目标表.预算情况.按支出性质分.项目支出"],
         projects=(HEAD, HEAD.replace("测试项目", "另一项目")), unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 30
            按支出性质分: {基本支出: 0, 项目支出: 30}
        """),
    Case("X003", [], projects=(HEAD, HEAD.replace("测试项目", "另一项目")), unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 20
            按支出性质分: {项目支出: 20}
        """),
    Case("X003", [], projects=(HEAD, HEAD.replace("项目金额: 10", "项目金额: null")), unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标: []
          预算情况:
            资金总额: 30
            按支出性质分: {项目支出: 30}
        """),
    Case("X004", ["单位.yaml:8 部门整体支出绩效目标表.预算情况.资金总额"], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标:
            - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 人员经费支出, 指标值类型: ≤, 指标值: 60, 度量单位: 万元}
            - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 公用经费支出, 指标值类型: ≤, 指标值: 30, 度量单位: 万元}
            - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 召开会议次数, 指标值类型: ≥, 指标值: 3, 度量单位: 次}
          预算情况:
            资金总额: 100
        """),
    Case("X004", [], unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          绩效指标:
            - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 人员经费支出, 指标值类型: ≤, 指标值: 70, 度量单位: 万元}
            - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 公用经费支出, 指标值类型: ≤, 指标值: 30, 度量单位: 万元}
          预算情况:
            资金总额: 100
        """),
    Case("X005", ["p1.yaml:1 填报单位", "单位.yaml:3 部门整体支出绩效目标表.填报单位"],
         projects=("填报单位: 测试单元\n" + HEAD,), unit="""
        单位名称: 测试单位
        部门整体支出绩效目标表:
          填报单位: 另一个机关
          绩效指标: []
        """),
    Case("X005", [], projects=("填报单位: 测试单位\n" + HEAD,)),
    Case("X006", ["p1.yaml:1 项目编码"], layout="河北", year=2025,
         projects=("项目编码: 13020224X0089121000\n" + HEAD,)),
    Case("X006", [], layout="河北", year=2025, projects=("项目编码: 13020225P00891210002Q\n" + HEAD,)),
    # --- H: text hygiene ------------------------------------------------------------------------
    Case("H001", ["p1.yaml:3 本年度绩效目标"], projects=(header("""
本年度绩效目标: <p>保障单位正常运转</p>
绩效指标: []
"""),)),
    Case("H001", [], projects=(header("""
本年度绩效目标: 满意度<90%时整改
绩效指标: []
"""),)),
    Case("H002", ["p1.yaml:4 本年度绩效目标[1]"], projects=(header("""
本年度绩效目标:
  - "[bookmark: _Toc123]保障单位正常运转"
绩效指标: []
"""),)),
    Case("H002", [], projects=(header("""
本年度绩效目标: "[一] 保障单位正常运转"
绩效指标: []
"""),)),
    Case("H003", ["p1.yaml:4 绩效指标[1].二级指标"], projects=(table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指 标}
"""),)),
    Case("H003", [], projects=(header("""
本年度绩效目标: 推广 Word 文档模板，完成 3 次培训。
绩效指标: []
"""),)),
    Case("H004", ["p1.yaml:3 本年度绩效目标"], projects=(header("""
本年度绩效目标: "保障单位\\u200b正常运转"
绩效指标: []
"""),)),
    Case("H004", [], projects=(header("""
本年度绩效目标: "保障单位正常运转。\\n完成各项任务。"
绩效指标: []
"""),)),
    Case("H005", ["p1.yaml:3 本年度绩效目标", "单位.yaml:1 单位名称"], unit='单位名称: "测试单位 "\n',
         projects=(header("""
本年度绩效目标: " 保障单位正常运转"
绩效指标: []
"""),)),
    Case("H005", [], projects=(header("""
本年度绩效目标: |
  保障单位正常运转。
绩效指标: []
"""),)),
    # --- D: duplicates --------------------------------------------------------------------------
    Case("D001", ["p1.yaml:6 绩效指标[3].三级指标"], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 数量指标}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 培训 人数, 指标值类型: ≥, 指标值: 40, 度量单位: 人}
"""),)),
    Case("D001", [], projects=(table("""
  - {一级指标: 产出指标, 二级指标: 数量指标}
  - {一级指标: 产出指标, 二级指标: 数量指标}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
"""),)),
    Case("D002", ["p2.yaml:1 项目名称"], projects=(HEAD, HEAD)),
    Case("D002", [], projects=(HEAD, HEAD.replace("测试项目", "另一项目"))),
    Case("D003", ["p2.yaml:1 项目编码"], projects=(
        "项目编码: 13020225P00891210002Q\n" + HEAD,
        "项目编码: 13020225P00891210002Q\n" + HEAD.replace("测试项目", "另一项目"),
    )),
    Case("D003", [], projects=(
        "项目编码: 13020225P00891210002Q\n" + HEAD,
        "项目编码: 13020225P00891210003Q\n" + HEAD.replace("测试项目", "另一项目"),
    )),
]


@pytest.mark.parametrize("case", CASES, ids=[
    f"{case.code}-{'fails' if case.expected else 'passes'}-{n}" for n, case in enumerate(CASES)])
def test_rule(case: Case) -> None:
    found = check(case.projects, case.unit, case.layout, case.year)
    assert where(found, case.code) == case.expected


def test_every_rule_code_has_a_failing_and_a_passing_case() -> None:
    rule_codes = {code for code in CATALOGUE if code[0] in RULE_FAMILIES}
    failing = {case.code for case in CASES if case.expected}
    passing = {case.code for case in CASES if not case.expected}
    assert rule_codes - failing == set()
    assert rule_codes - passing == set()


# --- messages: the parameters that make a finding readable --------------------------------------

def test_messages_name_what_is_missing_or_wrong() -> None:
    found = check((table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 参训人次, 指标值类型: ≥, 指标值: 5, 度量单位: 人}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 满意度, 指标值类型: ≥, 指标值: 100, 度量单位: "%"}
"""),), layout="湖南")
    assert messages(found, "F008") == ["产出指标缺少质量指标、时效指标"]
    assert messages(found, "F007") == ["没有以金额（万元）表示的经济成本指标"]
    assert messages(found, "V013") == ["指标“参训人次”是人次，度量单位却是“人”"]
    assert messages(found, "V008") == ["满意度指标“满意度”的目标值 100% 难以达到"]


def test_direction_controls_in_any_text_are_invisible_characters() -> None:
    """U+202E and the other direction controls reorder what a reader sees: "甲\u202e乙丙" shows as "甲丙乙"."""
    for char in "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
        found = check((table(f"""
  - {{一级指标: 产出指标, 二级指标: 数量指标, 三级指标: "培训{char}人数", 指标值类型: 定性, 指标值: 完成}}
"""),), unit=f'单位名称: "测试{char}单位"\n')
        assert where(found, "H004") == ["p1.yaml:4 绩效指标[1].三级指标", "单位.yaml:1 单位名称"], hex(ord(char))
        assert messages(found, "H004") == [f"文字中有不可见字符 U+{ord(char):04X}"] * 2


def test_budget_problems_are_named() -> None:
    empty = check(("项目名称: 测试项目\n项目金额: null\n绩效指标: []\n",))
    zero = check(("项目名称: 测试项目\n项目金额: 0\n绩效指标: []\n",))
    assert messages(empty, "F010") == ["项目金额未填"]
    assert messages(zero, "F010") == ["项目金额为 0"]


def test_swapped_columns_are_explained() -> None:
    found = check((table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 人, 度量单位: "≥"}
"""),))
    assert messages(found, "V001") == ["指标值类型为“≥”，但指标值“人”不是数字（像是度量单位，可能几列错位了）"]
    assert messages(found, "V003") == ["度量单位“≥”不是单位（是比较符号，可能几列错位了）"]


def test_money_is_compared_in_the_region_unit() -> None:
    found = check((table("""
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 培训费, 指标值类型: ≤, 指标值: 8, 度量单位: 万元}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 资料费, 指标值类型: ≤, 指标值: 30000, 度量单位: 元}
"""),))
    assert messages(found, "M002") == ["经济成本指标合计 11 万元，超过项目金额 10 万元"]


def test_years_name_where_they_were_found() -> None:
    found = check(("实施期: 2026年\n" + table("""
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 资金使用时限, 指标值类型: 定性, 指标值: 2027年}
"""),))
    assert messages(found, "T001") == ["指标“资金使用时限”的指标值写的是 2027 年，预算年度是 2026 年"]


def test_spending_plan_problems_are_named() -> None:
    found = check(("项目名称: 测试项目\n项目金额: 10\n资金支出计划: {3月底: 25, 6月底: 20, 12月底: 90}\n"
                   "绩效指标: []\n",))
    assert messages(found, "T004") == [
        "资金支出计划在“6月底”是 20，比“3月底”的 25 少（应为累计百分比）",
        "资金支出计划最后一期“12月底”是 90，应为 100",
    ]


def test_printed_unit_name_notes_a_likely_typo() -> None:
    typo = check(("填报单位: 中共株洲市株洲市娄口区委组织部\n" + HEAD,),
                 unit="单位名称: 中共株洲市渌口区委组织部\n")
    other = check(("填报单位: 株洲市财政局\n" + HEAD,), unit="单位名称: 中共株洲市渌口区委组织部\n")
    assert messages(typo, "X005")[0].endswith("不一致（可能是笔误）")
    assert messages(other, "X005")[0].endswith("不一致")


def test_project_code_problems_are_listed() -> None:
    found = check(("项目编码: 13020224X0089121000\n" + HEAD,), layout="河北", year=2025)
    assert messages(found, "X006") == [
        "项目编码“13020224X0089121000”：有 19 位，应为 21 位；第 7–8 位应为年份 25；第 9 位应为 P"
    ]


def test_duplicates_name_the_first_occurrence() -> None:
    found = check((table("""
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 50, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 培训人数, 指标值类型: ≥, 指标值: 40, 度量单位: 人}
"""), HEAD))
    assert messages(found, "D001") == ["三级指标“培训人数”重复（另见第 1 条指标）"]
    assert messages(found, "D002") == ["项目名称“测试项目”与 p1.yaml 重复"]


# --- clean tables: no finding at all --------------------------------------------------------------

HUNAN_PROJECT = """
项目名称: 志愿服务活动专项
项目类别: 特定目标类
项目金额: 10
实施期: 2026.01-2026.12
本年度绩效目标: 组织指导志愿者开展服务活动。
绩效指标:
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 志愿者人数, 指标值类型: ≥, 指标值: 500, 度量单位: 人}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 活动完成率, 指标值类型: "=", 指标值: 100, 度量单位: 百分比}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 完成时间, 指标值类型: 定性, 指标值: 2026年11月底前}
  - {一级指标: 效益指标, 二级指标: 经济效益指标}
  - {一级指标: 效益指标, 二级指标: 社会效益指标, 三级指标: 社会公众参与度, 指标值类型: 定性, 指标值: 明显提升}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90, 度量单位: "%"}
  - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 年初预算金额, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
  - {一级指标: 成本指标, 二级指标: 社会成本指标}
"""

HUNAN_UNIT = """
单位名称: 测试单位
部门整体支出绩效目标表:
  年度履职目标:
    - 负责全区志愿服务工作。
  预算情况:
    资金总额: 30
    按收入性质分: {一般公共预算: 25, 其他资金: 5}
    按支出性质分: {基本支出: 20, 项目支出: 10}
  绩效指标:
    - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 人员经费支出, 指标值类型: ≤, 指标值: 20, 度量单位: 万元}
    - {一级指标: 成本指标, 二级指标: 经济成本指标, 三级指标: 项目经费支出, 指标值类型: ≤, 指标值: 10, 度量单位: 万元}
    - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 开展活动次数, 指标值类型: ≥, 指标值: 10, 度量单位: 次}
    - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 群众满意度, 指标值类型: ≥, 指标值: 90,
       度量单位: "%"}
"""

HEBEI_PROJECT = """
项目名称: 城市社区工作者薪酬经费
项目编码: 13020225P00912310002A
项目金额: 1262.16
资金来源: {财政资金: 1262.16}
资金支出计划: {3月底: 25, 6月底: 50, 10月底: 75, 12月底: 100}
本年度绩效目标:
  - 按时发放。及时将城市社区工作者薪酬经费市级补助资金发放到位
绩效指标:
  - {一级指标: 产出指标, 二级指标: 数量指标, 三级指标: 补贴对象覆盖率, 指标值类型: "=", 指标值: 100, 度量单位: "%",
     确定依据: 计划标准}
  - {一级指标: 产出指标, 二级指标: 质量指标, 三级指标: 补贴发放准确率, 指标值类型: "=", 指标值: 100, 度量单位: "%"}
  - {一级指标: 产出指标, 二级指标: 成本指标, 三级指标: 市级补贴资金数额, 指标值类型: "=", 指标值: 1262.16, 度量单位: 万元}
  - {一级指标: 产出指标, 二级指标: 时效指标, 三级指标: 补贴完成时间, 指标值类型: 定性, 指标值: 2025年12月底前}
  - {一级指标: 效益指标, 二级指标: 可持续影响指标, 三级指标: 服务群众质量水平, 指标值类型: 定性, 指标值: 显著提高}
  - {一级指标: 满意度指标, 二级指标: 服务对象满意度指标, 三级指标: 社区工作者满意度, 指标值类型: ≥, 指标值: 95,
     度量单位: "%", 确定依据: 历史标准}
"""


def test_clean_hunan_unit_has_no_findings() -> None:
    assert check((HUNAN_PROJECT,), unit=HUNAN_UNIT, layout="湖南") == []


def test_clean_hebei_project_has_no_findings() -> None:
    assert check((HEBEI_PROJECT,), layout="河北", year=2025) == []


# --- the sample data ------------------------------------------------------------------------------

def _valid(path: Path) -> Document | None:
    doc = load(path)
    assert isinstance(doc, Document), doc
    return None if schemas.validate(doc) else doc


def sample_units() -> list[Unit]:
    """The units under data/<地区>/<年度>/<单位>/, with their schema-valid projects."""
    units = []
    for region_file in sorted(DATA.glob("*/地区.yaml")):
        region_doc = _valid(region_file)
        assert region_doc is not None
        region = Region.from_doc(region_doc)
        for unit_file in sorted(region_file.parent.glob("*/*/单位.yaml")):
            unit_doc = _valid(unit_file)
            assert unit_doc is not None
            unit = Unit.from_doc(unit_doc, int(unit_file.parent.parent.name), region)
            for path in sorted(unit_file.parent.glob("*.yaml")):
                doc = _valid(path) if path != unit_file else None
                if doc is not None:
                    unit.projects.append(Project.from_doc(doc))
            units.append(unit)
    return units


def test_rules_run_over_the_sample_data() -> None:
    units = sample_units()
    assert units and all(unit.projects for unit in units)
    found: list[Diagnostic] = []
    for unit in units:
        scope = Scope(unit.region, unit.year, unit)
        for item in unit.projects:
            found += run_project_rules(item, scope)
        found += run_unit_rules(unit)
    assert found
    assert all(d.code in CATALOGUE and "{" not in d.message + d.hint for d in found)
