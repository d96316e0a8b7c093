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
PROCESSED_ROOT: Path = DATA_DIR / "processed"
"""``data/processed/``: the processed data, as generations (``generaties/<id>/``) and a link to the current one."""
PROCESSED_DIR: Path = _env_path("ANALYSE_PROCESSED_DIR", PROCESSED_ROOT / "actueel")
"""``data/processed/actueel``: a link to the current data generation; a batch pins one (``ANALYSE_PROCESSED_DIR``)."""
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


CODE_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "Makefile")
"""Entries that show a folder holds a code project (never an output folder)."""


def protected_reason(folder: Path) -> str | None:
    """Why reports must not be written into ``folder`` (Dutch phrase), or ``None`` when it may hold reports.

    Refused: the file-system root and the home folder; the repository root and every folder above it; data,
    plans, code and notebooks of the project; the shared CBS data folder (inside or above it); any folder that
    holds a code project (``.git``, ``pyproject.toml`` …).
    """
    target = Path(folder).expanduser().resolve()
    if target == Path(target.anchor):
        return "de hoofdmap van het bestandssysteem (/)"
    if target == Path.home().resolve():
        return "uw thuismap"
    root = ROOT.resolve()
    if target == root or target in root.parents:
        return "de projectmap of een map daarboven (programmacode)"
    for base, label in ((DATA_DIR, "de datamap (data/)"), (PLANS_DIR, "de map met plannen (plans/)"),
                        (PACKAGE_DIR, "de programmacode (analyse/)"),
                        (NOTEBOOKS_DIR, "de map met notebooks (notebooks/)")):
        base = base.resolve()
        if target == base or base in target.parents:
            return label
    try:
        cbs = cbs_dir()
    except FileNotFoundError:
        cbs = None
    if cbs is not None and (target == cbs or cbs in target.parents or target in cbs.parents):
        return "de map met CBS-gegevens"
    for marker in CODE_MARKERS:
        try:
            if (target / marker).exists():
                return f"een map met programmacode (bevat {marker})"
        except OSError:
            continue
    return None
