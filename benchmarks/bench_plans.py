"""Benchmark: loading, validating, concluding and the money frames of every plan in ``plans/``.

Usage::

    python benchmarks/bench_plans.py        # best of 5 rounds per step, all seed plans

Prints one line per step (seconds for all plans together).
"""

from __future__ import annotations

import time
import warnings

from analyse.plans import budget_summary, budget_table, conclude, load_plan, savings_ledger
from analyse.plans.load import all_plan_files


def _best(fn, rounds: int = 5) -> float:  # noqa: ANN001
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    warnings.simplefilter("ignore")
    files = all_plan_files()
    plans = [load_plan(f, catalogue=None) for f in files]
    steps = {
        "load + validate": lambda: [load_plan(f, catalogue=None) for f in files],
        "conclude (rules + evidence weighing)": lambda: [conclude(p) for p in plans],
        "savings ledger + budget table/summary": lambda: [
            (savings_ledger(p), budget_summary(budget_table(p))) for p in plans
        ],
    }
    print(f"{len(files)} plannen")
    for name, fn in steps.items():
        print(f"{name:40s} {_best(fn):6.3f} s")


if __name__ == "__main__":
    main()
