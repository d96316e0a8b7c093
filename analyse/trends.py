"""Trends, difference-in-differences, interrupted time series and budget vs realisation.

Methods (all results are tidy frames; inputs are never mutated):

* :func:`trend` — one indicator, one region.

  - ``rate``/``count`` with numerator and denominator: Poisson GLM of the count on time with offset
    log(exposure); when the Pearson χ²/df exceeds 1 the standard error is scaled by its square root
    (quasi-Poisson), and above 1.5 the model is refitted as a negative binomial (NB2, maximum likelihood,
    statsmodels ``NegativeBinomial`` with the same exposure; its standard error never below the
    quasi-Poisson one). Intervals and p-values use t with n − 2 degrees of freedom (the scale is
    estimated). Result: annual % change = (exp(b) − 1) × 100.
  - ``count`` without denominator: the same on the value (no offset).
  - ``rate`` without counts: OLS on log(value), annual % change.
  - ``share`` (and ``level``): OLS on the value: slope in procentpunt (value units) per year.
  - Autocorrelated errors (issue 17): yearly gemeente series are positively autocorrelated and 5–9 points cannot
    estimate that per series. :func:`autocorrelation` estimates one AR(1) ρ per indicator, pooled over the
    detrended yearly series of all gemeenten, with the small-sample bias of residual autocorrelation removed by
    simulation (:func:`pooled_rho`); it is computed once per data generation and passed as ``rho`` to
    :func:`trend`, :func:`did` and :func:`its`. With ``rho`` every OLS here keeps its point estimate and uses the
    exact variance of the coefficients under AR(1) errors, σ² estimated by eᵀe / tr(MV), t quantiles with
    Satterthwaite degrees of freedom, never below the plain OLS standard error (:func:`_ols_ar1`); the
    quasi-Poisson / negative-binomial standard errors are widened by the same exact AR(1) factor
    (:func:`ar1_inflation`). A seeded simulation in the tests (ρ = 0,5, n = 5…9, ρ estimated as in the build)
    checks ≥ 93% coverage of the 95% interval; without ``rho`` (independent errors: max(Newey–West with 1 lag and
    small-sample correction, plain OLS), t with n − k df, the method of issue 11) the same simulation gives
    81–89%. A binomial GLM is deliberately not used: register denominators are so large that binomial standard
    errors ignore the year-to-year extra variation; the OLS residual variance captures it.
  - Time is in years: ``2015`` → 2015.0, ``2015H1`` → 2015.25, ``2015H2`` → 2015.75. Half-year and year rows are
    never mixed: the reported ``period_type`` (:func:`analyse.series.reported_period_types`) is used unless
    given. Gaps are allowed (time is real time). Below ``min_points`` values no model is fitted (``method = "geen trend
    (te weinig punten)"``) and only the plain change first → last is reported.

* :func:`did` — difference-in-differences of gemeente vs reference around a start year. The estimate is
  (mean gap after) − (mean gap before), gap = gemeente − reference per period. It is computed as OLS of
  the gap on a post dummy, which gives exactly the group×post interaction coefficient of the stacked
  two-group model with period effects; standard errors under AR(1) with the indicator's pooled ρ (without it:
  HAC, Newey–West 1 lag) on the gap series. Always
  labelled ``indicatief``: one treated unit, few periods, no check of parallel trends beyond the data shown.
* :func:`its` — interrupted time series: segmented OLS y = b0 + b1(t − t0) + b2·post + b3(t − t0)·post with
  AR(1) (pooled ρ) or HAC standard errors; b2 = level change at t0 = start_year, b3 = slope change per year.
  Labelled ``indicatief``.

Begroting vs jaarrekening of the Iv3 lasten is :func:`analyse.kosten.begroting_jaarrekening`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats as sps
from statsmodels.stats.stattools import durbin_watson

from analyse import series as series_mod
from analyse.errors import AnalyseError
from analyse.stats import catalogue_frame, period_time, period_type_of

__all__ = ["trend", "trends_all", "did", "its", "recent_trend", "recent_trends_all", "chi2_trend_share",
           "wls_trend", "autocorrelation", "pooled_rho", "expected_lag1", "ar1_correlation", "ar1_inflation",
           "OVERDISPERSION_THRESHOLD", "RECENT_TREND_CRITICAL"]

OVERDISPERSION_THRESHOLD = 1.5
"""Pearson χ²/df above which a Poisson trend is refitted as negative binomial."""

NO_TREND = "geen trend (te weinig punten)"
LABEL = "indicatief"


def _pick_period_type(df: pd.DataFrame, period_type: str | None) -> tuple[pd.DataFrame, str | None]:
    ptype = df["period_type"] if "period_type" in df.columns else period_type_of(df["period"])
    ptype = pd.Series(np.asarray(ptype, dtype=object), index=df.index)
    if period_type is None:  # the report's one period rule (analyse.series), not "the type with most rows"
        one = pd.DataFrame({"indicator_id": "_", "gemeentecode": "_", "period": df["period"].astype(str).to_numpy(),
                            "value": pd.to_numeric(df["value"], errors="coerce").to_numpy(float),
                            "period_type": ptype.to_numpy()})
        picked = series_mod.reported_period_types(one)
        if picked.empty:
            return df.iloc[0:0], None
        period_type = str(picked["period_type"].iloc[0])
    return df[ptype == period_type], period_type


def _clean(series_df: pd.DataFrame, period_type: str | None) -> tuple[pd.DataFrame, str | None]:
    if "period" not in series_df.columns or "value" not in series_df.columns:
        raise AnalyseError("Reeks mist de kolommen 'period' en/of 'value'.")
    df, ptype = _pick_period_type(series_df, period_type)
    cols = {"period": df["period"].astype(str).to_numpy(),
            "value": pd.to_numeric(df["value"], errors="coerce").to_numpy(float),
            "t": period_time(df["period"]).to_numpy(float)}
    for c in ("numerator", "denominator"):
        cols[c] = (pd.to_numeric(df[c], errors="coerce").to_numpy(float) if c in df.columns
                   else np.full(len(df), np.nan))
    out = pd.DataFrame(cols)
    out = out[out["value"].notna() & out["t"].notna()].sort_values("t").drop_duplicates("t")
    return out.reset_index(drop=True), ptype


def _first(df: pd.DataFrame, col: str) -> object:
    return df[col].iloc[0] if col in df.columns and len(df) and df[col].nunique() == 1 else pd.NA


class _Fit:
    """Least-squares fit with the standard errors this module reports (see :func:`_ols_hac`)."""

    def __init__(self, params: np.ndarray, bse: np.ndarray, df_resid: int, resid: np.ndarray, endog: np.ndarray,
                 df_t: float | None = None):
        self.params = params
        self.bse = bse
        self.df_resid = df_resid
        self.df_t = float(df_resid) if df_t is None else float(df_t)
        """Degrees of freedom of the t quantile (n − k, or Satterthwaite under AR(1))."""
        self.resid = resid
        self.model = type("M", (), {"endog": endog})()


def _ols(y, X) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, int]:
    """Plain OLS: ``(y, X, (XᵀX)⁺, β, residuals, n − k)`` as float arrays (shared by the HAC and AR(1) fits)."""
    y = np.asarray(y, dtype=float)
    X = np.asarray(X, dtype=float)
    xtx_inv = np.linalg.pinv(X.T @ X)
    beta = xtx_inv @ X.T @ y
    resid = y - X @ beta
    return y, X, xtx_inv, beta, resid, X.shape[0] - X.shape[1]


def _ols_hac(y: np.ndarray, X: np.ndarray, alpha: float = 0.05) -> _Fit:
    """OLS with standard errors max(Newey–West (1 lag, small-sample correction), plain OLS).

    Newey–West alone is too narrow on 4–9 points (coverage 86–90% for a nominal 95% with independent
    errors); taking the larger of the two standard errors with t(n − k) quantiles (see :func:`_ci`) keeps
    the OLS coverage (exact under independent normal errors) and still widens for positive autocorrelation.
    Pure numpy (fast enough for the coverage simulation in the tests).
    """
    y, X, xtx_inv, beta, resid, df = _ols(y, X)
    n, k = X.shape
    if df < 1:
        return _Fit(beta, np.full(k, np.nan), df, resid, y)
    s2 = float(resid @ resid) / df
    se_ols = np.sqrt(np.maximum(np.diag(xtx_inv) * s2, 0.0))
    xu = X * resid[:, None]
    S = xu.T @ xu
    if n > 1:
        g = xu[1:].T @ xu[:-1]
        S = S + 0.5 * (g + g.T)  # Bartlett weight 1 − 1/(1 + 1) for lag 1
    cov = xtx_inv @ S @ xtx_inv * n / df
    se_hac = np.sqrt(np.maximum(np.diag(cov), 0.0))
    return _Fit(beta, np.maximum(se_ols, se_hac), df, resid, y)


def _ci(res, idx: int, alpha: float) -> tuple[float, float, float]:
    if res.df_resid < 1:
        return np.nan, np.nan, np.nan
    b, se = float(res.params[idx]), float(res.bse[idx])
    if not np.isfinite(se):
        return np.nan, np.nan, np.nan
    tol = 1e-9 * max(1.0, float(np.max(np.abs(res.model.endog))))
    if se <= tol and abs(b) <= tol:  # exact fit with a zero effect: rounding noise, not a significant 1e-16
        return 0.0, 0.0, 1.0
    q = sps.t.ppf(1 - alpha / 2, res.df_t)
    p = float(2 * sps.t.sf(abs(b / se), res.df_t)) if se > 0 else (1.0 if b == 0 else 0.0)
    return b - q * se, b + q * se, p


# --------------------------------------------------------------------------------------------------------
# Short autocorrelated series: one AR(1) ρ per indicator, pooled over all gemeenten
# --------------------------------------------------------------------------------------------------------
RHO_GRID = np.round(np.linspace(-0.9, 0.95, 38), 6)
"""Values of ρ at which the expected residual autocorrelation is tabulated (bias correction)."""
RHO_MAX = 0.95
"""Upper bound of the pooled ρ (near 1 a linear trend and a random walk cannot be told apart)."""
RHO_DRAWS = 2000
"""Simulated series per (time pattern, ρ) for the bias correction (fixed seed: deterministic)."""
RHO_MIN_POINTS = 4
"""Shortest yearly series (values) that contributes to the pooled ρ."""
RHO_MIN_SERIES = 10
"""A time pattern (length and gaps) shared by fewer gemeenten is left out of the pooled ρ (its bias correction
would cost a simulation for a handful of series)."""


def ar1_correlation(t: np.ndarray, rho: float) -> np.ndarray:
    """Correlation matrix of AR(1) errors at times ``t`` (in years): ρ^|tᵢ − tⱼ| (gaps are real time)."""
    t = np.asarray(t, dtype=float)
    if rho == 0:
        return np.eye(len(t))
    return float(rho) ** np.abs(t[:, None] - t[None, :])


def _trend_design(t: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones_like(t), t - t.mean()])


def _lag_matrix(t: np.ndarray) -> np.ndarray:
    """Symmetric matrix A with eᵀAe = Σ eₐe_b over pairs of points exactly one year apart."""
    n = len(t)
    A = np.zeros((n, n))
    for a in range(n - 1):
        if abs(t[a + 1] - t[a] - 1.0) < 1e-9:
            A[a, a + 1] = A[a + 1, a] = 0.5
    return A


def _residual_maker(X: np.ndarray) -> np.ndarray:
    return np.eye(len(X)) - X @ np.linalg.pinv(X.T @ X) @ X.T


def _lag1_ratio(resid: np.ndarray, A: np.ndarray) -> np.ndarray:
    """Lag-1 autocorrelation Σ eₜeₜ₋₁ / Σ eₜ² of each row of ``resid`` (NaN where all residuals are 0)."""
    num = np.einsum("ij,jk,ik->i", resid, A, resid)
    den = np.einsum("ij,ij->i", resid, resid)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 1e-12 * np.maximum(1.0, np.abs(resid).max(axis=1) ** 2), num / den, np.nan)


def expected_lag1(t: np.ndarray) -> np.ndarray:
    """Expected lag-1 autocorrelation of linear-trend OLS residuals at times ``t`` for each ρ of :data:`RHO_GRID`.

    The residual autocorrelation of a 5–9 point series is strongly biased towards negative values (with no
    autocorrelation at all it averages about −0,3 on 5 points). Its expectation under AR(1) errors with a given
    ρ is found by simulation with a fixed seed (common random numbers for every ρ, so the curve is smooth and
    monotone); the pooled estimate is the ρ whose expectation equals the observed mean (indirect inference).
    """
    t = np.asarray(t, dtype=float)
    M, A = _residual_maker(_trend_design(t)), _lag_matrix(t)
    z = np.random.default_rng(20261207).standard_normal((RHO_DRAWS, len(t)))
    out = np.empty(len(RHO_GRID))
    for i, rho in enumerate(RHO_GRID):
        L = np.linalg.cholesky(ar1_correlation(t, float(rho)))
        out[i] = np.nanmean(_lag1_ratio(z @ L.T @ M, A))
    return out


def pooled_rho(series: Sequence[tuple[np.ndarray, np.ndarray]]) -> dict[str, float]:
    """One AR(1) ρ for many short series of the same indicator (bias-corrected, see :func:`expected_lag1`).

    Args:
        series: (t in years, values) per gemeente; series with fewer than :data:`RHO_MIN_POINTS` points, no
            pair of consecutive years or a perfect linear fit are left out, and so are time patterns shared by
            fewer than :data:`RHO_MIN_SERIES` series: an indicator of one gemeente gets no ρ (NaN; its trends
            then use the independent-errors method and say so).

    Returns:
        ``rho`` (clipped to [0, :data:`RHO_MAX`]: a negative pooled estimate is taken as 0, so intervals are
        never narrower than under independent errors), ``rho_raw`` (the unclipped estimate), ``mean_lag1`` (the
        observed mean residual autocorrelation), ``n_series`` and ``n_points`` used.
    """
    by_pattern: dict[tuple, list[np.ndarray]] = {}
    for t, y in series:
        t, y = np.asarray(t, dtype=float), np.asarray(y, dtype=float)
        ok = np.isfinite(t) & np.isfinite(y)
        order = np.argsort(t[ok], kind="stable")
        t, y = t[ok][order], y[ok][order]
        if len(t) >= RHO_MIN_POINTS:
            by_pattern.setdefault(tuple(np.round(t - t[0], 6)), []).append(y)
    ratios, weighted, n_points = [], [], 0
    for key, ys in by_pattern.items():
        if len(ys) < RHO_MIN_SERIES:
            continue  # a rare pattern (or an indicator of one gemeente): too little to estimate ρ from
        t = np.asarray(key, dtype=float)
        A = _lag_matrix(t)
        if not A.any():
            continue
        r = _lag1_ratio(np.vstack(ys) @ _residual_maker(_trend_design(t)), A)
        r = r[np.isfinite(r)]
        if len(r):
            ratios.append(r)
            weighted.append(_expected_lag1_cached(key) * len(r))
            n_points += len(r) * len(t)
    if not ratios:
        return {"rho": np.nan, "rho_raw": np.nan, "mean_lag1": np.nan, "n_series": 0, "n_points": 0}
    ratio = np.concatenate(ratios)
    curve = np.maximum.accumulate(sum(weighted) / len(ratio))  # monotone for the inversion
    mean = float(ratio.mean())
    raw = float(np.interp(mean, curve, RHO_GRID)) if mean <= curve[-1] else RHO_MAX
    return {"rho": float(min(max(raw, 0.0), RHO_MAX)), "rho_raw": raw, "mean_lag1": mean,
            "n_series": int(len(ratio)), "n_points": int(n_points)}


_EXPECTED_CACHE: dict[tuple, np.ndarray] = {}


def _expected_lag1_cached(key: tuple) -> np.ndarray:
    """:func:`expected_lag1` of a time pattern (relative times), computed once per process (pure function)."""
    if key not in _EXPECTED_CACHE:
        _EXPECTED_CACHE[key] = expected_lag1(np.asarray(key, dtype=float))
    return _EXPECTED_CACHE[key]


def autocorrelation(indicators: pd.DataFrame, catalogue: pd.DataFrame | Sequence[Mapping],
                    period_type: str = "jaar") -> pd.DataFrame:
    """Pooled AR(1) ρ per indicator from the yearly series of all gemeenten (computed once per data generation).

    Each gemeente's series (``period_type`` rows with a value; log(value) for rates and counts when all values
    are positive) is detrended by OLS; the mean lag-1 autocorrelation of the residuals over all gemeenten is
    corrected for its small-sample bias (:func:`pooled_rho`). Only ``GM`` codes count (region rows are sums of
    them). Pass the result as ``rho`` to :func:`trend`, :func:`did` and :func:`its`.

    Args:
        indicators: preferred indicator frame (one row per indicator, code and period).
        catalogue: catalogue (kind per indicator).
        period_type: period type of the series (default yearly).

    Returns:
        One row per indicator: indicator_id, rho, rho_raw, mean_lag1, n_series, n_points (rho NaN when no
        gemeente has a usable series).
    """
    cat = catalogue_frame(catalogue)
    cols = ["indicator_id", "rho", "rho_raw", "mean_lag1", "n_series", "n_points"]
    need = {"indicator_id", "gemeentecode", "period", "value"}
    if not need <= set(indicators.columns):
        raise AnalyseError(f"autocorrelation: indicatortabel mist kolommen {sorted(need - set(indicators.columns))}.")
    ind = indicators[indicators["gemeentecode"].astype(str).str.startswith("GM") & indicators["value"].notna()]
    ptype = ind["period_type"] if "period_type" in ind.columns else period_type_of(ind["period"])
    ind = ind[np.asarray(ptype == period_type, dtype=bool)]
    ind = ind.assign(_t=period_time(ind["period"]).to_numpy(float),
                     _v=pd.to_numeric(ind["value"], errors="coerce").to_numpy(float))
    rows = []
    for iid, grp in ind.groupby("indicator_id", sort=True, observed=True):
        kind = cat["kind"].get(iid, "level")
        grp = grp.drop_duplicates(["gemeentecode", "_t"]).sort_values(["gemeentecode", "_t"], kind="stable")
        v = grp["_v"].to_numpy()
        codes = grp["gemeentecode"].astype(str).to_numpy()
        cuts = np.flatnonzero(codes[1:] != codes[:-1]) + 1
        tt, vv = np.split(grp["_t"].to_numpy(), cuts), np.split(v, cuts)
        if kind in ("rate", "count"):
            vv = [np.log(x) if np.all(x > 0) else x for x in vv]
        series = list(zip(tt, vv))
        rows.append({"indicator_id": str(iid), **pooled_rho(series)})
    return pd.DataFrame(rows, columns=cols)


def _rho_value(rho: float | Mapping[str, float] | pd.DataFrame | None, indicator_id: object) -> float | None:
    """The ρ to use for one series: a number, or the indicator's entry of a mapping/frame (None: unknown)."""
    if rho is None:
        return None
    if isinstance(rho, pd.DataFrame):
        rho = dict(zip(rho["indicator_id"].astype(str), rho["rho"].astype(float)))
    if isinstance(rho, Mapping):
        rho = rho.get(str(indicator_id)) if indicator_id is not None and not pd.isna(indicator_id) else None
    if rho is None or not np.isfinite(float(rho)):
        return None
    return float(min(max(float(rho), 0.0), RHO_MAX))


