"""The researcher's API: tidy frames from the same records the report uses, one call each.

Five calls answer the questions a researcher asks first; each returns a plain pandas DataFrame (or, for the
herindeling history, a small object with two frames) and raises a Dutch error with a suggestion on an unknown
id, code, period type, unit or cluster:

- :func:`indicator_data` – any indicators × gemeenten × periods with names, region memberships, value and 95%
  interval, the reference values *without the gemeente* (rest of the regio and Nederland, as the report uses),
  the comparison with them, a harmonisation flag with the published value, and the source table.
- :func:`catalogue` – the searchable indicator catalogue with coverage (first/last period, number of gemeenten,
  series that end before 2015, gemeente-specific ids).
- :func:`peer_gemeenten` – vergelijkbare gemeenten with names, distances and the covariates with their periods,
  without building a report.
- :func:`costs` – Iv3 lasten per inwoner per cluster of a gemeente, each of its peers and Nederland.
- :func:`herindeling_history` – a gemeente's herindelingen and how every indicator series was treated
  (published, summed from predecessors, or left out and why).

Column names are English snake_case with Dutch domain nouns (``gemeentecode``, ``gemeentenaam``, ``domein``);
periods are strings in one convention for indicators and costs (``period`` ``"2023"``, ``period_type``
``"jaar"``). Every call reads the processed data through :func:`analyse.bundle.load` (cached per
process), or the ``inputs`` you pass (tests build them from tiny frames).

The numbers agree with the report by construction: references come from :mod:`analyse.references` on the
report's batch statistics, comparisons from :func:`analyse.compare.benchmark_comparison` with the same rounding
rule (:func:`analyse.compare.account_for_rounding`), peers from the report's own peer choice.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence, TypeVar

import numpy as np
import pandas as pd

from analyse import compare, indicators, kosten, references, stats, vocab
from analyse.data import processed
from analyse.errors import (
    DataNotAvailableError,
    UnknownGemeenteError,
    UnknownValueError,
    choose,
    suggestion,
)
from analyse.settings import REPORT_INDELINGSJAAR

__all__ = ["indicator_data", "catalogue", "peer_gemeenten", "costs", "herindeling_history", "HerindelingHistory",
           "trend_frame", "funnel", "INDICATOR_COLUMNS", "CATALOGUE_COLUMNS", "COST_COLUMNS"]

REGION_PREFIXES = {"PV": "provincie", "GG": "ggd_regio", "JZ": "jeugdzorgregio", "AM": "arbeidsmarktregio",
                   "CR": "corop"}
"""Region code prefix → role: ``gemeenten="JZ22"`` means every member of that jeugdzorgregio."""

MEMBERSHIP_COLUMNS = [c for role in vocab.REGION_ROLES for c in (f"{role}_code", f"{role}_naam")]

INDICATOR_COLUMNS = [
    "indicator_id", "indicator_naam", "domein", "unit", "gemeentecode", "gemeentenaam", *MEMBERSHIP_COLUMNS,
    "period", "period_type", "value", "ci_low", "ci_high", "margin_low", "margin_high", "numerator", "denominator",
    "status", "reference_role", "reference_code", "reference_label", "reference_value", "reference_note",
    "regio_benchmark_verdict", "regio_benchmark_label", "nederland_code", "nederland_label", "nederland_value",
    "benchmark_verdict", "benchmark_label", "harmonised", "published_value", "source_table",
]
"""Columns of :func:`indicator_data`, in this order."""

CATALOGUE_COLUMNS = ["indicator_id", "naam", "domein", "unit", "kind", "per", "polarity", "definitie", "bron",
                     "period_types", "first_period", "last_period", "n_periods", "n_gemeenten", "has_data",
                     "ends_before_2015", "gemeente_specific", "only_gemeentecode"]
"""Columns of :func:`catalogue`."""

COST_COLUMNS = ["gemeentecode", "gemeentenaam", "role", "rank", "cluster", "soort", "period", "period_type",
                "lasten_eur", "inwoners", "per_inwoner"]
"""Columns of :func:`costs`."""

SOORTEN = ("jaarrekening", "begroting")
PEER_METHODS = ("kenmerken", "grootteklasse", "regio")


# ------------------------------------------------------------------------------------------------ helpers
SEED_ONLY_HINT = ("De verwerkte gegevens zijn alleen uit de voorbeeldcijfers van de vijf seed-gemeenten gebouwd "
                  "(bij de laatste 'make data' was ../shared/data er niet). Vergelijken met alle gemeenten vraagt "
                  "de CBS-gegevens: zet ze in ../shared/data (of wijs ANALYSE_CBS_DIR erheen) en draai 'make data'.")
"""Added to a :class:`DataNotAvailableError` when the processed data in use are a seed-only build."""

_F = TypeVar("_F", bound=Callable)


def _explains_seed_only(func: _F) -> _F:
    """Add :data:`SEED_ONLY_HINT` to a "no data" error raised on a seed-only build (the default data only)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except DataNotAvailableError as exc:
            if kwargs.get("inputs") is None and processed.generation_info().get("seed_only"):
                raise DataNotAvailableError(f"{exc} {SEED_ONLY_HINT}") from exc
            raise

    return wrapper  # type: ignore[return-value]


def _inputs(inputs, indelingsjaar: int):
    if inputs is not None:
        return inputs
    from analyse import bundle  # noqa: PLC0415 – the bundle reads data/processed once per process

    return bundle.load(indelingsjaar)


def _statistics(inputs):
    from analyse.content.indicator_chapter import batch_statistics  # noqa: PLC0415

    return batch_statistics(inputs)


