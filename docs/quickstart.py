"""Run the recipes of docs/quickstart.md; write their outputs into the page or check that they still hold.

A recipe is a ```` ```python ```` block (at most three lines) under a ``###`` heading, followed by its output in a
```` ```text ```` block. ```` ```python raises ```` marks a recipe whose point is the Dutch error it raises.

    python docs/quickstart.py --write   # run every recipe and put its output (and timing) into quickstart.md
    python docs/quickstart.py --check   # run every recipe; fail when one errs, is longer than three lines, or
                                        # the words of its first output line (a frame's columns) differ
    python docs/quickstart.py --json    # also print name, seconds and status per recipe as JSON

All recipes run in one process, in order, as a researcher would type them (the first one pays for loading the
processed data). ``make docs`` runs ``--write`` and builds the API reference with pdoc.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import re
import sys
import time
from pathlib import Path

PAGE = Path(__file__).with_name("quickstart.md")
IMAGES = Path(__file__).with_name("img")
MAX_LINES = 3
RECIPE = re.compile(r"^### (?P<title>.+?)\n(?P<before>.*?)```python(?P<raises> raises)?\n(?P<code>.*?)```\n"
                    r"(?P<after>\n*<!-- uitvoer[^>]*-->\n```text\n(?P<output>.*?)```\n(?:!\[[^\]]*\]\([^)]*\)\n)?)?",
                    re.S | re.M)


def recipes(text: str) -> list[re.Match[str]]:
    """The recipes of the page, in order."""
    return list(RECIPE.finditer(text))


def _show(value: object) -> str:
    import pandas as pd  # noqa: PLC0415 – imported where used (heavy or would form a cycle)

    if hasattr(value, "savefig"):  # a figure: its alt text (the PNG goes next to the page)
        return f"<Figure: {getattr(value, 'alt_text', '')}>"
    with pd.option_context("display.max_rows", 12, "display.min_rows", 10, "display.max_columns", 8,
                           "display.width", 160, "display.max_colwidth", 45, "display.precision", 2):
        return repr(value) if not isinstance(value, str) else value


def run(code: str, namespace: dict, raises: bool) -> tuple[str, object]:
    """Execute ``code`` like a notebook cell: the value of a final expression is shown."""
    tree = ast.parse(code)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    value = None
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(tree, "<recept>", "exec"), namespace)  # noqa: S102 - the recipes of our own docs
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<recept>", "eval"), namespace)  # noqa: S307
    except Exception as exc:  # noqa: BLE001 - a recipe that raises on purpose shows its message
        if not raises:
            raise
        return out.getvalue() + f"{type(exc).__name__}: {exc}", None
    if raises:
        raise AssertionError("het recept zou een fout moeten geven")
    shown = out.getvalue()
    if value is not None:
        shown += _show(value)
    return shown.rstrip("\n"), value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="write outputs and timings into quickstart.md")
    parser.add_argument("--check", action="store_true", help="fail when a recipe no longer holds")
    parser.add_argument("--json", action="store_true", help="print name, seconds and status per recipe")
    args = parser.parse_args(argv)
    import matplotlib  # noqa: PLC0415 – imported where used (heavy or would form a cycle)

    matplotlib.use("Agg")
    text = PAGE.read_text(encoding="utf-8")
    found = recipes(text)
    namespace: dict = {}
    report, problems, pieces, pos = [], [], [], 0
    for i, m in enumerate(found, 1):
        code = m["code"]
        lines = [ln for ln in code.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
        if len(lines) > MAX_LINES:
            problems.append(f"recept {i} ({m['title']}): {len(lines)} regels code, hoogstens {MAX_LINES}")
        t0 = time.perf_counter()
        try:
            shown, value = run(code, namespace, bool(m["raises"]))
            status = "ok"
        except Exception as exc:  # noqa: BLE001 - reported per recipe
            shown, value, status = f"{type(exc).__name__}: {exc}", None, "fout"
            problems.append(f"recept {i} ({m['title']}): {shown}")
        seconds = time.perf_counter() - t0
        report.append({"recept": i, "titel": m["title"], "seconden": round(seconds, 2), "status": status,
                       "regels": len(lines)})
        documented = (m["output"] or "").strip("\n")
        first = [(text.splitlines() or [""])[0].split() for text in (documented, shown)]
        if args.check and status == "ok" and first[0] != first[1]:  # the words (a frame's columns), not spacing
            problems.append(f"recept {i} ({m['title']}): uitvoer verouderd; eerste regel nu {shown.splitlines()[:1]}, "
                            f"in de documentatie {documented.splitlines()[:1]} (make docs)")
        image = ""
        if args.write and hasattr(value, "savefig"):
            IMAGES.mkdir(exist_ok=True)
            name = f"recept-{i}.png"
            value.savefig(IMAGES / name, dpi=80, bbox_inches="tight", facecolor="white")
            image = f"![{m['title']}](img/{name})\n"
        seconds_nl = f"{seconds:.1f}".replace(".", ",")
        block = (f"```python{m['raises'] or ''}\n{code}```\n\n<!-- uitvoer: {seconds_nl} s -->\n```text\n{shown}\n```\n"
                 f"{image}")
        pieces += [text[pos:m.start("code") - len("```python" + (m["raises"] or "") + "\n")], block]
        pos = m.end()
    pieces.append(text[pos:])
    if args.write:
        PAGE.write_text("".join(pieces), encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for r in report:
            print(f"{r['recept']:>2}. {r['titel']:<60} {r['seconden']:>6.2f} s  {r['status']}")
    if len(found) < 8:
        problems.append(f"slechts {len(found)} recepten gevonden; verwacht ten minste 8")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
