"""Real year-to-year variation of a gemeente's own figure: the additive τ² model (Spiegelhalter 2005).

Why this module exists. Register figures of a gemeente fluctuate from year to year far more than
binomial/Poisson noise allows, and the excess does not grow in proportion to that noise: the mean z² of
year-on-year changes rises from about 1,5 in the smallest fifth of gemeenten to 15 in the largest (jeugdzorg).
A single multiplicative φ per indicator therefore over-flags large gemeenten and makes small ones untestable.
The additive model adds a variance τ² (in the units of the figure) to every gemeente's own noise:

    var(figure) = s_i² + τ²_level              (one figure, for the comparison with Nederland)
    var(change over L years) = s_1² + s_2² + τ²_change(L)     (the change since the nulmeting)

THE RULE, as the code applies it:

1. For every indicator with counts (or a published interval), every gemeente and every pair of periods of the
   same slot (2019 → 2023, 2019H1 → 2020H1) that are ``L`` whole years apart (L = 1 … ``MAX_LAG``), the change
   minus the common change of all gemeenten in that pair (so a national trend is not counted as chance) is set
   against its own noise: z = d / s_d, s_d² = p̄(1 − p̄)(1/n₁ + 1/n₂) for shares (p̄ the gemeente's pooled
   share), r̄(1/n₁ + 1/n₂) for rates and counts per inwoner, s₁² + s₂² from published intervals.
2. Per indicator, size band (fifths of the denominator, ``N_BANDS``) and lag, τ²_change is the value for
   which the median of d²/(s_d² + τ²) equals the median of χ²₁ (0,455), and 0 when the plain noise already
   explains the changes. This is Spiegelhalter's additive model with a median in place of the winsorised mean
   of his DerSimonian–Laird form: within a band the noise variances still differ tenfold, z is then a heavy-
   tailed scale mixture, and a winsorised mean understates τ² for exactly the large gemeenten that matter
   (7–8% false flags in the largest fifth in the null simulation, against 5% with the median). Size bands let
   τ² follow size where the data say so; within a band it is additive.
3. τ²_level = τ²_change(1) / 2: the variance of one year's deviation from the gemeente's own level.
4. A change since the nulmeting, whatever its length, uses τ²_change(1) = 2·τ²_level of the gemeente's band:
   two independent yearly deviations. Over longer lags gemeenten drift apart for real (τ² estimated at lag 3
   is 5–10 times that at lag 1 for jeugdzorg); that drift is the change being reported, not chance.

The spread of levels *between* gemeenten is not chance: it is the difference a report shows. It belongs only in
the funnel plot (:func:`analyse.stats.funnel_limits`), which asks another question (does a gemeente stand out
among all gemeenten) and uses other words ("opvallend").

Everything here is vectorised and pure; :func:`estimate_variation` runs once per data generation.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats as sps

from analyse import vocab
from analyse.errors import AnalyseError
from analyse.stats import catalogue_frame, period_time, period_type_of

__all__ = ["estimate_variation", "lookup_tau2", "noise_variance", "simulate_null", "VARIATION_COLUMNS",
           "N_BANDS", "MAX_LAG", "MIN_PAIRS", "LEVEL_LAG"]

N_BANDS = 5
"""Size bands (fifths of the denominator) in which τ² is estimated separately."""
MAX_LAG = 1
"""Longest distance in years between the two periods of a change. Chance is the *year-on-year* variation
(lag 1): over longer lags gemeenten drift apart for real, and that drift is the change a report shows, not
chance. A researcher may pass a larger ``max_lag`` to see that drift."""
MIN_PAIRS = 30
"""Fewest changes for a τ² of one (indicator, band, lag)."""
LEVEL_LAG = 1
"""τ²_level = τ²_change / 2 at this lag (the year-on-year change)."""

VARIATION_COLUMNS = ["indicator_id", "kind", "band", "n_low", "n_high", "lag", "tau2", "phi", "n_pairs",
                     "n_gemeenten"]
"""One row per indicator, size band and lag. ``tau2`` is in the units of the figure (value scale, e.g.
procent² for a share per 100); ``lag`` 0 holds τ²_level. ``n_low``/``n_high`` bound the band's denominators."""

