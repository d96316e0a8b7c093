"""Plain-Dutch explanations of why a report failed (for error pages and the batch summary).

Expected failures are the exception classes of :mod:`analyse.errors`; their messages were written to be
read by people and are shown (escaped). Anything else is a bug: the page names the chapter where it
happened and points to the log file; the traceback itself never reaches the HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (IPython tracebacks are coloured)."""
    return _ANSI.sub("", text or "")


@dataclass
class Explanation:
    """What to put on an error page."""

    kop: str
    uitleg: str
    advies: list[str] = field(default_factory=list)
    soort: str = "fout"  # short machine label: onbekende_gemeente, heringedeeld, data, plan, parameter, kernel, intern

    def summary(self) -> str:
        return f"{self.kop} {self.uitleg}".strip()


def _message(evalue: str, limit: int = 600) -> str:
    text = strip_ansi(evalue).strip().strip("'\"")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def explain(ename: str, evalue: str = "", section: str | None = None, indelingsjaar: object = None) -> Explanation:
    """Map an exception name/message (as papermill reports them) to a Dutch explanation.

    Args:
        ename: Exception class name, e.g. ``"MergedGemeenteError"``.
        evalue: Exception message.
        section: Chapter of the report where it happened (from the notebook), if known.
        indelingsjaar: Indelingsjaar of the run, for the text.
    """
    msg = _message(evalue)
    waar = f" (onderdeel ‘{section}’)" if section else ""
    jaar = f" {indelingsjaar}" if indelingsjaar not in (None, "") else ""
    if ename == "MergedGemeenteError":
        succ = re.search(r"\bGM\d{4}\b.*?\b(GM\d{4})\b", msg)
        advies = ["Maak het rapport voor de gemeente waarin deze gemeente is opgegaan"
                  + (f" ({succ.group(1)})." if succ else "."),
                  "Of kies een eerder indelingsjaar waarin de gemeente nog bestond."]
        return Explanation(f"Deze gemeente bestaat niet meer in de indeling{jaar}: zij is heringedeeld.", msg,
                           advies, "heringedeeld")
    if ename == "UnknownGemeenteError":
        return Explanation(f"De gemeentecode is onbekend in de indeling{jaar}.", msg,
                           ["Controleer de code: CBS-codes hebben de vorm GM gevolgd door vier cijfers (bijv. GM0531).",
                            "Controleer het indelingsjaar."], "onbekende_gemeente")
    if ename == "ParameterError":
        return Explanation("Een parameter van het rapport is ongeldig.", msg,
                           ["Pas de parameter aan en maak het rapport opnieuw."], "parameter")
    if ename == "DataNotAvailableError":
        return Explanation(f"Benodigde gegevens ontbreken{waar}.", msg,
                           ["Bouw de data opnieuw op met ‘make data’ (of python -m analyse.data build)."], "data")
    if ename in {"DataIntegrityError"}:
        return Explanation(f"Een gegevensbestand is beschadigd of gewijzigd{waar}.", msg,
                           ["Importeer de brongegevens opnieuw en bouw de data op met ‘make data’."], "data")
    if ename in {"FileNotFoundError"} and ("processed" in msg or ".parquet" in msg):
        return Explanation("De bewerkte gegevens (data/processed) zijn niet gevonden.",
                           "Het rapport leest alleen bewerkte tabellen; die zijn nog niet gemaakt.",
                           ["Voer eerst ‘make data’ uit."], "data")
    if ename == "PlanValidationError":
        return Explanation("Het planbestand van deze gemeente bevat fouten.", msg,
                           ["Herstel het planbestand in plans/ (zie plans/SCHEMA.md)."], "plan")
    if ename in {"DeadKernelError", "KernelStartError"}:
        return Explanation("De rekenomgeving (kernel) is onverwacht gestopt of kon niet starten.",
                           "Het rapport is twee keer geprobeerd. Dit is meestal een tekort aan geheugen of een "
                           "probleem met de installatie, niet met de gegevens van de gemeente.",
                           ["Probeer het opnieuw met minder parallelle taken (--jobs 1)."], "kernel")
    if ename in {"CellTimeoutError", "TimeoutError"}:
        return Explanation(f"Het maken van het rapport duurde te lang{waar}.",
                           "Een onderdeel reageerde niet binnen de ingestelde tijd en is afgebroken.",
                           ["Probeer het opnieuw; meld het aan de beheerder als het blijft gebeuren."], "kernel")
    return Explanation(f"Er ging iets mis bij het maken van het rapport{waar}.",
                       f"Dit is een interne fout in het programma (technisch: {ename or 'onbekend'}), "
                       "geen probleem met de gegevens van de gemeente.",
                       ["Meld dit aan de beheerder en stuur het logbestand mee."], "intern")