def _registry(inputs) -> pd.DataFrame:
    reg = inputs.registry
    return reg[reg["indelingsjaar"] == inputs.indelingsjaar].drop_duplicates("gemeentecode")


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def _gemeente_codes(inputs, gemeenten: str | Iterable[str] | None) -> list[str]:
    """Codes of the indeling: ``None`` = all; a GM code or name; a region code (PV/GG/JZ/AM/CR) = its members."""
    reg = _registry(inputs)
    codes = reg["gemeentecode"].astype(str).tolist()
    wanted = _as_list(gemeenten)
    if wanted is None:
        return sorted(codes)
    names = dict(zip(reg["gemeentenaam"].astype(str).str.casefold(), reg["gemeentecode"].astype(str)))
    out: list[str] = []
    for item in wanted:
        text = str(item).strip()
        up = text.upper()
        role = REGION_PREFIXES.get(up[:2])
        if role and f"{role}_code" in reg.columns and up in set(reg[f"{role}_code"].dropna().astype(str)):
            out += reg.loc[reg[f"{role}_code"] == up, "gemeentecode"].astype(str).tolist()
        elif up == vocab.NEDERLAND_CODE:
            out += codes
        elif up in codes:
            out.append(up)
        elif text.casefold() in names:
            out.append(names[text.casefold()])
        else:
            choices = codes + reg["gemeentenaam"].astype(str).tolist()
            raise UnknownGemeenteError(
                f"Onbekende gemeente {item!r} in de indeling van {inputs.indelingsjaar}."
                f"{suggestion(text, choices)} Geef een CBS-code (GM0531), een naam of een regiocode (JZ22, PV28).")
    return list(dict.fromkeys(out))


def _one_gemeente(inputs, gemeentecode: str):
    """A :class:`analyse.gemeenten.Gemeente` of the inputs' registry (loud error with a suggestion)."""
    from analyse.gemeenten import Gemeente  # noqa: PLC0415

    codes = _gemeente_codes(inputs, [gemeentecode])
    if len(codes) != 1:
        raise UnknownGemeenteError(f"Kies één gemeente, niet de regio {gemeentecode!r} ({len(codes)} gemeenten).")
    row = _registry(inputs).set_index("gemeentecode").loc[codes[0]]
    regions = {role: (str(row[f"{role}_code"]), str(row[f"{role}_naam"])) for role in vocab.REGION_ROLES
               if f"{role}_code" in row.index and pd.notna(row[f"{role}_code"])}
    inwoners = row.get("inwoners")
    return Gemeente(code=codes[0], naam=str(row["gemeentenaam"]), indelingsjaar=int(inputs.indelingsjaar),
                    provincie_code=str(row.get("provincie_code", "")),
                    provincie_naam=str(row.get("provincie_naam", "")),
                    regions=regions, grootteklasse=row.get("grootteklasse"),
                    inwoners=float(inwoners) if inwoners is not None and pd.notna(inwoners) else None)


def _periods(frame: pd.DataFrame, periods: str | Iterable[str] | None) -> pd.DataFrame:
    wanted = _as_list(periods)
    if wanted is None:
        return frame
    if wanted == ["latest"]:
        last = frame[frame["value"].notna()].groupby("indicator_id")["period"].transform("max")
        return frame[frame["period"] == last.reindex(frame.index)]
    have = sorted(frame["period"].astype(str).unique())
    for p in map(str, wanted):
        if p not in have:
            raise UnknownValueError(f"Periode {p!r} komt in deze selectie niet voor.{suggestion(p, have)} "
                                    f"Beschikbaar: {have[0] if have else '–'} t/m {have[-1] if have else '–'}, of "
                                    "'latest' voor de laatste periode met een waarde.")
    return frame[frame["period"].astype(str).isin(list(map(str, wanted)))]


def _published(published: pd.DataFrame | None) -> pd.DataFrame:
    if published is not None:
        return published
    return processed.indicators()


