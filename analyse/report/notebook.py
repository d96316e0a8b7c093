"""Notebooks as plain JSON: read, build and write the report template without nbformat.

nbformat validates with jsonschema, whose import compiles ~40 grammars (``rfc3987_syntax``, ~2 s CPU) before the
first report. The in-process engine (:mod:`analyse.report.direct`), the runner's parameter check and the page
export only need the cells, so they read and write the notebook's JSON themselves; papermill and nbconvert get
real ``NotebookNode`` objects (``nbformat.from_dict``) on their own paths.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import uuid
from typing import Any


class Node(dict):
    """A notebook (or cell, or output) as a dict whose keys can also be read as attributes, like nbformat's."""

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __deepcopy__(self, memo: dict[int, Any]) -> "Node":
        return Node({k: copy.deepcopy(v, memo) for k, v in self.items()})


def _node(value: Any) -> Any:
    if isinstance(value, dict):
        return Node({k: _node(v) for k, v in value.items()})
    if isinstance(value, list):
        return [_node(v) for v in value]
    return value


def read_notebook(path: str | os.PathLike[str]) -> Node:
    """The notebook at ``path`` (format 4) as :class:`Node` objects, multi-line fields joined into one string."""
    with open(path, encoding="utf-8") as fh:
        nb = _node(json.load(fh))
    for cell in nb.get("cells", []):
        if isinstance(cell.get("source"), list):
            cell["source"] = "".join(cell["source"])
    return nb


def writes(nb: Any) -> str:
    """The notebook as JSON text in nbformat's layout (one-space indent, sorted keys, UTF-8, a final newline)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def new_code_cell(source: str = "", outputs: list | None = None, **metadata: Any) -> Node:
    return Node(cell_type="code", id=uuid.uuid4().hex[:8], metadata=Node(metadata), source=source,
                execution_count=None, outputs=list(outputs or []))


def new_output(output_type: str, **fields: Any) -> Node:
    """An output of a code cell (``stream``, ``display_data``, ``execute_result``, ``error``)."""
    out = Node(output_type=output_type, **fields)
    if output_type in ("display_data", "execute_result"):
        out.setdefault("data", {})
        out.setdefault("metadata", {})
    return out


def parameters_of(nb: Any) -> dict[str, dict[str, Any]]:
    """The parameters declared in the ``parameters`` cell: name → name, inferred_type_name, default, help (the
    fields of ``papermill.inspect_notebook``; ``name: type = value  # help``, one per line)."""
    at = parameters_index(nb)
    if at is None:
        return {}
    source = source_of(nb.cells[at])
    lines = source.splitlines()
    found: dict[str, dict[str, Any]] = {}
    for node in ast.parse(source).body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, kind = node.target.id, ast.get_source_segment(source, node.annotation) or "None"
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, kind = node.targets[0].id, "None"
        else:
            continue
        if node.value is None:
            continue
        default = ast.get_source_segment(source, node.value) or ""
        tail = lines[node.end_lineno - 1][node.end_col_offset:] if node.end_lineno else ""
        comment = re.match(r"\s*#\s?(.*)$", tail)
        found[name] = {"name": name, "inferred_type_name": kind, "default": default,
                       "help": comment.group(1).strip() if comment else ""}
    return found



def parameters_index(nb: Any) -> int | None:
    return next((i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])), None)


def source_of(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)




__all__ = ["Node", "new_code_cell", "new_output", "parameters_index", "parameters_of", "read_notebook", "source_of",
           "writes"]
