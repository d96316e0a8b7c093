"""A PDF of a rendered report, printed by headless Chromium (``python -m analyse.report --pdf``).

Chromium is optional: :func:`chromium` finds it (``ANALYSE_CHROMIUM``, ``/usr/bin/chromium`` or ``chromium`` /
``chromium-browser`` / ``google-chrome`` on ``PATH``); without it the batch still renders every HTML page and
says that the PDFs were skipped. Chromium runs offline (no network, no sync, no updates) with a throw-away
profile, and is killed when it hangs or when its worker is stopped (:func:`kill_running`).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 120
"""Seconds Chromium may take for one page."""
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class PdfError(RuntimeError):
    """The PDF could not be made (message in Dutch)."""


def chromium() -> str | None:
    """Path of a Chromium/Chrome executable, or ``None`` when none is installed."""
    explicit = os.environ.get("ANALYSE_CHROMIUM")
    if explicit is not None:
        return explicit if explicit and os.access(explicit, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def command(browser: str, html: Path, pdf: Path, profile: Path) -> list[str]:
    """The Chromium command line that prints ``html`` to ``pdf`` (offline: a dead proxy; no header/footer)."""
    return [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--disable-extensions", "--proxy-server=127.0.0.1:9", f"--user-data-dir={profile}",
            f"--print-to-pdf={pdf}", "--no-pdf-header-footer", html.resolve().as_uri()]


RUNNING: set[int] = set()
"""Process groups of the Chromium processes of this process (killed by :func:`kill_running`)."""


def kill_running() -> None:
    """Kill every Chromium this process started and that still runs (safe in a signal handler)."""
    for pid in list(RUNNING):
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass


def html_to_pdf(html: str | os.PathLike[str], pdf: str | os.PathLike[str], browser: str | None = None,
                timeout: float = TIMEOUT) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium.

    Raises:
        PdfError: Chromium is missing, fails, hangs or writes no PDF.
    """
    html, pdf = Path(html), Path(pdf)
    browser = browser or chromium()
    if not browser:
        raise PdfError("Chromium is niet geïnstalleerd (apt-get install chromium)")
    tmp_pdf = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="analyse-chromium-") as profile:
        try:
            proc = subprocess.Popen(command(browser, html, tmp_pdf, Path(profile)), stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, start_new_session=True)
        except OSError as exc:
            raise PdfError(f"Chromium kon niet starten ({exc.strerror})") from None
        RUNNING.add(proc.pid)
        try:
            _, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            tmp_pdf.unlink(missing_ok=True)
            raise PdfError(f"Chromium reageerde niet binnen {timeout:.0f} s") from None
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            RUNNING.discard(proc.pid)
    if proc.returncode != 0 or not tmp_pdf.is_file() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        raise PdfError(f"Chromium maakte geen PDF (exitcode {proc.returncode})")
    os.replace(tmp_pdf, pdf)
    return pdf