def _ols_ar1(y: np.ndarray, X: np.ndarray, t: np.ndarray, rho: float) -> _Fit:
    """OLS estimate with the exact variance of the coefficients under AR(1) errors with correlation ``rho``.

    With V = ρ^|tᵢ − tⱼ| and M = I − X(XᵀX)⁻¹Xᵀ: Var(b) = σ²(XᵀX)⁻¹XᵀVX(XᵀX)⁻¹, σ² estimated unbiasedly by
    eᵀe / tr(MV) (the plain s² is biased down when the errors are positively correlated), and t quantiles with
    the Satterthwaite degrees of freedom tr(MV)² / tr(MVMV). The standard error is never below the plain OLS
    one. The point estimate is plain OLS (so a difference in differences stays mean gap after − before).
    """
    y, X, xtx_inv, beta, resid, df = _ols(y, X)
    t = np.asarray(t, dtype=float)
    n, k = X.shape
    if df < 1:
        return _Fit(beta, np.full(k, np.nan), df, resid, y)
    V = ar1_correlation(t, rho)
    MV = (np.eye(n) - X @ xtx_inv @ X.T) @ V
    tr_mv = float(np.trace(MV))
    ss = float(resid @ resid)
    se_ols = np.sqrt(np.maximum(np.diag(xtx_inv) * ss / df, 0.0))
    cov = xtx_inv @ X.T @ V @ X @ xtx_inv * ss / tr_mv
    se = np.maximum(np.sqrt(np.maximum(np.diag(cov), 0.0)), se_ols)
    df_t = min(float(df), tr_mv ** 2 / float(np.trace(MV @ MV)))
    return _Fit(beta, se, df, resid, y, df_t=df_t)


