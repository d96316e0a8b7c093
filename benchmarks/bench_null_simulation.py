"""Null simulation of the verdict rules (issue 17): how many gemeenten get a verdict when nothing is going on.

Real denominators of all gemeenten (jeugdzorg, data/processed), no true difference from Nederland and no true
change, yearly real shocks with the τ² the data show per size band; 40 replicates through ``compare.compare_all``
(the code path of the reports). Prints the share flagged at 95% per size fifth for "Tegenover Nederland" and
"sinds de nulmeting", and the share found when 1 in 4 gemeenten truly differs by 3 procentpunt.

    .venv/bin/python benchmarks/bench_null_simulation.py [--save data.parquet]

``--save`` writes the simulated indicator rows, so another version of the code can be measured on the same data.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pandas as pd  # noqa: E402
import test_variation as tv  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--replicates", type=int, default=40)
    args = ap.parse_args()
    den, bands, kind = tv._denominators_and_tau2()
    t0 = time.perf_counter()
    rows = tv._simulate(den, bands, range(args.replicates))
    rates = tv._flag_rates(rows)
    print(f"null simulation, {args.replicates} replicates, denominators: {kind}, {time.perf_counter() - t0:.1f} s")
    print((rates * 100).round(1).rename(columns={"benchmark": "Tegenover Nederland %", "change": "sinds nulmeting %"}))
    moved = {c: 0.03 for c in den["gemeentecode"].iloc[::4]}
    hit = tv._simulate(den, bands, range(1000, 1010), effect=moved)
    hit = hit[hit["gemeentecode"].isin(moved)]
    found = hit.groupby("quintile")["benchmark_95"].apply(lambda s: s.eq("hoger").mean())
    chg = tv._simulate(den, bands, range(2000, 2010), effect=moved, effect_from=2023)
    chg = chg[chg["gemeentecode"].isin(moved)]
    found_c = chg.groupby("quintile")["verdict"].apply(lambda s: s.eq("slechter").mean())
    print("power, +3 procentpunt in 1 of 4 gemeenten (% found):")
    print(pd.DataFrame({"verschil met Nederland": (found * 100).round(1), "verandering": (found_c * 100).round(1)}))


if __name__ == "__main__":
    main()
