"""Corpus (issue 20, class 6): every setting is checked once, before any work.

A folder setting pointing at a file or at nothing, ``--jobs 0``, ``--cell-timeout -5``, ``-p gemeentecode=…`` or
``-p output_dir=…``, a broken ``ANALYSE_CHROMIUM`` with ``--pdf``: one Dutch line naming the setting and the
fix, exit status 2, nothing written. The notebook's own ``output_dir`` never points into data or code.
"""

from __future__ import annotations

import pytest

from analyse import paths, settings
from analyse.errors import ParameterError


def _exit_2(capsys, tmp_path, argv, *fragments):
    from analyse.report.__main__ import main

    out = tmp_path / "rapporten"
    assert main(["-g", "GM0531", "-o", str(out), "--no-progress", *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "interne fout" not in err, err
    for f in fragments:
        assert f in err, err
    assert not out.exists() or not any(out.iterdir()), "nothing is written"


@pytest.mark.parametrize("var", ["ANALYSE_DATA_DIR", "ANALYSE_FIGURES_DIR", "ANALYSE_CBS_DIR", "ANALYSE_PLANS_DIR"])
def test_folder_setting_pointing_at_a_file(tmp_path, capsys, monkeypatch, var):
    f = tmp_path / "een-bestand"
    f.write_text("x", encoding="utf-8")
    monkeypatch.setenv(var, str(f))
    _exit_2(capsys, tmp_path, [], var, "is een bestand, geen map")


@pytest.mark.parametrize("var", ["ANALYSE_PLANS_DIR", "ANALYSE_DATA_DIR", "ANALYSE_CBS_DIR"])
def test_mistyped_folder_setting(tmp_path, capsys, monkeypatch, var):
    """A typo in ANALYSE_PLANS_DIR used to render every report without its plan, exit 0."""
    monkeypatch.setenv(var, str(tmp_path / "plannen-tikfout"))
    _exit_2(capsys, tmp_path, [], var, "bestaat niet")


@pytest.mark.parametrize("argv, fragment", [
    (["--jobs", "0"], "--jobs 0"), (["--jobs", "-1"], "--jobs -1"), (["--cell-timeout", "-5"], "--cell-timeout -5"),
    (["--cell-timeout", "0"], "--cell-timeout 0"), (["-p", "gemeentecode=GM0505"], "--gemeente"),
    (["-p", "output_dir=/tmp/x"], "--output"),
])
def test_options_out_of_range_or_ignored(tmp_path, capsys, argv, fragment):
    _exit_2(capsys, tmp_path, argv, fragment)


def test_broken_chromium_with_pdf(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ANALYSE_CHROMIUM", str(tmp_path / "geen-browser"))
    _exit_2(capsys, tmp_path, ["--pdf"], "ANALYSE_CHROMIUM")


def test_empty_setting(monkeypatch):
    with pytest.raises(settings.SettingError, match="ANALYSE_FIGURES_DIR is leeg"):
        settings.check_environment({"ANALYSE_FIGURES_DIR": " "})


def test_good_settings_pass(tmp_path):
    settings.check_environment({"ANALYSE_PLANS_DIR": str(tmp_path), "ANALYSE_REPORTS_DIR": str(tmp_path / "nieuw")})


@pytest.mark.parametrize("where", ["processed", "package", "root"])
def test_notebook_output_dir_never_into_data_or_code(where):
    """The template's own ``output_dir`` parameter (a notebook run in JupyterLab) used to write into data/processed."""
    from analyse.report import output_for

    target = {"processed": paths.PROCESSED_DIR, "package": paths.PACKAGE_DIR, "root": paths.ROOT}[where]
    with pytest.raises(ParameterError, match="output_dir"):
        output_for("GM0531", target)
