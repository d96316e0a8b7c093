"""Command line: ``python -m analyse.data {build,import,summary,refresh}``.

* ``build``   import ../shared/data into data/raw/cbs and write data/processed/*.parquet
* ``import``  only snapshot the shared files (idempotent, checksum-verified)
* ``summary`` rows per processed table, indicators per source table, gemeenten, periods
* ``refresh --table 85099NED`` download a CBS table live (OData) into data/raw/cbs/<table>/ with a sidecar;
  an existing snapshot with different content is never overwritten (a new dated snapshot is written)
"""

from __future__ import annotations

import argparse
import logging
import sys

import pandas as pd

from analyse import paths
from analyse.errors import AnalyseError


def _summary() -> int:
    for name in ("indicators", "gemeenten", "herindelingen", "lasten", "cpi"):
        path = paths.processed(name)
        if not path.exists():
            print(f"{name:14s} missing ({path}); run `make data`")
            continue
        print(f"{name:14s} {len(pd.read_parquet(path)):>9,d} rows  {path}")
    path = paths.processed("indicators")
    if path.exists():
        ind = pd.read_parquet(path)
        gm = ind["gemeentecode"].str.startswith("GM")
        print(f"\nindicators: {ind['indicator_id'].nunique()} ids, {ind.loc[gm, 'gemeentecode'].nunique()} gemeenten, "
              f"{ind['period'].nunique()} periods")
        print(ind.groupby("source_table").size().rename("rows").to_string())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m analyse.data", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="import + build data/processed")
    sub.add_parser("import", help="snapshot ../shared/data into data/raw/cbs")
    sub.add_parser("summary", help="describe data/processed")
    refresh = sub.add_parser("refresh", help="download a CBS table via OData")
    refresh.add_argument("--table", required=True, help="CBS table id, e.g. 85099NED")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "build":
            from analyse.data.build import build

            res = build()
            for name, (path, rows) in res.tables.items():
                print(f"{name:14s} {rows:>9,d} rows  {path}")
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
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
