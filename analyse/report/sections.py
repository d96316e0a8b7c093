"""Report sections: each function composes library calls into one displayable block per notebook cell.

The template notebook stays thin: ``sections.kosten(ctx)`` is the whole cell. Every function returns a
:class:`~analyse.report.Block` (HTML, escaped, numbers formatted the Dutch way with
:mod:`analyse.formatting`) or ``None`` when a chapter does not apply. A chapter without data shows a short
Dutch sentence, not an error. A chapter whose library module is not installed shows
"nog niet beschikbaar" (never invented numbers).

:func:`start` validates the parameters and returns the :class:`Context` that all sections share; the
context caches what several sections need (harmonised indicators, comparison, plans) so each is computed
once per report, and data loaders are cached per process (warm kernels keep them between gemeenten).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Sequence

from analyse import paths
from analyse.errors import ParameterError
from analyse.formatting import escape, fmt_number
from analyse.report import Block, blocks, heading, md, paragraph, set_output

REFERENCE_ROLES = ("provincie", "ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop", "nederland", "peers")
PEER_METHODS = ("kenmerken", "grootteklasse", "regio")


def module(name: str) -> ModuleType | None:
    """Import ``analyse.<name>``; ``None`` only when that module itself does not exist (yet)."""
    full = f"analyse.{name}"
    try:
        return importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name and (exc.name == full or full.startswith(exc.name + ".")):
            return None
        raise


def pending(what: str) -> Block:
    """The sentence shown for a chapter whose module is not available yet."""
    return Block(f'<p class="melding niet-beschikbaar">{escape(what)}: nog niet beschikbaar.</p>',
                 f"{what}: nog niet beschikbaar.", {"pending": [what]})


def note(text: str) -> Block:
    """A short Dutch remark in a grey box (e.g. why a chapter is empty)."""
    return Block(f'<p class="melding">{escape(text)}</p>', text)


@dataclass
class Context:
    """Parameters and shared, lazily computed results of one report."""

    gemeente: Any
    startjaar_beleid: int
    peer_k: int
    peer_method: str
    regio_rollen: tuple[str, ...]
    output_dir: str = ""
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def code(self) -> str:
        return self.gemeente.code

    @property
    def naam(self) -> str:
        return self.gemeente.naam

    @property
    def indelingsjaar(self) -> int:
        return int(self.gemeente.indelingsjaar)

    def parameters(self) -> dict[str, Any]:
        return {"gemeentecode": self.code, "indelingsjaar": self.indelingsjaar,
                "startjaar_beleid": self.startjaar_beleid, "peer_k": self.peer_k, "peer_method": self.peer_method,
                "regio_rollen": list(self.regio_rollen), "output_dir": self.output_dir}


def start(gemeente: Any, startjaar_beleid: int, peer_k: int = 10, peer_method: str = "kenmerken",
          regio_rollen: Sequence[str] = ("jeugdzorgregio", "nederland"), output_dir: str = "") -> Context:
    """Check the report parameters and set up the run (output folders for figures/CSV).

    Args:
        gemeente: The result of :func:`analyse.gemeenten.validate`.
        startjaar_beleid: Year the policy started (base year of the comparison).
        peer_k: Number of vergelijkbare gemeenten.
        peer_method: How peers are chosen (see :data:`PEER_METHODS`).
        regio_rollen: Reference roles shown next to the gemeente.
        output_dir: Root of the report folders ('' = default ``reports/``).

    Raises:
        ParameterError: with a Dutch message (and the English gist) naming the parameter.
    """
    jaar = int(gemeente.indelingsjaar)
    if not isinstance(startjaar_beleid, int) or isinstance(startjaar_beleid, bool):
        raise ParameterError(f"startjaar_beleid moet een jaartal zijn, niet {startjaar_beleid!r} (must be an int)")
    if not 2010 <= startjaar_beleid <= jaar:
        raise ParameterError(f"startjaar_beleid={startjaar_beleid} ligt niet tussen 2010 en het indelingsjaar {jaar} "
                             "(policy start year out of range)")
    if not isinstance(peer_k, int) or not 3 <= peer_k <= 50:
        raise ParameterError(f"peer_k={peer_k!r}: kies 3 tot en met 50 vergelijkbare gemeenten (peer_k out of range)")
    if peer_method not in PEER_METHODS:
        raise ParameterError(f"peer_method={peer_method!r} is onbekend; kies uit {', '.join(PEER_METHODS)} "
                             "(unknown peer method)")
    rollen = tuple(regio_rollen)
    unknown = [r for r in rollen if r not in REFERENCE_ROLES]
    if unknown or not rollen:
        raise ParameterError(f"regio_rollen bevat onbekende rol(len) {unknown}; kies uit {', '.join(REFERENCE_ROLES)} "
                             "(unknown reference roles)")
    if not isinstance(output_dir, str):
        raise ParameterError(f"output_dir moet tekst zijn, niet {output_dir!r}")
    set_output(gemeente.code, output_dir)
    return Context(gemeente, startjaar_beleid, peer_k, peer_method, rollen, output_dir)


def titel(ctx: Context) -> Block:
    """The report title (the only ``<h1>``) and one line about the gemeente."""
    g = ctx.gemeente
    inw = getattr(g, "inwoners", None)
    extra = f", {fmt_number(inw)} inwoners" if inw else ""
    sub = md("{naam} ({code}), provincie {prov}, indeling {jaar}{extra}. Beleid vergeleken vanaf {start}.",
             naam=g.naam, code=g.code, prov=getattr(g, "provincie_naam", "–"), jaar=ctx.indelingsjaar, extra=extra,
             start=ctx.startjaar_beleid)
    meta = {"gemeente": {"code": g.code, "naam": g.naam, "indelingsjaar": ctx.indelingsjaar}}
    return blocks([Block(f"<h1>{escape(g.naam)}: monitor sociaal domein</h1>", g.naam), sub], meta=meta)


def samenvatting(ctx: Context) -> Block:
    return pending("Samenvatting")


def kerncijfers(ctx: Context) -> Block:
    return pending("Kerncijfers")


def indicatoren(ctx: Context) -> Block:
    return pending("Indicatoren")


def indicator_trends(ctx: Context) -> Block:
    return pending("Trends per indicator")


def funnels(ctx: Context) -> Block:
    return pending("Positie ten opzichte van alle gemeenten (funnelplot)")


def kosten(ctx: Context) -> Block:
    return pending("Kostenontwikkeling")


def opgaven(ctx: Context) -> Block | None:
    return None


def besparingen(ctx: Context) -> Block | None:
    return None


def preventiematrix(ctx: Context) -> Block | None:
    return None


def bronnen(ctx: Context) -> Block:
    return pending("Data en bronnen")


def colofon(ctx: Context) -> Block:
    import analyse

    return paragraph(f"analyse {analyse.__version__}")


__all__ = ["Context", "start", "titel", "samenvatting", "kerncijfers", "indicatoren", "indicator_trends",
           "funnels", "kosten", "opgaven", "besparingen", "preventiematrix", "bronnen", "colofon", "module",
           "pending", "note", "heading", "paths"]