def ar1_inflation(t: np.ndarray, rho: float, X: np.ndarray | None = None, idx: int = 1) -> float:
    """Factor by which the variance of coefficient ``idx`` grows under AR(1) errors (σ² estimated from residuals).

    [(XᵀX)⁻¹XᵀVX(XᵀX)⁻¹]ᵢᵢ / [(XᵀX)⁻¹]ᵢᵢ × (n − k) / tr(MV): the first part is the true variance, the second the
    bias of the residual variance; used to widen the count models' (quasi-Poisson / NB) standard errors. ≥ 1.
    """
    t = np.asarray(t, dtype=float)
    X = _trend_design(t) if X is None else np.asarray(X, dtype=float)
    n, k = X.shape
    if n - k < 1 or rho <= 0:
        return 1.0
    xtx_inv = np.linalg.pinv(X.T @ X)
    V = ar1_correlation(t, rho)
    tr_mv = float(np.trace((np.eye(n) - X @ xtx_inv @ X.T) @ V))
    ratio = float((xtx_inv @ X.T @ V @ X @ xtx_inv)[idx, idx] / xtx_inv[idx, idx]) * (n - k) / tr_mv
    return max(ratio, 1.0)


def _fit(y: np.ndarray, X: np.ndarray, t: np.ndarray, rho: float | None, alpha: float) -> tuple[_Fit, str]:
    """AR(1) fit with the pooled ``rho`` when known, else max(Newey–West, OLS); and the method's words."""
    return (_ols_hac(y, X, alpha) if rho is None else _ols_ar1(y, X, t, rho)), _se_words(rho)


