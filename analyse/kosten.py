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
- :func:`begroting_vs_realisatie` – seed budget tables: realisation ratio and flags.
- :func:`savings_ledger` – planned vs realised savings (taakstellingen, bezuinigingen).
- :func:`decentralisation_break` – marks the 2015 decentralisation in a spending series.
- :func:`begroting_jaarrekening` – deviation of jaarrekening from begroting per cluster per year.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.errors import AnalyseError, DataIntegrityError, DataNotAvailableError
from analyse.data import cpi as cpi_mod

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
SEED_COST_COLUMNS = ("gemeentecode", "jaar", "post", "soort", "bedrag_eur")


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
def load_cluster_mapping(path: str | Path | None = None) -> dict[str, list[str]]:
    """Return the taakveld → cluster mapping as ``{cluster: [taakveld, ...]}``.

    Uses a loader in :mod:`analyse.data.iv3` when one exists, else reads ``analyse/data/taakvelden.yml``.
    Accepted YAML shapes: ``{clusters: {naam: [taakvelden]}}``, ``{naam: [taakvelden]}``, a cluster entry
    as a mapping with a ``taakvelden`` list, or a list of taakveld entries each with ``code`` and
    ``cluster``/``clusters``.

    Args:
        path: explicit YAML file; default the data engineer's ``taakvelden.yml``.

    Returns:
        A new dict; taakveld codes as strings. A code ending in ``*`` is a prefix (``6.*``).

    Raises:
        DataNotAvailableError: the mapping file does not exist.
        DataIntegrityError: the file has none of the accepted shapes.
    """
    if path is None:
        try:  # prefer the data engineer's loader
            from analyse.data import iv3  # type: ignore[attr-defined]

            for name in ("cluster_mapping", "load_cluster_mapping", "load_clusters", "clusters"):
                loader = getattr(iv3, name, None)
                if callable(loader):
                    return _normalise_mapping(loader(), f"analyse.data.iv3.{name}()")
        except ImportError:
            pass
        from analyse.paths import PACKAGE_DIR

        path = PACKAGE_DIR / "data" / "taakvelden.yml"
    path = Path(path)
    if not path.is_file():
        raise DataNotAvailableError(f"cluster-indeling niet gevonden: {path}")
    import yaml

    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return _normalise_mapping(raw, str(path))


def _normalise_mapping(raw: object, source: str) -> dict[str, list[str]]:
    if isinstance(raw, Mapping) and "clusters" in raw:
        raw = raw["clusters"]
    out: dict[str, list[str]] = {}
    if isinstance(raw, Mapping):
        for cluster, value in raw.items():
            if isinstance(value, Mapping):
                value = value.get("taakvelden", value.get("codes"))
            if not isinstance(value, (list, tuple)):
                raise DataIntegrityError(f"{source}: cluster {cluster!r} heeft geen lijst taakvelden")
            out[str(cluster)] = [str(v) for v in value]
    elif isinstance(raw, list):
        for entry in raw:
            if not isinstance(entry, Mapping) or "code" not in entry:
                raise DataIntegrityError(f"{source}: taakveld-regel zonder 'code': {entry!r}")
            clusters = entry.get("clusters", entry.get("cluster", []))
            for cluster in [clusters] if isinstance(clusters, str) else clusters or []:
                out.setdefault(str(cluster), []).append(str(entry["code"]))
    else:
        raise DataIntegrityError(f"{source}: onbekende vorm van de cluster-indeling")
    return out


def _matches(taakveld: pd.Series, codes: Sequence[str]) -> pd.Series:
    tv = taakveld.astype("string")
    mask = pd.Series(False, index=taakveld.index)
    exact = [c for c in codes if not c.endswith("*")]
    if exact:
        mask |= tv.isin(exact).fillna(False).astype(bool)
    for code in codes:
        if code.endswith("*"):
            mask |= tv.str.startswith(code[:-1]).fillna(False).astype(bool)
    return mask


