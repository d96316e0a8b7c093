"""Declarative list of every raw source file in ``../shared/data`` that the package uses.

Each :class:`Source` names one file (relative to the shared data directory), the table id under which it is
snapshotted in ``data/raw/cbs/<table_id>/``, its title, producer, URL, publication status and the indelingsjaar
of its region codes. :func:`import_all` copies every file that exists into the raw store with a provenance
sidecar (idempotent; a changed file is a loud :class:`~analyse.errors.DataIntegrityError`).
:func:`raw_file` returns the verified snapshot path.

``../shared/data`` is never modified. When it is absent nothing is imported and the build falls back to the
seed figures only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from analyse import paths
from analyse.data import rawstore
from analyse.data.provenance import Provenance
from analyse.errors import DataIntegrityError

log = logging.getLogger(__name__)

STATLINE = "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/{table}/table"
ODATA = "https://opendata.cbs.nl/ODataApi/odata/{table}"


@dataclass(frozen=True)
class Source:
    """One raw file in the shared data directory: where it is, plus the provenance fields of its sidecar.

    The provenance schema itself is :class:`analyse.data.provenance.Provenance` (:meth:`provenance`).

    Attributes:
        table_id: id of the raw snapshot folder (CBS table id where there is one, e.g. ``84134NED``).
        folder: folder in ``../shared/data``.
        filename: file name inside ``folder``.
        title: title of the table / file.
        producer: who produced the figures.
        url: CBS StatLine/OData URL where there is one, else the repository URL from SOURCE.md.
        status: ``voorlopig`` / ``nader voorlopig`` / ``definitief`` / ``gemengd`` / ``onbekend``.
        indelingsjaar: indelingsjaar of the region codes (``"per periode"`` when it follows the period).
        license: licence of the file as stated in SOURCE.md.
        notes: caveats worth carrying into the sidecar.
    """

    table_id: str
    folder: str
    filename: str
    title: str
    producer: str
    url: str
    status: str = "onbekend"
    indelingsjaar: int | str | None = None
    license: str = "CC BY 4.0 (CBS open data)"
    notes: str = ""

    @property
    def relpath(self) -> str:
        return f"{self.folder}/{self.filename}"

    def provenance(self) -> Provenance:
        """The :class:`~analyse.data.provenance.Provenance` written into the snapshot's sidecar."""
        return Provenance(producer=self.producer, table_id=self.table_id, title=self.title, url=self.url,
                          status=self.status, indelingsjaar=self.indelingsjaar, license=self.license,
                          notes=self.notes)


def _cbs(table: str, title: str, status: str, indeling: int | str, notes: str = "",
         filename: str | None = None) -> Source:
    return Source(
        table_id=table, folder="cbs-sociaal-domein", filename=filename or f"{table}.csv", title=title,
        producer="CBS (via github.com/dertje/cbs_datasets)", url=STATLINE.format(table=table), status=status,
        indelingsjaar=indeling, notes=notes,
    )


_CROSSCHECK = "Ingekort bestand; alleen gebruikt om gemeentenamen met hun CBS-code te controleren."
_TRUNC = "Eerste 10.000 rijen van de CBS-export: alleen de totalen zijn volledig."
_KWB_URL = "https://github.com/AnneVersion/geoinzicht-app (PDOK wijkenbuurten {year})"
_KWB_IDS = {2012: None, 2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2022: "85318NED",
            2023: "85618NED", 2024: "85984NED"}
_IV3 = "iv3-lasten-taakveld-gemeenten"
_IV3_URL = "https://github.com/JoeyKurtosis/GemeenteFinancienTest (backend/iv3/fixtures/iv3_data.json.gz)"

