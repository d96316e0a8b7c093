"""Cost development in the sociaal domein: Iv3 clusters, per inwoner, deflation, indices and seed budgets.

Pure functions on tidy frames (see ``docs/contracts.md``): a frame goes in, a new frame comes out, the input
is never changed. Missing is never zero: a gemeente-year that did not deliver Iv3 figures is absent, a
missing population gives NaN with a note in ``opmerking``, a CPI year outside the published series gives
NaN with a note in ``deflatie_opmerking`` (never extrapolated), and a missing realisation is reported
differently from a realisation of € 0.

Main entry points:

- :func:`cluster_lasten` – Iv3 lasten per taakveld → per cluster (jeugd, wmo, participatie, …).
- :func:`per_inwoner`, :func:`per_doelgroep` – lasten per inwoner / per inwoner of the target population.
- :func:`deflate` – nominal → real euros of a base year with ``cpi.parquet``.
- :func:`index_to_base` – index (base = 100), growth per year, CAGR and share of total lasten.
- :func:`compare_costs` – gemeente vs peer median/IQR vs Nederland (Σlasten / Σinwoners).
- :func:`constant_prices` – :func:`deflate` to the latest CPI year, with the price year named.
- :func:`decentralisation_break` – marks the 2015 decentralisation in a spending series.
- :func:`cost_breaks` – automatic break flags: scope change (2015), a cluster that jumps more than a set share in
  one year, a taakveld scheme change (2023, 2025).
- :func:`reconcile_plan_iv3` – the plan's own spending totals beside Iv3 with a reconciliation note.
- :func:`reconcile_growth` – a growth figure of the plan ('+4% 2020-2024') beside the Iv3 growth, with the
  cluster that drives the Iv3 change.
- :func:`begroting_jaarrekening` – deviation of jaarrekening from begroting per cluster per year.

The plan's own budget lines and savings are in :mod:`analyse.plans.money` (from the plan YAML).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from analyse.data import cpi as cpi_mod
from analyse.data.iv3 import cluster_lasten  # noqa: F401  (builds the processed lasten_clusters: data layer)
from analyse.errors import AnalyseError
from analyse.formatting import fmt_eur, fmt_number, fmt_pct

CLUSTERS: tuple[str, ...] = (
    "jeugd",
    "wmo",
    "participatie",
    "basisvoorzieningen",
    "sociaal_domein_totaal",
    "totaal",
)
"""Report clusters of ``analyse/data/taakvelden.yml`` (which also defines pgb_wmo_jeugd and wmo_jeugd)."""

CLUSTER_LABELS: dict[str, str] = {
    "jeugd": "Jeugd",
    "wmo": "Wmo",
    "pgb_wmo_jeugd": "Pgb's Wmo en jeugd",
    "wmo_jeugd": "Wmo en jeugd samen",
    "participatie": "Participatie",
    "basisvoorzieningen": "Sociale basisvoorzieningen",
    "sociaal_domein_totaal": "Sociaal domein totaal",
    "totaal": "Totaal lasten",
}
"""Dutch display labels for the clusters."""

DOELGROEPEN: dict[str, str] = {
    "jeugd": "inwoners 0-17 jaar",
    "wmo": "inwoners 18 jaar en ouder",
    "participatie": "inwoners 15-74 jaar",
}
"""Usual target population per cluster (for notes; the caller passes the population frame)."""

BREAK_NOTE = (
    "Trendbreuk 2015: decentralisatie van jeugdzorg, Wmo-begeleiding en Participatiewet naar gemeenten; "
    "bedragen voor en na 2015 zijn niet vergelijkbaar."
)

LASTEN_COLUMNS = ("gemeentecode", "jaar", "soort", "taakveld", "lasten_eur")


# --------------------------------------------------------------------------------------------- helpers
def require_columns(df: pd.DataFrame, columns: Iterable[str], where: str) -> None:
    """Raise :class:`AnalyseError` naming every column of ``columns`` that ``df`` lacks.

    Args:
        df: frame to check.
        columns: required column names.
        where: name of the calling function or table, used in the message.
    """
    if not isinstance(df, pd.DataFrame):
        raise AnalyseError(f"{where}: verwacht een DataFrame, kreeg {type(df).__name__}")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise AnalyseError(
            f"{where}: kolom(men) ontbreken: {', '.join(missing)} (aanwezig: {', '.join(map(str, df.columns))})"
        )


def _join_notes(*notes: object) -> str | None:
    parts = [str(n) for n in notes if isinstance(n, str) and n]
    return "; ".join(parts) if parts else None


def _safe_ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    """num / den with NaN where den is NaN or 0 (never inf)."""
    num = pd.to_numeric(num, errors="coerce").astype("float64")
    den = pd.to_numeric(den, errors="coerce").astype("float64")
    out = num / den.where(den != 0)
    return out.astype("float64")


# --------------------------------------------------------------------------------------- cluster map
# ------------------------------------------------------------------------------- per inwoner / doelgroep
def per_inwoner(
    df: pd.DataFrame,
    value_col: str = "lasten_eur",
    population: pd.DataFrame | None = None,
    pop_col: str = "inwoners",
    keys: Sequence[str] = ("gemeentecode", "jaar"),
    out_col: str | None = None,
) -> pd.DataFrame:
    """Divide ``value_col`` by the number of inwoners.

    Args:
        df: frame with ``value_col`` (and ``pop_col`` unless ``population`` is given).
        value_col: amount column.
        population: optional frame with ``keys`` + ``pop_col``; replaces a ``pop_col`` already in df.
        pop_col: population column.
        keys: join keys for ``population``.
        out_col: result column, default ``<value_col>_per_inwoner`` (``lasten_per_inwoner`` for lasten_eur).

    Returns:
        New frame with the result column and ``opmerking``; NaN + note where the population is missing
        or 0 (never a division by 0).
    """
    require_columns(df, [value_col], "per_inwoner")
    out = df.copy()
    if population is not None:
        require_columns(population, [*keys, pop_col], "per_inwoner(population)")
        pop = population[[*keys, pop_col]].drop_duplicates(list(keys))
        out = out.drop(columns=[pop_col], errors="ignore").merge(pop, on=list(keys), how="left")
    require_columns(out, [pop_col], "per_inwoner")
    name = out_col or ("lasten_per_inwoner" if value_col == "lasten_eur" else f"{value_col}_per_inwoner")
    return _divide_with_note(out, value_col, pop_col, name, "inwoners")


def _divide_with_note(out: pd.DataFrame, value_col: str, pop_col: str, name: str, what: str) -> pd.DataFrame:
    pop = pd.to_numeric(out[pop_col], errors="coerce").astype("float64")
    out[name] = _safe_ratio(out[value_col], pop)
    note = pd.Series(pd.NA, index=out.index, dtype="object")
    note[pop.isna()] = f"{what} onbekend; per-inwonerbedrag niet berekend"
    note[pop == 0] = f"{what} 0; per-inwonerbedrag niet berekend"
    prev = out["opmerking"] if "opmerking" in out.columns else pd.Series(pd.NA, index=out.index, dtype="object")
    out["opmerking"] = [_join_notes(a, b) for a, b in zip(prev, note, strict=True)]
    return out


def per_doelgroep(
    df: pd.DataFrame,
    population: pd.DataFrame,
    indicator_id: str | None = None,
    value_col: str = "lasten_eur",
    cluster: str | None = None,
    out_col: str = "lasten_per_doelgroep",
) -> pd.DataFrame:
    """Divide lasten by the size of the target population (e.g. jeugd per inwoner 0-17).

    Args:
        df: cluster frame (gemeentecode, jaar, ``value_col``; optional ``cluster``).
        population: either an ``indicators.parquet``-shaped frame (indicator_id, gemeentecode, period,
            value; yearly periods are used) filtered by ``indicator_id``, or a frame gemeentecode, jaar,
            doelgroep_inwoners.
        indicator_id: indicator holding the target population (required for the indicators shape when it
            holds more than one indicator).
        value_col: amount column.
        cluster: keep only this cluster (when df has a ``cluster`` column).
        out_col: result column.

    Returns:
        New frame with ``doelgroep_inwoners``, ``out_col`` and ``opmerking`` (NaN + note when the target
        population is missing or 0).
    """
    require_columns(df, ["gemeentecode", "jaar", value_col], "per_doelgroep")
    out = df.copy()
    if cluster is not None:
        require_columns(out, ["cluster"], "per_doelgroep")
        out = out[out["cluster"] == cluster].reset_index(drop=True)
    if "indicator_id" in population.columns:
        require_columns(population, ["gemeentecode", "period", "value"], "per_doelgroep(population)")
        pop = population
        if indicator_id is not None:
            pop = pop[pop["indicator_id"] == indicator_id]
        elif pop["indicator_id"].nunique() > 1:
            raise AnalyseError("per_doelgroep: population bevat meerdere indicatoren; geef indicator_id op")
        years = pop["period"].astype("string").str.fullmatch(r"\d{4}").fillna(False).astype(bool)
        pop = pop[years]
        pop = pd.DataFrame(
            {
                "gemeentecode": pop["gemeentecode"].to_numpy(),
                "jaar": pop["period"].astype(int).to_numpy(),
                "doelgroep_inwoners": pd.to_numeric(pop["value"], errors="coerce").to_numpy(),
            }
        )
    else:
        require_columns(population, ["gemeentecode", "jaar", "doelgroep_inwoners"], "per_doelgroep(population)")
        pop = population[["gemeentecode", "jaar", "doelgroep_inwoners"]]
    pop = pop.drop_duplicates(["gemeentecode", "jaar"])
    out = out.drop(columns=["doelgroep_inwoners"], errors="ignore")
    out = out.merge(pop.astype({"jaar": out["jaar"].dtype}), on=["gemeentecode", "jaar"], how="left")
    return _divide_with_note(out, value_col, "doelgroep_inwoners", out_col, "doelgroep")


# -------------------------------------------------------------------------------------------- deflate
def deflate(
    df: pd.DataFrame,
    cpi: pd.DataFrame,
    base_year: int,
    value_cols: Sequence[str] = ("lasten_eur",),
    year_col: str = "jaar",
    suffix: str = "_reeel",
) -> pd.DataFrame:
    """Convert nominal euros to real euros of ``base_year`` (prijspeil) with the CPI.

    ``real = nominal × cpi[base_year] / cpi[jaar]``. Years outside the CPI series get NaN and a note in
    ``deflatie_opmerking``; nothing is extrapolated.

    Args:
        df: frame with ``year_col`` and ``value_cols``.
        cpi: ``cpi.parquet`` shape: jaar, cpi_index.
        base_year: prijspeil of the result.
        value_cols: nominal euro columns.
        year_col: year column.
        suffix: the real columns are ``<col><suffix>``.

    Returns:
        New frame with the real columns, ``prijspeil`` and ``deflatie_opmerking``.

    Raises:
        DataNotAvailableError: ``base_year`` is not in the CPI series.
    """
    require_columns(df, [year_col, *value_cols], "deflate")
    require_columns(cpi, ["jaar", "cpi_index"], "deflate(cpi)")
    out = df.copy()
    years = pd.to_numeric(out[year_col], errors="coerce")
    for col in value_cols:
        out[f"{col}{suffix}"] = cpi_mod.deflate(out[col], years, cpi, to_year=int(base_year), outside="nan")
    out["prijspeil"] = int(base_year)
    known = pd.to_numeric(cpi.dropna(subset=["cpi_index"])["jaar"], errors="coerce").astype(int)
    lo, hi = int(known.min()), int(known.max())
    factor = years.where(years.isin(set(known)))
    out["deflatie_opmerking"] = [
        None
        if not np.isnan(f)
        else f"geen CPI voor {y if not pd.isna(y) else 'onbekend jaar'} (reeks {lo}-{hi}); niet gedefleerd"
        for y, f in zip(years.astype("Int64"), factor, strict=True)
    ]
    return out


# ------------------------------------------------------------------------------------------- indices
def index_to_base(
    df: pd.DataFrame,
    base_year: int,
    value_col: str = "lasten_eur",
    group_cols: Sequence[str] | None = None,
    year_col: str = "jaar",
) -> pd.DataFrame:
    """Add index (base year = 100), growth per year, CAGR since the base year and share of total.

    Args:
        df: tidy frame with ``year_col`` and ``value_col``.
        base_year: year that gets index 100.
        value_col: value column.
        group_cols: series keys; default those of gemeentecode, soort, cluster, reference_code present.
        year_col: year column.

    Returns:
        New frame with ``index`` (NaN when the base value is missing or 0), ``groei_pct`` (% change on the
        previous calendar year, NaN across a gap), ``cagr_pct`` (average % per year between base year and
        this year) and, when a ``cluster`` column with ``totaal`` rows exists, ``aandeel_pct`` (share of the
        cluster in totaal lasten of the same gemeente/jaar/soort).
    """
    require_columns(df, [year_col, value_col], "index_to_base")
    if group_cols is None:
        group_cols = [c for c in ("gemeentecode", "reference_code", "soort", "cluster") if c in df.columns]
    require_columns(df, group_cols, "index_to_base")
    out = df.copy()
    value = pd.to_numeric(out[value_col], errors="coerce").astype("float64")
    year = pd.to_numeric(out[year_col], errors="coerce")
    tmp = pd.DataFrame({"_v": value, "_y": year}, index=out.index)
    for c in group_cols:
        tmp[c] = out[c]
    gkeys = list(group_cols)
    base_rows = tmp[tmp["_y"] == int(base_year)]
    if gkeys:
        base_map = base_rows.groupby(gkeys, dropna=False)["_v"].first()
        base_val = pd.Series(
            pd.MultiIndex.from_frame(tmp[gkeys]).map(lambda k: base_map.get(k, np.nan))
            if len(gkeys) > 1
            else tmp[gkeys[0]].map(base_map),
            index=out.index,
            dtype="float64",
        )
    else:
        base_val = pd.Series(base_rows["_v"].iloc[0] if len(base_rows) else np.nan, index=out.index)
    out["index"] = (_safe_ratio(value, base_val) * 100).astype("float64")
    # growth on the previous calendar year (exactly year - 1)
    prev = tmp.assign(_y=tmp["_y"] + 1).rename(columns={"_v": "_prev"})
    merged = tmp.reset_index().merge(prev[[*gkeys, "_y", "_prev"]], on=[*gkeys, "_y"], how="left")
    merged = merged.set_index("index")
    out["groei_pct"] = ((_safe_ratio(merged["_v"], merged["_prev"]) - 1) * 100).reindex(out.index)
    span = (year - int(base_year)).astype("float64")
    ratio = _safe_ratio(value, base_val)
    with np.errstate(invalid="ignore", divide="ignore"):
        cagr = (np.power(ratio.where(ratio > 0), 1.0 / span.where(span != 0)) - 1) * 100
    out["cagr_pct"] = cagr.where(span != 0).astype("float64")
    if "cluster" in out.columns and (out["cluster"] == "totaal").any():
        keys = [c for c in ("gemeentecode", "reference_code", "soort") if c in out.columns] + [year_col]
        tot = out.loc[out["cluster"] == "totaal", keys + [value_col]].rename(columns={value_col: "_tot"})
        tot = tot.drop_duplicates(keys)
        shares = out[keys].merge(tot, on=keys, how="left")["_tot"].to_numpy()
        out["aandeel_pct"] = (_safe_ratio(value, pd.Series(shares, index=out.index)) * 100).astype("float64")
    return out


# ------------------------------------------------------------------------------------------- compare
def compare_costs(
    cluster_frame: pd.DataFrame,
    gemeentecode: str,
    peers: list[str],
    nederland: bool = True,
    value_col: str = "lasten_eur",
) -> pd.DataFrame:
    """Compare lasten per inwoner of a gemeente with its peers and Nederland, per jaar/soort/cluster.

    Nederland per inwoner = Σlasten / Σinwoners over the gemeenten (``GM`` codes) that delivered and
    have a known population (not the mean of per-inwoner values); their number is ``nl_n_gemeenten``.
    Peers give the median and interquartile range (25th/75th percentile, linear) of their per-inwoner
    values; the focal gemeente is never counted as its own peer.

    Args:
        cluster_frame: output of :func:`cluster_lasten` (gemeentecode, jaar, soort, cluster, inwoners and
            ``value_col``), possibly deflated.
        gemeentecode: focal gemeente.
        peers: peer gemeentecodes.
        nederland: add the Nederland columns.
        value_col: amount column (e.g. ``lasten_eur_reeel``).

    Returns:
        One row per jaar, soort, cluster in which the gemeente or a peer delivered: gemeentecode,
        gemeente_lasten_eur, gemeente_inwoners, gemeente_per_inwoner, peers_n, peers_mediaan, peers_q1,
        peers_q3, [nl_lasten_eur, nl_inwoners, nl_per_inwoner, nl_n_gemeenten], opmerking.
    """
    keys = ["jaar", "soort", "cluster"]
    require_columns(cluster_frame, ["gemeentecode", *keys, "inwoners", value_col], "compare_costs")
    df = cluster_frame[["gemeentecode", *keys, "inwoners", value_col]].copy()
    df["_v"] = pd.to_numeric(df[value_col], errors="coerce").astype("float64")
    df["_p"] = pd.to_numeric(df["inwoners"], errors="coerce").astype("float64")
    df["_pi"] = _safe_ratio(df["_v"], df["_p"])
    peer_set = [p for p in dict.fromkeys(peers) if p != gemeentecode]

    own = df[df["gemeentecode"] == gemeentecode].drop_duplicates(keys)
    own = own[keys + ["_v", "_p", "_pi"]].rename(
        columns={"_v": "gemeente_lasten_eur", "_p": "gemeente_inwoners", "_pi": "gemeente_per_inwoner"}
    )
    peer_df = df[df["gemeentecode"].isin(peer_set) & df["_pi"].notna()]
    peer_agg = peer_df.groupby(keys, dropna=False)["_pi"].agg(
        peers_n="count",
        peers_mediaan="median",
        peers_q1=lambda s: s.quantile(0.25),
        peers_q3=lambda s: s.quantile(0.75),
    )
    out = own.merge(peer_agg.reset_index(), on=keys, how="outer")
    out["peers_n"] = out["peers_n"].fillna(0).astype("int64")
    if nederland:
        nl = df[df["gemeentecode"].astype("string").str.startswith("GM").fillna(False).astype(bool)]
        nl = nl[nl["_v"].notna() & nl["_p"].notna() & (nl["_p"] > 0)]
        nl_agg = nl.groupby(keys, dropna=False).agg(
            nl_lasten_eur=("_v", "sum"), nl_inwoners=("_p", "sum"), nl_n_gemeenten=("gemeentecode", "nunique")
        )
        nl_agg["nl_per_inwoner"] = nl_agg["nl_lasten_eur"] / nl_agg["nl_inwoners"]
        out = out.merge(nl_agg.reset_index(), on=keys, how="left")
        out["nl_n_gemeenten"] = out["nl_n_gemeenten"].fillna(0).astype("int64")
    out.insert(0, "gemeentecode", gemeentecode)
    notes = []
    for row in out.itertuples(index=False):
        n = []
        if pd.isna(row.gemeente_lasten_eur):
            n.append("gemeente leverde geen Iv3-cijfers")
        elif pd.isna(row.gemeente_per_inwoner):
            n.append("inwoners gemeente onbekend")
        if peer_set and row.peers_n < len(peer_set):
            n.append(f"{row.peers_n} van {len(peer_set)} vergelijkingsgemeenten geleverd")
        notes.append(_join_notes(*n))
    out["opmerking"] = notes
    return out.sort_values(["cluster", "soort", "jaar"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------------------ decentralisatie
def decentralisation_break(
    series: pd.DataFrame,
    break_year: int = 2015,
    value_col: str = "lasten_eur",
    year_col: str = "jaar",
    group_cols: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Mark the 2015 decentralisation so a series is not read as a like-for-like trend.

    In 2015 jeugdzorg, Wmo-begeleiding and the Participatiewet moved to the gemeenten; Almelo's spending
    rose 48,5% that year for that reason alone. The growth from the year before the break to the break
    year is set to NaN (not a growth figure) and the means before and after are given separately.

    Args:
        series: frame with ``year_col`` and ``value_col`` (one series, or several keyed by ``group_cols``).
        break_year: first year after the break.
        value_col: amount column.
        year_col: year column.
        group_cols: series keys; default those of gemeentecode, post, cluster present.

    Returns:
        New frame sorted by year with ``periode`` (``voor 2015``|``vanaf 2015``), ``breuk`` (True on the
        first year at/after the break), ``groei_pct`` (vs the previous calendar year, NaN across the break
        and gaps), ``gemiddelde_periode`` (mean of ``value_col`` in the row's periode) and ``opmerking``.
        ``attrs["gemiddelden"]`` holds ``{key: {"voor": mean, "na": mean}}``.
    """
    require_columns(series, [year_col, value_col], "decentralisation_break")
    if group_cols is None:
        group_cols = [c for c in ("gemeentecode", "post", "cluster") if c in series.columns]
    out = series.copy()
    out["_v"] = pd.to_numeric(out[value_col], errors="coerce").astype("float64")
    out["_y"] = pd.to_numeric(out[year_col], errors="coerce")
    out = out.sort_values([*group_cols, "_y"], kind="stable").reset_index(drop=True)
    before = out["_y"] < break_year
    out["periode"] = np.where(before, f"voor {break_year}", f"vanaf {break_year}")
    gkeys = list(group_cols)
    first_after = (
        out.loc[~before].groupby(gkeys, dropna=False)["_y"].transform("min")
        if gkeys
        else (pd.Series(out.loc[~before, "_y"].min(), index=out.loc[~before].index))
    )
    out["breuk"] = False
    out.loc[first_after.index, "breuk"] = (out.loc[first_after.index, "_y"] == first_after).to_numpy()
    shifted = out.groupby(gkeys, dropna=False)[["_v", "_y"]].shift(1) if gkeys else out[["_v", "_y"]].shift(1)
    consecutive = shifted["_y"] == out["_y"] - 1
    same_period = (shifted["_y"] < break_year) == before
    growth = (_safe_ratio(out["_v"], shifted["_v"]) - 1) * 100
    out["groei_pct"] = growth.where(consecutive & same_period).astype("float64")
    out["gemiddelde_periode"] = out.groupby([*gkeys, "periode"], dropna=False)["_v"].transform("mean")
    out["opmerking"] = np.where(out["breuk"], BREAK_NOTE, None)
    means: dict[object, dict[str, float]] = {}
    for key, sub in out.groupby(gkeys, dropna=False) if gkeys else [((), out)]:
        means[key if not isinstance(key, tuple) or len(key) != 1 else key[0]] = {
            "voor": float(sub.loc[sub["_y"] < break_year, "_v"].mean()),
            "na": float(sub.loc[sub["_y"] >= break_year, "_v"].mean()),
        }
    out = out.drop(columns=["_v", "_y"])
    out.attrs["gemiddelden"] = means
    out.attrs["breuk_jaar"] = int(break_year)
    return out


