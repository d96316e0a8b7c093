"""Build the gemeente registry (``gemeenten.parquet``) and the herindelingen map (``herindelingen.parquet``).

Pure functions of explicit file paths and frames; no hidden I/O, nothing written. The build orchestration
(``analyse.data.build``) calls :func:`build_gemeenten` with the verified raw snapshots.

Final signature::

    build_gemeenten(
        gemeenten_csv,       # iv3-lasten-taakveld-gemeenten/gemeenten_per_jaar.csv   (jaar, gm_code, gm_naam, prv_code)
        regios_2016_csv,     # gebieden-in-nederland-2016-83287NED/gemeente_regios_2016.csv
        herindelingen_csv,   # gemeente-herindelingen-tot-2018/gm_changes_before_2018.csv (';', Latin-1)
        grenswijziging_csv,  # grenswijziging-gemeente-matrices-2016-2024/grenswijziging_gemeente_long.csv
        ggd2021_csv,         # gemeente-ggdregio-2021-certegis/gemeente_ggdregio_2021.csv
        corop2024_csv,       # corop-woonplaats-gemeente-2024/corop.generated.csv
        inwoners_csv,        # iv3-lasten-taakveld-gemeenten/inwoners_per_gemeente_jaar.csv
        names_dir,           # gebieden-in-nederland-2016-83287NED/
                             #   (ggdregio_/jeugdzorgregio_/arbeidsmarktregio_2016_namen.csv)
    ) -> tuple[gemeenten, herindelingen]

The grenswijziging matrices are read from the long CSV (converted 1:1 from the ``.rda`` files, non-zero
cells only, variant ``pc6_huisnummer``); :func:`read_grenswijziging_rda` reads an ``.rda`` directly with
pyreadr for cross-checks.

Decisions (see also the tests):

* Herindelingen up to indelingsjaar 2016 come from ``gm_changes_before_2018`` (CBS list); from 2017 on from
  the year-to-year difference of ``gemeenten_per_jaar`` plus the address matrices of the consecutive years
  (the successor that receives most addresses is the main successor; a gemeente that hands at least 1 % of
  its addresses to another successor is flagged ``gesplitst``). ``jaar`` is the first indelingsjaar
  (1 January) without the old code; ``datum`` is the date of the herindeling (1 January of ``jaar`` unless
  the source or :data:`HERINDELING_DATES` says otherwise, e.g. Weesp 2022-03-24).
* Regions: the 2016 classification (83287NED) is carried forward through the main-successor chains. A
  merged gemeente gets the region of its members when they agree; otherwise the region of the member with
  most addresses (address matrix from 2016 to the target indeling) and ``region_source`` says so.
  Newer official lists take precedence where they exist: provincie from ``prv_code`` of
  ``gemeenten_per_jaar`` (2016-2026), GGD-regio from the 2021 GGD list (carried forward for 2022+),
  COROP from the 2024 COROP list (2024-2026). Years 2010-2015 take the 2016 regions of the gemeente itself
  or, for a gemeente dissolved before 2016, of its 2016 successor (marked "via opvolger").
* Jeugdzorgregio and arbeidsmarktregio exist here only in their 2016 layout; later changes of the
  regions themselves (not caused by herindelingen) are not known to the build.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

FIRST_YEAR = 2010
LAST_YEAR = 2026
SPLIT_MIN_SHARE = 0.01
"""A successor receiving at least this share of an old gemeente's addresses makes it a partial split."""

PROVINCIES: dict[str, str] = {
    "PV20": "Groningen",
    "PV21": "Fryslân",
    "PV22": "Drenthe",
    "PV23": "Overijssel",
    "PV24": "Flevoland",
    "PV25": "Gelderland",
    "PV26": "Utrecht",
    "PV27": "Noord-Holland",
    "PV28": "Zuid-Holland",
    "PV29": "Zeeland",
    "PV30": "Noord-Brabant",
    "PV31": "Limburg",
}

GROOTTEKLASSEN: tuple[tuple[float, str], ...] = (
    (5_000, "minder dan 5.000 inwoners"),
    (10_000, "5.000 tot 10.000 inwoners"),
    (20_000, "10.000 tot 20.000 inwoners"),
    (50_000, "20.000 tot 50.000 inwoners"),
    (100_000, "50.000 tot 100.000 inwoners"),
    (150_000, "100.000 tot 150.000 inwoners"),
    (250_000, "150.000 tot 250.000 inwoners"),
    (np.inf, "250.000 inwoners of meer"),
)
"""CBS gemeentegrootteklassen (upper bound exclusive, label)."""

HERINDELING_DATES: dict[str, str] = {"GM0457": "2022-03-24"}
"""Herindelingen after 2017 not on 1 January (the sources carry no dates): Weesp → Amsterdam."""

GGD_2021_RENAMED: dict[str, str] = {"GGD Twente": "GG1106"}
"""GGD names of the 2021 list that differ from their 2016 name (GG1106 was "GGD Regio Twente")."""