# ----------------------------------------------------------------------------------------- clusters
def cluster_lasten(
    lasten: pd.DataFrame, mapping: Mapping[str, Sequence[str]] | None = None
) -> pd.DataFrame:
    """Sum Iv3 lasten per gemeente, jaar, soort and cluster.

    Args:
        lasten: ``lasten.parquet`` shape: gemeentecode, jaar, soort, taakveld, lasten_eur (+ inwoners).
        mapping: ``{cluster: [taakveld, ...]}``; default :func:`load_cluster_mapping`. A cluster
            ``totaal`` absent from the mapping means all taakvelden. Taakvelden may sit in several
            clusters (jeugd ⊂ sociaal_domein_totaal ⊂ totaal).

    Returns:
        New frame gemeentecode, jaar, soort, cluster, lasten_eur, inwoners, n_taakvelden. Only
        gemeente-jaar-soort combinations that delivered appear. A delivered combination without rows for
        a cluster gets 0 (Iv3 leaves empty cells out); a NaN lasten_eur in a cluster makes the sum NaN.
    """
    require_columns(lasten, LASTEN_COLUMNS, "cluster_lasten")
    if mapping is None:
        mapping = load_cluster_mapping()
    mapping = {str(k): [str(c) for c in v] for k, v in mapping.items()}
    if "totaal" not in mapping:
        mapping["totaal"] = ["*"]
    keys = ["gemeentecode", "jaar", "soort"]
    df = lasten.copy()
    df["lasten_eur"] = pd.to_numeric(df["lasten_eur"], errors="coerce").astype("float64")
    if "inwoners" not in df.columns:
        df["inwoners"] = np.nan
    delivered = df.groupby(keys, as_index=False, dropna=False).agg(inwoners=("inwoners", "first"))
    frames = []
    for cluster, codes in mapping.items():
        sub = df[_matches(df["taakveld"], codes)]
        agg = sub.groupby(keys, as_index=False, dropna=False).agg(
            lasten_eur=("lasten_eur", lambda s: s.sum() if s.notna().all() else np.nan),
            n_taakvelden=("taakveld", "nunique"),
        )
        agg = delivered.merge(agg, on=keys, how="left")
        agg["lasten_eur"] = agg["lasten_eur"].where(agg["n_taakvelden"].notna(), 0.0).astype("float64")
        agg["n_taakvelden"] = agg["n_taakvelden"].fillna(0).astype("int64")
        agg["cluster"] = cluster
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    out = out[keys + ["cluster", "lasten_eur", "inwoners", "n_taakvelden"]]
    return out.sort_values(keys + ["cluster"], kind="stable").reset_index(drop=True)


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
        prev_key = tmp[gkeys].copy()
    else:
        base_val = pd.Series(base_rows["_v"].iloc[0] if len(base_rows) else np.nan, index=out.index)
        prev_key = pd.DataFrame(index=out.index)
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


# ------------------------------------------------------------------------------- begroting/realisatie
def begroting_vs_realisatie(
    df: pd.DataFrame,
    group_col: str | None = None,
    begroting: str = "begroting",
    realisatie: str = "realisatie",
) -> pd.DataFrame:
    """Compare budget and realisation per post and year (seed cost tables).

    A post that is absent from the realisatie rows, or whose ``bedrag_eur`` is empty (e.g. "pm"), is
    *missing* (``realisatie_ontbreekt``), which is different from a realisation of € 0. A year for which
    the source has no realisatie (or no begroting) at all is marked ``niet in bron`` and not flagged.

    Args:
        df: seed cost table: gemeentecode, jaar, post, soort, bedrag_eur (+ ``group_col``).
        group_col: optional grouping (opgave, maatregel); adds total rows per group and overall.
        begroting: soort value of the budget rows.
        realisatie: soort value of the realisation rows.

    Returns:
        New frame: gemeentecode, [group_col], post, jaar, niveau (``post``|``groep``|``totaal``),
        begroting_eur, realisatie_eur, verschil_eur (realisatie − begroting), realisatiegraad_pct,
        begroting_ontbreekt, realisatie_ontbreekt, budget_zonder_besteding, besteding_zonder_budget,
        status (Dutch text).
    """
    cols = [*SEED_COST_COLUMNS] + ([group_col] if group_col else [])
    require_columns(df, cols, "begroting_vs_realisatie")
    src = df[df["soort"].isin([begroting, realisatie])].copy()
    src["bedrag_eur"] = pd.to_numeric(src["bedrag_eur"], errors="coerce").astype("float64")
    keys = ["gemeentecode"] + ([group_col] if group_col else []) + ["post", "jaar"]
    piv = src.groupby(keys + ["soort"], dropna=False)["bedrag_eur"].agg(
        lambda s: s.sum() if s.notna().all() else np.nan
    )
    piv = piv.unstack("soort").reindex(columns=[begroting, realisatie]).reset_index()
    piv = piv.rename(columns={begroting: "begroting_eur", realisatie: "realisatie_eur"})
    piv.columns.name = None
    years_b = set(zip(src.loc[src["soort"] == begroting, "gemeentecode"], src.loc[src["soort"] == begroting, "jaar"]))
    years_r = set(
        zip(src.loc[src["soort"] == realisatie, "gemeentecode"], src.loc[src["soort"] == realisatie, "jaar"])
    )
    in_src_b = pd.Series([(g, j) in years_b for g, j in zip(piv["gemeentecode"], piv["jaar"])])
    in_src_r = pd.Series([(g, j) in years_r for g, j in zip(piv["gemeentecode"], piv["jaar"])])
    b, r = piv["begroting_eur"], piv["realisatie_eur"]
    piv["begroting_ontbreekt"] = (b.isna() & in_src_b).to_numpy()
    piv["realisatie_ontbreekt"] = (r.isna() & in_src_r).to_numpy()
    piv["budget_zonder_besteding"] = ((b > 0) & ((r == 0) | piv["realisatie_ontbreekt"])).to_numpy()
    piv["besteding_zonder_budget"] = ((r > 0) & ((b == 0) | piv["begroting_ontbreekt"])).to_numpy()
    piv["niveau"] = "post"
    piv["bron_b"], piv["bron_r"] = in_src_b.to_numpy(), in_src_r.to_numpy()
    if group_col:
        piv = pd.concat([piv, _budget_totals(piv, ["gemeentecode", group_col, "jaar"], "groep", group_col)])
    piv = pd.concat([piv, _budget_totals(piv[piv["niveau"] == "post"], ["gemeentecode", "jaar"], "totaal", None)])
    piv["verschil_eur"] = piv["realisatie_eur"] - piv["begroting_eur"]
    piv["realisatiegraad_pct"] = _safe_ratio(piv["realisatie_eur"], piv["begroting_eur"]) * 100
    piv["status"] = [_budget_status(row) for row in piv.itertuples(index=False)]
    out_cols = keys[:-2] + ["post", "jaar", "niveau", "begroting_eur", "realisatie_eur", "verschil_eur",
                            "realisatiegraad_pct", "begroting_ontbreekt", "realisatie_ontbreekt",
                            "budget_zonder_besteding", "besteding_zonder_budget", "status"]
    return piv[out_cols].reset_index(drop=True)