# ----------------------------------------------------------------------------- begroting vs jaarrekening
def begroting_jaarrekening(
    frame: pd.DataFrame, gemeentecode: str | None = None, value_col: str = "lasten_eur", key: str = "cluster"
) -> pd.DataFrame:
    """Deviation of jaarrekening from begroting per ``key`` (cluster or taakveld) and year.

    Rows with the same gemeente, year, key and soort are summed (``min_count=1``: all-missing stays NaN). A soort
    that was not delivered stays NaN (never 0), and so do the deviations computed from it.

    Args:
        frame: :func:`cluster_lasten` output (``key="cluster"``) or ``lasten.parquet`` rows (``key="taakveld"``),
            with gemeentecode, jaar, soort, ``key`` and ``value_col``.
        gemeentecode: keep only this gemeente (default: all).
        value_col: amount column.
        key: the column to compare on.

    Returns:
        New frame gemeentecode, jaar, ``key``, begroting_eur, jaarrekening_eur, afwijking_eur
        (jaarrekening − begroting), afwijking_pct (of begroting; NaN when the begroting is 0 or missing) and tekst
        (a Dutch sentence, e.g. "… 2016: € 8,7 mln (6,9%) meer uitgegeven dan begroot …"). Plan totals
        (:func:`analyse.plans.money.plan_spending` with a ``cluster`` column) may say ``realisatie`` for
        jaarrekening.
    """
    require_columns(frame, ["gemeentecode", "jaar", "soort", key, value_col], "begroting_jaarrekening")
    df = frame if gemeentecode is None else frame[frame["gemeentecode"] == gemeentecode]
    df = df.assign(soort=df["soort"].replace({"realisatie": "jaarrekening"}))  # plan totals say 'realisatie'
    df = df[df["soort"].isin(["begroting", "jaarrekening"])]
    wide = (
        df.groupby(["gemeentecode", "jaar", key, "soort"], observed=True)[value_col]
        .sum(min_count=1)
        .unstack("soort")
        .reindex(columns=["begroting", "jaarrekening"])
    )
    wide.columns.name = None
    out = wide.reset_index().rename(columns={"begroting": "begroting_eur", "jaarrekening": "jaarrekening_eur"})
    out = out.astype({"begroting_eur": "float64", "jaarrekening_eur": "float64"})
    out["afwijking_eur"] = out["jaarrekening_eur"] - out["begroting_eur"]
    out["afwijking_pct"] = _safe_ratio(out["afwijking_eur"], out["begroting_eur"]) * 100
    out["tekst"] = [_deviation_text(r, key) for r in out.itertuples(index=False)]
    return out


