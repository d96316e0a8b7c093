"""Command line: ``python -m analyse.data {build,import,summary,refresh}``.

* ``build``   import ../shared/data into data/raw/cbs and write data/processed/*.parquet (one line per step);
              without shared data the snapshots already in data/raw/cbs are used; ``--seed-only`` builds from
              the seed figures only (also over a richer processed set, which a plain build refuses to replace)
* ``import``  only snapshot the shared files (idempotent, checksum-verified)
* ``summary`` rows per processed table, indicators per source table, gemeenten, periods
* ``refresh --table 85099NED`` download a CBS table live (OData) into data/raw/cbs/<table>/ with a sidecar;
  an existing snapshot with different content is never overwritten (a new dated snapshot is written)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

import pandas as pd

from analyse import paths
from analyse.errors import AnalyseError


def _summary() -> int:
    from analyse.data.build import STEPS

    for name in [o for step in STEPS for o in step.outputs]:
        path = paths.processed(name)
        if not path.exists():
            print(f"{name:16s} missing ({path.name}); run `make data`")
            continue
        print(f"{name:16s} {len(pd.read_parquet(path)):>9,d} rows  {path.name}")
    path = paths.processed("indicators")
    if path.exists():
        ind = pd.read_parquet(path)
        gm = ind["gemeentecode"].str.startswith("GM")
        print(f"\nindicators: {ind['indicator_id'].nunique()} ids, {ind.loc[gm, 'gemeentecode'].nunique()} gemeenten, "
              f"{ind['period'].nunique()} periods")
        print(ind.groupby("source_table").size().rename("rows").to_string())
    return 0


def cbs_dir_problem() -> str | None:
    """One Dutch line when ``ANALYSE_CBS_DIR`` is set but is not an existing folder, else ``None``."""
    value = os.environ.get("ANALYSE_CBS_DIR")
    if not value:
        return None
    path = Path(value).expanduser()
    if not path.exists():
        return f"ANALYSE_CBS_DIR={value} bestaat niet; geef de map met de CBS-bestanden of laat de variabele weg."
    if not path.is_dir():
        return f"ANALYSE_CBS_DIR={value} is een bestand, geen map; geef de map met de CBS-bestanden."
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyse.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    build_cmd = sub.add_parser("build", help="import + build data/processed")
    build_cmd.add_argument("--accept-loss", action="store_true",
                           help="accepteer een bouw die de meeste waarden van een eerder gevulde kolom verliest")
    build_cmd.add_argument("--seed-only", action="store_true",
                           help="build from data/raw/seeds only, replacing a richer processed set")
    sub.add_parser("import", help="snapshot ../shared/data into data/raw/cbs")
    sub.add_parser("summary", help="describe data/processed")
    refresh = sub.add_parser("refresh", help="download a CBS table via OData")
    refresh.add_argument("--table", required=True, help="CBS table id, e.g. 85099NED")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command in ("build", "import"):
        problem = cbs_dir_problem()
        if problem:
            print(f"fout: {problem}", file=sys.stderr)
            return 2
    try:
        if args.command == "build":
            from analyse.data.build import build

            res = build(seed_only=args.seed_only, allow_loss=args.accept_loss)
            for line in res.steps:
                print(line)
            for name, (path, rows) in res.tables.items():
                print(f"{name:16s} {rows:>9,d} rows  {path.name}")
            print(f"indicators cover {res.gemeenten} gemeenten and {res.periods} periods")
            for note in res.notes:
                print(f"note: {note}")
            print(f"build took {res.seconds:.1f} s")
        elif args.command == "import":
            from analyse.data.sources import import_all

            done = import_all()
            print(f"{len(done)} files snapshotted in {paths.RAW_CBS_DIR}")
        elif args.command == "summary":
            return _summary()
        elif args.command == "refresh":
            from analyse.data.odata import refresh

            path, rows = refresh(args.table)
            print(f"{args.table}: {len(rows):,d} rows read; snapshot {path}")
    except AnalyseError as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
