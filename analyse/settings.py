"""Project-wide defaults that several layers share (one place each).

- :data:`REPORT_INDELINGSJAAR`: the gemeentelijke indeling the reports and derived tables are built for.
- :data:`DEFAULT_STARTJAAR_BELEID`: policy start year used when a gemeente has no plan that names one.
- :func:`check_environment`: every folder setting (``ANALYSE_*_DIR``) and ``ANALYSE_CHROMIUM`` checked once, before
  any work; a problem is one Dutch line (:class:`SettingError`) and the CLIs exit with status 2.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from analyse import paths
from analyse.errors import ParameterError

REPORT_INDELINGSJAAR: int = 2024
"""Indelingsjaar of the derived tables (``indicators_<jaar>``, ``referenties_<jaar>``) and of the reports."""

DEFAULT_STARTJAAR_BELEID: int = 2020
"""Base year of the comparison when no plan names a policy start (shown in the report header)."""


# ------------------------------------------------------------------------------------------ checked once
ENV_FOLDERS: tuple[tuple[str, str, bool], ...] = (
    ("ANALYSE_DATA_DIR", "de datamap (met raw/ en processed/)", True),
    ("ANALYSE_PLANS_DIR", "de map met planbestanden", True),
    ("ANALYSE_FIGURES_DIR", "de map voor figuren", False),
    ("ANALYSE_REPORTS_DIR", "de map voor rapporten", False),
    ("ANALYSE_CBS_DIR", "de map met CBS-gegevens", True),
)
"""Folder settings: environment variable, what it is for, whether it must already exist."""


def check_environment(environ: "Mapping[str, str] | None" = None, pdf: bool = False) -> None:
    """Check every setting that comes from the environment, once, before any work.

    Args:
        environ: the environment (default :data:`os.environ`).
        pdf: a PDF was asked for (then ``ANALYSE_CHROMIUM``, when set, must be an executable).

    Raises:
        SettingError: one Dutch line naming the setting, the value and the fix.
    """

    env = os.environ if environ is None else environ
    for name, what, must_exist in ENV_FOLDERS:
        value = env.get(name)
        if value is None:
            continue
        if not value.strip():
            raise SettingError(f"{name} is leeg; laat de variabele weg of wijs {what} aan.")
        try:
            path = Path(value).expanduser()
            exists, is_dir = path.exists(), path.is_dir()
        except OSError as exc:  # e.g. a name longer than the file system allows
            raise SettingError(f"{name}={value[:80]!r} is geen bruikbaar pad ({exc.strerror}); wijs {what} aan.") \
                from None
        if exists and not is_dir:
            raise SettingError(f"{name}={value!r} is een bestand, geen map; wijs {what} aan of laat de variabele weg.")
        if must_exist and not exists:
            raise SettingError(f"{name}={value!r} bestaat niet; wijs {what} aan (tikfout?) of laat de variabele weg.")
    plans = env.get("ANALYSE_PLANS_DIR")
    if plans is None:

        if not paths.PLANS_DIR.is_dir():
            raise SettingError(f"De map met planbestanden ({paths.PLANS_DIR.name}/) ontbreekt; zet ANALYSE_PLANS_DIR "
                               "of maak de map aan.")
    browser = env.get("ANALYSE_CHROMIUM")
    if pdf and browser is not None and not (browser and os.access(browser, os.X_OK) and Path(browser).is_file()):
        raise SettingError(f"ANALYSE_CHROMIUM={browser!r} is geen uitvoerbaar programma; wijs Chromium aan "
                           "(bijv. /usr/bin/chromium) of laat de variabele weg.")


def check_count(name: str, value: "int | None", minimum: int, fix: str) -> None:
    """A numeric command-line setting below ``minimum`` is one Dutch line (:class:`SettingError`)."""
    if value is not None and value < minimum:
        raise SettingError(f"{name} {value} is ongeldig: {fix}.")



class SettingError(ParameterError):
    """A setting (environment variable or command-line option) that cannot work; exit status 2."""


if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Mapping
