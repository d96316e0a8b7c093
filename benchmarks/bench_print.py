"""Print check of the reference gemeenten: A4 page count, page fill and header words split mid-syllable.

Renders the gemeenten (or reads an existing reports folder with ``--reports``), prints each report with headless
Chromium and applies the checks of :mod:`analyse.report.printcheck` (≤ 16 pages with a plan, ≤ 12 without; no
page under a third full except a chapter's last; no header word broken inside a syllable) and the HTML size
limit (1,5 MB). The browser test runs the same checks for two gemeenten; this script is the full set.

Usage::

    python benchmarks/bench_print.py                      # the ten reference gemeenten
    python benchmarks/bench_print.py GM0531 GM0014        # some
    python benchmarks/bench_print.py --reports /tmp/r     # reports rendered before

Prints a table and writes ``benchmarks/results/print.json`` (git-ignored). Exit code 1 when a check fails.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from analyse import paths
from analyse.report import pdf as pdfmod
from analyse.report import printcheck

REFERENCE_SET = ["GM0531", "GM0344", "GM0141", "GM0505", "GM0482", "GM0164", "GM0014", "GM0363", "GM0518", "GM1959"]
MAX_HTML_BYTES = 1_500_000


def render(codes: list[str], out: Path) -> None:
    subprocess.run([sys.executable, "-m", "analyse.report", "--gemeente", *codes, "--output", str(out), "--force",
                    "--no-progress"], cwd=paths.ROOT, check=False)


def chapter_titles(html: str) -> list[str]:
    """Titles of the ``<h2>`` chapters that start a new printed page."""
    found = re.findall(r"<h2([^>]*)>(.*?)</h2>", html, re.S)
    return [re.sub(r"<[^>]+>", "", inner).strip() for attrs, inner in found if "eerste-hoofdstuk" not in attrs]


def check(html_path: Path, browser: printcheck.Browser) -> dict:
    html = html_path.read_text(encoding="utf-8")
    browser.open(html_path)
    pdf = browser.print_a4()
    splits = browser.header_splits()
    stats = printcheck.page_stats(pdf)
    has_plan = 'id="opgaven"' in html or ">Opgaven</h2>" in html
    starts = printcheck.chapter_start_pages(stats, chapter_titles(html))
    problems = printcheck.layout_problems(stats, starts, has_plan)
    problems += [f"kopwoord gesplitst: {s['word']!r} in {s['cell']!r}" for s in splits]
    size = html_path.stat().st_size
    if size > MAX_HTML_BYTES:
        problems.append(f"HTML {size / 1e6:.2f} MB, meer dan 1,5 MB")
    return {"pages": len(stats), "plan": has_plan, "fills": [s.fill for s in stats], "html_kb": round(size / 1024),
            "problems": problems}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("codes", nargs="*", default=REFERENCE_SET)
    ap.add_argument("--reports", type=Path, help="folder with reports rendered before (<code>/<code>.html)")
    args = ap.parse_args(argv)
    exe = pdfmod.chromium()
    if not exe:
        print("geen Chromium: apt-get install -y chromium")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-print-") as tmp:
        root = args.reports or Path(tmp) / "reports"
        if args.reports is None:
            render(args.codes, root)
        results = {}
        with printcheck.Browser(exe, Path(tmp) / "profiel") as browser:
            for code in args.codes:
                html = root / code / f"{code}.html"
                if not html.exists():
                    results[code] = {"problems": ["geen HTML"]}
                    continue
                results[code] = check(html, browser)
    print(f"{'gemeente':8} {'plan':4} {'pagina':>6} {'kB':>5}  vulling per pagina / problemen")
    for code, r in results.items():
        fills = " ".join(f"{f:.0%}" for f in r.get("fills", []))
        print(f"{code:8} {'ja' if r.get('plan') else 'nee':4} {r.get('pages', '-'):>6} {r.get('html_kb', '-'):>5}  "
              f"{fills}")
        for p in r["problems"]:
            print(f"{'':27}! {p}")
    out = paths.ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "print.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if any(r["problems"] for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