ROLES: tuple[str, ...] = ("provincie", "ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop")

COLUMNS: list[str] = [
    "gemeentecode", "indelingsjaar", "gemeentenaam", "provincie_code", "provincie_naam",
    "ggd_regio_code", "ggd_regio_naam", "jeugdzorgregio_code", "jeugdzorgregio_naam",
    "arbeidsmarktregio_code", "arbeidsmarktregio_naam", "corop_code", "corop_naam",
    "inwoners", "grootteklasse", "region_source",
]
HERINDELING_COLUMNS: list[str] = [
    "oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "datum", "jaar", "bron",
    "gesplitst", "aandeel", "overige_opvolgers",
]

_MOJIBAKE = "‚˙ƒ„†‡ˆ‰‹Œ›œŸ�"
_REGION_COLUMNS_2016 = {
    "gm_code": "gemeentecode",
    "Provincies": "provincie_code",
    "GGD-regio's": "ggd_regio_code",
    "Jeugdzorgregios": "jeugdzorgregio_code",
    "Arbeidsmarktregio's": "arbeidsmarktregio_code",
    "COROP-gebieden": "corop_code",
}


# --------------------------------------------------------------------------------------------- readers
def read_gemeenten_per_jaar(path: Path) -> pd.DataFrame:
    """Read the gemeente list per indelingsjaar and repair mis-encoded names.

    Args:
        path: ``gemeenten_per_jaar.csv`` (jaar, gm_code, gm_naam, prv_code).

    Returns:
        Columns gemeentecode, indelingsjaar (int), gemeentenaam, provincie_code (``PVxx`` or NA).
        Names with mojibake (e.g. ``Skarsterl‚n`` in 2013) take the clean name of the same code in the
        nearest year.
    """
    raw = pd.read_csv(path, dtype={"gm_code": str, "gm_naam": str, "prv_code": str})
    missing = {"jaar", "gm_code", "gm_naam", "prv_code"} - set(raw.columns)
    if missing:
        raise DataIntegrityError(f"{path}: missing columns {sorted(missing)}")
    out = pd.DataFrame({
        "gemeentecode": raw["gm_code"].str.strip().str.upper(),
        "indelingsjaar": raw["jaar"].astype(int),
        "gemeentenaam": raw["gm_naam"].str.strip(),
        "provincie_code": ("PV" + raw["prv_code"].str.strip().str.zfill(2)).where(raw["prv_code"].notna()),
    })
    assert out["gemeentecode"].str.fullmatch(r"GM\d{4}").all(), f"{path}: malformed gm_code"
    dup = out.duplicated(["gemeentecode", "indelingsjaar"])
    if dup.any():
        raise DataIntegrityError(f"{path}: duplicate gemeente-year rows: {out[dup].head().to_dict('records')}")
    return out.assign(gemeentenaam=_repair_names(out))


def _repair_names(frame: pd.DataFrame) -> pd.Series:
    """Replace mis-encoded names by the clean name of the same code in the nearest year."""
    bad = frame["gemeentenaam"].str.contains(f"[{_MOJIBAKE}]", regex=True)
    if not bad.any():
        return frame["gemeentenaam"]
    clean = frame.loc[~bad, ["gemeentecode", "indelingsjaar", "gemeentenaam"]]
    fixes = (
        frame.loc[bad, ["gemeentecode", "indelingsjaar"]].reset_index()
        .merge(clean, on="gemeentecode", suffixes=("", "_clean"))
        .assign(dist=lambda d: (d["indelingsjaar"] - d["indelingsjaar_clean"]).abs())
        .sort_values(["index", "dist", "indelingsjaar_clean"])
        .drop_duplicates("index")
        .set_index("index")["gemeentenaam"]
    )
    if len(fixes) < bad.sum():
        raise DataIntegrityError(f"mis-encoded gemeente names without a clean spelling: "
                                 f"{frame.loc[bad & ~frame.index.isin(fixes.index), 'gemeentenaam'].tolist()}")
    return frame["gemeentenaam"].where(~bad, fixes.reindex(frame.index))


def read_regios_2016(path: Path) -> pd.DataFrame:
    """Read 83287NED (Gebieden in Nederland 2016): one row per 2016 gemeente with the five region codes."""
    raw = pd.read_csv(path, dtype=str)
    missing = set(_REGION_COLUMNS_2016) - set(raw.columns)
    if missing:
        raise DataIntegrityError(f"{path}: missing columns {sorted(missing)}")
    out = raw[list(_REGION_COLUMNS_2016)].rename(columns=_REGION_COLUMNS_2016, errors="raise")
    if out["gemeentecode"].duplicated().any() or out.isna().any().any():
        raise DataIntegrityError(f"{path}: duplicate gemeenten or empty region codes")
    return out.reset_index(drop=True)