# ------------------------------------------------------------------------------------------ indicator data
@_explains_seed_only
def indicator_data(indicator_ids: str | Sequence[str], gemeenten: str | Sequence[str] | None = None,
                   periods: str | Sequence[str] | None = None, period_type: str = vocab.JAAR,
                   indelingsjaar: int = REPORT_INDELINGSJAAR, with_references: bool = True, *, inputs=None,
                   published: pd.DataFrame | None = None) -> pd.DataFrame:
    """A tidy frame of indicators × gemeenten × periods with references, comparison and provenance.

    One row per (indicator, gemeente, period) in the indeling of ``indelingsjaar`` (harmonised: merged
    gemeenten are re-aggregated from their predecessors, as in the report).

    Args:
        indicator_ids: one catalogue id or a list (see :func:`catalogue`).
        gemeenten: ``None`` for every gemeente; a code (``"GM0531"``), a name (``"Almelo"``), a region code
            (``"JZ22"``, ``"PV28"``: its members), or a list of these.
        periods: ``None`` for all; a period or list (``"2023"``, ``"2023H1"``); ``"latest"`` for each
            indicator's latest period with a value.
        period_type: ``jaar`` (default), ``halfjaar``, ``kwartaal`` or ``peildatum``.
        indelingsjaar: the gemeentelijke indeling.
        with_references: compute the reference and comparison columns (``False``: left empty, faster for all
            gemeenten at once, e.g. a funnel).
        inputs: processed data (:class:`analyse.content.ReportInputs`); default the cached processed tables.
        published: the indicator table as published (default ``data/processed/indicators``), for the
            harmonisation flag.

    Returns:
        Frame with :data:`INDICATOR_COLUMNS`: ``value`` with its 95% interval (``ci_low``/``ci_high``: Wilson
        for shares, exact Poisson for rates, published survey intervals kept) and the report's benchmark margin
        (``margin_low``/``margin_high``: the interval plus the real year-to-year variation τ² of gemeenten of that
        size, widened by half the rounding step of whole-percent figures; NaN = margin unknown);
        ``reference_*`` the rest of the regio that fits the indicator's domein *without the gemeente* (falling
        back to the provincie, ``reference_note`` says why; empty where only Nederland remains, as in the report)
        with ``regio_benchmark_*``;
        ``nederland_*`` Nederland without the gemeente, and ``benchmark_verdict`` (beter/slechter/hoger/lager/
        vergelijkbaar/marge onbekend/niet te beoordelen) with a Dutch ``benchmark_label`` against it, as the
        report's overview; ``harmonised`` True where the value differs from what CBS published under this code
        (``published_value``), e.g. a merged gemeente before its merger.

    Raises:
        UnknownIndicatorError / DataNotAvailableError: an unknown or data-less indicator id.
        UnknownGemeenteError: an unknown gemeente or region.
        UnknownValueError: an unknown period type or period.
    """
    inputs = _inputs(inputs, indelingsjaar)
    period_type = indicators.check_period_type(period_type)
    st = _statistics(inputs)
    pref = st.preferred
    ids = indicators.check_indicator_ids(indicator_ids, pref["indicator_id"].unique(), inputs.catalogue)
    codes = _gemeente_codes(inputs, gemeenten)
    rows = pref[pref["indicator_id"].isin(ids) & pref["gemeentecode"].isin(codes)]
    if period_type is not None:
        rows = rows[rows["period_type"] == period_type]
    if rows.empty:
        types = sorted(pref.loc[pref["indicator_id"].isin(ids) & pref["gemeentecode"].isin(codes), "period_type"]
                       .dropna().unique())
        raise DataNotAvailableError(f"Geen gegevens van {', '.join(ids)} voor deze gemeenten met period_type "
                                    f"{period_type!r}." + (f" Wel beschikbaar: {', '.join(types)}." if types else ""))
    rows = _periods(rows, periods)
    cat = stats.catalogue_frame(inputs.catalogue)
    frame = _with_intervals(rows, inputs.catalogue, st)
    if with_references:
        frame = _with_comparison(_with_references(frame, inputs, st, ids, codes, cat), cat)
    frame = _with_published(frame, _published(published), ids, codes)
    reg = _registry(inputs).set_index("gemeentecode")
    frame = frame.assign(
        indicator_naam=frame["indicator_id"].map(cat["naam"]).astype(object),
        domein=frame["indicator_id"].map(cat["domein"]).astype(object),
        unit=frame["indicator_id"].map(cat["unit"]).astype(object).where(lambda s: s.notna(), frame.get("unit")),
        gemeentenaam=frame["gemeentecode"].map(reg["gemeentenaam"]),
        **{c: frame["gemeentecode"].map(reg[c]) if c in reg.columns else pd.NA for c in MEMBERSHIP_COLUMNS})
    out = frame.reindex(columns=INDICATOR_COLUMNS)
    return out.sort_values(["indicator_id", "gemeentecode", "period"], kind="stable").reset_index(drop=True)


def _with_intervals(rows: pd.DataFrame, catalogue: pd.DataFrame, st) -> pd.DataFrame:
    """95% intervals (catalogue kind) and the report's benchmark margins: interval plus the real year-to-year
    variation τ² (:func:`analyse.compare.latest_margins`), widened by half a coarse rounding step
    (:func:`analyse.compare.account_for_rounding`'s rule)."""
    keep = [c for c in rows.columns if c not in ("ci_low", "ci_high")]
    ci95 = stats.add_intervals(rows[keep], catalogue)
    out = rows[keep].assign(ci_low=ci95["ci_low"].to_numpy(), ci_high=ci95["ci_high"].to_numpy())
    kind = out["indicator_id"].map(stats.catalogue_frame(catalogue)["kind"]).astype(object)
    exposure = _exposure(st.preferred, out)
    den = out["denominator"].to_numpy(float)
    m = compare.latest_margins(pd.DataFrame({
        "indicator_id": out["indicator_id"].to_numpy(), "kind": kind.to_numpy(),
        "latest_value": out["value"].to_numpy(), "latest_ci_low": out["ci_low"].to_numpy(),
        "latest_ci_high": out["ci_high"].to_numpy(), "latest_denominator": den, "base_denominator": den,
        "latest_exposure": exposure, "base_exposure": exposure}), getattr(st, "variation", None))
    steps = st.rounding_steps
    half = out["indicator_id"].map(lambda i: steps.get(str(i), 0.0) / 2 if steps.get(str(i), 0.0) >= 1 else 0.0)
    half = half.to_numpy(float)
    return out.assign(margin_low=m["latest_margin_low"].to_numpy() - half,
                      margin_high=m["latest_margin_high"].to_numpy() + half,
                      margin998_low=m["latest_margin998_low"].to_numpy() - half,
                      margin998_high=m["latest_margin998_high"].to_numpy() + half)


def _exposure(preferred: pd.DataFrame, rows: pd.DataFrame) -> np.ndarray:
    """Inwoners of each row's gemeente and year (counts are judged per inwoner, as in the report)."""
    inw = preferred[(preferred["indicator_id"] == compare.EXPOSURE_ID) & preferred["value"].notna()]
    inw = inw.assign(_y=inw["period"].astype(str).str.slice(0, 4)).drop_duplicates(["gemeentecode", "_y"])
    lookup = inw.set_index(["gemeentecode", "_y"])["value"]
    idx = pd.MultiIndex.from_arrays([rows["gemeentecode"].astype(str), rows["period"].astype(str).str.slice(0, 4)])
    return lookup.reindex(idx).to_numpy(float) if len(lookup) else np.full(len(rows), np.nan)