SOURCES: tuple[Source, ...] = (
    # --- CBS sociaal domein (names, not codes) ---
    _cbs("84134NED", "Jongeren met jeugdzorg; regio, 2015-2020", "definitief", "per periode", _TRUNC),
    _cbs("85099NED", "Jongeren met jeugdzorg; regio (vanaf 2021)", "gemengd", "per periode", _TRUNC),
    _cbs("82972NED", "Indicatoren jeugdzorg in natura; gemeenten, 2015-2020", "definitief", "per periode"),
    _cbs("85098NED", "Indicatoren jeugdzorg in natura; gemeenten (vanaf 2021)", "gemengd", "per periode"),
    _cbs("82966NED", "Jongeren met jeugdzorg; combinaties van vormen, 2015-2017", "definitief", "per periode"),
    _cbs("83262NED", "Wmo-cliënten; type maatwerkarrangement, regio, 2015-2020", "definitief", "per periode",
         _TRUNC),
    _cbs("85896NED", "Wmo-cliënten; type maatwerkvoorziening, persoonskenmerken, regio", "gemengd",
         "per periode", _TRUNC),
    _cbs("84421NED", "Wmo-cliënten per wijk 2018 (alleen de gemeenten)", "onbekend", 2018,
         _CROSSCHECK, "84421NED_gemeente_rows.csv"),
    _cbs("84908NED", "Wmo-cliënten per wijk 2020 (alleen de gemeenten)", "onbekend", 2020,
         _CROSSCHECK, "84908NED_gemeente_rows.csv"),
    _cbs("83440NED", "Maatstaven gemeentefonds; sociaal domein; diverse peildata (omstreeks 2014)", "onbekend", 2015),
    _cbs("83718NED", "Maatstaven gemeentefonds; sociaal domein; diverse peildata (omstreeks 2015)", "onbekend", 2016),
    _cbs("83997NED", "Maatstaven gemeentefonds; sociaal domein; diverse peildata (omstreeks 2016)", "onbekend", 2017),
    _cbs("84590NED", "Maatstaven gemeentefonds; sociaal domein; peildata 2018", "onbekend", 2019),
    _cbs("84860NED", "Maatstaven gemeentefonds; sociaal domein; peildata 2019", "onbekend", 2020),
    _cbs("85052NED", "Maatstaven gemeentefonds; sociaal domein; peildata 2020", "onbekend", 2021),
    _cbs("85309NED", "Maatstaven gemeentefonds; sociaal domein; peildata 2021", "onbekend", 2022),
    _cbs("83450NED", "Bijstand, re-integratie en WSW; leeftijd, regio (één jaar, omstreeks 2014)", "onbekend", 2015),
    _cbs("85383NED", "Maatstaven gemeentefonds (verdeelmaatstaven) 2023-2025, voorlopig en definitief",
         "gemengd", 2025),
    # --- KWB (PDOK properties, codes of the edition year) ---
    *(
        Source(
            table_id=f"kwb-pdok-{year}", folder="kwb-pdok-gemeenten-geoinzicht",
            filename=f"gemeenten_{year}_kwb_props.csv",
            title=f"Kerncijfers wijken en buurten {year}, gemeenten" + (f" (CBS {cbs})" if cbs else ""),
            producer="CBS via PDOK (github.com/AnneVersion/geoinzicht-app)",
            url=STATLINE.format(table=cbs) if cbs else _KWB_URL.format(year=year),
            indelingsjaar=year, license="CBS open data (CC BY 4.0); repository: none stated",
            notes="Afgerond zoals in de Wijk- en Buurtkaart; de peildatum verschilt per onderwerp.",
        )
        for year, cbs in _KWB_IDS.items()
    ),
    Source("nlstat-2021", "nlstat-gemeente-indicatoren", "nl_data_gemeente_flat.csv",
           "Kerncijfers wijken en buurten 2021 per gemeente (CBS 85039NED)",
           "CBS via github.com/RishikeshGovind/nlstat", "https://github.com/RishikeshGovind/nlstat",
           indelingsjaar=2021, license="none stated",
           notes="Het jaar van de cijfers is niet zeker (een mengsel van de edities 2021 en 2022); "
                 "vergelijk met StatLine."),
    # --- Iv3, gemeente lists, inwoners ---
    Source("iv3-lasten", _IV3, "iv3_lasten_per_taakveld_long.csv", "Iv3 lasten per taakveld per gemeente",
           "CBS Iv3 (via JoeyKurtosis/GemeenteFinancienTest)", _IV3_URL, "gemengd", "per jaar",
           license="CBS open data (CC BY 4.0); repository: none stated",
           notes="Bedragen in duizenden euro's; een niet geleverde gemeente staat in de bron als 0 "
                 "(bij het inlezen weggelaten)."),
    Source("iv3-gemeenten", _IV3, "gemeenten_per_jaar.csv", "Gemeenten per jaar 2010-2026 (code, naam)",
           "CBS (via JoeyKurtosis/GemeenteFinancienTest)", _IV3_URL, "definitief", "per jaar",
           license="none stated"),
    Source("iv3-inwoners", _IV3, "inwoners_per_gemeente_jaar.csv", "Inwoners per gemeente per jaar 2017-2026",
           "CBS (via JoeyKurtosis/GemeenteFinancienTest)", _IV3_URL, "onbekend", "per jaar",
           license="none stated", notes="Waarschijnlijk CBS 03759ned/37230ned, inwoners op 1 januari."),
    # --- regions ---
    Source("83287NED", "gebieden-in-nederland-2016-83287NED", "gemeente_regios_2016.csv",
           "Gebieden in Nederland 2016", "CBS (via github.com/krevelen/epidemes)", STATLINE.format(table="83287NED"),
           "definitief", 2016),
    Source("83287NED", "gebieden-in-nederland-2016-83287NED", "jeugdzorgregio_2016_namen.csv",
           "Jeugdzorgregio's 2016: code, naam", "CBS/PDOK (via github.com/cartomap/nl)",
           "https://github.com/cartomap/nl", "definitief", 2016),
    Source("83287NED", "gebieden-in-nederland-2016-83287NED", "ggdregio_2016_namen.csv",
           "GGD-regio's 2016: code, naam", "CBS/PDOK (via github.com/cartomap/nl)",
           "https://github.com/cartomap/nl", "definitief", 2016),
    Source("83287NED", "gebieden-in-nederland-2016-83287NED", "arbeidsmarktregio_2016_namen.csv",
           "Arbeidsmarktregio's 2016: code, naam", "CBS/PDOK (via github.com/cartomap/nl)",
           "https://github.com/cartomap/nl", "definitief", 2016),
    Source("herindelingen-tot-2018", "gemeente-herindelingen-tot-2018", "gm_changes_before_2018.csv",
           "Gemeentelijke herindelingen tot 1-1-2018", "CBS (via github.com/krevelen/epidemes)",
           "https://github.com/krevelen/epidemes", "definitief", 2018, license="Apache-2.0 (repository)"),
    Source("grenswijziging-2016-2024", "grenswijziging-gemeente-matrices-2016-2024",
           "grenswijziging_gemeente_long.csv", "Grenswijziging-matrices gemeenten 2016-2024 (adressen)",
           "VNG grenswijzigen (github.com/reidhin/grenswijzigen)", "https://github.com/reidhin/grenswijzigen",
           "definitief", "per jaarpaar", license="CC BY-NC-SA 4.0"),
    Source("ggd-2021", "gemeente-ggdregio-2021-certegis", "gemeente_ggdregio_2021.csv",
           "Gemeenten en hun GGD-regio, indeling 2021", "CBS (via certe-medical-epidemiology/certegis)",
           "https://github.com/certe-medical-epidemiology/certegis", "onbekend", 2021, license="GPL-2.0 (package)"),
    Source("corop-2024", "corop-woonplaats-gemeente-2024", "corop.generated.csv",
           "Woonplaatsen, gemeenten en COROP-gebieden 2024", "CBS (via woonstadrotterdam/woningwaardering)",
           "https://github.com/woonstadrotterdam/woningwaardering", "definitief", 2024, license="MIT (repository)"),
    # --- gemeente boundaries (GeoJSON, WGS84) ---
    *(
        Source("gemeentegrenzen", "gemeente-grenzen-geojson", f"gemeente_{year}.geojson",
               f"Gemeentegrenzen {year} (CBS-gebiedsindelingen, vereenvoudigd)", "CBS/Kadaster via PDOK",
               "https://www.pdok.nl/introductie/-/article/cbs-gebiedsindelingen", "definitief", year,
               license="CC BY 4.0 (CBS/PDOK); repository: none stated",
               notes="Vereenvoudigde grenzen, bedoeld voor kaarten en niet om oppervlakten te meten.")
        for year in (2022, 2023, 2025)
    ),
    Source("cpi", "cpi-yearly-small", "pbix-inflatie-cbs.csv",
           "Consumentenprijsindex, jaarmutatie 2018-2023 (CBS 83131NED)",
           "CBS (via JoeyKurtosis/GemeenteFinancienTest)", STATLINE.format(table="83131NED"), "definitief",
           None, license="none stated"),
)

