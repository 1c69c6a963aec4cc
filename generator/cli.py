"""The ``jixiao`` command. Thin: parse options, call the library, print, choose the exit status."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import __version__
from generator.diagnostics import Report
from generator.reporters import REPORTERS
from generator.tree import UsageError, expand

DEFAULT_DATA = Path("data")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str) -> None:
    click.echo(f"错误：{message}", err=True)
    sys.exit(2)


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    if paths:
        return list(paths)
    if not DEFAULT_DATA.is_dir():
        _fail("当前文件夹下没有 data/。请在数据仓库的根目录运行，或写明要检查的文件或文件夹")
    return [DEFAULT_DATA]


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="jixiao %(version)s")
def cli() -> None:
    """jixiao（绩效）：把预算绩效目标表作为数据管理。

    数据放在 data/<地区>/<年度>/<单位>/ 下，每张表一个 YAML 文件。
    常用命令：jixiao check（检查）、jixiao fmt（整理格式）、jixiao new（新建表格）。
    各命令的用法：jixiao 命令 --help。
    """


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True,
              help="输出格式：text 供人阅读，json 供程序处理，github 在 GitHub 拉取请求中标注。")
@click.option("--strict", is_flag=True, help="有警告也算不通过（退出码 1）。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="并行进程数，默认等于 CPU 核数。")
def check(paths: tuple[Path, ...], fmt: str, strict: bool, jobs: int | None) -> None:
    """检查数据：结构（JSON Schema）和业务规则，逐条报告文件:行:列。

    不写 PATHS 时检查 data/ 下的全部文件。写了某个项目文件时，也会一并读取它所属的
    地区、单位和同单位的其他项目，以核对合计等跨表规则。

    退出码：0 通过；1 有错误（加 --strict 时警告也算）；2 用法错误或文件无法读取。

    \b
    示例：
      jixiao check
      jixiao check data/株洲市渌口区/2026/区委组织部
      jixiao check --format json data/ > 检查结果.json
    """
    from generator.check import check as run_check

    try:
        report = run_check(_paths(paths), jobs=jobs)
    except UsageError as exc:
        _fail(str(exc))
    _emit(report, fmt)
    sys.exit(report.exit_code(strict))


def _emit(report: Report, fmt: str) -> None:
    REPORTERS[fmt](report, sys.stdout)


@cli.command(name="fmt", context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="只检查、不修改：有文件需要整理时退出码为 1。")
def fmt_command(paths: tuple[Path, ...], check_only: bool) -> None:
    """整理 YAML 格式：统一缩进和引号，把 >= 改为 ≥、“满意度”改为“满意度指标”等，保留注释和字段顺序。

    只改写法，不改内容；无法读取的文件原样保留并报告原因。

    \b
    示例：
      jixiao fmt
      jixiao fmt --check data/株洲市渌口区
    """
    from generator.fmt import format_file

    try:
        files = expand(_paths(paths))
    except UsageError as exc:
        _fail(str(exc))
    report = Report(files_checked=len(files))
    changed = 0
    for path in files:
        result = format_file(path, check_only)
        if result.problem is not None:
            report.diagnostics.append(result.problem)
        elif result.changed:
            changed += 1
            verb = "需要整理" if check_only else "已整理"
            click.echo(f"{verb}：{result.path}")
    if report.diagnostics:
        REPORTERS["text"](report, sys.stdout)
    click.echo(f"共 {len(files)} 个文件，{'需要整理' if check_only else '已整理'} {changed} 个。")
    status = report.exit_code()
    if check_only and changed:
        status = max(status, 1)
    sys.exit(status)


@cli.group(context_settings=CONTEXT)
def new() -> None:
    """新建地区、单位或项目文件（已存在的文件不会被覆盖）。

    \b
    示例：
      jixiao new region data/某某区 --name 某某市某某区 --layout 湖南 --framework 2021
      jixiao new unit data/某某区/2026/区财政局 --name 某某市某某区财政局
      jixiao new project data/某某区/2026/区财政局 "预算绩效管理工作经费" --amount 12
    """


def _created(path: Path) -> None:
    click.echo(f"已创建：{path}")
    click.echo("请填写空白处，然后运行 jixiao check 检查。")


@new.command(name="region", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="地区全称，如 株洲市渌口区。")
@click.option("--layout", required=True, help="官方表格版式，如 湖南、河北。")
@click.option("--framework", type=click.Choice(["2015", "2021"]), default="2021", show_default=True,
              help="指标体系：2021（成本指标为一级指标）或 2015。")
@click.option("--code", default=None, help="6 位行政区划代码。")
def new_region(folder: Path, name: str, layout: str, framework: str, code: str | None) -> None:
    """新建地区文件 地区.yaml。

    \b
    示例：
      jixiao new region data/某某区 --name 某某市某某区 --layout 湖南 --code 430000
    """
    from generator.scaffold import new_region as create

    try:
        _created(create(folder, name, layout, int(framework), code))
    except UsageError as exc:
        _fail(str(exc))


@new.command(name="unit", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="单位全称，即各表的填报单位。")
def new_unit(folder: Path, name: str) -> None:
    """新建单位文件 单位.yaml（FOLDER 为 data/<地区>/<年度>/<单位>）。

    \b
    示例：
      jixiao new unit data/某某区/2026/区财政局 --name 某某市某某区财政局
    """
    from generator.scaffold import new_unit as create

    try:
        _created(create(folder, name))
    except UsageError as exc:
        _fail(str(exc))


@new.command(name="project", context_settings=CONTEXT)
@click.argument("unit_folder", type=click.Path(path_type=Path))
@click.argument("name")
@click.option("--amount", type=float, default=None, help="项目金额（万元）。")
def new_project(unit_folder: Path, name: str, amount: float | None) -> None:
    """在单位文件夹中新建一个项目支出绩效目标表，按地区的指标体系列出指标行。

    \b
    示例：
      jixiao new project data/某某区/2026/区财政局 "预算绩效管理工作经费" --amount 12
    """
    from generator.scaffold import new_project as create

    try:
        _created(create(unit_folder, name, amount))
    except UsageError as exc:
        _fail(str(exc))


def main() -> None:
    cli(prog_name="jixiao")
