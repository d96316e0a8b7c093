"""The one boundary between plan text (or any outside text) and an output format.

Every text a plan author writes reaches five kinds of output. Each has its own hazards, and each output point
calls the function for its kind (nothing else cleans text):

=========================  ==================================================================================
output                     what :mod:`analyse.safetext` does
=========================  ==================================================================================
HTML (``formatting.escape``) :func:`clean`: control characters removed, bidi overrides/isolates neutralised
matplotlib text (plots)    :func:`for_figure` on every text artist of a figure before it is drawn
                           (``report.figure_block``); mathtext is off (``text.parse_math``), so ``$`` is text
CSV and XLSX cells         :func:`for_cell`: :func:`clean` (openpyxl refuses control characters)
file names and HTML ids    :func:`slug`: ASCII slug, length cap with a hash suffix; uniqueness per report is
                           :class:`NameRegistry`
=========================  ==================================================================================

Bidi controls (U+202A–U+202E, U+2066–U+2069) in plan text are never needed for Dutch and an unclosed one
reverses the rest of a line, a CSV row or a file listing ("Trojan source"); they are removed. Line breaks and
tabs survive in :func:`clean` (a paragraph may hold them); other C0/C1 control characters and lone surrogates
do not.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
"""Embedding, override and isolate controls (removed); LRM/RLM marks are harmless and kept."""

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff" + BIDI_CONTROLS + "]")
SLUG_MAX = 60
"""Longest slug (file names: ``<slug>.csv`` stays far below the 255-byte limit of every file system)."""


def clean(text: object) -> str:
    """``text`` as a string without control characters (except tab and line breaks), bidi controls or surrogates.

    >>> clean("a\\x0bb\\u202ec")
    'abc'
    """
    return _CONTROL.sub("", "" if text is None else str(text))


def for_figure(text: object) -> str:
    """Text for a matplotlib label/title/annotation: :func:`clean`.

    ``$`` needs no escape: :mod:`analyse.plots` switches mathtext off (``rcParams["text.parse_math"] = False``),
    so ``€ $x$`` in a budget post is drawn as written instead of being parsed (and failing) as a formula.
    """
    return clean(text)


def clean_figure(fig: object) -> object:
    """Clean every text artist of a matplotlib figure in place (titles, labels, legends, annotations)."""
    from matplotlib.text import Text  # noqa: PLC0415 – matplotlib only when a figure's text is checked (a base module)

    for artist in fig.findobj(Text):  # type: ignore[attr-defined]
        text = artist.get_text()
        if text and _CONTROL.search(text):
            artist.set_text(clean(text))
    return fig


def for_cell(value: object) -> object:
    """A CSV/XLSX cell: text is :func:`clean`-ed (openpyxl raises on control characters); other values unchanged."""
    return clean(value) if isinstance(value, str) else value


def slug(name: object, max_len: int = SLUG_MAX, default: str = "tabel") -> str:
    """An ASCII file-name/id slug of ``name``, at most ``max_len`` characters.

    Accents are folded (``één`` → ``een``), anything else becomes ``-``. A longer slug is cut and gets the first
    8 hex digits of the sha1 of the full slug, so two long names that share a beginning stay different.

    >>> slug("Maatregelen O1")
    'maatregelen-o1'
    >>> len(slug("x" * 300))
    60
    """
    text = unicodedata.normalize("NFKD", clean(name)).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-_")
    text = text or default
    if len(text) > max_len:
        digest = hashlib.sha1(text.encode()).hexdigest()[:8]
        text = f"{text[: max_len - 9].rstrip('-_')}-{digest}"
    return text


class NameRegistry:
    """Unique slugs within one report: the second ``o1`` (or ``O1``) becomes ``o1-2``, the third ``o1-3``.

    Used for the CSV file names and HTML ids of the tables and figures of one page, so no two links point to
    one file and no id repeats (two plans of one gemeente may both have an opgave ``O1``).
    """

    def __init__(self) -> None:
        self._used: set[str] = set()

    def claim(self, name: object, max_len: int = SLUG_MAX) -> str:
        """A slug of ``name`` not handed out before by this registry (and now reserved)."""
        base = slug(name, max_len)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            suffix = f"-{n}"
            candidate = base[: max_len - len(suffix)].rstrip("-_") + suffix
        self._used.add(candidate)
        return candidate

    def __contains__(self, name: str) -> bool:
        return name in self._used


__all__ = ["BIDI_CONTROLS", "NameRegistry", "SLUG_MAX", "clean", "clean_figure", "for_cell", "for_figure", "slug"]
