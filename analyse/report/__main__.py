"""Command line: ``python -m analyse.report --gemeente GM0531 GM0505 | --all [options]``.

Examples::

    python -m analyse.report --gemeente GM0531 GM0505 --jobs 2 --output reports/
    python -m analyse.report --all --indelingsjaar 2024
    python -m analyse.report --all --force -p startjaar_beleid=2019

Exit status: 0 when every report was made or was already up to date, 1 when any gemeente failed (or, with
``--pdf`` and Chromium present, a PDF could not be made),
2 for wrong arguments (unknown parameter names, bad codes, no data, an unusable output folder),
128 + signal number when the batch was stopped (130 for Ctrl-C, 143 for SIGTERM).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from typing import TYPE_CHECKING

from analyse import paths, settings
from analyse.errors import AnalyseError
from analyse.settings import SettingError

if TYPE_CHECKING:
    from analyse.report import runner


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m analyse.report",
        description="Maak per gemeente het HTML-rapport uit notebooks/gemeente_rapport.ipynb "
                    "(papermill op warme kernels, offline HTML, index.html).",
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--gemeente", "-g", nargs="+", metavar="CODE", help="CBS-code(s), bijv. GM0531 GM0505")
    who.add_argument("--all", action="store_true", help="alle gemeenten van het indelingsjaar in het register")
    p.add_argument("--indelingsjaar", type=int, default=None,
                   help="gemeentelijke indeling (standaard: de default van het notebook)")
    p.add_argument("--jobs", "-j", type=int, default=None, help=f"parallelle workers (standaard {os.cpu_count()})")
    p.add_argument("--output", "-o", default=None, help=f"uitvoermap (standaard {paths.REPORTS_DIR})")
    p.add_argument("--force", action="store_true", help="ook rapporten maken die al actueel zijn")
    p.add_argument("--pdf", action="store_true",
                   help="ook een PDF per gemeente (headless Chromium; zonder Chromium wordt dit overgeslagen)")
    p.add_argument("-p", "--param", action="append", default=[], metavar="NAAM=WAARDE",
                   help="extra notebookparameter (herhaalbaar), bijv. -p startjaar_beleid=2019")
    p.add_argument("--engine", default="direct", choices=["direct", "analyse-warm", "nbclient"],
                   help="direct: het sjabloon draait in de worker zelf (standaard, geen kernel); analyse-warm: "
                        "papermill met een warme kernel per worker; nbclient: een nieuwe kernel per rapport")
    p.add_argument("--cell-timeout", type=int, default=600, help="maximale seconden per notebookcel")
    p.add_argument("--no-progress", action="store_true", help="geen voortgangsbalk")
    p.add_argument("--list-parameters", action="store_true", help="toon de parameters van het notebook en stop")
    p.add_argument("-v", "--verbose", action="count", default=0)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING - 10 * min(args.verbose, 2), format="%(levelname)s %(name)s: %(message)s")
    from analyse.data.processed import check_processed
    from analyse.report import runner
    from analyse.report.publish import check_output_dir

    try:
        if not args.list_parameters:  # before any work: every setting once, then the output folder
            check_settings(args)
            check_output_dir(args.output or paths.REPORTS_DIR)
        declared = runner.template_parameters()
        if args.list_parameters:
            for name, spec in declared.items():
                kind = spec.get("inferred_type_name", "")
                print(f"{name:22} {kind:10} = {spec.get('default')}  {spec.get('help', '')}")
            return 0
        if not (args.all or args.gemeente):
            raise AnalyseError("kies --gemeente CODE [CODE ...] of --all")
        params: dict[str, object] = {}
        for item in args.param:
            if "=" not in item:
                raise AnalyseError(f"-p verwacht NAAM=WAARDE, niet {item!r}")
            name, value = item.split("=", 1)
            if name.strip() in RESERVED_PARAMETERS:
                raise SettingError(f"-p {name.strip()}=… wordt niet gebruikt: {RESERVED_PARAMETERS[name.strip()]}.")
            params[name.strip()] = value
        if args.indelingsjaar is not None:
            params["indelingsjaar"] = args.indelingsjaar
        params = runner.validate_parameters(params, declared)
        check_processed()  # after the settings and parameters, before any work: one line naming the table
        jaar = params.get("indelingsjaar", runner._default_value(declared.get("indelingsjaar", {})))
        codes = runner.all_gemeenten(int(jaar)) if args.all else args.gemeente
        pdf = False
        if args.pdf:
            from analyse.report.pdf import chromium

            pdf = chromium() is not None
        jobs = runner.plan_jobs(codes, params, args.output, args.engine, cell_timeout=args.cell_timeout, pdf=pdf)
        summary = runner.run_jobs(jobs, n_jobs=args.jobs, force=args.force, progress=not args.no_progress)
    except (AnalyseError, FileNotFoundError) as exc:
        print(f"fout: {exc}", file=sys.stderr)
        return 2
    return report(summary, jobs, pdf_requested=args.pdf, pdf_available=pdf)


RESERVED_PARAMETERS = {"gemeentecode": "kies de gemeente met --gemeente CODE (of --all)",
                       "output_dir": "kies de uitvoermap met --output MAP"}
"""Template parameters that the runner sets itself; ``-p`` for them would be silently overwritten."""


def check_settings(args: argparse.Namespace) -> None:
    """Every setting checked once, before any work (environment folders, --jobs, --cell-timeout, Chromium).

    Raises:
        SettingError: one Dutch line naming the setting and the fix.
    """
    settings.check_environment(pdf=args.pdf)
    settings.check_count("--jobs", args.jobs, 1, "kies 1 of meer parallelle workers (bijv. --jobs 2)")
    settings.check_count("--cell-timeout", args.cell_timeout, 1, "kies een aantal seconden groter dan 0 "
                                                                 "(standaard 600)")


def report(summary: "runner.BatchSummary", jobs: list["runner.Job"], pdf_requested: bool = False,
           pdf_available: bool = False) -> int:
    """Print the batch summary (always, also after an interrupt) and return the exit status."""
    from analyse.report import runner

    failed = [r for r in summary.results if r.status == runner.STATUS_FAILED]
    stopped = [r for r in summary.results if r.status in (runner.STATUS_NOT_STARTED, runner.STATUS_INTERRUPTED)]
    if summary.interrupted:
        print(f"\nAfgebroken na {summary.seconds:.1f} s.")
    print(f"\nKlaar in {summary.seconds:.1f} s: {summary.count(runner.STATUS_OK)} gemaakt, "
          f"{summary.count(runner.STATUS_SKIPPED)} overgeslagen (actueel), {len(failed)} mislukt"
          + (f", {summary.count(runner.STATUS_INTERRUPTED)} afgebroken, {summary.count(runner.STATUS_NOT_STARTED)} "
             "niet gestart" if stopped else "") + ".")
    root = jobs[0].output_root if jobs else ""
    for r in failed:
        where = f"  → {root}/{r.html}" if r.html else ""
        naam = f" {r.naam}" if r.naam else ""
        print(f"  FOUT {r.gemeentecode}{naam}: {r.message}{where}" + (f" {r.note}" if r.note else ""))
    for r in stopped:
        print(f"  {r.status.upper()} {r.gemeentecode}: een nieuwe run maakt dit rapport alsnog.")
    if pdf_requested and not pdf_available:
        print("PDF's overgeslagen: Chromium is niet geïnstalleerd (apt-get install chromium); de HTML-rapporten "
              "zijn wel gemaakt.")
    elif pdf_requested:
        notes = [r for r in summary.results if r.status == runner.STATUS_OK and r.note.startswith("PDF")]
        made = sum(bool(r.pdf) for r in summary.results if r.status == runner.STATUS_OK)
        print(f"PDF's: {made} gemaakt" + (f", {len(notes)} mislukt" if notes else "") + ".")
        for r in notes:
            print(f"  {r.gemeentecode}: {r.note}")
    for line in summary.problems:
        print(f"LET OP: {line}")
    if summary.index:
        print(f"Overzicht: {summary.index}")
    if summary.interrupted:
        return 128 + int(summary.interrupted)
    pdf_failed = pdf_requested and pdf_available and any(
        r.status == runner.STATUS_OK and not r.pdf for r in summary.results)
    return 1 if failed or pdf_failed else 0


if __name__ == "__main__":
    sys.exit(main())
