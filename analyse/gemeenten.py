"""Gemeente lookup for notebooks and reports: codes, names, indelingsjaar, regions, herindelingen.

The registry is ``data/processed/gemeenten.parquet`` (one row per gemeente per indelingsjaar 2010-2026,
built by :mod:`analyse.data.gemeenten_build`) plus ``herindelingen.parquet``. When the processed registry is
absent the five seed gemeenten of ``data/raw/seeds/gemeenten.csv`` (indelingsjaar 2024) are used, without
herindelingen. Loads are cached per file modification time; :func:`reload` clears the cache.

Accepted code forms (:func:`normalise_code`):

* ``"GM0531"`` in any letter case, surrounding whitespace ignored: ``" gm0531 "`` → ``GM0531``;
* ``GM`` plus 1-3 digits is zero-padded: ``"gm531"`` → ``GM0531`` (unambiguous, so accepted);
* the bare CBS number as int or string of 1-4 digits: ``531``, ``"531"``, ``"0531"`` → ``GM0531``.

Everything else is malformed and raises :class:`~analyse.errors.UnknownGemeenteError`: more than four
digits (``"GM05311"``), another prefix (``"PV28"``), a name (the error then suggests the code, e.g.
"bedoelde u GM0531 (Hendrik-Ido-Ambacht)?"), floats, booleans and negative numbers.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analyse import paths
from analyse.errors import DataIntegrityError, MergedGemeenteError, ParameterError, UnknownGemeenteError

ROLES: tuple[str, ...] = ("ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop")
_ROLE_PREFIX = {"GG": "ggd_regio", "JZ": "jeugdzorgregio", "AM": "arbeidsmarktregio", "CR": "corop", "PV": "provincie"}
ALIASES: dict[str, str] = {"den haag": "GM0518", "den bosch": "GM0796", "'s-hertogenbosch": "GM0796"}
"""Common names that differ from the CBS spelling (used by :func:`search` only)."""
_CODE_RE = re.compile(r"(?:GM)?([0-9]{1,4})")  # ASCII digits only (\\d also matches Arabic-Indic/fullwidth digits)
HERINDELING_COLUMNS = ["oude_code", "oude_naam", "nieuwe_code", "nieuwe_naam", "datum", "jaar", "bron",
                       "gesplitst", "aandeel", "overige_opvolgers"]


@dataclass(frozen=True)
class Gemeente:
    """One gemeente in one indelingsjaar.

    Attributes:
        code: CBS code, e.g. ``GM0531``.
        naam: name in that indelingsjaar (CBS spelling).
        indelingsjaar: gemeentelijke indeling per 1 January.
        provincie_code: ``PVxx``.
        provincie_naam: e.g. ``Zuid-Holland``.
        regions: role (ggd_regio, jeugdzorgregio, arbeidsmarktregio, corop, provincie) → (code, naam).
        grootteklasse: CBS size class label, ``None`` when inwoners are unknown.
        inwoners: inwoners on 1 January of the indelingsjaar, ``None`` when unknown (before 2017).
    """

    code: str
    naam: str
    indelingsjaar: int
    provincie_code: str
    provincie_naam: str
    regions: dict[str, tuple[str, str]] = field(hash=False, compare=True)
    grootteklasse: str | None = None
    inwoners: float | None = None

    @property
    def provincie(self) -> str:
        """Provincie name (alias of ``provincie_naam``)."""
        return self.provincie_naam


def normalise_code(code: str | int) -> str:
    """Normalise a gemeente code to ``GM`` + four digits (accepted forms: see the module docstring).

    Raises:
        UnknownGemeenteError: the value is not a gemeente code; a name gets a suggestion of the code.
    """
    return _normalise(code, None)


def _normalise(code: str | int, registry: Registry | None) -> str:
    if isinstance(code, bool) or not isinstance(code, (str, int)):
        raise UnknownGemeenteError(f"Gemeentecode {code!r} heeft een ongeldig type ({type(code).__name__}); "
                                   "geef bijvoorbeeld 'GM0531'.")
    text = str(code).strip().upper()
    match = _CODE_RE.fullmatch(text)
    if match is None:
        hint = _suggestion_text(str(code), registry)
        raise UnknownGemeenteError(f"Ongeldige gemeentecode {code!r}: verwacht 'GM' plus vier cijfers, "
                                   f"bijvoorbeeld 'GM0531'.{hint}")
    return f"GM{int(match.group(1)):04d}"


# ------------------------------------------------------------------------------------------ loading
@functools.lru_cache(maxsize=8)
def _read_table(path: str, mtime: float) -> pd.DataFrame:
    """Read a parquet or csv table; cached on (path, mtime)."""
    if path.endswith(".parquet"):
        return pd.read_parquet(path)
    return pd.read_csv(path, dtype={"gemeentecode": str}, keep_default_na=True)


def _read(path: Path) -> pd.DataFrame:
    return _read_table(str(path), path.stat().st_mtime).copy()


def registry_path() -> Path:
    """Path of the registry in use: the processed table, else the seed CSV."""
    processed = paths.processed("gemeenten")
    return processed if processed.exists() else paths.SEEDS_DIR / "gemeenten.csv"


def load_registry() -> pd.DataFrame:
    """Return the gemeente registry (columns of ``gemeenten.parquet`` in docs/contracts.md).

    Falls back to ``data/raw/seeds/gemeenten.csv`` (five seed gemeenten, indelingsjaar 2024) when the
    processed table is absent. Cached on the file's modification time.
    """
    frame = _read(registry_path())
    return frame.assign(indelingsjaar=frame["indelingsjaar"].astype(int), inwoners=frame["inwoners"].astype(float))


def load_herindelingen() -> pd.DataFrame:
    """Return the herindelingen map (empty when the processed table is absent)."""
    path = paths.processed("herindelingen")
    if not path.exists():
        return pd.DataFrame({c: pd.Series(dtype=object) for c in HERINDELING_COLUMNS})
    return _read(path)


def reload() -> None:
    """Drop the cached tables (after a rebuild within the same session)."""
    _read_table.cache_clear()
    _default_registry.cache_clear()


@functools.lru_cache(maxsize=4)
def _default_registry(reg_key: tuple, her_key: tuple) -> Registry:
    return Registry(load_registry(), load_herindelingen())


def _key(path: Path) -> tuple:
    return (str(path), path.stat().st_mtime if path.exists() else None)


def default() -> Registry:
    """The :class:`Registry` of the current processed (or seed) tables, cached."""
    return _default_registry(_key(registry_path()), _key(paths.processed("herindelingen")))


# ----------------------------------------------------------------------------------------- registry
class Registry:
    """Lookups over one registry frame and one herindelingen frame (pure; build it from any frames)."""

    def __init__(self, gemeenten: pd.DataFrame, herindelingen: pd.DataFrame):
        self.gemeenten = gemeenten.assign(indelingsjaar=gemeenten["indelingsjaar"].astype(int)).set_index(
            ["gemeentecode", "indelingsjaar"]).sort_index()
        if not self.gemeenten.index.is_unique:
            raise DataIntegrityError("registry has duplicate (gemeentecode, indelingsjaar) rows")
        self.herindelingen = herindelingen.assign(jaar=herindelingen["jaar"].astype(int)) if len(herindelingen) \
            else herindelingen
        self.years = range(int(gemeenten["indelingsjaar"].min()), int(gemeenten["indelingsjaar"].max()) + 1)
        self._years_of = gemeenten.groupby("gemeentecode")["indelingsjaar"].agg(["min", "max"])
        self._step = {(r.oude_code, int(r.jaar)): r for r in self.herindelingen.itertuples(index=False)}

    # ---- basic facts
    def exists(self, code: str, indelingsjaar: int) -> bool:
        """Whether ``code`` is a gemeente in ``indelingsjaar``."""
        return (code, int(indelingsjaar)) in self.gemeenten.index

    def _check_year(self, indelingsjaar: int) -> int:
        if isinstance(indelingsjaar, bool) or not isinstance(indelingsjaar, int):
            raise ParameterError(f"indelingsjaar moet een geheel getal zijn, niet {indelingsjaar!r}")
        if indelingsjaar not in self.years:
            raise ParameterError(f"indelingsjaar {indelingsjaar} valt buiten het register "
                                 f"({self.years.start}-{self.years.stop - 1})")
        return indelingsjaar

    def validate(self, code: str | int, indelingsjaar: int) -> Gemeente:
        """Return the gemeente ``code`` in ``indelingsjaar`` or raise a clear error.

        Raises:
            UnknownGemeenteError: malformed or unknown code (with close matches), or a gemeente that does not
                exist yet in ``indelingsjaar`` (the message names from when it exists and its predecessors).
            MergedGemeenteError: the gemeente was merged before ``indelingsjaar``; ``.successor`` holds the
                code in that year.
            ParameterError: indelingsjaar outside the registry.
        """
        gm = _normalise(code, self)
        year = self._check_year(indelingsjaar)
        if not self.exists(gm, year):
            self._raise_missing(gm, year)
        row = self.gemeenten.loc[(gm, year)]
        regions = {role: (row[f"{role}_code"], row[f"{role}_naam"]) for role in (*ROLES, "provincie")}
        return Gemeente(
            code=gm, naam=row["gemeentenaam"], indelingsjaar=year, provincie_code=row["provincie_code"],
            provincie_naam=row["provincie_naam"], regions=regions,
            grootteklasse=None if pd.isna(row["grootteklasse"]) else str(row["grootteklasse"]),
            inwoners=None if pd.isna(row["inwoners"]) else float(row["inwoners"]),
        )

    def _raise_missing(self, gm: str, year: int) -> None:
        if gm not in self._years_of.index:
            raise UnknownGemeenteError(f"Onbekende gemeentecode {gm} (indelingsjaar {year})."
                                       f"{_suggestion_text(gm, self)}", code=gm)
        first, last = self._years_of.loc[gm]
        naam = self.name(gm)
        if year > last:
            succ = self.successor(gm, year)
            step = self._last_step(gm)
            datum = step.datum if step is not None else f"{last + 1}-01-01"
            split = ""
            if step is not None and bool(step.gesplitst):
                split = f" (gesplitst: hoofdopvolger; delen ook naar {step.overige_opvolgers.replace(';', ', ')})"
            raise MergedGemeenteError(
                f"{gm} ({naam}) bestaat niet meer in indelingsjaar {year}: per {datum} opgegaan in "
                f"{step.nieuwe_code if step is not None else '?'}{split}; in {year} is dat {succ} "
                f"({self.name(succ, year)}).",
                successor=succ, code=gm)
        preds = self.predecessors(gm, first)
        pred_text = ", ".join(f"{p} ({self.name(p)})" for p in preds) or "geen bekende voorgangers"
        raise UnknownGemeenteError(f"{gm} ({naam}) bestaat pas vanaf indelingsjaar {first}, niet in {year}; "
                                   f"ontstaan uit: {pred_text}.", code=gm)

    def _last_step(self, gm: str):
        last = int(self._years_of.loc[gm, "max"])
        return self._step.get((gm, last + 1))

    def successor(self, code: str | int, indelingsjaar: int) -> str:
        """The code that holds gemeente ``code`` in ``indelingsjaar`` (itself when it still exists).

        Chains are followed (A → B → C gives C); for a partial split the main successor is returned.

        Raises:
            UnknownGemeenteError: unknown code, or a gemeente that only exists after ``indelingsjaar``.
        """
        gm, year = _normalise(code, self), self._check_year(indelingsjaar)
        if gm not in self._years_of.index:
            raise UnknownGemeenteError(f"Onbekende gemeentecode {gm}.{_suggestion_text(gm, self)}", code=gm)
        current = gm
        while not self.exists(current, year):
            first, last = self._years_of.loc[current]
            if year < first:
                self._raise_missing(current, year)
            step = self._step.get((current, int(last) + 1))
            if step is None:
                raise UnknownGemeenteError(f"{current} bestaat niet in {year} en heeft geen bekende opvolger.")
            current = step.nieuwe_code
        return current

    def predecessors(self, code: str | int, indelingsjaar: int, include_partial: bool = False) -> list[str]:
        """Codes of earlier indelingsjaren that make up gemeente ``code`` of ``indelingsjaar``.

        Args:
            code: gemeente code valid in ``indelingsjaar``.
            indelingsjaar: indelingsjaar of ``code``.
            include_partial: also list gemeenten of which only a part went to ``code`` (partial splits).

        Returns:
            Sorted codes (without ``code`` itself), following chains back in time.
        """
        gm = _normalise(code, self)
        found: set[str] = set()
        frontier = {gm}
        her = self.herindelingen
        while frontier and len(her):
            main = her.loc[her["nieuwe_code"].isin(frontier) & (her["jaar"] <= indelingsjaar), "oude_code"]
            new = set(main)
            if include_partial:
                partial = her["overige_opvolgers"].fillna("").str.split(";").apply(
                    lambda s, frontier=frontier: bool(frontier & set(s)))
                new |= set(her.loc[partial & (her["jaar"] <= indelingsjaar), "oude_code"])
            frontier = new - found - {gm}
            found |= frontier
        return sorted(found)

    def members(self, region_code: str, indelingsjaar: int) -> list[str]:
        """Gemeentecodes in region ``region_code`` (GG/JZ/AM/CR/PV code, or NL01) in ``indelingsjaar``."""
        year = self._check_year(indelingsjaar)
        rc = str(region_code).strip().upper()
        sel = self.gemeenten.xs(year, level="indelingsjaar")
        if rc == "NL01":
            return sorted(sel.index)
        role = _ROLE_PREFIX.get(rc[:2])
        if role is None:
            raise UnknownGemeenteError(f"Onbekend soort regiocode {region_code!r} "
                                       "(verwacht GG, JZ, AM, CR, PV of NL01).")
        out = sorted(sel.index[sel[f"{role}_code"] == rc])
        if not out:
            known = sorted(sel[f"{role}_code"].dropna().unique())
            close = difflib.get_close_matches(rc, known, n=3)
            raise UnknownGemeenteError(f"Regio {rc} heeft geen gemeenten in {year}."
                                       + (f" Bedoelde u {', '.join(close)}?" if close else ""))
        return out

    def name(self, code: str | int, jaar: int | None = None) -> str:
        """Name of gemeente ``code`` in indelingsjaar ``jaar`` (latest name when ``jaar`` is None)."""
        gm = _normalise(code, self)
        if jaar is None:
            if gm not in self._years_of.index:
                raise UnknownGemeenteError(f"Onbekende gemeentecode {gm}.{_suggestion_text(gm, self)}", code=gm)
            return str(self.gemeenten.loc[(gm, int(self._years_of.loc[gm, "max"])), "gemeentenaam"])
        return self.validate(gm, jaar).naam

    def search(self, text: str, n: int = 5) -> list[tuple[str, str]]:
        """Close matches for ``text`` by code and by name (all years; latest name per code).

        Returns:
            Up to ``n`` (code, naam) pairs, best first.
        """
        latest = self.gemeenten.reset_index().sort_values("indelingsjaar").drop_duplicates("gemeentecode", keep="last")
        latest_name = latest.set_index("gemeentecode")["gemeentenaam"]
        names = self.gemeenten.reset_index()[["gemeentecode", "gemeentenaam"]].drop_duplicates()
        query = str(text).strip()
        hits: list[str] = []
        exact = names.loc[names["gemeentenaam"].str.casefold() == query.casefold(), "gemeentecode"]
        hits += list(exact)
        alias = ALIASES.get(query.casefold())
        if alias in latest_name.index:
            hits.insert(0, alias)
        by_name = {row.gemeentenaam.casefold(): row.gemeentecode for row in names.itertuples()}
        hits += [by_name[m] for m in difflib.get_close_matches(query.casefold(), list(by_name), n=n, cutoff=0.6)]
        contains = names.loc[names["gemeentenaam"].str.casefold().str.contains(re.escape(query.casefold()))
                             & (len(query) >= 3),
                             "gemeentecode"]
        hits += list(contains)
        hits += difflib.get_close_matches(query.upper(), list(latest_name.index), n=n, cutoff=0.75)
        unique = list(dict.fromkeys(hits))[:n]
        return [(c, str(latest_name[c])) for c in unique]


def _suggestion_text(text: str, registry: Registry | None = None) -> str:
    """`` Bedoelde u GM0531 (Hendrik-Ido-Ambacht)?`` or an empty string."""
    try:
        reg = registry if registry is not None else default()
    except (FileNotFoundError, OSError):
        return ""
    hits = reg.search(text, n=3)
    if not hits:
        return ""
    newest = int(reg._years_of["max"].max())

    def label(code: str, naam: str) -> str:
        last = int(reg._years_of.loc[code, "max"])
        return f"{code} ({naam}, opgeheven per {last + 1})" if last < newest else f"{code} ({naam})"

    return " Bedoelde u " + " of ".join(label(c, n) for c, n in hits) + "?"


# ------------------------------------------------------------------------ module-level (notebook) API
def validate(code: str | int, indelingsjaar: int) -> Gemeente:
    """:meth:`Registry.validate` on the default registry."""
    return default().validate(code, indelingsjaar)


def successor(code: str | int, indelingsjaar: int) -> str:
    """:meth:`Registry.successor` on the default registry."""
    return default().successor(code, indelingsjaar)


def predecessors(code: str | int, indelingsjaar: int, include_partial: bool = False) -> list[str]:
    """:meth:`Registry.predecessors` on the default registry."""
    return default().predecessors(code, indelingsjaar, include_partial)


def members(region_code: str, indelingsjaar: int) -> list[str]:
    """:meth:`Registry.members` on the default registry."""
    return default().members(region_code, indelingsjaar)


def name(code: str | int, jaar: int | None = None) -> str:
    """:meth:`Registry.name` on the default registry."""
    return default().name(code, jaar)


def search(text: str, n: int = 5) -> list[tuple[str, str]]:
    """:meth:`Registry.search` on the default registry."""
    return default().search(text, n)
