"""The package's shared vocabulary: one declaration of every word and code that more than one module uses.

Verdict words, funnel positions, plan outcomes, region roles, units, period types, polarities, domeinen and
data kinds live here and nowhere else. Modules import the constants instead of writing the strings, so a
word that changes (or a new unit) is one edit. Report text is Dutch, so most values are Dutch words; the
constant names are English.

This module imports nothing from the package (it is the bottom layer).
"""

from __future__ import annotations

from types import MappingProxyType

# ------------------------------------------------------------------------------ verdicts on one indicator
BETER = "beter"
SLECHTER = "slechter"
GELIJK = "gelijk gebleven"
"""Change since the nulmeting within chance (the margin is known)."""
NIET_TE_BEOORDELEN = "niet te beoordelen"
"""No verdict possible: a value is missing, there is one period, or a break lies in between."""
MARGE_ONBEKEND = "marge onbekend"
"""A difference is shown, but no margin is known: never counted, ranked or chosen as a key message."""

HOGER = "hoger"
LAGER = "lager"
VERGELIJKBAAR = "vergelijkbaar"
"""Benchmark positions (Fingertips): the gemeente's interval wholly above / below / overlapping the reference."""

CHANGE_VERDICTS = (BETER, SLECHTER, GELIJK, MARGE_ONBEKEND, NIET_TE_BEOORDELEN)
"""Possible verdicts on the change since the nulmeting."""
BENCHMARK_VERDICTS = (BETER, SLECHTER, HOGER, LAGER, VERGELIJKBAAR, MARGE_ONBEKEND, NIET_TE_BEOORDELEN)
"""Possible verdicts of a comparison with a reference (with a polarity: beter/slechter, else hoger/lager)."""
JUDGED = (BETER, SLECHTER)
"""Verdicts that are claims: only printed, counted and ranked where the margin is known."""
DIRECTED = (BETER, SLECHTER, HOGER, LAGER)
"""Verdicts that say a difference is beyond chance."""

# Bases of a verdict: which kind of margin decided it.
BASIS_TOETS = "toets"
"""Counts known: binomial/Poisson noise plus the indicator's extra year-to-year variation (τ²)."""
BASIS_INTERVAL = "intervallen"
"""A published interval (survey) plus τ² where known."""
BASIS_ONBEKEND = "geen marge"
"""No margin known: the difference is shown with "marge onbekend", never judged."""
BASIS_REFERENTIE = "referentie"
"""Euro amounts: the real change against the reference's, described, never judged."""

# ------------------------------------------------------------------------------------- funnel positions
BOVEN = "boven"
BINNEN = "binnen"
ONDER = "onder"
FUNNEL_POSITIONS = (BOVEN, BINNEN, ONDER, NIET_TE_BEOORDELEN)
OPVALLEND_HOOG = "opvallend hoog"
OPVALLEND_LAAG = "opvallend laag"
NIET_OPVALLEND = "niet opvallend"
"""The funnel's own words: does the gemeente stand out among all gemeenten (a different question)."""
FUNNEL_WORDS = MappingProxyType({BOVEN: OPVALLEND_HOOG, ONDER: OPVALLEND_LAAG, BINNEN: NIET_OPVALLEND,
                                 NIET_TE_BEOORDELEN: NIET_TE_BEOORDELEN})

# ----------------------------------------------------------------------------------- recent trend words
STIJGEND = "stijgend"
DALEND = "dalend"
GEEN_TREND = "geen significante verandering"
TREND_NIET_BEREKEND = "niet te berekenen"

# ------------------------------------------------------------------------------------- plan outcomes
OP_KOERS = "op koers"
DEELS_OP_KOERS = "deels op koers"
NIET_OP_KOERS = "niet op koers"
NOG_NIET_TE_BEOORDELEN = "nog niet te beoordelen"
OUTCOMES = (OP_KOERS, DEELS_OP_KOERS, NIET_OP_KOERS, NOG_NIET_TE_BEOORDELEN)
"""Outcome of an opgave by our rules (never the evaluators' own words)."""

