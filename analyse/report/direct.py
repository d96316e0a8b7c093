"""In-process execution of the report template: engine ``direct`` (the default of the batch runner).

A report is a thin template whose cells call the package (:mod:`analyse.report.chapters`): running it does not
need a kernel. :func:`execute` runs the template's code cells in this process, each in one fresh namespace per
report, the way a kernel would: the parameters cell, then the given parameters (as papermill injects them, in a
cell tagged ``injected-parameters``), then every other cell; the value of a cell's last expression becomes its
output (``_repr_mimebundle_``/``_repr_html_``), printed text a stream output. The result is an executed
notebook of the same shape papermill leaves, so the HTML export, the stored ``<code>.ipynb`` and the diagnosis of
a failure (:func:`analyse.report.outcome.failure_of`) are the same for both engines.

This saves the kernel's start, its imports and the messages per cell; with the workers forked after
:func:`prepare` loaded the input bundle, no worker imports or reads anything before its first report. The
template must be the one the registry describes (:func:`usable`); otherwise the runner falls back to a warm
kernel. Cell time-outs apply to kernels only: a cell that runs here is not interrupted.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import io
import traceback
import warnings
from typing import Any, Mapping

import matplotlib

from analyse import bundle
from analyse.report import sections  # noqa: F401 – its render functions declare the chapters of the registry
from analyse.report.chapters import REGISTRY, Registry, template_problems
from analyse.report.export import appendix_html
from analyse.report.notebook import new_code_cell, new_output, parameters_index, source_of
from analyse.report.outcome import MIME, record

ENGINE_NAME = "direct"
INJECTED_TAG = "injected-parameters"


class DirectExecutionError(Exception):
    """A template cell raised; ``nb`` is the executed notebook up to and including the failed cell."""

    def __init__(self, ename: str, evalue: str, traceback_text: str, nb: Any):
        super().__init__(f"{ename}: {evalue}")
        self.ename, self.evalue, self.nb = ename, evalue, nb
        self.traceback = [traceback_text]


def usable(nb: Any, registry: Registry | None = None) -> list[str]:
    """Why ``nb`` cannot run in-process (empty list: it can): no parameters cell, or a template that does not
    match the chapter registry (:func:`analyse.report.chapters.template_problems`)."""
    problems = [] if parameters_index(nb) is not None else ["geen cel met tag 'parameters'"]
    return problems + template_problems(nb, registry or REGISTRY)


def _injected_cell(parameters: Mapping[str, Any]) -> Any:
    lines = ["# Parameters"] + [f"{name} = {value!r}" for name, value in parameters.items()]
    return new_code_cell("\n".join(lines) + "\n", tags=[INJECTED_TAG])


def _display(value: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The MIME bundle of a cell's value, as IPython's display formatter would make it (``None``: no output)."""
    if value is None:
        return None
    if hasattr(value, "_repr_mimebundle_"):
        mimebundle = value._repr_mimebundle_()
        data, meta = mimebundle if isinstance(mimebundle, tuple) else (mimebundle, {})
        return dict(data), dict(meta or {})
    data = {"text/plain": repr(value)}
    if hasattr(value, "_repr_html_"):
        html = value._repr_html_()
        if html is not None:
            data["text/html"] = html
    return data, {}


def _run_cell(source: str, namespace: dict[str, Any], count: int) -> list[Any]:
    """Execute one cell in ``namespace``; its outputs (stream, execute_result). Raises what the cell raises."""
    tree = ast.parse(source, filename=f"<cel {count}>")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out, err = io.StringIO(), io.StringIO()
    value = None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: err.write(
            warnings.formatwarning(message, category, filename, lineno, line))
        exec(compile(tree, f"<cel {count}>", "exec"), namespace)  # noqa: S102 – the package's own template
        if last is not None:
            value = eval(compile(ast.Expression(last.value), f"<cel {count}>", "eval"), namespace)  # noqa: S307
    outputs = [new_output("stream", name=name, text=text.getvalue())
               for name, text in (("stdout", out), ("stderr", err)) if text.getvalue()]
    shown = _display(value)
    if shown is not None:
        data, meta = shown
        outputs.append(new_output("execute_result", data=data, metadata=meta, execution_count=count))
    return outputs


def execute(template: Any, parameters: Mapping[str, Any], input_path: str | None = None) -> Any:
    """Run ``template`` with ``parameters`` in this process; return the executed notebook.

    The notebook's metadata ``papermill`` records the parameters, engine and input path as papermill does (the
    runner takes local paths out before storing it, :func:`analyse.report.publish.sanitise_notebook`).

    Raises:
        DirectExecutionError: a cell failed; its ``nb`` holds the failed cell with an error output and the
            structured record (:data:`analyse.report.outcome.MIME`) of the error, as a report kernel sends it.
    """
    if matplotlib.get_backend().lower() != "agg":  # figures are drawn to PNG, never to a window
        matplotlib.use("Agg")
    nb = copy.deepcopy(template)
    run = {"engine_name": ENGINE_NAME, "input_path": input_path, "output_path": None,
           "parameters": dict(parameters), "exception": None}
    nb.setdefault("metadata", {})["papermill"] = run
    at = parameters_index(nb)
    if at is not None:
        nb.cells.insert(at + 1, _injected_cell(parameters))
    namespace: dict[str, Any] = {"__name__": "__main__"}
    count = 0
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        count += 1
        cell.execution_count = count
        try:
            cell.outputs = _run_cell(source_of(cell), namespace, count)
        except Exception as exc:  # noqa: BLE001 – the failure travels back as data, the batch goes on
            text = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
            cell.outputs = [new_output("display_data", data={MIME: record(exc)}),
                            new_output("error", ename=type(exc).__name__, evalue=str(exc),
                                                   traceback=text.splitlines())]
            run["exception"] = True
            raise DirectExecutionError(type(exc).__name__, str(exc), text, nb) from exc
    return nb


def prepare(indelingsjaar: int | None) -> None:
    """Do once, before any report (and before workers are forked, so they share it): import what the template
    imports, load the input bundle of ``indelingsjaar`` and render the static appendix once. Errors are left for
    the reports themselves to explain."""
    try:
        appendix_html()
        if indelingsjaar is not None:
            bundle.preload(int(indelingsjaar))
    except Exception:  # noqa: BLE001 – the report says what is missing
        pass


__all__ = ["DirectExecutionError", "ENGINE_NAME", "execute", "prepare", "usable"]