def _se_words(rho: float | None) -> str:
    """How the standard error was computed, for the ``method`` column (Dutch)."""
    if rho is None:
        return "se max(Newey-West, OLS), t"
    return f"se onder AR(1) met gepoolde ρ = {rho:.2f}, t".replace(".", ",")


def _count_model(y: np.ndarray, t: np.ndarray, exposure: np.ndarray | None, alpha: float,
                 rho: float | None = None) -> dict:
    X = sm.add_constant(t - t.mean())
    offset = np.log(exposure) if exposure is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pois = sm.GLM(y, X, family=sm.families.Poisson(), offset=offset).fit()
    df_resid = max(pois.df_resid, 1)
    dispersion = float(pois.pearson_chi2 / df_resid)
    method, res_b, res_se = "Poisson-GLM", float(pois.params[1]), float(pois.bse[1])
    if dispersion > 1:  # the scale is estimated from the series: quasi-Poisson standard error
        method, res_se = "quasi-Poisson GLM", res_se * np.sqrt(dispersion)
    if dispersion > OVERDISPERSION_THRESHOLD:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                nb = sm.NegativeBinomial(y, X, exposure=exposure).fit(disp=0, maxiter=200)
            if not nb.mle_retvals.get("converged", False) or not np.all(np.isfinite(nb.bse)):
                raise ValueError("niet geconvergeerd")
            # never narrower than quasi-Poisson on a short series
            method, res_b, res_se = ("negatief-binomiaal GLM", float(nb.params[1]), max(float(nb.bse[1]), res_se))
        except Exception:  # noqa: BLE001 - any failure keeps quasi-Poisson
            pass
    if rho is not None and dispersion > 1:  # the extra variation is autocorrelated: exact AR(1) inflation
        res_se = res_se * np.sqrt(ar1_inflation(t, rho))
        method += f", se onder AR(1) (ρ = {rho:.2f})".replace(".", ",")
    # t quantiles with n − 2 degrees of freedom: the scale (dispersion or NB α) is estimated from n points
    z = sps.t.ppf(1 - alpha / 2, df_resid)
    p = float(2 * sps.t.sf(abs(res_b / res_se), df_resid)) if res_se > 0 else np.nan
    return {"method": method + (" met offset log(noemer)" if exposure is not None else ""),
            "trend_per_year": (np.exp(res_b) - 1) * 100, "trend_ci_low": (np.exp(res_b - z * res_se) - 1) * 100,
            "trend_ci_high": (np.exp(res_b + z * res_se) - 1) * 100, "trend_unit": "% per jaar",
            "p_value": p, "dispersion": dispersion}


