"""The report input bundle: everything a report reads, loaded once per process from the data layer.

:func:`load` is the one place where a report's inputs touch the disk, the clock and git: it reads the processed
tables of one data generation (:mod:`analyse.data.processed`), the batch statistics and the gemeente boundaries
that the build stored with them, the raw sidecars, every plan file, the git commit and the time, and returns an
immutable :class:`~analyse.content.inputs.ReportInputs`. The content layer (:mod:`analyse.content`) then reads
nothing itself. The bundle is cached per process until the processed data or a plan file changes; the warm report
kernels call :func:`preload` once.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import pickle
import subprocess
import warnings
from datetime import datetime
from pathlib import Path

import pandas as pd

from analyse import atomic, paths
from analyse.content.indicator_chapter import batch_statistics
from analyse.content.inputs import BatchStatistics, ReportInputs
from analyse.data import processed, provenance
from analyse.data.cbs_tables import load_registry, series_keys
from analyse.plans.load import PlanWarning, all_plan_files, plans_for
from analyse.settings import REPORT_INDELINGSJAAR

__all__ = ["git_commit", "load", "now", "plan_stamps", "preload"]


def now() -> datetime:
    """The time a report is made (the one clock read of a report, passed into the content)."""
    return datetime.now()


def git_commit() -> str:
    """Short commit of the package checkout, marked when it has local changes ("onbekend" outside git)."""
    try:
        out = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(paths.ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        commit = out.stdout.strip() or "onbekend"
        return commit + (" (met lokale wijzigingen)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "onbekend"


def plan_stamps(plans_dir: Path | None = None) -> tuple[tuple[str, float, int], ...]:
    """``(name, mtime, size)`` of every plan file (changes when a plan is edited)."""
    out = []
    for f in all_plan_files(plans_dir):
        st = f.stat()
        out.append((f.name, st.st_mtime, st.st_size))
    return tuple(out)


def load_plans(plans_dir: Path | None = None,
               catalogue_ids: set[str] | None = None) -> dict[str, tuple | BaseException]:
    """gemeentecode → its plans (:func:`analyse.plans.plans_for`), or the error loading them raised.

    ``catalogue_ids``: the indicator ids plans may refer to (default: the processed catalogue's, read once).
    """
    ids = catalogue_ids if catalogue_ids is not None else set(processed.catalogue()["id"].astype(str))
    codes = sorted({f.name.split("-")[0].split(".")[0].upper() for f in all_plan_files(plans_dir)})
    out: dict[str, tuple | BaseException] = {}
    for code in codes:
        try:
            with warnings.catch_warnings():  # warnings are for `python -m analyse.plans check`, not every report
                warnings.simplefilter("ignore", PlanWarning)
                out[code] = tuple(plans_for(code, plans_dir, catalogue=ids))
        except Exception as exc:  # noqa: BLE001 – the report of that gemeente shows it as a failed chapter
            out[code] = exc
    return out


class ContentStore:
    """The content cache: results of content functions kept as pickles in ``paths.CACHE_DIR / "content"``.

    A key (made by the content layer from the data generation and everything else the result depends on) is looked
    up under the hash of the package's code, so changed code never reads a result of old code. An unreadable or
    unwritable entry is computed again; the cache is safe to delete (``make clean``).
    """

    def __init__(self, root: Path | None = None):
        self.root = (root or paths.CACHE_DIR / "content") / code_version()

    def get(self, key: str, default: object = None) -> object:
        try:
            with open(self.root / f"{key}.pickle", "rb") as fh:
                return pickle.load(fh)
        except FileNotFoundError:
            return default
        except Exception as exc:  # noqa: BLE001 – a damaged entry is computed again, never shown
            logging.getLogger(__name__).info("content cache entry %s unreadable (%s)", key, exc)
            return default

    def __setitem__(self, key: str, value: object) -> None:
        try:
            atomic.write_bytes(self.root / f"{key}.pickle", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        except Exception as exc:  # noqa: BLE001 – a read-only cache or an unpicklable value: computed next time
            logging.getLogger(__name__).info("content cache entry %s not written (%s)", key, exc)


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 prefix over the package's code and configuration (``*.py``, ``*.yml``)."""
    h = hashlib.sha256()
    for f in sorted(p for p in paths.PACKAGE_DIR.rglob("*") if p.suffix in {".py", ".yml", ".yaml"}
                    and "__pycache__" not in p.parts):
        h.update(str(f.relative_to(paths.PACKAGE_DIR)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def load(indelingsjaar: int = REPORT_INDELINGSJAAR, created: datetime | None = None) -> ReportInputs:
    """The :class:`ReportInputs` of ``indelingsjaar`` (one object per data generation and plan set).

    Args:
        indelingsjaar: the gemeentelijke indeling of the reports.
        created: the time stamped in the colofon (default: now).

    Raises:
        DataNotAvailableError, DataIntegrityError: a processed table is missing, damaged or stale (``make data``).
    """
    version = hashlib.sha256(repr(sorted(processed.fingerprint().items())).encode()).hexdigest()[:16]
    base = _load(int(indelingsjaar), version, plan_stamps())
    return dataclasses.replace(base, created=created or now())


@functools.lru_cache(maxsize=2)
def _load(indelingsjaar: int, version: str, plans_key: tuple) -> ReportInputs:
    refs = processed.reference_rows(indelingsjaar)
    stored = processed.statistics(indelingsjaar)
    geo = processed.boundaries(indelingsjaar)
    note = ReportInputs.boundaries_note
    if geo is not None and geo.empty:
        geo = None
    return ReportInputs(
        indelingsjaar=indelingsjaar, catalogue=processed.catalogue(), harmonised=processed.harmonised(indelingsjaar),
        registry=processed.gemeenten(), reference_rows=refs if refs is not None else pd.DataFrame(),
        clusters=processed.cost_clusters() if processed.exists("lasten") else None,
        cpi=processed.cpi() if processed.exists("cpi") else pd.DataFrame(), snapshots=provenance.list_snapshots(),
        checksums=processed.checksums(), statistics=BatchStatistics.from_frames(stored) if stored else None,
        boundaries=geo, boundaries_note=note, plans=load_plans(), source_registry=load_registry(),
        series_keys=series_keys(load_registry()), data_version=version, commit=git_commit(), store=ContentStore())


def preload(indelingsjaar: int = REPORT_INDELINGSJAAR) -> ReportInputs:
    """Load the bundle into this process (the warm report kernels call this once before the first report)."""
    inputs = load(indelingsjaar)
    if inputs.statistics is None:  # another indelingsjaar than the build's: computed once here, then shared
        batch_statistics(inputs)
    return inputs


def clear_cache() -> None:
    """Forget the cached bundle (tests)."""
    _load.cache_clear()
