"""Uncertainty for register indicators: Wilson and exact Poisson intervals, small-number flags, funnel plots.

Register data (CBS) cover the whole population, so an interval here does not describe sampling error. It
describes *random variation* of the underlying process ("would this number come out the same in a
comparable year?"). Report text should say so.

Conventions used throughout:

* ``share`` indicators (``kind: share``): the value is ``numerator / denominator × per``. Intervals are Wilson
  score intervals on ``numerator / denominator`` (statsmodels ``proportion_confint(method="wilson")``),
  scaled by ``per``.
* ``rate`` indicators (``kind: rate``): the value is ``count / exposure × per``. Intervals are exact
  (Garwood) Poisson intervals for the count, via the chi-square quantiles, divided by the exposure.
* ``count`` and ``level`` indicators get no interval (``ci_method = "geen"``): a level (index, score,
  euro amount) has no count model, and a count without a population is not a rate.
* A suppressed cell (``value`` NaN) never gets an interval, even when a numerator is present
  (``suppressed = True``).
* CBS rounds counts to multiples of 5. The intervals ignore that rounding error; counts that are a
  multiple of the rounding base and small (below ``rounding_small``) are flagged ``rounded_small``
  because there the rounding error (up to ±2) is not negligible next to the random variation.

All functions are vectorised and never mutate their inputs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from scipy import stats as sps
from statsmodels.stats.proportion import proportion_confint

from analyse import vocab
from analyse.errors import AnalyseError

__all__ = [
    "wilson_interval",
    "poisson_rate_interval",
    "add_intervals",
    "small_number_flags",
    "catalogue_frame",
    "period_time",
    "period_type_of",
    "funnel_limits",
    "funnel_limit_values",
    "byar_interval",
    "Funnel",
]

MIN_NUMERATOR = 10
"""Default small-number threshold for the numerator (GGD ``Ncel``)."""
MIN_DENOMINATOR = 100
"""Default small-number threshold for the denominator (GGD ``Nvar``)."""
ROUNDING_BASE = 5
"""CBS rounds counts in most sociaal-domein tables to multiples of 5."""
ROUNDING_SMALL = 50
"""Counts below this value that are multiples of ``ROUNDING_BASE`` are flagged ``rounded_small``."""


def _as_float(x: object) -> np.ndarray:
    return np.asarray(pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(x, dtype=object))), errors="coerce"),
                      dtype=float)


def wilson_interval(numerator: object, denominator: object, alpha: float = 0.05) -> pd.DataFrame:
    """Wilson score interval for a proportion, vectorised.

    Args:
        numerator: counts (scalar, array or Series).
        denominator: population sizes, same length.
        alpha: 1 − confidence level.

    Returns:
        Frame with ``share`` (numerator/denominator, in [0, 1]), ``ci_low`` and ``ci_high`` (in [0, 1]).
        A zero, negative or missing denominator, a missing numerator, or numerator > denominator gives NaN.
        The index follows ``numerator`` when it is a Series, else a RangeIndex.
    """
    num = _as_float(numerator)
    den = _as_float(denominator)
    num, den = np.broadcast_arrays(num, den)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0) & (num >= 0) & (num <= den)
    share = np.full(num.shape, np.nan)
    low = np.full(num.shape, np.nan)
    high = np.full(num.shape, np.nan)
    if ok.any():
        share[ok] = num[ok] / den[ok]
        lo, hi = proportion_confint(num[ok], den[ok], alpha=alpha, method="wilson")
        low[ok] = np.clip(lo, 0.0, 1.0)
        high[ok] = np.clip(hi, 0.0, 1.0)
    index = numerator.index if isinstance(numerator, pd.Series) else None
    return pd.DataFrame({"share": share, "ci_low": low, "ci_high": high}, index=index)


def poisson_rate_interval(
    count: object, exposure: object, per: float = 1000, alpha: float = 0.05
) -> pd.DataFrame:
    """Exact (Garwood) Poisson interval for a rate ``count / exposure × per``, vectorised.

    The bounds for the expected count are ``chi2.ppf(alpha/2, 2k) / 2`` (0 when k = 0) and
    ``chi2.ppf(1 − alpha/2, 2(k + 1)) / 2``; they are divided by the exposure and multiplied by ``per``.

    Args:
        count: event counts (may be non-integer after rounding/aggregation; the chi-square form accepts that).
        exposure: population at risk (e.g. inwoners), same length.
        per: multiplier (1000 for "per 1.000").
        alpha: 1 − confidence level.

    Returns:
        Frame with ``rate``, ``ci_low`` and ``ci_high`` in the units of ``per``. NaN where the count is
        missing or negative or the exposure is missing or not positive.
    """
    k = _as_float(count)
    e = _as_float(exposure)
    k, e = np.broadcast_arrays(k, e)
    ok = np.isfinite(k) & np.isfinite(e) & (e > 0) & (k >= 0)
    rate = np.full(k.shape, np.nan)
    low = np.full(k.shape, np.nan)
    high = np.full(k.shape, np.nan)
    if ok.any():
        kk, ee = k[ok], e[ok]
        lo = np.where(kk > 0, sps.chi2.ppf(alpha / 2, 2 * np.maximum(kk, 1e-300)) / 2, 0.0)
        hi = sps.chi2.ppf(1 - alpha / 2, 2 * (kk + 1)) / 2
        rate[ok] = kk / ee * per
        low[ok] = lo / ee * per
        high[ok] = hi / ee * per
    index = count.index if isinstance(count, pd.Series) else None
    return pd.DataFrame({"rate": rate, "ci_low": low, "ci_high": high}, index=index)


def byar_interval(count: object, alpha: float = 0.05) -> pd.DataFrame:
    """Byar's approximation to the Poisson interval of a count (as Fingertips/PHEindicatormethods use it).

    lower = x(1 − 1/(9x) − z/(3√x))³, upper = (x + 1)(1 − 1/(9(x + 1)) + z/(3√(x + 1)))³. The package
    leaves the lower bound empty when the cubed term is negative (tiny counts at 99.8%); so does this (NaN).
    We use the exact interval (:func:`poisson_rate_interval`) in reports; this exists to check conformance.

    Returns:
        Frame with ``ci_low`` and ``ci_high`` for the count.
    """
    x = _as_float(count)
    z = sps.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        base_lo = 1 - 1 / (9 * x) - z / (3 * np.sqrt(x))
        lo = np.where((x > 0) & (base_lo >= 0), x * base_lo ** 3, np.where(x == 0, 0.0, np.nan))
        x1 = x + 1
        hi = x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3
    hi = np.where(np.isfinite(x) & (x >= 0), hi, np.nan)
    index = count.index if isinstance(count, pd.Series) else None
    return pd.DataFrame({"ci_low": lo, "ci_high": hi}, index=index)


def catalogue_frame(catalogue: pd.DataFrame | Sequence[Mapping]) -> pd.DataFrame:
    """Normalise a catalogue to a frame indexed by ``indicator_id`` with kind, per, polarity, naam, unit.

    Accepts the output of ``analyse.indicators.load_catalogue()`` (column ``id`` or ``indicator_id``, or
    the id as index) or a list of YAML entries. Missing ``per`` defaults to 100 for shares and 1000 for
    rates; missing ``polarity`` to ``neutraal``; missing ``naam`` to the id.

    Args:
        catalogue: catalogue entries.

    Returns:
        New frame, index ``indicator_id``.
    """
    cat = pd.DataFrame(list(catalogue)) if not isinstance(catalogue, pd.DataFrame) else catalogue.copy()
    if "indicator_id" not in cat.columns:
        if "id" in cat.columns:
            cat = cat.rename(columns={"id": "indicator_id"})
        else:
            cat = cat.rename_axis("indicator_id").reset_index()
    if "kind" not in cat.columns:
        raise AnalyseError("Catalogus mist de kolom 'kind' (share/rate/count/level).")
    dup = cat["indicator_id"][cat["indicator_id"].duplicated()]
    if not dup.empty:
        raise AnalyseError(f"Catalogus: dubbele indicator-id's {sorted(dup.astype(str).unique())}.")
    cat = cat.set_index("indicator_id")
    out = pd.DataFrame(index=cat.index)
    out["kind"] = cat["kind"].astype("string")
    bad = set(out["kind"].dropna()) - {"share", "rate", "count", "level"}
    if bad:
        raise AnalyseError(f"Catalogus: onbekende 'kind' {sorted(bad)} (toegestaan: share, rate, count, level).")
    default_per = out["kind"].map({"share": 100.0, "rate": 1000.0}).astype(float)
    per = pd.to_numeric(cat["per"], errors="coerce") if "per" in cat.columns else default_per * np.nan
    out["per"] = per.fillna(default_per)
    out["polarity"] = (cat["polarity"] if "polarity" in cat.columns else pd.Series(index=cat.index,
                                                                                   dtype="string"))
    out["polarity"] = out["polarity"].astype("string").fillna("neutraal")
    out["naam"] = (cat["naam"].astype("string") if "naam" in cat.columns
                   else pd.Series(cat.index, index=cat.index, dtype="string"))
    out["naam"] = out["naam"].fillna(pd.Series(cat.index, index=cat.index, dtype="string"))
    out["unit"] = cat["unit"].astype("string") if "unit" in cat.columns else pd.NA
    out["domein"] = cat["domein"].astype("string") if "domein" in cat.columns else pd.NA
    return out


_PERIOD_RE = re.compile(r"^(\d{4})(?:H([12])|Q([1-4])|-(\d{2})-(\d{2}))?$")


def period_time(period: object) -> pd.Series:
    """Convert period strings to time in years (vectorised).

    ``2015`` → 2015.0 (a year is placed at its start, so a policy ``start_year`` coincides with the first
    year after the start), ``2015H1`` → 2015.25, ``2015H2`` → 2015.75, ``2015Q1`` → 2015.125 …
    ``2015Q4`` → 2015.875 (quarter midpoints), ``2015-12-31`` → 2015 + day-of-year / 365.25.
    Half-years and years are therefore never directly comparable; callers choose one ``period_type``.

    Args:
        period: period strings.

    Returns:
        Float Series (NaN for strings that are not a period).
    """
    full = pd.Series(np.atleast_1d(np.asarray(period, dtype=object))).astype("string")
    codes, uniques = pd.factorize(full)  # parse each distinct period once (fast on 10⁵–10⁶ rows)
    s = pd.Series(uniques, dtype="string")
    parts = s.str.extract(_PERIOD_RE)
    year = pd.to_numeric(parts[0], errors="coerce").astype(float)
    half = pd.to_numeric(parts[1], errors="coerce").astype(float)
    quarter = pd.to_numeric(parts[2], errors="coerce").astype(float)
    dates = pd.to_datetime(s.where(parts[3].notna()), errors="coerce", format="%Y-%m-%d")
    frac = np.where(half.notna(), (half - 1) * 0.5 + 0.25,
                    np.where(quarter.notna(), (quarter - 1) * 0.25 + 0.125,
                             np.where(dates.notna(), (dates.dt.day_of_year - 1) / 365.25, 0.0)))
    values = np.append(np.asarray(year + frac, dtype=float), np.nan)  # code -1 (missing) → NaN
    out = pd.Series(values[codes])
    if isinstance(period, pd.Series):
        out.index = period.index
    return out


def period_type_of(period: object) -> pd.Series:
    """Infer ``period_type`` (jaar/halfjaar/kwartaal/peildatum) from period strings (vectorised)."""
    full = pd.Series(np.atleast_1d(np.asarray(period, dtype=object))).astype("string")
    codes, uniques = pd.factorize(full)
    s = pd.Series(uniques, dtype="string")
    kind = pd.Series(pd.NA, index=s.index, dtype="string")
    kind[s.str.fullmatch(r"\d{4}").fillna(False)] = "jaar"
    kind[s.str.fullmatch(r"\d{4}H[12]").fillna(False)] = "halfjaar"
    kind[s.str.fullmatch(r"\d{4}Q[1-4]").fillna(False)] = "kwartaal"
    kind[s.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False)] = "peildatum"
    out = pd.Series(np.append(kind.to_numpy(dtype=object), pd.NA)[codes], dtype="string")
    if isinstance(period, pd.Series):
        out.index = period.index
    return out


def small_number_flags(
    numerator: pd.Series,
    denominator: pd.Series,
    min_numerator: float = MIN_NUMERATOR,
    min_denominator: float = MIN_DENOMINATOR,
    rounding_base: float = ROUNDING_BASE,
    rounding_small: float = ROUNDING_SMALL,
) -> pd.DataFrame:
    """Flag small numbers and small rounded counts.

    Args:
        numerator: counts (NaN when unknown).
        denominator: populations (NaN when unknown).
        min_numerator: ``small_numbers`` when numerator < this.
        min_denominator: ``small_numbers`` when denominator < this.
        rounding_base: CBS rounding base (5).
        rounding_small: ``rounded_small`` when the numerator is a positive multiple of ``rounding_base``
            below this value (rounding error of up to ±2 is then ≥ 4% of the count).

    Returns:
        Frame with boolean columns ``small_numbers`` and ``rounded_small`` (False when unknown).
    """
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    small = (num < min_numerator).fillna(False) | (den < min_denominator).fillna(False)
    rounded = ((num % rounding_base) == 0) & (num > 0) & (num < rounding_small)
    return pd.DataFrame({"small_numbers": small.astype(bool), "rounded_small": rounded.fillna(False).astype(bool)},
                        index=numerator.index)


def add_intervals(
    df: pd.DataFrame,
    catalogue: pd.DataFrame | Sequence[Mapping],
    alpha: float = 0.05,
    min_numerator: float = MIN_NUMERATOR,
    min_denominator: float = MIN_DENOMINATOR,
) -> pd.DataFrame:
    """Add confidence intervals and small-number flags to an indicators frame, by catalogue ``kind``.

    * share: Wilson on numerator/denominator, × ``per`` (so in the unit of ``value``);
    * rate: exact Poisson on the count (numerator) with exposure (denominator), × ``per``;
    * count, level, or no numerator/denominator: no interval (``ci_method = "geen"``).

    Intervals that are already present (non-NaN ``ci_low``/``ci_high`` in the input, e.g. published survey
    intervals) are kept (``ci_method = "gepubliceerd"``). A suppressed cell (``value`` NaN) gets NaN bounds
    and ``suppressed = True``. The intervals ignore CBS rounding to multiples of 5; see ``rounded_small``.

    Args:
        df: frame in the shape of ``indicators.parquet``.
        catalogue: catalogue (see :func:`catalogue_frame`).
        alpha: 1 − confidence level.
        min_numerator: small-number threshold for the numerator.
        min_denominator: small-number threshold for the denominator.

    Returns:
        Copy of ``df`` with ``ci_low``, ``ci_high``, ``ci_method``, ``suppressed``, ``small_numbers``,
        ``rounded_small``. Indicators missing from the catalogue are treated as ``level`` (no interval).
    """
    out = df.copy()
    cat = catalogue_frame(catalogue)
    kind = out["indicator_id"].map(cat["kind"]).astype("string").fillna("level")
    per = out["indicator_id"].map(cat["per"]).astype(float)
    value = pd.to_numeric(out["value"], errors="coerce").astype(float)
    num = (pd.to_numeric(out["numerator"], errors="coerce").astype(float) if "numerator" in out
           else pd.Series(np.nan, index=out.index))
    den = (pd.to_numeric(out["denominator"], errors="coerce").astype(float) if "denominator" in out
           else pd.Series(np.nan, index=out.index))
    suppressed = value.isna()
    pub_low = (pd.to_numeric(out["ci_low"], errors="coerce").astype(float) if "ci_low" in out
               else pd.Series(np.nan, index=out.index))
    pub_high = (pd.to_numeric(out["ci_high"], errors="coerce").astype(float) if "ci_high" in out
                else pd.Series(np.nan, index=out.index))
    has_pub = pub_low.notna() & pub_high.notna() & ~suppressed

    low = pd.Series(np.nan, index=out.index)
    high = pd.Series(np.nan, index=out.index)
    method = pd.Series("geen", index=out.index, dtype="string")
    usable = ~suppressed & num.notna() & den.notna() & ~has_pub

    is_share = usable & (kind == "share")
    if is_share.any():
        w = wilson_interval(num[is_share], den[is_share], alpha)
        low[is_share] = w["ci_low"] * per[is_share]
        high[is_share] = w["ci_high"] * per[is_share]
        method[is_share & w["ci_low"].reindex(out.index).notna()] = "wilson"
    is_rate = usable & (kind == "rate")
    if is_rate.any():
        p = poisson_rate_interval(num[is_rate], den[is_rate], per[is_rate].to_numpy(), alpha)
        low[is_rate] = p["ci_low"]
        high[is_rate] = p["ci_high"]
        method[is_rate & p["ci_low"].reindex(out.index).notna()] = "poisson_exact"
    low[has_pub] = pub_low[has_pub]
    high[has_pub] = pub_high[has_pub]
    method[has_pub] = "gepubliceerd"

    flags = small_number_flags(num, den, min_numerator, min_denominator)
    out["ci_low"] = low
    out["ci_high"] = high
    out["ci_method"] = method
    out["suppressed"] = suppressed.astype(bool)
    out["small_numbers"] = flags["small_numbers"]
    out["rounded_small"] = flags["rounded_small"]
    return out


# --------------------------------------------------------------------------------------------------------
# Funnel plots (Spiegelhalter 2005)
# --------------------------------------------------------------------------------------------------------


class Funnel(NamedTuple):
    """Result of :func:`funnel_limits`.

    Attributes:
        points: one row per gemeente (see :func:`funnel_limits`).
        limits: the limit curves, long format: ``denominator``, ``level``, ``lower``, ``upper``, ``target``.
        summary: one row: ``target``, ``phi``, ``tau2``, ``overdispersion``, ``adjusted``, ``n_units``.
    """

    points: pd.DataFrame
    limits: pd.DataFrame
    summary: pd.DataFrame


def _level_label(level: float) -> str:
    return f"{level * 100:.1f}".rstrip("0").rstrip(".").replace(".", "")


def funnel_limit_values(
    theta: float,
    denominators: object,
    level: float,
    kind: str = "share",
    phi: float = 1.0,
    tau2: float = 0.0,
    method: Literal["exact", "normal"] = "exact",
) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper funnel limits (on the numerator/denominator scale) at given denominators.

    * shares: θ ± z·sqrt(φ·θ(1 − θ)/n + τ²), clipped to [0, 1]. Without adjustment this is exactly the
      inverted Wilson interval Fingertips uses (the Wilson interval is the inverted score test).
    * rates, counts per exposure and ratios (observed/expected), ``method="exact"``: the observed rate k/n
      at which the exact (Garwood) interval of k just touches θ·n (Fingertips' exact Poisson limits);
      with φ > 1 (multiplicative) the distance to θ is stretched by sqrt(φ), with τ² (additive) by
      sqrt(1 + τ²·n/θ). ``method="normal"``: θ ± z·sqrt(φ·θ/n + τ²).

    Args:
        theta: target on the numerator/denominator scale (e.g. 0.12, not 12%).
        denominators: exposures (population, expected counts for ratios).
        level: two-sided coverage (0.95, 0.998).
        kind: ``share``, ``rate``, ``count`` or ``ratio``.
        phi: multiplicative overdispersion (≥ 1 used).
        tau2: additive between-unit variance (scale of θ², i.e. not × per).
        method: ``exact`` or ``normal`` (only matters for rates, counts and ratios).

    Returns:
        (lower, upper) arrays.
    """
    n = np.asarray(denominators, dtype=float)
    a = 1 - level
    zc = sps.norm.ppf(1 - a / 2)
    phi = max(float(phi), 1.0)
    if kind == "share":
        spread = zc * np.sqrt(phi * theta * (1 - theta) / n + tau2)
        return np.clip(theta - spread, 0.0, 1.0), np.clip(theta + spread, 0.0, 1.0)
    if method == "normal":
        spread = zc * np.sqrt(phi * theta / n + tau2)
        return np.clip(theta - spread, 0.0, np.inf), theta + spread
    mu = theta * n
    big = mu + 12 * np.sqrt(mu) + 30
    # U(k) = μ ⇔ P(Gamma(k + 1) ≤ μ) = 1 − a/2 and L(k) = μ ⇔ P(Gamma(k) ≤ μ) = a/2; both decrease in k.
    # scipy.special.gammainc is much faster than chi2.ppf inside the bisection.
    from scipy.special import gammainc  # noqa: PLC0415

    def solve(shift: float, q: float) -> np.ndarray:
        lo_k, hi_k = np.zeros_like(mu), big.copy()
        for _ in range(48):
            mid = (lo_k + hi_k) / 2
            above = gammainc(np.maximum(mid + shift, 1e-300), mu) > q  # k still too small
            lo_k = np.where(above, mid, lo_k)
            hi_k = np.where(above, hi_k, mid)
        return (lo_k + hi_k) / 2

    k_lo = np.where(1 - np.exp(-mu) <= 1 - a / 2, 0.0, solve(1.0, 1 - a / 2))
    k_hi = solve(0.0, a / 2)
    lo, hi = k_lo / n, k_hi / n
    stretch = np.sqrt(phi) * np.sqrt(1 + tau2 * n / theta) if theta > 0 else np.ones_like(n)
    return np.clip(theta - (theta - lo) * stretch, 0.0, np.inf), theta + (hi - theta) * stretch


