"""The warm-kernel papermill engine: reuse, namespace reset, restart after a crash, venv interpreter."""

from __future__ import annotations

import sys

import nbformat
import papermill
import pytest
from papermill.exceptions import PapermillExecutionError

from analyse.report import engine

pytestmark = pytest.mark.slow  # starts kernels


def _nb(*sources: str):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 0", metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(s) for s in sources]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def _run(nb, **params):
    return papermill.execute_notebook(nb, None, parameters=params, engine_name=engine.ENGINE_NAME,
                                      kernel_name="python3", progress_bar=False)


@pytest.fixture(scope="module", autouse=True)
def _shutdown():
    yield
    engine.shutdown_all()


def _stdout(nb, i=-1):
    return "".join(o.get("text", "") for o in nb.cells[i].outputs if o.output_type == "stream")


def test_engine_is_registered():
    assert papermill.engines.papermill_engines.get_engine(engine.ENGINE_NAME) is engine.WarmEngine


def test_kernel_runs_this_interpreter_and_is_reused():
    nb = _nb("import os, sys; print(sys.executable, os.getpid(), x)")
    first = _stdout(_run(nb, x=1)).split()
    second = _stdout(_run(nb, x=2)).split()
    assert first[0] == sys.executable
    assert first[1] == second[1], "the same kernel process serves both runs"
    assert (first[2], second[2]) == ("1", "2")


def test_namespace_is_reset_between_runs():
    _run(_nb("leftover = 42"))
    out = _run(_nb("print('leftover' in globals())"))
    assert _stdout(out).strip() == "False"


def test_cell_error_raises_and_kernel_survives():
    with pytest.raises(PapermillExecutionError, match="ZeroDivisionError"):
        _run(_nb("1/0"))
    assert _stdout(_run(_nb("print('ok')"))).strip() == "ok"


def test_dead_kernel_is_restarted():
    pid_before = _stdout(_run(_nb("import os; print(os.getpid())"))).strip()
    kernel = engine.warm_kernel("python3")
    run_sync = engine.run_sync
    run_sync(kernel.km.shutdown_kernel)(now=True)  # simulate a crash
    assert not kernel.is_alive()
    pid_after = _stdout(_run(_nb("import os; print(os.getpid())"))).strip()
    assert pid_after and pid_after != pid_before


def test_venv_kernel_manager_ignores_installed_kernelspec():
    km = engine.VenvKernelManager(kernel_name="python3")
    assert km.kernel_spec.argv[0] == sys.executable
    assert "{connection_file}" in km.kernel_spec.argv


def test_start_is_retried_then_reported(monkeypatch):
    calls = []

    def failing(self):
        calls.append(1)
        raise RuntimeError("poort bezet")

    monkeypatch.setattr(engine.WarmKernel, "_start_once", failing)
    monkeypatch.setattr(engine.time, "sleep", lambda s: None)
    with pytest.raises(engine.KernelStartError, match="3 pogingen"):
        engine.WarmKernel(attempts=3).start()
    assert len(calls) == 3


def test_input_notebook_is_not_modified():
    """The runner passes its cached template to papermill without copying it."""
    nb = _nb("y = x + 1\nprint(y)")
    before = nbformat.writes(nb)
    out = _run(nb, x=5)
    assert _stdout(out).strip() == "6"
    assert nbformat.writes(nb) == before


def test_kernel_is_frozen_after_warmup_and_keeps_no_history():
    out = _run(_nb("import gc; print(gc.get_freeze_count() > 0, get_ipython().history_manager.enabled)"))
    assert _stdout(out).split() == ["True", "False"]


def test_the_warm_engine_is_registered_through_its_entry_point():
    """papermill finds ``analyse-warm`` by the entry point in pyproject.toml, without importing our engine first."""
    import subprocess

    code = ("import sys\nfrom papermill.engines import papermill_engines\n"
            "engine = papermill_engines.get_engine('analyse-warm')\n"
            "print(engine.__module__, engine.__name__)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["analyse.report.engine", "WarmEngine"]


def test_kill_all_kills_the_kernel_at_once():
    """Used when a batch is stopped or its parent died: no message to the kernel, its process group is killed."""
    import os
    import time

    kernel = engine.warm_kernel("python3")
    pid = kernel.pid
    assert engine.kernel_pids() == [pid]
    engine.kill_all()
    deadline = time.monotonic() + 10
    while kernel.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not kernel.is_alive()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)
    engine.shutdown_all()
    assert engine.kernel_pids() == []