def _with_references(frame: pd.DataFrame, inputs, st, ids: list[str], codes: list[str],
                     cat: pd.DataFrame) -> pd.DataFrame:
    """Reference values without the gemeente (:func:`analyse.references.rest_of_region`, as the report)."""
    reg = _registry(inputs)
    cand = references.registry_candidates(inputs.registry, inputs.indelingsjaar, inputs.catalogue, ids, codes=codes)
    rest = references.rest_of_region(st.preferred, st.membership, cand, cat["per"].dropna(),
                                     dict(zip(reg["gemeentecode"].astype(str), reg["gemeentenaam"].astype(str))),
                                     totals=st.totals)
    key = ["gemeentecode", "indicator_id", "period"]
    regio = rest[rest["reference_role"] == "regio"].drop_duplicates(key)
    regio = regio[key + ["reference_code", "reference_label", "value", "reference_note"]].rename(
        columns={"value": "reference_value"}).assign(reference_role="regio")
    nl = rest[rest["reference_role"] == "nederland"].drop_duplicates(key)
    nl = nl[key + ["reference_code", "reference_label", "value"]].rename(
        columns={"reference_code": "nederland_code", "reference_label": "nederland_label", "value": "nederland_value"})
    frame = frame.merge(regio, on=key, how="left").merge(nl, on=key, how="left")
    # as the report's record: a regio that fell back to Nederland is no regio (the nederland_* columns show it)
    fallback = frame["reference_code"].astype("string").fillna("").str.startswith(vocab.NEDERLAND_CODE).to_numpy()
    for col in ("reference_code", "reference_label", "reference_value"):
        frame[col] = frame[col].where(~fallback)
    frame["reference_role"] = frame["reference_role"].where(~fallback)
    frame["reference_note"] = frame["reference_note"].fillna("")
    return frame


def _with_comparison(frame: pd.DataFrame, cat: pd.DataFrame) -> pd.DataFrame:
    """Fingertips comparison (:func:`analyse.compare.benchmark_comparison`) on the report's margins: against
    Nederland without the gemeente (``benchmark_*``, as the report's overview) and against the regio."""
    frame = frame.assign(polarity=frame["indicator_id"].map(cat["polarity"]).astype(object))
    common = dict(value="value", low95="margin_low", high95="margin_high", low998="margin998_low",
                  high998="margin998_high", polarity="polarity")
    nl = compare.benchmark_comparison(frame, reference="nederland_value", label="nederland_label", **common)
    rg = compare.benchmark_comparison(frame, reference="reference_value", label="reference_label", **common)
    return frame.assign(benchmark_verdict=nl["benchmark_verdict"], benchmark_label=nl["benchmark_label"],
                        regio_benchmark_verdict=rg["benchmark_verdict"], regio_benchmark_label=rg["benchmark_label"])


def _with_published(frame: pd.DataFrame, published: pd.DataFrame, ids: list[str], codes: list[str]) -> pd.DataFrame:
    """``published_value`` (CBS, this code, this period) and ``harmonised`` (the value differs or was derived)."""
    key = ["indicator_id", "gemeentecode", "period"]
    pub = published[published["indicator_id"].isin(ids) & published["gemeentecode"].isin(codes)]
    pub = indicators.select_preferred(pub)[key + ["value"]].rename(columns={"value": "published_value"})
    frame = frame.merge(pub.drop_duplicates(key), on=key, how="left")
    v, p = frame["value"].to_numpy(float), frame["published_value"].to_numpy(float)
    same = (np.isnan(v) & np.isnan(p)) | np.isclose(v, p, rtol=1e-9, atol=1e-12)
    return frame.assign(harmonised=~same)


def trend_frame(data: pd.DataFrame, reference_for: str | None = None) -> pd.DataFrame:
    """The rows of :func:`indicator_data` as lines for :func:`analyse.plots.plot_trend`, with the references.

    Args:
        data: output of :func:`indicator_data` for one indicator.
        reference_for: add the reference (rest of the regio) and Nederland without this gemeente as lines
            (default the first gemeente in ``data``; ``""`` for none). The gemeenten keep their 95% intervals
            (drawn as bands); the references are sums over many more inwoners and are drawn as plain lines.

    Returns:
        gemeentecode, naam, period, value, ci_low, ci_high, unit: one line per gemeente and reference;
        ``dict(zip(frame.gemeentecode, frame.naam))`` gives the labels.
    """
    if data["indicator_id"].nunique() != 1:
        raise UnknownValueError("trend_frame: kies één indicator (de grafiek heeft één as); "
                                f"kreeg {', '.join(sorted(data['indicator_id'].unique()))}.")
    cols = ["gemeentecode", "naam", "period", "value", "ci_low", "ci_high", "unit"]
    own = data.assign(naam=data["gemeentenaam"])[cols]
    code = data["gemeentecode"].iloc[0] if reference_for is None else reference_for
    if not code:
        return own.reset_index(drop=True)
    if code not in set(data["gemeentecode"]):
        hint = suggestion(code, data["gemeentecode"].unique())
        raise UnknownGemeenteError(f"trend_frame: {code} staat niet in de gegevens.{hint}")
    mine = data[data["gemeentecode"] == code]
    parts = [own]
    ind = str(data["indicator_id"].iloc[0])
    for prefix in ("reference", "nederland"):
        ref = mine[mine[f"{prefix}_value"].notna()]
        if ref.empty:
            continue
        line = pd.DataFrame({"indicator_id": ind, "gemeentecode": ref[f"{prefix}_code"].to_numpy(),
                             "naam": ref[f"{prefix}_label"].to_numpy(), "period": ref["period"].to_numpy(),
                             "value": ref[f"{prefix}_value"].to_numpy(), "unit": ref["unit"].to_numpy()})
        parts.append(line)
    out = pd.concat(parts, ignore_index=True)
    return out[cols].reset_index(drop=True)


