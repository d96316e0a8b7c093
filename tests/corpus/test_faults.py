"""Corpus: faults in a batch – some gemeenten fail, a batch is killed midway, raw data must never change.

Every run is a subprocess with the env overrides of ``report_env`` (temp data/plans/reports dirs). The first batch
is the session's shared batch (``shared_reports``: three or four gemeenten that render, an unknown code and a merged
one); the reruns work on a copy of it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pandas as pd
import pytest

from analyse import paths

from .conftest import PYTHON, cbs_dir_or_skip, copy_tree, raw_baseline, run, tree_hashes

pytestmark = pytest.mark.slow  # renders notebooks (about a minute in all)

BATCH = ["GM0531", "GM9999", "GM0689", "GM0505"]


def report_cmd(out: Path, *codes: str, jobs: int = 2, extra: tuple[str, ...] = ()) -> list[str]:
    return ["analyse.report", "-g", *codes, "-o", str(out), "--jobs", str(jobs), "--no-progress", *extra]


def status(out: Path, code: str) -> dict:
    return json.loads((out / code / f"{code}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def batch(shared_reports, tmp_path_factory):
    """A copy of the shared batch's output (the reruns below change it) and the batch's process result."""
    assert set(BATCH) <= set(shared_reports.codes)
    out = copy_tree(shared_reports.reports, tmp_path_factory.mktemp("batch") / "out")
    return out, shared_reports.process()


def test_partial_failure_others_finish(batch, shared_reports):
    out, res = batch
    assert res.returncode == 1, res.stdout + res.stderr
    assert {"GM0531", "GM0505"} <= set(shared_reports.ok_codes)
    for code in shared_reports.ok_codes:
        assert status(out, code)["status"] == "ok"
        assert (out / code / f"{code}.html").read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert f"{len(shared_reports.ok_codes)} gemaakt" in res.stdout and "2 mislukt" in res.stdout


@pytest.mark.parametrize("code, words", [
    pytest.param("GM9999", ["Onbekende gemeentecode GM9999 (indelingsjaar 2024)"], id="unknown-code"),
    pytest.param("GM0689", ["GM0689 (Giessenlanden) bestaat niet meer in indelingsjaar 2024", "GM1978 (Molenlanden)"],
                 id="merged-code-names-successor"),
])
def test_each_failure_has_error_page_and_summary_line(batch, code, words):
    if code == "GM0689":
        cbs_dir_or_skip()  # herindelingen come from the shared data; the seed registry has none
    if code == "GM9999" and paths.cbs_dir() is None:
        # a seed-only data set knows only the seed gemeenten: it cannot call a code unknown, and says so
        words = ["Voor GM9999 zijn geen gegevens", "Of GM9999 een bestaande gemeentecode is, kan met deze "
                 "gegevens niet worden nagegaan"]
    out, res = batch
    line = next((ln for ln in res.stdout.splitlines() if ln.strip().startswith(f"FOUT {code}")), "")
    assert line and f"{code}/{code}.html" in line
    page = (out / code / f"{code}.html").read_text(encoding="utf-8")
    for w in words:
        assert w in line and w in page.replace("&#x27;", "'")
    assert "Traceback" not in page and status(out, code)["status"] == "fout"
    assert (out / code / f"{code}.log").stat().st_size > 0
    index = (out / "index.html").read_text(encoding="utf-8")
    assert f"{code}/{code}.html" in index


def test_rerun_redoes_only_failed_or_changed(batch, report_env):
    out, _ = batch
    before = {c: status(out, c)["rendered_at"] for c in BATCH}
    mtime = {c: (out / c / f"{c}.html").stat().st_mtime_ns for c in BATCH}
    time.sleep(1.1)  # rendered_at has second resolution
    again = run(report_cmd(out, *BATCH), report_env)
    assert again.returncode == 1
    assert "0 gemaakt, 2 overgeslagen (actueel), 2 mislukt" in again.stdout
    for code in ("GM0531", "GM0505"):  # untouched
        assert (out / code / f"{code}.html").stat().st_mtime_ns == mtime[code]
    for code in ("GM9999", "GM0689"):  # redone
        assert status(out, code)["rendered_at"] != before[code]
    # a changed plan file makes exactly its gemeente stale
    plan = next(Path(report_env["ANALYSE_PLANS_DIR"]).glob("GM0505-*.yml"))
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# gewijzigd\n", encoding="utf-8")
    third = run(report_cmd(out, "GM0531", "GM0505"), report_env)
    assert third.returncode == 0, third.stdout + third.stderr
    assert "1 gemaakt, 1 overgeslagen" in third.stdout
    assert (out / "GM0531" / "GM0531.html").stat().st_mtime_ns == mtime["GM0531"]
    assert (out / "GM0505" / "GM0505.html").stat().st_mtime_ns != mtime["GM0505"]


def test_sigterm_midway_leaves_no_half_written_report(report_env, tmp_path):
    out = tmp_path / "killed"
    codes = ["GM0531", "GM0505"]
    proc = subprocess.Popen([PYTHON, "-m", *report_cmd(out, *codes, jobs=1)], env=report_env, cwd=paths.ROOT,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 300
        while not (out / "GM0531" / "GM0531.json").exists():
            assert proc.poll() is None and time.time() < deadline, "batch ended before the first report"
            time.sleep(0.05)
        time.sleep(0.5)  # inside the second report
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    # at most a hidden temporary file (never read, see analyse.atomic), never a visible half-written one
    assert all(p.name.startswith(".") for p in out.rglob("*") if p.name.endswith(".tmp"))
    for html in out.rglob("*.html"):
        assert html.read_text(encoding="utf-8").rstrip().endswith("</html>"), html
    for code in codes:  # a report is either complete with its status file, or absent
        assert (out / code / f"{code}.html").exists() == (out / code / f"{code}.json").exists()
    again = run(report_cmd(out, *codes, jobs=1), report_env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert all(status(out, c)["status"] == "ok" for c in codes)
    assert "1 overgeslagen" in again.stdout  # GM0531 survived the kill and is not redone


KILL_DURING_WRITE = """
import os, signal, sys
import pandas as pd
from pathlib import Path
from analyse.data.build import write_parquet_atomic
target = Path(sys.argv[1])
def half_then_die(self, path, *a, **k):
    Path(path).write_bytes(b"PAR1" + b"x" * 100)  # a half-written file ...
    os.kill(os.getpid(), signal.SIGKILL)           # ... and the process dies
