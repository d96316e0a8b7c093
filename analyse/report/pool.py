"""Worker processes (and their kernels) that never outlive the batch that started them.

:class:`ProcessPoolExecutor` workers re-parent to PID 1 and keep running (with their 450 MB kernels) when the
main process is killed, and one dead worker breaks the whole pool. :class:`WorkerPool` is a small pool with
these guarantees instead:

- each worker watches its parent: on Linux ``prctl(PR_SET_PDEATHSIG, SIGTERM)``, everywhere a watchdog thread
  that notices a changed parent pid within :data:`WATCH_INTERVAL` seconds; on SIGTERM or a lost parent the
  worker kills its kernels' process groups (:func:`analyse.report.engine.kill_all`) and exits at once;
- kernels watch their worker in turn (ipykernel's parent poller, ``JPY_PARENT_PID``), so nothing survives;
- workers ignore SIGINT: Ctrl-C reaches the main process only, which stops the workers itself and reports
  the gemeenten that never started as not started (:attr:`WorkerPool.started` tells which did start);
- the main process turns SIGTERM/SIGHUP into :class:`BatchInterrupted` (:func:`interrupt_signals`), so the
  same clean stop runs for a ``kill``;
- a worker that dies (OOM killer) fails only its current gemeente and is replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, Callable, Iterator, Sequence

log = logging.getLogger(__name__)

WATCH_INTERVAL = 0.5
"""Seconds between two parent checks of a worker's watchdog thread."""
STOP_GRACE = 3.0
"""Seconds a stopped worker gets to kill its kernel and exit before it is killed."""
_PR_SET_PDEATHSIG = 1


class BatchInterrupted(BaseException):
    """The batch was stopped by a signal (Ctrl-C, SIGTERM, SIGHUP); ``signum`` says which."""

    def __init__(self, signum: int = signal.SIGINT):
        super().__init__(signal.Signals(signum).name)
        self.signum = int(signum)


_INTERRUPTED: list[int] = []


def interrupted() -> int | None:
    """The signal that interrupted this process's batch, if any."""
    return _INTERRUPTED[-1] if _INTERRUPTED else None


def _raise_interrupt(signum: int, frame: Any) -> None:
    _INTERRUPTED.append(signum)
    raise BatchInterrupted(signum)


@contextlib.contextmanager
def interrupt_signals() -> Iterator[None]:
    """Within the block, SIGINT/SIGTERM/SIGHUP raise :class:`BatchInterrupted` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    names = ("SIGINT", "SIGTERM", "SIGHUP")
    old = {}
    _INTERRUPTED.clear()
    for name in names:
        sig = getattr(signal, name, None)
        if sig is not None:
            old[sig] = signal.signal(sig, _raise_interrupt)
    try:
        yield
    finally:
        for sig, handler in old.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def signals_deferred() -> Iterator[None]:
    """Block SIGINT/SIGTERM/SIGHUP in this thread for a short critical section (e.g. a folder swap)."""
    sigs = {s for s in (getattr(signal, n, None) for n in ("SIGINT", "SIGTERM", "SIGHUP")) if s is not None}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


# ------------------------------------------------------------------------------------------- worker side
def set_parent_death_signal(sig: int = signal.SIGTERM) -> bool:
    """Linux: have the kernel send ``sig`` to this process when its parent dies. ``False`` elsewhere."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _hard_exit(code: int) -> None:
    """Kill this process's kernels, then leave immediately (no clean-up that could hang)."""
    try:
        for name in ("analyse.report.engine", "analyse.report.pdf"):  # only what this process has loaded
            module = sys.modules.get(name)
            if module is not None:
                getattr(module, "kill_all", None) and module.kill_all()
                getattr(module, "kill_running", None) and module.kill_running()
    finally:
        os._exit(code)