@_explains_seed_only
def funnel(indicator_id: str, period: str = "latest", period_type: str = vocab.JAAR,
           indelingsjaar: int = REPORT_INDELINGSJAAR, *, inputs=None):
    """All gemeenten for one indicator and period with funnel limits (kind and ``per`` from the catalogue).

    Args:
        indicator_id: a share or rate indicator with numerator and denominator.
        period: a period or ``"latest"`` (the latest with counts).
        period_type: ``jaar`` or ``halfjaar`` (…).
        indelingsjaar: the indeling.
        inputs: processed data (default the cached processed tables).

    Returns:
        :class:`analyse.content.indicator_chapter.FunnelContent` (``points`` with ``gemeentenaam``,
        ``positie_95``/``positie_998``, ``limits``), ready for :func:`analyse.report.sections.funnel_block`;
        ``None`` when the indicator is a count or level (no funnel: no numerator and denominator to test).

    Raises:
        UnknownIndicatorError, UnknownValueError (period type, period), DataNotAvailableError (no counts).
    """
    from analyse.content.indicator_chapter import FunnelContent  # noqa: PLC0415

    inputs = _inputs(inputs, indelingsjaar)
    period_type = indicators.check_period_type(period_type)
    frame = inputs.harmonised
    indicators.check_indicator_ids(indicator_id, frame["indicator_id"].unique(), inputs.catalogue)
    row = stats.catalogue_frame(inputs.catalogue).loc[indicator_id]
    if row["kind"] not in (vocab.SHARE, vocab.RATE):
        return None
    gm = set(_registry(inputs)["gemeentecode"].astype(str))
    rows = frame[(frame["indicator_id"] == indicator_id) & (frame["period_type"] == period_type)
                 & frame["gemeentecode"].isin(gm) & frame["numerator"].notna()]
    if rows.empty:
        raise DataNotAvailableError(f"{indicator_id} heeft geen tellers en noemers met period_type {period_type!r}: "
                                    "geen funnel.")
    period = str(rows["period"].max()) if period == "latest" else str(period)
    _periods(rows, [period])
    # as the report: additive random effects (Spiegelhalter 2005), the ordinary spread between gemeenten widens it
    result = stats.funnel_limits(rows[rows["period"] == period], catalogue=inputs.catalogue,
                                 overdispersion="additive")
    names = _registry(inputs).set_index("gemeentecode")["gemeentenaam"]
    points = result.points.assign(gemeentenaam=result.points["gemeentecode"].map(names))
    return FunnelContent(indicator_id, str(row["naam"]), str(row["unit"]), period, points, result.limits, None)


# ------------------------------------------------------------------------------------------------ catalogue
def catalogue(search: str | None = None, domein: str | None = None, with_data: bool = False,
              indelingsjaar: int = REPORT_INDELINGSJAAR, *, inputs=None) -> pd.DataFrame:
    """The indicator catalogue with coverage in the indeling of ``indelingsjaar``, optionally searched.

    Args:
        search: words that must all occur (case-insensitive) in the id, name, definition or domein.
        domein: only this domein (``jeugd``, ``wmo``, ``participatie``, …).
        with_data: only indicators with at least one value.
        indelingsjaar: the indeling for the coverage.
        inputs: processed data (default the cached processed tables).

    Returns:
        One row per indicator with :data:`CATALOGUE_COLUMNS`: ``first_period``/``last_period``/``n_periods`` (of
        gemeente values), ``n_gemeenten`` (gemeenten of the indeling with a value), ``period_types``,
        ``has_data``, ``ends_before_2015`` (the yearly series stops before 2015: the decentralisations changed
        what is counted), ``gemeente_specific`` (figures of one gemeente from its own documents, e.g. the
        ``almelo_*`` ids) and ``only_gemeentecode``.

    Raises:
        UnknownValueError: an unknown domein, or a search without hits (with close ids and names suggested).
    """
    inputs = _inputs(inputs, indelingsjaar)
    cat = inputs.catalogue.rename(columns={"id": "indicator_id"})
    if domein is not None:
        choose(domein, sorted(set(vocab.DOMEINEN) | set(cat["domein"].dropna().astype(str))), "domein")
        cat = cat[cat["domein"] == domein]
    rows = inputs.harmonised
    gm = set(_registry(inputs)["gemeentecode"].astype(str))
    rows = rows[rows["gemeentecode"].isin(gm) & rows["value"].notna()]
    grouped = rows.groupby("indicator_id")
    cover = pd.DataFrame({
        "period_types": grouped["period_type"].agg(lambda s: ";".join(sorted(set(s.astype(str)),
                                                                            key=vocab.PERIOD_TYPES.index))),
        "first_period": grouped["period"].min(), "last_period": grouped["period"].max(),
        "n_periods": grouped["period"].nunique(), "n_gemeenten": grouped["gemeentecode"].nunique(),
        "only_gemeentecode": grouped["gemeentecode"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else None),
        "last_year": grouped["period"].agg(lambda s: int(str(s.max())[:4])),
    })
    out = cat.merge(cover, left_on="indicator_id", right_index=True, how="left")
    out["n_gemeenten"] = out["n_gemeenten"].fillna(0).astype(int)
    out["n_periods"] = out["n_periods"].fillna(0).astype(int)
    out["has_data"] = out["n_gemeenten"] > 0
    out["ends_before_2015"] = out["last_year"].lt(2015).fillna(False).astype(bool)
    slugs = {str(n).casefold().replace(" ", "_").replace("-", "_") for n in _registry(inputs)["gemeentenaam"]}
    prefix = out["indicator_id"].astype(str).str.split("_").str[0]
    out["gemeente_specific"] = (out["only_gemeentecode"].notna() | prefix.isin(slugs)).astype(bool)
    if with_data:
        out = out[out["has_data"]]
    if search:
        text = (out["indicator_id"].astype(str) + " " + out["naam"].astype(str) + " "
                + out["definitie"].fillna("").astype(str) + " " + out["domein"].fillna("").astype(str)).str.casefold()
        mask = pd.Series(True, index=out.index)
        for word in str(search).casefold().split():
            mask &= text.str.contains(word, regex=False)
        if not mask.any():
            raise UnknownValueError(f"Geen indicator gevonden voor {search!r}."
                                    f"{suggestion(search, list(out['indicator_id']) + list(out['naam']))} "
                                    "Zoek op een deel van de naam, bijvoorbeeld 'jeugd' of 'bijstand'.")
        out = out[mask]
    return out.reindex(columns=CATALOGUE_COLUMNS).reset_index(drop=True)


