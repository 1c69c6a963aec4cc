"""``jixiao init``: a data repository made ready to use, pinned to the jixiao that made it.

What it writes (a file that is already there is kept, never overwritten):

* ``data/<地区>/地区.yaml``: the first region;
* ``.pre-commit-config.yaml``: the hooks, online (``repo:`` the jixiao repository, ``rev:`` this
  version's tag, ``v`` + ``jixiao --version``) or offline (``repo: local``, the jixiao installed on
  each computer: no tag, no download);
* the CI template of the user's choice (docs/ci/), installing this version of jixiao; with ``--shards N``,
  the one that builds the site in N shards on as many runners and merges them;
* ``.gitignore``: the virtual environment and the built site are never committed;
* ``.vscode/settings.json``: editors read the schemas of this version from where the jixiao
  repository publishes them (no copy of schema/ to keep up to date), and save UTF-8 with spaces;

and sets ``core.quotepath`` off in the repository, so that git shows Chinese paths as they are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator import __version__
from generator.atomic import write_atomic
from generator.data.load import REGION_FILE
from generator.data.scaffold import new_region
from generator.data.schemas import SCHEMA_FILES
from generator.errors import UsageError
from generator.names import safe_filename
from generator.review import gitrepo

TAG = f"v{__version__}"
CI_FILES = {"github": Path(".github/workflows/jixiao.yml"), "gitlab": Path(".gitlab-ci.yml")}
CI_TEMPLATES = {"github": "github-actions.yml", "gitlab": "gitlab-ci.yml"}
# The same, with the site built in shards on several runners (jixiao build --shard, jixiao merge): init --shards N.
SHARDED_TEMPLATES = {"github": "github-actions-shards.yml", "gitlab": "gitlab-ci-shards.yml"}
HOOK_TEMPLATES = {"online": "pre-commit-config.yaml", "offline": "pre-commit-config-offline.yaml"}
IGNORED = [".venv/", "site/", "public/", ".cache/", ".jixiao-work/", "__pycache__/"]
SCHEMA_GLOBS = {
    "region": [f"data/*/{REGION_FILE}"],
    "unit": ["data/*/*/*/单位.yaml"],
    # yaml-language-server matches with picomatch: every file of a unit folder but 单位.yaml (schemas
    # apply to YAML files only). "!(单位).yaml" would also leave out 单位公用经费.yaml.
    "project": ["data/*/*/*/!(单位.yaml)"],
}
# Where the examples in docs/ci/ name the jixiao repository and its version: what init replaces.
EXAMPLE_REPO = "https://github.com/OWNER/jixiao"
_EXAMPLE_REV = re.compile(r"^(\s*rev:\s*)v[0-9][^\s#]*", re.M)
_EXAMPLE_PIN = re.compile(r'^(\s*JIXIAO:\s*)"[^"\n]*"', re.M)
# Where the sharded examples say how many shards: GitHub's SHARDS and matrix list, GitLab's parallel.
_EXAMPLE_SHARDS = re.compile(r'^(\s*SHARDS:\s*)"\d+"', re.M)
_EXAMPLE_MATRIX = re.compile(r"^(\s*shard:\s*)\[[\d, ]*\]", re.M)
_EXAMPLE_PARALLEL = re.compile(r"^(\s*parallel:\s*)\d+", re.M)


@dataclass(frozen=True)
class Options:
    folder: Path
    region: str
    layout: str
    framework: int = 2021
    code: str | None = None
    ci: str = "none"  # github | gitlab | none
    hooks: str = "offline"  # online | offline
    jixiao_repo: str | None = None  # the jixiao repository's address (hooks online, CI, schemas)
    schema_url: str | None = None  # where this version's schemas are published, when not derived
    shards: int = 1  # above 1: the CI template builds the site in this many shards


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def templates_dir() -> Path:
    """docs/ci/ of this checkout, or the copy installed inside the package (generator/docs/ci)."""
    package = Path(__file__).resolve().parent
    checkout = package.parent / "docs" / "ci"
    return checkout if (checkout / CI_TEMPLATES["github"]).is_file() else package / "docs" / "ci"


def requirement(jixiao_repo: str | None) -> str:
    """What CI installs with pip: this version, from the jixiao repository's tag or from a package index."""
    return f"jixiao @ git+{jixiao_repo}@{TAG}" if jixiao_repo else f"jixiao=={__version__}"


def schema_base(jixiao_repo: str | None, schema_url: str | None) -> str | None:
    """Where this version's schema/ can be read by an editor: given, or the repository's raw files at the tag."""
    if schema_url:
        return schema_url.rstrip("/") + "/"
    if not jixiao_repo or not jixiao_repo.startswith("https://"):
        return None
    repo = jixiao_repo.rstrip("/").removesuffix(".git")
    github = re.fullmatch(r"https://github\.com/([^/]+/[^/]+)", repo)
    if github:
        return f"https://raw.githubusercontent.com/{github.group(1)}/{TAG}/schema/"
    if repo.startswith("https://gitee.com/"):
        return f"{repo}/raw/{TAG}/schema/"
    return f"{repo}/-/raw/{TAG}/schema/"  # GitLab, on gitlab.com or a unit's own server


