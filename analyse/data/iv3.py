"""Iv3 lasten per taakveld per gemeente (``lasten.parquet``) and the taakveld crosswalk.

Pure functions of explicit paths/frames. Final signature for the build::

    build_lasten(lasten_csv, inwoners_csv, crosswalk_yml=None) -> DataFrame

``lasten_csv`` is ``iv3-lasten-taakveld-gemeenten/iv3_lasten_per_taakveld_long.csv`` (€ × 1000),
``inwoners_csv`` is ``inwoners_per_gemeente_jaar.csv``. Use :func:`build_lasten_report` to also get the
dropped non-deliveries.

Non-delivery: the source turned "geen opgave" (-99998) into 0, so a gemeente-year-soort that did not deliver
appears with all taakvelden 0. Such a gemeente-year-soort (total lasten 0, i.e. every taakveld 0) is dropped:
it is missing, not zero (docs/contracts.md). Partial non-delivery inside a delivered file cannot be told
apart from a real 0 and is kept.

The crosswalk lives in ``analyse/data/taakvelden.yml`` (2023 split of 6.72, 2025 re-division of 6.2, 6.6,
6.72 and the new 6.79/6.91/6.92); :func:`cluster_mapping` gives the report clusters over harmonised codes.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import yaml

from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

CROSSWALK_YML: Path = Path(__file__).with_name("taakvelden.yml")
LASTEN_COLUMNS: list[str] = ["gemeentecode", "jaar", "soort", "taakveld", "taakveld_bron", "lasten_eur", "inwoners"]
SOORTEN = {"X000": "begroting", "X005": "jaarrekening"}
KEY = ["gemeentecode", "jaar", "soort"]


def load_crosswalk(path: Path | None = None) -> dict:
    """Read the taakveld crosswalk YAML (default :data:`CROSSWALK_YML`)."""
    with open(path or CROSSWALK_YML, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    for key in ("crosswalk", "clusters", "harmonised"):
        if key not in data:
            raise DataIntegrityError(f"{path or CROSSWALK_YML}: missing section {key!r}")
    return data


def crosswalk_frame(crosswalk: dict | None = None) -> pd.DataFrame:
    """The explicit crosswalk rows as a frame: taakveld_bron, jaar, taakveld (one row per year)."""
    cw = crosswalk or load_crosswalk()
    rows = [
        {"taakveld_bron": str(r["bron"]), "jaar": year, "taakveld": str(r["taakveld"])}
        for r in cw["crosswalk"]
        for year in range(int(r["from"]), int(r["to"]) + 1)
    ]
    out = pd.DataFrame(rows)
    if out.duplicated(["taakveld_bron", "jaar"]).any():
        raise DataIntegrityError("taakvelden.yml: a delivered code is mapped twice in one year")
    return out


def harmonise_taakveld(taakveld_bron: pd.Series, jaar: pd.Series, crosswalk: dict | None = None) -> pd.Series:
    """Harmonised taakveld code for delivered codes in given years (identity where no crosswalk row).

    Raises:
        DataIntegrityError: a code that the crosswalk only knows for other years (e.g. 6.73 in 2022).
    """
    cw = crosswalk_frame(crosswalk)
    keyed = pd.DataFrame({"taakveld_bron": taakveld_bron.astype(str).to_numpy(), "jaar": jaar.astype(int).to_numpy()})
    merged = keyed.merge(cw, on=["taakveld_bron", "jaar"], how="left")
    listed = keyed["taakveld_bron"].isin(cw["taakveld_bron"]).to_numpy()
    unmapped = listed & merged["taakveld"].isna().to_numpy()
    if unmapped.any():
        bad = keyed.loc[unmapped].drop_duplicates().head(5).to_dict("records")
        raise DataIntegrityError(f"taakveld codes outside their crosswalk years: {bad}")
    return pd.Series(merged["taakveld"].fillna(merged["taakveld_bron"]).to_numpy(), index=taakveld_bron.index,
                     name="taakveld")


def cluster_mapping(crosswalk: dict | None = None, codes: list[str] | None = None) -> dict[str, list[str]]:
    """Report clusters as ``{cluster: [harmonised taakveld, ...]}`` with prefixes expanded.

    Args:
        crosswalk: parsed YAML (default the package file).
        codes: all harmonised codes to expand ``6.*`` / ``*`` against; default the codes named in the YAML
            plus the standard Iv3 codes of hoofdtaakvelden 0-8.
    """
    cw = crosswalk or load_crosswalk()
    known = sorted(set(codes or _standard_codes()) | {str(r["taakveld"]) for r in cw["crosswalk"]},
                   key=lambda c: [int(p) for p in c.split(".")])
    harmonised = [c for c in known if c not in _replaced_codes(cw)]
    out = {}
    for cluster, items in cw["clusters"].items():
        expanded: list[str] = []
        for item in map(str, items):
            expanded += [c for c in harmonised if c.startswith(item[:-1])] if item.endswith("*") else [item]
        out[str(cluster)] = list(dict.fromkeys(expanded))
    return out


def _replaced_codes(cw: dict) -> set[str]:
    """Delivered codes that never are a harmonised code themselves (e.g. 6.73, 6.60)."""
    targets = {str(r["taakveld"]) for r in cw["crosswalk"]}
    return {str(r["bron"]) for r in cw["crosswalk"]} - targets


def _standard_codes() -> list[str]:
    return ["0.1", "0.2", "0.3", "0.4", "0.5", "0.61", "0.62", "0.63", "0.64", "0.7", "0.8", "0.9",
            "1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "3.1", "3.2", "3.3", "3.4", "4.1", "4.2", "4.3",
            "5.1", "5.2", "5.3", "5.4", "5.5", "5.6", "5.7", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6",
            "6.71", "6.72", "6.81", "6.82", "7.1", "7.2", "7.3", "7.4", "7.5", "8.1", "8.2", "8.3"]


def read_lasten(path: Path) -> pd.DataFrame:
    """Read the long Iv3 lasten file: gemeentecode, jaar, soort, taakveld_bron, lasten_x1000."""
    raw = pd.read_csv(path, dtype={"taakveld": str, "gm_code": str, "verslagsoort": str, "soort": str})
    need = {"jaar", "verslagsoort", "soort", "gm_code", "taakveld", "lasten_x1000_eur"}
    if need - set(raw.columns):
        raise DataIntegrityError(f"{path}: missing columns {sorted(need - set(raw.columns))}")
    suffix = raw["verslagsoort"].str[4:].map(SOORTEN)
    if (suffix != raw["soort"]).any():
        raise DataIntegrityError(f"{path}: soort does not match verslagsoort in {(suffix != raw['soort']).sum()} rows")
    out = pd.DataFrame({
        "gemeentecode": raw["gm_code"], "jaar": raw["jaar"].astype(int), "soort": raw["soort"],
        "taakveld_bron": raw["taakveld"], "lasten_x1000": raw["lasten_x1000_eur"].astype(float),
    })
    if out.duplicated([*KEY, "taakveld_bron"]).any():
        raise DataIntegrityError(f"{path}: duplicate gemeente-jaar-soort-taakveld rows")
    return out


def non_deliveries(lasten: pd.DataFrame, value: str = "lasten_x1000") -> pd.DataFrame:
    """Gemeente-year-soorten without a delivery: every taakveld 0 (so total 0).

    Returns:
        gemeentecode, jaar, soort of the non-deliveries.
    """
    grouped = lasten.assign(_nonzero=lasten[value].ne(0)).groupby(KEY, as_index=False)["_nonzero"].any()
    return grouped.loc[~grouped["_nonzero"], KEY].reset_index(drop=True)


def build_lasten_report(lasten_csv: Path, inwoners_csv: Path, crosswalk_yml: Path | None = None
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build ``lasten`` and return it with the dropped non-deliveries.

    Returns:
        (lasten in the contract shape, dropped gemeente-year-soorten).
    """
    raw = read_lasten(Path(lasten_csv))
    dropped = non_deliveries(raw)
    kept = raw.merge(dropped.assign(_drop=True), on=KEY, how="left")
    kept = kept.loc[kept["_drop"].isna()].drop(columns="_drop")
    cw = load_crosswalk(crosswalk_yml)
    inwoners = pd.read_csv(inwoners_csv, dtype={"gm_code": str}).rename(
        columns={"gm_code": "gemeentecode", "aantal_inwoners": "inwoners"}, errors="raise")
    out = (
        kept.assign(taakveld=harmonise_taakveld(kept["taakveld_bron"], kept["jaar"], cw),
                    lasten_eur=kept["lasten_x1000"] * 1000.0)
        .merge(inwoners[["gemeentecode", "jaar", "inwoners"]].astype({"inwoners": float}),
               on=["gemeentecode", "jaar"], how="left", validate="many_to_one")
    )[LASTEN_COLUMNS].sort_values([*KEY, "taakveld_bron"]).reset_index(drop=True)
    _check_out(raw, dropped, out)
    log.info("Iv3 lasten: %d gemeente-jaar-soorten zonder levering weggelaten", len(dropped))
    return out, dropped


