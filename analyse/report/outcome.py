"""The structured return channel from a report kernel to the runner: errors as data, not text to parse.

Kernel side: :func:`install` (run at kernel start-up, see :mod:`analyse.report.engine`) registers an IPython
exception handler. When a cell fails, it first displays the error as one JSON record (:data:`MIME`) and then
shows the usual traceback. The record holds the chapter (from :class:`analyse.content.ChapterError`, unwrapped
to its cause), the class and its bases, the ``soort`` the class declares (:mod:`analyse.errors`), its public
fields (``successor``, ``problems``, ``errno``, ``filename`` …) and the message.

Runner side: :func:`failure_of` finds the first failed cell of the executed notebook and returns an
:class:`ErrorInfo`: the record of that cell when there is one, else the cell's ``ename``/``evalue``. The chapter
comes from the failed cell's own metadata (``analyse.chapter``), never from an index into a notebook that
papermill has since changed (it inserts two cells on a failure).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MIME = "application/vnd.analyse.error+json"


@dataclass(frozen=True)
class ErrorInfo:
    """A failed report cell, as data."""

    kind: str
    """Class name of the error (the cause, for a chapter error)."""
    message: str = ""
    chapter: str | None = None
    soort: str | None = None
    """The machine label the error class declares (``AnalyseError.soort``), if any."""
    bases: tuple[str, ...] = ()
    fields: dict[str, Any] = field(default_factory=dict)
    structured: bool = False
    """``True`` when the kernel sent the record; ``False`` when only ``ename``/``evalue`` were available."""

    def is_a(self, name: str) -> bool:
        """Whether the error is (a subclass of) the class called ``name``."""
        return name == self.kind or name in self.bases


# ---------------------------------------------------------------------------------------------- kernel side
def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def record(exc: BaseException) -> dict[str, Any]:
    """The JSON record of ``exc`` (a chapter error is unwrapped to its cause and chapter)."""
    chapter = None
    cause = exc
    if type(exc).__name__ == "ChapterError" and getattr(exc, "chapter", None):
        chapter = exc.chapter  # type: ignore[attr-defined]
        cause = exc.__cause__ or exc
    fields = {k: _jsonable(v) for k, v in vars(cause).items() if not k.startswith("_")} if hasattr(cause, "__dict__") \
        else {}
    for name in ("errno", "strerror", "filename"):
        value = getattr(cause, name, None)
        if value is not None:
            fields[name] = _jsonable(value)
    message = cause.args[0] if isinstance(cause, KeyError) and cause.args else str(cause)
    return {"kind": type(cause).__name__, "message": str(message), "chapter": chapter,
            "soort": getattr(cause, "soort", None), "bases": [c.__name__ for c in type(cause).__mro__[1:]],
            "fields": fields}


def _handler(shell: Any, etype: type, value: BaseException, tb: Any, tb_offset: int | None = None) -> Any:
    try:
        from IPython.display import display  # noqa: PLC0415 – IPython only inside a report kernel

        display({MIME: record(value)}, raw=True)
    except Exception:  # noqa: BLE001 – the traceback below still reports the failure
        pass
    stb = shell.InteractiveTB.structured_traceback(etype, value, tb, tb_offset=tb_offset)
    shell._showtraceback(etype, value, stb)  # the usual error output (IPython's run_code only calls this handler)
    return stb


def install(shell: Any = None) -> bool:
    """Register the handler in the running IPython shell; ``False`` outside IPython."""
    if shell is None:
        try:
            from IPython import get_ipython  # noqa: PLC0415 – IPython only inside a report kernel
        except ImportError:
            return False
        shell = get_ipython()
    if shell is None:
        return False
    shell.set_custom_exc((Exception,), _handler)
    return True


INSTALL_CODE = "from analyse.report.outcome import install as __install; __install(); del __install"
"""Run once in every report kernel (warm-up code of :mod:`analyse.report.engine`)."""


# ---------------------------------------------------------------------------------------------- runner side
def failure_of(nb: Any) -> ErrorInfo | None:
    """The first failed cell of an executed notebook as an :class:`ErrorInfo` (``None`` when no cell failed)."""
    for cell in getattr(nb, "cells", None) or nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        error = next((o for o in outputs if o.get("output_type") == "error"), None)
        if error is None:
            continue
        chapter = (cell.get("metadata", {}).get("analyse") or {}).get("chapter")
        for out in outputs:
            data = out.get("data") or {}
            if MIME in data:
                rec = data[MIME]
                if isinstance(rec, str):
                    rec = json.loads(rec)
                return ErrorInfo(kind=rec.get("kind", error.get("ename", "")), message=rec.get("message", ""),
                                 chapter=rec.get("chapter") or chapter, soort=rec.get("soort"),
                                 bases=tuple(rec.get("bases") or ()), fields=dict(rec.get("fields") or {}),
                                 structured=True)
        return ErrorInfo(kind=error.get("ename", ""), message=error.get("evalue", ""), chapter=chapter)
    return None


__all__ = ["ErrorInfo", "INSTALL_CODE", "MIME", "failure_of", "install", "record"]
