"""Provenance of raw snapshots (placeholder reader; replaced by the data layer's provenance module)."""

from __future__ import annotations

import pandas as pd
import yaml

from analyse import paths

DATE_KEYS = ("retrieved", "date_accessed", "transcribed", "opgehaald")


def list_snapshots() -> pd.DataFrame:
    """One row per ``*.meta.yml`` sidecar under data/raw: table_id, title, url, retrieved, status, sha256, file."""
    rows = []
    for f in sorted(paths.RAW_DIR.rglob("*.meta.yml")) if paths.RAW_DIR.is_dir() else []:
        meta = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        date = next((str(meta[k]) for k in DATE_KEYS if meta.get(k)), "")
        rows.append({"table_id": str(meta.get("table_id", "")), "title": str(meta.get("title", "")),
                     "url": str(meta.get("url", "")), "retrieved": date, "status": str(meta.get("status", "")),
                     "sha256": str(meta.get("sha256", "")), "file": f.name.removesuffix(".meta.yml")})
    return pd.DataFrame(rows, columns=["table_id", "title", "url", "retrieved", "status", "sha256", "file"])