# -------------------------------------------------------------------------------------------------- peers
@_explains_seed_only
def peer_gemeenten(gemeentecode: str, k: int = 10, method: str = "kenmerken",
                   indelingsjaar: int = REPORT_INDELINGSJAAR, *, inputs=None) -> pd.DataFrame:
    """Vergelijkbare gemeenten of one gemeente, chosen as the report chooses them, without building a report.

    Args:
        gemeentecode: code or name of the gemeente.
        k: number of peers (3 to 50, as the report parameter ``peer_k``).
        method: ``kenmerken`` (nearest on standardised covariates, :func:`analyse.peers.select_peers`),
            ``grootteklasse`` (same CBS size class) or ``regio`` (same regio).
        indelingsjaar: the indeling.
        inputs: processed data (default the cached processed tables).

    Returns:
        The gemeente itself (``rank`` 0) and its peers (rank 1 = nearest): gemeentecode, gemeentenaam,
        provincie_naam, inwoners, grootteklasse, distance (standardised Euclidean distance; NaN for the other
        methods), each covariate's value and ``<covariate>_period`` (the period it was taken from).
        ``attrs["method"]``, ``attrs["note"]`` (a fallback, e.g. to the size class, in Dutch) and
        ``attrs["covariates"]``.
    """
    from analyse import peers as peers_module  # noqa: PLC0415
    from analyse.content import indicator_chapter  # noqa: PLC0415

    inputs = _inputs(inputs, indelingsjaar)
    method = choose(method, PEER_METHODS, "methode voor vergelijkbare gemeenten (method)")
    if isinstance(k, bool) or not isinstance(k, int) or not 3 <= k <= 50:
        raise UnknownValueError(f"k={k!r}: kies 3 tot en met 50 vergelijkbare gemeenten.")
    gemeente = _one_gemeente(inputs, gemeentecode)
    codes, note = indicator_chapter.peer_codes(inputs, gemeente, k, method, ("regio", "nederland"))
    reg = _registry(inputs).set_index("gemeentecode")
    out = pd.DataFrame({"rank": range(len(codes) + 1), "gemeentecode": [gemeente.code, *codes]})
    cov = indicator_chapter.covariates(inputs)
    covariates: list[str] = []
    if method == "kenmerken" and note is None and cov is not None:
        sel = peers_module.select_peers(cov, gemeente.code, k=k)
        out = out.merge(sel[["gemeentecode", "distance"]], on="gemeentecode", how="left")
        out.loc[out["rank"] == 0, "distance"] = 0.0
        covariates = [c.removeprefix("z_") for c in sel.columns if c.startswith("z_")]
    else:
        out["distance"] = np.nan
    for col in ("gemeentenaam", "provincie_naam", "inwoners", "grootteklasse"):
        out[col] = out["gemeentecode"].map(reg[col]) if col in reg.columns else pd.NA
    if cov is not None:
        shown = covariates or [c for c in peers_module.DEFAULT_COVARIATES if c in cov.columns]
        values = cov.set_index("gemeentecode")
        periods = _covariate_periods(inputs, out["gemeentecode"].tolist())
        for c in shown:
            out[c] = out["gemeentecode"].map(values[c]) if c in values.columns else np.nan
            base = "inwoners" if c == "log_inwoners" else c
            out[f"{c}_period"] = out["gemeentecode"].map(periods.get(base, {})).astype(object)
        covariates = shown
    out = out[["rank", "gemeentecode", "gemeentenaam", "provincie_naam", "inwoners", "grootteklasse", "distance",
               *[c for c in out.columns if c not in {"rank", "gemeentecode", "gemeentenaam", "provincie_naam",
                                                      "inwoners", "grootteklasse", "distance"}]]]
    out.attrs.update(method=method, note=note or "", covariates=covariates)
    return out


def _covariate_periods(inputs, codes: list[str]) -> dict[str, dict[str, str]]:
    """covariate → {gemeentecode → latest yearly period with a value}, the period ``build_covariates`` uses."""
    from analyse import peers as peers_module  # noqa: PLC0415

    ids = dict(peers_module.DEFAULT_COVARIATE_IDS)
    rows = inputs.harmonised
    rows = rows[rows["indicator_id"].isin(list(ids.values())) & rows["gemeentecode"].isin(codes)
                & rows["value"].notna() & rows["period"].astype(str).str.fullmatch(r"\d{4}(-12-31)?")]
    last = rows.sort_values("period").drop_duplicates(["indicator_id", "gemeentecode"], keep="last")
    inv = {v: k for k, v in ids.items()}
    out: dict[str, dict[str, str]] = {}
    for r in last.itertuples(index=False):
        out.setdefault(inv[r.indicator_id], {})[r.gemeentecode] = str(r.period)
    return out