def _deviation_text(r: object, key: str) -> str:
    label = CLUSTER_LABELS.get(getattr(r, key), getattr(r, key))
    if pd.isna(r.begroting_eur) or pd.isna(r.jaarrekening_eur):
        missing = "jaarrekening" if pd.isna(r.jaarrekening_eur) else "begroting"
        return f"{label} {int(r.jaar)}: geen {missing}; afwijking niet te berekenen."
    if r.afwijking_eur == 0:
        return f"{label} {int(r.jaar)}: precies zoveel uitgegeven als begroot ({fmt_eur(r.begroting_eur)})."
    more = r.afwijking_eur > 0
    pct = f" ({fmt_pct(abs(r.afwijking_pct), 1)})" if pd.notna(r.afwijking_pct) else ""
    return (
        f"{label} {int(r.jaar)}: {fmt_eur(abs(r.afwijking_eur))}{pct} {'meer' if more else 'minder'} uitgegeven "
        f"dan begroot ({fmt_eur(r.jaarrekening_eur)} tegenover {fmt_eur(r.begroting_eur)})."
    )


# -------------------------------------------------------------------------------------------- constant prices
def constant_prices(
    df: pd.DataFrame,
    cpi: pd.DataFrame,
    base_year: int | None = None,
    value_cols: Sequence[str] = ("lasten_eur",),
    year_col: str = "jaar",
) -> pd.DataFrame:
    """Amounts in constant prices of ``base_year`` (default: the latest CPI year), the price year named.

    A wrapper around :func:`deflate` that adds ``prijspeil_tekst`` ("prijzen van 2023 (CPI, CBS)") for axis labels
    and table captions. Years outside the CPI series stay NaN with a note (never extrapolated).

    Returns:
        New frame with ``<col>_reeel``, ``prijspeil``, ``prijspeil_tekst`` and ``deflatie_opmerking``.
    """
    require_columns(cpi, ["jaar", "cpi_index"], "constant_prices(cpi)")
    if base_year is None:
        base_year = int(pd.to_numeric(cpi.dropna(subset=["cpi_index"])["jaar"]).max())
    out = deflate(df, cpi, base_year, value_cols=value_cols, year_col=year_col)
    out["prijspeil_tekst"] = f"prijzen van {base_year} (CPI, CBS)"
    return out


