"""Atomic file writes: write to a temporary file in the target directory, then ``os.replace``.

A reader never sees a half-written file, and a killed process leaves at most a ``.tmp`` file that the next
run ignores. Every writer of processed data, raw snapshots and reports goes through these helpers.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

FILE_MODE = 0o644


def atomic_write(target: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``target`` atomically.

    Args:
        target: final path; its directory is created when needed.
        write: a function that writes the complete file to the path it is given.

    Returns:
        ``target``.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_bytes(target: Path, data: bytes) -> Path:
    """Atomically write ``data`` to ``target``."""
    return atomic_write(target, lambda p: p.write_bytes(data))


def write_text(target: Path, text: str, encoding: str = "utf-8") -> Path:
    """Atomically write ``text`` to ``target``."""
    return atomic_write(target, lambda p: p.write_text(text, encoding=encoding))