def read_region_names(names_dir: Path) -> dict[str, pd.Series]:
    """Read the 2016 region names (GGD, jeugdzorgregio, arbeidsmarktregio) from ``names_dir``.

    Returns:
        role → Series code → naam.
    """
    files = {
        "ggd_regio": "ggdregio_2016_namen.csv",
        "jeugdzorgregio": "jeugdzorgregio_2016_namen.csv",
        "arbeidsmarktregio": "arbeidsmarktregio_2016_namen.csv",
    }
    out = {}
    for role, name in files.items():
        frame = pd.read_csv(Path(names_dir) / name, dtype=str)
        if frame["code"].duplicated().any():
            raise DataIntegrityError(f"{names_dir}/{name}: duplicate codes")
        out[role] = frame.set_index("code")["naam"]
    out["provincie"] = pd.Series(PROVINCIES)
    return out


def read_gm_changes(path: Path) -> pd.DataFrame:
    """Read the CBS herindelingen list up to 1-1-2017 (``gm_changes_before_2018.csv``, ';', Latin-1).

    Returns:
        Columns oude_code, nieuwe_code, datum (ISO), jaar (first indelingsjaar without the old code).
        Rows with oude == nieuwe (name changes) and exact duplicates are dropped.
    """
    raw = pd.read_csv(path, sep=";", encoding="latin-1", dtype=str)
    need = {"Bestaan tot", "Oude", "Nieuwe"}
    if need - set(raw.columns):
        raise DataIntegrityError(f"{path}: missing columns {sorted(need - set(raw.columns))}")
    datum = pd.to_datetime(raw["Bestaan tot"], format="%d-%m-%Y")
    on_new_year = (datum.dt.month == 1) & (datum.dt.day == 1)
    return (
        pd.DataFrame({
            "oude_code": raw["Oude"].str.strip(),
            "nieuwe_code": raw["Nieuwe"].str.strip(),
            "datum": datum.dt.strftime("%Y-%m-%d"),
            "jaar": (datum.dt.year + (~on_new_year).astype(int)).astype(int),
        })
        .query("oude_code != nieuwe_code")
        .drop_duplicates()
        .reset_index(drop=True)
    )


def read_grenswijziging(path: Path, variant: str = "pc6_huisnummer") -> pd.DataFrame:
    """Read the long address matrices between indelingen (non-zero cells).

    Returns:
        Columns van_jaar, naar_jaar, van_code, naar_code, adressen (one variant only).
    """
    raw = pd.read_csv(path, dtype={"gm_code_van": str, "gm_code_naar": str})
    need = {"van_jaar", "naar_jaar", "variant", "gm_code_van", "gm_code_naar", "aantal_adressen"}
    if need - set(raw.columns):
        raise DataIntegrityError(f"{path}: missing columns {sorted(need - set(raw.columns))}")
    out = raw.loc[raw["variant"] == variant].rename(
        columns={"gm_code_van": "van_code", "gm_code_naar": "naar_code", "aantal_adressen": "adressen"},
        errors="raise",
    )
    return out[["van_jaar", "naar_jaar", "van_code", "naar_code", "adressen"]].reset_index(drop=True)


def read_grenswijziging_rda(path: Path) -> pd.DataFrame:
    """Read one ``grenswijziging_gemeente_van_YYYY_naar_ZZZZ.rda`` matrix with pyreadr into long form.

    The R matrix has the new gemeenten as rows and the old ones as columns (4-digit codes).

    Returns:
        Columns van_code, naar_code, adressen (non-zero cells).
    """
    import pyreadr  # optional dependency, only needed for this cross-check  # noqa: PLC0415 – optional dependency pyreadr, only for this cross-check

    (matrix,) = pyreadr.read_r(str(path)).values()
    if matrix.empty:
        return pd.DataFrame({"van_code": [], "naar_code": [], "adressen": []})
    long = matrix.rename_axis(index="naar_code", columns="van_code").stack().rename("adressen").reset_index()
    return (
        long.loc[long["adressen"] > 0]
        .assign(van_code=lambda d: "GM" + d["van_code"].astype(str),
                naar_code=lambda d: "GM" + d["naar_code"].astype(str))
        [["van_code", "naar_code", "adressen"]].reset_index(drop=True)
    )


def read_ggd_2021(path: Path) -> pd.DataFrame:
    """Read the 2021 gemeente → GGD-regio list and attach GG codes (2016 code by name, see GGD_2021_RENAMED).

    Returns:
        Columns gemeentecode, ggd_regio_code, ggd_regio_naam (2021 name).
    """
    raw = pd.read_csv(path, dtype=str)
    code = raw["ggd_code_2016_by_name"].fillna(raw["ggdregio_naam"].map(GGD_2021_RENAMED))
    if code.isna().any():
        raise DataIntegrityError(f"{path}: GGD names without a code: {raw.loc[code.isna(), 'ggdregio_naam'].unique()}")
    out = pd.DataFrame({"gemeentecode": raw["gm_code"], "ggd_regio_code": code, "ggd_regio_naam": raw["ggdregio_naam"]})
    if out.groupby("ggd_regio_code")["ggd_regio_naam"].nunique().gt(1).any():
        raise DataIntegrityError(f"{path}: one GGD code with several names")
    return out


