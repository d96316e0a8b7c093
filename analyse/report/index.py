"""``reports/index.html`` and ``reports/overzicht.xlsx``: every gemeente with its key figures and a link.

The page is self-contained: inline CSS and a small inline script for searching and sorting (no external
scripts). Without JavaScript the full table is still there. It is built from the status JSON files
(``reports/<code>/<code>.json``) so gemeenten rendered in earlier runs stay listed; the results of the
current run decide the status shown. The table is for readers: gemeente, inwoners, provincie, regio and the
indicator verdicts as *shares of the indicators that could be judged* (a gemeente with 8 judged indicators is
not ranked against one with 27 by raw counts); build details (status, time, messages) are in the footer.
:func:`overview_rows` is the one source of the rows of both the page and the workbook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable

from analyse.formatting import escape, fmt_number
from analyse.report import write_atomic
from analyse.report.status import load_status

WORKBOOK_NAME = "overzicht.xlsx"
_CANONICAL = re.compile(r"GM\d{4}")
COLUMNS = {  # key of overview_rows → column title in the workbook
    "gemeentecode": "Code", "gemeente": "Gemeente", "inwoners": "Inwoners", "provincie": "Provincie",
    "regio": "Jeugdzorgregio", "beoordeeld": "Indicatoren beoordeeld", "beter": "Aandeel beter",
    "gelijk": "Aandeel gelijk gebleven", "slechter": "Aandeel slechter", "plan": "Conclusie plan",
    "status": "Status", "gemaakt": "Gemaakt", "seconden": "Duur (s)", "rapport": "Rapport", "melding": "Melding",
}
SHARES = ("beter", "gelijk", "slechter")

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


def _share(part: Any, whole: Any) -> float | None:
    try:
        part, whole = float(part), float(whole)
    except (TypeError, ValueError):
        return None
    return part / whole if whole > 0 else None


def _inwoners(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number else int(round(number))


def overview_rows(results: Iterable[Any], registry: Any = None) -> list[dict[str, Any]]:
    """One dict per result (keys: :data:`COLUMNS`), sorted by gemeente name, without local paths.

    ``beter``/``gelijk``/``slechter`` are fractions (0-1) of ``beoordeeld``, the indicators that could be judged;
    ``None`` when none could. ``inwoners``/``provincie``/``regio`` come from ``registry`` (the gemeente registry,
    see :func:`registry_info`) for the result's indelingsjaar.
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
            "plan": sig.get("plan") or None,
            "status": r.status,
            "gemaakt": (r.rendered_at or "")[:16].replace("T", " ") or None,
            "seconden": r.seconds or None,
            "rapport": r.html or None,
            "melding": redact(" ".join(x for x in (r.message, getattr(r, "note", "")) if x)) or None,
        }
        for key in SHARES:
            row[key] = _share(sig.get(key), judged) if judged else None
        rows.append(row)
    return sorted(rows, key=lambda x: ((x["gemeente"] or "").lower(), x["gemeentecode"]))


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{fmt_number(share * 100, 0)}%"


def _sort(value: Any) -> str:
    return "-1" if value is None else f"{value:.6g}" if isinstance(value, float) else str(value)


def rows_html(rows: Iterable[dict[str, Any]]) -> str:
    """One ``<tr>`` per overview row: gemeente (link), code, inwoners, provincie, regio, verdict shares, plan."""
    out = []
    for row in rows:
        naam = escape(row["gemeente"] or "–")
        link = f'<a href="{escape(row["rapport"])}">{naam}</a>' if row["rapport"] else naam
        if row["status"] == "fout":
            judged = '<td class="status-fout" data-sort="-1">rapport niet gemaakt</td>'
        elif row["status"] in ("niet gestart", "afgebroken"):
            judged = f'<td data-sort="-1">{escape(row["status"])}</td>'
        else:
            judged = f'<td data-sort="{_sort(row["beoordeeld"])}">{_num(row["beoordeeld"])}</td>'
        shares = "".join(f'<td data-sort="{_sort(row[k])}">{_pct(row[k])}</td>' for k in SHARES)
        out.append(
            "<tr>"
            f"<td>{link}</td><td>{escape(row['gemeentecode'])}</td>"
            f'<td data-sort="{_sort(row["inwoners"])}">{_num(row["inwoners"])}</td>'
            f"<td>{escape(row['provincie'] or '–')}</td><td>{escape(row['regio'] or '–')}</td>"
            f"{judged}{shares}<td>{escape(row['plan'] or '')}</td>"
            "</tr>"
        )
    return "\n".join(out)


def _num(value: Any) -> str:
    return "–" if value is None else fmt_number(value, 0)