def _check_out(raw: pd.DataFrame, dropped: pd.DataFrame, out: pd.DataFrame) -> None:
    """Sanity checks OUT: totals per gemeente-year-soort equal the source; nothing zero-total left."""
    src = raw.groupby(KEY)["lasten_x1000"].sum() * 1000.0
    got = out.groupby(KEY)["lasten_eur"].sum()
    assert len(got) == len(src) - len(dropped), "gemeente-jaar-soorten lost besides the non-deliveries"
    diff = (src.reindex(got.index) - got).abs()
    assert (diff < 0.5).all(), f"lasten per gemeente-jaar-soort differ from the source: {diff.idxmax()}"
    assert got.ne(0).all(), "a zero-total gemeente-jaar-soort survived"
    assert not out.duplicated([*KEY, "taakveld_bron"]).any(), "duplicate taakveld rows"


def build_lasten(lasten_csv: Path, inwoners_csv: Path, crosswalk_yml: Path | None = None) -> pd.DataFrame:
    """Build ``lasten.parquet`` (docs/contracts.md): euro, harmonised taakveld, non-deliveries dropped.

    Args:
        lasten_csv: ``iv3_lasten_per_taakveld_long.csv`` (€ × 1000).
        inwoners_csv: ``inwoners_per_gemeente_jaar.csv``.
        crosswalk_yml: taakveld crosswalk (default ``analyse/data/taakvelden.yml``).

    Returns:
        gemeentecode, jaar, soort, taakveld, taakveld_bron, lasten_eur, inwoners.
    """
    return build_lasten_report(lasten_csv, inwoners_csv, crosswalk_yml)[0]


