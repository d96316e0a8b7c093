"""The quick start (docs/quickstart.md) runs as written: every recipe at most three lines, no errors, and the
output on the page still matches (its first line, i.e. a frame's columns). Run against the session's processed data
(``built_data_dir``: seeds plus ../shared/data, built once) in a subprocess, as a reader runs the recipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from analyse import paths

DOCS = paths.ROOT / "docs"


def test_quickstart_has_eight_short_recipes_with_shown_output():
    sys.path.insert(0, str(DOCS))
    try:
        import quickstart
    finally:
        sys.path.remove(str(DOCS))
    found = quickstart.recipes((DOCS / "quickstart.md").read_text(encoding="utf-8"))
    assert len(found) >= 8
    for m in found:
        code = [ln for ln in m["code"].splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        assert len(code) <= 3, m["title"]
        assert m["output"] and m["output"].strip(), f"recipe without output on the page: {m['title']}"


@pytest.mark.slow
def test_quickstart_recipes_run_and_their_output_is_current(built_data_dir):
    if paths.cbs_dir() is None:
        pytest.skip("the recipes show the shared CBS data (../shared/data), not the seed figures")
    env = {**os.environ, "ANALYSE_DATA_DIR": str(built_data_dir), "MPLBACKEND": "Agg"}
    proc = subprocess.run([sys.executable, str(DOCS / "quickstart.py"), "--check", "--json"], env=env,
                          capture_output=True, text=True, timeout=900, cwd=paths.ROOT)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(report) >= 8 and all(r["status"] == "ok" for r in report)