# ----------------------------------------------------------------------------------------------- break flags
JUMP_SHARE = 0.25
"""A cluster whose lasten change by more than this share in one year is flagged (default 25%)."""

SCOPE_CHANGES: dict[int, str] = {
    2015: (
        "decentralisatie van jeugdzorg, Wmo-begeleiding en Participatiewet naar gemeenten: de uitgaven vanaf 2015 "
        "omvatten nieuwe taken en zijn niet vergelijkbaar met die van daarvoor"
    ),
}
"""Years in which the scope of the sociaal domein changed for every gemeente."""

SCHEME_CHANGES: dict[int, tuple[frozenset[str], str]] = {
    2023: (
        frozenset({"jeugd", "wmo_jeugd", "sociaal_domein_totaal"}),
        "taakveld 6.72 (maatwerkdienstverlening 18-) is gesplitst in 6.72, 6.73 en 6.74; de reeks is "
        "samengevoegd, maar kleine verschuivingen tussen clusters zijn mogelijk",
    ),
    2025: (
        frozenset({"jeugd", "wmo", "wmo_jeugd", "basisvoorzieningen", "pgb_wmo_jeugd"}),
        "nieuwe taakveldindeling sociaal domein (toegang naar 6.21-6.23, pgb's naar 6.79, beleid naar "
        "6.91/6.92): jeugd, Wmo en basisvoorzieningen zijn voor en na 2025 niet vergelijkbaar",
    ),
}
"""Iv3 taakveld scheme changes (``analyse/data/taakvelden.yml``) and the clusters they affect."""