def read_corop_2024(path: Path) -> pd.DataFrame:
    """Read the woonplaats → gemeente → COROP list (indeling 2024), one row per gemeente.

    Returns:
        Columns gemeentecode, corop_code (``CRxx``), corop_naam.
    """
    raw = pd.read_csv(path, dtype=str)
    out = (
        pd.DataFrame({
            "gemeentecode": "GM" + raw["Gemeentecode"].str.zfill(4),
            "corop_code": "CR" + raw["COROP-gebiedcode"].str.zfill(2),
            "corop_naam": raw["COROP-gebied"],
        })
        .drop_duplicates()
        .reset_index(drop=True)
    )
    if out["gemeentecode"].duplicated().any():
        raise DataIntegrityError(f"{path}: gemeente in several COROP regions")
    return out


def read_inwoners(path: Path) -> pd.DataFrame:
    """Read inwoners per gemeente-year (1 January): columns gemeentecode, jaar, inwoners (float)."""
    raw = pd.read_csv(path, dtype={"gm_code": str})
    out = pd.DataFrame({
        "gemeentecode": raw["gm_code"].str.strip(),
        "jaar": raw["jaar"].astype(int),
        "inwoners": raw["aantal_inwoners"].astype(float),
    })
    if out.duplicated(["gemeentecode", "jaar"]).any():
        raise DataIntegrityError(f"{path}: duplicate gemeente-year rows")
    return out


# --------------------------------------------------------------------------------------- herindelingen
def derive_herindelingen(
    gemeenten: pd.DataFrame, changes: pd.DataFrame, matrices: pd.DataFrame, split_year: int = 2017
) -> pd.DataFrame:
    """Derive the explicit old → successor map for every code that disappears 2010-2026.

    Args:
        gemeenten: output of :func:`read_gemeenten_per_jaar`.
        changes: output of :func:`read_gm_changes` (used for jaar < ``split_year``, and for jaar 2010).
        matrices: output of :func:`read_grenswijziging` (consecutive-year matrices for jaar >= ``split_year``).
        split_year: first indelingsjaar taken from the matrices.

    Returns:
        One row per (oude_code, jaar) with :data:`HERINDELING_COLUMNS`; ``nieuwe_code`` is the main successor.

    Raises:
        DataIntegrityError: a code disappears without a known successor, or a successor does not exist.
    """
    old = changes.loc[(changes["jaar"] >= FIRST_YEAR) & (changes["jaar"] < split_year)].assign(
        adressen=np.nan, bron="CBS herindelingen (gm_changes_before_2018)"
    )
    consecutive = matrices.loc[
        (matrices["naar_jaar"] == matrices["van_jaar"] + 1) & (matrices["naar_jaar"] >= split_year)
    ]
    gone = _disappearing_codes(gemeenten)
    new = (
        consecutive.rename(columns={"van_code": "oude_code", "naar_code": "nieuwe_code", "naar_jaar": "jaar"})
        .merge(gone, on=["oude_code", "jaar"])
        .assign(datum=lambda d: d["jaar"].astype(str) + "-01-01",
                bron=lambda d: ("gemeenten_per_jaar + grenswijziging " + (d["jaar"] - 1).astype(str)
                                + "→" + d["jaar"].astype(str)))
    )
    events = _main_successor(pd.concat([old, new[old.columns]], ignore_index=True))
    missing = gone.merge(events, on=["oude_code", "jaar"], how="left", indicator=True).query("_merge == 'left_only'")
    if len(missing):
        raise DataIntegrityError("gemeenten that disappear without a known successor: "
                                 f"{missing[['oude_code', 'jaar']].to_dict('records')}")
    return _attach_names(events, gemeenten)


def _disappearing_codes(gemeenten: pd.DataFrame) -> pd.DataFrame:
    """Codes present in year t-1 but absent in t: columns oude_code, jaar (= t)."""
    present = gemeenten[["gemeentecode", "indelingsjaar"]]
    nxt = present.assign(indelingsjaar=present["indelingsjaar"] + 1)
    out = nxt.merge(present, how="left", indicator=True).query(
        "_merge == 'left_only' and indelingsjaar <= @gemeenten.indelingsjaar.max()"
    )
    return out.rename(columns={"gemeentecode": "oude_code", "indelingsjaar": "jaar"})[["oude_code", "jaar"]]