def _funnel_kind(df: pd.DataFrame, kind: str | None, per: float | None,
                 catalogue: pd.DataFrame | Sequence[Mapping] | None) -> tuple[str, float]:
    """``(kind, per)`` of a funnel: from the catalogue entry of the frame's one ``indicator_id``; explicit values
    must agree with it. Without an ``indicator_id`` column both must be given (nothing is guessed)."""
    ids = df["indicator_id"].dropna().astype(str).unique() if "indicator_id" in df.columns else []
    if len(ids) == 1 and catalogue is None and kind is not None and per is not None:
        return kind, float(per)  # given explicitly and no catalogue to check against: nothing is read
    if len(ids) == 1:
        if catalogue is None:
            from analyse.data import processed  # noqa: PLC0415 - the catalogue ships with the package

            catalogue = processed.catalogue()
        cat = catalogue_frame(catalogue)
        if ids[0] not in cat.index:
            if kind is not None and per is not None:  # a frame of the caller's own: nothing to contradict
                return kind, float(per)
            from analyse.errors import UnknownIndicatorError, suggestion  # noqa: PLC0415

            raise UnknownIndicatorError(f"funnel_limits: indicator {ids[0]!r} staat niet in de catalogus."
                                        f"{suggestion(ids[0], cat.index)} Geef dan kind en per zelf op.")
        cat_kind, cat_per = str(cat.at[ids[0], "kind"]), float(cat.at[ids[0], "per"])
        if kind is not None and kind != cat_kind and not (kind == "count" and cat_kind == "rate"):
            raise AnalyseError(f"funnel_limits: {ids[0]} is volgens de catalogus een {cat_kind}, niet een {kind}; "
                               "laat kind weg (het komt uit de catalogus).")
        if per is not None and not np.isclose(float(per), cat_per):
            raise AnalyseError(f"funnel_limits: {ids[0]} heeft volgens de catalogus per={cat_per:g}, niet {per:g} "
                               "(de waarde is teller/noemer × per); laat per weg.")
        return (kind or cat_kind), cat_per
    if kind is None or per is None:
        raise AnalyseError("funnel_limits: geef kind ('share', 'rate', 'count' of 'ratio') en per (100 voor "
                           "procenten, 1000 voor per 1.000), of een kolom indicator_id zodat ze uit de catalogus "
                           "komen; ze worden niet geraden.")
    return kind, float(per)