def hook_config(hooks: str, jixiao_repo: str | None) -> str:
    text = (templates_dir() / HOOK_TEMPLATES[hooks]).read_text(encoding="utf-8")
    if hooks == "online":
        if not jixiao_repo:
            raise UsageError("提交前检查用在线版（--hooks online）时，请用 --jixiao-repo 写明 jixiao 仓库的地址")
        text = _EXAMPLE_REV.sub(lambda m: m.group(1) + TAG, text.replace(EXAMPLE_REPO, jixiao_repo))
    return text


def ci_config(ci: str, jixiao_repo: str | None, shards: int = 1) -> str:
    """The CI template, installing this version; with ``shards`` above 1, the one that builds the site in
    that many shards (GitHub: a matrix, GitLab: parallel) and merges them."""
    text = (templates_dir() / (SHARDED_TEMPLATES if shards > 1 else CI_TEMPLATES)[ci]).read_text(encoding="utf-8")
    if shards > 1:
        text = _EXAMPLE_SHARDS.sub(lambda m: f'{m.group(1)}"{shards}"', text, count=1)
        text = _EXAMPLE_MATRIX.sub(lambda m: m.group(1) + "[" + ", ".join(str(k) for k in range(1, shards + 1)) + "]", text)
        text = _EXAMPLE_PARALLEL.sub(lambda m: f"{m.group(1)}{shards}", text, count=1)
    return _EXAMPLE_PIN.sub(lambda m: f'{m.group(1)}"{requirement(jixiao_repo)}"', text, count=1)


def editor_settings(base: str) -> str:
    schemas = {base + SCHEMA_FILES[kind]: globs for kind, globs in SCHEMA_GLOBS.items()}
    settings = {
        "yaml.schemas": schemas,
        "files.encoding": "utf8",  # never GBK: jixiao reads UTF-8 only (Y001)
        "files.eol": "\n",
        "[yaml]": {"editor.insertSpaces": True, "editor.tabSize": 2, "editor.detectIndentation": False},
    }
    return json.dumps(settings, ensure_ascii=False, indent=2) + "\n"


def _write_new(path: Path, text: str, outcome: Outcome) -> None:
    if path.exists() or path.is_symlink():
        outcome.kept.append(path)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text, overwrite=False)
    outcome.written.append(path)


def _gitignore(path: Path, outcome: Outcome) -> None:
    have = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    missing = [line for line in IGNORED if line not in have]
    if not missing:
        outcome.kept.append(path)
        return
    text = "\n".join(have + ([""] if have else []) + ["# jixiao：虚拟环境、生成的网站和缓存不提交", *missing]) + "\n"
    write_atomic(path, text)
    outcome.written.append(path)


def _repository(folder: Path) -> None:
    """A git repository at ``folder`` (made when there is none), showing Chinese paths as they are."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        root = gitrepo.repo_root(folder)
    except gitrepo.GitError:
        root = None
    if root is None:
        gitrepo.git(folder, "init", "--quiet")
        gitrepo.git(folder, "symbolic-ref", "HEAD", "refs/heads/main")  # --initial-branch needs git 2.28
    elif root.resolve() != folder.resolve():
        raise UsageError(f"“{folder}”在另一个 git 仓库（{root}）之中：数据仓库请放在一个单独的文件夹中")
    gitrepo.git(folder, "config", "core.quotepath", "false")


def init(options: Options) -> Outcome:
    if options.ci not in (*CI_FILES, "none") or options.hooks not in HOOK_TEMPLATES:
        raise UsageError("--ci 只能是 github、gitlab 或 none，--hooks 只能是 online 或 offline")
    if options.shards > 1 and options.ci == "none":
        raise UsageError("--shards 是 CI 模板的分片数：请同时用 --ci github 或 --ci gitlab 选择模板")
    folder = options.folder
    hooks = hook_config(options.hooks, options.jixiao_repo)  # before anything is written: a usage error stops all
    _repository(folder)
    outcome = Outcome()
    region_folder = folder / "data" / safe_filename(options.region)
    if (region_folder / REGION_FILE).exists():
        outcome.kept.append(region_folder / REGION_FILE)
    else:
        outcome.written.append(new_region(region_folder, options.region, options.layout, options.framework, options.code))
    _write_new(folder / ".pre-commit-config.yaml", hooks, outcome)
    if options.ci != "none":
        _write_new(folder / CI_FILES[options.ci], ci_config(options.ci, options.jixiao_repo, options.shards), outcome)
    _gitignore(folder / ".gitignore", outcome)
    base = schema_base(options.jixiao_repo, options.schema_url)
    if base is not None:
        _write_new(folder / ".vscode" / "settings.json", editor_settings(base), outcome)
    else:
        outcome.notes.append(
            "没有写编辑器设置（.vscode/settings.json）：要在编辑器中得到字段的补全和说明，请用 "
            "--jixiao-repo 写明 jixiao 仓库的地址，或用 --schema-url 写明 schema 文件的网址"
        )
    return outcome
