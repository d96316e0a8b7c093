"""Corpus: one rendered report in a real headless Chromium (offline): it loads, every image decodes
(naturalWidth > 0), no resource is fetched from the network and the console shows no errors.

Skipped with a reason when ``/usr/bin/chromium`` is absent (``apt-get install -y chromium``)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="no headless browser: /usr/bin/chromium is absent "
                                                          "(apt-get install -y chromium)")]

PROBE = """
<script>
window.addEventListener('load', function () {
  var imgs = Array.prototype.slice.call(document.images);
  var res = performance.getEntriesByType('resource').map(function (e) { return e.name; });
  var out = {images: imgs.length,
             broken: imgs.filter(function (i) { return !(i.complete && i.naturalWidth > 0); })
                         .map(function (i) { return (i.alt || '').slice(0, 60); }),
             resources: res, title: document.title,
             headings: document.querySelectorAll('h1, h2').length};
  var pre = document.createElement('pre');
  pre.id = 'qa-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>
"""


def test_report_renders_offline_in_chromium(rendered_report, tmp_path):
    page = tmp_path / "report.html"
    text = rendered_report.read_text(encoding="utf-8")
    assert "</body>" in text
    page.write_text(text.replace("</body>", PROBE + "</body>", 1), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
           f"--user-data-dir={tmp_path / 'profile'}", "--proxy-server=127.0.0.1:9",  # any network use fails
           "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    match = re.search(r'<pre id="qa-result">(.*?)</pre>', res.stdout, re.S)
    assert match, f"page did not finish loading; stderr:\n{res.stderr[-2000:]}"
    out = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                     .replace("&gt;", ">"))
    assert out["images"] > 0 and out["broken"] == [], out
    assert out["headings"] > 0 and "Hendrik-Ido-Ambacht" in out["title"]
    assert [r for r in out["resources"] if not r.startswith(("data:", "file:", "blob:"))] == []
    console = [ln for ln in res.stderr.splitlines() if "CONSOLE" in ln or "Uncaught" in ln]
    errors = [ln for ln in console if re.search(r"error|Uncaught", ln, re.I)]
    assert errors == [], errors
    assert not re.search(r"net::ERR_(?!.*(?:gcm|update|component))", res.stderr), res.stderr[-2000:]
