"""Where every page and file of the site lives: stable addresses derived from the data folders.

Addresses mirror data/ (地区/<地区>/<年度>/<单位>/<项目>/), each name made safe by the same rule as
the official tables (generator.names.folder_name), so a project's page, its tables and its open
data share one name and no name from the data can point outside its folder. Data pages live under
``地区/`` so that no region can take the name of a page of the site (编辑指南/, tables/, data/ …).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from generator.names import folder_name

PAGES = "地区"
TABLES = "tables"
DATA = "data"


@dataclass(frozen=True)
class UnitAddress:
    """The unit folder data/<地区>/<年度>/<单位> as it appears in the site."""

    region: str
    year: int
    unit: str

    @classmethod
    def of(cls, region_dir: Path, year: int, unit_dir: Path) -> UnitAddress:
        """The address of data/<地区>/<年度>/<单位>: each name made safe and unique among the folders beside
        it (names.folder_name), so two folders whose names differ only in unsafe characters never share one."""
        return cls(folder_name(region_dir), year, folder_name(unit_dir))

    @property
    def parts(self) -> tuple[str, str, str]:
        return (self.region, str(self.year), self.unit)

    @property
    def page(self) -> PurePosixPath:
        """The unit's page folder: 地区/<地区>/<年度>/<单位>/ (index.html inside)."""
        return PurePosixPath(PAGES, *self.parts)

    def project_page(self, stem: str) -> PurePosixPath:
        return self.page / stem

    @property
    def tables(self) -> PurePosixPath:
        return PurePosixPath(TABLES, *self.parts)

    @property
    def data(self) -> PurePosixPath:
        """The unit's open data folder; the unit itself is data/<地区>/<年度>/<单位>.json beside it."""
        return PurePosixPath(DATA, *self.parts)

    @property
    def unit_json(self) -> PurePosixPath:
        return PurePosixPath(DATA, self.region, str(self.year), f"{self.unit}.json")


def region_page(region: str) -> PurePosixPath:
    return PurePosixPath(PAGES, region)


def year_page(region: str, year: int) -> PurePosixPath:
    return PurePosixPath(PAGES, region, str(year))


def depth(folder: PurePosixPath) -> int:
    """How many folders below the site root a page folder is ("" is the home page)."""
    return len(folder.parts)


@functools.lru_cache(maxsize=1 << 16)
def _quoted(part: str) -> str:
    """A path segment percent-encoded (a site links the same region, year and unit names thousands of times)."""
    return quote(part, safe="")


def href(target: PurePosixPath | str, page: PurePosixPath, folder: bool = False) -> str:
    """A relative link from the page whose folder is ``page`` to ``target`` (a file or, folder=True, a page).

    Relative links keep the site working wherever it is served from (a sub-path, a preview server), and a
    link to a page names its index.html, so that it works opened from disk too (file://, where a link to
    a folder shows the folder's files). Every segment is percent-encoded, so a name from the data can
    never become markup or a scheme.
    """
    up = "../" * depth(page)
    parts = target.parts if isinstance(target, PurePosixPath) else PurePosixPath(target).parts
    path = "/".join(map(_quoted, parts))
    if folder:
        return up + (f"{path}/index.html" if path else "index.html")
    return up + path
