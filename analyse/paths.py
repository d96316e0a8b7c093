"""The one place where paths are defined.

Notebooks, tests and the report runner never build relative paths themselves; they import from here.
Every directory can be overridden through an environment variable, which is how tests point the whole
package at a temporary tree.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT: Path = Path(__file__).resolve().parents[1]


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser().resolve() if value else default


PACKAGE_DIR: Path = ROOT / "analyse"
DATA_DIR: Path = _env_path("ANALYSE_DATA_DIR", ROOT / "data")
RAW_DIR: Path = DATA_DIR / "raw"
RAW_CBS_DIR: Path = RAW_DIR / "cbs"
SEEDS_DIR: Path = RAW_DIR / "seeds"
PROCESSED_DIR: Path = DATA_DIR / "processed"
PLANS_DIR: Path = _env_path("ANALYSE_PLANS_DIR", ROOT / "plans")
NOTEBOOKS_DIR: Path = ROOT / "notebooks"
TEMPLATE_NOTEBOOK: Path = NOTEBOOKS_DIR / "gemeente_rapport.ipynb"
REPORTS_DIR: Path = _env_path("ANALYSE_REPORTS_DIR", ROOT / "reports")
FIGURES_DIR: Path = _env_path("ANALYSE_FIGURES_DIR", ROOT / "figures")
CATALOGUE_DIR: Path = PACKAGE_DIR / "data" / "catalogue"
BENCHMARKS_DIR: Path = ROOT / "benchmarks"
CACHE_DIR: Path = _env_path("ANALYSE_CACHE_DIR", ROOT / ".cache")
"""Caches keyed on their inputs (figures drawn before); safe to delete at any time."""


def cbs_dir() -> Path | None:
    """Return the directory with the shared real CBS data, or ``None`` when it is absent.

    Looks at ``ANALYSE_CBS_DIR`` first, then ``../shared/data`` relative to the repository root.
    An explicitly set ``ANALYSE_CBS_DIR`` that does not exist is an error, not a silent fallback.
    """
    value = os.environ.get("ANALYSE_CBS_DIR")
    if value:
        path = Path(value).expanduser().resolve()
        if not path.is_dir():
            raise FileNotFoundError(f"ANALYSE_CBS_DIR={value!r} is not a directory")
        return path
    default = (ROOT.parent / "shared" / "data").resolve()
    return default if default.is_dir() else None


def processed(name: str) -> Path:
    """Path of a processed table, e.g. ``processed("indicators")`` → ``data/processed/indicators.parquet``."""
    return PROCESSED_DIR / f"{name}.parquet"