TESTABLE_KINDS = (vocab.SHARE, vocab.RATE, vocab.COUNT)


def noise_variance(kind: object, numerator: object, denominator: object, per: object,
                   ci_low: object = None, ci_high: object = None) -> np.ndarray:
    """Binomial/Poisson variance of one figure on its value scale (``per``²·p(1 − p)/n, ``per``²·r/n).

    Where no counts are known a published 95% interval gives s = (upper − lower) / (2·1,96). Counts
    (``kind: count``) are Poisson with variance = the count. NaN where nothing is known.
    """
    kind = np.asarray(kind, dtype=object)
    k = np.asarray(numerator, dtype=float)
    n = np.asarray(denominator, dtype=float)
    per = np.asarray(per, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / n
        share = per ** 2 * p * (1 - p) / n
        rate = per ** 2 * p / n
    var = np.where(kind == vocab.SHARE, share, np.where(kind == vocab.RATE, rate,
                                                        np.where(kind == vocab.COUNT, k, np.nan)))
    var = np.where(np.isfinite(var), var, np.nan)
    if ci_low is not None and ci_high is not None:
        lo, hi = np.asarray(ci_low, dtype=float), np.asarray(ci_high, dtype=float)
        published = ((hi - lo) / (2 * sps.norm.ppf(0.975))) ** 2
        var = np.where(np.isfinite(var), var, published)
    return var


def _pairs(frame: pd.DataFrame, max_lag: int) -> pd.DataFrame:
    """All same-slot pairs 1 … ``max_lag`` whole years apart per (indicator, gemeente, period type)."""
    key = ["indicator_id", "period_type", "_slot", "gemeentecode"]
    d = frame.sort_values([*key, "_t"])
    out = []
    grp = d.groupby(key, sort=False)
    for shift in range(1, max_lag + 1):
        prev = grp[["_x", "_v", "_n", "_t", "period"]].shift(shift)
        lag = d["_t"].to_numpy() - prev["_t"].to_numpy()
        whole = np.isfinite(lag) & (np.abs(lag - np.round(lag)) < 0.01) & (np.round(lag) >= 1)
        if not whole.any():
            continue
        part = d[whole].assign(_x1=prev["_x"][whole].to_numpy(), _v1=prev["_v"][whole].to_numpy(),
                               _n1=prev["_n"][whole].to_numpy(), _p1=prev["period"][whole].to_numpy(),
                               lag=np.round(lag[whole]).astype(int))
        out.append(part)
    if not out:
        return d.iloc[0:0].assign(_x1=[], _v1=[], _n1=[], _p1=[], lag=[])
    pairs = pd.concat(out, ignore_index=True)
    return pairs[pairs["lag"] <= max_lag].drop_duplicates(["indicator_id", "gemeentecode", "_p1", "period"])


_CHI2_MEDIAN = float(sps.chi2.ppf(0.5, 1))
"""Median of χ²₁ (0,455): the median of z² for pure noise."""


def _median_tau2(d: np.ndarray, var: np.ndarray) -> tuple[float, float]:
    """(τ², φ) such that the median of d²/(s² + τ²) equals the median of χ²₁.

    A median-matching (Paule–Mandel-type) estimator: unlike a weighted mean of winsorised z², it stays
    unbiased when the noise variances s² differ a lot within a size band (large gemeenten, whose z are a scale
    mixture with heavy tails), and a few outlying changes cannot move it. φ = median(z²)/0,455 is reported as
    a summary of the excess (1 = pure noise).
    """
    z2 = d ** 2 / var
    phi = float(np.median(z2) / _CHI2_MEDIAN)
    if phi <= 1:
        return 0.0, phi
    lo, hi = 0.0, float(np.median(d ** 2)) * 4 + float(np.max(var))
    for _ in range(60):
        mid = (lo + hi) / 2
        if np.median(d ** 2 / (var + mid)) > _CHI2_MEDIAN:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2, phi


def _series_frame(indicators: pd.DataFrame, cat: pd.DataFrame, prefix: str) -> pd.DataFrame:
    ind = indicators[indicators["gemeentecode"].astype(str).str.startswith(prefix)]
    ind = ind[ind["indicator_id"].map(cat["kind"]).isin(TESTABLE_KINDS).to_numpy()]
    ind = ind[ind["value"].notna()]
    if ind.empty:
        return ind.assign(_x=[], _v=[], _n=[], _t=[], _slot=[], _kind=[])
    ind = ind.drop_duplicates(["indicator_id", "gemeentecode", "period"])
    kind = ind["indicator_id"].map(cat["kind"]).astype(str).to_numpy()
    per = ind["indicator_id"].map(cat["per"]).astype(float).to_numpy()
    per = np.where(np.isfinite(per), per, 1.0)
    value = ind["value"].to_numpy(float)
    k = pd.to_numeric(ind.get("numerator"), errors="coerce").to_numpy(float) if "numerator" in ind else \
        np.full(len(ind), np.nan)
    n = pd.to_numeric(ind.get("denominator"), errors="coerce").to_numpy(float) if "denominator" in ind else \
        np.full(len(ind), np.nan)
    lo = pd.to_numeric(ind["ci_low"], errors="coerce").to_numpy(float) if "ci_low" in ind else None
    hi = pd.to_numeric(ind["ci_high"], errors="coerce").to_numpy(float) if "ci_high" in ind else None
    # counts are judged per inwoner where the population is known (the denominator), else as plain counts
    count = kind == vocab.COUNT
    k = np.where(count & ~np.isfinite(k), value, k)
    count_rate = count & np.isfinite(n) & (n > 0)
    x = np.where(count_rate, k / n * 1000.0, value)  # the figure on its value scale
    v = noise_variance(np.where(count_rate, vocab.RATE, kind), k, n, np.where(count_rate, 1000.0, per), lo, hi)
    with np.errstate(divide="ignore", invalid="ignore"):
        size = np.where(np.isfinite(n) & (n > 0), n, np.where(np.isfinite(v) & (v > 0), 1 / v, np.nan))
    ptype = ind["period_type"].astype(str).to_numpy() if "period_type" in ind else \
        period_type_of(ind["period"]).astype(str).to_numpy()
    return ind.assign(_x=x, _v=v, _n=size, _t=period_time(ind["period"]).to_numpy(), period_type=ptype,
                      _slot=ind["period"].astype(str).str.slice(4).to_numpy(), _kind=kind)[np.isfinite(v) & (v > 0)]


def estimate_variation(
    indicators: pd.DataFrame,
    catalogue: pd.DataFrame | Sequence[Mapping],
    prefix: str = "GM",
    max_lag: int = MAX_LAG,
    n_bands: int = N_BANDS,
) -> pd.DataFrame:
    """τ² per indicator, size band and lag from the changes of all gemeenten (see the module rule).

    Args:
        indicators: harmonised indicators of all gemeenten (region rows are ignored), with numerator and
            denominator where known, or published ``ci_low``/``ci_high``.
        catalogue: catalogue (``kind``, ``per``).
        prefix: code prefix of the units.
        max_lag: longest lag in years.
        n_bands: number of size bands.

    Returns:
        Frame with :data:`VARIATION_COLUMNS`; lag 0 rows hold τ²_level per band. Empty (same columns) when no
        indicator has two comparable periods.
    """
    cat = catalogue_frame(catalogue)
    d = _series_frame(indicators, cat, prefix)
    pairs = _pairs(d, max_lag) if len(d) else d
    if pairs.empty:
        return pd.DataFrame(columns=VARIATION_COLUMNS)
    grp_pair = ["indicator_id", "period_type", "_p1", "period"]
    # the common change of all gemeenten in that pair (pooled: Σ-weighted by size)
    w_n = pairs["_n"].to_numpy(float)
    pairs = pairs.assign(_wx=pairs["_x"] * w_n, _wx1=pairs["_x1"] * w_n, _w=w_n)
    tot = pairs.groupby(grp_pair, sort=False)[["_wx", "_wx1", "_w"]].transform("sum")
    common = (tot["_wx"] - tot["_wx1"]) / tot["_w"]
    d_change = (pairs["_x"] - pairs["_x1"]).to_numpy(float) - common.to_numpy(float)
    var = (pairs["_v"] + pairs["_v1"]).to_numpy(float)
    pairs = pairs.assign(_d=d_change, _var=var, _size=np.sqrt(pairs["_n"] * pairs["_n1"]))
    pairs = pairs[np.isfinite(pairs["_d"]) & (pairs["_var"] > 0)]
    rows = []
    for iid, g in pairs.groupby("indicator_id", sort=True):
        edges = np.unique(np.quantile(g["_size"], np.linspace(0, 1, n_bands + 1)))
        band = np.clip(np.searchsorted(edges, g["_size"], side="right") - 1, 0, max(len(edges) - 2, 0))
        g = g.assign(_band=band)
        for b, gb in g.groupby("_band"):
            lo_edge = float(edges[b]) if b > 0 else 0.0
            hi_edge = float(edges[b + 1]) if b + 1 < len(edges) - 1 else np.inf
            level = None
            for lag, gl in gb.groupby("lag"):
                if len(gl) < MIN_PAIRS:
                    continue
                tau2, phi = _median_tau2(gl["_d"].to_numpy(), gl["_var"].to_numpy())
                rows.append({"indicator_id": iid, "kind": str(g["_kind"].iloc[0]), "band": int(b),
                             "n_low": lo_edge, "n_high": hi_edge, "lag": int(lag), "tau2": tau2, "phi": phi,
                             "n_pairs": len(gl), "n_gemeenten": int(gl["gemeentecode"].nunique())})
                if lag <= LEVEL_LAG:
                    level = rows[-1]
            if level is not None:
                rows.append({**level, "lag": 0, "tau2": level["tau2"] / 2})
    out = pd.DataFrame(rows, columns=VARIATION_COLUMNS)
    return _monotone(out)


def _monotone(out: pd.DataFrame) -> pd.DataFrame:
    """Within an indicator and lag, τ² may not fall from a larger band to a smaller one by estimation noise only:
    nothing is forced; this only sorts the frame (kept as a separate step so the rule stays visible)."""
    return out.sort_values(["indicator_id", "band", "lag"]).reset_index(drop=True)


def _dense(v: pd.DataFrame, max_lag: int) -> tuple[np.ndarray, np.ndarray]:
    """(band lower edges, τ²[band, lag 0 … max_lag]) of one indicator with the lag fallback applied."""
    bands = v.drop_duplicates("band").sort_values("band")
    lows = bands["n_low"].to_numpy(float)
    table = np.full((len(bands), max_lag + 1), np.nan)
    pos = {b: i for i, b in enumerate(bands["band"])}
    for b, lag, tau2 in zip(v["band"], v["lag"], v["tau2"]):
        if 0 <= lag <= max_lag:
            table[pos[b], int(lag)] = tau2
    for i in range(len(bands)):
        row = table[i]
        known = np.flatnonzero(np.isfinite(row[1:])) + 1
        for lag in range(1, max_lag + 1):
            if np.isfinite(row[lag]) or len(known) == 0:
                continue
            below = known[known < lag]
            row[lag] = row[below.max()] if len(below) else row[known.min()]
    return lows, np.where(np.isfinite(table), table, 0.0)


def lookup_tau2(variation: pd.DataFrame | None, indicator_id: object, size: object, lag: object) -> np.ndarray:
    """τ² for each (indicator, size, lag); lag 0 = τ²_level. 0 where the indicator has no estimate.

    ``size`` is the denominator (population behind the figure; unknown → the largest band, the conservative
    choice); a lag without enough pairs falls back to the longest shorter lag that has them, then to the
    shortest longer one. Vectorised per indicator.
    """
    ids = np.atleast_1d(np.asarray(indicator_id, dtype=object))
    size = np.broadcast_to(np.asarray(size, dtype=float), ids.shape)
    lag = np.broadcast_to(np.asarray(lag, dtype=float), ids.shape)
    out = np.zeros(len(ids))
    if variation is None or len(variation) == 0:
        return out
    if not {"indicator_id", "band", "n_low", "lag", "tau2"} <= set(variation.columns):
        raise AnalyseError("variation: verwacht de kolommen van estimate_variation (indicator_id, band, lag, tau2).")
    max_lag = int(max(MAX_LAG, variation["lag"].max()))
    for iid, v in variation.groupby("indicator_id", sort=False):
        idx = np.flatnonzero(ids == iid)
        if len(idx) == 0:
            continue
        lows, table = _dense(v, max_lag)
        s = np.where(np.isfinite(size[idx]), size[idx], np.inf)
        b = np.clip(np.searchsorted(lows, s, side="right") - 1, 0, len(lows) - 1)
        li = np.where(np.isfinite(lag[idx]), np.clip(np.round(lag[idx]), 0, max_lag), 0).astype(int)
        out[idx] = table[b, li]
    return out


def simulate_null(
    denominators: pd.DataFrame,
    base_rate: float,
    tau2_of_size: object,
    years: Sequence[int],
    kind: str = vocab.SHARE,
    per: float = 100.0,
    effect: Mapping[str, float] | None = None,
    effect_from: int | None = None,
    seed: int = 20261207,
) -> pd.DataFrame:
    """Simulated register series with no true difference between gemeenten and no true change.

    Every gemeente i has the same true level ``base_rate`` (a proportion for shares, a rate per person for
    rates); each year its figure gets an independent real shock with variance τ²(n_i) (``tau2_of_size``: a
    callable of the denominator or a constant, on the proportion/rate scale) and then binomial or Poisson
    noise. ``effect`` adds a true difference (gemeentecode → shift on the proportion scale) to every period from
    ``effect_from`` on (default: every period, a true difference from Nederland; the last period only: a true
    change), to check that a real difference is still found.

    Args:
        denominators: gemeentecode, denominator (real denominators of all gemeenten).
        base_rate: true level for every gemeente.
        tau2_of_size: τ²(n) on the proportion scale (callable) or one number.
        years: the periods to simulate.
        kind: ``share`` or ``rate``.
        per: multiplier to the value scale.
        effect: true shifts per gemeente.
        effect_from: first period (year) with the shift; ``None`` = all.
        seed: random seed.

    Returns:
        Frame in the shape of ``indicators.parquet`` (indicator_id ``sim``, period_type ``jaar``).
    """
    rng = np.random.default_rng(seed)
    codes = denominators["gemeentecode"].astype(str).to_numpy()
    n = np.maximum(np.round(denominators["denominator"].to_numpy(float)), 1.0)
    tau2 = np.asarray(tau2_of_size(n) if callable(tau2_of_size) else np.full(len(n), float(tau2_of_size)))
    shift = np.array([(effect or {}).get(c, 0.0) for c in codes])
    rows = []
    for year in years:
        shifted = effect_from is None or int(year) >= int(effect_from)
        p = base_rate + rng.normal(0.0, np.sqrt(tau2)) + (shift if shifted else 0.0)
        p = np.clip(p, 1e-6, 1 - 1e-6) if kind == vocab.SHARE else np.maximum(p, 1e-9)
        k = rng.binomial(n.astype(np.int64), p) if kind == vocab.SHARE else rng.poisson(n * p)
        rows.append(pd.DataFrame({"indicator_id": "sim", "gemeentecode": codes, "period": str(year),
                                  "period_type": vocab.JAAR, "value": k / n * per, "numerator": k.astype(float),
                                  "denominator": n, "unit": "procent" if kind == vocab.SHARE else "per_1000",
                                  "status": "definitief", "source_table": "simulatie", "rounded": False}))
    return pd.concat(rows, ignore_index=True)
