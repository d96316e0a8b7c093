"""Plan schema v1: vocabularies, dataclasses and the field specification the loader validates against.

The human-readable version is ``plans/SCHEMA.md``; both must change together. Every object type is a frozen
dataclass whose attribute names equal the YAML keys; each key is declared once, as a dataclass field made by
:func:`spec` that carries its validation rule (:class:`Field`: kind, required, vocabulary, child class).
:data:`SPEC` (class → key → rule) is read from those declarations; the generic walker in
:mod:`analyse.plans.load` uses it to validate and build the objects, ``python -m analyse.plans new`` writes its
skeleton from it, and a test checks that ``plans/SCHEMA.md`` lists every key with its R/O. Adding an optional
field is one line here plus its row (prose) in ``SCHEMA.md``.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path

from analyse import vocab

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
POLARITEITEN = vocab.POLARITIES
EENHEDEN = vocab.UNITS
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


SPEC_KEY = "plan_schema"
"""Metadata key of a dataclass field that carries its :class:`Field`."""


def spec(rule: Field, default: object = MISSING, factory: object = MISSING):  # noqa: ANN201 – a dataclass field
    """A dataclass field that is also a YAML key validated by ``rule`` (the one declaration of a plan key)."""
    if factory is not MISSING:
        return field(default_factory=factory, metadata={SPEC_KEY: rule})  # type: ignore[arg-type]
    return field(default=default, metadata={SPEC_KEY: rule})


_S = Field("str")
_SR = Field("str", required=True)
_STATUS = Field("str", vocab=STATUSSEN)


# ---------------------------------------------------------------------------------------------- dataclasses
@dataclass(frozen=True)
class Bron:
    document: str = spec(_SR, "")
    titel: str = spec(_SR, "")
    auteur: str | None = spec(_S, None)
    bureau: str | None = spec(_S, None)
    datum: str | None = spec(Field("date"), None)
    url: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Beleidsperiode:
    """When the policy started and which year is its nulmeting (base year), as the document says."""

    startjaar: int | None = spec(Field("year"), None)
    nulmeting_jaar: int | None = spec(Field("year"), None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Uitgave:
    """A spending total the document itself gives (e.g. 'totale uitgaven sociaal domein' per year)."""

    jaar: int = spec(Field("year", required=True, nullable=False), 0)
    bedrag: float | None = spec(Field("amount"), None)
    soort: str = spec(Field("str", vocab=UITGAVE_SOORTEN), "realisatie")
    post: str = spec(_SR, "")
    scope: str | None = spec(_S, None)
    bron: str | None = spec(_S, None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Groeicijfer:
    """A growth figure the document gives for spending ('+4% tussen 2020 en 2024'), without amounts."""

    van: int = spec(Field("year", required=True, nullable=False), 0)
    tot: int = spec(Field("year", required=True, nullable=False), 0)
    groei_pct: float | None = spec(Field("number", required=True), None)
    post: str = spec(_SR, "")
    soort: str = spec(Field("str", vocab=UITGAVE_SOORTEN), "begroting")
    vergelijking: str | None = spec(_S, None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Periode:
    start: int = spec(Field("year", required=True, nullable=False), 0)
    eind: int = spec(Field("year", required=True, nullable=False), 0)


@dataclass(frozen=True)
class Tekst:
    """A bevinding or aanbeveling."""

    tekst: str = spec(_SR, "")
    bron: str | None = spec(Field("str", vocab=BEVINDING_BRONNEN), None)
    soort: str | None = spec(Field("str", vocab=BEVINDING_SOORTEN), None)
    """For a bevinding: ``succes``, ``knelpunt`` or ``neutraal`` (when absent, read from the text)."""
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class IndicatorDef:
    indicator_id: str = spec(_SR, "")
    naam: str = spec(_SR, "")
    eenheid: str | None = spec(Field("str", vocab=EENHEDEN), None)
    polariteit: str | None = spec(Field("str", vocab=POLARITEITEN), None)
    bron: str | None = spec(_S, None)
    continuiteit: str | None = spec(Field("str", vocab=CONTINUITEIT), None)
    vervangen_door: tuple[str, ...] = spec(Field("strlist"), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Meting:
    """A baseline or a realisation: value and period."""

    waarde: float | None = spec(Field("number", required=True), None)
    periode: str | None = spec(Field("period", required=True), None)
    bron: str | None = spec(_S, None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Streefwaarde:
    waarde: float | None = spec(Field("number"), None)
    richting: str | None = spec(Field("str", vocab=RICHTINGEN), None)
    deadline: str | None = spec(Field("deadline"), None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class DoelIndicator:
    indicator_id: str = spec(_SR, "")
    gemeentecode: str | None = spec(_S, None)
    baseline: Meting | None = spec(Field("obj", cls=Meting), None)
    streefwaarde: Streefwaarde | None = spec(Field("obj", cls=Streefwaarde), None)
    realisatie: Meting | None = spec(Field("obj", cls=Meting), None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Doel:
    id: str = spec(_SR, "")
    tekst: str = spec(_SR, "")
    soort: str | None = spec(Field("str", vocab=DOEL_SOORTEN), None)
    doelgroep: str | None = spec(_S, None)
    deadline: str | None = spec(Field("deadline"), None)
    smart: dict | None = spec(Field("smart"), None)
    indicatoren: tuple[DoelIndicator, ...] = spec(Field("list", cls=DoelIndicator), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Output:
    omschrijving: str = spec(_SR, "")
    realisatie: float | None = spec(Field("number"), None)
    doel: float | None = spec(Field("number"), None)
    doel_max: float | None = spec(Field("number"), None)
    eenheid: str | None = spec(_S, None)
    periode: str | None = spec(Field("period"), None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Budgetregel:
    jaar: int = spec(Field("year", required=True, nullable=False), 0)
    begroot: float | None = spec(Field("amount"), None)
    gerealiseerd: float | None = spec(Field("amount"), None)
    post: str | None = spec(_S, None)
    """Label of the line as the document names it (shown in the budget table)."""
    deel_van: str | None = spec(_S, None)
    """``post`` of the line this one is part of ('waarvan'); excluded from totals."""
    in_totaal: bool = spec(Field("bool", nullable=False), True)
    """False for context amounts (e.g. the whole gemeentebegroting) that are not part of the plan's money."""
    bron: str | None = spec(_S, None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Actie:
    id: str = spec(_SR, "")
    omschrijving: str = spec(_SR, "")
    status: str | None = spec(_STATUS, None)
    realisatie: str | None = spec(_S, None)
    budget: tuple[Budgetregel, ...] = spec(Field("list", cls=Budgetregel), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Maatregel:
    id: str = spec(_SR, "")
    titel: str = spec(_SR, "")
    omschrijving: str | None = spec(_S, None)
    doel: str | None = spec(_S, None)
    status: str = spec(_STATUS, "onbekend")
    status_toelichting: str | None = spec(_S, None)
    opgegaan_in: str | None = spec(_S, None)
    doelverschuiving: str | None = spec(_S, None)
    bewijs_niveau: str | None = spec(Field("str", vocab=BEWIJS_NIVEAUS), None)
    preventie_niveau: tuple[str, ...] = spec(Field("str_or_list", vocab=PREVENTIE_NIVEAUS), ())
    domein: tuple[str, ...] = spec(Field("str_or_list", vocab=DOMEINEN), ())
    eigenaar: str | None = spec(_S, None)
    uitvoerder: tuple[str, ...] = spec(Field("str_or_list"), ())
    doelgroep: str | None = spec(_S, None)
    start: int | None = spec(Field("year"), None)
    eind: int | None = spec(Field("year"), None)
    outputs: tuple[Output, ...] = spec(Field("list", cls=Output), ())
    budget: tuple[Budgetregel, ...] = spec(Field("list", cls=Budgetregel), ())
    indicatoren: tuple[str, ...] = spec(Field("strlist"), ())
    interventies: tuple[str, ...] = spec(Field("strlist"), ())
    acties: tuple[Actie, ...] = spec(Field("list", cls=Actie), ())
    bevindingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    aanbevelingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Opgave:
    id: str = spec(_SR, "")
    titel: str = spec(_SR, "")
    alternatieve_titels: tuple[str, ...] = spec(Field("strlist"), ())
    onderdeel_van: str | None = spec(_S, None)
    doel: str | None = spec(_S, None)
    thema: str | None = spec(_S, None)
    domein: tuple[str, ...] = spec(Field("str_or_list", vocab=DOMEINEN), ())
    eigenaar: str | None = spec(_S, None)
    beleidstheorie: str | None = spec(_S, None)
    doelen: tuple[Doel, ...] = spec(Field("list", cls=Doel), ())
    maatregelen: tuple[Maatregel, ...] = spec(Field("list", cls=Maatregel), ())
    budget: tuple[Budgetregel, ...] = spec(Field("list", cls=Budgetregel), ())
    bevindingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    aanbevelingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Besparing:
    post: str = spec(_SR, "")
    jaar: int = spec(Field("year", required=True, nullable=False), 0)
    gepland: float | None = spec(Field("amount"), None)
    gerealiseerd: float | None = spec(Field("amount"), None)
    maatregel: str | None = spec(_S, None)
    id: str | None = spec(_S, None)
    soort_gepland: str = spec(Field("str", vocab=GEPLAND_SOORTEN, nullable=False), "begroot")
    soort_gerealiseerd: str = spec(Field("str", vocab=GEREALISEERD_SOORTEN, nullable=False), "gerealiseerd")
    reeks: str | None = spec(_S, None)
    """Ledger series the amount belongs to (amounts of one reeks are yearly levels that may be added)."""
    bron: str | None = spec(_S, None)
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Taakstelling:
    id: str = spec(_SR, "")
    omschrijving: str = spec(_SR, "")
    bedrag: float | None = spec(Field("amount"), None)
    jaar: int | None = spec(Field("year"), None)
    structureel: bool | None = spec(Field("bool"), None)
    schaal: str | None = spec(Field("str", vocab=SCHALEN), None)
    status: str | None = spec(_S, None)
    soort: str = spec(Field("str", vocab=GEPLAND_SOORTEN, nullable=False), "begroot")
    reeks: str | None = spec(_S, None)
    """Ledger series: the taakstelling is the begroot (or doelstelling) level of that reeks in ``jaar``."""
    gerealiseerd: float | None = spec(Field("amount"), None)
    """Realised level as the document prints it for the reeks in ``jaar`` (checked against the besparingen)."""
    openstaand: float | None = spec(Field("amount"), None)
    """Open amount as printed."""
    aandeel_gemeente: float | None = spec(Field("amount"), None)
    """For a ``schaal: regio`` taakstelling (e.g. of a GR): the gemeente's own part, when the document gives it."""
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Interventie:
    id: str = spec(_SR, "")
    naam: str = spec(_SR, "")
    doel: str | None = spec(_S, None)
    status: str | None = spec(_STATUS, None)
    status_tekst: str | None = spec(_S, None)
    kosten: float | None = spec(Field("amount"), None)
    bezuiniging: float | None = spec(Field("amount"), None)
    resultaat_gerapporteerd: bool = spec(Field("bool", required=True, nullable=False), False)
    resultaat: str | None = spec(_S, None)
    opgave: str | None = spec(_S, None)
    maatregel: str | None = spec(_S, None)
    preventie_niveau: tuple[str, ...] = spec(Field("str_or_list", vocab=PREVENTIE_NIVEAUS), ())
    domein: tuple[str, ...] = spec(Field("str_or_list"), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class MatrixCel:
    niveau: str = spec(_SR, "")
    domein: str = spec(_SR, "")
    gewenste_situatie: str | None = spec(_S, None)
    probleem: str | None = spec(_S, None)
    maatregelen: tuple[str, ...] = spec(Field("strlist"), ())
    interventies: tuple[str, ...] = spec(Field("strlist"), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Preventiematrix:
    niveaus: tuple[str, ...] = spec(Field("strlist", vocab=PREVENTIE_NIVEAUS),
                                    ("universeel", "selectief", "geindiceerd"))
    domeinen: tuple[str, ...] = spec(Field("strlist"), ())
    cellen: tuple[MatrixCel, ...] = spec(Field("list", cls=MatrixCel), ())
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class EvaluatieConclusie:
    tekst: str = spec(_SR, "")
    opgave: str | None = spec(_S, None)
    maatregelen: tuple[str, ...] = spec(Field("strlist"), ())
    uitkomst: str | None = spec(Field("str", vocab=UITKOMSTEN), None)
    oordeel: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Tekortkoming:
    soort: str = spec(Field("str", required=True, vocab=TEKORTKOMINGEN), "")
    tekst: str = spec(_SR, "")
    opgave: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Evaluatie:
    uitvoerder: str | None = spec(_S, None)
    datum: str | None = spec(Field("date"), None)
    methode: str | None = spec(_S, None)
    conclusies: tuple[EvaluatieConclusie, ...] = spec(Field("list", cls=EvaluatieConclusie), ())
    rangorde: tuple[str, ...] = spec(Field("strlist"), ())
    tekortkomingen: tuple[Tekortkoming, ...] = spec(Field("list", cls=Tekortkoming), ())
    geen_effectcijfers: str | None = spec(_S, None)
    """Why the evaluation deliberately leaves effect figures out (verbatim, with page); the report then does not
    headline before/after figures for this plan."""
    toelichting: str | None = spec(_S, None)
    bron_pagina: str | None = spec(_S, None)


@dataclass(frozen=True)
class Plan:
    schema_version: int = spec(Field("int", required=True, nullable=False), SCHEMA_VERSION)
    gemeentecode: str = spec(_SR, "")
    gemeente: str = spec(_SR, "")
    titel: str = spec(_SR, "")
    soort: str = spec(Field("str", required=True, vocab=SOORTEN), "")
    periode: Periode = spec(Field("obj", required=True, cls=Periode), factory=Periode)
    beleidsperiode: Beleidsperiode | None = spec(Field("obj", cls=Beleidsperiode), None)
    vastgesteld: str | None = spec(Field("date"), None)
    evalueert: str | None = spec(_S, None)
    bron: Bron = spec(Field("obj", required=True, cls=Bron), factory=Bron)
    context: str | None = spec(_S, None)
    beleidstheorie: str | None = spec(_S, None)
    leidende_principes: tuple[str, ...] = spec(Field("strlist"), ())
    indicatoren: tuple[IndicatorDef, ...] = spec(Field("list", cls=IndicatorDef), ())
    opgaven: tuple[Opgave, ...] = spec(Field("list", required=True, cls=Opgave), ())
    bevindingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    aanbevelingen: tuple[Tekst, ...] = spec(Field("list", cls=Tekst, text_ok=True), ())
    besparingen: tuple[Besparing, ...] = spec(Field("list", cls=Besparing), ())
    taakstellingen: tuple[Taakstelling, ...] = spec(Field("list", cls=Taakstelling), ())
    interventies: tuple[Interventie, ...] = spec(Field("list", cls=Interventie), ())
    preventiematrix: Preventiematrix | None = spec(Field("obj", cls=Preventiematrix), None)
    evaluatie: Evaluatie | None = spec(Field("obj", cls=Evaluatie), None)
    uitgaven: tuple[Uitgave, ...] = spec(Field("list", cls=Uitgave), ())
    kostenontwikkeling: tuple[Groeicijfer, ...] = spec(Field("list", cls=Groeicijfer), ())
    toelichting: str | None = spec(_S, None)
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
PLAN_CLASSES: tuple[type, ...] = (
    Bron, Beleidsperiode, Uitgave, Groeicijfer, Periode, Tekst, IndicatorDef, Meting, Streefwaarde, DoelIndicator,
    Doel, Output, Budgetregel, Actie, Maatregel, Opgave, Besparing, Taakstelling, Interventie, MatrixCel,
    Preventiematrix, EvaluatieConclusie, Tekortkoming, Evaluatie, Plan,
)
"""Every object type of a plan file, children before parents."""

SPEC: dict[type, dict[str, Field]] = {
    cls: {f.name: f.metadata[SPEC_KEY] for f in fields(cls) if SPEC_KEY in f.metadata} for cls in PLAN_CLASSES
}
"""Class → YAML key → :class:`Field`, read from the dataclass declarations (one declaration per key)."""


SMART_KEYS = ("specifiek", "meetbaar", "acceptabel", "realistisch", "tijdgebonden")