# -------------------------------------------------------------------------------------------------- costs
@_explains_seed_only
def costs(gemeentecode: str, clusters: str | Sequence[str] | None = None, soort: str = "jaarrekening",
          peers: Sequence[str] | None = None, k: int = 10, method: str = "kenmerken",
          indelingsjaar: int = REPORT_INDELINGSJAAR, *, inputs=None) -> pd.DataFrame:
    """Iv3 lasten per inwoner per cluster of a gemeente, each of its peers and Nederland (long frame).

    Args:
        gemeentecode: code or name of the gemeente.
        clusters: one cluster or a list (default all, e.g. ``sociaal_domein_totaal``, ``jeugd``, ``wmo``).
        soort: ``jaarrekening`` (default) or ``begroting``.
        peers: gemeentecodes to compare with; default the report's vergelijkbare gemeenten (``k``, ``method``).
        k, method: see :func:`peer_gemeenten`.
        indelingsjaar: the indeling of the gemeente.
        inputs: processed data (default the cached processed tables).

    Returns:
        :data:`COST_COLUMNS`, one row per (code, cluster, period): ``role`` is ``gemeente``, ``vergelijkbare
        gemeente`` (with its ``rank``) or ``nederland`` (Σlasten / Σinwoners of every gemeente that delivered,
        code NL01, as in the report); ``period`` is the year as text (``"2023"``, period_type ``jaar``);
        euro in current prices. A peer that did not deliver a year has no row for it (never 0).

    Raises:
        UnknownGemeenteError, UnknownValueError (cluster, soort), DataNotAvailableError (no Iv3 data).
    """
    inputs = _inputs(inputs, indelingsjaar)
    soort = choose(soort, SOORTEN, "soort (begroting of jaarrekening)")
    gemeente = _one_gemeente(inputs, gemeentecode)
    frame = inputs.clusters
    if frame is None or frame.empty:
        raise DataNotAvailableError("Er zijn geen Iv3-lasten in de verwerkte gegevens ('make data' met de gedeelde "
                                    "CBS-gegevens).")
    known = sorted(frame["cluster"].dropna().astype(str).unique())
    wanted = _as_list(clusters) or known
    for c in wanted:
        choose(c, known, "cluster")
    if peers is None:
        ranked = peer_gemeenten(gemeente.code, k=k, method=method, inputs=inputs)
        peer_rank = dict(zip(ranked["gemeentecode"], ranked["rank"]))
    else:
        peer_codes = _gemeente_codes(inputs, list(peers))
        peer_rank = {gemeente.code: 0, **{c: i + 1 for i, c in enumerate(p for p in peer_codes if p != gemeente.code)}}
    sel = frame[frame["cluster"].isin(wanted) & (frame["soort"] == soort)]
    own = sel[sel["gemeentecode"].isin(list(peer_rank))].drop_duplicates(["gemeentecode", "jaar", "cluster"])
    own = own.assign(role=np.where(own["gemeentecode"] == gemeente.code, "gemeente", "vergelijkbare gemeente"),
                     rank=own["gemeentecode"].map(peer_rank))
    comp = kosten.compare_costs(sel, gemeente.code, [c for c in peer_rank if c != gemeente.code])
    nl = comp.dropna(subset=["nl_per_inwoner"])[["jaar", "cluster", "nl_lasten_eur", "nl_inwoners"]]
    nl = nl.rename(columns={"nl_lasten_eur": "lasten_eur", "nl_inwoners": "inwoners"}).assign(
        gemeentecode=vocab.NEDERLAND_CODE, role="nederland", rank=np.nan, soort=soort)
    out = pd.concat([own[["gemeentecode", "role", "rank", "cluster", "soort", "jaar", "lasten_eur", "inwoners"]], nl],
                    ignore_index=True)
    reg = _registry(inputs).set_index("gemeentecode")["gemeentenaam"]
    out = out.assign(gemeentenaam=out["gemeentecode"].map(reg).fillna("Nederland"),
                     period=out["jaar"].astype(int).astype(str), period_type=vocab.JAAR,
                     per_inwoner=out["lasten_eur"] / out["inwoners"].where(out["inwoners"] > 0))
    order = {"gemeente": 0, "vergelijkbare gemeente": 1, "nederland": 2}
    out = out.assign(_o=out["role"].map(order)).sort_values(["cluster", "period", "_o", "rank"], kind="stable")
    return out.reindex(columns=COST_COLUMNS).reset_index(drop=True)


# ----------------------------------------------------------------------------------------------- herindeling
@dataclass
class HerindelingHistory:
    """A gemeente's herindelingen and how each indicator series was treated in its indeling.

    Attributes:
        gemeentecode, gemeentenaam, indelingsjaar: the gemeente.
        predecessors: codes that now belong to it (following chains back in time).
        history: the herindelingen (datum, jaar, oude_code, oude_naam, nieuwe_code, nieuwe_naam, bron).
        series: one row per (indicator, period) in which a predecessor published a value: ``treatment``
            ``opgeteld`` (Σteller/Σnoemer or Σ of the listed ``members``), ``gepubliceerd`` (the gemeente's own
            published row was kept: predecessor values after the merger are ignored) or ``weggelaten`` (no value:
            ``note`` says why, e.g. a predecessor without a value), with ``published_value`` (under the
            gemeente's own code) and ``harmonised_value`` (what every table of the package uses).
    """

    gemeentecode: str
    gemeentenaam: str
    indelingsjaar: int
    predecessors: list[str]
    history: pd.DataFrame
    series: pd.DataFrame

    def summary(self) -> pd.DataFrame:
        """Per indicator: periods summed, kept as published and left out."""
        if self.series.empty:
            return pd.DataFrame(columns=["indicator_id", "opgeteld", "gepubliceerd", "weggelaten"])
        counts = self.series.pivot_table(index="indicator_id", columns="treatment", values="period",
                                         aggfunc="count", fill_value=0)
        counts = counts.reindex(columns=["opgeteld", "gepubliceerd", "weggelaten"], fill_value=0).reset_index()
        counts.columns.name = None
        return counts

    def __repr__(self) -> str:
        if not self.predecessors:
            return f"HerindelingHistory({self.gemeentecode} {self.gemeentenaam}: geen herindelingen)"
        counts = self.series["treatment"].value_counts().to_dict() if len(self.series) else {}
        treated = ", ".join(f"{n} {t}" for t, n in sorted(counts.items())) or "geen reeksen geraakt"
        return (f"HerindelingHistory({self.gemeentecode} {self.gemeentenaam}: {len(self.history)} herindeling(en), "
                f"voorgangers {', '.join(self.predecessors)}; reeksperioden: {treated})")

    def _repr_html_(self) -> str:
        from analyse.formatting import escape  # noqa: PLC0415
        from analyse.report import frame_to_html  # noqa: PLC0415

        return (f"<p><strong>{escape(repr(self))}</strong></p>" + frame_to_html(self.history)
                + frame_to_html(self.summary()))


