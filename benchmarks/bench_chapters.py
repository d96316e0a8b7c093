"""Benchmark: where the time of one report goes, per chapter, in one warm process.

Builds the content of each gemeente (:func:`analyse.content.build_report`, timed per chapter module, plus the own
build of every registered chapter that has one) and renders every chapter of the registry
(:mod:`analyse.report.chapters`, figures included) without writing files. The processed data are loaded
once first (as a warm report kernel does), and that load is reported separately.

Usage::

    python benchmarks/bench_chapters.py                   # the reference set of bench_reports.py
    python benchmarks/bench_chapters.py GM0531 GM0014     # selected gemeenten

Prints a table (seconds per chapter, mean over the gemeenten, and the slowest gemeente) and writes
``benchmarks/results/chapters.json`` (git-ignored).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analyse import bundle, content, gemeenten, paths  # noqa: E402
from analyse.content import cost_chapter, indicator_chapter, plan_chapter, sources_chapter, summary_chapter  # noqa: E402
from analyse.report import sections  # noqa: E402
from benchmarks.bench_reports import REFERENCE_SET  # noqa: E402

BUILD_STEPS = {"indicatoren (inhoud)": (indicator_chapter, "build"),
               "vergelijkbare gemeenten": (indicator_chapter, "peer_codes"),
               "kosten (inhoud)": (cost_chapter, "build"), "plannen (inhoud)": (plan_chapter, "build"),
               "bronnen (inhoud)": (sources_chapter, "build"), "eerste scherm (inhoud)": (summary_chapter, "build")}


def timed_build(gemeente, times: dict[str, float]) -> content.ReportContent:
    """build_report with each chapter function wrapped in a timer (restored afterwards)."""
    originals = {}
    for label, (module, name) in BUILD_STEPS.items():
        fn = getattr(module, name)
        originals[(module, name)] = fn

        def wrapper(*a, _fn=fn, _label=label, **k):
            t0 = time.perf_counter()
            try:
                return _fn(*a, **k)
            finally:
                times[_label] += time.perf_counter() - t0
        setattr(module, name, wrapper)
    try:
        t0 = time.perf_counter()
        inputs = bundle.load(gemeente.indelingsjaar)
        rc = content.build_report(gemeente, content.ReportParameters(), inputs)
        for chapter in sections.CHAPTERS:  # the registered chapters with a build of their own
            if chapter.build is not None:
                t1 = time.perf_counter()
                rc.parts[chapter.id] = chapter.build(rc, inputs)
                times[f"{chapter.id} (inhoud)"] += time.perf_counter() - t1
        times["build_report totaal"] += time.perf_counter() - t0
        return rc
    finally:
        for (module, name), fn in originals.items():
            setattr(module, name, fn)


def main(argv: list[str]) -> int:
    warnings.simplefilter("ignore")
    codes = argv or list(REFERENCE_SET)
    t0 = time.perf_counter()
    inputs = bundle.preload()
    load = time.perf_counter() - t0
    per: dict[str, dict[str, float]] = {}
    for code in codes:
        times: dict[str, float] = defaultdict(float)
        t1 = time.perf_counter()
        g = gemeenten.validate(code, inputs.indelingsjaar)
        rc = timed_build(g, times)
        for chapter in sections.CHAPTERS:  # every chapter of the registry, in page order
            t2 = time.perf_counter()
            chapter.render(rc, None)
            times[f"{chapter.id} ({chapter.title})"] += time.perf_counter() - t2
        times["totaal"] = time.perf_counter() - t1
        per[code] = dict(times)
    labels = list(next(iter(per.values())).keys())
    print(f"data load (once per kernel): {load:.2f} s\n")
    print(f"{'onderdeel':28} {'mean s':>8} {'max s':>8}  slowest")
    summary = {}
    for label in labels:
        vals = {c: t.get(label, 0.0) for c, t in per.items()}
        slow = max(vals, key=vals.get)
        summary[label] = {"mean": sum(vals.values()) / len(vals), "max": vals[slow], "slowest": slow}
        print(f"{label:28} {summary[label]['mean']:8.3f} {vals[slow]:8.3f}  {slow}")
    out = paths.BENCHMARKS_DIR / "results" / "chapters.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"load_seconds": load, "per_gemeente": per, "summary": summary}, indent=2))
    print(f"\nwritten: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
