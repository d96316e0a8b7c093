"""Run the template and the verkenning notebook under papermill for three gemeenten each; check they are quiet.

Quiet means: no stderr output and no error in any cell, no figure shown twice (``analyse.report.export.
quiet_problems``), and nothing on papermill's own stderr except the kernel launcher's transport notice. Prints
one line per run with its time and writes ``benchmarks/results/notebooks.json``. Exit code 1 when a run is not
quiet.

    .venv/bin/python benchmarks/bench_notebooks.py [GM0531 GM0505 GM0141]
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from analyse import paths
from analyse.report.export import quiet_problems

KERNEL_NOTICE = ("Kernel is running over TCP without encryption",)
"""Launcher notices of ipykernel/jupyter_client that no notebook code can cause (ignored)."""


def run(notebook: Path, out: Path, params: dict[str, object]) -> dict[str, object]:
    cmd = [sys.executable, "-m", "papermill", str(notebook), str(out), "-k", "python3", "--no-progress-bar",
           "--cwd", str(paths.NOTEBOOKS_DIR)]
    for key, value in params.items():
        cmd += ["-y", json.dumps({key: value})]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    seconds = time.perf_counter() - t0
    info = ("Input Notebook:", "Output Notebook:", "Executing notebook with kernel", "Working directory:")
    stderr = [ln for ln in proc.stderr.splitlines()
              if ln.strip() and not ln.startswith(info) and not any(k in ln for k in KERNEL_NOTICE)]
    problems = [f"papermill: {ln}" for ln in stderr]
    if proc.returncode == 0 and out.exists():
        problems += quiet_problems(nbformat.read(out, as_version=4))
    elif proc.returncode != 0:
        problems.append(f"exit {proc.returncode}")
    return {"notebook": notebook.name, "parameters": params, "seconds": round(seconds, 1), "problems": problems}


def main(codes: list[str]) -> int:
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for code in codes:
            results.append(run(paths.TEMPLATE_NOTEBOOK, root / f"rapport-{code}.ipynb",
                               {"gemeentecode": code, "output_dir": str(root / "reports")}))
        for i, code in enumerate(codes):
            chosen = [code, *[c for c in codes if c != code]]
            results.append(run(paths.NOTEBOOKS_DIR / "verkenning.ipynb", root / f"verkenning-{i}.ipynb",
                               {"gemeentecodes": chosen, "period_type": ["jaar", "halfjaar", "jaar"][i % 3]}))
        figures_in_repo = sorted(p.name for p in (paths.FIGURES_DIR).glob("GM*") if p.is_dir())
    for r in results:
        state = "stil" if not r["problems"] else f"{len(r['problems'])} probleem/problemen: {r['problems'][:3]}"
        print(f"{r['notebook']:<24} {json.dumps(r['parameters'], ensure_ascii=False)[:70]:<72} {r['seconds']:>6.1f} s  "
              f"{state}")
    print(f"mappen in figures/ na de runs: {figures_in_repo or 'geen'}")
    out = Path(__file__).parent / "results" / "notebooks.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if any(r["problems"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or ["GM0531", "GM0505", "GM0141"]))