BREAK_COLUMNS = [
    "gemeentecode",
    "cluster",
    "cluster_label",
    "soort",
    "jaar",
    "vorig_eur",
    "lasten_eur",
    "groei_pct",
    "aandeel_in_stijging_pct",
    "soort_breuk",
    "tekst",
]


def cost_breaks(
    frame: pd.DataFrame,
    gemeentecode: str,
    soort: str | None = "jaarrekening",
    jump_share: float = JUMP_SHARE,
    clusters: Sequence[str] | None = None,
    value_col: str = "lasten_eur",
) -> pd.DataFrame:
    """Flag the years in which a cost series is not a like-for-like trend.

    Three kinds (``soort_breuk``):

    - ``scope``: a year of :data:`SCOPE_CHANGES` inside the series (the 2015 decentralisatie);
    - ``taakveldindeling``: a year of :data:`SCHEME_CHANGES` inside the series for an affected cluster;
    - ``sprong``: the cluster changes by more than ``jump_share`` on the previous year (growth from
      :func:`index_to_base`); ``aandeel_in_stijging_pct`` says how much of the change of ``sociaal_domein_totaal``
      that year this cluster accounts for (e.g. Hendrik-Ido-Ambacht 2022: basisvoorzieningen 5,9 → 12,6 mln).

    Args:
        frame: :func:`cluster_lasten` output (gemeentecode, jaar, soort, cluster, ``value_col``) or any series with
            gemeentecode, jaar and ``value_col`` (a ``cluster`` column is then added as ``totaal``).
        gemeentecode: the gemeente.
        soort: keep only this soort (``jaarrekening``/``begroting``) when the frame has one; None = all.
        jump_share: threshold for a jump (0,25 = 25%).
        clusters: clusters to check (default all present).
        value_col: amount column.

    Returns:
        Columns :data:`BREAK_COLUMNS`, one row per flag, sorted by cluster and year; ``tekst`` is a Dutch sentence.
    """
    require_columns(frame, ["gemeentecode", "jaar", value_col], "cost_breaks")
    df = frame[frame["gemeentecode"] == gemeentecode].copy()
    if "cluster" not in df.columns:
        df["cluster"] = "totaal"
    if "soort" not in df.columns:
        df["soort"] = soort or "realisatie"
    elif soort is not None:
        df = df[df["soort"] == soort]
    if clusters is not None:
        df = df[df["cluster"].isin(list(clusters))]
    if df.empty:
        return pd.DataFrame(columns=BREAK_COLUMNS)
    df = df.rename(columns={value_col: "lasten_eur"}) if value_col != "lasten_eur" else df
    base = int(pd.to_numeric(df["jaar"]).min())
    idx = index_to_base(
        df[["gemeentecode", "soort", "cluster", "jaar", "lasten_eur"]],
        base,
        group_cols=["gemeentecode", "soort", "cluster"],
    )
    idx = idx.sort_values(["cluster", "soort", "jaar"]).reset_index(drop=True)
    idx["vorig_eur"] = (
        idx.groupby(["cluster", "soort"])["lasten_eur"]
        .shift(1)
        .where(idx.groupby(["cluster", "soort"])["jaar"].diff() == 1)
    )
    total = idx[idx["cluster"] == "sociaal_domein_totaal"].set_index(["soort", "jaar"])
    rows = []
    for r in idx.itertuples(index=False):
        label = CLUSTER_LABELS.get(r.cluster, r.cluster)
        years = idx.loc[(idx["cluster"] == r.cluster) & (idx["soort"] == r.soort), "jaar"]
        first = int(years.min())
        change = None
        if (
            (r.soort, r.jaar) in total.index
            and r.cluster not in ("sociaal_domein_totaal", "totaal")
            and pd.notna(r.vorig_eur)
        ):
            t = total.loc[(r.soort, r.jaar)]
            d_tot = t["lasten_eur"] - t["vorig_eur"] if pd.notna(t["vorig_eur"]) else np.nan
            if pd.notna(d_tot) and d_tot > 0:
                change = (r.lasten_eur - r.vorig_eur) / d_tot * 100
        base_row = {
            "gemeentecode": gemeentecode,
            "cluster": r.cluster,
            "cluster_label": label,
            "soort": r.soort,
            "jaar": int(r.jaar),
            "vorig_eur": r.vorig_eur,
            "lasten_eur": r.lasten_eur,
            "groei_pct": r.groei_pct,
            "aandeel_in_stijging_pct": change,
        }
        jaar = int(r.jaar)
        if jaar in SCOPE_CHANGES and jaar > first:
            rows.append(
                {
                    **base_row,
                    "soort_breuk": "scope",
                    "tekst": f"{label} {jaar}: trendbreuk door de {SCOPE_CHANGES[jaar]}.",
                }
            )
        if jaar in SCHEME_CHANGES and jaar > first and r.cluster in SCHEME_CHANGES[jaar][0]:
            rows.append(
                {**base_row, "soort_breuk": "taakveldindeling", "tekst": f"{label} {jaar}: {SCHEME_CHANGES[jaar][1]}."}
            )
        if pd.notna(r.groei_pct) and abs(r.groei_pct) > jump_share * 100 and jaar not in SCOPE_CHANGES:
            share = (
                f"; dit cluster is {fmt_pct(change, 0)} van de stijging van het sociaal domein dat jaar"
                if change is not None and change >= 50
                else ""
            )
            rows.append(
                {
                    **base_row,
                    "soort_breuk": "sprong",
                    "tekst": (
                        f"{label}: van {fmt_eur(r.vorig_eur)} ({jaar - 1}) naar {fmt_eur(r.lasten_eur)} "
                        f"({jaar}), {'+' if r.groei_pct > 0 else ''}{fmt_pct(r.groei_pct, 0)} in één jaar"
                        f"{share}. Zo'n sprong wijst eerder op een andere boeking (taakveld), een nieuwe "
                        "taak of een eenmalige post dan op een trend; controleer de jaarrekening."
                    ),
                }
            )
    out = pd.DataFrame(rows, columns=BREAK_COLUMNS)
    return out.astype(
        {"vorig_eur": "float64", "lasten_eur": "float64", "groei_pct": "float64", "aandeel_in_stijging_pct": "float64"}
    ).reset_index(drop=True)


