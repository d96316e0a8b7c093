"""Benchmark: naive per-gemeente loop vs ``python -m analyse.report`` on the same gemeenten.

Naive = what most projects do: per gemeente a ``papermill`` CLI run (new kernel, fresh imports, data read
again) followed by ``jupyter nbconvert --to html --no-input`` (another process), one after the other.
Ours = one ``python -m analyse.report`` call (warm kernels in ``--jobs`` workers, in-process HTML export).

Usage::

    python benchmarks/bench_reports.py              # the 10 reference gemeenten, naive vs ours, + one re-render
    python benchmarks/bench_reports.py --all        # + the full --all run
    python benchmarks/bench_reports.py -n 5 --jobs 2

Every variant is timed as wall clock and as CPU time (user + system of all its processes: the runner, its
workers and their kernels; ``resource.getrusage(RUSAGE_CHILDREN)``), because on a shared machine the wall clock
depends on what else runs. Our runs use a fresh figure cache (``ANALYSE_CACHE_DIR`` in the temporary folder), so
the batch draws every figure; the re-render of one gemeente is measured twice: with that cache warm (a researcher
re-rendering after a plan edit) and with an empty one.

Prints a table and writes ``benchmarks/results/reports.json`` (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from analyse import paths

BIN = Path(sys.executable).parent
REFERENCE_SET = ["GM0531", "GM0344", "GM0141", "GM0505", "GM0482", "GM0164", "GM0014", "GM0363", "GM0518", "GM1959"]
"""The ten gemeenten of the speed goal (five with plans, the four largest cities, one small gemeente)."""


def _cpu() -> float:
    """CPU seconds (user + system) of all finished child processes so far."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


CPU: dict[str, float] = {}
"""CPU seconds of the last run of each variant (filled by :func:`run_naive` and :func:`run_ours`)."""