def herindeling_history(gemeentecode: str, indicator_ids: str | Sequence[str] | None = None,
                        indelingsjaar: int = REPORT_INDELINGSJAAR, *, inputs=None,
                        published: pd.DataFrame | None = None,
                        herindelingen: pd.DataFrame | None = None) -> HerindelingHistory:
    """A gemeente's herindelingen and, per indicator and period, how its series was harmonised.

    Read from the published and the harmonised tables (what the build did), not recomputed.

    Args:
        gemeentecode: code or name of the gemeente in the indeling of ``indelingsjaar``.
        indicator_ids: restrict the series to these ids (default all).
        indelingsjaar: the indeling.
        inputs: processed data (default the cached processed tables).
        published: the indicator table as published (default ``data/processed/indicators``).
        herindelingen: the herindelingen table (default ``data/processed/herindelingen``).

    Returns:
        :class:`HerindelingHistory` (``history``, ``series``, ``summary()``).
    """
    from analyse.data.derive import successor_map  # noqa: PLC0415

    inputs = _inputs(inputs, indelingsjaar)
    gemeente = _one_gemeente(inputs, gemeentecode)
    if herindelingen is None:

        herindelingen = processed.herindelingen()
    succ = successor_map(herindelingen, inputs.indelingsjaar)
    preds = sorted(str(c) for c, s in succ.items() if s == gemeente.code and c != gemeente.code)
    involved = set(preds) | {gemeente.code}
    hist = herindelingen[herindelingen["oude_code"].isin(preds)
                         | (herindelingen["nieuwe_code"].isin(involved) & herindelingen["oude_code"].isin(preds))]
    cols = [c for c in ("datum", "jaar", "oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "bron")
            if c in hist.columns]
    hist = hist[cols].sort_values(["jaar", "oude_code"]).reset_index(drop=True)
    series = _series_treatment(inputs, gemeente.code, preds, _as_list(indicator_ids), _published(published))
    return HerindelingHistory(gemeente.code, gemeente.naam, int(inputs.indelingsjaar), preds, hist, series)


def _series_treatment(inputs, code: str, preds: list[str], ids: list[str] | None,
                      published: pd.DataFrame) -> pd.DataFrame:
    columns = ["indicator_id", "period", "treatment", "published_value", "harmonised_value", "members", "note"]
    if not preds:
        return pd.DataFrame(columns=columns)
    pub = published[published["gemeentecode"].isin([code, *preds]) & published["value"].notna()]
    if ids is not None:
        ids = indicators.check_indicator_ids(ids, published["indicator_id"].unique(), inputs.catalogue)
        pub = pub[pub["indicator_id"].isin(ids)]
    pub = indicators.select_preferred(pub)
    with_value = pub.groupby(["indicator_id", "period"])["gemeentecode"].agg(lambda s: sorted(set(s)))
    pred_rows = pub[pub["gemeentecode"].isin(preds)][["indicator_id", "period"]].drop_duplicates()
    own = pub[pub["gemeentecode"] == code].set_index(["indicator_id", "period"])["value"]
    harm = inputs.harmonised
    harm = harm[(harm["gemeentecode"] == code)].drop_duplicates(["indicator_id", "period"]).set_index(
        ["indicator_id", "period"])["value"]
    existed = set(zip(inputs.registry["gemeentecode"].astype(str), inputs.registry["indelingsjaar"].astype(int)))
    rows = []
    for ind, period in pred_rows.itertuples(index=False):
        members = with_value.get((ind, period), [])
        pv, hv = own.get((ind, period), np.nan), harm.get((ind, period), np.nan)
        year = int(str(period)[:4])
        if pd.isna(hv):
            missing = [c for c in [*preds, code] if (c, year) in existed and c not in members]
            treatment = "weggelaten"
            note = (f"niet alle voorgangers met een waarde (ontbreekt: {', '.join(missing)})" if missing
                    else "geen teller en noemer om op te tellen")
        elif pd.notna(pv) and np.isclose(pv, hv) and not [c for c in preds if (c, year) in existed]:
            treatment, note = "gepubliceerd", "waarde van de gemeente zelf; voorgangers bestonden niet meer"
        else:
            treatment = "opgeteld"
            note = f"opgeteld uit {', '.join(members)}"
        rows.append({"indicator_id": ind, "period": str(period), "treatment": treatment, "published_value": pv,
                     "harmonised_value": hv, "members": ";".join(members), "note": note})
    return pd.DataFrame(rows, columns=columns).sort_values(["indicator_id", "period"]).reset_index(drop=True)
