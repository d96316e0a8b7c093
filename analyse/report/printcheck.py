"""Checks of a report as a printed document: A4 page count, how full each page is, header cells split mid-word.

Used by the browser tests (``tests/test_browser_print.py``, two gemeenten) and by
``benchmarks/bench_print.py`` (the ten reference gemeenten). Nothing here renders a report; it reads a PDF that
headless Chromium printed and asks a loaded page where its header words break.

- :func:`page_stats` – per page of a PDF: characters of text and how far down the page the content reaches
  (``fill``: 0 = empty, 1 = down to the bottom margin), from the text and image positions (pypdf).
- :func:`layout_problems` – pages under a third full that are not the last page of a chapter, the page
  count against the limit (16 pages with a plan, 12 without), and a print that Chromium shrank because something
  was wider than the page (the body text on the first page smaller than :data:`BODY_PT`).
- :data:`HEADER_SPLIT_JS` – JavaScript that lists the words of ``<th>`` cells broken over two lines anywhere
  except at a soft hyphen (a syllable boundary inserted by :func:`analyse.formatting.soft_hyphens`).
- :class:`Browser` – a minimal headless Chromium over the DevTools protocol (``websocket-client``), offline.
"""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MM = 72 / 25.4
"""PDF points per millimetre."""
PAGE_MARGIN_MM = (12.0, 14.0)
"""Top and bottom margin of the ``@page`` rule in ``report.css`` (the content area of a page)."""
MAX_PAGES_PLAN = 16
MAX_PAGES_NO_PLAN = 12
MIN_FILL = 1 / 3
"""A page that is not the last of a chapter is at least a third full."""
BODY_PT = 8.2
"""Size of the printed body text (the ``html`` font size of the print rules in ``report.css``). Chromium shrinks
the whole print when anything is wider than the page; smaller body text on the first page shows that it did."""


@dataclass(frozen=True)
class PageStat:
    """One printed page: its number, characters of text, the reach of its content and its first line."""

    page: int
    chars: int
    fill: float
    first_line: str
    text: str
    body_size: float = 0.0
    """The size (PDF points, font size times the text and page scale) of most of the page's characters."""


