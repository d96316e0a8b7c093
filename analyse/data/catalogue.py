"""The indicator catalogue: ``analyse/data/catalogue/*.yml`` merged into one frame.

Each entry defines an indicator id: Dutch name, definition, unit, polarity, kind (share / rate / count / level),
numerator and denominator descriptions, ``per``, population, domain and source tables. The data layer checks
every built indicator id against it; the analysis layer reads units, polarities and names from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analyse import paths, vocab
from analyse.data.contract import DEFAULT_PER
from analyse.data.provenance import SAFE_LOADER
from analyse.errors import DataIntegrityError

REQUIRED_KEYS = ("id", "naam", "unit", "polarity", "kind")
CATALOGUE_COLUMNS = ("id", "naam", "definitie", "unit", "polarity", "kind", "numerator", "denominator", "per",
                     "populatie", "domein", "bron", "referentieperiode", "shipped", "tabellen", "file")
UNITS = set(vocab.UNITS)
POLARITIES = set(vocab.POLARITIES)
KINDS = set(vocab.KINDS)


# ------------------------------------------------------------------------------------------- catalogue
def _read_catalogue_file(path: Path) -> list[dict[str, Any]]:
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or []
    except yaml.YAMLError as exc:
        raise DataIntegrityError(f"catalogue {path.name} is not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise DataIntegrityError(f"catalogue {path.name} must be a list of entries")
    for i, entry in enumerate(entries):
        missing = [k for k in REQUIRED_KEYS if not isinstance(entry, dict) or k not in entry]
        if missing:
            name = entry.get("id", "?") if isinstance(entry, dict) else repr(entry)
            raise DataIntegrityError(f"catalogue {path.name} entry {i} ({name}) misses {missing}")
        if entry["unit"] not in UNITS or entry["polarity"] not in POLARITIES or entry["kind"] not in KINDS:
            raise DataIntegrityError(
                f"catalogue {path.name} entry {entry['id']}: unit/polarity/kind must be in {sorted(UNITS)} / "
                f"{sorted(POLARITIES)} / {sorted(KINDS)}"
            )
    return [{**e, "file": path.name} for e in entries]


def load_catalogue(catalogue_dir: Path | None = None) -> pd.DataFrame:
    """Merge all ``*.yml`` files in the catalogue directory into one frame (one row per indicator id).

    Args:
        catalogue_dir: default :data:`analyse.paths.CATALOGUE_DIR` (``analyse/data/catalogue``).

    Returns:
        Frame with :data:`CATALOGUE_COLUMNS` (``per`` filled from the unit when absent; ``shipped`` default True).

    Raises:
        DataIntegrityError: invalid file or entry, or the same id in two places (both files named).
    """
    catalogue_dir = Path(catalogue_dir or paths.CATALOGUE_DIR)
    rows: list[dict[str, Any]] = []
    seen: dict[str, str] = {}
    for path in sorted(catalogue_dir.glob("*.yml")):
        for entry in _read_catalogue_file(path):
            if entry["id"] in seen:
                raise DataIntegrityError(
                    f"duplicate indicator id {entry['id']!r} in catalogue files {seen[entry['id']]} and {path.name}"
                )
            seen[entry["id"]] = path.name
            rows.append(entry)
    frame = pd.DataFrame(rows).reindex(columns=list(CATALOGUE_COLUMNS))
    per_default = frame["unit"].map(DEFAULT_PER).fillna(1.0)
    return frame.assign(
        per=pd.to_numeric(frame["per"], errors="coerce").fillna(per_default),
        shipped=frame["shipped"].map(
            lambda v: True if v is None or (isinstance(v, float) and np.isnan(v)) else bool(v)),
    ).reset_index(drop=True)
