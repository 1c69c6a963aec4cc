"""mkdocs, for the editorial pages and the theme's frame: configuration, staged sources, one build.

The configuration is the repository's top-level mkdocs.yml, or the copy packaged with jixiao when
a data repository has none. The sources are staged in a temporary folder: the docs folder of the
configuration, and the frame page of shell.py. mkdocs builds them with ``--strict`` into the
site's staging folder, so a broken link in a guide fails the build as it would on the command line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import SiteError, from_os_error
from generator.site import shell

PACKAGED_CONFIG = Path(__file__).resolve().parent / "mkdocs.yml"
CONFIG_NAME = "mkdocs.yml"
MKDOCS_KIND = "mkdocs"


def config_file(cwd: Path | None = None) -> Path:
    """The mkdocs.yml of the current folder (the repository root), else the one packaged with jixiao."""
    local = (cwd or Path.cwd()) / CONFIG_NAME
    return local if local.is_file() else PACKAGED_CONFIG


def raw_config(path: Path) -> dict[str, Any]:
    from mkdocs.utils.yaml import yaml_load

    with path.open(encoding="utf-8") as handle:
        loaded = yaml_load(handle)
    return loaded if isinstance(loaded, dict) else {}


def docs_source(path: Path) -> Path:
    """The docs folder a configuration names (relative to the file); the packaged one as a fallback."""
    named = path.parent / str(raw_config(path).get("docs_dir", "docs"))
    if named.is_dir():
        return named
    packaged = Path(__file__).resolve().parent.parent / "docs"  # installed: generator/docs
    if packaged.is_dir():
        return packaged
    raise SiteError(f"找不到网站的文档文件夹“{named}”：请检查 {path} 中的 docs_dir")


def stage_docs(config: Path, target: Path) -> Path:
    shutil.copytree(docs_source(config), target, ignore=shutil.ignore_patterns(".*", "__pycache__"))
    (target / f"{shell.FOLDER}.md").write_text(shell.PAGE, encoding="utf-8")
    return target


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet_mkdocs() -> Iterator[_Collect]:
    """mkdocs logs INFO lines meant for its own command line; keep only what went wrong."""
    logger = logging.getLogger("mkdocs")
    handler = _Collect()
    old_level, old_propagate = logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    old_env = {k: os.environ.get(k) for k in ("SOURCE_DATE_EPOCH", "NO_MKDOCS_2_WARNING")}
    os.environ["SOURCE_DATE_EPOCH"] = "0"  # the build date is not part of the site: same input, same bytes
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)
        logger.propagate = old_propagate
        for key, value in old_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def build(config: Path, docs: Path, site: Path) -> dict[str, Any]:
    """Run ``mkdocs build --strict`` on the staged ``docs`` into ``site``; returns the loaded config."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    with _quiet_mkdocs() as problems:
        try:
            loaded = load_config(config_file=str(config), docs_dir=str(docs), site_dir=str(site), strict=True)
            mkdocs_build(loaded)
        except OSError as exc:  # a full disk, a folder it may not write: said as such
            raise from_os_error(exc, "生成说明页面") from exc
        except MkDocsException as exc:
            detail = "；".join(problems.messages[-5:]) or str(exc)
            raise SiteError(f"mkdocs 未能生成网站（{config}）：{detail}") from exc
    return dict(loaded)


def build_cached(config: Path, docs: Path, site: Path) -> dict[str, Any]:
    """``build``, or the same files from the cache (generator.cache) when the configuration, the staged
    sources and jixiao (with its libraries) are the same as for an earlier build; returns the
    settings the rest of the site needs (``site_url``)."""
    from generator import cache

    sources = sorted(p for p in docs.rglob("*") if p.is_file())
    key = cache.key(
        MKDOCS_KIND,
        [os.fsencode(config.resolve()), config.read_bytes()]
        + [b for p in sources for b in (p.relative_to(docs).as_posix().encode(), p.read_bytes())],
    )
    stored = cache.get(MKDOCS_KIND, key)
    files = stored.get("files") if isinstance(stored, dict) else None
    if (
        isinstance(stored, dict)
        and isinstance(files, list)
        and all(_inside(f) for f in files)
        and cache.files_out(MKDOCS_KIND, key, files, site)
    ):
        return {"site_url": stored.get("site_url")}
    loaded = build(config, docs, site)
    made = sorted(p for p in site.rglob("*") if p.is_file())
    settings = {"site_url": loaded.get("site_url")}
    cache.files_in(MKDOCS_KIND, key, made, root=site)
    cache.put(MKDOCS_KIND, key, {**settings, "files": [p.relative_to(site).as_posix() for p in made]})
    return settings


def _inside(name: object) -> bool:
    """A stored name is a plain relative path (the cache never places a file outside the site)."""
    return isinstance(name, str) and bool(name) and not name.startswith("/") and ".." not in name.split("/")


@dataclass
class Guides:
    """The editorial pages and the theme's frame: ``build_cached`` of the configuration of the working
    folder, its sources staged in ``docs``, written into ``site``; made once, when ``settings`` is first
    asked for, or earlier by ``make_quietly``.

    ``jixiao build`` hands ``make_quietly`` to the check (generator.check.run.check's ``alongside``), which
    calls it while its worker processes check the data and the main process would only wait for them: at
    1,000 projects the second of mkdocs then costs no time of its own. What goes wrong is kept and raised
    by ``settings``, when the build needs the pages: the check's report still comes first."""

    docs: Path
    site: Path
    _settings: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _error: Exception | None = field(default=None, init=False, repr=False)

    def make_quietly(self) -> None:
        if self._settings is None and self._error is None:
            try:
                config = config_file()
                self._settings = build_cached(config, stage_docs(config, self.docs), self.site)
            except Exception as exc:  # raised, with its traceback, by ``settings``
                self._error = exc

    def settings(self) -> dict[str, Any]:
        """What the rest of the site needs from mkdocs's settings (``site_url``), once the pages are made."""
        self.make_quietly()
        if self._error is not None:
            raise self._error
        assert self._settings is not None
        return self._settings
