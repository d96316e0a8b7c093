"""Corpus (issue 14, class 1): processes outlive their batch.

Whatever stops the main process (kill -9, SIGTERM, Ctrl-C), no worker and no kernel may survive it by more than a
few seconds; an interrupt reports gemeenten that never started as ``niet gestart`` (never as an internal error),
and a re-run picks up cleanly. The first cases use :class:`analyse.report.pool.WorkerPool` with trivial work
(no kernels, a second each); the last ones kill a real ``python -m analyse.report --jobs 2`` batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from analyse import paths

from .conftest import PYTHON, run

GRACE = 8.0  # seconds a process may outlive its parent (watchdog 0.5 s, ipykernel poller 1 s, stop 3 s)


# ------------------------------------------------------------------------------------------ process table
def _procs() -> dict[int, tuple[str, int]]:
    out = {}
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            rest = stat[stat.rindex(")") + 2:].split()
            out[int(d.name)] = (rest[0], int(rest[1]))
    return out


def descendants(pid: int) -> set[int]:
    """All processes below ``pid`` (children, grandchildren, …)."""
    table, found, frontier = _procs(), set(), {pid}
    while frontier:
        kids = {p for p, (_, parent) in table.items() if parent in frontier and p not in found}
        found |= kids
        frontier = kids
    return found


def alive(pids: set[int]) -> set[int]:
    table = _procs()
    return {p for p in pids if p in table and table[p][0] != "Z"}


def wait_gone(pids: set[int], timeout: float = GRACE) -> set[int]:
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive(pids)


pytestmark = [pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)"),
              pytest.mark.slow]  # worker processes, kernels and signals


# ------------------------------------------------------------------------------------------ pool, no kernels
def _square(x: int) -> int:
    if x == 3:
        os._exit(9)  # a worker that dies (OOM killer) in the middle of an item
    return x * x


def test_pool_dead_worker_fails_only_its_item():
    from analyse.report.pool import WorkerPool

    got: dict[int, object] = {}
    pool = WorkerPool(2, _square)
    pool.run(list(range(6)), on_result=got.__setitem__, on_crash=lambda i, why: f"crash {i}: {why}")
    assert got[3].startswith("crash 3: het workerproces stopte onverwacht (exitcode 9)")
    assert {i: got[i] for i in got if i != 3} == {0: 0, 1: 1, 2: 4, 4: 16, 5: 25}
    assert alive(pool.pids) == set()


POOL_SCRIPT = textwrap.dedent("""
    import sys, time
    from analyse.report.pool import WorkerPool, interrupt_signals, BatchInterrupted
    def slow(x):
        time.sleep(120)
    pool = WorkerPool(2, slow)
    try:
        with interrupt_signals():
            pool.run([1, 2, 3], on_result=lambda i, r: None, on_crash=lambda i, w: None)
    except BatchInterrupted as exc:
        print("started", sorted(pool.started), "signal", exc.signum, flush=True)
        sys.exit(128 + exc.signum)
""")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP], ids=["kill-9", "sigterm", "sighup"])
def test_pool_workers_die_with_their_parent(sig, tmp_path):
    proc = subprocess.Popen([PYTHON, "-c", POOL_SCRIPT], cwd=paths.ROOT, start_new_session=True,
                            stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while len(descendants(proc.pid)) < 2:
            assert proc.poll() is None and time.monotonic() < deadline, "workers did not start"
            time.sleep(0.05)
        time.sleep(0.5)  # both workers busy with an item
        workers = descendants(proc.pid)
        os.kill(proc.pid, sig)
        out, _ = proc.communicate(timeout=30)
        assert wait_gone(workers) == set(), "a worker outlived its parent"
        if sig != signal.SIGKILL:
            assert proc.returncode == 128 + sig
            assert "started [0, 1]" in out  # item 2 never started
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


def test_worker_guard_exits_when_parent_is_gone():
    """The watchdog alone (no death signal) notices a new parent pid."""
    code = textwrap.dedent("""
        import os, time
        from analyse.report import pool
        pool.set_parent_death_signal = lambda *a: False   # only the watchdog thread
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:
            pool.guard_worker(parent)
            time.sleep(60)
            os._exit(0)
        print(pid, flush=True)
        os._exit(0)   # the parent disappears at once
    """)
    res = subprocess.run([PYTHON, "-c", code], cwd=paths.ROOT, capture_output=True, text=True, timeout=60)
    child = int(res.stdout.strip())
    assert wait_gone({child}, timeout=5) == set()


# ------------------------------------------------------------------------------------------ real batches
def _batch(out: Path, codes: list[str], env: dict[str, str], jobs: int = 2) -> subprocess.Popen:
    cmd = [PYTHON, "-m", "analyse.report", "-g", *codes, "-o", str(out), "--jobs", str(jobs), "--no-progress",
           "--force", "--engine", "analyse-warm"]  # with kernels: the processes that could outlive the batch
    return subprocess.Popen(cmd, env=env, cwd=paths.ROOT, start_new_session=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _wait_rendering(proc: subprocess.Popen, out: Path) -> set[int]:
    """Wait until a report is being built (a staging folder exists); return the batch's processes then."""
    deadline = time.monotonic() + 240
    while not (out.is_dir() and any(p.name.startswith(".bouw-GM") for p in out.iterdir())):
        assert proc.poll() is None and time.monotonic() < deadline, "batch ended before rendering"
        time.sleep(0.05)
    return descendants(proc.pid)




@pytest.mark.slow
def test_kill_9_batch_leaves_no_worker_or_kernel_and_rerun_is_clean(report_env, tmp_path):
    out = tmp_path / "killed"
    proc = _batch(out, ["GM0531", "GM0505"], report_env)
    try:
        family = _wait_rendering(proc, out)
        assert len(family) >= 4, "expected two workers with a kernel each"
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
        assert wait_gone(family) == set(), "workers or kernels outlived the killed batch"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    again = run(["analyse.report", "-g", "GM0531", "GM0505", "-o", str(out), "--jobs", "1", "--no-progress"],
                report_env)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "staging folders left behind"
    for code in ("GM0531", "GM0505"):
        assert json.loads((out / code / f"{code}.json").read_text(encoding="utf-8"))["status"] == "ok"


@pytest.mark.slow
@pytest.mark.parametrize("sig, group, code, jobs", [
    pytest.param(signal.SIGTERM, False, 143, 2, id="sigterm"),
    pytest.param(signal.SIGINT, True, 130, 2, id="ctrl-c"),
    pytest.param(signal.SIGINT, True, 130, 1, id="ctrl-c-in-process"),
])
def test_interrupted_batch_says_not_started_and_stops_everything(report_env, tmp_path, sig, group, code, jobs):
    out = tmp_path / "stopped"
    proc = _batch(out, ["GM0531", "GM0505", "GM0482"], report_env, jobs)
    try:
        family = _wait_rendering(proc, out)
        (os.killpg if group else os.kill)(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
        assert wait_gone(family) == set(), "workers or kernels outlived the stopped batch"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == code, stdout + stderr
    assert "Traceback" not in stderr
    assert "interne fout" not in stdout and "Empty" not in stdout
    assert "NIET GESTART GM0482" in stdout  # the third gemeente never got a worker
    if jobs == 1:
        assert "AFGEBROKEN GM0531" in stdout and "NIET GESTART GM0505" in stdout
    assert not (out / "GM0482").exists()
    assert not [p for p in out.iterdir() if p.name.startswith(".bouw-")]
    assert (out / "index.html").is_file()