BY_PATH: dict[tuple[str, str], Source] = {(s.table_id, s.filename): s for s in SOURCES}
assert len(BY_PATH) == len(SOURCES), "duplicate (table_id, filename) in SOURCES"


def get(table_id: str, filename: str | None = None) -> Source:
    """Return the declared :class:`Source` (``filename`` needed when a table id has several files).

    Raises:
        KeyError: unknown or ambiguous table id (the message lists the known ids / files).
    """
    hits = [s for s in SOURCES if s.table_id == table_id and (filename is None or s.filename == filename)]
    if len(hits) != 1:
        known = sorted({s.table_id for s in SOURCES})
        raise KeyError(f"source {table_id!r} {filename or ''} is unknown or ambiguous ({len(hits)} matches); "
                       f"known: {known}")
    return hits[0]


def import_all(cbs_root: Path | None = None, raw_root: Path | None = None,
               sources: tuple[Source, ...] = SOURCES) -> dict[str, Path]:
    """Snapshot every shared source file into ``data/raw/cbs/<table_id>/`` with a sidecar.

    Args:
        cbs_root: the shared data directory (default :func:`analyse.paths.cbs_dir`).
        raw_root: the raw store (default ``data/raw/cbs``).
        sources: which sources to import.

    Returns:
        ``{folder/filename in the shared dir: snapshot path}`` for the files found; empty without shared data.

    Raises:
        DataIntegrityError: an existing snapshot differs from the shared file (raw data are immutable).
    """
    cbs_root = cbs_root if cbs_root is not None else paths.cbs_dir()
    if cbs_root is None:
        log.warning("no shared data directory (../shared/data or ANALYSE_CBS_DIR): nothing imported")
        return {}
    out: dict[str, Path] = {}
    missing: list[str] = []
    for src in sources:
        source_path = Path(cbs_root) / src.relpath
        if not source_path.is_file():
            missing.append(src.relpath)
            continue
        out[src.relpath] = rawstore.import_file(source_path, src.provenance(), raw_root=raw_root)
    if missing:
        log.warning("%d of %d shared files missing in %s, not imported (e.g. %s)", len(missing), len(sources),
                    cbs_root, ", ".join(missing[:3]))
    log.info("imported %d of %d source files into %s", len(out), len(sources), raw_root or paths.RAW_CBS_DIR)
    return out