def _main_successor(rows: pd.DataFrame) -> pd.DataFrame:
    """Collapse successor rows to one row per (oude_code, jaar): main successor, share and split flag."""
    rows = rows.assign(
        aandeel=rows["adressen"] / rows.groupby(["oude_code", "jaar"])["adressen"].transform("sum"),
        n=rows.groupby(["oude_code", "jaar"])["nieuwe_code"].transform("size"),
    )
    # Without address counts (CBS list before 2017) the first listed successor is the main one.
    ranked = rows.assign(_order=np.arange(len(rows))).sort_values(
        ["oude_code", "jaar", "aandeel", "_order"], ascending=[True, True, False, True], na_position="last"
    )
    main = ranked.drop_duplicates(["oude_code", "jaar"])
    others = (
        ranked.loc[~ranked.index.isin(main.index) & ~(ranked["aandeel"] < SPLIT_MIN_SHARE)]
        .groupby(["oude_code", "jaar"])["nieuwe_code"].agg(";".join).rename("overige_opvolgers")
    )
    out = main.merge(others, on=["oude_code", "jaar"], how="left")
    return out.assign(
        overige_opvolgers=out["overige_opvolgers"].fillna(""),
        gesplitst=out["overige_opvolgers"].notna(),
        datum=out["datum"].where(~out["oude_code"].isin(HERINDELING_DATES), out["oude_code"].map(HERINDELING_DATES)),
    ).drop(columns=["n", "_order", "adressen"])


def _attach_names(events: pd.DataFrame, gemeenten: pd.DataFrame) -> pd.DataFrame:
    """Add oude_naam (name in the last year of the old code) and nieuwe_naam (name in ``jaar``)."""
    names = gemeenten[["gemeentecode", "indelingsjaar", "gemeentenaam"]]
    out = (
        events.merge(names.rename(columns={"gemeentecode": "oude_code", "gemeentenaam": "oude_naam"})
                     .assign(jaar=lambda d: d["indelingsjaar"] + 1).drop(columns="indelingsjaar"),
                     on=["oude_code", "jaar"], how="left")
        .merge(names.rename(columns={"gemeentecode": "nieuwe_code", "gemeentenaam": "nieuwe_naam",
                                     "indelingsjaar": "jaar"}),
               on=["nieuwe_code", "jaar"], how="left")
    )
    bad = out["nieuwe_naam"].isna()
    if bad.any():
        raise DataIntegrityError(f"successor codes that do not exist in their year: "
                                 f"{out.loc[bad, ['oude_code', 'nieuwe_code', 'jaar']].to_dict('records')}")
    return out[HERINDELING_COLUMNS].sort_values(["jaar", "oude_code"]).reset_index(drop=True)


def successor_map(herindelingen: pd.DataFrame, from_year: int, to_year: int, codes: pd.Series) -> pd.Series:
    """Resolve codes of indelingsjaar ``from_year`` to their (main) successor in ``to_year`` (chains followed).

    Args:
        herindelingen: output of :func:`derive_herindelingen`.
        from_year: indelingsjaar of ``codes``.
        to_year: target indelingsjaar (>= from_year).
        codes: gemeentecodes valid in ``from_year``.

    Returns:
        Series indexed like ``codes`` with the code in ``to_year``.
    """
    steps = herindelingen.loc[(herindelingen["jaar"] > from_year) & (herindelingen["jaar"] <= to_year)]
    step_map = steps.sort_values("jaar").drop_duplicates("oude_code", keep="last").set_index("oude_code")["nieuwe_code"]
    current = codes.astype("string")
    for _ in range(len(steps) + 1):
        nxt = current.map(step_map)
        changed = nxt.notna() & (nxt != current).fillna(False)
        if not changed.any():
            return current
        current = nxt.where(changed, current).astype("string")
    raise DataIntegrityError("cycle in herindelingen")


# -------------------------------------------------------------------------------------------- regions
def _address_weights(matrices: pd.DataFrame, base_year: int, target_year: int) -> pd.Series:
    """Addresses per base-year code in the matrix base_year → target_year (capped at the last matrix year)."""
    years = matrices.loc[matrices["van_jaar"] == base_year, "naar_jaar"]
    if years.empty or target_year <= base_year:
        return pd.Series(dtype=float)
    naar = int(years[years <= target_year].max()) if (years <= target_year).any() else int(years.min())
    sel = matrices.loc[(matrices["van_jaar"] == base_year) & (matrices["naar_jaar"] == naar)]
    return sel.groupby("van_code")["adressen"].sum().astype(float)


