"""The stored outcome of one gemeente's report (``reports/<code>/<code>.json``), read by the runner and the index.

Kept apart from :mod:`analyse.report.runner` so that the index page (:mod:`analyse.report.index`), which the runner
writes, reads stored results without importing the runner (no import cycle).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from analyse._version import __version__

__all__ = ["Result", "load_status"]


@dataclass
class Result:
    """Outcome of one gemeente (also stored as ``<code>.json`` next to the report)."""

    gemeentecode: str
    status: str
    naam: str | None = None
    indelingsjaar: int | None = None
    seconds: float = 0.0
    message: str = ""
    kind: str = ""
    html: str = ""
    html_bytes: int = 0
    figures: int = 0
    tables: int = 0
    chapter: str | None = None
    """Chapter that failed (from the kernel's structured error record)."""
    error: dict[str, Any] = field(default_factory=dict)
    """The failure as data: ``kind`` (class), ``soort`` and ``fields`` (see :mod:`analyse.report.outcome`)."""
    signals: dict[str, Any] = field(default_factory=dict)
    input_hash: str = ""
    rendered_at: str = ""
    attempts: int = 0
    pdf: str = ""
    note: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    version: str = __version__

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, default=str)


def load_status(path: Path) -> Result | None:
    """Read a stored status JSON (``None`` when absent or unreadable)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        known = {k: v for k, v in data.items() if k in Result.__dataclass_fields__}
        return Result(**known)
    except (OSError, ValueError, TypeError):
        return None
