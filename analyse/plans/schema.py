"""Plan schema v1: vocabularies, dataclasses and the field specification the loader validates against.

The human-readable version is ``plans/SCHEMA.md``; both must change together. Every object type is a frozen
dataclass whose attribute names equal the YAML keys, and :data:`SPEC` maps each class to its fields
(:class:`Field`: kind, required, vocabulary, child class). The generic walker in :mod:`analyse.plans.load`
uses ``SPEC`` to validate and build the objects, so adding an optional field means adding it in three
places: the dataclass, ``SPEC`` and ``SCHEMA.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_VERSION = 1

SOORTEN = ("plan", "evaluatie", "tussenevaluatie", "notitie", "voortgangsrapportage", "raadsbrief", "beleidskader")
STATUSSEN = (
    "gerealiseerd",
    "gestart",
    "ten dele",
    "gestrand",
    "niet uitgevoerd",
    "opgegaan in",
    "buiten plan gerealiseerd",
    "te vroeg",
    "gepland",
    "onbekend",
)
"""Maatregel/actie/interventie status. The first eight are evaluation outcomes; ``gepland`` and ``onbekend``
are for plan documents and for maatregelen the document says nothing about."""
EVALUATIE_STATUSSEN = STATUSSEN[:8]
STATUS_SYNONIEMEN = {
    "afgerond": "gerealiseerd",
    "uitgevoerd": "gerealiseerd",
    "voltooid": "gerealiseerd",
    "in uitvoering": "gestart",
    "loopt": "gestart",
    "deels": "ten dele",
    "beperkt": "ten dele",
    "gedeeltelijk": "ten dele",
    "gestopt": "gestrand",
    "vroegtijdig beëindigd": "gestrand",
    "stilgelegd": "gestrand",
    "geen vervolg": "niet uitgevoerd",
    "niet gestart": "niet uitgevoerd",
    "samengevoegd": "opgegaan in",
    "buiten plan": "buiten plan gerealiseerd",
}
"""Common wordings in the documents and the status they usually map to (used for suggestions only)."""
BEWIJS_NIVEAUS = ("effect", "output", "input", "geen")
PREVENTIE_NIVEAUS = ("basis", "universeel", "selectief", "geindiceerd", "zorg")
DOMEINEN = (
    "jeugd",
    "wmo",
    "participatie",
    "armoede",
    "schulden",
    "preventie",
    "gezondheid",
    "veiligheid",
    "wonen",
    "onderwijs",
    "zorg",
    "algemeen",
)
RICHTINGEN = ("hoger", "lager", "gelijk")
POLARITEITEN = ("hoger_beter", "lager_beter", "neutraal")
EENHEDEN = ("aantal", "procent", "per_1000", "eur", "eur_per_inwoner", "index", "jaar", "score")
CONTINUITEIT = ("bijgewerkt", "geen_nieuwe_meting", "definitie_gewijzigd", "niet_herleidbaar", "vervangen")
BEVINDING_BRONNEN = (
    "interview",
    "document",
    "monitor",
    "cijfers",
    "evaluatie",
    "literatuur",
    "raad",
    "inwoners",
    "anders",
)
DOEL_SOORTEN = ("effect", "output", "proces")
SCHALEN = ("gemeente", "regio")
UITKOMSTEN = ("op koers", "deels op koers", "niet op koers", "nog niet te beoordelen")
BEVINDING_SOORTEN = ("succes", "knelpunt", "neutraal")
BESPARING_SOORTEN = ("begroot", "gerealiseerd", "schatting", "doelstelling")
"""Kind of a savings amount: ``begroot`` (in the begroting as taakstelling), ``gerealiseerd`` (booked),
``schatting`` (an estimate, e.g. from a study, never shown as realised) and ``doelstelling`` (a target path)."""
GEPLAND_SOORTEN = ("begroot", "doelstelling")
GEREALISEERD_SOORTEN = ("gerealiseerd", "schatting")
UITGAVE_SOORTEN = ("realisatie", "begroting")
TEKORTKOMINGEN = (
    "doelen_niet_smart",
    "geen_streefwaarden",
    "geen_nulmeting",
    "geen_beleidstheorie",
    "indicator_continuiteit",
    "doelverschuiving",
    "geen_sturing",
    "attributie",
    "financien_niet_herleidbaar",
    "outputdata_ontbreken",
    "geen_inwonerperspectief",
    "anders",
)


@dataclass(frozen=True)
class Field:
    """How one YAML key is validated.

    kind: ``str``, ``int`` (whole number), ``year`` (1900-2100), ``number`` (finite value, |x| ≤ 1e12, null
    allowed), ``amount`` (euro: finite, ≥ 0, ≤ 1e11, null allowed), ``bool``, ``date``, ``period``
    (``"2019"``, ``"2019H2"`` …), ``deadline`` (year or period), ``obj`` (child ``cls``), ``list`` (of ``cls``;
    with ``text_ok`` a plain string is read as ``{tekst: ...}``), ``strlist`` (list of str), ``str_or_list``
    (str or list of str, normalised to a tuple).
    """

    kind: str
    required: bool = False
    vocab: tuple[str, ...] | None = None
    cls: type | None = None
    nullable: bool = True
    text_ok: bool = False


# ---------------------------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class Bron:
    document: str = ""
    titel: str = ""
    auteur: str | None = None
    bureau: str | None = None
    datum: str | None = None
    url: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Beleidsperiode:
    """When the policy started and which year is its nulmeting (base year), as the document says."""

    startjaar: int | None = None
    nulmeting_jaar: int | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Uitgave:
    """A spending total the document itself gives (e.g. 'totale uitgaven sociaal domein' per year)."""

    jaar: int = 0
    bedrag: float | None = None
    soort: str = "realisatie"
    post: str = ""
    scope: str | None = None
    bron: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Groeicijfer:
    """A growth figure the document gives for spending ('+4% tussen 2020 en 2024'), without amounts."""

    van: int = 0
    tot: int = 0
    groei_pct: float | None = None
    post: str = ""
    soort: str = "begroting"
    vergelijking: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Periode:
    start: int = 0
    eind: int = 0


@dataclass(frozen=True)
class Tekst:
    """A bevinding or aanbeveling."""

    tekst: str = ""
    bron: str | None = None
    soort: str | None = None
    """For a bevinding: ``succes``, ``knelpunt`` or ``neutraal`` (when absent, read from the text)."""
    bron_pagina: str | None = None


@dataclass(frozen=True)
class IndicatorDef:
    indicator_id: str = ""
    naam: str = ""
    eenheid: str | None = None
    polariteit: str | None = None
    bron: str | None = None
    continuiteit: str | None = None
    vervangen_door: tuple[str, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Meting:
    """A baseline or a realisation: value and period."""

    waarde: float | None = None
    periode: str | None = None
    bron: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Streefwaarde:
    waarde: float | None = None
    richting: str | None = None
    deadline: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class DoelIndicator:
    indicator_id: str = ""
    gemeentecode: str | None = None
    baseline: Meting | None = None
    streefwaarde: Streefwaarde | None = None
    realisatie: Meting | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Doel:
    id: str = ""
    tekst: str = ""
    soort: str | None = None
    doelgroep: str | None = None
    deadline: str | None = None
    smart: dict | None = None
    indicatoren: tuple[DoelIndicator, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Output:
    omschrijving: str = ""
    realisatie: float | None = None
    doel: float | None = None
    doel_max: float | None = None
    eenheid: str | None = None
    periode: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Budgetregel:
    jaar: int = 0
    begroot: float | None = None
    gerealiseerd: float | None = None
    post: str | None = None
    """Label of the line as the document names it (shown in the budget table)."""
    deel_van: str | None = None
    """``post`` of the line this one is part of ('waarvan'); excluded from totals."""
    in_totaal: bool = True
    """False for context amounts (e.g. the whole gemeentebegroting) that are not part of the plan's money."""
    bron: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Actie:
    id: str = ""
    omschrijving: str = ""
    status: str | None = None
    realisatie: str | None = None
    budget: tuple[Budgetregel, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Maatregel:
    id: str = ""
    titel: str = ""
    omschrijving: str | None = None
    doel: str | None = None
    status: str = "onbekend"
    status_toelichting: str | None = None
    opgegaan_in: str | None = None
    doelverschuiving: str | None = None
    bewijs_niveau: str | None = None
    preventie_niveau: tuple[str, ...] = ()
    domein: tuple[str, ...] = ()
    eigenaar: str | None = None
    uitvoerder: tuple[str, ...] = ()
    doelgroep: str | None = None
    start: int | None = None
    eind: int | None = None
    outputs: tuple[Output, ...] = ()
    budget: tuple[Budgetregel, ...] = ()
    indicatoren: tuple[str, ...] = ()
    interventies: tuple[str, ...] = ()
    acties: tuple[Actie, ...] = ()
    bevindingen: tuple[Tekst, ...] = ()
    aanbevelingen: tuple[Tekst, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Opgave:
    id: str = ""
    titel: str = ""
    alternatieve_titels: tuple[str, ...] = ()
    onderdeel_van: str | None = None
    doel: str | None = None
    thema: str | None = None
    domein: tuple[str, ...] = ()
    eigenaar: str | None = None
    beleidstheorie: str | None = None
    doelen: tuple[Doel, ...] = ()
    maatregelen: tuple[Maatregel, ...] = ()
    budget: tuple[Budgetregel, ...] = ()
    bevindingen: tuple[Tekst, ...] = ()
    aanbevelingen: tuple[Tekst, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Besparing:
    post: str = ""
    jaar: int = 0
    gepland: float | None = None
    gerealiseerd: float | None = None
    maatregel: str | None = None
    id: str | None = None
    soort_gepland: str = "begroot"
    soort_gerealiseerd: str = "gerealiseerd"
    reeks: str | None = None
    """Ledger series the amount belongs to (amounts of one reeks are yearly levels that may be added)."""
    bron: str | None = None
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Taakstelling:
    id: str = ""
    omschrijving: str = ""
    bedrag: float | None = None
    jaar: int | None = None
    structureel: bool | None = None
    schaal: str | None = None
    status: str | None = None
    soort: str = "begroot"
    reeks: str | None = None
    """Ledger series: the taakstelling is the begroot (or doelstelling) level of that reeks in ``jaar``."""
    gerealiseerd: float | None = None
    """Realised level as the document prints it for the reeks in ``jaar`` (checked against the besparingen)."""
    openstaand: float | None = None
    """Open amount as printed."""
    aandeel_gemeente: float | None = None
    """For a ``schaal: regio`` taakstelling (e.g. of a GR): the gemeente's own part, when the document gives it."""
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Interventie:
    id: str = ""
    naam: str = ""
    doel: str | None = None
    status: str | None = None
    status_tekst: str | None = None
    kosten: float | None = None
    bezuiniging: float | None = None
    resultaat_gerapporteerd: bool = False
    resultaat: str | None = None
    opgave: str | None = None
    maatregel: str | None = None
    preventie_niveau: tuple[str, ...] = ()
    domein: tuple[str, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class MatrixCel:
    niveau: str = ""
    domein: str = ""
    gewenste_situatie: str | None = None
    probleem: str | None = None
    maatregelen: tuple[str, ...] = ()
    interventies: tuple[str, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Preventiematrix:
    niveaus: tuple[str, ...] = ("universeel", "selectief", "geindiceerd")
    domeinen: tuple[str, ...] = ()
    cellen: tuple[MatrixCel, ...] = ()
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class EvaluatieConclusie:
    tekst: str = ""
    opgave: str | None = None
    maatregelen: tuple[str, ...] = ()
    uitkomst: str | None = None
    oordeel: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Tekortkoming:
    soort: str = ""
    tekst: str = ""
    opgave: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Evaluatie:
    uitvoerder: str | None = None
    datum: str | None = None
    methode: str | None = None
    conclusies: tuple[EvaluatieConclusie, ...] = ()
    rangorde: tuple[str, ...] = ()
    tekortkomingen: tuple[Tekortkoming, ...] = ()
    geen_effectcijfers: str | None = None
    """Why the evaluation deliberately leaves effect figures out (verbatim, with page); the report then does not
    headline before/after figures for this plan."""
    toelichting: str | None = None
    bron_pagina: str | None = None


@dataclass(frozen=True)
class Plan:
    schema_version: int = SCHEMA_VERSION
    gemeentecode: str = ""
    gemeente: str = ""
    titel: str = ""
    soort: str = ""
    periode: Periode = field(default_factory=Periode)
    beleidsperiode: Beleidsperiode | None = None
    vastgesteld: str | None = None
    evalueert: str | None = None
    bron: Bron = field(default_factory=Bron)
    context: str | None = None
    beleidstheorie: str | None = None
    leidende_principes: tuple[str, ...] = ()
    indicatoren: tuple[IndicatorDef, ...] = ()
    opgaven: tuple[Opgave, ...] = ()
    bevindingen: tuple[Tekst, ...] = ()
    aanbevelingen: tuple[Tekst, ...] = ()
    besparingen: tuple[Besparing, ...] = ()
    taakstellingen: tuple[Taakstelling, ...] = ()
    interventies: tuple[Interventie, ...] = ()
    preventiematrix: Preventiematrix | None = None
    evaluatie: Evaluatie | None = None
    uitgaven: tuple[Uitgave, ...] = ()
    kostenontwikkeling: tuple[Groeicijfer, ...] = ()
    toelichting: str | None = None
    path: Path | None = None
    """File the plan was read from (not a YAML key)."""
    warnings: tuple[str, ...] = ()
    """Non-fatal problems found while loading (not a YAML key)."""

    # convenience look-ups -------------------------------------------------------------------------------
    def opgave(self, opgave_id: str) -> Opgave:
        """Return the opgave with this id (KeyError if absent)."""
        for o in self.opgaven:
            if o.id == opgave_id:
                return o
        raise KeyError(f"opgave {opgave_id!r} niet in plan {self.titel!r}")

    def maatregelen(self) -> list[tuple[Opgave, Maatregel]]:
        """All (opgave, maatregel) pairs in document order."""
        return [(o, m) for o in self.opgaven for m in o.maatregelen]

    def maatregel(self, maatregel_id: str) -> Maatregel:
        """Return the maatregel with this id (KeyError if absent)."""
        for _, m in self.maatregelen():
            if m.id == maatregel_id:
                return m
        raise KeyError(f"maatregel {maatregel_id!r} niet in plan {self.titel!r}")

    def indicator_def(self, indicator_id: str) -> IndicatorDef | None:
        """The plan-register entry for an indicator id, or None."""
        return next((i for i in self.indicatoren if i.indicator_id == indicator_id), None)


# ---------------------------------------------------------------------------------------------- field spec
_S = Field("str")
_SR = Field("str", required=True)
_PAG = {"bron_pagina": _S}
_TOEL = {"toelichting": _S, **_PAG}
_STATUS = Field("str", vocab=STATUSSEN)

SPEC: dict[type, dict[str, Field]] = {
    Bron: {"document": _SR, "titel": _SR, "auteur": _S, "bureau": _S, "datum": Field("date"), "url": _S, **_PAG},
    Beleidsperiode: {"startjaar": Field("year"), "nulmeting_jaar": Field("year"), **_TOEL},
    Uitgave: {
        "jaar": Field("year", required=True, nullable=False),
        "bedrag": Field("amount"),
        "soort": Field("str", vocab=UITGAVE_SOORTEN),
        "post": _SR,
        "scope": _S,
        "bron": _S,
        **_TOEL,
    },
    Groeicijfer: {
        "van": Field("year", required=True, nullable=False),
        "tot": Field("year", required=True, nullable=False),
        "groei_pct": Field("number", required=True),
        "post": _SR,
        "soort": Field("str", vocab=UITGAVE_SOORTEN),
        "vergelijking": _S,
        **_TOEL,
    },
    Periode: {
        "start": Field("year", required=True, nullable=False),
        "eind": Field("year", required=True, nullable=False),
    },
    Tekst: {
        "tekst": _SR,
        "bron": Field("str", vocab=BEVINDING_BRONNEN),
        "soort": Field("str", vocab=BEVINDING_SOORTEN),
        **_PAG,
    },
    IndicatorDef: {
        "indicator_id": _SR,
        "naam": _SR,
        "eenheid": Field("str", vocab=EENHEDEN),
        "polariteit": Field("str", vocab=POLARITEITEN),
        "bron": _S,
        "continuiteit": Field("str", vocab=CONTINUITEIT),
        "vervangen_door": Field("strlist"),
        **_TOEL,
    },
    Meting: {"waarde": Field("number", required=True), "periode": Field("period", required=True), "bron": _S, **_TOEL},
    Streefwaarde: {
        "waarde": Field("number"),
        "richting": Field("str", vocab=RICHTINGEN),
        "deadline": Field("deadline"),
        **_TOEL,
    },
    DoelIndicator: {
        "indicator_id": _SR,
        "gemeentecode": _S,
        "baseline": Field("obj", cls=Meting),
        "streefwaarde": Field("obj", cls=Streefwaarde),
        "realisatie": Field("obj", cls=Meting),
        **_TOEL,
    },
    Doel: {
        "id": _SR,
        "tekst": _SR,
        "soort": Field("str", vocab=DOEL_SOORTEN),
        "doelgroep": _S,
        "deadline": Field("deadline"),
        "smart": Field("smart"),
        "indicatoren": Field("list", cls=DoelIndicator),
        **_TOEL,
    },
    Output: {
        "omschrijving": _SR,
        "realisatie": Field("number"),
        "doel": Field("number"),
        "doel_max": Field("number"),
        "eenheid": _S,
        "periode": Field("period"),
        **_TOEL,
    },
    Budgetregel: {
        "jaar": Field("year", required=True, nullable=False),
        "begroot": Field("amount"),
        "gerealiseerd": Field("amount"),
        "post": _S,
        "deel_van": _S,
        "in_totaal": Field("bool", nullable=False),
        "bron": _S,
        **_TOEL,
    },
    Actie: {
        "id": _SR,
        "omschrijving": _SR,
        "status": _STATUS,
        "realisatie": _S,
        "budget": Field("list", cls=Budgetregel),
        **_TOEL,
    },
    Maatregel: {
        "id": _SR,
        "titel": _SR,
        "omschrijving": _S,
        "doel": _S,
        "status": _STATUS,
        "status_toelichting": _S,
        "opgegaan_in": _S,
        "doelverschuiving": _S,
        "bewijs_niveau": Field("str", vocab=BEWIJS_NIVEAUS),
        "preventie_niveau": Field("str_or_list", vocab=PREVENTIE_NIVEAUS),
        "domein": Field("str_or_list", vocab=DOMEINEN),
        "eigenaar": _S,
        "uitvoerder": Field("str_or_list"),
        "doelgroep": _S,
        "start": Field("year"),
        "eind": Field("year"),
        "outputs": Field("list", cls=Output),
        "budget": Field("list", cls=Budgetregel),
        "indicatoren": Field("strlist"),
        "interventies": Field("strlist"),
        "acties": Field("list", cls=Actie),
        "bevindingen": Field("list", cls=Tekst, text_ok=True),
        "aanbevelingen": Field("list", cls=Tekst, text_ok=True),
        **_TOEL,
    },
    Opgave: {
        "id": _SR,
        "titel": _SR,
        "alternatieve_titels": Field("strlist"),
        "onderdeel_van": _S,
        "doel": _S,
        "thema": _S,
        "domein": Field("str_or_list", vocab=DOMEINEN),
        "eigenaar": _S,
        "beleidstheorie": _S,
        "doelen": Field("list", cls=Doel),
        "maatregelen": Field("list", cls=Maatregel),
        "budget": Field("list", cls=Budgetregel),
        "bevindingen": Field("list", cls=Tekst, text_ok=True),
        "aanbevelingen": Field("list", cls=Tekst, text_ok=True),
        **_TOEL,
    },
    Besparing: {
        "post": _SR,
        "jaar": Field("year", required=True, nullable=False),
        "gepland": Field("amount"),
        "gerealiseerd": Field("amount"),
        "maatregel": _S,
        "id": _S,
        "soort_gepland": Field("str", vocab=GEPLAND_SOORTEN, nullable=False),
        "soort_gerealiseerd": Field("str", vocab=GEREALISEERD_SOORTEN, nullable=False),
        "reeks": _S,
        "bron": _S,
        **_TOEL,
    },
    Taakstelling: {
        "id": _SR,
        "omschrijving": _SR,
        "bedrag": Field("amount"),
        "jaar": Field("year"),
        "structureel": Field("bool"),
        "schaal": Field("str", vocab=SCHALEN),
        "status": _S,
        "soort": Field("str", vocab=GEPLAND_SOORTEN, nullable=False),
        "reeks": _S,
        "gerealiseerd": Field("amount"),
        "openstaand": Field("amount"),
        "aandeel_gemeente": Field("amount"),
        **_TOEL,
    },
    Interventie: {
        "id": _SR,
        "naam": _SR,
        "doel": _S,
        "status": _STATUS,
        "status_tekst": _S,
        "kosten": Field("amount"),
        "bezuiniging": Field("amount"),
        "resultaat_gerapporteerd": Field("bool", required=True, nullable=False),
        "resultaat": _S,
        "opgave": _S,
        "maatregel": _S,
        "preventie_niveau": Field("str_or_list", vocab=PREVENTIE_NIVEAUS),
        "domein": Field("str_or_list"),
        **_TOEL,
    },
    MatrixCel: {
        "niveau": _SR,
        "domein": _SR,
        "gewenste_situatie": _S,
        "probleem": _S,
        "maatregelen": Field("strlist"),
        "interventies": Field("strlist"),
        **_TOEL,
    },
    Preventiematrix: {
        "niveaus": Field("strlist", vocab=PREVENTIE_NIVEAUS),
        "domeinen": Field("strlist"),
        "cellen": Field("list", cls=MatrixCel),
        **_TOEL,
    },
    EvaluatieConclusie: {
        "tekst": _SR,
        "opgave": _S,
        "maatregelen": Field("strlist"),
        "uitkomst": Field("str", vocab=UITKOMSTEN),
        "oordeel": _S,
        **_PAG,
    },
    Tekortkoming: {"soort": Field("str", required=True, vocab=TEKORTKOMINGEN), "tekst": _SR, "opgave": _S, **_PAG},
    Evaluatie: {
        "uitvoerder": _S,
        "datum": Field("date"),
        "methode": _S,
        "conclusies": Field("list", cls=EvaluatieConclusie),
        "rangorde": Field("strlist"),
        "tekortkomingen": Field("list", cls=Tekortkoming),
        "geen_effectcijfers": _S,
        **_TOEL,
    },
    Plan: {
        "schema_version": Field("int", required=True, nullable=False),
        "gemeentecode": _SR,
        "gemeente": _SR,
        "titel": _SR,
        "soort": Field("str", required=True, vocab=SOORTEN),
        "periode": Field("obj", required=True, cls=Periode),
        "beleidsperiode": Field("obj", cls=Beleidsperiode),
        "uitgaven": Field("list", cls=Uitgave),
        "kostenontwikkeling": Field("list", cls=Groeicijfer),
        "vastgesteld": Field("date"),
        "evalueert": _S,
        "bron": Field("obj", required=True, cls=Bron),
        "context": _S,
        "beleidstheorie": _S,
        "leidende_principes": Field("strlist"),
        "indicatoren": Field("list", cls=IndicatorDef),
        "opgaven": Field("list", required=True, cls=Opgave),
        "bevindingen": Field("list", cls=Tekst, text_ok=True),
        "aanbevelingen": Field("list", cls=Tekst, text_ok=True),
        "besparingen": Field("list", cls=Besparing),
        "taakstellingen": Field("list", cls=Taakstelling),
        "interventies": Field("list", cls=Interventie),
        "preventiematrix": Field("obj", cls=Preventiematrix),
        "evaluatie": Field("obj", cls=Evaluatie),
        "toelichting": _S,
    },
}

SMART_KEYS = ("specifiek", "meetbaar", "acceptabel", "realistisch", "tijdgebonden")
