"""Dutch number and text formatting for report output (``1.234,5``, ``12,3%``, ``€ 1,4 mln``).

All report text goes through these helpers so that the separator convention is applied once, everywhere.
Missing values are rendered as an explicit marker, never as ``0`` or ``nan``.
"""

from __future__ import annotations

import html
import logging
import math
import re
from collections.abc import Mapping
from numbers import Number
from typing import Any

from pandas import NA as NA_VALUE
from pandas.api.types import is_numeric_dtype

from analyse import safetext, vocab
from analyse.errors import AnalyseError

MISSING = "–"
"""Marker shown for a value that is missing, not delivered or suppressed."""


def _is_missing(value: object) -> bool:
    if value is None or value is NA_VALUE:
        return True
    try:
        return bool(math.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return False


def fmt_number(value: object, decimals: int = 0, missing: str = MISSING) -> str:
    """Format a number the Dutch way: thousands with ``.``, decimals with ``,``.

    >>> fmt_number(1234.5, 1)
    '1.234,5'
    """
    if _is_missing(value):
        return missing
    if not isinstance(value, Number):
        raise TypeError(f"fmt_number expects a number, got {value!r}")
    text = f"{float(value):,.{decimals}f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    if text.startswith("-") and float(text.replace(".", "").replace(",", ".")) == 0:
        text = text[1:]
    return text


def fmt_pct(value: object, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a percentage (value already in %): ``12,3%``."""
    return missing if _is_missing(value) else f"{fmt_number(value, decimals)}%"


def fmt_pp(value: object, decimals: int = 1, missing: str = MISSING) -> str:
    """Format a change in percentage points with sign: ``+0,3 procentpunt``."""
    if _is_missing(value):
        return missing
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    return f"{sign}{fmt_number(value, decimals)} procentpunt"


def fmt_signed(value: object, decimals: int = 1, suffix: str = "", missing: str = MISSING) -> str:
    """Format a change with an explicit sign: ``+2,8%`` or ``-1.250``."""
    if _is_missing(value):
        return missing
    sign = "+" if float(value) > 0 else ""  # type: ignore[arg-type]
    return f"{sign}{fmt_number(value, decimals)}{suffix}"


def fmt_eur(value: object, decimals: int = 0, missing: str = MISSING) -> str:
    """Format an amount in euro: ``€ 1.234.567``; amounts of a million or more as ``€ 1,4 mln``."""
    if _is_missing(value):
        return missing
    v = float(value)  # type: ignore[arg-type]
    if abs(v) >= 1_000_000:
        return f"€ {fmt_number(v / 1_000_000, 1)} mln"
    return f"€ {fmt_number(v, decimals)}"


def fmt_value(value: object, unit: str, missing: str = MISSING) -> str:
    """Format a value according to its catalogue unit (``procent``, ``per_1000``, ``aantal``, ``eur``…)."""
    if unit in {"procent", "percentage", "%"}:
        return fmt_pct(value, 1, missing)
    if unit in {"per_1000", "per 1.000"}:
        return fmt_number(value, 1, missing)
    if unit in {"eur", "euro"}:
        return fmt_eur(value, 0, missing)
    if unit in {"eur_per_inwoner"}:
        return missing if _is_missing(value) else f"€ {fmt_number(value, 0)}"
    if unit in {"index"}:
        return fmt_number(value, 1, missing)
    if unit in {"aantal", "count"}:
        return fmt_number(value, 0, missing)
    return fmt_number(value, 1, missing)


def period_label(period: object) -> str:
    """Dutch label of a period string: ``2019H2`` → ``2e halfjaar 2019``, ``2023-12-31`` → ``31-12-2023``."""
    if _is_missing(period) or period is NA_VALUE:
        return MISSING
    p = str(period)
    if len(p) == 6 and p[4] == "H":
        return f"{p[5]}e halfjaar {p[:4]}"
    if len(p) == 6 and p[4] == "Q":
        return f"{p[5]}e kwartaal {p[:4]}"
    if len(p) == 10 and p[4] == "-":
        return f"{p[8:10]}-{p[5:7]}-{p[:4]}"
    return p


def escape(text: object) -> str:
    """HTML-escape any text that goes into a report (gemeente names, plan texts)."""
    return html.escape(safetext.clean(text), quote=True)  # the HTML boundary of analyse.safetext


# ------------------------------------------------------------------------------------- counts, lists, intervals
def fmt_count(value: object, unit: str = "", missing: str = MISSING) -> str:
    """A count as a whole number, with an optional unit in words: ``408 inwoners`` (never ``408,0``).

    Raises:
        TypeError: for a non-number.
    """
    if _is_missing(value):
        return missing
    text = fmt_number(round(float(value)), 0)  # type: ignore[arg-type]
    return f"{text} {unit}" if unit else text


def fmt_list(items: object, conjunction: str = "en", missing: str = MISSING) -> str:
    """A list in words: ``jeugdzorgregio, provincie en Nederland`` (never ``['a', 'b']``).

    A string is returned as is; ``None``/empty gives ``missing``.
    """
    if items is None or (isinstance(items, float) and math.isnan(items)):
        return missing
    if isinstance(items, str):
        return items or missing
    try:
        parts = [str(i) for i in items if not _is_missing(i) and str(i) != ""]  # type: ignore[union-attr]
    except TypeError:
        return str(items)
    if not parts:
        return missing
    if len(parts) == 1:
        return parts[0]
    return f"{', '.join(parts[:-1])} {conjunction} {parts[-1]}"


def fmt_interval(value: object, lower: object, upper: object, decimals: int = 1, unit: str = "",
                 missing: str = MISSING) -> str:
    """A value with its interval: ``18,8 (16,0 tot 21,9)``; with ``unit="procent"``: ``18,8% (16,0% tot 21,9%)``.

    Without a (complete) interval only the value is shown; a missing value gives ``missing``.
    """
    if _is_missing(value):
        return missing

    def one(v: object) -> str:
        if unit in {"procent", "percentage", "%"}:
            return fmt_pct(v, decimals)
        if unit in {"eur", "euro"}:
            return fmt_eur(v, decimals)
        return fmt_number(v, decimals)

    if _is_missing(lower) or _is_missing(upper):
        return one(value)
    return f"{one(value)} ({one(lower)} tot {one(upper)})"


# ------------------------------------------------------------------------------------------- column labels
COLUMN_LABELS: dict[str, str] = {
    "rounding_step": "Afrondingsstap gepubliceerd cijfer",
    "numerator_rounding_step": "Afrondingsstap teller",
    "denominator_rounding_step": "Afrondingsstap noemer",
    "filled": "Aangevuld uit een andere tabel",
    "estimate": "Schatting",
    "gradient": "Helling",
    "message": "Toelichting",
    "method": "Methode",
    "recent_trend_oordeel": "Oordeel recente trend",
    "recent_trend_reason": "Toelichting recente trend",
    "reference": "Vergeleken met",
    "statistic": "Toetsgrootheid",
    # spine chart data (analyse.plots.plot_spine_chart)
    "n_gemeenten": "Aantal gemeenten", "strong": "Ook buiten 99,8%-interval",
    # identifiers and names
    "gemeentecode": "Gemeentecode",
    "gemeentenaam": "Gemeente",
    "gemeente": "Gemeente",
    "naam": "Naam",
    "indicator_id": "Indicator (code)",
    "indicator_naam": "Indicator",
    "indicator": "Indicator",
    "opgave_id": "Opgave",
    "opgave": "Opgave",
    "maatregel_id": "Maatregel",
    "maatregel": "Maatregel",
    "doel_id": "Doel",
    "actie_id": "Actie",
    "specifiek_doel": "Specifiek doel",
    "preventie_niveau": "Preventieniveau",
    "bewijs_niveau": "Bewijsniveau",
    "doelgroep_inwoners": "Doelgroep (inwoners)",
    "reference_code": "Vergelijking (code)",
    "reference_role": "Soort vergelijking",
    "reference_naam": "Vergelijking",
    "reference_note": "Toelichting vergelijking",
    "provincie_code": "Provinciecode",
    "provincie_naam": "Provincie",
    "jeugdzorgregio_code": "Jeugdzorgregio (code)",
    "jeugdzorgregio_naam": "Jeugdzorgregio",
    "arbeidsmarktregio_code": "Arbeidsmarktregio (code)",
    "arbeidsmarktregio_naam": "Arbeidsmarktregio",
    "ggd_regio_code": "GGD-regio (code)",
    "ggd_regio_naam": "GGD-regio",
    "ggd_regio": "GGD-regio",
    "corop_code": "COROP-gebied (code)",
    "corop_naam": "COROP-gebied",
    "grootteklasse": "Grootteklasse",
    "inwoners": "Inwoners",
    "indelingsjaar": "Indelingsjaar",
    "source_table": "Bron (tabel)",
    "bron": "Bron",
    "bron_pagina": "Bron (pagina)",
    "table_id": "Tabel",
    # periods and values
    "period": "Periode",
    "period_type": "Soort periode",
    "jaar": "Jaar",
    "base_period": "Beginperiode",
    "latest_period": "Laatste periode",
    "first_period": "Eerste periode",
    "last_period": "Laatste periode",
    "value": "Waarde",
    "waarde": "Waarde",
    "unit": "Eenheid",
    "status": "Status",
    "numerator": "Teller (aantal)",
    "denominator": "Noemer (aantal)",
    "base_value": "Beginwaarde",
    "latest_value": "Laatste waarde",
    "first_value": "Eerste waarde",
    "last_value": "Laatste waarde",
    "ref_base_value": "Beginwaarde vergelijking",
    "ref_latest_value": "Laatste waarde vergelijking",
    "gemeente_value": "Waarde gemeente",
    "regio_value": "Waarde regio",
    "nl_value": "Waarde Nederland",
    "ci_low": "Ondergrens (95%)",
    "ci_high": "Bovengrens (95%)",
    "lower": "Ondergrens (95%)",
    "upper": "Bovengrens (95%)",
    "latest_ci_low": "Ondergrens laatste waarde (95%)",
    "latest_ci_high": "Bovengrens laatste waarde (95%)",
    "base_ci_low": "Ondergrens beginwaarde (95%)",
    "base_ci_high": "Bovengrens beginwaarde (95%)",
    "ci_method": "Methode interval",
    "latest_numerator": "Teller laatste periode",
    "latest_denominator": "Noemer laatste periode",
    "base_numerator": "Teller beginperiode",
    "base_denominator": "Noemer beginperiode",
    # changes, verdicts, statistics
    "abs_change": "Verandering",
    "change_abs": "Verandering",
    "pp_change": "Verandering (procentpunt)",
    "rel_change_pct": "Verandering (%)",
    "change_rel_pct": "Verandering (%)",
    "rel_pct": "Verandering (%)",
    "real_change": "Verandering (constante prijzen)",
    "verdict": "Oordeel",
    "oordeel": "Oordeel",
    "verdict_reason": "Toelichting",
    "comparison": "Vergelijking met referentie",
    "hoger_beter": "Hoger is beter",
    "lager_beter": "Lager is beter",
    "polarity": "Richting",
    "indicative": "Indicatief",
    "small_numbers": "Kleine aantallen",
    "base_small_numbers": "Kleine aantallen (begin)",
    "latest_small_numbers": "Kleine aantallen (laatste)",
    "rounded_small": "Afgerond klein aantal",
    "base_suppressed": "Beginwaarde onderdrukt",
    "latest_suppressed": "Laatste waarde onderdrukt",
    "p_value": "Overschrijdingskans",
    "z_adjusted": "Afwijking (gecorrigeerd, in standaardafwijkingen)",
    "focal_z": "Afwijking (in standaardafwijkingen)",
    "positie_95": "Positie (95%-grenzen)",
    "positie_998": "Positie (99,8%-grenzen)",
    "trend_per_year": "Trend per jaar",
    "trend_ci_low": "Trend per jaar, ondergrens",
    "trend_ci_high": "Trend per jaar, bovengrens",
    "trend_unit": "Eenheid trend",
    "n_points": "Aantal meetpunten",
    "n_present": "Aantal beschikbare meetpunten",
    "n_missing": "Aantal ontbrekende meetpunten",
    "n_before": "Meetpunten vóór start beleid",
    "n_after": "Meetpunten na start beleid",
    "gap_before": "Verschil met regio vóór start",
    "gap_after": "Verschil met regio na start",
    "base_gap": "Verschil met regio (begin)",
    "latest_gap": "Verschil met regio (laatste)",
    "gap_narrowed": "Verschil kleiner geworden",
    "n_beoordeeld": "Aantal beoordeeld",
    "n_members": "Aantal gemeenten",
    "peers_n": "Aantal vergelijkingsgemeenten",
    "peer_note": "Toelichting vergelijkingsgemeenten",
    "min": "Laagste gemeente",
    "max": "Hoogste gemeente",
    "q1": "25e percentiel",
    "q3": "75e percentiel",
    "mediaan": "Mediaan",
    "peers_mediaan": "Mediaan vergelijkingsgemeenten",
    "peers_q1": "Vergelijkingsgemeenten, 25e percentiel",
    "peers_q3": "Vergelijkingsgemeenten, 75e percentiel",
    # money
    "lasten_eur": "Lasten (euro)",
    "baten_eur": "Baten (euro)",
    "bedrag_eur": "Bedrag (euro)",
    "begroting_eur": "Begroting (euro)",
    "realisatie_eur": "Realisatie (euro)",
    "jaarrekening_eur": "Jaarrekening (euro)",
    "verschil_eur": "Verschil (euro)",
    "afwijking_eur": "Afwijking (euro)",
    "afwijking_pct": "Afwijking (% van begroting)",
    "gepland_eur": "Gepland (euro)",
    "gerealiseerd_eur": "Gerealiseerd (euro)",
    "cum_gepland_eur": "Gepland cumulatief (euro)",
    "cum_gerealiseerd_eur": "Gerealiseerd cumulatief (euro)",
    "cum_openstaand_eur": "Nog te realiseren cumulatief (euro)",
    "openstaand_eur": "Nog te realiseren (euro)",
    "realisatiegraad_pct": "Realisatiegraad (%)",
    "cum_realisatiegraad_pct": "Realisatiegraad cumulatief (%)",
    "realisatie_ontbreekt": "Realisatie ontbreekt",
    "begroting_ontbreekt": "Begroting ontbreekt",
    "eur_per_inwoner": "Euro per inwoner",
    "per_inwoner": "Per inwoner (euro)",
    "lasten_per_inwoner": "Lasten per inwoner (euro)",
    "gemeente_per_inwoner": "Gemeente per inwoner (euro)",
    "nl_per_inwoner": "Nederland per inwoner (euro)",
    "soort": "Soort",
    "taakveld": "Taakveld",
    "taakveld_bron": "Taakveld (zoals geleverd)",
    "cluster": "Cluster",
    "prijspeil": "Prijspeil",
    "cpi_index": "Prijsindex (2018 = 100)",
    "cagr_pct": "Gemiddelde groei per jaar (%)",
    "groei_pct": "Groei (%)",
    "titel": "Titel",
    "omschrijving": "Omschrijving",
    "eenheid": "Eenheid",
    "doel": "Doel",
    "realisatie": "Realisatie",
    "gerealiseerd": "Gerealiseerd",
    "begroot": "Begroot",
    "reeks": "Reeks",
    "tabel": "Tabel",
    "resultaat": "Resultaat",
    "opmerking": "Opmerking",
    "opgehaald": "Opgehaald op",
    "periode": "Periode",
    "laatste_periode": "Laatste periode",
    "indicatoren": "Indicatoren",
    "z": "Afwijking (in standaardafwijkingen)",
    "y": "Waarde als fractie",
    "eerste_periode": "Eerste periode",
    "bedrag": "Bedrag",
    "domein": "Domein",
    "positie": "Positie",
    # plan money, cost breaks and monitoring view (analyse.plans.money, analyse.plans.monitoring, analyse.kosten)
    "begroot_eur": "Begroot (euro)",
    "doelstelling_eur": "Doelstelling (euro)",
    "schatting_eur": "Schatting, geen realisatie (euro)",
    "som_posten_eur": "Som van de posten (euro)",
    "n_posten_onbekend": "Posten onbekend (pm)",
    "deel_van": "Deel van",
    "in_totaal": "Telt mee in totaal",
    "n_posten": "Aantal posten",
    "n_begroot_onbekend": "Begroting onbekend (posten)",
    "n_gerealiseerd_onbekend": "Realisatie onbekend (posten)",
    "n_nul": "Posten op € 0",
    "cluster_label": "Cluster",
    "vorig_eur": "Vorig jaar (euro)",
    "aandeel_in_stijging_pct": "Aandeel in de stijging sociaal domein (%)",
    "soort_breuk": "Soort breuk",
    "plan_eur": "Volgens het plan (euro)",
    "iv3_eur": "Volgens Iv3 (euro)",
    "verschil_pct": "Verschil (%)",
    "iv3_cluster": "Iv3-cluster",
    "iv3_taakvelden": "Iv3-taakvelden (aantal)",
    "plan_groei_pct": "Groei volgens het plan (%)",
    "iv3_soort": "Iv3-soort",
    "iv3_van_eur": "Iv3 beginjaar (euro)",
    "iv3_tot_eur": "Iv3 eindjaar (euro)",
    "iv3_groei_pct": "Groei volgens Iv3 (%)",
    "iv3_per_inwoner_van": "Iv3 per inwoner beginjaar (euro)",
    "iv3_per_inwoner_tot": "Iv3 per inwoner eindjaar (euro)",
    "iv3_groei_per_inwoner_pct": "Groei per inwoner volgens Iv3 (%)",
    "grootste_cluster": "Grootste stijger",
    "grootste_cluster_aandeel_pct": "Aandeel grootste stijger (%)",
    "heeft_indicator": "Indicator",
    "heeft_nulmeting": "Nulmeting",
    "heeft_streefwaarde": "Streefwaarde",
    "meetbaar_met_cbs": "Te volgen met CBS-cijfers",
    "cbs_alternatief": "CBS-alternatief",
    "n_doelen": "Doelen",
    "n_met_indicator": "Met indicator",
    "n_met_nulmeting": "Met nulmeting",
    "n_met_streefwaarde": "Met streefwaarde",
    "n_meetbaar_met_cbs": "Te volgen met CBS-cijfers",
    # the comparison with a reference (analyse.compare.compare_indicators) and the indicator record
    "reference_label": "Vergeleken met",
    "reference_value": "Waarde vergelijking",
    "against_reference_direction": "Tegen de richting van de vergelijking in",
    "basis": "Grond voor het oordeel",
    "test": "Toets",
    "kind": "Soort indicator",
    "base_after_start": "Nulmeting na de start van het beleid",
    "latest_ci998_low": "Ondergrens laatste waarde (99,8%)",
    "latest_ci998_high": "Bovengrens laatste waarde (99,8%)",
    "latest_margin_low": "Ondergrens marge tegenover Nederland (95%)",
    "latest_margin_high": "Bovengrens marge tegenover Nederland (95%)",
    "phi_used": "Extra spreiding tussen gemeenten (factor)",
    "count_exposure": "Blootstelling (aantal)",
    "price_year": "Prijspeil",
    "price_basis": "Prijsgrondslag",
    "base_value_nominal": "Beginwaarde (lopende prijzen)",
    "ref_rel_change_pct": "Verandering vergelijking (%)",
    "verdict_label": "Oordeel in woorden",
    "benchmark_95": "Tegenover vergelijking (95%)",
    "benchmark_998": "Tegenover vergelijking (99,8%)",
    "benchmark_verdict": "Tegenover Nederland",
    "benchmark_label": "Tegenover Nederland in woorden",
    "regio_benchmark_label": "Tegenover de regio in woorden",
    "data_kind": "Soort gegevens",
    "latest_status": "Status laatste cijfer",
    "change_verdict": "Oordeel sinds de nulmeting",
    "change_basis": "Grond voor het oordeel sinds de nulmeting",
    "change_label": "Verandering in woorden",
    "change_reason": "Toelichting verandering",
    "nederland_label": "Nederland (als vergelijking)",
    "nederland_value": "Waarde Nederland",
    "recent_trend": "Recente trend",
    "recent_label": "Recente trend in woorden",
    "recent_trend_label": "Recente trend in woorden",
    "break_period": "Breuk in de reeks vanaf",
    "break_note": "Toelichting breuk",
    "break_before": "Breuk vóór deze periode",
    "stale": "Verouderd cijfer",
    "harmonised": "Omgerekend naar de huidige indeling",
    "verdict_allowed": "Oordeel mogelijk (marge bekend)",
    "rounded": "Afgerond gepubliceerd cijfer",
    "nl_all": "Waarde Nederland (alle gemeenten)",
    "nl_label": "Nederland (als vergelijking)",
    "regio_label": "Regio (als vergelijking)",
    "comparison_label": "Vergelijking in woorden",
    "level": "Betrouwbaarheidsniveau",
    "definitie": "Definitie",
    "change": "Verandering sinds de nulmeting",
    "trend": "Trend",
    "suppressed": "Onderdrukt",
    "break_between": "Breuk tussen nulmeting en laatste periode",
    "change_se": "Standaardfout van de verandering",
    "latest_margin998_low": "Ondergrens marge tegenover Nederland (99,8%)",
    "latest_margin998_high": "Bovengrens marge tegenover Nederland (99,8%)",
    "newer_missing": "Nieuwere periode zonder cijfer",
    "regio_comparison_label": "Tegenover de regio",
    "tau2_level": "Echte variatie tussen gemeenten (τ², niveau)",
    "tau2_used": "Echte variatie van jaar op jaar (τ²)",
    "tau2_change": "Echte variatie van de verandering (τ²)",
    "trend_label": "Trend in woorden",
    "gebied": "Gebied",
    "rol": "Rol",
}
"""Plain-Dutch labels for the raw column names that can reach a table in the report or a download."""

VALUE_LABELS: dict[str, dict[str, str]] = {
    "polarity": {"hoger_beter": "hoger is beter", "lager_beter": "lager is beter", "neutraal": "geen richting"},
    "kind": {"share": "aandeel", "rate": "per inwoners", "count": "aantal", "level": "niveau"},
    "unit": {"procent": "%", "per_1000": "per 1.000", "eur": "euro", "eur_per_inwoner": "euro per inwoner"},
    "ci_method": {"wilson": "Wilson", "poisson": "exact Poisson", "geen": "geen", "gepubliceerd": "gepubliceerd"},
    "reference_role": dict(vocab.ROLE_LABELS),
    "count_exposure": {"inwoners": "inwoners", "gelijk": "gelijk verondersteld"},
}
"""Code values of a column → the words a reader sees (polarity ``lager_beter`` → ``lager is beter``)."""


def readable_values(frame: Any, extra: Mapping[str, Mapping[str, str]] | None = None) -> Any:
    """A copy of ``frame`` whose code-valued columns (:data:`VALUE_LABELS`, plus ``extra``) hold words.

    Other columns and values without a label are unchanged; the input is not changed.
    """
    out = frame.copy()
    for col, words in {**VALUE_LABELS, **(extra or {})}.items():
        if col in out.columns and not is_numeric_dtype(out[col]):
            out[col] = out[col].map(lambda v, w=words: w.get(v, v) if isinstance(v, str) else v)
    return out


_SNAKE = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$|^[a-z][a-z0-9]*$")

log = logging.getLogger(__name__)


def is_raw_name(label: object) -> bool:
    """True for a label that looks like a code name (``cum_realisatiegraad_pct``, ``value``), not Dutch text."""
    return isinstance(label, str) and bool(_SNAKE.match(label))


def dutch_label(column: str, strict: bool = True) -> str:
    """The Dutch label of one column name.

    Known raw names are mapped through :data:`COLUMN_LABELS`; labels that already read as text
    (capital, space, ``%`` …) pass unchanged. An unknown raw ``snake_case`` name raises (``strict``) or is
    logged and shown with spaces instead of underscores.

    Raises:
        AnalyseError: an unknown raw column name with ``strict=True``.
    """
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column]
    if not is_raw_name(column):
        return str(column)
    if "_" not in str(column):  # one lower-case word ("status"): a Dutch word, shown with a capital
        return str(column)[:1].upper() + str(column)[1:]

    if strict:
        raise AnalyseError(f"Kolom {column!r} heeft geen Nederlandse naam; voeg hem toe aan "
                           "analyse.formatting.COLUMN_LABELS")
    log.warning("Kolom %r heeft geen Nederlandse naam (analyse.formatting.COLUMN_LABELS)", column)
    text = str(column).replace("_", " ")
    return text[:1].upper() + text[1:]


def dutch_columns(frame: Any, extra: Mapping[str, str] | None = None, strict: bool = True) -> Any:
    """A copy of ``frame`` with plain-Dutch column names (the input is not changed).

    Args:
        frame: a pandas DataFrame.
        extra: additional labels that win over :data:`COLUMN_LABELS`.
        strict: raise for an unknown ``snake_case`` column (default); ``False`` logs a warning and shows the
            name with spaces.

    Raises:
        AnalyseError: unknown raw column (strict) or two columns that would get the same label.
    """
    labels = {**COLUMN_LABELS, **(extra or {})}
    new = [labels[c] if c in labels else dutch_label(c, strict=strict) for c in frame.columns]
    dupes = sorted({n for n in new if new.count(n) > 1})
    if dupes:
        raise AnalyseError(f"Kolommen krijgen dezelfde Nederlandse naam: {', '.join(dupes)}")
    out = frame.copy()
    out.columns = new
    return out


_COUNT_WORDS = ("aantal", "inwoners", "teller", "noemer", "meetpunten", "gemeenten")
_YEAR = re.compile(r"(?:^|[\s(_-])(?:jaar|indelingsjaar|startjaar|prijspeil)(?:$|[\s)_-])"
                   r"|^(?:start|basis)?jaar(?:$|[\s)_-])", re.I)


def is_year_column(label: object) -> bool:
    """True for a column of years (``Jaar``, ``Startjaar``, ``Prijspeil``): shown as ``2023``, never ``2.023``."""
    text = str(label).lower()
    return bool(_YEAR.search(text)) and "per jaar" not in text and "%" not in text


def table_decimals(value: float, column: object) -> int:
    """Decimals a number gets in a table cell (page and download alike): one rule for every table.

    Counts (:func:`is_count_column`) and years are whole numbers; other numbers get 0 decimals from 1.000, one
    from 10 and two below 10 (``1.234``, ``18,8``, ``3,14``).
    """
    if is_count_column(column) or is_year_column(column):
        return 0
    a = abs(float(value))
    return 0 if a >= 1000 else 1 if a >= 10 else 2


def is_count_column(label: object) -> bool:
    """True for a column that holds counts (shown as whole numbers): ``Inwoners``, ``Aantal …``, ``Noemer …``."""
    text = str(label).lower()
    return (any(re.search(rf"\b{w}\b", text) for w in _COUNT_WORDS) and "per " not in text and "%" not in text
            and not is_year_column(label))




# ------------------------------------------------------------------------------------------- hyphenation
SOFT_HYPHEN = "\u00ad"
_VOWELS = set("aeiouyàáâäèéêëìíîïòóôöùúûü")
_ONSETS = {"bl", "br", "dr", "fl", "fr", "gl", "gr", "kl", "kr", "pl", "pr", "tr", "vl", "vr", "ch"}
_WORD = re.compile(r"[^\W\d_]+")


def _syllable_breaks(word: str) -> list[int]:
    """Positions in ``word`` where a Dutch syllable starts (simple rules: V-CV, VC-CV, VC-CCV for bl/br/…/ch)."""
    low = word.lower()
    vowel = [c in _VOWELS or (c == "j" and i > 0 and low[i - 1] == "i") for i, c in enumerate(low)]
    breaks, i, n = [], 0, len(low)
    while i < n and not vowel[i]:
        i += 1
    while i < n:
        while i < n and vowel[i]:
            i += 1
        start = i
        while i < n and not vowel[i]:
            i += 1
        if i >= n or start == i:
            continue  # end of the word, or two vowels in a row (a hiatus is not split)
        cluster = low[start:i]
        if len(cluster) == 1:
            cut = start
        elif cluster[-2:] in _ONSETS and len(cluster) >= 3 or cluster == "ch":
            cut = i - 2
        else:
            cut = i - 1
        breaks.append(cut)
    return breaks


def soft_hyphens(text: object, min_length: int = 8) -> str:
    """``text`` with soft hyphens (U+00AD) at the syllable boundaries of its long words.

    A browser breaks a word only where a soft hyphen is, and shows a hyphen there; without one it keeps the word
    whole. Used for table header cells, so a narrow column wraps ``Streef-waarde``, never ``Streefwa arde``.
    Words shorter than ``min_length`` letters, and the first two and last three letters of a word, are left alone.

    >>> soft_hyphens("Nulmeting").replace(SOFT_HYPHEN, "-")
    'Nul-me-ting'
    """
    def one(m: re.Match[str]) -> str:
        word = m.group(0)
        if len(word) < min_length:
            return word
        cuts = [c for c in _syllable_breaks(word) if 2 <= c <= len(word) - 3]
        for c in reversed(cuts):
            word = word[:c] + SOFT_HYPHEN + word[c:]
        return word

    return _WORD.sub(one, "" if text is None else str(text))


def fmt_plural(n: int, singular: str, plural: str) -> str:
    """A count with its noun in the right number: ``1 indicator``, ``2 indicatoren``, ``0 indicatoren``.

    >>> fmt_plural(1, "maatregel", "maatregelen")
    '1 maatregel'
    """
    return f"{fmt_number(n, 0)} {singular if n == 1 else plural}"