def _env(cache: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    if cache is not None:
        env["ANALYSE_CACHE_DIR"] = str(cache)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"  # kernelspec 'python' -> this venv
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def pick_gemeenten(n: int, indelingsjaar: int) -> list[str]:
    from analyse.report.runner import all_gemeenten

    codes = all_gemeenten(indelingsjaar)
    step = max(1, len(codes) // n)
    return codes[::step][:n]


def run_naive(codes: list[str], out: Path) -> float:
    env = _env()
    t0, c0 = time.perf_counter(), _cpu()
    for code in codes:
        folder = out / code
        folder.mkdir(parents=True, exist_ok=True)
        nb = folder / f"{code}.ipynb"
        subprocess.run([str(BIN / "papermill"), str(paths.TEMPLATE_NOTEBOOK), str(nb), "-p", "gemeentecode", code,
                        "-p", "output_dir", str(out), "-k", "python3", "--cwd", str(paths.NOTEBOOKS_DIR),
                        "--no-progress-bar", "--log-level", "ERROR"], check=True, env=env, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(nb)], check=True, env=env,
                       capture_output=True)
    CPU["naive"] = _cpu() - c0
    return time.perf_counter() - t0


def run_ours(args: list[str], out: Path, jobs: int | None, cache: Path | None = None) -> tuple[float, int]:
    cmd = [sys.executable, "-m", "analyse.report", *args, "--output", str(out), "--force", "--no-progress"]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    t0, c0 = time.perf_counter(), _cpu()
    proc = subprocess.run(cmd, env=_env(cache), capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    CPU["ours"] = _cpu() - c0
    if proc.returncode not in (0, 1):
        raise RuntimeError(proc.stderr[-2000:])
    return seconds, proc.returncode


def html_sizes(out: Path) -> dict[str, float]:
    sizes = [p.stat().st_size for p in out.glob("GM*/GM*.html")]
    if not sizes:
        return {}
    return {"n": len(sizes), "min_kb": min(sizes) / 1024, "median_kb": statistics.median(sizes) / 1024,
            "max_kb": max(sizes) / 1024}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=0, help="pick n gemeenten spread over all (default: the reference set)")
    ap.add_argument("--jobs", type=int, default=None, help="workers for our runner (default: cores)")
    ap.add_argument("--indelingsjaar", type=int, default=2024)
    ap.add_argument("--all", action="store_true", help="also time the full --all run")
    ap.add_argument("--skip-naive", action="store_true")
    args = ap.parse_args(argv)

    codes = pick_gemeenten(args.n, args.indelingsjaar) if args.n else list(REFERENCE_SET)
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    results: dict[str, object] = {
        "date": datetime.now().isoformat(timespec="seconds"), "machine": platform.platform(),
        "cpus": os.cpu_count(), "python": platform.python_version(), "gemeenten": codes,
        "jobs": args.jobs or os.cpu_count(),
    }
    try:
        cache = tmp / "cache"
        if not args.skip_naive:
            naive = run_naive(codes, tmp / "naive")
            results["naive_seconds"] = round(naive, 2)
            results["naive_per_gemeente"] = round(naive / len(codes), 2)
            results["naive_cpu_seconds"] = round(CPU["naive"], 2)
        ours, rc = run_ours(["--gemeente", *codes], tmp / "ours", args.jobs, cache)
        results["ours_seconds"] = round(ours, 2)
        results["ours_per_gemeente"] = round(ours / len(codes), 2)
        results["ours_cpu_seconds"] = round(CPU["ours"], 2)
        results["ours_exit"] = rc
        results["html"] = html_sizes(tmp / "ours")
        if "naive_seconds" in results:
            results["speedup"] = round(results["naive_seconds"] / ours, 1)
            results["speedup_cpu"] = round(results["naive_cpu_seconds"] / results["ours_cpu_seconds"], 1)
        one, _ = run_ours(["--gemeente", codes[0]], tmp / "ours", 1, cache)  # re-render, figures cached
        results["one_rerender_seconds"] = round(one, 2)
        results["one_rerender_cpu_seconds"] = round(CPU["ours"], 2)
        cold, _ = run_ours(["--gemeente", codes[0]], tmp / "ours", 1, tmp / "cache-cold")  # nothing cached
        results["one_cold_seconds"] = round(cold, 2)
        results["one_cold_cpu_seconds"] = round(CPU["ours"], 2)
        if args.all:
            full, rc_all = run_ours(["--all", "--indelingsjaar", str(args.indelingsjaar)], tmp / "all", args.jobs,
                                    tmp / "cache-all")
            statuses = [json.loads(p.read_text()).get("status") for p in (tmp / "all").glob("GM*/GM*.json")]
            results["all"] = {"seconds": round(full, 1), "cpu_seconds": round(CPU["ours"], 1),
                              "n": len(statuses), "ok": statuses.count("ok"),
                              "fout": statuses.count("fout"), "exit": rc_all, "html": html_sizes(tmp / "all")}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    out = paths.BENCHMARKS_DIR / "results" / "reports.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")

    n = len(codes)
    print(f"\nReports benchmark ({n} gemeenten, {results['cpus']} cores, jobs={results['jobs']})")
    print(f"{'variant':44} {'total s':>9} {'s/gemeente':>11} {'CPU s':>8}")
    if "naive_seconds" in results:
        print(f"{'naive: papermill CLI + nbconvert --no-input':44} {results['naive_seconds']:>9.1f} "
              f"{results['naive_per_gemeente']:>11.2f} {results['naive_cpu_seconds']:>8.1f}")
    print(f"{'ours: python -m analyse.report':44} {results['ours_seconds']:>9.1f} "
          f"{results['ours_per_gemeente']:>11.2f} {results['ours_cpu_seconds']:>8.1f}")
    if "speedup" in results:
        print(f"speed-up: {results['speedup']}x wall clock, {results['speedup_cpu']}x CPU time")
    print(f"one gemeente re-rendered (--gemeente {codes[0]} --force, wall incl. start-up): "
          f"{results['one_rerender_seconds']:.1f} s (CPU {results['one_rerender_cpu_seconds']:.1f} s); "
          f"with an empty figure cache {results['one_cold_seconds']:.1f} s "
          f"(CPU {results['one_cold_cpu_seconds']:.1f} s)")
    if results.get("html"):
        h = results["html"]
        print(f"HTML size: min {h['min_kb']:.0f} KB, median {h['median_kb']:.0f} KB, max {h['max_kb']:.0f} KB")
    if "all" in results:
        a = results["all"]
        print(f"--all: {a['n']} gemeenten in {a['seconds']:.0f} s, CPU {a['cpu_seconds']:.0f} s ({a['ok']} ok, "
              f"{a['fout']} fout)"
              + (f"; HTML max {a['html']['max_kb']:.0f} KB" if a.get("html") else ""))
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
