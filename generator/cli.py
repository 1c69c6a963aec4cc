"""The ``jixiao`` command. Thin: parse options, call the library, print, choose the exit status."""

from __future__ import annotations

import os
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

import click

from generator import __version__, progress
from generator.check import command as check_command
from generator.check.command import DEFAULT_DATA, shell_word
from generator.data import bounds
from generator.data.tree import expand
from generator.diagnostics import Report
from generator.diagnostics.reporters import REPORTERS
from generator.errors import JixiaoError, UsageError, from_os_error, stopped

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _fail(message: str) -> None:
    raise UsageError(message)


class _Commands(click.Group):
    """Every command's failures end here: a JixiaoError, an OSError (a full disk, a read-only folder, a port
    in use) named by its errno, no memory left or Ctrl-C (errors.stopped) is printed as a coded Chinese
    message, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (Exception, KeyboardInterrupt) as exc:
            command = ctx.invoked_subcommand or ""
            error = stopped(exc, command, _DOING.get(command, ""))
            if error is None:  # click's own (a usage error, an exit) and faults of jixiao's, as they were
                raise
            _stop(ctx, error)
        return None


_DOING = {
    "init": "准备数据仓库",
    "export": "导出可编辑的工作簿",
    "build": "生成网站和表格",
    "merge": "合并分片",
    "serve": "生成和预览网站",
    "check": check_command.DOING,
    "fmt": "整理格式",
    "import": "导入",
    "diff": "比较改动",
    "region": "新建地区文件",
    "unit": "新建单位文件",
    "project": "新建项目文件",
}


def _stop(ctx: click.Context, error: JixiaoError) -> None:
    progress.clear()
    click.echo(error.show(), err=True)
    ctx.exit(error.status)


def _paths(paths: tuple[Path, ...]) -> list[Path]:
    return check_command.data_paths(list(paths))


@click.group(cls=_Commands, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="jixiao %(version)s")
def cli() -> None:
    """jixiao（绩效）：把预算绩效目标表作为数据管理。

    数据放在 data/<地区>/<年度>/<单位>/ 下，每张表一个 YAML 文件。
    常用命令：jixiao build（检查并生成网站和官方表格）、jixiao serve（预览网站）、jixiao check（检查）、
    jixiao fmt（整理格式）、jixiao new（新建表格）、jixiao import（导入 Word/Excel 表格）、
    jixiao export（导出到 Excel 或 WPS 中修改）、jixiao diff（审核改动）、jixiao init（新建数据仓库）。
    各命令的用法：jixiao 命令 --help。
    """


def _no_cache(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if value:
        from generator import cache

        cache.disable()


REPORT_FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(REPORTERS)),
    default="text",
    show_default=True,
    help="报告格式：text 供人阅读，json 供程序处理，github 在 GitHub 拉取请求中标注。",
)
NO_CACHE = click.option(
    "--no-cache",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_no_cache,
    help="不使用缓存，全部重新检查和生成。缓存只保存已完成的结果（以文件内容为准，内容变了就重做），"
    "位置为 ~/.cache/jixiao（环境变量 JIXIAO_CACHE_DIR 可改，设为 off 即关闭）。",
)


@cli.command(context_settings=CONTEXT)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@REPORT_FORMAT
@click.option("--strict", is_flag=True, help="有警告也算不通过（退出码 1）。")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数，默认等于 CPU 核数。")
@click.option(
    "--changed",
    "changed",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[BASE]",
    help="只检查自 BASE 以来改动的文件及其所属的整个单位（地区.yaml 改动时为整个地区）；"
    "BASE 默认为与主分支（main 或 master）的分叉点。",
)
@click.option(
    "--hook",
    is_flag=True,
    help="作为提交前检查（pre-commit 钩子）运行：检查 PATHS 和这次提交改动、删除的文件所属的整个单位"
    "（移走或删除了项目的单位也核对合计）；只列出错误，警告在最后一行计数。",
)
@NO_CACHE
def check(paths: tuple[Path, ...], fmt: str, strict: bool, jobs: int | None, changed: str | None, hook: bool) -> None:
    """检查数据：结构（JSON Schema）和业务规则，逐条报告文件:行:列。

    不写 PATHS 时检查 data/ 下的全部文件。写了某个项目文件时，也会一并读取它所属的
    地区、单位和同单位的其他项目，以核对合计等跨表规则。

    退出码：0 通过；1 有错误（加 --strict 时警告也算）；2 用法错误或文件无法读取。

    \b
    示例：
      jixiao check
      jixiao check data/株洲市渌口区/2026/区委组织部
      jixiao check --format json data/ > 检查结果.json
      jixiao check --changed origin/main
      jixiao check --hook        （提交前检查的钩子这样运行，见 .pre-commit-hooks.yaml）
    """
    check_command.check(list(paths), fmt, strict, jobs, changed, hook)


def _emit(report: Report, fmt: str) -> None:
    REPORTERS[fmt](report, sys.stdout)


@cli.command(context_settings=CONTEXT)
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "md", "json", "github"]),
    default="text",
    show_default=True,
    help="输出格式：text 在终端阅读，md 贴到拉取请求的评论中，json 供程序处理（内容与 text 相同），"
    "github 只把这次改动带来的新问题（和数字变了的已确认问题）标注到 GitHub 拉取请求的文件行上。",
)
def diff(base: str | None, head: str | None, fmt: str) -> None:
    """用中文列出两个版本之间数据的改动和影响，供审核。

    列出项目和单位的新增、删除、改名、移动，每个字段的原值和新值，以及对单位合计、汇总表和检查结果的影响。

    BASE、HEAD 是 git 版本（分支、标签或提交号）。不写 BASE：与主分支（main 或 master）的分叉点比较。

    不写 HEAD：与工作区（含未提交的改动）比较。BASE...HEAD：从两者的分叉点到 HEAD。两个参数都是文件夹时，比较两个文件夹。

    \b
    示例：
      jixiao diff
      jixiao diff origin/main...HEAD --format md > 改动.md
      jixiao diff origin/main...HEAD --format json > 改动.json
      jixiao diff 旧数据/ 新数据/
    """
    from generator.review.diff import execute

    execute(base, head, fmt, sys.stdout)


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
    from generator.data.fmt import format_file

    files = expand(_paths(paths))
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


@cli.command(context_settings=CONTEXT)
@click.argument("data", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="输出文件夹：网站写在其中，官方表格在其中的 tables/ 下（每次重新生成，旧的整个替换）。"
    "默认 site；用 --shard K/N 时默认 shard-K。",
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数，默认等于 CPU 核数。")
@click.option("--no-pdf", is_flag=True, help="不生成 PDF 汇编。")
@click.option(
    "--pdf-engine",
    type=click.Choice(["typst", "libreoffice"]),
    default=None,
    help="生成 PDF 汇编的方式：typst（默认，随 jixiao 安装，快，需要电脑上有中文字体）或 libreoffice（把 Word 汇编转换为 PDF，"
    "与 Word 打印的一致，需要安装 LibreOffice）。也可用环境变量 JIXIAO_PDF_ENGINE 设置。",
)
@click.option("--no-tables", is_flag=True, help="只生成网站，不生成官方表格（预览和性能测试用）。")
@click.option(
    "--shard",
    metavar="K/N",
    default=None,
    help="只生成 N 个分片中的第 K 个（K 从 1 数起），供多台机器（CI 的多个任务）分别生成，再用 jixiao merge 合并："
    "仍检查全部数据，只生成分到的单位的页面、表格、公开数据和搜索记录。",
)
@NO_CACHE
def build(
    data: Path | None,
    out: Path | None,
    jobs: int | None,
    no_pdf: bool,
    pdf_engine: str | None,
    no_tables: bool,
    shard: str | None,
) -> None:
    """先检查数据，通过后生成公开网站和全部官方表格。

    网站在 OUT/index.html：首页（各地区、各年度的合计和图表、最近的改动），每个单位和每个项目一页
    （绩效目标、指标表、已确认问题、下载、修订记录），中文搜索，编辑和审核指南；
    公开数据（JSON、CSV、datapackage.json）在 OUT/data/ 下。用 jixiao serve 预览。

    每张表（部门整体、汇总表、每个项目）生成网页（.html，可直接打印为 A4）、Word（.docx）、
    Excel（.xlsx）三种格式，另为每个单位生成一份汇编（单位汇编.docx、.html、.pdf）。
    文件放在 OUT/tables/<地区>/<年度>/<单位>/ 下，与 data/ 的结构相同。不写 DATA 时使用 data/。

    检查有错误时只打印检查报告、不生成任何文件，退出码 1；只有某个地区的版式不存在或有错误时，
    不生成这个地区，其他地区照常生成，退出码也是 1。

    \b
    示例：
      jixiao build
      jixiao build --out 输出 -j 2
      jixiao build data/ --no-pdf
      jixiao build --pdf-engine libreoffice   （PDF 汇编由 LibreOffice 转换 Word 汇编）
      jixiao build --shard 2/8        （生成 8 个分片中的第 2 个，写到 shard-2/）
    """
    from generator.build import build as run_build
    from generator.build import describe
    from generator.render import pdf

    if pdf_engine:
        os.environ[pdf.ENGINE_VARIABLE] = pdf_engine  # read by the worker processes too
    source = _paths((data,) if data else ())[0]
    if shard is not None:
        from generator import shard as shards

        k, n = shards.parse(shard)
        progress.enable()
        result = shards.build_shard(source, out or Path(f"shard-{k}"), k, n, jobs, make_pdf=not no_pdf, tables=not no_tables)
    else:
        progress.enable()  # what is under way, on the terminal only
        result = run_build(source, out or Path("site"), jobs=jobs, make_pdf=not no_pdf, tables=not no_tables)
    progress.clear()
    if not result.written or result.excluded:
        _emit(result.report, "text")
    for line in describe(result):
        click.echo(line)
    sys.exit(result.report.exit_code() if not result.written or result.excluded else 0)


@cli.command(context_settings=CONTEXT)
@click.argument("shard_dirs", metavar="分片文件夹...", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="网站文件夹（与 jixiao build 相同）。",
)
@click.option("--data", type=click.Path(path_type=Path), default=None, help="数据文件夹，默认 data/（生成分片时所用的同一份）。")
@NO_CACHE
def merge(shard_dirs: tuple[Path, ...], out: Path, data: Path | None) -> None:
    """把 jixiao build --shard K/N 生成的全部 N 个分片合并成网站，与一次 jixiao build 生成的网站完全相同。

    在数据仓库的根目录、生成分片的同一个提交上运行（首页的最近改动取自 git）：生成说明页面，放入各分片的
    单位（页面、官方表格、PDF 汇编、公开数据），再写出首页、地区和年度页面、合并的公开数据和搜索索引。

    分片由不同的 jixiao、不同的数据或选项生成，缺少分片、分片重复或分片数不对时，什么也不写（错误 R010）。

    \b
    示例：
      jixiao build --shard 1/3 && jixiao build --shard 2/3 && jixiao build --shard 3/3
      jixiao merge shard-1 shard-2 shard-3
      jixiao merge shards/* -o 网站
    """
    from generator import shard as shards

    source = _paths((data,) if data else ())[0]
    progress.enable()
    pages, units, note = shards.merge(list(shard_dirs), source, out)
    progress.clear()
    if note:
        click.echo(note)
    click.echo(f"已合并 {len(shard_dirs)} 个分片（{units} 个单位）→ 网站 {out}/index.html（{pages} 个页面；预览：jixiao serve）")


@cli.command(context_settings=CONTEXT)
@click.argument("data", required=False, type=click.Path(path_type=Path))
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True, help="网站文件夹（与 jixiao build 相同）。"
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听的地址；默认只有本机可以访问。")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口。")
@click.option("--no-tables", is_flag=True, help="只生成网站，不生成官方表格（重新生成更快）。")
@NO_CACHE
def serve(data: Path | None, out: Path, host: str, port: int, no_tables: bool) -> None:
    """生成网站并在本机预览；数据文件改动后自动重新生成，打开的页面自动刷新。

    与 jixiao build 相同，先检查数据；有错误时打印检查报告，继续显示上一次生成的网站。不生成 PDF。

    \b
    示例：
      jixiao serve
      jixiao serve --port 8080 --no-tables
    """
    from generator import held
    from generator.build import build as run_build
    from generator.build import describe
    from generator.site import reuse
    from generator.site.serve import serve as run_serve

    source = _paths((data,) if data else ())[0]
    reuse.keep_records()  # each build after a save takes the unchanged units' records from memory
    held.keep()  # and parses, composes and renders again only what the save changed

    def rebuild() -> bool:
        """One build; what stops it is told and the preview goes on with the last site."""
        try:
            result = run_build(source, out, make_pdf=False, tables=not no_tables)
        except JixiaoError as exc:
            click.echo(exc.show(), err=True)
            return False
        except OSError as exc:
            click.echo(from_os_error(exc, "生成网站").show(), err=True)
            return False
        if not result.written:
            _emit(result.report, "text")
        for line in describe(result):
            click.echo(line)
        return result.written

    if not rebuild() and not (out / "index.html").is_file():
        sys.exit(1)
    try:
        run_serve(source, out, rebuild, host, port, click.echo)
    except OSError as exc:  # the address is taken (another jixiao serve) or cannot be used
        raise from_os_error(exc, f"在 {host}:{port} 上启动预览") from exc


@cli.command(name="import", context_settings=CONTEXT)
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=DEFAULT_DATA,
    show_default=True,
    help="数据文件夹：导入结果写在 OUT/<地区>/<年度>/<单位>/ 下。",
)
@REPORT_FORMAT
@click.option("--region", default=None, help="地区名称，如 株洲市渌口区（原表没有写、单位名称中也看不出时）。")
@click.option("--code", default=None, help="地区的 6 位行政区划代码（原表没有写时）。")
@click.option("--year", type=click.IntRange(1990, 2100), default=None, help="预算年度（原表没有写时）。")
@click.option("--unit", default=None, help="单位名称（原表的抬头和栏目中都没有写时）。")
@click.option("--force", is_flag=True, help="目标文件已存在且内容不同时也覆盖（默认不覆盖，报告 I050）。")
def import_command(
    sources: tuple[Path, ...],
    out: Path,
    fmt: str,
    region: str | None,
    code: str | None,
    year: int | None,
    unit: str | None,
    force: bool,
) -> None:
    """导入 Word（.docx）、Excel（.xlsx）或从中提取的文字（.txt）中的绩效目标表，写成 YAML。

    按各版式文件夹（jixiao 自带的和数据文件夹 版式/ 中的）声明的表名和栏目认出每一张表：项目表、部门整体表、
    汇总表、一张表多个项目的申报表；栏目名称多一两个字、少一两个字（如 项目支出名称、项目名称）也能认出。
    单位、地区和预算年度取自表头的任何一行（填报单位、实施单位、标题中的年度），也可用 --unit、--region、
    --year 指定。落款（审核意见、签字、日期、盖章）不会当作指标。提取造成的错位、断行、HTML 标签等
    只在能确定原意时修复；每一处修复、每一个疑问、每一格没有导入的内容都会报告，并指明在原文件中的位置。
    写入后对结果运行 jixiao check，一并报告。已存在且内容不同的文件不会被覆盖（除非加 --force）。

    SOURCES 可以是文件或文件夹（导入其中所有 .txt、.docx、.xlsx）。

    \b
    示例：
      jixiao import 2026年部门预算公开.docx
      jixiao import 组织部.xlsx 社工部.txt --out data --code 430212
      jixiao import 项目表.xlsx --region 株洲市渌口区 --year 2026 --force
    """
    from generator.data.load import display_path
    from generator.importers import Options, import_sources

    if code is not None and not re.fullmatch(r"[0-9]{6}", code):
        _fail(f"--code 应为 6 位数字的行政区划代码，而不是“{code}”")
    from generator.importers.roundtrip import import_workbooks, is_editable_workbook
    from generator.importers.run import expand

    files = expand(list(sources))
    editable = [path for path in files if is_editable_workbook(path)]
    others = [path for path in files if path not in editable]
    outcomes, report = [], Report()
    if others:
        result = import_sources(others, Options(out=out, region=region, code=code, year=year, force=force, unit=unit))
        outcomes, report = result.outcomes, result.report
    if editable:  # jixiao export's workbooks go back onto the files they came from, a changed cell at a time
        back = import_workbooks(editable, out, force)
        outcomes += back.outcomes
        report = Report(report.diagnostics + back.report.diagnostics, report.files_checked + back.report.files_checked)
    shown = {"written": "已写入", "unchanged": "未改变", "conflict": "未覆盖（内容不同）", "failed": "写入失败"}
    for outcome in outcomes:
        click.echo(f"{shown[outcome.status]}：{display_path(outcome.path)}", err=fmt != "text")
    _emit(report, fmt)
    sys.exit(report.exit_code())


@cli.command(name="export", context_settings=CONTEXT)
@click.argument("units", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("."),
    show_default=True,
    help="工作簿写在这个文件夹中（不能在数据文件夹 data/ 之内）。",
)
@click.option("--force", is_flag=True, help="覆盖已有的同名工作簿（其中没有导入的修改会丢失）。")
def export_command(units: tuple[Path, ...], out: Path, force: bool) -> None:
    """把单位的项目导出为可以在 Excel 或 WPS 中编辑的工作簿，改好后用 jixiao import 导回。

    每个单位一个工作簿（<单位>（<年度>）.xlsx），每个项目一张工作表：栏目名称锁定，一级、二级指标按地区的指标体系、
    指标值类型和常用的度量单位可以从下拉列表中选择，表末有空行可写新的指标。jixiao import 只把改过的格写回原来的
    项目文件：序号、注释、已确认问题和栏目的顺序都保持原样。导出之后文件又改动过时不导入（I055）。

    \b
    示例：
      jixiao export data/株洲市渌口区/2026/区委组织部
      jixiao import 区委组织部（2026）.xlsx
      jixiao diff
    """
    from generator.importers.roundtrip import export_unit

    for unit in units:
        target = export_unit(unit, out, force)
        click.echo(f"已导出：{target}")
    click.echo("在 Excel 或 WPS 中修改、保存后，运行 jixiao import <工作簿> 导回，再用 jixiao diff 查看改动。")


# A region's layout and indicator framework, asked by `init` and `new region` alike.
LAYOUT_OPTION = click.option(
    "--layout", required=True, help="官方表格版式：版式文件夹的名称，如 通用（见 docs/官方表格版式.md）。"
)
FRAMEWORK_OPTION = click.option(
    "--framework",
    type=click.Choice(["2015", "2021"]),
    default="2021",
    show_default=True,
    help="指标体系：2021（成本指标为一级指标）或 2015。",
)


@cli.command(name="init", context_settings=CONTEXT)
@click.argument("folder", required=False, default=".", type=click.Path(path_type=Path))
@click.option("--region", "region", required=True, help="第一个地区的全称，如 株洲市渌口区（data/ 下以它为文件夹名）。")
@LAYOUT_OPTION
@FRAMEWORK_OPTION
@click.option("--code", default=None, help="地区的 6 位行政区划代码。")
@click.option(
    "--ci",
    type=click.Choice(["github", "gitlab", "none"]),
    default="none",
    show_default=True,
    help="持续集成的模板：github（.github/workflows/jixiao.yml）、gitlab（.gitlab-ci.yml）或不要。",
)
@click.option(
    "--shards",
    type=click.IntRange(min=1, max=256),
    default=1,
    show_default=True,
    help="CI 模板把网站分给几台机器生成（jixiao build --shard、jixiao merge）：大于 1 时写分片的模板"
    "（GitHub 的 matrix、GitLab 的 parallel）。一个省的网站才需要，见 docs/performance.md。",
)
@click.option(
    "--hooks",
    type=click.Choice(["online", "offline"]),
    default="offline",
    show_default=True,
    help="提交前检查：offline 用每台电脑上安装的 jixiao（不需要网络和版本标签）；online 由 pre-commit "
    "从 --jixiao-repo 下载这个版本（标签 v" + __version__ + "）。",
)
@click.option(
    "--jixiao-repo",
    default=None,
    metavar="地址",
    help="你们使用的 jixiao 仓库地址，如 https://github.com/OWNER/jixiao：在线版提交前检查和 CI 从这里安装"
    "这个版本，编辑器从这里读取 schema。",
)
@click.option(
    "--schema-url",
    default=None,
    metavar="网址",
    help="编辑器读取这个版本的 schema 文件的网址（其中有 project.schema.json 等），不写时由 --jixiao-repo 得出。",
)
def init_command(
    folder: Path,
    region: str,
    layout: str,
    framework: str,
    code: str | None,
    ci: str,
    shards: int,
    hooks: str,
    jixiao_repo: str | None,
    schema_url: str | None,
) -> None:
    """把 FOLDER（默认当前文件夹）做成可以使用的数据仓库，各处都固定为这个版本的 jixiao。

    写入（已有的文件不覆盖）：data/<地区>/地区.yaml、.pre-commit-config.yaml（提交前检查）、所选的 CI 模板、
    .gitignore（.venv/、site/ 等不提交）、.vscode/settings.json（编辑器的字段补全，不需要复制 schema/）；
    没有 git 仓库时新建一个（主分支 main），并设置 core.quotepath=false，让 git 直接显示中文文件名。

    \b
    示例：
      jixiao init 绩效目标数据 --region 某某市某某区 --layout 通用 --code 430212
      jixiao init --region 某某市某某区 --layout 通用 --ci github --hooks online \\
                  --jixiao-repo https://github.com/OWNER/jixiao
    """
    from generator.datarepo import Options, init

    if code is not None and not re.fullmatch(r"[0-9]{6}", code):
        _fail(f"--code 应为 6 位数字的行政区划代码，而不是“{code}”")
    outcome = init(Options(folder, region, layout, int(framework), code, ci, hooks, jixiao_repo, schema_url, shards))
    for path in outcome.written:
        click.echo(f"已创建：{path}")
    for path in outcome.kept:
        click.echo(f"已存在，未改动：{path}")
    for note in outcome.notes:
        click.echo(f"说明：{note}")
    where = "" if folder == Path(".") else f"cd {shell_word(str(folder))} && "
    click.echo(
        f"下一步：{where}pre-commit install，用 jixiao new unit 新建单位，然后 git add -A && git commit。详见 docs/数据仓库.md。"
    )


@cli.group(cls=_Commands, context_settings=CONTEXT)
def new() -> None:
    """新建地区、单位或项目文件（已存在的文件不会被覆盖）。

    \b
    示例：
      jixiao new region data/某某区 --name 某某市某某区 --layout 通用 --framework 2021
      jixiao new unit data/某某区/2026/区财政局 --name 某某市某某区财政局
      jixiao new project data/某某区/2026/区财政局 "预算绩效管理工作经费" --amount 12
    """


def _amount(ctx: click.Context, param: click.Parameter, value: str | None) -> Decimal | None:
    """An amount of money as written: an exact decimal, never a float (22.95 must not become 22.949999…)."""
    if value is None:
        return None
    text = value.strip().replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"“{value}”不是金额，请写数字，如 12 或 22.95") from None
    if not bounds.within(amount) or amount < 0:
        raise click.BadParameter(
            f"“{value}”不是合理的金额（应为不小于 0、小于 10¹² 的数，最多 {bounds.MAX_PLACES} 位小数，"
            f"最多 {bounds.MAX_SIGNIFICANT} 位有效数字）"
        )
    return amount


def _created(path: Path) -> None:
    click.echo(f"已创建：{path}")
    click.echo("请填写空白处，然后运行 jixiao check 检查。")


@new.command(name="region", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="地区全称，如 株洲市渌口区。")
@LAYOUT_OPTION
@FRAMEWORK_OPTION
@click.option("--code", default=None, help="6 位行政区划代码。")
def new_region(folder: Path, name: str, layout: str, framework: str, code: str | None) -> None:
    """新建地区文件 地区.yaml。

    \b
    示例：
      jixiao new region data/某某区 --name 某某市某某区 --layout 通用 --code 430000
    """
    from generator.data.scaffold import new_region as create

    _created(create(folder, name, layout, int(framework), code))


@new.command(name="unit", context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--name", required=True, help="单位全称，即各表的填报单位。")
def new_unit(folder: Path, name: str) -> None:
    """新建单位文件 单位.yaml（FOLDER 为 data/<地区>/<年度>/<单位>）。

    \b
    示例：
      jixiao new unit data/某某区/2026/区财政局 --name 某某市某某区财政局
    """
    from generator.data.scaffold import new_unit as create

    _created(create(folder, name))


@new.command(name="project", context_settings=CONTEXT)
@click.argument("unit_folder", type=click.Path(path_type=Path))
@click.argument("name")
@click.option(
    "--amount", default=None, callback=_amount, metavar="金额", help="项目金额（按地区的金额单位，如 12 或 22.95），照写入文件。"
)
@click.option(
    "--xlsx",
    "with_xlsx",
    is_flag=True,
    help="同时在当前文件夹（不在 data/ 之内）生成一份 Excel 填写表（按地区版式），填好后用 jixiao import --force 导入。",
)
def new_project(unit_folder: Path, name: str, amount: Decimal | None, with_xlsx: bool) -> None:
    """在单位文件夹中新建一个项目支出绩效目标表，按地区的指标体系列出指标行。

    \b
    示例：
      jixiao new project data/某某区/2026/区财政局 "预算绩效管理工作经费" --amount 12
      jixiao new project data/某某区/2026/区财政局 "预算绩效管理工作经费" --xlsx
    """
    from generator.data.scaffold import new_project as create

    path = create(unit_folder, name, amount)
    _created(path)
    if with_xlsx:
        from generator.importers.roundtrip import data_root, inside
        from generator.importers.xlsx_template import write_template

        # Never inside data/, where only YAML belongs (git add -A would commit the workbook): the current folder,
        # or beside the data folder when working inside it.
        root = data_root(path.parent)
        sheet = write_template(path, root.parent if inside(Path.cwd(), root) else Path("."))
        click.echo(f"已创建：{sheet}")
        click.echo(f'可在 Excel 或 WPS 中填写，然后运行 jixiao import "{sheet}" --force 导入。')


def main() -> None:
    cli(prog_name="jixiao")
