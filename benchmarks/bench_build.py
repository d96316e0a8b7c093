"""Benchmark: ``python -m analyse.data build`` per step, into a temporary processed directory.

Usage::

    python benchmarks/bench_build.py            # one build, per-step seconds
    python benchmarks/bench_build.py -n 3       # median of three builds

Uses the real raw store (``data/raw/cbs``; imports ``../shared/data`` first when present). Prints one line per
step and the total, and writes ``benchmarks/results/build.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyse.data import build  # noqa: E402

STEP_SECONDS = re.compile(r"^(?P<name>\S+)\s.*\((?P<s>[0-9.]+) s\)$")


def run_once() -> tuple[float, dict[str, float]]:
    """One full build into a temporary directory: (wall seconds, {step: seconds})."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        res = build.build(Path(tmp) / "processed")
        wall = time.perf_counter() - start
    steps = {}
    for line in res.steps:
        match = STEP_SECONDS.match(line)
        if match:
            steps[match["name"]] = float(match["s"])
    return wall, steps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=1, help="number of builds (median reported)")
    args = parser.parse_args(argv)
    runs = [run_once() for _ in range(max(args.n, 1))]
    wall = statistics.median(w for w, _ in runs)
    names = list(runs[0][1])
    per_step = {name: statistics.median(r[1].get(name, 0.0) for r in runs) for name in names}
    for name, sec in per_step.items():
        print(f"{name:16s} {sec:6.1f} s")
    print(f"{'total (wall)':16s} {wall:6.1f} s  (median of {len(runs)})")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "build.json").write_text(json.dumps({"wall_s": wall, "steps_s": per_step, "runs": len(runs),
                                                "machine": platform.platform()}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
