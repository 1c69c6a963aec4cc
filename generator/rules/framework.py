"""Indicator framework (2015 / 2021) and the content every table must have."""

from __future__ import annotations

from collections.abc import Iterator

from generator.diagnostics import Diagnostic
from generator.model import Indicator, Project
from generator.rules import Scope, project_rule

FRAMEWORKS: dict[int, dict[str, tuple[str, ...]]] = {
    2015: {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
    2021: {
        "成本指标": ("经济成本指标", "社会成本指标", "生态环境成本指标"),
        "产出指标": ("数量指标", "质量指标", "时效指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标",),
    },
}


def check_framework(indicators: list[Indicator], scope: Scope, doc) -> Iterator[Diagnostic]:  # type: ignore[no-untyped-def]
    framework = FRAMEWORKS[scope.region.framework]
    for ind in indicators:
        allowed = framework.get(ind.level1)
        if allowed is None:
            yield doc.diagnostic("F002", ind.field("一级指标"), level1=ind.level1,
                                 framework=scope.region.framework, allowed="、".join(framework))
        elif ind.level2 not in allowed:
            yield doc.diagnostic("F001", ind.field("二级指标"), level1=ind.level1, level2=ind.level2,
                                 framework=scope.region.framework, allowed="、".join(allowed))
        elif scope.region.framework == 2021 and ind.level2 == "可持续影响指标":
            yield doc.diagnostic("F003", ind.field("二级指标"))


@project_rule
def project_framework(project: Project, scope: Scope) -> Iterator[Diagnostic]:
    yield from check_framework(project.indicators, scope, project.doc)
