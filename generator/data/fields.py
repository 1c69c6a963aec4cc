"""Every field of the data files, named once.

The keys of the YAML files are the column names of the official tables, in Chinese (schema/ defines
them, with their titles and descriptions); Python code names them only through the constants here.
tests/test_fields.py checks both ways that these are exactly the schema's properties, so a field
added to the schema is added here, and a name here cannot drift from the schema.

Which keys a table may hold, in the order an editor reads them, comes from the schema itself
(generator.data.schemas.keys): what imports, formats or exports a table asks for it there, and
never keeps a list of its own.
"""

from __future__ import annotations

# --- 地区.yaml ------------------------------------------------------------------------------------------
REGION_NAME = "名称"
REGION_CODE = "行政区划代码"
LAYOUT = "版式"
FRAMEWORK = "指标体系"
MONEY_UNIT = "金额单位"
SATISFACTION_FLOOR = "满意度下限"
PUBLISHER = "发布单位"  # shown at the foot of the public site's pages
CONTACT = "联系方式"

# --- 单位.yaml ------------------------------------------------------------------------------------------
UNIT_NAME = "单位名称"
UNIT_CODE = "单位编码"
FINANCE_OFFICER = "单位财务负责人"
PREPARER = "填表人"
DEPARTMENT_TABLE = "部门整体支出绩效目标表"  # the Hunan-style table of the whole department
DEPARTMENT_NARRATIVE = "部门整体绩效目标"  # the Hebei-style text
DUTIES = "年度履职目标"
TASKS = "年度主要任务"
TASK_NAME = "任务名称"
TASK_CONTENT = "主要内容"
TASK_BUDGET = "预算"
BUDGET = "预算情况"
BUDGET_TOTAL = "资金总额"
BY_SOURCE = "按收入性质分"
BY_USE = "按支出性质分"
GENERAL_BUDGET = "一般公共预算"
FUND_BUDGET = "政府性基金"
SPECIAL_ACCOUNT = "财政专户管理资金"
BASIC_SPENDING = "基本支出"
PROJECT_SPENDING = "项目支出"
OVERALL_GOAL = "总体绩效目标"
ITEMISED_GOALS = "分项绩效目标"
SAFEGUARDS = "工作保障措施"

# --- 项目文件 ------------------------------------------------------------------------------------------
PROJECT_NAME = "项目名称"
PROJECT_CODE = "项目编码"
CATEGORY = "项目类别"
NATURE = "项目性质"
AMOUNT = "项目金额"
FUNDING = "资金来源"
FINANCE_FUNDS = "财政资金"
OTHER_FUNDS = "其他资金"
SUPERIOR_FUNDS = "上级资金"  # a part of 财政资金 ("其中"), never added to the others
USE_OF_FUNDS = "资金用途"
SPENDING_PLAN = "资金支出计划"
PERIOD = "实施期"
GOALS = "本年度绩效目标"
PERIOD_GOALS = "实施期绩效目标"
ORDER = "序号"

# --- 项目文件和单位.yaml 都有 ----------------------------------------------------------------------------
FILLED_BY = "填报单位"
REMARK = "备注"
INDICATORS = "绩效指标"
ACKNOWLEDGED = "已确认问题"
CORRECTIONS = "更正说明"

# --- 一个绩效指标 ----------------------------------------------------------------------------------------
LEVEL1 = "一级指标"
LEVEL2 = "二级指标"
LEVEL3 = "三级指标"
OPERATOR = "指标值类型"
VALUE = "指标值"
MEASURE = "度量单位"
NOTE = "指标说明"
BASIS = "确定依据"
WEIGHT = "权重"
DIRECTION = "指标方向"

# --- 单位.yaml 的“印刷”：本单位公开的文件是怎样印的（render/compose.py）----------------------------------------
PRINTING = "印刷"  # also the name of the same section of a layout.yaml (render/layout.py)
PRINT_VARIANT = "式样"  # a unit's choice among the layout's 式样, which are listed under the same name
BOOKLET_ORDER = "顺序"  # the booklet's order: the same key in a layout's 印刷.汇编
SUMMARY_PUBLISHED = "已公开汇总表"
COVER_DATE = "日期"

# --- 一条已确认问题 --------------------------------------------------------------------------------------
ACK_CODE = "代码"
ACK_WHERE = "位置"
ACK_REASON = "理由"


# --- 各地表格另有的栏目（issue 15：版式文件夹就是地区） ------------------------------------------------------
# 项目文件的表头
SUPERVISOR = "主管部门"
SUPERVISOR_CODE = "主管部门编码"
BUDGET_DEPARTMENT = "预算部门"
IMPLEMENTER = "实施单位"
DESK = "归口科室"  # the finance bureau's office in charge of the project
PROJECT_LEAD = "项目负责人"
PROJECT_CLERK = "项目经办人"
PHONE = "联系电话"
CATEGORY_CODE = "项目类别编码"
BASIS_OF_APPROVAL = "立项依据"
EXECUTION_WEIGHT = "预算执行率权重"
MEDIUM_TERM_FUNDS = "中期资金"  # 资金总额, 财政资金, 其他资金 of the whole 实施期
BREAKDOWN = "预算明细"  # the project budget as rows
BREAKDOWN_ITEM = "支出内容"
BREAKDOWN_AMOUNT = "金额"
BREAKDOWN_BASIS = "测算依据"
ACTUAL_YEAR_BEFORE_LAST = "前年实际执行数"
ACTUAL_LAST_YEAR = "上年实际执行数"
# 单位.yaml
STATED_PROJECT_TOTAL = "项目支出合计"  # the total a form prints for the unit's projects (四川's 部门合计 row)
OVERALL_DEPARTMENT_GOAL = "年度总体目标"
# 一个绩效指标
NATURE_OF_VALUE = "指标性质"  # 定量 / 定性
MEDIUM_TERM_VALUE = "中期指标值"
SCORING = "评分标准"
# 项目文件和单位.yaml 都有：原表不全
INCOMPLETE = "原表不全"
MISSING = "缺少"
INCOMPLETE_NOTE = "说明"

# --- 运行监控和绩效自评（issue 20：同一个文件记下目标、监控和自评） -----------------------------------------------
# 一个绩效指标
MONITORING = "运行监控"  # also the 预算执行's own list of monitored amounts
# 日期 of a monitoring entry is COVER_DATE above (one word, one constant)
MONITOR_VALUE = "完成值"
ACTUAL = "实际完成值"
DEVIATION = "偏差原因"
IMPROVEMENT = "改进措施"  # also in 自评结论
# 项目文件
EXECUTION = "预算执行"
INITIAL_BUDGET = "年初预算数"
FULL_YEAR_BUDGET = "全年预算数"
EXECUTED = "全年执行数"
MONITOR_EXECUTED = "执行数"
CONCLUSION = "自评结论"
ACHIEVEMENT = "完成情况"
STATED_SCORE = "自评得分"
STATED_GRADE = "自评等级"
PROBLEMS = "存在问题"
# 预算执行.资金来源: the self-evaluation's rows under 年度资金总额, each with its 年初预算数, 全年预算数, 全年执行数
# (the key is FUNDING above, one of its sources OTHER_FUNDS)
CURRENT_APPROPRIATION = "当年财政拨款"
CARRIED_OVER = "上年结转资金"