def carry_forward(
    base: pd.DataFrame, base_year: int, target_year: int, herindelingen: pd.DataFrame,
    targets: pd.Series, weights: pd.Series, label: str,
) -> pd.DataFrame:
    """Carry one region classification from ``base_year`` forward to the gemeenten of ``target_year``.

    Args:
        base: gemeentecode (codes of ``base_year``) + ``<role>_code`` column(s).
        base_year: indelingsjaar of ``base``.
        target_year: indelingsjaar to carry to (>= base_year).
        herindelingen: old → successor map.
        targets: the gemeentecodes of ``target_year``.
        weights: addresses per base code (decides when members disagree; missing = 0).
        label: source label, e.g. ``"83287NED 2016"``.

    Returns:
        One row per target code: gemeentecode, the region code column(s), ``<role>_source``.
    """
    roles = [c.removesuffix("_code") for c in base.columns if c.endswith("_code") and c != "gemeentecode"]
    members = base.assign(
        target=successor_map(herindelingen, base_year, target_year, base["gemeentecode"]).to_numpy(),
        weight=base["gemeentecode"].map(weights).fillna(0.0).to_numpy(),
    ).sort_values(["target", "weight", "gemeentecode"], ascending=[True, False, True])
    n_members = members.groupby("target")["gemeentecode"].transform("size")
    largest = members.drop_duplicates("target").set_index("target")
    out = pd.DataFrame({"gemeentecode": targets.to_numpy()})
    for role in roles:
        col = f"{role}_code"
        n_distinct = members.groupby("target")[col].nunique()
        merged = members.loc[n_members > 1].groupby("target").size()
        out[col] = out["gemeentecode"].map(largest[col])
        src = np.where(out["gemeentecode"].isin(merged.index), f"{label} via herindeling", label)
        disagree = out["gemeentecode"].map(n_distinct).gt(1).to_numpy()
        src = np.where(disagree, f"{label} via herindeling (leden oneens; grootste lid "
                       + out["gemeentecode"].map(largest["gemeentecode"]).fillna("") + ")", src)
        out[f"{role}_source"] = np.where(out[col].isna(), "onbekend", src)
    return out


def carry_back(base: pd.DataFrame, base_year: int, year: int, herindelingen: pd.DataFrame,
               codes: pd.Series, label: str) -> pd.DataFrame:
    """Give the gemeenten of an earlier ``year`` the regions of themselves (or their successor) in ``base_year``.

    Returns:
        One row per code: gemeentecode, region code column(s), ``<role>_source``.
    """
    roles = [c.removesuffix("_code") for c in base.columns if c.endswith("_code") and c != "gemeentecode"]
    succ = successor_map(herindelingen, year, base_year, codes).to_numpy()
    out = pd.DataFrame({"gemeentecode": codes.to_numpy(), "_succ": succ})
    out = out.merge(base.rename(columns={"gemeentecode": "_succ"}), on="_succ", how="left")
    src = np.where(out["gemeentecode"] == out["_succ"], f"{label} (teruggedragen)",
                   f"{label} via opvolger " + out["_succ"])
    for role in roles:
        out[f"{role}_source"] = np.where(out[f"{role}_code"].isna(), "onbekend", src)
    return out.drop(columns="_succ")


def assign_grootteklasse(inwoners: pd.Series) -> pd.Series:
    """Map inwoners to the CBS gemeentegrootteklasse label (Dutch); NA where inwoners is unknown."""
    bounds = [-np.inf] + [b for b, _ in GROOTTEKLASSEN]
    labels = [lab for _, lab in GROOTTEKLASSEN]
    return pd.cut(inwoners, bins=bounds, labels=labels, right=False).astype("string")


def _combine_source(frame: pd.DataFrame) -> pd.Series:
    """One region_source string per row: ``source`` when all roles share it, else ``roles: source`` groups."""
    cols = [f"{r}_source" for r in ROLES]
    combos = frame[cols].drop_duplicates()

    def describe(row: pd.Series) -> str:
        groups: dict[str, list[str]] = {}
        for col, value in row.items():
            groups.setdefault(value, []).append(col.removesuffix("_source"))
        if len(groups) == 1:
            return next(iter(groups))
        return "; ".join(f"{', '.join(roles)}: {src}" for src, roles in groups.items())

    text = combos.assign(region_source=[describe(row) for _, row in combos.iterrows()])
    return frame[cols].merge(text, on=cols, how="left")["region_source"].set_axis(frame.index)


def _regions_for_year(year: int, codes: pd.Series, ctx: dict) -> pd.DataFrame:
    """Region codes and per-role sources for the gemeenten of one indelingsjaar."""
    herindelingen, matrices = ctx["herindelingen"], ctx["matrices"]
    base = ctx["base2016"]
    if year >= 2016:
        out = carry_forward(base, 2016, year, herindelingen, codes, _address_weights(matrices, 2016, year),
                            "83287NED 2016")
    else:
        out = carry_back(base, 2016, year, herindelingen, codes, "83287NED 2016")
    for role, (base_year, frame, label) in ctx["newer"].items():
        if year < base_year:
            continue
        newer = carry_forward(frame, base_year, year, herindelingen, codes,
                              _address_weights(matrices, base_year, year), label).set_index("gemeentecode")
        known = out["gemeentecode"].map(newer[f"{role}_code"])
        out[f"{role}_code"] = known.fillna(out[f"{role}_code"])
        out[f"{role}_source"] = (out["gemeentecode"].map(newer[f"{role}_source"])
                                 .where(known.notna(), out[f"{role}_source"]))
    return out.assign(indelingsjaar=year)