def funnel_limits(
    df: pd.DataFrame,
    target: float | None = None,
    levels: Sequence[float] = (0.95, 0.998),
    overdispersion: Literal["multiplicative", "additive"] | None = "multiplicative",
    kind: Literal["share", "rate", "count", "ratio"] | None = None,
    per: float | None = None,
    method: Literal["exact", "normal"] = "exact",
    catalogue: pd.DataFrame | Sequence[Mapping] | None = None,
) -> Funnel:
    """Funnel-plot data for one indicator and one period across all gemeenten.

    Method (Spiegelhalter 2005, *Funnel plots for comparing institutional performance*; limits as in
    Fingertips / PHEindicatormethods when no adjustment applies):

    * unit i has y_i = numerator/denominator; target θ0 = Σ numerator / Σ denominator over the usable rows
      unless ``target`` is given (in the unit of ``value``, i.e. already × ``per``); for ``kind="ratio"``
      (numerator observed, denominator expected counts) the default target is 1 (× ``per``);
    * standard error under the target: s_i = sqrt(θ0(1 − θ0)/n_i) for shares, sqrt(θ0/n_i) otherwise;
    * z_i = (y_i − θ0)/s_i; φ = mean of the z² after winsorising z at its 10% and 90% percentiles;
    * ``multiplicative``: when φ > 1, z_i / sqrt(φ) and limits stretched by sqrt(φ);
    * ``additive`` (random effects, DerSimonian–Laird style): τ² = max(0, (nφ − (n − 1)) /
      (Σw − Σw²/Σw)) with w_i = 1/s_i²; z_i = (y_i − θ0)/sqrt(s_i² + τ²), limits widened accordingly;
    * ``None`` or φ ≤ 1: no adjustment (Fingertips).
    * limits: :func:`funnel_limit_values` (inverted Wilson for shares, exact Poisson for the other kinds with
      ``method="exact"``); a point's ``positie_<level>`` is ``boven``/``onder`` when its y lies outside the
      limits *at its own denominator*, so the classification always agrees with the drawn funnel.

    Rows with a suppressed value, missing numerator/denominator or a non-positive denominator are kept
    with position ``niet te beoordelen``.

    Args:
        df: rows of one indicator and one period (columns gemeentecode, value, numerator, denominator).
        target: target value in value units; default the pooled value (1 × per for ratios).
        levels: two-sided coverage levels of the limits.
        overdispersion: ``"multiplicative"``, ``"additive"`` or ``None``.
        kind: ``"share"``, ``"rate"``, ``"count"`` (count with its exposure as denominator) or ``"ratio"``.
            Default: the catalogue's ``kind`` of the frame's ``indicator_id`` (never guessed).
        per: multiplier from numerator/denominator to value; default the catalogue's ``per``.
        method: ``"exact"`` (default) or ``"normal"`` limits for rates, counts and ratios.
        catalogue: where ``kind`` and ``per`` come from (default the package catalogue); a ``kind``/``per`` given
            explicitly must agree with it.

    Returns:
        :class:`Funnel` with ``points`` (gemeentecode, numerator, denominator, value, y (value units),
        z (unadjusted), z_adjusted, one ``positie_<level>`` column per level (``binnen``/``boven``/``onder``/
        ``niet te beoordelen``; e.g. ``positie_95`` and ``positie_998``), ``small_numbers``), ``limits``
        and ``summary``.

    Raises:
        AnalyseError: more than one indicator or period in ``df``, unknown options, no usable rows, ``kind``/``per``
            unknown (no ``indicator_id`` column and none given) or contradicting the catalogue.
    """
    kind, per = _funnel_kind(df, kind, per, catalogue)
    if overdispersion not in ("multiplicative", "additive", None):
        raise AnalyseError(f"funnel_limits: onbekende overdispersion {overdispersion!r}.")
    if kind not in ("share", "rate", "count", "ratio"):
        raise AnalyseError(f"funnel_limits: kind moet 'share', 'rate', 'count' of 'ratio' zijn, niet {kind!r}; "
                           "een niveau zonder teller en noemer heeft geen funnel.")
    if method not in ("exact", "normal"):
        raise AnalyseError(f"funnel_limits: onbekende methode {method!r} (exact of normal).")
    for col in ("indicator_id", "period"):
        if col in df.columns and df[col].nunique(dropna=False) > 1:
            word = {"indicator_id": "indicator", "period": "periode"}[col]
            raise AnalyseError(f"funnel_limits: verwacht één {word}, kreeg {sorted(df[col].astype(str).unique())}.")
    num = pd.to_numeric(df["numerator"], errors="coerce").to_numpy(float)
    den = pd.to_numeric(df["denominator"], errors="coerce").to_numpy(float)
    value = (pd.to_numeric(df["value"], errors="coerce").to_numpy(float) if "value" in df.columns
             else num / den * per)
    ok = np.isfinite(num) & np.isfinite(den) & (den > 0) & np.isfinite(value) & (num >= 0)
    if kind == "share":
        ok &= num <= den
    if not ok.any():
        raise AnalyseError("funnel_limits: geen enkele gemeente met teller, noemer en waarde.")
    if target is not None:
        theta = target / per
    elif kind == "ratio":
        theta = 1.0
    else:
        theta = num[ok].sum() / den[ok].sum()
    y = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
    var1 = theta * (1 - theta) if kind == "share" else theta  # variance × n
    if var1 <= 0:
        raise AnalyseError("funnel_limits: doelwaarde 0 (of 100%): geen spreiding, geen funnel.")
    s = np.sqrt(var1 / np.where(ok, den, np.nan))
    z = (y - theta) / s
    zok = z[ok]
    lo_q, hi_q = np.quantile(zok, [0.1, 0.9])
    phi = float(np.mean(np.clip(zok, lo_q, hi_q) ** 2))
    n_units = int(ok.sum())
    tau2 = 0.0
    adjusted = False
    phi_used = 1.0
    if overdispersion == "multiplicative" and phi > 1:
        z_adj = z / np.sqrt(phi)
        adjusted = True
        phi_used = phi
    elif overdispersion == "additive" and phi > 1:
        w = 1.0 / s[ok] ** 2
        tau2 = max(0.0, (n_units * phi - (n_units - 1)) / (w.sum() - (w ** 2).sum() / w.sum()))
        z_adj = (y - theta) / np.sqrt(s ** 2 + tau2)
        adjusted = tau2 > 0
    else:
        z_adj = z.copy()

    points = pd.DataFrame({
        "gemeentecode": df["gemeentecode"].to_numpy(),
        "numerator": num, "denominator": den, "value": value,
        "y": y * per, "z": z, "z_adjusted": z_adj,
    }, index=df.index)
    safe_den = np.where(ok, den, 1.0)
    for level in levels:
        lo_i, hi_i = funnel_limit_values(theta, safe_den, level, kind, phi_used, tau2, method)
        tol = 1e-12 * max(theta, 1e-12)
        pos = np.select([~ok, y > hi_i + tol, y < lo_i - tol],
                        [vocab.NIET_TE_BEOORDELEN, vocab.BOVEN, vocab.ONDER], vocab.BINNEN)
        points[f"positie_{_level_label(level)}"] = pos
    points["small_numbers"] = small_number_flags(points["numerator"], points["denominator"])["small_numbers"]

    grid = np.unique(np.geomspace(max(den[ok].min() * 0.8, 1e-9 if kind == "ratio" else 1.0),
                                  den[ok].max() * 1.2, 200))
    frames = []
    for level in levels:
        lo_g, hi_g = funnel_limit_values(theta, grid, level, kind, phi_used, tau2, method)
        frames.append(pd.DataFrame({
            "denominator": grid, "level": level, "lower": lo_g * per, "upper": hi_g * per, "target": theta * per,
        }))
    limits = pd.concat(frames, ignore_index=True)
    summary = pd.DataFrame([{
        "target": theta * per, "phi": phi, "tau2": tau2 * per ** 2, "overdispersion": overdispersion,
        "adjusted": adjusted, "n_units": n_units, "method": method if kind != "share" else "wilson",
    }])
    return Funnel(points=points, limits=limits, summary=summary)