def check_summary(lasten: pd.DataFrame, summary_csv: Path) -> pd.DataFrame:
    """Compare total lasten per gemeente-year-soort with ``iv3_summary_per_gemeente.csv`` (``lasten`` × 1000).

    Returns:
        Rows where the totals differ by more than € 1 (empty when consistent).
    """
    summary = pd.read_csv(summary_csv, dtype={"gm_code": str})
    ref = pd.DataFrame({"gemeentecode": summary["gm_code"], "jaar": summary["jaar"].astype(int),
                        "soort": summary["soort"], "summary_eur": summary["lasten"].astype(float) * 1000.0})
    got = lasten.groupby(KEY, as_index=False)["lasten_eur"].sum()
    both = got.merge(ref, on=KEY, how="left")
    return both.loc[(both["lasten_eur"] - both["summary_eur"]).abs().gt(1) | both["summary_eur"].isna()]


def national_totals(lasten: pd.DataFrame, soort: str = "jaarrekening", by: str = "taakveld_bron") -> pd.DataFrame:
    """National lasten (bn €) per jaar and taakveld for sanity checks against published totals."""
    sel = lasten.loc[lasten["soort"] == soort]
    return (sel.groupby(["jaar", by])["lasten_eur"].sum() / 1e9).rename("lasten_mld").reset_index()