def build_regions(gemeenten: pd.DataFrame, herindelingen: pd.DataFrame, matrices: pd.DataFrame,
                  base2016: pd.DataFrame, ggd2021: pd.DataFrame, corop2024: pd.DataFrame) -> pd.DataFrame:
    """Region codes for every gemeente-year, with the newest official list preferred per role.

    Args:
        gemeenten: :func:`read_gemeenten_per_jaar` output (its ``provincie_code`` is official from 2016).
        herindelingen: :func:`derive_herindelingen` output.
        matrices: :func:`read_grenswijziging` output (weights when merged members disagree).
        base2016: :func:`read_regios_2016` output.
        ggd2021: :func:`read_ggd_2021` output (restricted to the 2021 indeling).
        corop2024: :func:`read_corop_2024` output.

    Returns:
        gemeentecode, indelingsjaar, ``<role>_code`` and ``<role>_source`` for every role in :data:`ROLES`.
    """
    codes_2021 = set(gemeenten.loc[gemeenten["indelingsjaar"] == 2021, "gemeentecode"])
    ctx = {
        "herindelingen": herindelingen,
        "matrices": matrices,
        "base2016": base2016,
        "newer": {
            "ggd_regio": (2021,
                          ggd2021.loc[ggd2021["gemeentecode"].isin(codes_2021), ["gemeentecode", "ggd_regio_code"]],
                          "GGD-lijst 2021"),
            "corop": (2024, corop2024[["gemeentecode", "corop_code"]], "COROP-lijst 2024"),
        },
    }
    frames = [_regions_for_year(year, grp["gemeentecode"].reset_index(drop=True), ctx)
              for year, grp in gemeenten.groupby("indelingsjaar")]
    out = pd.concat(frames, ignore_index=True)
    official = out.merge(gemeenten[["gemeentecode", "indelingsjaar", "provincie_code"]], how="left",
                         on=["gemeentecode", "indelingsjaar"], suffixes=("", "_official"))["provincie_code_official"]
    out["provincie_source"] = np.where(official.notna(), "prv_code gemeentelijst", out["provincie_source"])
    out["provincie_code"] = official.fillna(out["provincie_code"]).to_numpy()
    return out


def region_disagreements(gemeenten: pd.DataFrame, herindelingen: pd.DataFrame, matrices: pd.DataFrame,
                         base2016: pd.DataFrame, ggd2021: pd.DataFrame, corop2024: pd.DataFrame) -> pd.DataFrame:
    """Compare the 2016 classification carried forward with the newer official lists.

    Checks GGD-regio in indelingsjaar 2021 (2021 GGD list), COROP in 2024 (2024 COROP list) and provincie in
    every year 2016-2026 (``prv_code`` of gemeenten_per_jaar).

    Returns:
        One row per disagreement: rol, indelingsjaar, gemeentecode, gemeentenaam, carried_code, official_code,
        carried_source. The registry uses ``official_code``.
    """
    checks = [("ggd_regio", 2021, ggd2021), ("corop", 2024, corop2024)]
    frames = []
    for role, year, official in checks:
        codes = gemeenten.loc[gemeenten["indelingsjaar"] == year, "gemeentecode"].reset_index(drop=True)
        carried = carry_forward(base2016, 2016, year, herindelingen, codes, _address_weights(matrices, 2016, year),
                                "83287NED 2016")
        frames.append(_compare(carried, official, role, year))
    for year in sorted(gemeenten.loc[gemeenten["provincie_code"].notna(), "indelingsjaar"].unique()):
        sel = gemeenten.loc[gemeenten["indelingsjaar"] == year]
        carried = carry_forward(base2016, 2016, int(year), herindelingen, sel["gemeentecode"].reset_index(drop=True),
                                _address_weights(matrices, 2016, int(year)), "83287NED 2016")
        frames.append(_compare(carried, sel[["gemeentecode", "provincie_code"]], "provincie", int(year)))
    names = gemeenten[["gemeentecode", "indelingsjaar", "gemeentenaam"]]
    return (pd.concat(frames, ignore_index=True)
            .merge(names, on=["gemeentecode", "indelingsjaar"], how="left")
            [["rol", "indelingsjaar", "gemeentecode", "gemeentenaam", "carried_code", "official_code",
              "carried_source"]])


def _compare(carried: pd.DataFrame, official: pd.DataFrame, role: str, year: int) -> pd.DataFrame:
    col = f"{role}_code"
    both = carried[["gemeentecode", col, f"{role}_source"]].merge(
        official[["gemeentecode", col]], on="gemeentecode", suffixes=("_carried", "_official"))
    diff = both.loc[both[f"{col}_carried"] != both[f"{col}_official"]]
    return pd.DataFrame({
        "rol": role, "indelingsjaar": year, "gemeentecode": diff["gemeentecode"],
        "carried_code": diff[f"{col}_carried"], "official_code": diff[f"{col}_official"],
        "carried_source": diff[f"{role}_source"],
    })


