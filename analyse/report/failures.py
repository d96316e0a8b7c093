"""Plain-Dutch explanations of why a report failed (for error pages and the batch summary).

Expected failures are the exception classes of :mod:`analyse.errors`; their messages were written to be
read by people and are shown (escaped). Anything else is a bug: the page names the chapter where it
happened and points to the log file; the traceback itself never reaches the HTML.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def strip_ansi(text: str) -> str:
    """Remove terminal colour codes (IPython tracebacks are coloured)."""
    return _ANSI.sub("", text or "")


SOORTEN = ("onbekende_gemeente", "heringedeeld", "parameter", "data", "data_beschadigd", "plan", "plan_datum",
           "vergelijkbare_gemeenten", "schijf_vol", "alleen_lezen", "geheugen", "kernel", "uitvoermap",
           "instelling", "pdf", "geen_gegevens",
           "intern")
"""Every value of :attr:`Explanation.soort`; ``intern`` is left for real bugs."""


@dataclass
class Explanation:
    """What to put on an error page."""

    kop: str
    uitleg: str
    advies: list[str] = field(default_factory=list)
    soort: str = "fout"  # short machine label, see SOORTEN

    def summary(self) -> str:
        return f"{self.kop} {self.uitleg}".strip()


def _message(evalue: str, limit: int = 600) -> str:
    from analyse.report.publish import redact

    text = redact(strip_ansi(evalue)).strip().strip("'\"")
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ------------------------------------------------------------------------------------ invalid plan dates
_DATE = re.compile(r"(?<![\d-])(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2})?)?(?![\d-])")
_DATE_ERRORS = re.compile(r"month must be in|day is out of range|year \d+ is out of range|Invalid isoformat|"
                          r"hour must be in|minute must be in|second must be in|ongeldige datum|geen geldige datum|"
                          r"bestaat niet als datum|is geen datum", re.I)


def invalid_dates(files: Iterable[str | os.PathLike[str]]) -> list[tuple[str, int, str, str]]:
    """Dates in the text of ``files`` that do not exist (``2020-13-45``), quoted or not, outside comments.

    Returns:
        ``(file name, line number, value, reason)`` per bad date, in file and line order.
    """
    found = []
    for f in files:
        try:
            lines = Path(f).read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            continue
        for n, line in enumerate(lines, start=1):
            code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            for m in _DATE.finditer(code):
                year, month, day = (int(g) for g in m.groups())
                try:
                    _dt.date(year, month, day)
                except ValueError as exc:
                    found.append((Path(f).name, n, m.group(0), str(exc)))
    return found


def _line_of(msg: str) -> str | None:
    m = re.search(r"\b(?:regel|line)\s+(\d+)", msg, re.I)
    return m.group(1) if m else None


def _os_errno(ename: str, msg: str) -> int | None:
    m = re.search(r"\[Errno (\d+)\]", msg)
    if m:
        return int(m.group(1))
    return {"PermissionError": 13}.get(ename)


def _file_in(msg: str) -> str:
    m = re.search(r"['\"]([^'\"]+)['\"]\s*$", msg) or re.search(r"(\S+\.\w{2,8})\b", msg)
    return Path(m.group(1)).name if m else ""


def explain(ename: str, evalue: str = "", section: str | None = None, indelingsjaar: object = None,
            plan_files: Iterable[str | os.PathLike[str]] = ()) -> Explanation:
    """Map an exception name/message (as papermill reports them) to a Dutch explanation.

    Args:
        ename: Exception class name, e.g. ``"MergedGemeenteError"``.
        evalue: Exception message.
        section: Chapter of the report where it happened (from the notebook), if known.
        indelingsjaar: Indelingsjaar of the run, for the text.
        plan_files: The gemeente's plan files; searched for a non-existing date when the error is one.
    """
    msg = _message(evalue)
    waar = f" (onderdeel ‘{section}’)" if section else ""
    jaar = f" {indelingsjaar}" if indelingsjaar not in (None, "") else ""
    errno_ = _os_errno(ename, msg) if ename in {"OSError", "PermissionError", "IOError"} or "[Errno" in msg else None
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
    if errno_ == 28 or "No space left on device" in msg:
        return Explanation("De schijf is vol.",
                           f"Een bestand van het rapport kon niet worden geschreven{waar}: er is geen vrije "
                           "ruimte meer op de schijf. Dit is geen probleem met de gegevens van de gemeente.",
                           ["Maak schijfruimte vrij (bijvoorbeeld oude rapporten of de map figures/ opruimen).",
                            "Start de batch daarna opnieuw; rapporten die al klaar zijn, worden overgeslagen."],
                           "schijf_vol")
    if errno_ in (13, 30, 1) or "Read-only file system" in msg:
        from analyse import paths

        raw = strip_ansi(evalue)
        name = _file_in(msg)
        figures = (str(paths.FIGURES_DIR) in raw or "/figures/" in raw
                   or (name.endswith(".png") and "reports" not in raw))
        if name.endswith(".parquet") or "/processed/" in raw or str(paths.PROCESSED_DIR) in raw:
            return Explanation(f"Een bewerkt gegevensbestand{' ‘' + name + '’' if name else ''} kan niet worden "
                               f"gelezen{waar}.", "U hebt geen leesrechten op het bestand in data/processed. De "
                               "gegevens van de gemeente zelf zijn niet het probleem.",
                               ["Geef leesrechten op data/processed of bouw de gegevens opnieuw op met ‘make data’.",
                                "Maak het rapport daarna opnieuw."], "data")
        if name.lower().endswith((".yml", ".yaml")) or str(paths.PLANS_DIR) in raw or "/plans/" in raw:
            return Explanation("Het planbestand van deze gemeente kan niet worden gelezen.",
                               f"U hebt geen leesrechten op {name or 'het planbestand'} in plans/.",
                               ["Geef leesrechten op het planbestand en maak het rapport opnieuw."], "plan")
        if figures:
            return Explanation("De map voor figuren is niet beschrijfbaar.",
                               f"Het rapport kon {'figuur ' + name if name else 'een figuur'} niet opslaan{waar}: "
                               "de map figures/ staat op een alleen-lezen schijf of u hebt er geen schrijfrechten.",
                               ["Maak de map figures/ beschrijfbaar, of wijs met de omgevingsvariabele "
                                "ANALYSE_FIGURES_DIR een beschrijfbare map aan.", "Maak het rapport daarna opnieuw."],
                               "alleen_lezen")
        return Explanation("Een map van het rapport is niet beschrijfbaar.",
                           f"Het bestand {name or 'van het rapport'} kon niet worden geschreven{waar}: de map staat op "
                           "een alleen-lezen schijf of u hebt er geen schrijfrechten.",
                           ["Maak de map beschrijfbaar of kies met --output een andere uitvoermap.",
                            "Maak het rapport daarna opnieuw."], "alleen_lezen")
    if (ename.startswith("Arrow") or ename in {"OSError", "ParquetError", "ArrowInvalid"}
            or "parquet" in msg.lower()) and re.search(r"parquet|magic bytes|footer|corrupt", msg, re.I):
        name = re.search(r"([\w.-]+\.parquet)", msg)
        bestand = f" ‘{name.group(1)}’" if name else ""
        return Explanation(f"Een bewerkt gegevensbestand{bestand} is beschadigd{waar}.",
                           "Het bestand kon niet worden gelezen: het is onvolledig of geen geldig Parquet-bestand "
                           "(bijvoorbeeld na een afgebroken of gelijktijdige bouw). De gegevens van de gemeente zelf "
                           "zijn niet het probleem.",
                           ["Bouw de bewerkte gegevens opnieuw op met ‘make data’ (python -m analyse.data build).",
                            "Maak het rapport daarna opnieuw."], "data_beschadigd")
    if _DATE_ERRORS.search(msg) and ename in {"ValueError", "TypeError", "PlanValidationError", "ConstructorError"}:
        bad = invalid_dates(plan_files)
        if bad or ename == "PlanValidationError" or (section or "") in {"Opgaven", "Samenvatting", "Besparingen en "
                                                                         "taakstellingen", "Preventiematrix"}:
            if bad:
                naam, regel, waarde, reden = bad[0]
                uitleg = f"In {naam}, regel {regel}: ‘{waarde}’ bestaat niet als datum ({reden})."
                advies = [f"Herstel regel {regel} van {naam} in plans/: schrijf datums als JJJJ-MM-DD, bijvoorbeeld "
                          "2020-12-17 (of alleen ‘2020-12’ of ‘2020’ tussen aanhalingstekens)."]
                if len(bad) > 1:
                    advies.append("Ook deze regels bevatten een ongeldige datum: "
                                  + ", ".join(f"{b[0]} regel {b[1]}" for b in bad[1:6]) + ".")
            else:
                regel = _line_of(msg)
                uitleg = msg
                advies = [f"Herstel {'regel ' + regel + ' van ' if regel else ''}het planbestand in plans/: schrijf "
                          "datums als JJJJ-MM-DD, bijvoorbeeld 2020-12-17."]
            return Explanation("Het planbestand van deze gemeente bevat een datum die niet bestaat.", uitleg,
                               advies + ["Controleer het bestand met python -m analyse.plans.load."], "plan_datum")
    if ename in {"UnicodeDecodeError", "ReaderError"} and (plan_files or ".yml" in msg or "plan" in msg.lower()):
        names = ", ".join(Path(f).name for f in plan_files) or "het planbestand"
        return Explanation("Het planbestand van deze gemeente is geen leesbare tekst (UTF-8).", msg,
                           [f"Sla {names} op als UTF-8-tekst (in de editor: ‘Opslaan als’, codering UTF-8).",
                            "Controleer het bestand met python -m analyse.plans.load."], "plan")
    if ename == "PlanValidationError" or ename in {"ScannerError", "ParserError", "ComposerError", "ConstructorError"}:
        regel = _line_of(msg)
        waar_plan = f"regel {regel} van het planbestand" if regel else "het planbestand"
        return Explanation("Het planbestand van deze gemeente bevat fouten.", msg,
                           [f"Herstel {waar_plan} in plans/ (zie plans/SCHEMA.md).",
                            "Controleer het bestand met python -m analyse.plans.load."], "plan")
    if ename == "DataNotAvailableError":
        return Explanation(f"Benodigde gegevens ontbreken{waar}.", msg,
                           ["Bouw de data opnieuw op met ‘make data’ (of python -m analyse.data build)."], "data")
    if ename in {"DataIntegrityError"}:
        return Explanation(f"Een gegevensbestand is beschadigd of gewijzigd{waar}.", msg,
                           ["Importeer de brongegevens opnieuw en bouw de data op met ‘make data’."], "data_beschadigd")
    if ename in {"FileNotFoundError"} and ("processed" in msg or ".parquet" in msg):
        return Explanation("De bewerkte gegevens (data/processed) zijn niet gevonden.",
                           "Het rapport leest alleen bewerkte tabellen; die zijn nog niet gemaakt.",
                           ["Voer eerst ‘make data’ uit."], "data")
    if ename == "AnalyseError" and re.search(r"covariat|kenmerken|grootteklasse .*onbekend|peers?\b", msg, re.I):
        return Explanation(f"Vergelijkbare gemeenten konden niet worden gekozen{waar}.",
                           f"Voor deze gemeente ontbreken in de indeling{jaar} kenmerken (zoals het aantal inwoners) "
                           "waarmee vergelijkbare gemeenten worden gekozen; dat komt voor bij gemeenten van een oude "
                           f"indeling. Technisch: {msg}",
                           ["Kies een recenter indelingsjaar (bijv. --indelingsjaar 2024), eventueel voor de gemeente "
                            "waarin deze gemeente is opgegaan.",
                            "Of vergelijk met gemeenten uit de eigen regio: -p peer_method=regio."],
                           "vergelijkbare_gemeenten")
    if ename == "AnalyseError":
        return Explanation(f"De gegevens zijn niet toereikend voor dit rapport{waar}.", msg,
                           ["Controleer de parameters en de gegevens (make data) en maak het rapport opnieuw."], "data")
    if ename == "MemoryError":
        return Explanation(f"Er was te weinig geheugen{waar}.",
                           "Het rapport is afgebroken omdat de computer geen werkgeheugen meer had. Dit is geen "
                           "probleem met de gegevens van de gemeente.",
                           ["Probeer het opnieuw met minder parallelle taken (--jobs 1)."], "geheugen")
    if ename in {"DeadKernelError", "KernelStartError", "WorkerDied"}:
        return Explanation("De rekenomgeving (kernel) is onverwacht gestopt of kon niet starten.",
                           "Het rapport is twee keer geprobeerd. Dit is meestal een tekort aan geheugen of een "
                           "probleem met de installatie, niet met de gegevens van de gemeente.",
                           ["Probeer het opnieuw met minder parallelle taken (--jobs 1)."], "kernel")
    if ename in {"CellTimeoutError", "TimeoutError", "Empty"}:
        return Explanation(f"Het maken van het rapport duurde te lang{waar}.",
                           "Een onderdeel reageerde niet binnen de ingestelde tijd en is afgebroken.",
                           ["Probeer het opnieuw; meld het aan de beheerder als het blijft gebeuren."], "kernel")
    return Explanation(f"Er ging iets mis bij het maken van het rapport{waar}.",
                       f"Dit is een interne fout in het programma (technisch: {ename or 'onbekend'}), "
                       "geen probleem met de gegevens van de gemeente.",
                       ["Meld dit aan de beheerder en stuur het logbestand mee."], "intern")


EXPLAINED_CLASSES = frozenset({"MergedGemeenteError", "UnknownGemeenteError", "ParameterError", "PlanValidationError",
                               "DataNotAvailableError", "DataIntegrityError", "AnalyseError", "MemoryError",
                               "OSError", "PermissionError", "FileNotFoundError", "ValueError", "TypeError"})
"""Class names :func:`explain` has its own text for; other subclasses are explained by their ``soort``."""


def explain_error(info: Any, indelingsjaar: object = None, plan_files: Iterable[str | os.PathLike[str]] = (),
                  data: dict[str, Any] | None = None) -> Explanation:
    """Explain a failure sent as data (:class:`analyse.report.outcome.ErrorInfo`).

    The class's declared ``soort`` and its fields decide (a merged gemeente names its successor from the error's
    ``successor`` field; an unknown gemeente on a seed-only data set is "no data for this gemeente", not an unknown
    code). Errors without a record (a foreign exception) go through :func:`explain` on class and message.

    Args:
        info: the error (kind, message, chapter, soort, fields).
        indelingsjaar: of the run, for the text.
        plan_files: the gemeente's plan files (a non-existing date in them is named).
        data: what the processed data hold (``seed_only``, ``gemeenten``), see
            :func:`analyse.data.processed.generation_info`.
    """
    data = data or {}
    msg = _message(info.message)
    jaar = f" {indelingsjaar}" if indelingsjaar not in (None, "") else ""
    if info.soort == "heringedeeld":
        succ = info.fields.get("successor")
        advies = ["Maak het rapport voor de gemeente waarin deze gemeente is opgegaan"
                  + (f" ({succ})." if succ else "."),
                  "Of kies een eerder indelingsjaar waarin de gemeente nog bestond."]
        return Explanation(f"Deze gemeente bestaat niet meer in de indeling{jaar}: zij is heringedeeld.", msg,
                           advies, "heringedeeld")
    if info.soort == "onbekende_gemeente" and data.get("seed_only"):
        return no_data_for_gemeente(data, info.fields.get("code"))
    if info.soort == "onbekende_gemeente":
        return explain("UnknownGemeenteError", info.message, info.chapter, indelingsjaar)
    if info.is_a("ContractError") or info.soort == "contract":
        return Explanation(f"Een bewerkte tabel klopt niet{_waar(info.chapter)}.", msg,
                           ["Bouw de gegevens opnieuw met ‘make data’ en maak het rapport daarna opnieuw."],
                           "data_beschadigd")
    known = {"data": "DataNotAvailableError", "data_beschadigd": "DataIntegrityError", "plan": "PlanValidationError",
             "parameter": "ParameterError"}
    kind = info.kind
    if info.soort in known and kind not in EXPLAINED_CLASSES:  # a subclass: its declared soort decides
        kind = known[info.soort]
    errno_ = info.fields.get("errno")
    message = f"[Errno {errno_}] {info.message}" if isinstance(errno_, int) and "[Errno" not in info.message \
        else info.message
    if info.fields.get("filename") and str(info.fields["filename"]) not in message:
        message = f"{message}: '{info.fields['filename']}'"
    return explain(kind, message, info.chapter, indelingsjaar, plan_files)


def _waar(section: str | None) -> str:
    return f" (onderdeel ‘{section}’)" if section else ""


def no_data_for_gemeente(data: dict[str, Any], code: str | None = None) -> Explanation:
    """The explanation for a gemeente that is not in a seed-only data set.

    A seed-only set knows only the gemeenten of the seed documents, so it cannot tell a real code without data
    from a code that does not exist: the page says both, and how to build the full data.
    """
    n = data.get("gemeenten")
    welke = f"; {n} daarvan hebben cijfers" if n else ""
    wie = code or "deze gemeente"
    return Explanation(f"Voor {wie} zijn geen gegevens.",
                       f"De gegevens zijn alleen uit de voorbeeldcijfers gebouwd: de gemeenten uit de "
                       f"voorbeelddocumenten{welke}. Of {wie} een bestaande gemeentecode is, kan met deze gegevens "
                       "niet worden nagegaan.",
                       ["Bouw de volledige gegevens met ‘make data’, met de CBS-gegevens in ../shared/data of in de "
                        "map van ANALYSE_CBS_DIR.", "Maak het rapport daarna opnieuw."], "geen_gegevens")