# ----------------------------------------------------------------------------------------- plan vs Iv3
RECONCILE_COLUMNS = [
    "jaar",
    "soort",
    "post",
    "plan_eur",
    "iv3_eur",
    "verschil_eur",
    "verschil_pct",
    "iv3_cluster",
    "iv3_taakvelden",
    "bron_pagina",
    "toelichting",
]
IV3_SOORT = {"realisatie": "jaarrekening", "begroting": "begroting"}


def reconcile_plan_iv3(
    plan_totals: pd.DataFrame, clusters: pd.DataFrame, gemeentecode: str, cluster: str = "sociaal_domein_totaal"
) -> pd.DataFrame:
    """The plan's own spending totals beside the Iv3 lasten of the same year and kind, with what explains a gap.

    Args:
        plan_totals: :func:`analyse.plans.money.plan_spending` output (jaar, soort ``realisatie``/``begroting``,
            post, bedrag_eur, scope, bron_pagina).
        clusters: :func:`cluster_lasten` output.
        gemeentecode: the gemeente.
        cluster: the Iv3 cluster to compare with.

    Returns:
        One row per plan total: columns :data:`RECONCILE_COLUMNS`; ``iv3_eur`` NaN where Iv3 has no figure (Iv3
        starts in 2017), ``verschil_eur`` = Iv3 − plan, ``toelichting`` a Dutch sentence per row.
        ``attrs["toelichting"]`` holds the reconciliation note for the whole comparison.
    """
    require_columns(plan_totals, ["jaar", "soort", "post", "bedrag_eur"], "reconcile_plan_iv3(plan_totals)")
    require_columns(
        clusters,
        ["gemeentecode", "jaar", "soort", "cluster", "lasten_eur", "n_taakvelden"],
        "reconcile_plan_iv3(clusters)",
    )
    iv3 = clusters[(clusters["gemeentecode"] == gemeentecode) & (clusters["cluster"] == cluster)]
    iv3 = iv3.set_index(["soort", "jaar"])
    iv3_years = sorted(set(int(j) for j in iv3.index.get_level_values("jaar"))) if len(iv3) else []
    rows = []
    for r in plan_totals.itertuples(index=False):
        key = (IV3_SOORT.get(r.soort, r.soort), int(r.jaar))
        has = key in iv3.index
        value = float(iv3.loc[key, "lasten_eur"]) if has else np.nan
        ntv = int(iv3.loc[key, "n_taakvelden"]) if has else None
        diff = value - r.bedrag_eur if has else np.nan
        pct = diff / r.bedrag_eur * 100 if has and r.bedrag_eur else np.nan
        if has:
            text = (
                f"{int(r.jaar)}: plan {fmt_eur(r.bedrag_eur)}, Iv3 ({key[0]}, {CLUSTER_LABELS.get(cluster, cluster)}, "
                f"{ntv} taakvelden) {fmt_eur(value)}; Iv3 is {fmt_eur(abs(diff))} "
                f"{'hoger' if diff > 0 else 'lager'} ({fmt_pct(abs(pct), 0)})."
            )
        else:
            span = f"{iv3_years[0]}-{iv3_years[-1]}" if iv3_years else "geen jaren"
            text = f"{int(r.jaar)}: plan {fmt_eur(r.bedrag_eur)}; geen Iv3-cijfer voor dit jaar (Iv3: {span})."
        rows.append(
            {
                "jaar": int(r.jaar),
                "soort": r.soort,
                "post": r.post,
                "plan_eur": float(r.bedrag_eur),
                "iv3_eur": value,
                "verschil_eur": diff,
                "verschil_pct": pct,
                "iv3_cluster": cluster,
                "iv3_taakvelden": ntv,
                "bron_pagina": getattr(r, "bron_pagina", None),
                "toelichting": text,
            }
        )
    out = pd.DataFrame(rows, columns=RECONCILE_COLUMNS)
    out = out.astype(
        {"plan_eur": "float64", "iv3_eur": "float64", "verschil_eur": "float64", "verschil_pct": "float64"}
    )
    scope = next((s for s in plan_totals.get("scope", pd.Series(dtype=object)).dropna()), None)
    overlap = out.dropna(subset=["iv3_eur"])
    parts = []
    if overlap.empty:
        parts.append(
            "De cijfers van het plan en Iv3 overlappen in geen enkel jaar"
            + (f" (Iv3 begint in {iv3_years[0]})" if iv3_years else "")
            + "; ze zijn niet naast elkaar te leggen."
        )
    else:
        parts += list(overlap["toelichting"])
        parts.append(
            "Verschillen komen door de afbakening: Iv3 '"
            + CLUSTER_LABELS.get(cluster, cluster)
            + "' telt alle taakvelden van hoofdtaakveld 6 (sociaal domein), inclusief toegerekende overhead en "
            "kapitaallasten en regionale taken als centrumgemeente; het plan telt zijn eigen posten"
            + (f" ({scope})" if scope else "")
            + ". Beide zijn nominale bedragen (prijzen van dat jaar)."
        )
    before = out[out["iv3_eur"].isna()]
    if len(before) and not overlap.empty:
        parts.append(f"Voor {', '.join(map(str, sorted(set(before['jaar']))))} is er geen Iv3-cijfer.")
    out.attrs["toelichting"] = " ".join(parts)
    return out