def _budget_totals(piv: pd.DataFrame, by: list[str], niveau: str, group_col: str | None) -> pd.DataFrame:
    agg = piv.groupby(by, dropna=False).agg(
        begroting_eur=("begroting_eur", lambda s: s.sum(min_count=1)),
        realisatie_eur=("realisatie_eur", lambda s: s.sum(min_count=1)),
        n_b_missing=("begroting_ontbreekt", "sum"),
        n_r_missing=("realisatie_ontbreekt", "sum"),
        bron_b=("bron_b", "any"),
        bron_r=("bron_r", "any"),
    ).reset_index()
    agg["post"] = [f"Totaal {g}" for g in agg[group_col]] if group_col else "Totaal"
    agg["niveau"] = niveau
    agg["begroting_ontbreekt"] = agg.pop("n_b_missing") > 0
    agg["realisatie_ontbreekt"] = agg.pop("n_r_missing") > 0
    agg["budget_zonder_besteding"] = False
    agg["besteding_zonder_budget"] = False
    return agg


def _budget_status(row) -> str:  # noqa: ANN001 - itertuples row
    b, r = row.begroting_eur, row.realisatie_eur
    if row.niveau != "post":
        text = "totaal"
        if row.realisatie_ontbreekt:
            text += " (let op: realisatie ontbreekt voor een of meer posten)"
        return text
    if not row.bron_r:
        return "realisatie niet in bron voor dit jaar"
    if not row.bron_b:
        return "begroting niet in bron voor dit jaar"
    if row.budget_zonder_besteding:
        return "budget zonder besteding (realisatie ontbreekt)" if row.realisatie_ontbreekt else (
            "budget zonder besteding (realisatie € 0)"
        )
    if row.besteding_zonder_budget:
        return "besteding zonder budget (begroting ontbreekt)" if row.begroting_ontbreekt else (
            "besteding zonder budget (begroting € 0)"
        )
    if row.realisatie_ontbreekt:
        return "realisatie ontbreekt"
    if row.begroting_ontbreekt:
        return "begroting ontbreekt"
    if pd.isna(b) and pd.isna(r):
        return "geen gegevens"
    if b == 0 and r == 0:
        return "geen budget en geen besteding"
    if r > b:
        return "overschrijding"
    return "binnen budget"