def raw_file(table_id: str, filename: str | None = None, raw_root: Path | None = None) -> Path:
    """Return the verified (sha256) raw snapshot of a source.

    Args:
        table_id: snapshot folder, e.g. ``84134NED``.
        filename: file name; defaults to the file name of the declared source.
        raw_root: default ``data/raw/cbs``.

    Raises:
        DataIntegrityError: the snapshot is missing or its checksum does not match the sidecar.
    """
    raw_root = Path(raw_root or paths.RAW_CBS_DIR)
    filename = filename or get(table_id, filename).filename
    path = raw_root / table_id / filename
    if not path.is_file():
        declared = [src.relpath for src in SOURCES if src.table_id == table_id and src.filename == filename]
        origin = f" (imported from {declared[0]} in ../shared/data or ANALYSE_CBS_DIR)" if declared else ""
        raise DataIntegrityError(
            f"raw snapshot {table_id}/{filename} not found{origin}; run `python -m analyse.data import` "
            "(or `make data`) with the complete shared data"
        )
    rawstore.verify(path)
    return path


def available(raw_root: Path | None = None) -> dict[tuple[str, str], Path]:
    """Declared sources with a snapshot in the raw store, ``{(table_id, filename): path}`` (not verified)."""
    raw_root = Path(raw_root or paths.RAW_CBS_DIR)
    return {(s.table_id, s.filename): raw_root / s.table_id / s.filename for s in SOURCES
            if (raw_root / s.table_id / s.filename).is_file()}