GROWTH_COLUMNS = [
    "van",
    "tot",
    "post",
    "plan_groei_pct",
    "iv3_soort",
    "iv3_van_eur",
    "iv3_tot_eur",
    "iv3_groei_pct",
    "iv3_per_inwoner_van",
    "iv3_per_inwoner_tot",
    "iv3_groei_per_inwoner_pct",
    "grootste_cluster",
    "grootste_cluster_aandeel_pct",
    "bron_pagina",
    "toelichting",
]
PART_CLUSTERS = ("jeugd", "wmo", "participatie", "basisvoorzieningen")


def reconcile_growth(
    plan_growth: pd.DataFrame, clusters: pd.DataFrame, gemeentecode: str, cluster: str = "sociaal_domein_totaal"
) -> pd.DataFrame:
    """A growth figure of the plan beside the Iv3 growth of the same years, with what drives the Iv3 change.

    When the plan's end year is not in Iv3 yet, the latest Iv3 year is used and the sentence says so.

    Args:
        plan_growth: :func:`analyse.plans.money.plan_growth` output (van, tot, soort, post, groei_pct, bron_pagina).
        clusters: :func:`cluster_lasten` output (with inwoners).
        gemeentecode: the gemeente.
        cluster: the Iv3 cluster to compare with.

    Returns:
        Columns :data:`GROWTH_COLUMNS`; ``toelichting`` a Dutch sentence naming both growth figures, the years and
        the cluster with the largest share of the Iv3 change.
    """
    require_columns(plan_growth, ["van", "tot", "soort", "post", "groei_pct"], "reconcile_growth(plan_growth)")
    require_columns(
        clusters, ["gemeentecode", "jaar", "soort", "cluster", "lasten_eur", "inwoners"], "reconcile_growth(clusters)"
    )
    own = clusters[clusters["gemeentecode"] == gemeentecode]
    rows = []
    for r in plan_growth.itertuples(index=False):
        soort = IV3_SOORT.get(r.soort, r.soort)
        sub = own[own["soort"] == soort]
        tot_sub = sub[sub["cluster"] == cluster].set_index("jaar")
        years = sorted(int(j) for j in tot_sub.index)
        van = int(r.van) if int(r.van) in years else None
        tot = int(r.tot) if int(r.tot) in years else (years[-1] if years and years[-1] > int(r.van) else None)
        row = {
            "van": int(r.van),
            "tot": int(r.tot),
            "post": r.post,
            "plan_groei_pct": r.groei_pct,
            "iv3_soort": soort,
            "bron_pagina": getattr(r, "bron_pagina", None),
        }
        if van is None or tot is None:
            row["toelichting"] = (
                f"Het plan noemt {fmt_pct(r.groei_pct, 1)} groei ({r.van}-{r.tot}); Iv3 ({soort}) "
                "heeft geen cijfers voor die jaren."
            )
            rows.append(row)
            continue
        a, b = tot_sub.loc[van], tot_sub.loc[tot]
        g = (b["lasten_eur"] / a["lasten_eur"] - 1) * 100 if a["lasten_eur"] else np.nan
        pa = a["lasten_eur"] / a["inwoners"] if a["inwoners"] else np.nan
        pb = b["lasten_eur"] / b["inwoners"] if b["inwoners"] else np.nan
        parts = sub[sub["cluster"].isin(PART_CLUSTERS)].pivot_table(
            index="cluster", columns="jaar", values="lasten_eur", aggfunc="sum"
        )
        top, share = None, np.nan
        if van in parts.columns and tot in parts.columns and b["lasten_eur"] != a["lasten_eur"]:
            delta = (parts[tot] - parts[van]).dropna()
            if len(delta):
                top = str(delta.idxmax())
                share = delta.max() / (b["lasten_eur"] - a["lasten_eur"]) * 100
        row.update(
            {
                "iv3_van_eur": a["lasten_eur"],
                "iv3_tot_eur": b["lasten_eur"],
                "iv3_groei_pct": g,
                "iv3_per_inwoner_van": pa,
                "iv3_per_inwoner_tot": pb,
                "iv3_groei_per_inwoner_pct": (pb / pa - 1) * 100 if pa else np.nan,
                "grootste_cluster": top,
                "grootste_cluster_aandeel_pct": share,
            }
        )
        later = f" (Iv3 {tot}: het plan kijkt tot {r.tot})" if tot != int(r.tot) else ""
        text = (
            f"Het plan noemt {'+' if r.groei_pct > 0 else ''}{fmt_pct(r.groei_pct, 0)} voor '{r.post}' "
            f"({r.van}-{r.tot}); Iv3 ({soort}, {CLUSTER_LABELS.get(cluster, cluster)}, {van}-{tot}) geeft "
            f"{fmt_eur(a['lasten_eur'])} → {fmt_eur(b['lasten_eur'])}, {'+' if g > 0 else ''}{fmt_pct(g, 0)}"
            f"{later}; per inwoner € {fmt_number(pa, 0)} → € {fmt_number(pb, 0)}."
        )
        if top is not None and pd.notna(share) and share >= 40:
            text += (
                f" Het grootste deel van de Iv3-stijging ({fmt_pct(share, 0)}) zit in "
                f"{CLUSTER_LABELS.get(top, top)}; zie de trendbreuken: een andere boeking verklaart het verschil "
                "met het plan mogelijk."
            )
        if pd.notna(g) and abs(g - r.groei_pct) > 5:
            text += (
                " De twee groeicijfers verschillen sterk; ze meten niet hetzelfde (andere afbakening, begroting "
                "of jaarrekening, nominaal)."
            )
        row["toelichting"] = text
        rows.append(row)
    out = pd.DataFrame(rows, columns=GROWTH_COLUMNS)
    floats = [c for c in GROWTH_COLUMNS if c.endswith(("_pct", "_eur", "_van", "_tot")) and c not in ("van", "tot")]
    return out.astype({c: "float64" for c in floats})