def _mul(m: list[float], x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def page_stats(pdf: bytes) -> list[PageStat]:
    """Per page of ``pdf``: characters of text, ``fill`` (how far down the content reaches) and the first line.

    ``fill`` is measured from the top of the page's content area (the ``@page`` margins of ``report.css``) to
    the lowest text line or image on the page, as a fraction of the content area's height.

    Raises:
        ValueError: when ``pdf`` is not a PDF.
    """
    from pypdf import PdfReader  # noqa: PLC0415 – pypdf only for the print check

    if not pdf.startswith(b"%PDF"):
        raise ValueError("geen PDF: het bestand begint niet met %PDF")
    reader = PdfReader(io.BytesIO(pdf))
    return [_one_page(number, page) for number, page in enumerate(reader.pages, start=1)]


def _one_page(number: int, page: Any) -> PageStat:
    height = float(page.mediabox.height)
    top, bottom = height - PAGE_MARGIN_MM[0] * MM, PAGE_MARGIN_MM[1] * MM
    lows: list[float] = []
    lines: list[tuple[float, str]] = []

    sizes: dict[float, int] = {}

    def on_text(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            y = _mul(list(cm), tm[4], tm[5])[1]
            lows.append(y)
            lines.append((y, text.strip()))
            key = round(abs(size * tm[3] * cm[3]), 2)
            sizes[key] = sizes.get(key, 0) + len(text.strip())

    def on_operand(op: bytes, args: Any, cm: list[float], tm: list[float]) -> None:
        if op == b"Do":  # an image (figure): the unit square through the current matrix
            lows.extend(_mul(list(cm), x, y)[1] for x, y in ((0, 0), (0, 1), (1, 0), (1, 1)))

    text = page.extract_text(visitor_text=on_text, visitor_operand_before=on_operand) or ""
    low = min(lows) if lows else top
    fill = max(0.0, min(1.0, (top - low) / (top - bottom)))
    first = max(lines, key=lambda t: t[0])[1] if lines else ""
    return PageStat(number, len(re.sub(r"\s+", "", text)), round(fill, 3), first[:80], text,
                    max(sizes, key=sizes.get) if sizes else 0.0)


def page_count(pdf: bytes) -> int:
    """Number of pages of ``pdf`` (without parsing it: the ``/Type /Page`` objects)."""
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def layout_problems(stats: list[PageStat], chapter_starts: set[int], has_plan: bool) -> list[str]:
    """Dutch descriptions of what is wrong with a printed report; empty when it passes.

    Args:
        stats: :func:`page_stats` of the PDF.
        chapter_starts: page numbers on which a chapter (``<h2>`` with a page break before it) begins; the
            page before each is a chapter's last page and may be short, as may the last page.
        has_plan: the gemeente has a plan (limit 16 pages, else 12).
    """
    limit = MAX_PAGES_PLAN if has_plan else MAX_PAGES_NO_PLAN
    problems = []
    scale = stats[0].body_size / BODY_PT if stats and stats[0].body_size else 1.0
    if scale < 0.97:  # something wider than the page: the browser printed everything smaller
        problems.append(f"afdruk verkleind tot {scale:.0%}: iets is breder dan de pagina")
    if len(stats) > limit:
        problems.append(f"{len(stats)} pagina's, meer dan {limit}")
    for s in stats[:-1]:
        if s.fill < MIN_FILL and (s.page + 1) not in chapter_starts:
            problems.append(f"pagina {s.page} is maar {s.fill:.0%} vol (begint met {s.first_line!r})")
    return problems


def chapter_start_pages(stats: list[PageStat], titles: list[str]) -> set[int]:
    """Pages whose first line is one of the chapter ``titles`` (chapters that start on a new page)."""
    wanted = {t.strip() for t in titles}
    return {s.page for s in stats if s.first_line.strip() in wanted}


HEADER_SPLIT_JS = r"""
(() => {
  // header words that the browser broke over two lines at a place that is not a soft hyphen or a hyphen
  const bad = [];
  const top = (node, i) => { const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
    const rects = Array.from(r.getClientRects()).filter(x => x.width > 0);
    return rects.length ? rects[rects.length - 1].top : null; };  // after a soft hyphen: the rect on the new line
  document.querySelectorAll('th').forEach(th => {
    if (!th.getClientRects().length) return;
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode; const text = node.textContent;
      let prev = null, prevChar = ' ';
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (/\s/.test(c)) { prev = null; prevChar = ' '; continue; }
        if (c === '\u00ad') { prevChar = c; continue; }
        const t = top(node, i);
        if (t === null) continue;
        if (prev !== null && Math.abs(t - prev) > 2 && !['\u00ad', '-', '/'].includes(prevChar)) {
          const word = text.slice(0, i).split(/\s/).pop() + text.slice(i).split(/\s/)[0];
          const cell = th.textContent.replace(/\u00ad/g, '').trim().slice(0, 50);
          bad.push({word: word.replace(/\u00ad/g, ''), cell: cell});
        }
        prev = t; prevChar = c;
      }
    }
  });
  return bad.slice(0, 20);
})()
"""
"""JavaScript: header words broken inside a syllable (a break at a soft hyphen or a real hyphen is allowed)."""


# ------------------------------------------------------------------------------------------ browser
class Browser:
    """One headless Chromium page over the DevTools protocol; offline (a dead proxy), throw-away profile.

    >>> with Browser("/usr/bin/chromium", Path("/tmp/profiel")) as b:   # doctest: +SKIP
    ...     b.open(Path("GM0531.html")); pdf = b.print_a4()
    """

    def __init__(self, executable: str, profile: Path):
        self.executable, self.profile = executable, profile
        self.proc: subprocess.Popen | None = None
        self.ws: Any = None
        self.next_id = 0
        self.events: list[dict] = []

    def __enter__(self) -> "Browser":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start Chromium and connect to its first page (raises RuntimeError when it does not start)."""
        import websocket  # noqa: PLC0415 – only when Chromium is driven

        cmd = [self.executable, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
               "--disable-dev-shm-usage", "--hide-scrollbars", "--font-render-hinting=none",
               f"--user-data-dir={self.profile}", "--proxy-server=127.0.0.1:9",
               "--remote-debugging-port=0", "--remote-allow-origins=*", "about:blank"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port, end = None, time.monotonic() + 60
        while time.monotonic() < end and port is None:
            line = self.proc.stderr.readline() if self.proc.stderr else ""
            if not line and self.proc.poll() is not None:
                break
            found = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line)
            port = found.group(1) if found else None
        if port is None:
            self.close()
            raise RuntimeError("Chromium startte niet (geen regel 'DevTools listening')")
        for _ in range(50):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:  # noqa: S310
                pages = [t for t in json.load(r) if t.get("type") == "page"]
            if pages:
                self.ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=120,
                                                      suppress_origin=True)
                return
            time.sleep(0.1)
        self.close()
        raise RuntimeError("Chromium heeft geen pagina")

    def call(self, method: str, **params: object) -> dict:
        """One DevTools command; its result (events that arrive meanwhile are kept in ``events``)."""
        self.next_id += 1
        msg_id = self.next_id
        self.ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def wait_for(self, event: str, timeout: float = 60) -> dict:
        """The first event named ``event`` (raises TimeoutError)."""
        for i, ev in enumerate(self.events):
            if ev["method"] == event:
                return self.events.pop(i)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            msg = json.loads(self.ws.recv())
            if "method" in msg:
                if msg["method"] == event:
                    return msg
                self.events.append(msg)
        raise TimeoutError(event)

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page (promises awaited); its value."""
        res = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in res:
            raise RuntimeError(f"JS-fout: {res['exceptionDetails']}")
        return res["result"].get("value")

    def viewport(self, width: int, height: int, mobile: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=mobile)

    def open(self, html: Path, width: int = 1280, height: int = 800) -> None:
        """Load ``html`` at ``width`` × ``height`` and wait for its load event and fonts."""
        self.call("Page.enable")
        self.call("Runtime.enable")
        self.viewport(width, height)
        self.call("Page.navigate", url=Path(html).resolve().as_uri())
        self.wait_for("Page.loadEventFired", timeout=120)
        self.js("document.fonts.ready.then(() => true)")

    def print_a4(self) -> bytes:
        """The loaded page printed to A4 (the page's own ``@page`` size and margins, backgrounds on)."""
        res = self.call("Page.printToPDF", printBackground=True, preferCSSPageSize=True,
                        paperWidth=8.27, paperHeight=11.69)
        return base64.b64decode(res["data"])

    def header_splits(self) -> list[dict]:
        """Header words broken mid-syllable in print layout (A4 content width, print media)."""
        self.call("Emulation.setEmulatedMedia", media="print")
        self.viewport(round((210 - 24) / 25.4 * 96), 1100)  # A4 minus the side margins, CSS pixels
        try:
            self.js("new Promise(r => requestAnimationFrame(() => r(true)))")
            return self.js(HEADER_SPLIT_JS)
        finally:
            self.call("Emulation.setEmulatedMedia", media="")
            self.viewport(1280, 800)

    def close(self) -> None:
        """Close the connection and stop Chromium (only the process this object started)."""
        if self.ws is not None:
            try:
                self.ws.close()
            except Exception:  # noqa: BLE001
                pass
            self.ws = None
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=30)
            self.proc = None
