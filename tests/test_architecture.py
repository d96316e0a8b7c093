"""The shape of the package: no import cycles, and a content layer that reads nothing.

The layer contracts themselves (data ↛ analysis ↛ content ↛ bundle ↛ report) are checked by import-linter
(``lint-imports``, configured in pyproject.toml, run by ``make test``); these tests add what it does not check.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import pathlib
import subprocess
import sys
import threading
import traceback
from collections.abc import MutableMapping
from datetime import datetime
from pathlib import Path

import grimp
import pytest

from analyse.content import ReportParameters, build_report


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), function-local imports included."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph.modules):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_the_package_has_no_import_cycle():
    assert _cycles(grimp.build_graph("analyse")) == []


def test_the_cycle_finder_finds_a_cycle():
    graph = grimp.ImportGraph()
    for m in ("p", "p.a", "p.b", "p.c"):
        graph.add_module(m)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.c", imported="p.a")
    assert _cycles(graph) == [["p.a", "p.b"]]


class _NoEnvironment(MutableMapping):
    """An ``os.environ`` that fails when code of this package reads it (content may not look at the environment);
    libraries keep their own switches (pyarrow reads ``PYARROW_IGNORE_TIMEZONE`` when it is first used)."""

    def __init__(self, real: MutableMapping):
        self._real = real

    def _check(self, *args):
        caller = sys._getframe(2).f_globals.get("__name__", "")
        if caller.split(".")[0] == "analyse":
            raise AssertionError(f"content read the environment: {args} in {caller}")

    def __getitem__(self, key):
        self._check(key)
        return self._real[key]

    def get(self, key, default=None):
        self._check(key)
        return self._real.get(key, default)

    def __setitem__(self, key, value):
        raise AssertionError(f"content changed the environment: {key}")

    __delitem__ = __setitem__

    def __iter__(self):
        self._check()
        return iter(self._real)

    def __len__(self):
        return len(self._real)


@contextlib.contextmanager
def no_io():
    """Block files, subprocesses and the environment inside the ``with`` block.

    Importing a module is not reading data: while Python's import machinery is on the stack (a library importing
    one of its parts lazily), file access is let through.
    """
    inside = threading.local()  # the guard's own stack walk stats files (linecache): let that through

    def guard(original):
        def blocked(*args, **kwargs):
            if getattr(inside, "busy", False):
                return original(*args, **kwargs)
            inside.busy = True
            try:
                stack = traceback.StackSummary.extract(traceback.walk_stack(None), lookup_lines=False)
            finally:
                inside.busy = False
            if any(f.filename.startswith("<frozen importlib") for f in stack):
                return original(*args, **kwargs)
            where = [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in stack[1:8]]
            raise AssertionError(f"content did I/O: {args[:1]} via {' <- '.join(where)}")
        return blocked

    with pytest.MonkeyPatch.context() as monkeypatch:
        for target, name in ((builtins, "open"), (io, "open"), (os, "open"), (os, "listdir"), (os, "scandir"),
                             (os, "stat"), (pathlib.Path, "open"), (pathlib.Path, "read_text"),
                             (pathlib.Path, "read_bytes"), (pathlib.Path, "write_text"), (pathlib.Path, "write_bytes"),
                             (pathlib.Path, "iterdir"), (pathlib.Path, "glob"), (pathlib.Path, "exists"),
                             (subprocess, "run"), (subprocess, "Popen"), (subprocess, "check_output")):
            monkeypatch.setattr(target, name, guard(getattr(target, name)))
        monkeypatch.setattr(os, "environ", _NoEnvironment(os.environ))
        monkeypatch.setattr(os, "getenv", guard(os.getenv))
        yield


def test_the_blocking_context_blocks():
    with no_io():
        with pytest.raises(AssertionError, match="did I/O"):
            open("pyproject.toml")
        with pytest.raises(AssertionError, match="did I/O"):
            subprocess.run(["true"])
        with pytest.raises(AssertionError, match="environment"):  # as if read by a module of the package
            eval("__import__('os').environ.get('HOME')", {"__name__": "analyse.content.example"})
    assert os.environ.get("PATH") is not None and not isinstance(os.environ, _NoEnvironment)  # restored afterwards


def test_a_report_is_built_with_files_subprocesses_and_environment_blocked():
    from test_content import GEM, _inputs  # the tiny frames of the content tests

    inputs = _inputs(commit="abc1234", created=datetime(2026, 12, 7, 23, 0))
    with no_io():
        rc = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs)
    assert rc.indicators.verdicts is not None and len(rc.indicators.verdicts)
    assert rc.sources.commit == "abc1234" and rc.sources.created == "07-12-2026 23:00"  # the clock passed in
    assert rc.indicators.overview is not None and len(rc.indicators.overview.rows)
