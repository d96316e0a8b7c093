"""``reports/index.html`` and ``reports/overzicht.xlsx``: every gemeente with its key facts and a link; for readers.

The page is self-contained: inline CSS and a small inline script for searching and sorting (no external
scripts). Without JavaScript the full table is still there. It is built from the status JSON files
(``reports/<code>/<code>.json``) so gemeenten rendered in earlier runs stay listed; the results of the
current run decide what is shown. The table is for readers: gemeente, inwoners, provincie, regio and the plan's
conclusion ("geen plan" where there is none). It shows no shares of indicators that improved or worsened: every
gemeente has its own set of indicators with a known margin, so such shares would compare gemeenten over different
indicators. Build details (status, time, duration, messages) are for maintainers and go to a separate file,
``bouwstatus.csv``. :func:`overview_rows` is the one source of the rows of the page, the workbook and that file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from analyse.formatting import fmt_number
from analyse.report import write_atomic
from analyse.report.status import load_status

WORKBOOK_NAME = "overzicht.xlsx"
_CANONICAL = re.compile(r"GM\d{4}")
COLUMNS = {  # key of overview_rows → column title in the readers' workbook
    "gemeentecode": "Code", "gemeente": "Gemeente", "inwoners": "Inwoners", "provincie": "Provincie",
    "regio": "Jeugdzorgregio", "plan": "Beleidsplan", "rapport": "Rapport",
}
STATUS_COLUMNS = {  # key of overview_rows → column title in bouwstatus.csv (maintainers)
    "gemeentecode": "Code", "gemeente": "Gemeente", "status": "Status", "gemaakt": "Gemaakt",
    "seconden": "Duur (seconden)", "melding": "Melding",
}
STATUS_NAME = "bouwstatus.csv"
NO_PLAN = "geen plan"

SCRIPT = r"""
(function () {
  var input = document.getElementById('zoek');
  var table = document.getElementById('rapporten');
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var count = document.getElementById('aantal');
  function filter() {
    var q = input.value.trim().toLowerCase(), n = 0;
    rows.forEach(function (r) {
      var hit = !q || r.textContent.toLowerCase().indexOf(q) !== -1;
      r.hidden = !hit; if (hit) { n++; }
    });
    count.textContent = n;
  }
  input.addEventListener('input', filter);
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
    th.classList.add('sorteer'); th.tabIndex = 0;
    var asc = true;
    function sort() {
      rows.sort(function (a, b) {
        var x = a.cells[i].getAttribute('data-sort') || a.cells[i].textContent;
        var y = b.cells[i].getAttribute('data-sort') || b.cells[i].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'nl');
        return asc ? c : -c;
      });
      asc = !asc;
      rows.forEach(function (r) { table.tBodies[0].appendChild(r); });
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'descending' : 'ascending');
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); }
    });
  });
})();
"""


def _stored_results(root: Path) -> dict[str, Any]:
    found = {}
    for path in sorted(root.glob("*/*.json")):
        if path.stem != path.parent.name or not _CANONICAL.fullmatch(path.stem):
            continue  # also skips alias folders (``531/``, ``GM531/``) left by versions before canonical codes
        res = load_status(path)
        if res is not None:
            found[res.gemeentecode] = res
    return found


def registry_info() -> Any:
    """The gemeente registry (code, indelingsjaar, naam, inwoners, provincie, jeugdzorgregio), or ``None``."""
    try:
        from analyse import gemeenten

        return gemeenten.load_registry()
    except Exception:  # noqa: BLE001 – the index is still written without these columns
        return None


def _lookup(registry: Any, code: str, year: Any) -> dict[str, Any]:
    if registry is None or getattr(registry, "empty", True):
        return {}
    try:
        rows = registry[registry["gemeentecode"].astype(str) == code]
        if year not in (None, "") and "indelingsjaar" in rows:
            same = rows[rows["indelingsjaar"].astype(int) == int(year)]
            rows = same if not same.empty else rows
        if rows.empty:
            return {}
        row = rows.sort_values("indelingsjaar").iloc[-1] if "indelingsjaar" in rows else rows.iloc[-1]
        return row.to_dict()
    except Exception:  # noqa: BLE001
        return {}


def _inwoners(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else int(round(number))


def overview_rows(results: Iterable[Any], registry: Any = None) -> list[dict[str, Any]]:
    """One dict per result (keys: :data:`COLUMNS` and :data:`STATUS_COLUMNS`), sorted by name, no local paths.

    ``plan`` is the plan's conclusion, ``"geen plan"`` for a report without one. ``beoordeeld`` (indicators with a
    verdict of known margin) is kept for maintainers, not shown. ``inwoners``/``provincie``/``regio`` come from
    ``registry`` (the gemeente registry, see :func:`registry_info`) for the result's indelingsjaar.
    """
    from analyse.report.publish import redact

    rows = []
    for r in results:
        sig = r.signals or {}
        info = _lookup(registry, r.gemeentecode, r.indelingsjaar)
        judged = sig.get("indicatoren")
        judged = int(judged) if isinstance(judged, (int, float)) and judged == judged else None
        row = {
            "gemeentecode": r.gemeentecode,
            "gemeente": r.naam or info.get("gemeentenaam") or None,
            "inwoners": _inwoners(info.get("inwoners")),
            "provincie": info.get("provincie_naam") or None,
            "regio": info.get("jeugdzorgregio_naam") or None,
            "beoordeeld": judged,
            "plan": sig.get("plan") or (NO_PLAN if r.status in ("ok", "overgeslagen") else None),
            "status": r.status,
            "gemaakt": (r.rendered_at or "")[:16].replace("T", " ") or None,
            "seconden": r.seconds or None,
            "rapport": r.html or None,
            "melding": redact(" ".join(x for x in (r.message, getattr(r, "note", "")) if x)) or None,
        }
        rows.append(row)
    return sorted(rows, key=lambda x: ((x["gemeente"] or "").lower(), x["gemeentecode"]))


def _sort(value: Any) -> str:
    return "-1" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def _num(value: Any) -> str:
    return "–" if value is None else fmt_number(value, 0)


def status_frame(rows: list[dict[str, Any]]) -> Any:
    """The build status per gemeente (:data:`STATUS_COLUMNS`) for ``bouwstatus.csv``."""
    import pandas as pd

    return pd.DataFrame([{title: row.get(key) for key, title in STATUS_COLUMNS.items()} for row in rows],
                        columns=list(STATUS_COLUMNS.values()))


def write_status(root: Path, results: Iterable[Any], registry: Any = None) -> Path:
    """Write ``<root>/bouwstatus.csv`` (status, time, duration and message per gemeente) atomically."""
    from analyse.report.downloads import write_csv

    root = Path(root)
    rows = overview_rows(merged_results(list(results), root), registry)
    return write_csv(status_frame(rows), root / STATUS_NAME, full_precision=True)


def merged_results(results: Iterable[Any], root: Path | None = None) -> list[Any]:
    """``results`` plus gemeenten of earlier runs found in ``root`` (the current run wins)."""
    merged = _stored_results(root) if root is not None and root.is_dir() else {}
    for r in results:
        if r.status in ("niet gestart", "afgebroken") and r.gemeentecode in merged:
            continue  # the earlier complete report is still there
        merged[r.gemeentecode] = r
    return list(merged.values())


def build_index(results: Iterable[Any], root: Path | None = None, registry: Any = None) -> str:
    """The index page as HTML (``templates/index.html.j2`` in :func:`analyse.report.export.page`); ``root`` adds
    gemeenten from earlier runs found in that folder."""
    from analyse.report.export import page, render_template

    rows = overview_rows(merged_results(results, root), registry)
    shown = [{**row, "naam": row["gemeente"] or "–", "sort": _sort(row["inwoners"]), "inwoners": _num(row["inwoners"]),
              "provincie": row["provincie"] or "–", "regio": row["regio"] or "–", "plan": row["plan"] or NO_PLAN}
             for row in rows]
    made = sum(1 for r in rows if r["status"] in ("ok", "overgeslagen"))
    body = render_template("index.html.j2", rows=shown, n_rows=fmt_number(len(rows)), n_shown=len(rows),
                           n_made=fmt_number(made), workbook=WORKBOOK_NAME, status_name=STATUS_NAME)
    return page("Gemeenterapporten – Monitor sociaal domein", body, subtitle="Overzicht van alle rapporten",
                toc=False, script=SCRIPT)


def write_index(root: Path, results: Iterable[Any], registry: Any = None) -> Path:
    """Write ``<root>/index.html`` and ``bouwstatus.csv`` atomically; return the page's path.

    ``registry`` defaults to :func:`registry_info`.
    """
    root = Path(root)
    registry = registry_info() if registry is None else registry
    results = list(results)
    write_status(root, results, registry)
    return write_atomic(root / "index.html", build_index(results, root, registry))


def workbook_bytes(rows: list[dict[str, Any]]) -> bytes:
    """An .xlsx with one sheet ``Overzicht``: a row per gemeente (:data:`COLUMNS`), numbers as numbers.

    Text that a spreadsheet would run as a formula is neutralised as in the per-gemeente downloads
    (:func:`analyse.report.downloads.neutralise_cell`).
    """
    import io

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    from analyse.report.downloads import neutralise_cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Overzicht")
    keys = list(COLUMNS)
    widths = {"gemeente": 26, "provincie": 16, "regio": 30, "plan": 22, "rapport": 22}
    for i, key in enumerate(keys):
        ws.column_dimensions[chr(ord("A") + i)].width = widths.get(key, 13)
    ws.freeze_panes = "C2"
    header = []
    for key in keys:
        cell = WriteOnlyCell(ws, COLUMNS[key])
        cell.font = Font(bold=True)
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for key in keys:
            value = row.get(key)
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, neutralise_cell(value))
                cell.data_type = "s"  # never a formula, whatever the text
            else:
                cell = WriteOnlyCell(ws, value)
                if key == "inwoners" and value is not None:
                    cell.number_format = "#,##0"
            cells.append(cell)
        ws.append(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def write_workbook(root: Path, results: Iterable[Any], registry: Any = None) -> Path:
    """Write ``<root>/overzicht.xlsx`` (all gemeenten of the folder, as in ``index.html``) atomically."""
    root = Path(root)
    registry = registry_info() if registry is None else registry
    rows = overview_rows(merged_results(list(results), root), registry)
    return write_atomic(root / WORKBOOK_NAME, workbook_bytes(rows))