# ---------------------------------------------------------------------------------------- savings
def savings_ledger(
    df: pd.DataFrame,
    gepland: str = "besparing_gepland",
    gerealiseerd: str = "besparing_gerealiseerd",
    group_col: str | None = None,
) -> pd.DataFrame:
    """Planned vs realised savings per year, with cumulative totals, gap and realisation ratio.

    The amounts of all posts with the same soort are summed per gemeente and year (and per ``group_col``
    when given, e.g. ``post`` for seed 004's cuts per interventie). Pass only detail rows, not printed
    subtotals, or the savings are counted twice. An empty ``bedrag_eur`` (PM, not known) makes that year
    unknown (NaN, note) and the cumulative total unknown from that year on; it is never read as 0.

    Args:
        df: seed cost table: gemeentecode, jaar, post, soort, bedrag_eur.
        gepland: soort value of planned savings.
        gerealiseerd: soort value of realised savings.
        group_col: optional extra key (``post``, ``opgave``).

    Returns:
        New frame gemeentecode, [group_col], jaar, gepland_eur, gerealiseerd_eur, openstaand_eur
        (gepland − gerealiseerd), realisatiegraad_pct, cum_gepland_eur, cum_gerealiseerd_eur,
        cum_openstaand_eur, cum_realisatiegraad_pct, opmerking.
    """
    require_columns(df, [*SEED_COST_COLUMNS] + ([group_col] if group_col else []), "savings_ledger")
    src = df[df["soort"].isin([gepland, gerealiseerd])].copy()
    src["bedrag_eur"] = pd.to_numeric(src["bedrag_eur"], errors="coerce").astype("float64")
    keys = ["gemeentecode"] + ([group_col] if group_col else [])
    grp = src.groupby([*keys, "jaar", "soort"], dropna=False)["bedrag_eur"]
    amounts = grp.agg(lambda s: s.sum() if s.notna().all() else np.nan).unstack("soort")
    present = grp.size().unstack("soort").reindex(columns=[gepland, gerealiseerd]).notna()
    out = amounts.reindex(columns=[gepland, gerealiseerd])
    out.columns = ["gepland_eur", "gerealiseerd_eur"]
    out["heeft_planning"] = present[gepland].to_numpy()
    out["heeft_realisatie"] = present[gerealiseerd].to_numpy()
    out = out.reset_index().sort_values([*keys, "jaar"], kind="stable").reset_index(drop=True)
    out["openstaand_eur"] = out["gepland_eur"] - out["gerealiseerd_eur"]
    out["realisatiegraad_pct"] = _safe_ratio(out["gerealiseerd_eur"], out["gepland_eur"]) * 100
    grouped = out.groupby(keys, dropna=False, sort=False) if keys else None
    for col in ("gepland_eur", "gerealiseerd_eur"):
        out[f"cum_{col}"] = grouped[col].transform(lambda s: s.cumsum(skipna=False)).astype("float64")
    out["cum_openstaand_eur"] = out["cum_gepland_eur"] - out["cum_gerealiseerd_eur"]
    out["cum_realisatiegraad_pct"] = _safe_ratio(out["cum_gerealiseerd_eur"], out["cum_gepland_eur"]) * 100
    notes = []
    for row in out.itertuples(index=False):
        n = []
        if not row.heeft_realisatie:
            n.append("geen realisatie opgegeven")
        elif pd.isna(row.gerealiseerd_eur):
            n.append("realisatie onbekend (pm)")
        if not row.heeft_planning:
            n.append("geen geplande besparing opgegeven")
        elif pd.isna(row.gepland_eur):
            n.append("geplande besparing onbekend (pm)")
        notes.append(_join_notes(*n))
    out["opmerking"] = notes
    return out.drop(columns=["heeft_planning", "heeft_realisatie"])


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
    first_after = out.loc[~before].groupby(gkeys, dropna=False)["_y"].transform("min") if gkeys else (
        pd.Series(out.loc[~before, "_y"].min(), index=out.loc[~before].index)
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
        (jaarrekening − begroting), afwijking_pct (of begroting; NaN when the begroting is 0 or missing).
    """
    require_columns(frame, ["gemeentecode", "jaar", "soort", key, value_col], "begroting_jaarrekening")
    df = frame if gemeentecode is None else frame[frame["gemeentecode"] == gemeentecode]
    df = df[df["soort"].isin(["begroting", "jaarrekening"])]
    wide = (df.groupby(["gemeentecode", "jaar", key, "soort"], observed=True)[value_col]
            .sum(min_count=1).unstack("soort").reindex(columns=["begroting", "jaarrekening"]))
    wide.columns.name = None
    out = wide.reset_index().rename(columns={"begroting": "begroting_eur", "jaarrekening": "jaarrekening_eur"})
    out = out.astype({"begroting_eur": "float64", "jaarrekening_eur": "float64"})
    out["afwijking_eur"] = out["jaarrekening_eur"] - out["begroting_eur"]
    out["afwijking_pct"] = _safe_ratio(out["afwijking_eur"], out["begroting_eur"]) * 100
    return out