pd.DataFrame.to_parquet = half_then_die
write_parquet_atomic(pd.DataFrame({"a": [2]}), target)
"""


def test_killed_parquet_write_keeps_old_table(tmp_path):
    target = tmp_path / "processed" / "indicators.parquet"
    target.parent.mkdir()
    pd.DataFrame({"a": [1]}).to_parquet(target)
    res = subprocess.run([PYTHON, "-c", KILL_DURING_WRITE, str(target)], cwd=paths.ROOT, capture_output=True)
    assert res.returncode == -signal.SIGKILL
    assert pd.read_parquet(target)["a"].tolist() == [1]  # the old table, intact
    assert sorted(p.name for p in target.parent.glob("*.parquet")) == ["indicators.parquet"]


def test_raw_data_never_modified(report_env, batch):
    """Runs after the session's full build and the batch runs: nothing under data/raw or the source dir changed."""
    data = Path(report_env["ANALYSE_DATA_DIR"])
    baseline = raw_baseline(data)
    before = baseline["raw"]
    after = tree_hashes(data / "raw")
    assert before and {k: v for k, v in after.items() if k in before} == before  # nothing changed or removed
    assert all(not k.startswith("seeds/") for k in set(after) - set(before))  # only new snapshots (raw/cbs) added
    cbs = paths.cbs_dir()
    if cbs:
        assert tree_hashes(cbs) == baseline["source"]
