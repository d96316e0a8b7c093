"""A figure cache keyed on the figure's inputs: a re-rendered report only redraws the figures whose data changed.

:func:`chart` draws a matplotlib figure through a plot function (:mod:`analyse.plots`, :mod:`analyse.maps`) unless a
PNG drawn from exactly the same inputs is in the cache. The key is a sha256 over the plot function's name, every
argument (frames by their content: :func:`pandas.util.hash_pandas_object` plus columns and dtypes) and the source
of the drawing modules, so a changed plan, data generation or drawing code gives a new key; nothing is ever
invalidated by hand. Entries live in ``paths.CACHE_DIR / "figures"`` (``ANALYSE_CACHE_DIR``; git-ignored) as one
pickle of ``(png, alt text, data frame)`` each, written atomically; an unreadable entry is redrawn.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import pickle
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from analyse import atomic, paths
from analyse.report import Block, OutputTarget, _png_bytes, figure_block, png_block

log = logging.getLogger(__name__)

DRAWING_MODULES = ("plots.py", "maps.py", "report/__init__.py", "report/figcache.py")
"""Source files whose content is part of every key (a change to the drawing code redraws everything)."""


def cache_dir() -> Path:
    """Where figure entries are kept."""
    return paths.CACHE_DIR / "figures"


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """sha256 prefix of the drawing code and the matplotlib version."""

    h = hashlib.sha256(matplotlib.__version__.encode())
    for name in DRAWING_MODULES:
        h.update((paths.PACKAGE_DIR / name).read_bytes())
    return h.hexdigest()[:16]


def _feed(h: Any, value: Any) -> None:
    """Add ``value`` to the hash ``h`` by content (frames, series, arrays, containers, scalars)."""
    if isinstance(value, pd.DataFrame):
        h.update(b"F" + repr((list(map(str, value.columns)), [str(t) for t in value.dtypes], value.shape)).encode())
        h.update(pd.util.hash_pandas_object(value.astype(object) if value.shape[1] else value, index=True)
                 .to_numpy().tobytes())
    elif isinstance(value, pd.Series):
        h.update(b"S" + repr((value.name, str(value.dtype), len(value))).encode())
        h.update(pd.util.hash_pandas_object(value.astype(object), index=True).to_numpy().tobytes())
    elif isinstance(value, np.ndarray):
        h.update(b"A" + value.tobytes())
    elif isinstance(value, Mapping):
        h.update(b"M")
        for k in sorted(value, key=repr):
            _feed(h, k)
            _feed(h, value[k])
    elif isinstance(value, (list, tuple, set, frozenset)):
        h.update(b"L")
        for v in (sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value):
            _feed(h, v)
    elif callable(value):
        h.update(f"C{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', repr(value))}".encode())
    elif hasattr(value, "geom_type"):  # a shapely geometry
        h.update(b"G" + value.wkb)
    else:
        h.update(b"V" + repr(value).encode())


def key(draw: Callable[..., Any], args: tuple, kwargs: Mapping[str, Any]) -> str:
    """The cache key of ``draw(*args, **kwargs)``."""
    h = hashlib.sha256(code_version().encode())
    _feed(h, draw)
    _feed(h, args)
    _feed(h, dict(kwargs))
    return h.hexdigest()


def _read(path: Path) -> tuple[bytes, str, Any] | None:
    try:
        with open(path, "rb") as fh:
            png, alt, data = pickle.load(fh)
        return png, alt, data
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 – a damaged entry is redrawn, never shown
        log.info("figure cache entry %s unreadable (%s): redrawn", path.name, exc)
        return None


def chart(draw: Callable[..., Any], *args: Any, name: str, out: OutputTarget | None, **kwargs: Any) -> Block:
    """``figure_block(draw(*args, **kwargs), name, out)``, taken from the cache when the inputs are unchanged.

    Without an output target (exploration) nothing is cached.
    """
    if out is None:
        fig = draw(*args, **kwargs)

        return figure_block(fig, name, None)
    path = cache_dir() / f"{key(draw, args, kwargs)}.pkl"
    hit = _read(path)
    if hit is None:
        fig = draw(*args, **kwargs)
        alt, data = getattr(fig, "alt_text", None), getattr(fig, "data", None)
        if not alt:
            raise ValueError(f"Figuur {name!r} heeft geen alt-tekst (fig.alt_text): elke figuur moet er een hebben.")
        png = _png_bytes(fig)

        plt.close(fig)
        hit = (png, alt, data)
        try:
            atomic.write_bytes(path, pickle.dumps(hit, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError as exc:  # a full or read-only cache never fails a report
            log.info("figure cache not written (%s)", exc)
    png, alt, data = hit
    return png_block(png, name, out, alt, data)


def clear() -> int:
    """Remove every cache entry; returns how many were removed."""
    n = 0
    for f in cache_dir().glob("*.pkl") if cache_dir().is_dir() else ():
        f.unlink(missing_ok=True)
        n += 1
    return n