def guard_worker(parent_pid: int) -> threading.Thread:
    """Make this (worker) process end with its parent: death signal, watchdog thread, SIGTERM handler.

    Returns:
        The started watchdog thread (a daemon).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process
    signal.signal(signal.SIGTERM, lambda s, f: _hard_exit(128 + signal.SIGTERM))
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda s, f: _hard_exit(128 + signal.SIGHUP))
    set_parent_death_signal(signal.SIGTERM)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                _hard_exit(1)
            time.sleep(WATCH_INTERVAL)

    thread = threading.Thread(target=watch, name="analyse-parent-watchdog", daemon=True)
    thread.start()
    if os.getppid() != parent_pid:  # the parent died before the death signal was armed
        _hard_exit(1)
    return thread


def _kernel_pids() -> list[int]:
    engine = sys.modules.get("analyse.report.engine")
    try:
        return engine.kernel_pids() if engine is not None else []
    except Exception:  # noqa: BLE001
        return []


def _worker_main(conn: Any, parent_pid: int, initializer: Callable[..., None] | None, initargs: tuple,
                 work: Callable[[Any], Any]) -> None:
    """Loop of one worker: initialise, then ``work`` every item the parent sends until it sends ``None``."""
    guard_worker(parent_pid)
    if initializer is not None:
        initializer(*initargs)
    conn.send(("ready", None, None, _kernel_pids()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            _hard_exit(1)
        if msg is None:
            break
        index, item = msg
        result = work(item)
        conn.send(("done", index, result, _kernel_pids()))
    try:
        engine = sys.modules.get("analyse.report.engine")
        if engine is not None:
            engine.shutdown_all()
    finally:
        conn.close()


# ------------------------------------------------------------------------------------------- main side
@dataclass
class _Worker:
    process: Any
    conn: Any
    index: int | None = None
    kernels: list[int] = field(default_factory=list)


class WorkerPool:
    """Run ``work(item)`` for every item in ``n`` forked worker processes (see the module docstring).

    Args:
        n: Number of workers.
        work: Called in a worker for each item; must not raise for a per-item failure.
        initializer: Called once in every worker before its first item.
        initargs: Arguments of ``initializer``.
        mp_context: A :mod:`multiprocessing` context (``fork`` on Linux).
    """

    def __init__(self, n: int, work: Callable[[Any], Any], initializer: Callable[..., None] | None = None,
                 initargs: tuple = (), mp_context: Any = None):
        import multiprocessing

        self.n = max(1, int(n))
        self.work = work
        self.initializer = initializer
        self.initargs = initargs
        self.ctx = mp_context or multiprocessing.get_context()
        self.workers: list[_Worker] = []
        self.started: set[int] = set()
        self.finished: set[int] = set()
        self.pids: set[int] = set()

    def _spawn(self) -> _Worker:
        parent, child = self.ctx.Pipe(duplex=True)
        proc = self.ctx.Process(target=_worker_main, name="analyse-worker", daemon=True,
                                args=(child, os.getpid(), self.initializer, self.initargs, self.work))
        proc.start()
        child.close()
        self.pids.add(proc.pid)
        worker = _Worker(proc, parent)
        self.workers.append(worker)
        return worker

    def run(self, items: Sequence[Any], on_result: Callable[[int, Any], None],
            on_crash: Callable[[int, str], Any]) -> None:
        """Process ``items``; ``on_result(i, result)`` for each, ``on_crash(i, why)`` makes the result of an item
        whose worker died. Stops all workers on return and on any exception (e.g. :class:`BatchInterrupted`)."""
        pending = deque(range(len(items)))
        spawns_left = self.n * 3
        try:
            for _ in range(min(self.n, len(items))):
                self._spawn()
                spawns_left -= 1
            while pending or any(w.index is not None for w in self.workers):
                if not self.workers:
                    if spawns_left <= 0:
                        while pending:
                            i = pending.popleft()
                            on_result(i, on_crash(i, "de workerprocessen starten niet"))
                        break
                    self._spawn()
                    spawns_left -= 1
                by_handle = {}
                for w in self.workers:
                    by_handle[w.conn] = w
                    by_handle[w.process.sentinel] = w
                ready = wait(list(by_handle), timeout=1.0)
                seen: set[int] = set()
                for handle in ready:
                    w = by_handle[handle]
                    if id(w) in seen:
                        continue
                    seen.add(id(w))
                    msg = None
                    try:
                        if w.conn.poll():
                            msg = w.conn.recv()
                    except (EOFError, OSError):
                        msg = None
                    if msg is None:
                        if w.process.is_alive() and handle is w.conn:
                            continue
                        self._lost(w, on_result, on_crash)
                        if pending and spawns_left > 0:
                            self._spawn()
                            spawns_left -= 1
                        continue
                    kind, index, result, kernels = msg
                    w.kernels = list(kernels or [])
                    if kind == "done" and index is not None:
                        w.index = None
                        self.finished.add(index)
                        on_result(index, result)
                    if pending:
                        w.index = pending.popleft()
                        self.started.add(w.index)
                        w.conn.send((w.index, items[w.index]))
                    else:
                        w.conn.send(None)
        except BaseException:
            self.stop(force=True)
            raise
        self.stop()

    def _lost(self, w: _Worker, on_result: Callable[[int, Any], None], on_crash: Callable[[int, str], Any]) -> None:
        w.process.join(0.5)
        code = w.process.exitcode
        self._kill_kernels(w)
        self.workers.remove(w)
        if w.index is not None:
            index, w.index = w.index, None
            self.finished.add(index)
            why = (f"het workerproces stopte onverwacht (signaal {-code})" if code is not None and code < 0
                   else f"het workerproces stopte onverwacht (exitcode {code})")
            on_result(index, on_crash(index, why))

    @staticmethod
    def _kill_kernels(w: _Worker) -> None:
        for pid in w.kernels:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def stop(self, force: bool = False) -> None:
        """Stop every worker. Idle workers were told to exit; busy ones (all with ``force``) get SIGTERM (they
        kill their kernel), and SIGKILL after :data:`STOP_GRACE` seconds."""
        with signals_deferred():
            for w in self.workers:
                if w.process.is_alive() and (force or w.index is not None):
                    with contextlib.suppress(OSError):
                        w.process.terminate()
            deadline = time.monotonic() + STOP_GRACE
            for w in self.workers:
                w.process.join(max(0.0, deadline - time.monotonic()))
                if w.process.is_alive():
                    with contextlib.suppress(OSError):
                        w.process.kill()
                    w.process.join(1.0)
                self._kill_kernels(w)
                with contextlib.suppress(OSError):
                    w.conn.close()
            self.workers.clear()