def footer_html(rows: list[dict[str, Any]]) -> str:
    """The build details: counts per status and, per gemeente, status, time, duration and message."""
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    order = ("ok", "overgeslagen", "fout", "afgebroken", "niet gestart")
    words = {"ok": "gemaakt", "overgeslagen": "overgeslagen (al actueel)", "fout": "met een fout",
             "afgebroken": "afgebroken", "niet gestart": "niet gestart"}
    parts = [f"{fmt_number(counts[k])} {words[k]}" for k in order if counts.get(k)]
    body = "".join(
        f"<tr><td>{escape(r['gemeente'] or '–')}</td><td>{escape(r['gemeentecode'])}</td>"
        f'<td class="status-{escape(r["status"])}">{escape(r["status"])}</td><td>{escape(r["gemaakt"] or "")}</td>'
        f"<td>{'' if r['seconden'] is None else fmt_number(r['seconden'], 1)}</td>"
        f"<td>{escape(r['melding'] or '')}</td></tr>"
        for r in rows)
    return (f'<footer class="bouw"><p class="noot">Bouw: {", ".join(parts) or "geen rapporten"}.</p>'
            "<details><summary>Bouwgegevens per gemeente (status, tijd, melding)</summary>"
            '<div class="tabel-wrap"><table class="tabel"><thead><tr><th scope="col">Gemeente</th>'
            '<th scope="col">Code</th><th scope="col">Status</th><th scope="col">Gemaakt</th>'
            '<th scope="col">Duur (s)</th><th scope="col">Melding</th></tr></thead>'
            f"<tbody>{body}</tbody></table></div></details></footer>")


def merged_results(results: Iterable[Any], root: Path | None = None) -> list[Any]:
    """``results`` plus gemeenten of earlier runs found in ``root`` (the current run wins)."""
    merged = _stored_results(root) if root is not None and root.is_dir() else {}
    for r in results:
        if r.status in ("niet gestart", "afgebroken") and r.gemeentecode in merged:
            continue  # the earlier complete report is still there
        merged[r.gemeentecode] = r
    return list(merged.values())


def build_index(results: Iterable[Any], root: Path | None = None, registry: Any = None) -> str:
    """The index page as HTML; ``root`` adds gemeenten from earlier runs found in that folder."""
    from analyse.report.export import page

    rows = overview_rows(merged_results(results, root), registry)
    body = (
        "<h1>Gemeenterapporten sociaal domein</h1>"
        f"<p>{fmt_number(len(rows))} gemeenten. Klik op een kolomkop om te sorteren. "
        f'Alle cijfers van deze tabel staan ook in <a href="{WORKBOOK_NAME}" download>{WORKBOOK_NAME}</a>.</p>'
        '<label for="zoek">Zoek gemeente, code, provincie of regio</label><br>'
        '<input id="zoek" class="zoek" type="search" placeholder="bijv. Katwijk of GM0537" autocomplete="off">'
        ' <span class="noot">(<span id="aantal">' + str(len(rows)) + "</span> getoond)</span>"
        '<div class="tabel-wrap"><table id="rapporten" class="tabel"><thead><tr>'
        '<th scope="col">Gemeente</th><th scope="col">Code</th><th scope="col">Inwoners</th>'
        '<th scope="col">Provincie</th><th scope="col">Jeugdzorgregio</th>'
        '<th scope="col">Indicatoren beoordeeld</th><th scope="col">Beter</th>'
        '<th scope="col">Gelijk gebleven</th><th scope="col">Slechter</th><th scope="col">Conclusie plan</th>'
        f"</tr></thead><tbody>{rows_html(rows)}</tbody></table></div>"
        '<p class="noot">‘Beter’, ‘gelijk gebleven’ en ‘slechter’ zijn aandelen van de indicatoren die konden worden '
        "beoordeeld (ontwikkeling sinds het basisjaar ten opzichte van de referentie, buiten de marge van toeval); "
        "zie het rapport voor de onzekerheid per indicator.</p>"
        + footer_html(rows)
    )
    return page("Gemeenterapporten – Monitor sociaal domein", body, subtitle="Overzicht van alle rapporten",
                toc=False, script=SCRIPT)


def write_index(root: Path, results: Iterable[Any], registry: Any = None) -> Path:
    """Write ``<root>/index.html`` atomically and return its path (registry: :func:`registry_info` by default)."""
    root = Path(root)
    registry = registry_info() if registry is None else registry
    return write_atomic(root / "index.html", build_index(list(results), root, registry))


def workbook_bytes(rows: list[dict[str, Any]]) -> bytes:
    """An .xlsx with one sheet ``Overzicht``: a row per gemeente, numbers as numbers, shares as percentages.

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
    widths = {"gemeente": 26, "provincie": 16, "regio": 30, "plan": 30, "melding": 60, "rapport": 22}
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
                if key in SHARES and value is not None:
                    cell.number_format = "0%"
                elif key == "inwoners" and value is not None:
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