def _region_names(regions: pd.DataFrame, names: dict[str, pd.Series], ggd2021: pd.DataFrame,
                  corop2024: pd.DataFrame) -> pd.DataFrame:
    """Add ``<role>_naam`` columns: 2016 names, GGD names of the 2021 list from 2021 on, COROP names of 2024."""
    out = regions.copy()
    ggd_new = ggd2021.drop_duplicates("ggd_regio_code").set_index("ggd_regio_code")["ggd_regio_naam"]
    corop_names = corop2024.drop_duplicates("corop_code").set_index("corop_code")["corop_naam"]
    out["provincie_naam"] = out["provincie_code"].map(names["provincie"])
    out["ggd_regio_naam"] = out["ggd_regio_code"].map(names["ggd_regio"])
    late = out["indelingsjaar"] >= 2021
    out.loc[late, "ggd_regio_naam"] = (out.loc[late, "ggd_regio_code"].map(ggd_new)
                                       .fillna(out.loc[late, "ggd_regio_naam"]))
    out["jeugdzorgregio_naam"] = out["jeugdzorgregio_code"].map(names["jeugdzorgregio"])
    out["arbeidsmarktregio_naam"] = out["arbeidsmarktregio_code"].map(names["arbeidsmarktregio"])
    out["corop_naam"] = out["corop_code"].map(corop_names)
    for role in ROLES:
        unnamed = out[f"{role}_code"].notna() & out[f"{role}_naam"].isna()
        if unnamed.any():
            raise DataIntegrityError(f"{role} codes without a name: "
                                     f"{sorted(out.loc[unnamed, f'{role}_code'].unique())}")
    return out


def build_gemeenten(
    gemeenten_csv: Path, regios_2016_csv: Path, herindelingen_csv: Path, grenswijziging_csv: Path,
    ggd2021_csv: Path, corop2024_csv: Path, inwoners_csv: Path, names_dir: Path,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Build the gemeente registry and the herindelingen map (see the module docstring for the inputs).

    Returns:
        (gemeenten, herindelingen) in the shapes of ``docs/contracts.md``; herindelingen has the extra
        columns gesplitst (bool), aandeel (share of addresses to the main successor, NaN before 2017) and
        overige_opvolgers (``;``-joined codes of the other successors of a partial split).

    Raises:
        DataIntegrityError: inconsistent inputs (see the readers and :func:`derive_herindelingen`).
    """
    gemeenten = read_gemeenten_per_jaar(Path(gemeenten_csv))
    matrices = read_grenswijziging(Path(grenswijziging_csv))
    herindelingen = derive_herindelingen(gemeenten, read_gm_changes(Path(herindelingen_csv)), matrices)
    base2016 = read_regios_2016(Path(regios_2016_csv))
    ggd2021, corop2024 = read_ggd_2021(Path(ggd2021_csv)), read_corop_2024(Path(corop2024_csv))
    # sanity checks IN
    codes_2016 = set(gemeenten.loc[gemeenten["indelingsjaar"] == 2016, "gemeentecode"])
    assert set(base2016["gemeentecode"]) == codes_2016, "83287NED codes differ from the 2016 gemeente list"
    regions = build_regions(gemeenten, herindelingen, matrices, base2016, ggd2021, corop2024)
    regions = _region_names(regions, read_region_names(Path(names_dir)), ggd2021, corop2024)
    inwoners = read_inwoners(Path(inwoners_csv)).rename(columns={"jaar": "indelingsjaar"})
    out = (
        gemeenten[["gemeentecode", "indelingsjaar", "gemeentenaam"]]
        .merge(regions, on=["gemeentecode", "indelingsjaar"], how="left", validate="one_to_one")
        .merge(inwoners, on=["gemeentecode", "indelingsjaar"], how="left", validate="one_to_one")
    )
    out = out.assign(grootteklasse=assign_grootteklasse(out["inwoners"]), region_source=_combine_source(out))
    out = out[COLUMNS].sort_values(["indelingsjaar", "gemeentecode"]).reset_index(drop=True)
    # sanity checks OUT
    assert not out.duplicated(["gemeentecode", "indelingsjaar"]).any(), "duplicate gemeente-year in registry"
    unknown_inw = inwoners.merge(out, on=["gemeentecode", "indelingsjaar"], how="left", indicator=True)
    assert (unknown_inw["_merge"] == "both").all(), "inwoners for gemeente-years not in the gemeente list"
    for role in ROLES:
        assert out[f"{role}_code"].notna().all(), f"gemeenten without {role}"
    return out, herindelingen