CLUSTER_INPUT_COLUMNS: list[str] = ["gemeentecode", "jaar", "soort", "taakveld", "lasten_eur"]


def _matches(taakveld: pd.Series, codes: list[str]) -> pd.Series:
    """Rows whose taakveld is one of ``codes`` (a code ending in ``*`` is a prefix, ``*`` alone is all)."""
    tv = taakveld.astype("string")
    mask = pd.Series(False, index=taakveld.index)
    exact = [c for c in codes if not c.endswith("*")]
    if exact:
        mask |= tv.isin(exact).fillna(False).astype(bool)
    for code in codes:
        if code.endswith("*"):
            mask |= tv.str.startswith(code[:-1]).fillna(False).astype(bool)
    return mask


def cluster_lasten(lasten: pd.DataFrame, mapping: dict[str, list[str]] | None = None) -> pd.DataFrame:
    """Sum Iv3 lasten per gemeente, jaar, soort and cluster (the ``lasten_clusters`` table).

    Args:
        lasten: ``lasten.parquet`` shape: gemeentecode, jaar, soort, taakveld, lasten_eur (+ inwoners).
        mapping: ``{cluster: [taakveld, ...]}``; default :func:`cluster_mapping`. A cluster ``totaal`` absent
            from the mapping means all taakvelden. Taakvelden may sit in several clusters
            (jeugd ⊂ sociaal_domein_totaal ⊂ totaal).

    Returns:
        New frame gemeentecode, jaar, soort, cluster, lasten_eur, inwoners, n_taakvelden. Only
        gemeente-jaar-soort combinations that delivered appear. A delivered combination without rows for
        a cluster gets 0 (Iv3 leaves empty cells out); a NaN lasten_eur in a cluster makes the sum NaN.

    Raises:
        DataIntegrityError: a required column is missing.
    """
    missing = [c for c in CLUSTER_INPUT_COLUMNS if c not in lasten.columns]
    if missing:
        raise DataIntegrityError(f"cluster_lasten: kolom(men) ontbreken: {', '.join(missing)}")
    mapping = {str(k): [str(c) for c in v] for k, v in (mapping if mapping is not None else cluster_mapping()).items()}
    mapping.setdefault("totaal", ["*"])
    df = lasten.assign(lasten_eur=pd.to_numeric(lasten["lasten_eur"], errors="coerce").astype("float64"))
    if "inwoners" not in df.columns:
        df = df.assign(inwoners=float("nan"))
    delivered = df.groupby(KEY, as_index=False, dropna=False).agg(inwoners=("inwoners", "first"))
    frames = []
    for cluster, codes in mapping.items():
        sub = df[_matches(df["taakveld"], codes)]
        sub = sub.assign(_nan=sub["lasten_eur"].isna())
        agg = sub.groupby(KEY, as_index=False, dropna=False).agg(
            lasten_eur=("lasten_eur", "sum"), _nan=("_nan", "any"), n_taakvelden=("taakveld", "nunique"),
        )
        agg = agg.assign(lasten_eur=agg["lasten_eur"].mask(agg.pop("_nan"))).reset_index(drop=True)
        agg = delivered.merge(agg, on=KEY, how="left")
        agg["lasten_eur"] = agg["lasten_eur"].where(agg["n_taakvelden"].notna(), 0.0).astype("float64")
        agg["n_taakvelden"] = agg["n_taakvelden"].fillna(0).astype("int64")
        agg["cluster"] = cluster
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)[KEY + ["cluster", "lasten_eur", "inwoners", "n_taakvelden"]]
    return out.sort_values(KEY + ["cluster"], kind="stable").reset_index(drop=True)