def trend(series_df: pd.DataFrame, kind: str, min_points: int = 4, period_type: str | None = None,
          alpha: float = 0.05, per: float | None = None,
          rho: float | Mapping[str, float] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Fit a trend to one indicator series of one region (see the module docstring for the methods).

    Args:
        series_df: rows of one indicator and one region: ``period`` and ``value`` (optionally
            ``period_type``, ``numerator``, ``denominator``, ``indicator_id``, ``gemeentecode``).
        kind: catalogue kind (share, rate, count, level).
        min_points: minimum number of values for a fitted trend.
        period_type: which period type to use; default the reported one (:func:`analyse.series.reported_period_types`).
        alpha: 1 − confidence level.
        per: multiplier of the value (100 for %); only used to name the unit of a share slope.
        rho: the indicator's pooled AR(1) ρ (:func:`autocorrelation`): a number, or a mapping / frame per
            indicator_id (looked up with the series' ``indicator_id``). ``None`` (or no entry): the
            independent-errors method, se max(Newey–West, OLS).

    Returns:
        One row: indicator_id, gemeentecode, period_type, method, n_points, first_period, last_period,
        first_value, last_value, change_abs, change_rel_pct, trend_per_year, trend_ci_low, trend_ci_high,
        trend_unit (``% per jaar``, ``procentpunt per jaar`` or ``eenheden per jaar``), p_value,
        dispersion (Pearson χ²/df of the Poisson fit), note.
    """
    df, ptype = _clean(series_df, period_type)
    n = len(df)
    rho = _rho_value(rho, _first(series_df, "indicator_id"))
    row: dict = {"indicator_id": _first(series_df, "indicator_id"), "gemeentecode": _first(series_df, "gemeentecode"),
                 "period_type": ptype, "method": NO_TREND, "n_points": n,
                 "first_period": df["period"].iloc[0] if n else pd.NA,
                 "last_period": df["period"].iloc[-1] if n else pd.NA,
                 "first_value": df["value"].iloc[0] if n else np.nan,
                 "last_value": df["value"].iloc[-1] if n else np.nan,
                 "trend_per_year": np.nan, "trend_ci_low": np.nan, "trend_ci_high": np.nan, "trend_unit": pd.NA,
                 "p_value": np.nan, "dispersion": np.nan, "note": ""}
    row["change_abs"] = row["last_value"] - row["first_value"] if n >= 2 else np.nan
    row["change_rel_pct"] = (row["change_abs"] / row["first_value"] * 100
                             if n >= 2 and row["first_value"] != 0 else np.nan)
    if n < max(min_points, 2):
        row["note"] = (f"{n} meetpunt(en), minimaal {max(min_points, 2)} nodig voor een trend; "
                       "alleen de verandering eerste → laatste meting.")
        return _trend_frame(row)
    t, y = df["t"].to_numpy(), df["value"].to_numpy()
    num, den = df["numerator"].to_numpy(), df["denominator"].to_numpy()
    has_nd = bool(np.all(np.isfinite(num)) and np.all(np.isfinite(den)) and np.all(den > 0) and np.all(num >= 0))
    counts = num if kind in ("rate", "count") and has_nd else y
    if kind in ("rate", "count") and (has_nd or kind == "count") and np.all(counts == 0):
        # the Poisson likelihood has no maximum when every count is 0 (statsmodels raises): no trend, no crash
        row.update(method=NO_TREND.replace("te weinig punten", "alle tellingen 0"),
                   note="Alle tellingen 0: geen trend te schatten.")
        return _trend_frame(row)
    if kind in ("rate", "count") and has_nd:
        row.update(_count_model(num, t, den, alpha, rho))
    elif kind == "count" and np.all(y >= 0):
        row.update(_count_model(y, t, None, alpha, rho))
    elif kind == "rate" and np.all(y > 0):
        res, how = _fit(np.log(y), _trend_design(t), t, rho, alpha)
        lo, hi, p = _ci(res, 1, alpha)
        b = float(res.params[1])
        row.update(method=f"OLS op log(waarde), {how}", trend_per_year=(np.exp(b) - 1) * 100,
                   trend_ci_low=(np.exp(lo) - 1) * 100, trend_ci_high=(np.exp(hi) - 1) * 100,
                   trend_unit="% per jaar", p_value=p)
    else:
        res, how = _fit(y, _trend_design(t), t, rho, alpha)
        lo, hi, p = _ci(res, 1, alpha)
        unit = "procentpunt per jaar" if (kind == "share" and (per in (None, 100))) else "eenheden per jaar"
        row.update(method=f"OLS, {how}", trend_per_year=float(res.params[1]), trend_ci_low=lo,
                   trend_ci_high=hi, trend_unit=unit, p_value=p)
        if kind == "rate":
            row["note"] = "Waarde 0 in de reeks: lineaire trend in plaats van % per jaar."
    if np.ptp(y) == 0:
        row["note"] = (row["note"] + " Alle waarden gelijk.").strip()
        if row["method"].startswith("OLS"):  # rounding noise gave slope 1e-16 with p = 0 ("significant")
            row.update(trend_per_year=0.0, trend_ci_low=0.0, trend_ci_high=0.0, p_value=1.0)
    return _trend_frame(row)


_TREND_COLUMNS = ["indicator_id", "gemeentecode", "period_type", "method", "n_points", "first_period",
                  "last_period", "first_value", "last_value", "change_abs", "change_rel_pct", "trend_per_year",
                  "trend_ci_low", "trend_ci_high", "trend_unit", "p_value", "dispersion", "note"]


def _trend_frame(row: dict) -> pd.DataFrame:
    return pd.DataFrame([{c: row.get(c, pd.NA) for c in _TREND_COLUMNS}])


def _series_groups(indicators: pd.DataFrame, cat: pd.DataFrame, codes: Sequence[str] | None,
                   indicator_ids: Sequence[str] | None):  # noqa: ANN202 – generator of tuples
    """(indicator_id, code, rows, kind, per) per series, restricted to ``codes`` and ``indicator_ids``."""
    ind = indicators
    if codes is not None:
        ind = ind[ind["gemeentecode"].isin(codes)]
    if indicator_ids is not None:
        ind = ind[ind["indicator_id"].isin(indicator_ids)]
    for (iid, code), grp in ind.groupby(["indicator_id", "gemeentecode"], sort=True, observed=True):
        kind = cat["kind"].get(iid, "level")
        per = cat["per"].get(iid, np.nan)
        yield iid, code, grp, "level" if pd.isna(kind) else str(kind), None if pd.isna(per) else float(per)


def trends_all(indicators: pd.DataFrame, catalogue: pd.DataFrame | Sequence[Mapping],
               codes: Sequence[str] | None = None, indicator_ids: Sequence[str] | None = None,
               min_points: int = 4, period_type: str | None = None,
               rho: Mapping[str, float] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Run :func:`trend` for many regions and indicators at once.

    Args:
        indicators: frame in the shape of ``indicators.parquet``.
        catalogue: catalogue (kind and per are looked up per indicator; unknown ids are ``level``).
        codes: region codes to include (default all).
        indicator_ids: indicators to include (default all).
        min_points: as in :func:`trend`.
        period_type: as in :func:`trend` (default chosen per series).
        rho: pooled AR(1) ρ per indicator (:func:`autocorrelation`); default independent errors.

    Returns:
        One row per (indicator_id, gemeentecode) with the columns of :func:`trend`.
    """
    cat = catalogue_frame(catalogue)
    frames = []
    for iid, code, grp, kind, per in _series_groups(indicators, cat, codes, indicator_ids):
        res = trend(grp, kind, min_points, period_type, per=per, rho=_rho_value(rho, iid))
        frames.append(res.assign(indicator_id=iid, gemeentecode=code))
    if not frames:
        return pd.DataFrame(columns=_TREND_COLUMNS)
    return pd.concat(frames, ignore_index=True)


def _post(t: np.ndarray, start_year: float) -> np.ndarray:
    return t >= float(start_year)


def did(gemeente_series: pd.DataFrame, reference_series: pd.DataFrame, start_year: int,
        alpha: float = 0.05, period_type: str | None = None,
        rho: float | Mapping[str, float] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Difference-in-differences: change of the gap gemeente − reference from before to after ``start_year``.

    A period is *after* when its time (see :func:`analyse.stats.period_time`) is ≥ ``start_year``; only
    periods present in both series count. Without points before or after, the output says so in
    ``message`` (estimate NaN) instead of raising.

    Args:
        gemeente_series: ``period``, ``value`` (optionally ``period_type``) of the gemeente.
        reference_series: the same for the reference (regio, NL or peer mean).
        start_year: first year of the policy.
        alpha: 1 − confidence level.
        period_type: period type to use (default the reported one of the gemeente series, see :mod:`analyse.series`).
        rho: pooled AR(1) ρ of the indicator (as in :func:`trend`); the gap series is taken to share it.

    Returns:
        One row: estimate, ci_low, ci_high, p_value, gap_before, gap_after, n_before, n_after, method,
        label (always ``indicatief``), message.
    """
    g, ptype = _clean(gemeente_series, period_type)
    r, _ = _clean(reference_series, ptype)
    rho = _rho_value(rho, _first(gemeente_series, "indicator_id"))
    m = g[["period", "t", "value"]].merge(r[["period", "value"]], on="period", suffixes=("_g", "_r"))
    gap = (m["value_g"] - m["value_r"]).to_numpy()
    post = _post(m["t"].to_numpy(), start_year)
    nb, na = int((~post).sum()), int(post.sum())
    row = {"estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p_value": np.nan,
           "gap_before": float(gap[~post].mean()) if nb else np.nan,
           "gap_after": float(gap[post].mean()) if na else np.nan, "n_before": nb, "n_after": na,
           "period_type": ptype,
           "method": "verschil-in-verschillen: OLS van (gemeente − referentie) op na-dummy, "
                     + _se_words(rho),
           "label": LABEL, "message": ""}
    if nb == 0 or na == 0:
        missing = "vóór" if nb == 0 else "vanaf"
        row["message"] = (f"Geen verschil-in-verschillen mogelijk: geen gezamenlijke meetpunten {missing} "
                          f"{start_year}.")
        return pd.DataFrame([row])
    res, _ = _fit(gap, sm.add_constant(post.astype(float), has_constant="add"), m["t"].to_numpy(), rho, alpha)
    row["estimate"] = float(res.params[1])
    row["ci_low"], row["ci_high"], row["p_value"] = _ci(res, 1, alpha)
    if res.df_resid < 1:
        row["message"] = "Te weinig meetpunten voor een betrouwbaarheidsinterval; alleen de puntschatting."
    return pd.DataFrame([row])


def its(series: pd.DataFrame, start_year: int, alpha: float = 0.05,
        period_type: str | None = None,
        rho: float | Mapping[str, float] | pd.DataFrame | None = None) -> pd.DataFrame:
    """Interrupted time series: level and slope change at ``start_year`` (segmented OLS with HAC errors).

    Model: y = b0 + b1(t − t0) + b2·post + b3·(t − t0)·post, t0 = ``start_year``, post = t ≥ t0. Needs at
    least two points before and two after; otherwise ``message`` explains and estimates are NaN.

    Args:
        series: ``period``, ``value`` (optionally ``period_type``) of one region and indicator.
        start_year: first year of the policy.
        alpha: 1 − confidence level.
        period_type: period type to use (default the reported one, see :mod:`analyse.series`).
        rho: pooled AR(1) ρ of the indicator (as in :func:`trend`).

    Returns:
        Four rows, term ∈ {niveau_bij_start (b0), trend_voor (b1), niveauverandering (b2),
        trendverandering (b3)}, with estimate, ci_low, ci_high, p_value, n_before, n_after, durbin_watson,
        method, label (always ``indicatief``), message.
    """
    df, ptype = _clean(series, period_type)
    rho = _rho_value(rho, _first(series, "indicator_id"))
    t = df["t"].to_numpy()
    post = _post(t, start_year)
    nb, na = int((~post).sum()), int(post.sum())
    terms = ["niveau_bij_start", "trend_voor", "niveauverandering", "trendverandering"]
    out = pd.DataFrame({"term": terms, "estimate": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                        "p_value": np.nan, "n_before": nb, "n_after": na, "durbin_watson": np.nan,
                        "period_type": ptype,
                        "method": "gesegmenteerde OLS, " + _se_words(rho),
                        "label": LABEL, "message": ""})
    if nb < 2 or na < 2:
        out["message"] = (f"Geen onderbroken tijdreeks mogelijk: {nb} meetpunt(en) vóór en {na} vanaf "
                          f"{start_year}; minimaal 2 en 2 nodig.")
        return out
    dt = t - float(start_year)
    X = np.column_stack([np.ones_like(t), dt, post.astype(float), dt * post])
    res, _ = _fit(df["value"].to_numpy(), X, t, rho, alpha)
    out["estimate"] = np.asarray(res.params, dtype=float)
    cis = [_ci(res, i, alpha) for i in range(4)]
    out["ci_low"] = [c[0] for c in cis]
    out["ci_high"] = [c[1] for c in cis]
    out["p_value"] = [c[2] for c in cis]
    if res.df_resid >= 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            out["durbin_watson"] = float(durbin_watson(res.resid))
    else:
        out["message"] = "Geen vrijheidsgraden over: alleen puntschattingen, geen betrouwbaarheidsinterval."
    return out




# --------------------------------------------------------------------------------------------------------
# Recent trend (Fingertips / PHEindicatormethods ``assign_trend_markers``)
# --------------------------------------------------------------------------------------------------------
RECENT_TREND_CRITICAL = float(sps.chi2.ppf(0.998, 1))
"""χ² (1 df) threshold of the recent trend: 9.5495 (99.8%)."""
RECENT_POINTS = 5
_Z95 = float(sps.norm.ppf(0.975))


def chi2_trend_share(count: np.ndarray, denominator: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """χ² test for trend in proportions and the gradient (OLS slope of logit(p) on t).

    X² = D·(D·Σct − Σc·Σdt)² / (Σc·(D − Σc)·(D·Σdt² − (Σdt)²)), D = Σd.

    Returns:
        (X², gradient); NaN when undefined (all or no events, one time point).
    """
    c, d, t = (np.asarray(a, dtype=float) for a in (count, denominator, t))
    D, C = d.sum(), c.sum()
    den = C * (D - C) * (D * (d * t * t).sum() - (d * t).sum() ** 2)
    x2 = D * (D * (c * t).sum() - C * (d * t).sum()) ** 2 / den if den > 0 else np.nan
    p = c / d
    with np.errstate(divide="ignore", invalid="ignore"):
        lg = np.log(p / (1 - p))
    grad = float(np.polyfit(t, lg, 1)[0]) if np.all(np.isfinite(lg)) and np.ptp(t) > 0 else np.nan
    return float(x2), grad


def wls_trend(value: np.ndarray, low: np.ndarray, high: np.ndarray, t: np.ndarray) -> tuple[float, float]:
    """Weighted least squares of value on t, weights 1/σ² with σ = (high − low)/(2·1.959964) (95% interval).

    Returns:
        (X² = β²/Var(β) with the variance known from the intervals, gradient β); NaN when undefined.
    """
    y, lo, hi, t = (np.asarray(a, dtype=float) for a in (value, low, high, t))
    sigma = (hi - lo) / (2 * _Z95)
    if np.any(~(sigma > 0)):
        return np.nan, np.nan
    w = 1 / sigma ** 2
    tw = (w * t).sum() / w.sum()
    yw = (w * y).sum() / w.sum()
    sxx = (w * (t - tw) ** 2).sum()
    if not sxx > 0:
        return np.nan, np.nan
    b = float((w * (t - tw) * (y - yw)).sum() / sxx)
    return b * b * sxx, b


_TREND_WORDS = {1: "stijgend", -1: "dalend"}


def recent_trend(series_df: pd.DataFrame, kind: str, polarity: str | None = None, phi: float = 1.0,
                 n_latest: int = RECENT_POINTS, critical: float = RECENT_TREND_CRITICAL,
                 per: float | None = None) -> pd.DataFrame:
    """Recent trend marker of one yearly series (Fingertips method, Dutch labels).

    * Uses the ``n_latest`` (5) most recent yearly periods (``period_type`` ``jaar``; gaps allowed and, as in
      PHEindicatormethods, time is the rank 1…5 of the year, so a gap counts as one step);
      fewer → ``niet te berekenen`` (te weinig meetpunten); a missing value, count or interval among them →
      ``niet te berekenen``; two rows for one year → ``niet te berekenen``.
    * Shares with counts: χ² test for trend (:func:`chi2_trend_share`); other kinds: weighted least squares
      (:func:`wls_trend`) with σ from the 95% interval (``ci_low``/``ci_high`` when present, else exact
      Poisson for rates and counts with a denominator, Wilson for shares without … counts: no trend).
    * Significant when X² / φ > ``critical`` (9.5495 = 99.8%, 1 df). φ = 1 reproduces Fingertips; with the
      indicator's φ from :func:`analyse.compare.estimate_dispersion` ordinary year-to-year variation is
      not called a trend (our addition).
    * When significant but dropping any single point flips the sign of the gradient: ``geen significante
      verandering`` with reason ``uitschieter``.

    Args:
        series_df: rows of one indicator and one region (period, value; numerator, denominator,
            ci_low, ci_high, period_type optional).
        kind: catalogue kind.
        polarity: ``hoger_beter`` / ``lager_beter`` give ``verbetert`` / ``verslechtert``.
        phi: overdispersion factor (≥ 1 is used; default 1 = Fingertips).
        n_latest: number of latest points used.
        critical: χ² threshold.
        per: multiplier of the value (for intervals computed here).

    Returns:
        One row: indicator_id, gemeentecode, recent_trend (stijgend | dalend | geen significante
        verandering | niet te berekenen), recent_trend_reason (Dutch), recent_trend_oordeel (verbetert |
        verslechtert | ""), recent_trend_label (plain Dutch sentence fragment, e.g. "dalend en
        verbeterend (2019–2023)"), statistic (X²/φ), gradient, method, first_period, last_period, n_points.
    """
    row: dict = {"indicator_id": _first(series_df, "indicator_id"), "gemeentecode": _first(series_df, "gemeentecode"),
                 "recent_trend": "niet te berekenen", "recent_trend_reason": "", "recent_trend_oordeel": "",
                 "recent_trend_label": "", "statistic": np.nan, "gradient": np.nan, "method": "",
                 "first_period": pd.NA, "last_period": pd.NA, "n_points": 0}

    def done(reason: str) -> pd.DataFrame:
        row["recent_trend_reason"] = reason
        row["recent_trend_label"] = _recent_label(row)
        return pd.DataFrame([row])

    df = series_df
    ptype = df["period_type"] if "period_type" in df.columns else period_type_of(df["period"])
    df = df[np.asarray(ptype == "jaar", dtype=bool)]
    if df.empty:
        return done("geen jaarcijfers")
    years = pd.to_numeric(df["period"].astype(str), errors="coerce")
    df = df.assign(_t=years.to_numpy(float)).sort_values("_t")
    latest = np.sort(df["_t"].unique())[-n_latest:]
    df = df[df["_t"].isin(latest)]
    row["n_points"] = int(len(latest))
    row["first_period"], row["last_period"] = str(int(latest[0])), str(int(latest[-1]))
    if df["_t"].duplicated().any():
        return done("dubbele jaren in de reeks")
    if len(latest) < n_latest:
        return done(f"te weinig meetpunten ({len(latest)}, minimaal {n_latest})")
    t = np.arange(1.0, len(df) + 1.0)  # like Fingertips: the rank of the year, a gap counts as one step
    y = pd.to_numeric(df["value"], errors="coerce").to_numpy(float)
    num = (pd.to_numeric(df["numerator"], errors="coerce").to_numpy(float) if "numerator" in df.columns
           else np.full(len(df), np.nan))
    den = (pd.to_numeric(df["denominator"], errors="coerce").to_numpy(float) if "denominator" in df.columns
           else np.full(len(df), np.nan))
    if np.any(~np.isfinite(y)):
        return done("ontbrekende waarden")
    if kind == "share" and np.all(np.isfinite(num)) and np.all(np.isfinite(den)) and np.all(den > 0):
        row["method"] = "chi-kwadraattoets voor trend (aandelen)"

        def fit(mask: np.ndarray) -> tuple[float, float]:
            return chi2_trend_share(num[mask], den[mask], t[mask])
    else:
        lo = (pd.to_numeric(df["ci_low"], errors="coerce").to_numpy(float) if "ci_low" in df.columns
              else np.full(len(df), np.nan))
        hi = (pd.to_numeric(df["ci_high"], errors="coerce").to_numpy(float) if "ci_high" in df.columns
              else np.full(len(df), np.nan))
        if np.any(~np.isfinite(lo) | ~np.isfinite(hi)):
            from analyse.stats import poisson_rate_interval, wilson_interval  # noqa: PLC0415

            have = np.all(np.isfinite(num)) and np.all(np.isfinite(den)) and np.all(den > 0)
            if kind in ("rate", "count") and have:
                mult = per if per is not None else float(np.nanmedian(y / (num / den)))
                ci = poisson_rate_interval(num, den, mult)
                lo, hi = ci["ci_low"].to_numpy(), ci["ci_high"].to_numpy()
            elif kind == "count" and np.all(y >= 0):
                ci = poisson_rate_interval(y, np.ones(len(y)), 1.0)
                lo, hi = ci["ci_low"].to_numpy(), ci["ci_high"].to_numpy()
            elif kind == "share" and have:
                mult = per if per is not None else 100.0
                ci = wilson_interval(num, den)
                lo, hi = ci["ci_low"].to_numpy() * mult, ci["ci_high"].to_numpy() * mult
            else:
                return done("geen onzekerheidsmarge bekend" if kind != "share" else "ontbrekende tellers of noemers")
        if np.any(~np.isfinite(lo) | ~np.isfinite(hi)):
            return done("ontbrekende betrouwbaarheidsintervallen")
        row["method"] = "gewogen kleinste kwadraten"

        def fit(mask: np.ndarray) -> tuple[float, float]:
            return wls_trend(y[mask], lo[mask], hi[mask], t[mask])

    full = np.ones(len(t), dtype=bool)
    x2, grad = fit(full)
    if not np.isfinite(x2) or not np.isfinite(grad):
        row["statistic"], row["gradient"] = x2, grad
        return done("niet te schatten (geen spreiding of alle waarden gelijk)")
    x2 = x2 / max(float(phi) if np.isfinite(phi) else 1.0, 1.0)
    row["statistic"], row["gradient"] = x2, grad
    if x2 <= critical:
        row["recent_trend"] = "geen significante verandering"
        return done("geen significante trend")
    flips = False
    for i in range(len(t)):
        mask = full.copy()
        mask[i] = False
        _, g = fit(mask)
        if np.isfinite(g) and np.sign(g) != np.sign(grad):
            flips = True
            break
    if flips:
        row["recent_trend"] = "geen significante verandering"
        return done("uitschieter: zonder één meetpunt keert de richting om")
    direction = int(np.sign(grad))
    row["recent_trend"] = _TREND_WORDS.get(direction, "geen significante verandering")
    if polarity in ("hoger_beter", "lager_beter") and direction != 0:
        better = (direction > 0) == (polarity == "hoger_beter")
        row["recent_trend_oordeel"] = "verbetert" if better else "verslechtert"
    return done("significante trend zonder uitschieters")


def _recent_label(row: dict) -> str:
    span = (f" ({row['first_period']}–{row['last_period']})" if pd.notna(row["first_period"])
            and row["recent_trend"] != "niet te berekenen" else "")
    if row["recent_trend"] == "niet te berekenen":
        return f"trend niet te berekenen: {row['recent_trend_reason']}" if row["recent_trend_reason"] else \
            "trend niet te berekenen"
    if row["recent_trend"] == "geen significante verandering":
        extra = " (uitschieter)" if row["recent_trend_reason"].startswith("uitschieter") else ""
        return f"geen duidelijke verandering{extra}{span}"
    oordeel = {"verbetert": " en verbeterend",
               "verslechtert": " en verslechterend"}.get(row["recent_trend_oordeel"], "")
    return f"{row['recent_trend']}{oordeel}{span}"


def recent_trends_all(indicators: pd.DataFrame, catalogue: pd.DataFrame | Sequence[Mapping],
                      codes: Sequence[str] | None = None, indicator_ids: Sequence[str] | None = None,
                      dispersion: pd.DataFrame | Mapping[str, float] | None = None) -> pd.DataFrame:
    """:func:`recent_trend` for many regions and indicators (one preferred row per period expected).

    Args:
        indicators: indicator frame (optionally with published ``ci_low``/``ci_high``).
        catalogue: catalogue (kind, per, polarity).
        codes: region codes (default all).
        indicator_ids: indicators (default all).
        dispersion: φ per indicator (frame of ``compare.estimate_dispersion`` or mapping); default 1.

    Returns:
        One row per (indicator_id, gemeentecode) with the columns of :func:`recent_trend`.
    """
    cat = catalogue_frame(catalogue)
    if isinstance(dispersion, pd.DataFrame):
        phis = dispersion.set_index("indicator_id")["phi"].astype(float).to_dict()
    else:
        phis = dict(dispersion or {})
    frames = []
    for iid, code, grp, kind, per in _series_groups(indicators, cat, codes, indicator_ids):
        res = recent_trend(grp, kind, str(cat["polarity"].get(iid, "neutraal")), phis.get(iid, 1.0), per=per)
        frames.append(res.assign(indicator_id=iid, gemeentecode=code))
    if not frames:
        return pd.DataFrame(columns=["indicator_id", "gemeentecode", "recent_trend"])
    return pd.concat(frames, ignore_index=True)