# --------------------------------------------------------------------------------------- polarities
HOGER_BETER = "hoger_beter"
LAGER_BETER = "lager_beter"
NEUTRAAL = "neutraal"
POLARITIES = (HOGER_BETER, LAGER_BETER, NEUTRAAL)

# ------------------------------------------------------------------------------------------- kinds
SHARE = "share"
RATE = "rate"
COUNT = "count"
LEVEL = "level"
KINDS = (SHARE, RATE, COUNT, LEVEL)
"""Statistic kinds of the catalogue: share (Wilson), rate (Poisson), count, level (no counts)."""

# ---------------------------------------------------------------------------------------- data kinds
REGISTER = "registratie"
STEEKPROEF = "steekproef"
TELLING = "telling"
DATA_KINDS = (REGISTER, STEEKPROEF, TELLING)
"""How a figure was measured: a full register (CBS jeugdzorg, Wmo, bijstand), a sample survey (GGD monitor), a
count of things (voorzieningen, POH's)."""

# ----------------------------------------------------------------------------------------------- units
UNIT_LABELS = MappingProxyType({
    "aantal": "aantal",
    "procent": "%",
    "per_1000": "per 1.000",
    "eur": "euro",
    "eur_per_inwoner": "euro per inwoner",
    "index": "index",
    "jaar": "jaar",
    "score": "score",
})
"""Unit code → short Dutch label (axis labels, table headers)."""
UNITS = tuple(UNIT_LABELS)
EUR_UNITS = ("eur", "eur_per_inwoner")
"""Euro amounts: compared in constant prices and only described against a reference."""

# ---------------------------------------------------------------------------------------- period types
JAAR = "jaar"
HALFJAAR = "halfjaar"
KWARTAAL = "kwartaal"
PEILDATUM = "peildatum"
PERIOD_TYPES = (JAAR, HALFJAAR, KWARTAAL, PEILDATUM)
"""Period types in order of preference for the reported series (one rule: yearly first)."""

# ----------------------------------------------------------------------------------------- region roles
NEDERLAND_CODE = "NL01"
REGION_ROLES = ("provincie", "ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop")
"""Roles of a region a gemeente belongs to (column prefix ``<role>_code`` / ``<role>_naam`` in gemeenten)."""
ROLE_LABELS = MappingProxyType({
    "provincie": "provincie",
    "ggd_regio": "GGD-regio",
    "jeugdzorgregio": "jeugdzorgregio",
    "arbeidsmarktregio": "arbeidsmarktregio",
    "corop": "COROP-gebied",
    "nederland": "Nederland",
    "regio": "regio",
})
"""Role → Dutch word used on the page."""
REFERENCE_ROLES = ("regio", *REGION_ROLES, "nederland")
"""Roles a report can compare with: ``regio`` picks the region that fits each indicator's domein."""

# ------------------------------------------------------------------------------------------- domeinen
DOMEINEN = ("jeugd", "wmo", "participatie", "armoede", "schulden", "preventie", "gezondheid", "veiligheid",
            "wonen", "onderwijs", "zorg", "bevolking", "financien", "algemeen")
"""Policy domeinen of the catalogue and plans."""
DOMEIN_LABELS = MappingProxyType({
    "jeugd": "Jeugd", "wmo": "Wmo en ondersteuning", "participatie": "Participatie en bijstand",
    "armoede": "Armoede", "schulden": "Schulden", "preventie": "Preventie en gezondheid",
    "gezondheid": "Gezondheid", "veiligheid": "Veiligheid", "wonen": "Wonen", "onderwijs": "Onderwijs",
    "zorg": "Zorg", "bevolking": "Bevolking", "financien": "Financiën", "algemeen": "Algemeen",
})
