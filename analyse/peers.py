"""Peer groups ("vergelijkbare gemeenten"): nearest neighbours on covariates, or the CBS size class.

Standardisation: every covariate is turned into a z-score, (x − mean) / standard deviation (ddof = 1),
over all candidate gemeenten that have *all* requested covariates (the focal gemeente included). A
gemeente with a missing covariate is excluded and named in ``frame.attrs["notes"]``; nothing is imputed.
Distances:

* ``euclidean``: sqrt(Σ_j w_j (z_ij − z_0j)²), weights default 1;
* ``mahalanobis``: sqrt(dᵀ S⁻¹ d) with d = sqrt(w) ∘ (z_i − z_0) and S the covariance matrix of the
  *unweighted* z-scores (their correlation matrix; pseudo-inverse, so collinear covariates do not break it).
  Building S from the weighted scores would cancel the weights exactly (S_w = W^½ S W^½, so
  dᵀ S_w⁻¹ d = (z_i − z_0)ᵀ S⁻¹ (z_i − z_0)); with the unweighted S a weight w_j stretches covariate j.

Population size enters as ``log_inwoners`` (log10) in :func:`build_covariates`, because the raw number is
very skewed (Amsterdam would dominate any Euclidean distance); urbanity as ``log_omgevingsadressendichtheid``
(log10 of the CBS omgevingsadressendichtheid, the measure behind the stedelijkheid classes) for the same reason.

Default: **Euclidean** distance with size and urbanity weighted double (:data:`DEFAULT_WEIGHTS`). Mahalanobis
was tried and not chosen: it divides out the correlation between size, urbanity and the social covariates, so a
gemeente that differs from the focal one *along* that common direction (a smaller, less urban place with the same
age mix) counts as close; on the 2024 data it gave Hendrik-Ido-Ambacht two weakly or non-urban peers and Utrecht
Helmond (96.000 inwoners). With the Euclidean default Utrecht's ten peers are cities of 130.000 or more, all
(zeer) sterk stedelijk, and Hendrik-Ido-Ambacht's peers are all at least matig stedelijk (tests on the real data).

Covariates come from the harmonised indicator table (the report's indeling), each at its latest yearly period per
gemeente (recorded in ``attrs["periods"]``), and only from indicators that can be re-aggregated for merged
gemeenten (counts or Σteller/Σnoemer), so every current gemeente, merged ones such as Amsterdam (GM0363, with
Weesp) and Purmerend (GM0439, with Beemster) included, is in the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd

from analyse.errors import AnalyseError, UnknownGemeenteError

__all__ = ["select_peers", "size_class_peers", "build_covariates", "DEFAULT_COVARIATE_IDS",
           "DEFAULT_COVARIATES", "DEFAULT_WEIGHTS"]

DEFAULT_COVARIATE_IDS: dict[str, str] = {
    "inwoners": "inwoners",
    "omgevingsadressendichtheid": "omgevingsadressendichtheid",
    "aandeel_0_14": "aandeel_0_14_pct",
    "aandeel_65plus": "aandeel_65plus_pct",
    "huishoudens_sociaal_minimum_pct": "huishoudens_sociaal_minimum_pct",
    "bijstand_per_1000": "bijstand_tot_aow_per_1000",
}
"""Covariate name → indicator_id in ``indicators.parquet`` (override when the catalogue uses other ids)."""

DEFAULT_COVARIATES: list[str] = ["log_inwoners", "log_omgevingsadressendichtheid", "aandeel_0_14", "aandeel_65plus",
                                 "huishoudens_sociaal_minimum_pct", "bijstand_per_1000"]
"""Covariates :func:`select_peers` uses when none are given (those present in the frame)."""

DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType({"log_inwoners": 2.0, "log_omgevingsadressendichtheid": 2.0})
"""Weights :func:`select_peers` uses when none are given (other covariates 1): size and urbanity count double,
because the demand for jeugdzorg, Wmo and bijstand differs most between city and countryside and between large
and small gemeenten; with equal weights the four population-mix covariates outvote them (Utrecht got Schiedam,
Hendrik-Ido-Ambacht rural Hardinxveld-Giessendam)."""


def _indexed(covariates_df: pd.DataFrame) -> pd.DataFrame:
    df = covariates_df
    if "gemeentecode" in df.columns:
        if df["gemeentecode"].duplicated().any():
            dup = sorted(df.loc[df["gemeentecode"].duplicated(), "gemeentecode"].astype(str).unique())
            raise AnalyseError(f"Covariaten: gemeentecode komt meer dan eens voor: {dup[:5]}.")
        df = df.set_index("gemeentecode")
    return df.set_axis(df.index.astype(str), axis=0)


def select_peers(
    covariates_df: pd.DataFrame,
    gemeentecode: str,
    k: int = 10,
    covariates: Sequence[str] | None = None,
    method: str = "euclidean",
    weights: Mapping[str, float] | Sequence[float] | None = DEFAULT_WEIGHTS,
) -> pd.DataFrame:
    """Select the ``k`` gemeenten nearest to ``gemeentecode`` on standardised covariates.

    Args:
        covariates_df: one row per gemeente (column or index ``gemeentecode``), numeric covariate columns.
            The caller decides which rows are candidates (e.g. only ``GM`` codes of one indelingsjaar).
        gemeentecode: the focal gemeente; never its own peer.
        k: number of peers.
        covariates: columns to use (default: those of :data:`DEFAULT_COVARIATES` present in the frame).
        method: ``"euclidean"`` (default, see the module docstring for why) or ``"mahalanobis"``.
        weights: per covariate (mapping name → weight, missing names 1, or a sequence in the order of
            ``covariates``); default :data:`DEFAULT_WEIGHTS`; ``None`` = all 1.

    Returns:
        Frame with rank (1 = nearest), gemeentecode, distance and ``z_<covariate>`` for each covariate,
        sorted by distance (ties by code). ``attrs["notes"]`` lists excluded gemeenten (Dutch),
        ``attrs["excluded"]`` their codes, ``attrs["focal_z"]`` the focal gemeente's z-scores.

    Raises:
        UnknownGemeenteError: the focal gemeente is not in the frame.
        AnalyseError: unknown method/covariates, missing focal covariates, a constant covariate, or fewer
            than ``k`` candidates.
    """
    if method not in ("euclidean", "mahalanobis"):
        raise AnalyseError(f"select_peers: methode moet 'euclidean' of 'mahalanobis' zijn, niet {method!r}.")
    df = _indexed(covariates_df)
    if covariates is None:
        covariates = [c for c in DEFAULT_COVARIATES if c in df.columns]
    covariates = list(covariates)
    if not covariates:
        raise AnalyseError("select_peers: geen covariaten opgegeven of gevonden.")
    unknown = [c for c in covariates if c not in df.columns]
    if unknown:
        raise AnalyseError(f"select_peers: covariaten niet in de tabel: {unknown}.")
    if gemeentecode not in df.index:
        raise UnknownGemeenteError(f"select_peers: gemeente {gemeentecode} staat niet in de covariatentabel.")
    if k < 1:
        raise AnalyseError(f"select_peers: k moet minstens 1 zijn, niet {k}.")
    X = df[covariates].apply(pd.to_numeric, errors="coerce").astype(float)
    incomplete = X.isna().any(axis=1)
    if incomplete[gemeentecode]:
        miss = [c for c in covariates if pd.isna(X.at[gemeentecode, c])]
        raise AnalyseError(f"select_peers: gemeente {gemeentecode} mist covariaten {miss}; geen peers te kiezen.")
    excluded = sorted(X.index[incomplete])
    notes = [f"{code} uitgesloten: ontbrekende {', '.join(c for c in covariates if pd.isna(X.at[code, c]))}."
             for code in excluded]
    X = X[~incomplete]
    if len(X) - 1 < k:
        raise AnalyseError(f"select_peers: slechts {len(X) - 1} kandidaten met volledige covariaten, {k} gevraagd.")
    sd = X.std(ddof=1)
    constant = [c for c in covariates if not (sd[c] > 0)]
    if constant:
        raise AnalyseError(f"select_peers: covariaat zonder spreiding (kan niet standaardiseren): {constant}.")
    Z = (X - X.mean()) / sd
    if weights is None:
        w = np.ones(len(covariates))
    elif isinstance(weights, Mapping):
        w = np.array([float(weights.get(c, 1.0)) for c in covariates])
    else:
        w = np.asarray(list(weights), dtype=float)
        if len(w) != len(covariates):
            raise AnalyseError("select_peers: aantal gewichten past niet bij het aantal covariaten.")
    if np.any(w < 0):
        raise AnalyseError("select_peers: gewichten moeten niet-negatief zijn.")
    z0 = Z.loc[gemeentecode].to_numpy()
    cand = Z.drop(index=gemeentecode)
    d = (cand.to_numpy() - z0) * np.sqrt(w)
    if method == "euclidean":
        dist = np.sqrt((d ** 2).sum(axis=1))
    else:
        S = np.atleast_2d(np.cov(Z.to_numpy().T, ddof=1))  # unweighted: weighted scores cancel the weights
        dist = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", d, np.linalg.pinv(S), d), 0.0))
    out = pd.DataFrame({"gemeentecode": cand.index, "distance": dist})
    for c in covariates:
        out[f"z_{c}"] = cand[c].to_numpy()
    out = out.sort_values(["distance", "gemeentecode"], kind="stable").head(k).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs["notes"] = notes
    out.attrs["excluded"] = excluded
    out.attrs["focal_z"] = dict(zip(covariates, z0.tolist()))
    out.attrs["method"] = method
    return out


def size_class_peers(registry_frame: pd.DataFrame, gemeentecode: str, indelingsjaar: int) -> pd.DataFrame:
    """All other gemeenten of the same CBS grootteklasse in an indelingsjaar.

    Args:
        registry_frame: frame in the shape of ``gemeenten.parquet``.
        gemeentecode: focal gemeente.
        indelingsjaar: indeling to use.

    Returns:
        gemeentecode, gemeentenaam, grootteklasse, inwoners of the peers (focal excluded), sorted by code.

    Raises:
        UnknownGemeenteError: the gemeente is not in the registry for that year.
        AnalyseError: the gemeente's grootteklasse is unknown.
    """
    reg = registry_frame[registry_frame["indelingsjaar"] == indelingsjaar]
    focal = reg[reg["gemeentecode"] == gemeentecode]
    if focal.empty:
        raise UnknownGemeenteError(f"Gemeente {gemeentecode} bestaat niet in indelingsjaar {indelingsjaar}.")
    klasse = focal["grootteklasse"].iloc[0]
    if pd.isna(klasse):
        raise AnalyseError(f"Grootteklasse van {gemeentecode} in {indelingsjaar} is onbekend (inwoners ontbreken).")
    cols = [c for c in ("gemeentecode", "gemeentenaam", "grootteklasse", "inwoners") if c in reg.columns]
    out = reg[(reg["grootteklasse"] == klasse) & (reg["gemeentecode"] != gemeentecode)][cols]
    return out.sort_values("gemeentecode").reset_index(drop=True)


def build_covariates(
    indicators: pd.DataFrame,
    registry: pd.DataFrame | None = None,
    period: str | None = None,
    indicator_ids: Mapping[str, str] | None = None,
    indelingsjaar: int | None = None,
) -> pd.DataFrame:
    """Build a covariates frame (one row per gemeente) from an ``indicators.parquet``-shaped frame.

    For each covariate the value at ``period`` is used; with ``period=None`` the latest *yearly* period (a year
    or a 31 December peildatum) with a value per indicator and gemeente (noted in ``attrs["periods"]``). Only
    ``GM`` codes are kept (and, with a registry, only gemeenten of ``indelingsjaar``, default its latest
    year). Missing values stay NaN: :func:`select_peers` excludes such gemeenten with a note.
    ``log_inwoners`` = log10(inwoners) is added; inwoners fall back to the registry where the indicator is
    missing. ``stedelijkheid`` is copied from the registry when it has such a column.

    Args:
        indicators: indicators frame.
        registry: optional ``gemeenten.parquet``-shaped frame.
        period: period to use, e.g. ``"2023"``.
        indicator_ids: covariate name → indicator_id (default :data:`DEFAULT_COVARIATE_IDS`).
        indelingsjaar: indeling for the registry filter.

    Returns:
        Frame with gemeentecode and one column per covariate (plus log_inwoners, stedelijkheid if known).
    """
    ids = dict(indicator_ids or DEFAULT_COVARIATE_IDS)
    inv = {v: k for k, v in ids.items()}
    ind = indicators[indicators["indicator_id"].isin(list(ids.values()))
                     & indicators["gemeentecode"].astype(str).str.startswith("GM")]
    if period is not None:
        ind = ind[ind["period"].astype(str) == str(period)]
    else:
        yearly = ind["period"].astype(str).str.fullmatch(r"\d{4}(-12-31)?")
        ind = ind[yearly & ind["value"].notna()].sort_values("period").drop_duplicates(
            ["indicator_id", "gemeentecode"], keep="last")
    used = ind.groupby("indicator_id")["period"].agg(lambda s: sorted(set(s.astype(str)))).to_dict()
    wide = (ind.assign(covariate=ind["indicator_id"].map(inv))
            .pivot_table(index="gemeentecode", columns="covariate", values="value", aggfunc="first",
                         dropna=False))
    wide = wide.reindex(columns=list(ids)).astype(float)
    if registry is not None:
        year = indelingsjaar if indelingsjaar is not None else int(registry["indelingsjaar"].max())
        reg = registry[registry["indelingsjaar"] == year].set_index("gemeentecode")
        wide = wide.reindex(reg.index.astype(str))
        if "inwoners" in reg.columns and "inwoners" in wide.columns:
            wide["inwoners"] = wide["inwoners"].fillna(pd.to_numeric(reg["inwoners"], errors="coerce"))
        if "stedelijkheid" in reg.columns:
            wide["stedelijkheid"] = pd.to_numeric(reg["stedelijkheid"], errors="coerce")
    if "inwoners" in wide.columns:
        wide["log_inwoners"] = np.log10(wide["inwoners"].where(wide["inwoners"] > 0))
    if "omgevingsadressendichtheid" in wide.columns:
        oad = wide["omgevingsadressendichtheid"]
        wide["log_omgevingsadressendichtheid"] = np.log10(oad.where(oad > 0))
    out = wide.rename_axis("gemeentecode").reset_index()
    out.columns.name = None
    out.attrs["periods"] = used
    return out
