"""The indicator catalogue: ``analyse/data/catalogue/*.yml`` merged into one frame.

Each entry defines an indicator id: Dutch name, definition, unit, polarity, kind (share / rate / count / level),
numerator and denominator descriptions, ``per``, population, domain and source tables. The data layer checks
every built indicator id against it; the analysis layer reads units, polarities and names from it.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from analyse import paths, vocab
from analyse.data.contract import DEFAULT_PER
from analyse.data.provenance import SAFE_LOADER
from analyse.errors import DataIntegrityError

UNITS = set(vocab.UNITS)
POLARITIES = set(vocab.POLARITIES)
KINDS = set(vocab.KINDS)

ENTRY_SPEC: dict[str, tuple[str, bool, tuple[str, ...] | None]] = {
    # key: (type, required, vocabulary) — the one declaration of a catalogue entry (docs/contracts.md "Catalogue")
    "id": ("str", True, None),
    "naam": ("str", True, None),
    "definitie": ("str", False, None),
    "unit": ("str", True, vocab.UNITS),
    "polarity": ("str", True, vocab.POLARITIES),
    "kind": ("str", True, vocab.KINDS),
    "numerator": ("str", False, None),
    "denominator": ("str", False, None),
    "per": ("number", False, None),
    "populatie": ("str", False, None),
    "domein": ("str", False, vocab.DOMEINEN),
    "bron": ("str", False, None),
    "referentieperiode": ("str", False, None),
    "shipped": ("bool", False, None),
    "tabellen": ("strlist", False, None),
}
"""Every key a catalogue entry may have: type (``str``, ``number``, ``bool``, ``strlist``), required, vocabulary."""
REQUIRED_KEYS = tuple(k for k, (_, required, _v) in ENTRY_SPEC.items() if required)
CATALOGUE_COLUMNS = (*ENTRY_SPEC, "file")

_ID = re.compile(r"[a-z][a-z0-9_]*")


def entry_problems(entry: object) -> list[str]:
    """What is wrong with one catalogue entry (empty: valid), in the terms of :data:`ENTRY_SPEC`."""
    if not isinstance(entry, dict):
        return [f"verwacht een mapping (sleutel: waarde), kreeg {type(entry).__name__}"]
    out = []
    for key in entry:
        if key not in ENTRY_SPEC:
            close = difflib.get_close_matches(str(key), list(ENTRY_SPEC), n=1)
            out.append(f"onbekende sleutel {key!r}" + (f"; bedoelde u {close[0]!r}?" if close else ""))
    for key, (kind, required, words) in ENTRY_SPEC.items():
        value = entry.get(key)
        if value is None:
            if required:
                out.append(f"verplichte sleutel {key!r} ontbreekt")
            continue
        ok = {"str": isinstance(value, str) and value.strip() != "",
              "number": isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)
              and value > 0,
              "bool": isinstance(value, bool),
              "strlist": isinstance(value, list) and all(isinstance(v, str) and v for v in value)}[kind]
        if not ok:
            out.append(f"{key}: verwacht {kind}, kreeg {value!r}")
        elif words is not None and value not in words:
            out.append(f"{key}: {value!r} is niet een van {', '.join(words)}")
    if isinstance(entry.get("id"), str) and not _ID.fullmatch(entry["id"]):
        out.append(f"id {entry['id']!r}: gebruik kleine letters, cijfers en '_' (snake_case)")
    return out


# ------------------------------------------------------------------------------------------- catalogue
def _read_catalogue_file(path: Path) -> list[dict[str, Any]]:
    try:
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or []
    except yaml.YAMLError as exc:
        raise DataIntegrityError(f"catalogue {path.name} is not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise DataIntegrityError(f"catalogue {path.name} must be a list of entries")
    for i, entry in enumerate(entries):
        problems = entry_problems(entry)
        if problems:
            name = entry.get("id", "?") if isinstance(entry, dict) else repr(entry)
            raise DataIntegrityError(f"catalogue {path.name} entry {i} ({name}): {'; '.join(problems)}")
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
