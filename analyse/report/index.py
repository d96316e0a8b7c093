"""``reports/index.html``: every gemeente with its status, main signals and a link to its report.

The page is self-contained: inline CSS and a small inline script for searching and sorting (no external
scripts). Without JavaScript the full table is still there. It is built from the status JSON files
(``reports/<code>/<code>.json``) so gemeenten rendered in earlier runs stay listed; the results of the
current run decide the status shown (``ok`` / ``fout`` / ``overgeslagen``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from analyse.formatting import escape, fmt_number
from analyse.report import write_atomic

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
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  });
})();
"""


def _stored_results(root: Path) -> dict[str, Any]:
    from analyse.report.runner import load_status

    found = {}
    for path in sorted(root.glob("*/*.json")):
        if path.stem != path.parent.name:
            continue
        res = load_status(path)
        if res is not None:
            found[res.gemeentecode] = res
    return found


def _num(value: Any) -> str:
    return "" if value is None else fmt_number(value, 0)


def rows_html(results: Iterable[Any]) -> str:
    """One ``<tr>`` per result (status, name, indicator signals, plan conclusion, link)."""
    out = []
    for r in sorted(results, key=lambda r: ((r.naam or "").lower(), r.gemeentecode)):
        sig = r.signals or {}
        status = escape(r.status)
        title = escape(r.message or ("rapport is actueel; niet opnieuw gemaakt" if r.status == "overgeslagen" else ""))
        plan = sig.get("plan") or ""
        naam = escape(r.naam or "–")
        out.append(
            "<tr>"
            f'<td><a href="{escape(r.html)}">{naam}</a></td>'
            f"<td>{escape(r.gemeentecode)}</td>"
            f'<td class="status-{status}" title="{title}">{status}</td>'
            f'<td data-sort="{sig.get("beter", -1) if sig.get("beter") is not None else -1}">{_num(sig.get("beter"))}</td>'
            f'<td data-sort="{sig.get("slechter", -1) if sig.get("slechter") is not None else -1}">{_num(sig.get("slechter"))}</td>'
            f'<td data-sort="{sig.get("indicatoren", -1) if sig.get("indicatoren") is not None else -1}">{_num(sig.get("indicatoren"))}</td>'
            f"<td>{escape(plan)}</td>"
            f"<td>{escape((r.rendered_at or '')[:16].replace('T', ' '))}</td>"
            "</tr>"
        )
    return "\n".join(out)


def build_index(results: Iterable[Any], root: Path | None = None) -> str:
    """The index page as HTML; ``root`` adds gemeenten from earlier runs found in that folder."""
    from analyse.report.export import page

    merged = _stored_results(root) if root is not None and root.is_dir() else {}
    for r in results:
        merged[r.gemeentecode] = r
    all_results = list(merged.values())
    n_ok = sum(r.status == "ok" for r in all_results)
    n_fail = sum(r.status == "fout" for r in all_results)
    n_skip = sum(r.status == "overgeslagen" for r in all_results)
    body = (
        "<h1>Gemeenterapporten sociaal domein</h1>"
        f"<p>{fmt_number(len(all_results))} gemeenten: {fmt_number(n_ok)} gemaakt, {fmt_number(n_skip)} "
        f"overgeslagen (al actueel), {fmt_number(n_fail)} met een fout. Klik op een kolomkop om te sorteren.</p>"
        '<label for="zoek">Zoek gemeente, code of status</label><br>'
        '<input id="zoek" class="zoek" type="search" placeholder="bijv. Katwijk of GM0537" autocomplete="off">'
        ' <span class="noot">(<span id="aantal">' + str(len(all_results)) + "</span> getoond)</span>"
        '<div class="tabel-wrap"><table id="rapporten" class="tabel"><thead><tr>'
        '<th scope="col">Gemeente</th><th scope="col">Code</th><th scope="col">Status</th>'
        '<th scope="col">Indicatoren beter</th><th scope="col">Indicatoren slechter</th>'
        '<th scope="col">Indicatoren beoordeeld</th><th scope="col">Conclusie plan</th><th scope="col">Gemaakt</th>'
        f"</tr></thead><tbody>{rows_html(all_results)}</tbody></table></div>"
        '<p class="noot">‘Beter’ en ‘slechter’ tellen de indicatoren waarvan de ontwikkeling sinds het basisjaar '
        "ten opzichte van de referentie is beoordeeld; zie het rapport voor de onzekerheid per indicator.</p>"
    )
    return page("Gemeenterapporten – Monitor sociaal domein", body, subtitle="Overzicht van alle rapporten",
                toc=False, script=SCRIPT)


def write_index(root: Path, results: Iterable[Any]) -> Path:
    """Write ``<root>/index.html`` atomically and return its path."""
    root = Path(root)
    return write_atomic(root / "index.html", build_index(list(results), root))
