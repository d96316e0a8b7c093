"""Compare a gemeente's indicators between a baseline and the latest period, and against references.

The output shape is fixed in ``docs/contracts.md`` ("Indicator comparison output").

THE RULE (issue 11, defects 4 and 8), in one line each:

* *Change since the baseline*: a change is real when it exceeds ordinary year-to-year variation: the
  binomial (shares) or Poisson (rates; counts with the population as exposure) test statistic is divided by
  sqrt(φ), φ = the indicator's overdispersion estimated once from the year-on-year changes of all gemeenten
  (:func:`estimate_dispersion`, winsorised as Spiegelhalter does, never below 1); real and in the desired
  direction → ``beter``, the other direction → ``slechter``, otherwise ``gelijk gebleven``.
* *Euro amounts* (unit ``eur``/``eur_per_inwoner``) are shown in constant prices of the latest year (CPI) and
  judged only against the reference: ``beter``/``slechter`` when the gemeente's real change differs from the
  reference's by at least the minimum relevant change (5 procentpunt of relative change), never without a
  reference.
* *Position against a benchmark* (Fingertips): the gemeente's 95% (and 99.8%) interval of the latest value
  against the reference value taken as fixed: wholly above → ``hoger``, below → ``lager``, else
  ``vergelijkbaar`` (with a polarity ``beter``/``slechter``), see :func:`benchmark_comparison`.

Verdict rule in detail (polarity-aware; ``beter``/``slechter`` only when the change exceeds its uncertainty):

1. ``niet te beoordelen`` when the baseline or latest value is missing or suppressed, when there is only one
   period (base = latest, or fewer than two values), or when the catalogue polarity is ``neutraal``
   (or the indicator is not in the catalogue); for euro amounts also when the reference is missing.
2. The change is *real* according to, in this order of preference:

   a. **toets** — numerator and denominator known at both time points:
      shares: two-proportion z-test (pooled); rates: conditional Poisson score test on the rate ratio
      (given k1 + k2 events, k2 ~ Bin(k1 + k2, E2/(E1 + E2))); counts (``kind: count``): the same Poisson
      test with the population (indicator ``inwoners`` of the same years) as exposure, equal exposure when
      that is unknown. With ``dispersion`` the statistic is z / sqrt(φ) (φ ≥ 1). Real when p < ``alpha``.
   b. **intervallen** — only intervals known (e.g. published survey intervals in ``ci_low``/``ci_high``):
      real when the two intervals do not overlap (conservative).
   c. **drempel** — no uncertainty information at all (printed percentages, levels): real when the change
      reaches the minimum relevant change (default 1 procentpunt for percentages, 5% relative change
      otherwise). The verdict is then marked ``indicative = True``.
   d. **referentie** — euro amounts: the real change minus the reference's real change (procentpunt of
      relative change) reaches the minimum relevant change (5). Marked ``indicative``.

3. Real and in the desired direction → ``beter``; real and in the other direction → ``slechter``;
   otherwise ``gelijk gebleven``. Small numbers (numerator < 10 or denominator < 100) or small counts
   rounded to multiples of 5 also mark the verdict ``indicative``.

Defaults for the periods (per indicator and gemeente): the reported ``period_type`` of
:func:`analyse.series.reported_period_types` (the one period rule of the whole report: yearly unless it ends
more than a year before the newest value of another type), not a mix; only when no single type has two values
(printed series such as 2019H1 → 2023-12-31) are the first and last values of any type compared, with
``period_type = "gemengd"`` and a warning in the reason. The baseline is the earliest period with a value (with
``base_year``: the last one in or before that year, of the same season as the latest value); the latest is the
most recent period *with a value*, and a newer empty period (suppressed or not yet published) is named in the
reason (``newer_missing``), never silently skipped. Explicit periods may be one string
for all indicators or a mapping indicator_id → period. Duplicated rows from different source tables are
reduced to one (a non-missing value wins, then input order); callers should use
``analyse.indicators.select`` first to apply the registry preference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from analyse import series as series_mod
from analyse import variation as variation_mod
from analyse import vocab
from analyse.data import cpi as cpi_mod
from analyse.errors import AnalyseError, DataNotAvailableError, UnknownGemeenteError
from analyse.formatting import fmt_number, fmt_pp, fmt_signed, fmt_value, period_label
from analyse.references import DEFAULT_REGION_COLUMNS, as_indicator_rows, compare_references
from analyse.stats import (
    add_intervals,
    catalogue_frame,
    period_time,
    period_type_of,
    poisson_rate_interval,
    wilson_interval,
)

__all__ = [
    "estimate_dispersion",
    "benchmark_comparison",
    "deflate",
    "compare_indicators",
    "compare_all",
    "verdicts",
    "period_label",
    "DEFAULT_MIN_RELEVANT",
    "DEFAULT_REGION_COLUMNS",
]

DEFAULT_MIN_RELEVANT: dict[str, float] = {"pp": 1.0, "rel_pct": 5.0}
"""Minimum relevant change when no uncertainty is known: 1 procentpunt for percentages, else 5% relative."""

_PTYPE_ORDER = {"jaar": 0, "halfjaar": 1, "kwartaal": 2, "peildatum": 3}
_KEY = ["indicator_id", "gemeentecode"]
_VALUE_COLS = ["value", "ci_low", "ci_high", "numerator", "denominator", "small_numbers", "rounded_small",
               "suppressed"]


_WINSOR = 0.1
# E[min(max(z, q10), q90)²] for z ~ N(0, 1): the winsorised mean square of pure noise (consistency factor)
_WINSOR_NORMAL = float((2 * sps.norm.cdf(sps.norm.ppf(1 - _WINSOR)) - 1)
                       - 2 * sps.norm.ppf(1 - _WINSOR) * sps.norm.pdf(sps.norm.ppf(1 - _WINSOR))
                       + 2 * _WINSOR * sps.norm.ppf(1 - _WINSOR) ** 2)

EUR_UNITS = ("eur", "eur_per_inwoner")
"""Units of euro amounts: compared in constant prices and only against a reference."""
EXPOSURE_ID = "inwoners"
"""Indicator whose value is the population exposure of ``kind: count`` indicators."""


def _exposure_lookup(ind: pd.DataFrame, exposure_id: str | None) -> pd.Series:
    """(gemeentecode, year) → population, from the ``exposure_id`` rows (yearly or peildatum)."""
    if exposure_id is None:
        return pd.Series(dtype=float)
    rows = ind[(ind["indicator_id"] == exposure_id) & ind["value"].notna()]
    if rows.empty:
        return pd.Series(dtype=float)
    year = rows["period"].astype(str).str.slice(0, 4)
    return (rows.assign(_year=year).sort_values("period").drop_duplicates(["gemeentecode", "_year"])
            .set_index(["gemeentecode", "_year"])["value"].astype(float))


def estimate_dispersion(
    indicators: pd.DataFrame,
    catalogue: pd.DataFrame | Sequence[Mapping],
    prefix: str = "GM",
    exposure_id: str | None = EXPOSURE_ID,
) -> pd.DataFrame:
    """Overdispersion φ per indicator from the year-on-year changes of all gemeenten, in one pass.

    For every gemeente and every pair of periods one year apart in the same slot (2019 → 2020, 2019H1 →
    2020H1; consecutive half-years overlap in clients and would understate the noise) with counts, the change
    is tested against the *common* change of all gemeenten in that pair (so a national trend is not
    counted as noise): shares z = ((p2 − p1) − (P2 − P1)) / sqrt(p̄(1 − p̄)(1/n1 + 1/n2)) with P the pooled
    shares and p̄ the gemeente's pooled share; rates and counts the conditional Poisson statistic with
    q = n2·R2 / (n1·R1 + n2·R2) (R pooled rates; counts use ``inwoners`` as exposure n). As in
    Spiegelhalter's funnel, z is winsorised at its 10% and 90% points; φ = mean(z²) divided by the value
    that mean has for pure noise (0,679), never below 1. Levels get no φ.

    Compute it once per batch on the harmonised frame of all gemeenten and pass it to
    :func:`compare_indicators` / :func:`compare_all` (``dispersion=``).

    Args:
        indicators: harmonised indicators (all gemeenten; region rows are ignored).
        catalogue: catalogue (``kind``).
        prefix: code prefix of the units (gemeenten).
        exposure_id: indicator giving the population of ``kind: count`` indicators (None: equal exposure).

    Returns:
        One row per indicator with at least one usable pair: indicator_id, kind, phi (≥ 1), phi_raw
        (before the floor at 1), n_pairs, n_gemeenten.
    """
    cat = catalogue_frame(catalogue)
    ind = indicators[indicators["gemeentecode"].astype(str).str.startswith(prefix)]
    ind = _dedupe(ind)
    kind = ind["indicator_id"].map(cat["kind"]).astype("string")
    ind = ind[kind.isin(["share", "rate", "count"]).to_numpy()]
    cols = ["indicator_id", "gemeentecode", "period", "value", "numerator", "denominator"]
    ind = ind[[c for c in cols if c in ind.columns] + (["period_type"] if "period_type" in ind.columns else [])]
    for c in ("numerator", "denominator"):
        if c not in ind.columns:
            ind = ind.assign(**{c: np.nan})
    if "period_type" not in ind.columns:
        ind = ind.assign(period_type=period_type_of(ind["period"]).to_numpy())
    kind = ind["indicator_id"].map(cat["kind"]).astype(str).to_numpy()
    k = pd.to_numeric(ind["numerator"], errors="coerce").to_numpy(float)
    n = pd.to_numeric(ind["denominator"], errors="coerce").to_numpy(float)
    v = pd.to_numeric(ind["value"], errors="coerce").to_numpy(float)
    is_count = kind == "count"
    k = np.where(is_count & ~np.isfinite(k), v, k)
    if is_count.any():
        expo = _exposure_lookup(indicators[indicators["indicator_id"] == exposure_id] if exposure_id else
                                indicators.iloc[0:0], exposure_id)
        idx = pd.MultiIndex.from_arrays([ind["gemeentecode"].astype(str), ind["period"].astype(str).str.slice(0, 4)])
        pop = expo.reindex(idx).to_numpy(float) if len(expo) else np.full(len(ind), np.nan)
        n = np.where(is_count, np.where(np.isfinite(pop), pop, 1.0), n)
    ok = np.isfinite(k) & np.isfinite(n) & (n > 0) & (k >= 0) & np.isfinite(v)
    d = ind.assign(_k=k, _n=n, _kind=kind, _t=period_time(ind["period"]).to_numpy(),
                   _slot=ind["period"].astype(str).str.slice(4).to_numpy())[ok]
    d = d.sort_values(["indicator_id", "period_type", "_slot", "gemeentecode", "_t"])
    grp = d.groupby(["indicator_id", "period_type", "_slot", "gemeentecode"], sort=False)
    d = d.assign(_k1=grp["_k"].shift(), _n1=grp["_n"].shift(), _p1=grp["period"].shift(), _t1=grp["_t"].shift())
    # one year apart, same slot (2019H1 → 2020H1): consecutive half-years share most of their clients
    d = d[d["_k1"].notna() & (np.abs(d["_t"] - d["_t1"] - 1.0) < 0.01)]
    if d.empty:
        return pd.DataFrame(columns=["indicator_id", "kind", "phi", "phi_raw", "n_pairs", "n_gemeenten"])
    pair = ["indicator_id", "period_type", "_p1", "period"]
    tot = d.groupby(pair, sort=False)[["_k1", "_n1", "_k", "_n"]].transform("sum")
    k1, n1, k2, n2 = (d[c].to_numpy(float) for c in ("_k1", "_n1", "_k", "_n"))
    K1, N1, K2, N2 = (tot[c].to_numpy(float) for c in ("_k1", "_n1", "_k", "_n"))
    share = (d["_kind"] == "share").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        pbar = (k1 + k2) / (n1 + n2)
        z_share = ((k2 / n2 - k1 / n1) - (K2 / N2 - K1 / N1)) / np.sqrt(pbar * (1 - pbar) * (1 / n1 + 1 / n2))
        r1, r2 = K1 / N1, K2 / N2
        q = n2 * r2 / (n1 * r1 + n2 * r2)
        tt = k1 + k2
        z_pois = (k2 - tt * q) / np.sqrt(tt * q * (1 - q))
    z = np.where(share, z_share, z_pois)
    d = d.assign(_z=z)
    d = d[np.isfinite(d["_z"])]
    rows = []
    for iid, g in d.groupby("indicator_id", sort=True):
        zz = g["_z"].to_numpy()
        lo, hi = np.quantile(zz, [_WINSOR, 1 - _WINSOR])
        raw = float(np.mean(np.clip(zz, lo, hi) ** 2) / _WINSOR_NORMAL)
        rows.append({"indicator_id": iid, "kind": str(g["_kind"].iloc[0]), "phi": max(1.0, raw), "phi_raw": raw,
                     "n_pairs": len(zz), "n_gemeenten": int(g["gemeentecode"].nunique())})
    return pd.DataFrame(rows)


def _phi_series(dispersion: pd.DataFrame | Mapping[str, float] | pd.Series | None) -> pd.Series:
    if dispersion is None:
        return pd.Series(dtype=float)
    if isinstance(dispersion, pd.DataFrame):
        if not {"indicator_id", "phi"} <= set(dispersion.columns):
            raise AnalyseError("dispersion: verwacht de kolommen indicator_id en phi (estimate_dispersion).")
        return dispersion.set_index("indicator_id")["phi"].astype(float)
    return pd.Series(dispersion, dtype=float)


def _dedupe(ind: pd.DataFrame) -> pd.DataFrame:
    key = ["indicator_id", "gemeentecode", "period"]
    if not ind.duplicated(key).any():
        return ind
    order = ind.assign(_missing=ind["value"].isna(), _order=np.arange(len(ind)))
    return order.sort_values(["_missing", "_order"]).drop_duplicates(key).sort_values("_order").drop(
        columns=["_missing", "_order"])


def _as_mapping(periods: str | Mapping[str, str] | None, ids: Sequence[str]) -> pd.Series:
    if periods is None:
        return pd.Series(pd.NA, index=pd.Index(ids, name="indicator_id"), dtype="string")
    if isinstance(periods, str):
        return pd.Series(periods, index=pd.Index(ids, name="indicator_id"), dtype="string")
    return pd.Series(dict(periods), dtype="string").reindex(pd.Index(ids, name="indicator_id"))


def _prepare(indicators: pd.DataFrame, cat: pd.DataFrame, codes: Sequence[str]) -> pd.DataFrame:
    ind = indicators[indicators["gemeentecode"].isin(codes)]
    cols = [c for c in ["indicator_id", "gemeentecode", "period", "period_type", "value", "numerator",
                        "denominator", "ci_low", "ci_high", "unit"] if c in ind.columns]
    ind = _dedupe(ind[cols])
    if "period_type" not in ind.columns:
        ind = ind.assign(period_type=period_type_of(ind["period"]).to_numpy())
    for c in ("numerator", "denominator"):
        if c not in ind.columns:
            ind = ind.assign(**{c: np.nan})
    ind = ind.assign(time=period_time(ind["period"]).to_numpy())
    return ind


def _choose_periods(focal: pd.DataFrame, base: pd.Series, latest: pd.Series,
                    base_year: int | None = None) -> pd.DataFrame:
    """Per (indicator, gemeente): period_type, base_period, latest_period, n_points, base_after_start.

    With ``base_year`` the baseline is the last period with a value in or before that year (the nulmeting at
    the start of a policy); when there is none, the first later value is used and ``base_after_start`` is set.
    """
    counts = (focal.assign(_has=focal["value"].notna())
              .groupby(_KEY + ["period_type"], observed=True)["_has"].sum().reset_index())
    counts["_rank"] = counts["period_type"].map(_PTYPE_ORDER).fillna(9)
    counts = counts.sort_values(_KEY + ["_has", "_rank"], ascending=[True, True, False, True])
    fallback = counts.drop_duplicates(_KEY)[_KEY + ["period_type"]]  # only for series without any value
    reported = series_mod.reported_period_types(focal)  # the one period rule of every part of the report
    chosen = pd.concat([reported, fallback], ignore_index=True).drop_duplicates(_KEY)
    explicit = base.fillna(latest)
    exp_type = period_type_of(explicit.fillna("")).set_axis(explicit.index)
    override = chosen["indicator_id"].map(exp_type)
    chosen["period_type"] = override.fillna(chosen["period_type"]).astype("string")

    rows = focal.merge(chosen, on=_KEY + ["period_type"])
    with_value = rows[rows["value"].notna()]
    first = with_value.sort_values("time").drop_duplicates(_KEY)[_KEY + ["period"]]
    first_any = rows.sort_values("time").drop_duplicates(_KEY)[_KEY + ["period"]]
    last_any = rows.sort_values("time").drop_duplicates(_KEY, keep="last")[_KEY + ["period"]]
    last_val = with_value.sort_values("time").drop_duplicates(_KEY, keep="last")[_KEY + ["period"]]
    out = (chosen.merge(first_any.rename(columns={"period": "_first_any"}), on=_KEY, how="left")
           .merge(first.rename(columns={"period": "_first"}), on=_KEY, how="left")
           .merge(last_any.rename(columns={"period": "_last_any"}), on=_KEY, how="left")
           .merge(last_val.rename(columns={"period": "_last_val"}), on=_KEY, how="left"))
    # the latest period is the latest with a value; a newer empty (suppressed or not yet published) period is
    # named in the reason, never silently skipped
    out["latest_period"] = out["_last_val"].fillna(out["_last_any"])
    out["newer_missing"] = out["_last_any"].where(out["_last_any"] != out["latest_period"])
    out = out.drop(columns=["_last_any", "_last_val"])
    out["base_period"] = out["_first"].fillna(out["_first_any"])
    out["base_after_start"] = False
    if base_year is not None:
        # like for like: the nulmeting has the same season as the latest value (2020H1 with 2024H1, never 2020H2)
        slot = with_value.merge(out[_KEY + ["latest_period"]], on=_KEY)
        same = (slot["period"].astype(str).str.slice(4) == slot["latest_period"].astype(str).str.slice(4)).to_numpy()
        seasonal = slot["period_type"].isin(["halfjaar", "kwartaal"]).to_numpy()
        slot = slot[same | ~seasonal]
        start = slot[slot["period"].str.slice(0, 4).astype(int) <= int(base_year)]
        at_start = (start.sort_values("time").drop_duplicates(_KEY, keep="last")[_KEY + ["period"]]
                    .rename(columns={"period": "_at_start"}))
        out = out.merge(at_start, on=_KEY, how="left")
        out["base_after_start"] = out["_at_start"].isna() & out["_first"].notna()
        out["base_period"] = out["_at_start"].fillna(out["base_period"])
        out = out.drop(columns="_at_start")
    out["base_period"] = out["indicator_id"].map(base).fillna(out["base_period"]).astype("string")
    out["latest_period"] = out["indicator_id"].map(latest).fillna(out["latest_period"]).astype("string")
    out = out.drop(columns=["_first", "_first_any"])
    # n_points: values of the chosen type between base and latest (inclusive)
    span = rows.merge(out[_KEY + ["base_period", "latest_period"]], on=_KEY)
    t0 = period_time(span["base_period"]).to_numpy()
    t1 = period_time(span["latest_period"]).to_numpy()
    inside = span["value"].notna().to_numpy() & (span["time"].to_numpy() >= t0) & (span["time"].to_numpy() <= t1)
    n = span.assign(_in=inside).groupby(_KEY)["_in"].sum().rename("n_points").reset_index()
    out = out.merge(n, on=_KEY, how="left")
    out["n_points"] = out["n_points"].fillna(0).astype(int)
    # Fallback for printed series whose two measurements have different period types (e.g. 2019H1 and
    # 2023-12-31): when no single type has two values, compare the first and last value of any type.
    valued = focal[focal["value"].notna()].sort_values("time")
    total = valued.groupby(_KEY).size().rename("_total").reset_index()
    out = out.merge(total, on=_KEY, how="left")
    no_explicit = out["indicator_id"].map(explicit).isna().to_numpy()
    mixed = no_explicit & (out["n_points"] < 2).to_numpy() & (out["_total"].fillna(0) >= 2).to_numpy()
    if mixed.any():
        firsts = valued.drop_duplicates(_KEY).set_index(_KEY)["period"]
        lasts = valued.drop_duplicates(_KEY, keep="last").set_index(_KEY)["period"]
        idx = pd.MultiIndex.from_frame(out.loc[mixed, _KEY])
        out.loc[mixed, "base_period"] = firsts.reindex(idx).to_numpy()
        out.loc[mixed, "latest_period"] = lasts.reindex(idx).to_numpy()
        out.loc[mixed, "period_type"] = "gemengd"
        out.loc[mixed, "n_points"] = out.loc[mixed, "_total"].astype(int)
        if base_year is not None:  # mixed types: still the last value in or before the start year
            yr = valued["period"].str.slice(0, 4).astype(int)
            starts = valued[yr <= int(base_year)].drop_duplicates(_KEY, keep="last").set_index(_KEY)["period"]
            at = starts.reindex(idx)
            out.loc[mixed, "base_period"] = at.fillna(firsts.reindex(idx)).to_numpy()
            out.loc[mixed, "base_after_start"] = at.isna().to_numpy()
    # explicit periods of different types: the two chosen values are the points
    types_differ = (period_type_of(out["base_period"].fillna("")).to_numpy()
                    != period_type_of(out["latest_period"].fillna("")).to_numpy())
    fix = types_differ & ~mixed
    if fix.any():
        vals = focal.set_index(["indicator_id", "gemeentecode", "period"])["value"]
        count = np.zeros(int(fix.sum()), dtype=int)
        for end in ("base_period", "latest_period"):
            idx = pd.MultiIndex.from_frame(out.loc[fix, _KEY + [end]])
            count += vals.reindex(idx).notna().to_numpy()
        out.loc[fix, "n_points"] = count
        out.loc[fix, "period_type"] = "gemengd"
    return out.drop(columns="_total")


def _values_at(frame: pd.DataFrame, rows: pd.DataFrame, period_col: str, prefix: str,
               code_col: str = "gemeentecode", cols: Sequence[str] = _VALUE_COLS) -> pd.DataFrame:
    src = frame[["indicator_id", "gemeentecode", "period", *cols]].rename(
        columns={"gemeentecode": code_col, "period": period_col, **{c: f"{prefix}{c}" for c in cols}})
    return rows.merge(src, on=["indicator_id", code_col, period_col], how="left")


def _tests(c: pd.DataFrame, alpha: float, min_relevant: Mapping[str, float]) -> pd.DataFrame:
    """Decide per row whether the change exceeds chance. Adds test columns.

    Chance is the gemeente's own noise (binomial/Poisson from the counts, or a published interval) plus the
    indicator's real year-to-year variation τ²_change (``tau2_change``, :mod:`analyse.variation`):
    z = (latest − base) / sqrt(s_base² + s_latest² + τ²_change). Without counts or an interval no margin is
    known (basis ``geen marge``): the change is described, never judged.
    """
    kind = c["kind"].fillna(vocab.LEVEL)
    k1, n1 = c["base_numerator"].to_numpy(float), c["base_denominator"].to_numpy(float)
    k2, n2 = c["latest_numerator"].to_numpy(float), c["latest_denominator"].to_numpy(float)
    v1, v2 = c["base_value"].to_numpy(float), c["latest_value"].to_numpy(float)
    per = c["per"].to_numpy(float)
    is_count = (kind == vocab.COUNT).to_numpy()
    k1 = np.where(is_count & np.isnan(k1), v1, k1)
    k2 = np.where(is_count & np.isnan(k2), v2, k2)
    e1 = c["base_exposure"].to_numpy(float) if "base_exposure" in c else np.full(len(c), np.nan)
    e2 = c["latest_exposure"].to_numpy(float) if "latest_exposure" in c else np.full(len(c), np.nan)
    has_e = np.isfinite(e1) & np.isfinite(e2) & (e1 > 0) & (e2 > 0)
    # counts with a population are judged as a rate per 1.000 inwoners (as analyse.variation estimates them)
    x1 = np.where(is_count & has_e, k1 / np.where(has_e, e1, 1) * 1000, v1)
    x2 = np.where(is_count & has_e, k2 / np.where(has_e, e2, 1) * 1000, v2)
    n1 = np.where(is_count, np.where(has_e, e1, np.nan), n1)
    n2 = np.where(is_count, np.where(has_e, e2, np.nan), n2)
    per_x = np.where(is_count, 1000.0, per)
    has_nd = np.isfinite(k1) & np.isfinite(k2) & np.isfinite(v1) & np.isfinite(v2)
    has_nd &= np.where(is_count & ~has_e, True, np.isfinite(n1) & np.isfinite(n2) & (n1 > 0) & (n2 > 0))
    share = (kind == vocab.SHARE).to_numpy() & has_nd
    pois = (kind.isin([vocab.RATE, vocab.COUNT])).to_numpy() & has_nd
    with np.errstate(divide="ignore", invalid="ignore"):
        pool = (k1 + k2) / (n1 + n2)  # the null hypothesis: one level at both time points
        noise_share = per ** 2 * pool * (1 - pool) * (1 / n1 + 1 / n2)
        noise_rate = per_x ** 2 * pool * (1 / n1 + 1 / n2)
        noise_count = k1 + k2  # a count without a population: Poisson on the count itself
    noise = np.where(share, noise_share, np.where(pois & is_count & ~has_e, noise_count,
                                                  np.where(pois, noise_rate, np.nan)))
    tested = share | pois
    lo1, hi1 = c["base_ci_low"].to_numpy(float), c["base_ci_high"].to_numpy(float)
    lo2, hi2 = c["latest_ci_low"].to_numpy(float), c["latest_ci_high"].to_numpy(float)
    has_ci = ~tested & np.isfinite(lo1) & np.isfinite(hi1) & np.isfinite(lo2) & np.isfinite(hi2)
    z975 = sps.norm.ppf(0.975)
    noise_ci = ((hi1 - lo1) / (2 * z975)) ** 2 + ((hi2 - lo2) / (2 * z975)) ** 2
    noise = np.where(has_ci, noise_ci, noise)
    tau2 = c["tau2_change"].to_numpy(float) if "tau2_change" in c else np.zeros(len(c))
    tau2 = np.where(np.isfinite(tau2), tau2, 0.0)
    diff = np.where(is_count & has_e, x2 - x1, v2 - v1)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(tested | has_ci, diff / np.sqrt(noise + tau2), np.nan)
    p = np.where(np.isfinite(z), 2 * sps.norm.sf(np.abs(z)), np.where(tested | has_ci, 1.0, np.nan))
    known = tested | has_ci
    pct = (c["unit"].fillna("") == "procent").to_numpy() | ((kind == vocab.SHARE) & (c["per"] == 100)).to_numpy()
    basis = np.select([tested, has_ci], [vocab.BASIS_TOETS, vocab.BASIS_INTERVAL], vocab.BASIS_ONBEKEND)
    real = np.where(known, p < alpha, False)
    test_name = np.select([share, pois, has_ci], ["twee proporties", "Poisson", "intervallen"], "geen")
    return pd.DataFrame({"basis": basis, "test": test_name, "z": z, "p_value": np.where(known, p, np.nan),
                         "real_change": real.astype(bool), "is_pct": pct,
                         "tau2_used": np.where(known, tau2, np.nan),
                         "change_se": np.where(known, np.sqrt(noise + tau2), np.nan),
                         "count_exposure": np.where(is_count & tested, np.where(has_e, "inwoners", "gelijk"), "")},
                        index=c.index)


def _real_variation(c: pd.DataFrame, variation: pd.DataFrame | None) -> pd.DataFrame:
    """τ² of each row (:mod:`analyse.variation`) and the margins of the latest value used for the benchmark.

    The margin of the latest figure is value ± z·sqrt(s² + τ²_level), s from its 95% interval (Wilson, exact
    Poisson or published); no interval → no margin (the benchmark then says "marge onbekend").
    """
    is_count = (c["kind"] == vocab.COUNT).to_numpy()
    n2 = np.where(is_count, c.get("latest_exposure", pd.Series(np.nan, index=c.index)).to_numpy(float),
                  c["latest_denominator"].to_numpy(float))
    n1 = np.where(is_count, c.get("base_exposure", pd.Series(np.nan, index=c.index)).to_numpy(float),
                  c["base_denominator"].to_numpy(float))
    size_change = np.sqrt(n1 * n2)
    ids = c["indicator_id"].to_numpy(dtype=object)
    tau2_change = variation_mod.lookup_tau2(variation, ids, size_change, 1)
    tau2_level = variation_mod.lookup_tau2(variation, ids, n2, 0)
    v = c["latest_value"].to_numpy(float)
    lo, hi = c["latest_ci_low"].to_numpy(float), c["latest_ci_high"].to_numpy(float)
    z95, z998 = sps.norm.ppf(0.975), sps.norm.ppf(0.999)
    s2 = ((hi - lo) / (2 * z95)) ** 2
    # a count judged per inwoner has its τ² on the per-1.000 scale: bring it back to the count scale
    scale = np.where(is_count & np.isfinite(n2) & (n2 > 0), (n2 / 1000.0) ** 2, 1.0)
    total = np.sqrt(s2 + tau2_level * scale)
    ok = np.isfinite(total) & np.isfinite(v)
    # the margin is centred on the interval's own centre so that an asymmetric (Wilson) interval keeps its shape
    return pd.DataFrame({
        "tau2_change": tau2_change, "tau2_level": tau2_level,
        "latest_margin_low": np.where(ok, np.minimum(lo, v - z95 * total), np.nan),
        "latest_margin_high": np.where(ok, np.maximum(hi, v + z95 * total), np.nan),
        "latest_margin998_low": np.where(ok, v - z998 * total, np.nan),
        "latest_margin998_high": np.where(ok, v + z998 * total, np.nan),
    }, index=c.index)


def break_between(rows: pd.DataFrame, breaks: pd.DataFrame | None) -> np.ndarray:
    """Whether a break (first period of a new series) lies after ``base_period`` and at or before ``latest_period``.

    Args:
        rows: indicator_id, gemeentecode, base_period, latest_period.
        breaks: indicator_id, period and optionally gemeentecode (NA = every gemeente).
    """
    out = np.zeros(len(rows), dtype=bool)
    if breaks is None or len(breaks) == 0 or len(rows) == 0:
        return out
    b = breaks.copy()
    if "gemeentecode" not in b:
        b["gemeentecode"] = pd.NA
    b = b.assign(_tb=period_time(b["period"]).to_numpy())
    r = rows[["indicator_id", "gemeentecode"]].assign(
        _i=np.arange(len(rows)), _t0=period_time(rows["base_period"]).to_numpy(),
        _t1=period_time(rows["latest_period"]).to_numpy())
    general = r.merge(b[b["gemeentecode"].isna()].drop(columns="gemeentecode"), on="indicator_id")
    specific = r.merge(b[b["gemeentecode"].notna()], on=["indicator_id", "gemeentecode"])
    hits = pd.concat([general, specific], ignore_index=True)
    hits = hits[(hits["_tb"] > hits["_t0"]) & (hits["_tb"] <= hits["_t1"])]
    out[hits["_i"].to_numpy(int)] = True
    return out


def change_verdicts(c: pd.DataFrame) -> np.ndarray:
    """The change verdict of each row, in one place (:data:`analyse.vocab.CHANGE_VERDICTS`).

    Order of the rule: a missing value, a single period or a break between the two periods → ``niet te
    beoordelen``; an indicator outside the catalogue → ``niet te beoordelen``; no margin known (basis ``geen
    marge``) → ``marge onbekend``; within chance (or no change) → ``gelijk gebleven``; beyond chance: with a
    polarity ``beter``/``slechter``, without one (``neutraal``) ``hoger``/``lager``.
    """
    bv, lv = c["base_value"].astype(float), c["latest_value"].astype(float)
    missing = (bv.isna() | lv.isna()).to_numpy()
    single = ((c["base_period"] == c["latest_period"]).fillna(True) | (c["n_points"] < 2)).to_numpy()
    brk = c["break_between"].fillna(False).astype(bool).to_numpy() if "break_between" in c else np.zeros(len(c), bool)
    pol = c["polarity"].astype("string").fillna("onbekend").to_numpy()
    unknown = ~np.isin(pol, vocab.POLARITIES)
    no_margin = (c["basis"] == vocab.BASIS_ONBEKEND).to_numpy()
    diff = (lv - bv).to_numpy()
    flat = ~c["real_change"].to_numpy(bool) | (diff == 0)
    good = ((diff > 0) & (pol == vocab.HOGER_BETER)) | ((diff < 0) & (pol == vocab.LAGER_BETER))
    neutral = pol == vocab.NEUTRAAL
    return np.select([missing | single | brk | unknown, no_margin, flat, neutral & (diff > 0), neutral, good],
                     [vocab.NIET_TE_BEOORDELEN, vocab.MARGE_ONBEKEND, vocab.GELIJK, vocab.HOGER, vocab.LAGER,
                      vocab.BETER], vocab.SLECHTER).astype(object)


def _change_text(row: dict) -> str:
    rel = fmt_signed(row["rel_change_pct"], 1, "%")
    if row["is_pct"]:
        return f"{fmt_pp(row['pp_change'] if not pd.isna(row['pp_change']) else row['abs_change'])} ({rel})"
    unit = row["unit"] if isinstance(row["unit"], str) else ""
    dec = 0 if unit in ("aantal", "eur", "eur_per_inwoner") else 1
    suffix = {"per_1000": " per 1.000", "eur": " euro", "eur_per_inwoner": " euro per inwoner"}.get(unit, "")
    return f"{fmt_signed(row['abs_change'], dec, suffix)} ({rel})"


def _short(x: float) -> str:
    return fmt_number(x, 0) if float(x).is_integer() else fmt_number(x, 1)


def _reason(row: dict, alpha: float, min_relevant: Mapping[str, float]) -> str:
    text = _reason_core(row, alpha, min_relevant)
    newer = row.get("newer_missing")
    if isinstance(newer, str) and newer:
        text += (f" Voor {period_label(newer)} is (nog) geen waarde gepubliceerd of de waarde is onderdrukt; het "
                 f"laatste cijfer is van {period_label(row['latest_period'])}.")
    if row.get("base_after_start"):
        text += (f" Er is geen meting in of vóór het startjaar; de eerste meting ({period_label(row['base_period'])})"
                 " is als basis genomen.")
    return text


def _reason_core(row: dict, alpha: float, min_relevant: Mapping[str, float]) -> str:
    pb, pl = period_label(row["base_period"]), period_label(row["latest_period"])
    unit = row["unit"] if isinstance(row["unit"], str) else ""
    if pd.isna(row["base_value"]) or pd.isna(row["latest_value"]):
        which = [p for p, v in ((pb, row["base_value"]), (pl, row["latest_value"])) if pd.isna(v)]
        return f"Niet te beoordelen: de waarde voor {' en '.join(which)} ontbreekt of is onderdrukt."
    if row["base_period"] == row["latest_period"] or row["n_points"] < 2:
        return f"Niet te beoordelen: alleen een waarde voor {pl}, geen tweede meetmoment."
    vb, vl = fmt_value(row["base_value"], unit), fmt_value(row["latest_value"], unit)
    head = f"Van {vb} ({pb}) naar {vl} ({pl}), {_change_text(row)}"
    if row.get("break_between"):
        return (f"{head}; niet te beoordelen: tussen {pb} en {pl} is de bron of de definitie veranderd "
                f"(breuk in de reeks).")
    if row["polarity"] not in ("hoger_beter", "lager_beter", "neutraal"):
        return f"{head}; niet te beoordelen: de indicator staat niet in de catalogus."
    if row["basis"] == vocab.BASIS_ONBEKEND:
        return (f"{head}; marge onbekend: zonder aantallen of een gepubliceerde marge is niet te zeggen of dit "
                f"verschil groter is dan toeval.")
    if row["basis"] == vocab.BASIS_TOETS:
        test = "toets op twee proporties" if row["test"] == "twee proporties" else "Poisson-toets"
        if row.get("count_exposure") == "inwoners":
            test += " per inwoner"
    else:
        test = "toets met de gepubliceerde marges"
    tau2 = row.get("tau2_used")
    if tau2 is not None and np.isfinite(tau2) and tau2 > 0:
        test += ", inclusief de gewone jaar-op-jaarschommeling van gemeenten van deze omvang"
    marge = f"{test}, p = {fmt_number(row['p_value'], 3)}"
    sig = f"groter dan de toevalsmarge ({marge})" if row["real_change"] else f"binnen de toevalsmarge ({marge})"
    if row["polarity"] == "neutraal":
        oordeel = {vocab.HOGER: "gestegen (geen gewenste richting)", vocab.LAGER: "gedaald (geen gewenste richting)",
                   vocab.GELIJK: "gelijk gebleven"}[row["verdict"]]
    else:
        richting = "hoger is beter" if row["polarity"] == "hoger_beter" else "lager is beter"
        oordeel = {vocab.BETER: f"verbeterd ({richting})", vocab.SLECHTER: f"verslechterd ({richting})",
                   vocab.GELIJK: "gelijk gebleven"}[row["verdict"]]
    text = f"{head}: {oordeel}; de verandering is {sig}."
    if row.get("period_type") == "gemengd":
        text += " Let op: de twee meetmomenten hebben een verschillende periodesoort."
    if row["small_numbers"]:
        text += " Kleine aantallen: voorzichtig interpreteren."
    elif row["rounded_small"]:
        text += " Kleine, door het CBS afgeronde aantallen: voorzichtig interpreteren."
    return text


def deflate(values: object, years: object, cpi: pd.DataFrame | Mapping[int, float] | pd.Series,
            price_year: object) -> np.ndarray:
    """Euro amounts of ``years`` expressed in prices of ``price_year``: value × CPI(price_year) / CPI(year).

    The rule is :func:`analyse.data.cpi.price_factor` (one deflation for costs and indicators).

    Args:
        values: amounts (vectorised).
        years: year of each amount (int or period string; the first four characters are the year).
        cpi: table ``cpi`` (jaar, cpi_index) or a mapping year → index.
        price_year: target price year per amount (or one year).

    Returns:
        Float array; NaN where the CPI of either year is unknown.
    """
    v = np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(values, dtype=object))), errors="coerce"),
                   dtype=float)
    factor = cpi_mod.price_factor(np.broadcast_to(np.asarray(years, dtype=object), v.shape), price_year, cpi)
    return v * factor


MARGIN_COLUMNS = {"low95": "latest_margin_low", "high95": "latest_margin_high",
                  "low998": "latest_margin998_low", "high998": "latest_margin998_high"}
"""The interval columns a report's benchmark uses: the figure's own noise plus τ²_level (real variation)."""


def benchmark_comparison(
    frame: pd.DataFrame,
    value: str = "latest_value",
    reference: str = "ref_latest_value",
    low95: str = "latest_ci_low",
    high95: str = "latest_ci_high",
    low998: str = "latest_ci998_low",
    high998: str = "latest_ci998_high",
    polarity: str = "polarity",
    label: str = "reference_label",
) -> pd.DataFrame:
    """Fingertips benchmark comparison: the gemeente's interval against the reference value (taken as fixed).

    Wholly above the reference → ``hoger``, wholly below → ``lager``, else ``vergelijkbaar``; no interval or
    no reference → ``niet te beoordelen``. With polarity ``hoger_beter``/``lager_beter`` the verdict reads
    ``beter``/``slechter``/``vergelijkbaar``. The plain Dutch label has no test names: "hoger dan
    Nederland, buiten de marge van toeval (ongunstig)", "… ruim buiten de marge van toeval" when also
    outside the 99.8% interval, "vergelijkbaar met de rest van jeugdzorgregio Zuid-Holland Zuid".

    Args:
        frame: rows with the named columns (defaults: the output of :func:`compare_indicators`); missing
            99.8% columns count as unknown, a missing label column reads "de referentie".
        value, reference, low95, high95, low998, high998, polarity, label: column names.

    Returns:
        Frame aligned with ``frame``: benchmark_95, benchmark_998 (hoger/lager/vergelijkbaar/niet te
        beoordelen), benchmark_verdict (beter/slechter/vergelijkbaar/hoger/lager/niet te beoordelen, 95%),
        benchmark_label (Dutch).
    """
    def col(name: str) -> np.ndarray:
        return (pd.to_numeric(frame[name], errors="coerce").to_numpy(float) if name in frame.columns
                else np.full(len(frame), np.nan))

    ref = col(reference)
    v = col(value)

    def position(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        values = np.isfinite(ref) & np.isfinite(v)
        ok = np.isfinite(lo) & np.isfinite(hi) & values
        return np.select([values & ~ok, ~ok, lo > ref, hi < ref],
                         [vocab.MARGE_ONBEKEND, vocab.NIET_TE_BEOORDELEN, vocab.HOGER, vocab.LAGER],
                         vocab.VERGELIJKBAAR)

    b95 = position(col(low95), col(high95))
    b998 = position(col(low998), col(high998))
    pol = (frame[polarity].astype("string").fillna("").to_numpy() if polarity in frame.columns
           else np.full(len(frame), ""))
    good = ((b95 == "hoger") & (pol == "hoger_beter")) | ((b95 == "lager") & (pol == "lager_beter"))
    bad = ((b95 == "hoger") & (pol == "lager_beter")) | ((b95 == "lager") & (pol == "hoger_beter"))
    verdict = np.where(good, "beter", np.where(bad, "slechter", b95))
    names = (frame[label].astype("string").fillna("de referentie").to_numpy() if label in frame.columns
             else np.full(len(frame), "de referentie"))
    names = names.astype(object)
    ruim = np.where(b998 == b95, "ruim ", "")
    tail = np.where(good, " (gunstig)", np.where(bad, " (ongunstig)", ""))
    outside = b95.astype(object) + " dan " + names + ", " + ruim + "buiten de marge van toeval" + tail
    diff_word = np.where(v > ref, "hoger dan ", "lager dan ")
    labels = np.select([b95 == vocab.NIET_TE_BEOORDELEN, b95 == vocab.MARGE_ONBEKEND, b95 == vocab.VERGELIJKBAAR],
                       ["niet te vergelijken met " + names, diff_word + names + " (marge onbekend)",
                        "vergelijkbaar met " + names], outside)
    return pd.DataFrame({"benchmark_95": b95, "benchmark_998": b998, "benchmark_verdict": verdict,
                         "benchmark_label": labels}, index=frame.index)


def _verdict_labels(out: pd.DataFrame) -> np.ndarray:
    verdict = out["verdict"].to_numpy(dtype=object)
    basis = out["basis"].to_numpy(dtype=object)
    ref = out["reference_label"].astype(object).fillna("de referentie").to_numpy()
    prijs = np.where(out["price_year"].notna(), " (in prijzen van " + out["price_year"].astype("string").fillna("")
                     .to_numpy(dtype=object) + ")", "")
    rel = out["rel_change_pct"].to_numpy(float)
    ref_rel = out["ref_rel_change_pct"].to_numpy(float) if "ref_rel_change_pct" in out else np.full(len(out), np.nan)
    ref_text = np.where(rel > ref_rel, "sterker gestegen of minder gedaald dan " + ref + prijs + " (marge onbekend)",
                        "minder gestegen of sterker gedaald dan " + ref + prijs + " (marge onbekend)")
    return np.select(
        [verdict == vocab.NIET_TE_BEOORDELEN, basis == vocab.BASIS_REFERENTIE,
         verdict == vocab.MARGE_ONBEKEND, verdict == vocab.BETER, verdict == vocab.SLECHTER,
         verdict == vocab.HOGER, verdict == vocab.LAGER],
        [vocab.NIET_TE_BEOORDELEN, ref_text, "veranderd, marge onbekend",
         "verbeterd, buiten de marge van toeval", "verslechterd, buiten de marge van toeval",
         "gestegen, buiten de marge van toeval", "gedaald, buiten de marge van toeval"],
        "geen verandering buiten de marge van toeval")


def _eur_verdicts(out: pd.DataFrame, min_relevant: Mapping[str, float]) -> pd.DataFrame:
    """Euro amounts: judged only against the reference (real change minus the reference's real change)."""
    eur = out["unit"].isin(EUR_UNITS).to_numpy() & out["verdict"].ne(vocab.NIET_TE_BEOORDELEN).to_numpy()
    eur |= out["unit"].isin(EUR_UNITS).to_numpy() & out["polarity"].isin(["hoger_beter", "lager_beter"]).to_numpy() \
        & out["base_value"].notna().to_numpy() & out["latest_value"].notna().to_numpy() \
        & (out["base_period"] != out["latest_period"]).to_numpy() & (out["n_points"] >= 2).to_numpy()
    if not eur.any():
        return out
    out = out.copy()
    rb, rl = out["ref_base_value"].to_numpy(float), out["ref_latest_value"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        ref_rel = (rl - rb) / np.where(rb != 0, rb, np.nan) * 100
    diff = out["rel_change_pct"].to_numpy(float) - ref_rel
    out["ref_rel_change_pct"] = np.where(eur, ref_rel, out.get("ref_rel_change_pct", np.nan))
    known = eur & np.isfinite(diff)
    judged = out["polarity"].isin(["hoger_beter", "lager_beter"]).to_numpy()
    real = known & (np.abs(diff) >= min_relevant["rel_pct"])
    # no margin is known for an Iv3 amount: the difference with the reference is described, never judged
    verdict = np.where(known & judged, vocab.MARGE_ONBEKEND, vocab.NIET_TE_BEOORDELEN)
    out.loc[eur, "verdict"] = verdict[eur]
    out.loc[eur, "basis"] = vocab.BASIS_REFERENTIE
    out.loc[eur, "test"] = "verschil met referentie"
    out.loc[eur, "p_value"] = np.nan
    out.loc[eur, "real_change"] = real[eur]
    out.loc[eur, "indicative"] = False
    reasons = out["verdict_reason"].to_numpy(dtype=object).copy()
    idx = np.flatnonzero(eur)
    cols = ["price_year", "base_value", "latest_value", "unit", "base_period", "latest_period", "rel_change_pct",
            "reference_label"]
    for i, r in zip(idx, out.iloc[idx][cols].to_dict("records")):
        prijs = (f"in prijzen van {int(r['price_year'])}" if pd.notna(r["price_year"]) else "in lopende prijzen")
        head = (f"Van {fmt_value(r['base_value'], r['unit'])} ({period_label(r['base_period'])}) naar "
                f"{fmt_value(r['latest_value'], r['unit'])} ({period_label(r['latest_period'])}), {prijs}, "
                f"{fmt_signed(r['rel_change_pct'], 1, '%')}")
        if not known[i]:
            reasons[i] = (f"{head}; niet te beoordelen: een bedrag in euro's wordt alleen beoordeeld tegen de "
                          f"referentie, en voor {r['reference_label']} ontbreekt een waarde.")
        else:
            rel = f"{r['reference_label']} {fmt_signed(ref_rel[i], 1, '%')}"
            reasons[i] = (f"{head}; {rel} (verschil {fmt_signed(diff[i], 1, ' procentpunt')}; marge onbekend: "
                          f"voor bedragen uit de jaarrekening is geen toevalsmarge bekend).")
    out["verdict_reason"] = reasons
    return out


def _intervals_998(c: pd.DataFrame) -> pd.DataFrame:
    """99.8% intervals of the latest values (Wilson / exact Poisson like ``add_intervals``; none when published)."""
    low = np.full(len(c), np.nan)
    high = np.full(len(c), np.nan)
    method = c["latest_ci_method"].astype("string").fillna("geen").to_numpy()
    num = c["latest_numerator"].to_numpy(float)
    den = c["latest_denominator"].to_numpy(float)
    per = c["per"].to_numpy(float)
    for name, fn in (("wilson", "share"), ("poisson_exact", "rate")):
        m = method == name
        if not m.any():
            continue
        if fn == "share":
            w = wilson_interval(num[m], den[m], 0.002)
            low[m], high[m] = w["ci_low"].to_numpy() * per[m], w["ci_high"].to_numpy() * per[m]
        else:
            p = poisson_rate_interval(num[m], den[m], per[m], 0.002)
            low[m], high[m] = p["ci_low"].to_numpy(), p["ci_high"].to_numpy()
    return pd.DataFrame({"latest_ci998_low": low, "latest_ci998_high": high}, index=c.index)


def _compare_core(ind: pd.DataFrame, cat: pd.DataFrame, refs: pd.DataFrame, base_period, latest_period,
                  alpha: float, min_relevant: Mapping[str, float], focal_codes: Sequence[str],
                  base_year: int | None = None, variation: pd.DataFrame | None = None, cpi: pd.Series | None = None,
                  exposure_id: str | None = EXPOSURE_ID, breaks: pd.DataFrame | None = None) -> pd.DataFrame:
    focal = ind[ind["gemeentecode"].isin(focal_codes)]
    ids = sorted(focal["indicator_id"].unique())
    c = _choose_periods(focal, _as_mapping(base_period, ids), _as_mapping(latest_period, ids), base_year)
    c["break_between"] = break_between(c, breaks)
    # intervals only for the rows that are compared (the baseline and latest period of each series)
    ends = pd.concat([c[_KEY + [end]].rename(columns={end: "period"}) for end in ("base_period", "latest_period")],
                     ignore_index=True).dropna().drop_duplicates()
    ends["period"] = ends["period"].astype(focal["period"].dtype)
    focal = add_intervals(focal.merge(ends, on=[*_KEY, "period"]), cat.reset_index())
    c = _values_at(focal, c, "base_period", "base_")
    c = _values_at(focal, c, "latest_period", "latest_", cols=[*_VALUE_COLS, "ci_method"])
    c = c.merge(cat[["kind", "per", "polarity", "naam", "unit", "domein"]], left_on="indicator_id",
                right_index=True, how="left")
    c = c.join(_intervals_998(c))
    if "unit" in focal.columns:
        unit_data = focal.drop_duplicates("indicator_id").set_index("indicator_id")["unit"]
        c["unit"] = c["unit"].fillna(c["indicator_id"].map(unit_data))
    c["polarity"] = c["polarity"].astype("string").fillna("onbekend")
    is_count = (c["kind"] == "count").to_numpy()
    if is_count.any() and exposure_id is not None:
        expo = _exposure_lookup(ind[ind["gemeentecode"].isin(focal_codes)], exposure_id)
        for end in ("base", "latest"):
            idx = pd.MultiIndex.from_arrays([c["gemeentecode"].astype(str),
                                             c[f"{end}_period"].astype("string").str.slice(0, 4).fillna("")])
            pop = expo.reindex(idx).to_numpy(float) if len(expo) else np.full(len(c), np.nan)
            c[f"{end}_exposure"] = np.where(is_count, pop, np.nan)
    # euro amounts in constant prices of the latest year
    is_eur = c["unit"].isin(EUR_UNITS).to_numpy()
    c["price_year"] = pd.array([pd.NA] * len(c), dtype="Int64")
    c["base_value_nominal"] = c["base_value"]
    c["_deflator"] = 1.0
    if is_eur.any() and cpi is not None and len(cpi):
        year = c["latest_period"].astype("string").str.slice(0, 4)
        factor = deflate(np.ones(len(c)), c["base_period"], cpi, year)
        ok = is_eur & np.isfinite(factor)
        c["_deflator"] = np.where(ok, factor, 1.0)
        for col in ("base_value", "base_ci_low", "base_ci_high"):
            c[col] = c[col].astype(float) * c["_deflator"]
        c.loc[ok, "price_year"] = pd.to_numeric(year[ok], errors="coerce").astype("Int64")
    c = c.join(_real_variation(c, variation))
    bv, lv = c["base_value"].astype(float), c["latest_value"].astype(float)
    c["abs_change"] = lv - bv
    c["rel_change_pct"] = (c["abs_change"] / bv.where(bv != 0)) * 100
    c["pp_change"] = np.where(c["kind"] == "share", c["abs_change"] * 100 / c["per"], np.nan)
    c = c.join(_tests(c, alpha, min_relevant))
    c["small_numbers"] = c["base_small_numbers"].fillna(False).astype(bool) | c[
        "latest_small_numbers"].fillna(False).astype(bool)
    c["rounded_small"] = c["base_rounded_small"].fillna(False).astype(bool) | c[
        "latest_rounded_small"].fillna(False).astype(bool)
    c["base_suppressed"] = c["base_suppressed"].fillna(False).astype(bool)
    c["latest_suppressed"] = c["latest_suppressed"].fillna(False).astype(bool)
    c["verdict"] = change_verdicts(c)
    assessed = c["verdict"].isin([vocab.BETER, vocab.SLECHTER, vocab.HOGER, vocab.LAGER, vocab.GELIJK])
    c["indicative"] = assessed & (c["small_numbers"] | c["rounded_small"])
    records = c[["period_type", "base_period", "latest_period", "base_value", "latest_value", "n_points", "polarity",
                 "unit", "base_after_start", "break_between", "newer_missing",
                 "abs_change", "rel_change_pct", "pp_change", "is_pct", "basis", "test", "p_value",
                 "real_change", "verdict", "small_numbers", "rounded_small", "tau2_used",
                 "count_exposure"]].to_dict("records")
    c["verdict_reason"] = [_reason(r, alpha, min_relevant) for r in records]

    # references
    if refs.empty:
        out = c.assign(reference_role=pd.NA, reference_code=pd.NA, reference_label=pd.NA)
    else:
        on = ["gemeentecode"] + (["indicator_id"] if "indicator_id" in refs.columns else [])
        keep = [col for col in ("reference_role", "reference_code", "reference_label", "reference_note")
                if col in refs.columns]
        out = c.merge(refs[on + keep].rename(columns={"reference_note": "_ref_note"}), on=on, how="left")
    out["reference_code"] = out["reference_code"].astype("string")
    out["reference_role"] = out["reference_role"].astype("string")
    if "reference_label" not in out.columns:
        out["reference_label"] = pd.NA
    default_label = np.where(out["reference_role"].fillna("") == "nederland", "Nederland",
                             np.where(out["reference_role"].fillna("") == "regio", "de regio",
                                      out["reference_code"].fillna("de referentie")))
    out["reference_label"] = out["reference_label"].astype("string").fillna(
        pd.Series(default_label, index=out.index, dtype="string"))
    refvals = ind[["indicator_id", "gemeentecode", "period", "value"]]
    out = _values_at(refvals, out, "base_period", "ref_base_", "reference_code", ["value"])
    out = _values_at(refvals, out, "latest_period", "ref_latest_", "reference_code", ["value"])
    out["ref_base_value"] = out["ref_base_value"].astype(float) * out["_deflator"]
    out["base_gap"] = out["base_value"] - out["ref_base_value"]
    out["latest_gap"] = out["latest_value"] - out["ref_latest_value"]
    known = out["base_gap"].notna() & out["latest_gap"].notna()
    out["gap_narrowed"] = pd.array(np.where(known, out["latest_gap"].abs() < out["base_gap"].abs(), False),
                                   dtype="boolean")
    out.loc[~known, "gap_narrowed"] = pd.NA
    ref_change = out["ref_latest_value"] - out["ref_base_value"]
    ref_known = out["abs_change"].notna() & ref_change.notna()
    against = np.sign(out["abs_change"]) * np.sign(ref_change) < 0
    out["against_reference_direction"] = pd.array(against.to_numpy(), dtype="boolean")
    out.loc[~ref_known, "against_reference_direction"] = pd.NA
    out["ref_rel_change_pct"] = np.nan
    out = _eur_verdicts(out, min_relevant)
    out["price_basis"] = np.where(out["price_year"].notna(),
                                  "constante prijzen van " + out["price_year"].astype("string").fillna(""),
                                  np.where(out["unit"].isin(EUR_UNITS), "lopende prijzen (CPI ontbreekt)", ""))
    out = out.join(benchmark_comparison(out, **(MARGIN_COLUMNS if variation is not None else {})))
    out["verdict_label"] = _verdict_labels(out)
    notes = pd.Series(_reference_notes(out), index=out.index, dtype="string")
    if "_ref_note" in out.columns:
        pre = out["_ref_note"].astype("string").fillna("")
        notes = (pre + " " + notes).str.strip()
    out["reference_note"] = notes.astype(str)
    return out


def _reference_notes(out: pd.DataFrame) -> list[str]:
    """Reader notes on a missing reference, naming it by its label (never by its code)."""
    notes = []
    labels = out["reference_label"] if "reference_label" in out.columns else pd.Series(pd.NA, index=out.index)
    for code, role, label, rb, rl, pb, pl in zip(out["reference_code"], out["reference_role"], labels,
                                                 out["ref_base_value"], out["ref_latest_value"], out["base_period"],
                                                 out["latest_period"]):
        word = vocab.ROLE_LABELS.get(role, role) if isinstance(role, str) else role
        name = label if isinstance(label, str) and label else word
        if pd.isna(code):
            notes.append("" if pd.isna(role) else f"Geen {word} bekend voor deze gemeente.")
        elif pd.isna(rb) and pd.isna(rl):
            notes.append(f"Geen gegevens voor {name}; verschil niet te berekenen.")
        elif pd.isna(rb) or pd.isna(rl):
            miss = period_label(pb) if pd.isna(rb) else period_label(pl)
            notes.append(f"Geen gegevens voor {name} in {miss}; verschil niet te berekenen.")
        else:
            notes.append("")
    return notes


OUTPUT_COLUMNS = [
    "indicator_id", "naam", "gemeentecode", "reference_code", "reference_role", "reference_label", "period_type",
    "base_period", "latest_period", "base_value", "latest_value", "base_ci_low", "base_ci_high", "latest_ci_low",
    "latest_ci_high", "abs_change", "rel_change_pct", "pp_change", "ref_base_value", "ref_latest_value",
    "base_gap", "latest_gap", "gap_narrowed", "against_reference_direction", "small_numbers", "rounded_small",
    "n_points", "verdict", "verdict_reason", "indicative", "basis", "test", "p_value", "reference_note",
    "kind", "polarity", "unit", "base_suppressed", "latest_suppressed", "base_after_start",
    "latest_ci998_low", "latest_ci998_high", "tau2_used", "tau2_level", "change_se", "latest_margin_low",
    "latest_margin_high", "latest_margin998_low", "latest_margin998_high", "break_between", "newer_missing",
    "count_exposure",
    "price_year", "price_basis",
    "base_value_nominal", "ref_rel_change_pct", "verdict_label", "benchmark_95", "benchmark_998",
    "benchmark_verdict", "benchmark_label",
]


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    out = out[OUTPUT_COLUMNS].sort_values(["gemeentecode", "indicator_id", "reference_role"], kind="stable")
    return out.reset_index(drop=True)


def compare_indicators(
    indicators: pd.DataFrame,
    catalogue: pd.DataFrame | Sequence[Mapping],
    gemeentecode: str,
    references: Mapping[str, str] | None = None,
    base_period: str | Mapping[str, str] | None = None,
    latest_period: str | Mapping[str, str] | None = None,
    alpha: float = 0.05,
    min_relevant: Mapping[str, float] | None = None,
    base_year: int | None = None,
    variation: pd.DataFrame | None = None,
    cpi: pd.DataFrame | Mapping[int, float] | None = None,
    exposure_id: str | None = EXPOSURE_ID,
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare one gemeente's indicators baseline → latest, and against references.

    See the module docstring for the period defaults and the verdict rule.

    Args:
        indicators: frame in the shape of ``indicators.parquet`` (may contain published ``ci_low``/
            ``ci_high``), with rows for the gemeente and the reference codes.
        catalogue: catalogue frame or entries (``kind``, ``per``, ``polarity``, ``naam``, ``unit``).
        gemeentecode: the focal gemeente (e.g. ``GM0531``).
        references: role → code, e.g. ``{"regio": "JZ22", "nederland": "NL01"}``; or a frame with
            reference_role, reference_code and optionally indicator_id, reference_label, reference_note
            (:func:`analyse.references.compare_references` of a rest-of-regio frame), whose codes have rows
            in ``indicators`` (:func:`analyse.references.as_indicator_rows`).
        base_period: baseline period for all indicators, or a mapping indicator_id → period.
        latest_period: latest period, same forms.
        alpha: significance level of the tests.
        min_relevant: minimum relevant change without uncertainty (keys ``pp``, ``rel_pct``).
        base_year: start year of the policy: the baseline of each indicator is its last value in or before
            this year (the nulmeting); without one, the first later value, flagged in ``base_after_start``
            and in the reason. Explicit ``base_period`` entries win.
        variation: τ² per indicator and size (:func:`analyse.variation.estimate_variation`): the real
            year-to-year variation added to the noise in the change test and the benchmark margin. ``None``
            assumes pure binomial/Poisson noise (Fingertips conformance only; reports always pass it).
        breaks: indicator_id, period (and optionally gemeentecode): first period of a new series after a change of
            source or definition (:func:`analyse.breaks.series_breaks`); a change across one is not judged.
        cpi: table ``cpi`` (jaar, cpi_index) for euro amounts in constant prices of the latest year.
        exposure_id: indicator with the population used as exposure of ``kind: count`` indicators.

    Returns:
        One row per (indicator_id, reference) with the columns of ``docs/contracts.md`` plus ``naam``,
        ``period_type``, ``rounded_small``, ``basis`` (toets/intervallen/drempel), ``test``, ``p_value``,
        ``reference_note`` (Dutch, empty when the reference has data), ``kind``, ``polarity``, ``unit``.
        Changes: ``abs_change`` = latest − base, ``rel_change_pct`` = (latest − base)/base × 100,
        ``pp_change`` (shares) in procentpunt; gaps = gemeente − reference.

    Raises:
        DataNotAvailableError: the gemeente has no rows in ``indicators``.
    """
    cat = catalogue_frame(catalogue)
    if isinstance(references, pd.DataFrame):
        missing = sorted({"reference_role", "reference_code"} - set(references.columns))
        if missing:
            raise AnalyseError(f"compare_indicators: referentietabel mist kolommen {missing}.")
        refs = references.drop(columns=[c for c in ("gemeentecode",) if c in references.columns]).assign(
            gemeentecode=gemeentecode)
        codes = [gemeentecode, *refs["reference_code"].dropna().astype(str).unique()]
    else:
        references = dict(references or {})
        codes = [gemeentecode, *references.values()]
        refs = pd.DataFrame({"gemeentecode": gemeentecode, "reference_role": list(references),
                             "reference_code": list(references.values())})
    ind = _prepare(indicators, cat, codes)
    if not (ind["gemeentecode"] == gemeentecode).any():
        raise DataNotAvailableError(f"Geen indicatoren voor gemeente {gemeentecode} in de indicatorentabel.")
    if "indicator_id" in refs.columns:  # every role for every indicator, also where no reference was found
        own_ids = ind.loc[ind["gemeentecode"] == gemeentecode, "indicator_id"].unique()
        grid = pd.DataFrame({"indicator_id": own_ids}).merge(
            pd.DataFrame({"reference_role": refs["reference_role"].dropna().unique()}), how="cross")
        refs = grid.assign(gemeentecode=gemeentecode).merge(refs, on=["gemeentecode", "indicator_id",
                                                                       "reference_role"], how="left")
    out = _compare_core(ind, cat, refs, base_period, latest_period, alpha,
                        {**DEFAULT_MIN_RELEVANT, **(min_relevant or {})}, [gemeentecode], base_year,
                        variation, cpi_mod.cpi_index(cpi), exposure_id, breaks)
    return _finish(out)


def compare_all(
    indicators: pd.DataFrame,
    catalogue: pd.DataFrame | Sequence[Mapping],
    registry_frame: pd.DataFrame,
    indelingsjaar: int | None = None,
    region_columns: str | Mapping[str, str] = DEFAULT_REGION_COLUMNS,
    nederland: str = "NL01",
    base_period: str | Mapping[str, str] | None = None,
    latest_period: str | Mapping[str, str] | None = None,
    variation: pd.DataFrame | str | None = "schatten",
    cpi: pd.DataFrame | Mapping[int, float] | None = None,
    reference_rows: pd.DataFrame | None = None,
    base_year: int | None = None,
    breaks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Compare all gemeenten of an indelingsjaar with their own regio and Nederland in one vectorised pass.

    Indicator rows should be in the same indeling as ``indelingsjaar`` (use ``analyse.indicators.harmonise``).

    Args:
        indicators: frame in the shape of ``indicators.parquet``.
        catalogue: catalogue frame or entries.
        registry_frame: frame in the shape of ``gemeenten.parquet``.
        indelingsjaar: indeling to use (default: the latest in the registry).
        region_columns: registry column holding the ``regio`` code, or a mapping catalogue ``domein`` →
            column (``*`` for other domains); default :data:`DEFAULT_REGION_COLUMNS`.
        nederland: code of the national reference.
        base_period: as in :func:`compare_indicators`.
        latest_period: as in :func:`compare_indicators`.
        variation: τ² per indicator and size; ``"schatten"`` (default) estimates it here with
            :func:`analyse.variation.estimate_variation`; ``None`` assumes pure binomial/Poisson noise.
        breaks: as in :func:`compare_indicators`.
        cpi: table ``cpi`` for euro amounts in constant prices.
        reference_rows: output of :func:`analyse.references.rest_of_region` for all gemeenten (roles
            ``regio`` and ``nederland``): compare with the rest of the regio / Nederland without the
            gemeente instead of the registry's region codes.
        base_year: as in :func:`compare_indicators`.

    Returns:
        The frame of :func:`compare_indicators` for every gemeente with data (roles ``regio`` and
        ``nederland``), sorted by gemeentecode, indicator_id, reference_role.
    """
    cat = catalogue_frame(catalogue)
    reg = registry_frame
    if indelingsjaar is None:
        indelingsjaar = int(reg["indelingsjaar"].max())
    reg = reg[reg["indelingsjaar"] == indelingsjaar]
    if reg.empty:
        raise UnknownGemeenteError(f"Geen gemeenten in het register voor indelingsjaar {indelingsjaar}.")
    gm = reg["gemeentecode"].astype(str).unique().tolist()
    ids = indicators.loc[indicators["gemeentecode"].isin(gm), "indicator_id"].unique()
    mapping = {"*": region_columns} if isinstance(region_columns, str) else dict(region_columns)
    domein = cat["domein"].reindex(ids).astype("string").fillna("*")
    col_for = domein.map(lambda d: mapping.get(d, mapping.get("*")))
    pairs = []
    for col, idx in col_for.groupby(col_for, dropna=False).groups.items():
        codes = (reg[col].astype("string") if isinstance(col, str) and col in reg.columns
                 else pd.Series(pd.NA, index=reg.index, dtype="string"))
        base = pd.DataFrame({"gemeentecode": reg["gemeentecode"].astype(str).to_numpy(),
                             "reference_code": codes.to_numpy()})
        pairs.append(base.merge(pd.DataFrame({"indicator_id": list(idx)}), how="cross"))
    regio = pd.concat(pairs, ignore_index=True).assign(reference_role="regio") if pairs else pd.DataFrame()
    nl = pd.DataFrame({"gemeentecode": gm}).merge(pd.DataFrame({"indicator_id": ids}), how="cross").assign(
        reference_code=nederland, reference_role="nederland")
    refs = pd.concat([regio, nl], ignore_index=True)
    data = indicators
    if reference_rows is not None:
        grid = pd.DataFrame({"gemeentecode": gm}).merge(pd.DataFrame({"indicator_id": ids}), how="cross").merge(
            pd.DataFrame({"reference_role": ["regio", "nederland"]}), how="cross")
        refs = grid.merge(compare_references(reference_rows), on=["gemeentecode", "reference_role", "indicator_id"],
                          how="left")
        data = pd.concat([indicators, as_indicator_rows(reference_rows)], ignore_index=True)
    ref_codes = refs["reference_code"].dropna().unique().tolist()
    ind = _prepare(data, cat, [*gm, *ref_codes])
    if isinstance(variation, str):
        if variation != "schatten":
            raise AnalyseError(f"compare_all: variation {variation!r} onbekend (gebruik 'schatten' of een tabel).")
        variation = variation_mod.estimate_variation(ind, cat.reset_index())
    out = _compare_core(ind, cat, refs, base_period, latest_period, 0.05, DEFAULT_MIN_RELEVANT, gm, base_year,
                        variation, cpi_mod.cpi_index(cpi), breaks=breaks)
    return _finish(out)


ROUNDING_COLUMNS = ["indicator_id", "gemeentecode", "period", "rounding_step", "numerator_rounding_step",
                    "denominator_rounding_step", "rounded"]


def rounding_steps(indicators: pd.DataFrame) -> pd.DataFrame:
    """The published rounding of every row that has one, from the source metadata recorded in the build.

    The steps come from the registry's ``precision`` per table column (``rounding_step``,
    ``numerator_rounding_step``, ``denominator_rounding_step``; see ``docs/contracts.md``), never from the
    look of the values. A frame without these columns has no known rounding (empty result).

    Returns:
        :data:`ROUNDING_COLUMNS`, one row per (indicator_id, gemeentecode, period) with a step > 0.
    """
    steps = ["rounding_step", "numerator_rounding_step", "denominator_rounding_step"]
    if not set(steps) <= set(indicators.columns):
        return pd.DataFrame(columns=ROUNDING_COLUMNS)
    frame = indicators.assign(**{c: pd.to_numeric(indicators[c], errors="coerce").fillna(0.0) for c in steps})
    frame = frame.assign(rounded=frame["rounded"].fillna(False).astype(bool) if "rounded" in frame else False)
    hit = (frame[steps] > 0).any(axis=1)
    out = frame.loc[hit, ROUNDING_COLUMNS].astype({"indicator_id": str, "gemeentecode": str, "period": str})
    return out.drop_duplicates(ROUNDING_COLUMNS[:3]).reset_index(drop=True)


def _rounding_margin(value: np.ndarray, num: np.ndarray, den: np.ndarray, sv: np.ndarray, sn: np.ndarray,
                     sd: np.ndarray, rounded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How far the published rounding moves the true value below and above the published one (value units).

    Counts known to ±step/2: the ratio ranges over (x ∓ sx/2) / (n ± sn/2), relative to x/n, scaled to the
    value. The value's own step ±sv/2 counts where the interval cannot carry it: no counts, or counts derived
    from the rounded value (``rounded``); for counts published separately (Wmo count and real inwoners) the
    interval is about x/n and a whole-number rate adds nothing.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        have = np.isfinite(num) & np.isfinite(den) & (num > 0) & (den > 0)
        lo_ratio = np.maximum(num - sn / 2, 0) / (den + sd / 2) / (num / den)
        hi_ratio = (num + sn / 2) / np.maximum(den - sd / 2, 1e-9) / (num / den)
        below = np.where(have, np.abs(value) * (1 - lo_ratio), 0.0)
        above = np.where(have, np.abs(value) * (hi_ratio - 1), 0.0)
    own = np.where(~have | rounded, sv / 2, 0.0)
    return np.nan_to_num(below) + own, np.nan_to_num(above) + own


def account_for_rounding(comparison: pd.DataFrame, steps: pd.DataFrame | Mapping[str, float],
                         coarse: float = 1.0) -> pd.DataFrame:
    """Take the source's published rounding into account in the intervals and the change verdict.

    Rule (issue 17): a published value is known only to its published precision, and counts rounded to 5, 10 or
    100 are known only to ±step/2. For the base and the latest value of each row the 95% and 99,8% intervals are
    widened by how far that rounding can move the true value (:func:`_rounding_margin`), and then always
    contain the published value itself; the Fingertips benchmark columns are recomputed. A change since the
    nulmeting counts as beter/slechter only when it exceeds the rounding margins of both ends together; a
    verdict that stands but whose margin is material (at least a tenth of the latest interval's half-width, or a
    value step of at least ``coarse``) is marked indicative. Exact counts (Wmo counts with real inwoners) are not
    widened beyond their count rounding.

    Args:
        comparison: output of :func:`compare_indicators` (gemeentecode, base/latest period, value, numerator,
            denominator and interval columns).
        steps: :func:`rounding_steps` of the indicator rows; a mapping indicator_id → value step is accepted too
            (every row of that indicator rounded to that step, no count rounding).
        coarse: value step from which a verdict is always marked indicative.

    Returns:
        A new comparison frame (the input is not changed).
    """
    out = comparison.copy()
    n = len(out)
    if n == 0:
        return out
    total = np.zeros(n)
    material = np.zeros(n, dtype=bool)
    for end in ("base", "latest"):
        period = out.get(f"{end}_period", pd.Series(pd.NA, index=out.index)).astype("string")
        if isinstance(steps, Mapping):
            sv = out["indicator_id"].astype(str).map(lambda i: float(steps.get(i, 0.0))).to_numpy(float)
            sn = sd = np.zeros(n)
            rounded = np.ones(n, dtype=bool)
        else:
            keys = pd.DataFrame({"indicator_id": out["indicator_id"].astype(str).to_numpy(),
                                 "gemeentecode": out["gemeentecode"].astype(str).to_numpy(),
                                 "period": period.fillna("").to_numpy()})
            got = keys.merge(steps.astype({"indicator_id": str, "gemeentecode": str, "period": str}),
                             on=ROUNDING_COLUMNS[:3], how="left")
            sv, sn, sd = (got[c].fillna(0.0).to_numpy(float) for c in ("rounding_step", "numerator_rounding_step",
                                                                        "denominator_rounding_step"))
            rounded = got["rounded"].fillna(False).astype(bool).to_numpy()
        value = pd.to_numeric(out.get(f"{end}_value"), errors="coerce").to_numpy(float)
        num = pd.to_numeric(out.get(f"{end}_numerator", pd.Series(np.nan, index=out.index)),
                            errors="coerce").to_numpy(float)
        den = pd.to_numeric(out.get(f"{end}_denominator", pd.Series(np.nan, index=out.index)),
                            errors="coerce").to_numpy(float)
        below, above = _rounding_margin(value, num, den, sv, sn, sd, rounded)
        below, above = np.where(np.isfinite(value), below, 0.0), np.where(np.isfinite(value), above, 0.0)
        total += np.maximum(below, above)
        material |= sv >= coarse
        pairs = [(f"{end}_ci_low", f"{end}_ci_high")]
        if end == "latest":  # also the report's benchmark margins (own noise + τ²), see MARGIN_COLUMNS
            pairs += [("latest_ci998_low", "latest_ci998_high"), (MARGIN_COLUMNS["low95"], MARGIN_COLUMNS["high95"]),
                      (MARGIN_COLUMNS["low998"], MARGIN_COLUMNS["high998"])]
        for low, high in pairs:
            if low in out and high in out:
                lo = pd.to_numeric(out[low], errors="coerce").to_numpy(float)
                hi = pd.to_numeric(out[high], errors="coerce").to_numpy(float)
                ok = np.isfinite(lo) & np.isfinite(hi) & np.isfinite(value)
                out[low] = np.where(ok, np.minimum(lo - below, value), lo)
                out[high] = np.where(ok, np.maximum(hi + above, value), hi)
                if end == "latest" and low == "latest_ci_low":
                    half = (hi - lo) / 2
                    material |= ok & ((below + above) / 2 >= 0.1 * np.where(half > 0, half, np.inf))
    hit = pd.Series(total > 0, index=out.index)
    if not hit.any():
        return out
    if "ref_latest_value" in out:
        margins = MARGIN_COLUMNS if MARGIN_COLUMNS["low95"] in out else {}
        bench = benchmark_comparison(out, **margins)
        for col in bench.columns:
            out.loc[hit, col] = bench.loc[hit, col]
    if "verdict" in out:
        change = (pd.to_numeric(out["latest_value"], errors="coerce")
                  - pd.to_numeric(out["base_value"], errors="coerce")).abs()
        judged = out["verdict"].isin(["beter", "slechter"])
        within = hit & judged & (change <= pd.Series(total, index=out.index))
        out.loc[within, "verdict"] = "gelijk gebleven"
        if "verdict_label" in out:
            out.loc[within, "verdict_label"] = "geen verandering groter dan de afronding van de gepubliceerde cijfers"
        out.loc[hit & out["verdict"].isin(["beter", "slechter"]) & pd.Series(material, index=out.index),
                "indicative"] = True
    return out


def verdicts(comparison: pd.DataFrame) -> pd.DataFrame:
    """Reduce a comparison frame to one row per indicator (per gemeente when there are several).

    Args:
        comparison: output of :func:`compare_indicators` or :func:`compare_all`.

    Returns:
        Columns indicator_id, naam, base_period, latest_period, base_value, latest_value, verdict,
        verdict_reason, small_numbers, n_points (plus gemeentecode, indicative, unit, base_suppressed,
        latest_suppressed, verdict_label, price_basis). Per indicator the first reference row that has a
        verdict is used (the change verdict is the same for every reference except for euro amounts).
    """
    cols = ["gemeentecode", "indicator_id", "naam", "base_period", "latest_period", "base_value",
            "latest_value", "verdict", "verdict_reason", "small_numbers", "n_points", "indicative", "unit",
            "base_suppressed", "latest_suppressed", "verdict_label", "price_basis"]
    optional = {"naam": None, "indicative": False, "unit": pd.NA, "base_suppressed": False,
                "latest_suppressed": False, "verdict_label": pd.NA, "price_basis": ""}
    missing = [c for c in cols if c not in comparison.columns and c not in optional]
    if missing:
        raise AnalyseError(f"verdicts: vergelijkingstabel mist kolommen {missing}.")
    # one row per indicator: the first reference row with a verdict (a euro amount is judged per reference,
    # e.g. against the regio when Nederland has no value), else the first row
    ranked = comparison.assign(_open=(comparison["verdict"] == vocab.NIET_TE_BEOORDELEN).to_numpy(),
                               _order=np.arange(len(comparison)))
    out = (ranked.sort_values(["_open", "_order"], kind="stable").drop_duplicates(["gemeentecode", "indicator_id"])
           .sort_values("_order").drop(columns=["_open", "_order"]))
    for col, default in optional.items():
        if col not in out.columns:
            out = out.assign(**{col: out["indicator_id"] if col == "naam" else default})
    out = out[cols].reset_index(drop=True)
    if out["gemeentecode"].nunique() == 1:
        out = out[["indicator_id", *[c for c in cols if c not in ("indicator_id",)]]]
    return out


def latest_margins(frame: pd.DataFrame, variation: pd.DataFrame | None) -> pd.DataFrame:
    """The benchmark margins of a figure: value ± z·√(s² + τ²) as the report's comparison computes them.

    Public face of the rule in :func:`compare_indicators` for callers with their own rows (``analyse.api``), so a
    researcher's frame and the report judge a value against Nederland with the same margin.

    Args:
        frame: indicator_id, kind, latest_value, latest_ci_low, latest_ci_high (95%), latest_denominator,
            base_denominator, and for counts latest_exposure / base_exposure (inwoners; NaN when unknown).
        variation: τ² per indicator and size (``variation.estimate_variation``; ``None``: no real variation).

    Returns:
        Frame aligned with ``frame``: tau2_change, tau2_level, latest_margin_low, latest_margin_high,
        latest_margin998_low, latest_margin998_high.
    """
    return _real_variation(frame, variation)
