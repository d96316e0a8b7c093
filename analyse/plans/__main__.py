"""Command line for plan files.

``python -m analyse.plans new GM0123 [--slug plan] [--output plans]``  writes a commented skeleton.
``python -m analyse.plans check [files…]``  validates files (default: every plan file in ``plans/``) and lists
every problem with file, line, path and a suggestion; exit code 1 when a file is invalid.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from analyse import paths
from analyse.formatting import fmt_list
from analyse.plans import schema

SKELETON = """# Plan van {code} voor het rapport sociaal domein. Uitleg per sleutel: plans/SCHEMA.md.
# Vul in wat het document zegt; onbekend = null (niet 0). Zet bij elk onderdeel bron_pagina (bladzijde of paragraaf).
# Controleer met:  python -m analyse.plans check {path}
schema_version: 1
gemeentecode: {code}
gemeente: "VUL IN: naam van de gemeente"
titel: "VUL IN: titel van het document"
# soort: {soorten}
soort: plan
periode: {{start: {start}, eind: {eind}}}          # jaren van de beleidsperiode
beleidsperiode:
  startjaar: {start}                          # vanaf dit jaar vergelijkt het rapport de indicatoren
  nulmeting_jaar: null                        # jaar van de nulmeting, als het plan er een noemt
  bron_pagina: null
vastgesteld: null                             # datum van vaststelling, bijv. 2020-12-17 of "2020-12"
bron:
  document: "VUL IN: bestandsnaam of vindplaats"
  titel: "VUL IN: titel zoals op het document"
  datum: null
beleidstheorie: null                          # hoe leiden de maatregelen tot het doel? (null = niet beschreven)

# Optioneel: eigen indicatoren die niet in de CBS-catalogus staan.
indicatoren: []
#  - indicator_id: plan_mijn_indicator
#    naam: Aantal ...
#    eenheid: aantal                          # {eenheden}
#    polariteit: hoger_beter                  # {polariteiten}

opgaven:
  - id: O1
    titel: "VUL IN: titel van de opgave"
    doel: null
    doelen: []
    #  - id: O1-D1
    #    tekst: "Minder jongeren in de jeugdzorg"
    #    indicatoren:
    #      - indicator_id: jeugdzorg_pct        # id uit de catalogus of uit 'indicatoren' hierboven
    #        baseline: {{waarde: 12.5, periode: "2019"}}     # de nulmeting
    #        streefwaarde: {{richting: lager, deadline: "2024"}}
    maatregelen:
      - id: M1
        titel: "VUL IN: titel van de maatregel"
        # status: gepland (plan) of, in een evaluatie: {statussen_1}
        # {statussen_2}
        status: gepland
        eigenaar: null
        budget: []
        #  - {{jaar: 2022, begroot: 20000, gerealiseerd: null, post: "Naam van de post", bron_pagina: "Bijlage 2"}}

# Besparingen: bedrag = niveau in dat jaar (niet optellen over jaren). soort_gepland: begroot of doelstelling;
# soort_gerealiseerd: gerealiseerd of schatting (een schatting telt nooit als gerealiseerd).
besparingen: []
#  - {{post: "Herindicatie hulp bij het huishouden", jaar: 2022, gepland: 100000, gerealiseerd: 80000}}
taakstellingen: []
#  - {{id: T1, omschrijving: "Structurele bezuiniging oplopend tot", bedrag: 1400000, jaar: 2023, soort: doelstelling}}
"""


def _vocabularies() -> dict[str, str]:
    """The vocabularies the skeleton's comments list, from the schema (one declaration)."""
    evaluatie = [s for s in schema.STATUSSEN if s != "gepland"]
    half = (len(evaluatie) + 1) // 2
    return {"soorten": fmt_list(schema.SOORTEN, "of"), "eenheden": ", ".join(schema.EENHEDEN),
            "polariteiten": fmt_list(schema.POLARITEITEN, "of"), "statussen_1": ", ".join(evaluatie[:half]) + ",",
            "statussen_2": ", ".join(evaluatie[half:])}


def write_skeleton(code: str, slug: str = "plan", output: Path | None = None) -> Path:
    """Write a commented skeleton ``<output>/<CODE>-<slug>.yml`` that validates as it is; never overwrites.

    Raises:
        ValueError: a malformed gemeentecode or slug.
        FileExistsError: the file exists.
    """
    code = code.strip().upper()
    short = re.fullmatch(r"(?:GM)?(\d{1,4})", code)
    if short:
        code = f"GM{int(short.group(1)):04d}"
    if not re.fullmatch(r"GM\d{4}", code):
        raise ValueError(f"{code!r} is geen gemeentecode (verwacht GM gevolgd door 4 cijfers, bijv. GM0531)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ValueError(f"{slug!r}: gebruik kleine letters, cijfers en '-' (bijv. preventieplan-2024)")
    folder = Path(output) if output is not None else paths.PLANS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}-{slug}.yml"
    if path.exists():
        raise FileExistsError(f"{path} bestaat al; kies een andere naam met --slug")
    from analyse.settings import DEFAULT_STARTJAAR_BELEID  # noqa: PLC0415

    start = DEFAULT_STARTJAAR_BELEID
    shown = f"{path.parent.name}/{path.name}"  # no absolute local path inside the file
    path.write_text(SKELETON.format(code=code, path=shown, start=start, eind=start + 3, **_vocabularies()),
                    encoding="utf-8")
    return path


def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    """Entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m analyse.plans", description="Planbestanden maken en controleren.")
    sub = parser.add_subparsers(dest="cmd")
    new = sub.add_parser("new", help="schrijf een skelet voor een nieuw plan")
    new.add_argument("gemeentecode")
    new.add_argument("--slug", default="plan")
    new.add_argument("--output", type=Path, default=None)
    check = sub.add_parser("check", help="controleer planbestanden (standaard: alle in plans/)")
    check.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    if args.cmd == "new":
        try:
            path = write_skeleton(args.gemeentecode, args.slug, args.output)
        except (ValueError, FileExistsError) as exc:
            echo(f"FOUT: {exc}")
            return 2
        echo(f"Geschreven: {path}\nVul het in en controleer met: python -m analyse.plans check {path}")
        return 0
    from analyse.plans.load import main as check_main  # noqa: PLC0415

    files = args.files if args.cmd == "check" else []
    if not files and not paths.PLANS_DIR.is_dir():  # a mistyped ANALYSE_PLANS_DIR is one line, not "0 files OK"
        echo(f"FOUT: de map met planbestanden {paths.PLANS_DIR} bestaat niet; controleer ANALYSE_PLANS_DIR.")
        return 2
    return 1 if check_main(files, echo=echo) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
