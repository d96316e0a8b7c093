"""Corpus (issue 20, classes 4 and 5): a good report is never lost; nothing is deleted that the tool did not make.

Class 4: a run that fails (a setting that fails at run time, a disk that fills up during ``--force``, a worker
that dies) leaves the good report in place and reports the failure beside it (``<code>-fout.html``).
Class 5: entries named like the runner's staging folders, a plain file or foreign folder named like a gemeente
code, and output folders that hold code or data are never removed or written into.
The runner's own functions are called with a fake notebook run (no kernel).
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from analyse.report import publish, runner


def _job(root: Path, code: str = "GM0531") -> runner.Job:
    return runner.Job(code, {"gemeentecode": code, "indelingsjaar": 2024}, str(root), input_hash="h")


def _good_report(root: Path, code: str = "GM0531") -> Path:
    folder = root / code
    folder.mkdir(parents=True)
    (folder / f"{code}.html").write_text("<p>goed rapport</p>", encoding="utf-8")
    (folder / "tabel.csv").write_text("a;b\r\n1;2\r\n", encoding="utf-8")
    res = runner.Result(code, runner.STATUS_OK, naam="Hoeksche Waard", rendered_at="2026-12-01T10:00:00",
                        input_hash="oud")
    (folder / f"{code}.json").write_text(res.to_json(), encoding="utf-8")
    return folder


def _fake_failure(monkeypatch, ename: str = "UnknownGemeenteError", evalue: str = "GM0531 bestaat niet in 1990"):
    """``_render_in`` as if the notebook failed: the error page and log are written as the runner does."""
    from analyse.report import export
    from analyse.report.failures import explain

    def fake(job):
        why = explain(ename, evalue, None, 1990)
        stem = f"{job.code}{runner.FAILURE_SUFFIX}" if job.previous else job.code
        job.folder.mkdir(parents=True, exist_ok=True)
        (job.folder / f"{stem}.html").write_text(export.error_page(job.code, None, why.kop, why.uitleg, why.advies,
                                                                   log_name=f"{stem}.log"), encoding="utf-8")
        (job.folder / f"{stem}.log").write_text("traceback", encoding="utf-8")
        res = runner.Result(job.code, runner.STATUS_FAILED, message=why.summary(), kind=why.soort,
                            html=f"{job.code}/{stem}.html")
        (job.folder / f"{job.code}.json").write_text(res.to_json(), encoding="utf-8")
        return res

    monkeypatch.setattr(runner, "_render_in", fake)


def _fake_success(monkeypatch):
    def fake(job):
        job.folder.mkdir(parents=True, exist_ok=True)
        (job.folder / f"{job.code}.html").write_text("<p>nieuw</p>", encoding="utf-8")
        res = runner.Result(job.code, runner.STATUS_OK, input_hash=job.input_hash)
        (job.folder / f"{job.code}.json").write_text(res.to_json(), encoding="utf-8")
        return res

    monkeypatch.setattr(runner, "_render_in", fake)


# ------------------------------------------------------------------------------------------------ class 4
def test_failed_rerun_keeps_the_good_report(tmp_path, monkeypatch):
    """An indelingsjaar outside the data (fails at run time): the old report stays, the failure is beside it."""
    folder = _good_report(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _fake_failure(monkeypatch)
    res = runner.render(_job(tmp_path))
    assert res.status == runner.STATUS_FAILED
    for name, data in before.items():
        assert (folder / name).read_bytes() == data, name
    assert res.html == "GM0531/GM0531-fout.html" and (tmp_path / res.html).is_file()
    assert "bewaard" in res.note
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_disk_full_during_force_keeps_the_good_report(tmp_path, monkeypatch):
    """The disk fills up while the new report is published: the old folder is untouched, the result failed."""
    folder = _good_report(tmp_path)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    _fake_success(monkeypatch)

    def full(staged, final):
        raise OSError(errno.ENOSPC, "No space left on device", str(final))

    monkeypatch.setattr(publish, "publish_folder", full)
    res = runner.render(_job(tmp_path))
    assert res.status == runner.STATUS_FAILED and res.kind == "schijf_vol"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_failure_without_old_report_publishes_the_error_page(tmp_path, monkeypatch):
    _fake_failure(monkeypatch)
    res = runner.render(_job(tmp_path))
    assert res.status == runner.STATUS_FAILED and (tmp_path / "GM0531" / "GM0531.html").is_file()


def test_worker_crash_keeps_the_good_report(tmp_path):
    folder = _good_report(tmp_path)
    before = (folder / "GM0531.html").read_bytes()
    res = runner._worker_crash(_job(tmp_path), "het workerproces stopte onverwacht (signaal 9)")
    assert (folder / "GM0531.html").read_bytes() == before
    assert res.html == "GM0531/GM0531-fout.html" and (tmp_path / res.html).is_file()


def test_success_replaces_the_good_report(tmp_path, monkeypatch):
    folder = _good_report(tmp_path)
    _fake_success(monkeypatch)
    assert runner.render(_job(tmp_path)).status == runner.STATUS_OK
    assert (folder / "GM0531.html").read_text(encoding="utf-8") == "<p>nieuw</p>"
    assert not (folder / "tabel.csv").exists()


# ------------------------------------------------------------------------------------------------ class 5
@pytest.mark.parametrize("name", [".oud-notities", ".bouw-mijn-map", ".oud-GM0531-1-abcdef12",
                                  ".bouw-GM0531-999999-abcdef12"])
def test_entries_like_staging_names_are_not_removed(tmp_path, name):
    """Folders and files named like staging folders, without the runner's marker, stay (dead pid or not)."""
    (tmp_path / name).mkdir()
    (tmp_path / name / "werk.txt").write_text("van mij", encoding="utf-8")
    (tmp_path / (name + "-bestand")).write_text("ook van mij", encoding="utf-8")
    assert publish.remove_stale_staging(tmp_path) == []
    assert (tmp_path / name / "werk.txt").is_file() and (tmp_path / (name + "-bestand")).is_file()


def test_own_stale_staging_is_removed(tmp_path):
    stage = publish.staging_root(tmp_path, "GM0531")
    assert publish.remove_stale_staging(tmp_path, pids={os.getpid()}) == [stage]


@pytest.mark.parametrize("kind", ["file", "foreign-folder", "symlink"])
def test_plain_entry_named_like_a_code_is_not_replaced(tmp_path, monkeypatch, kind):
    """A file ``GM0531`` (or a folder without a report) in the output folder is not deleted; the gemeente fails
    with a Dutch explanation."""
    target = tmp_path / "GM0531"
    if kind == "file":
        target.write_text("mijn aantekeningen", encoding="utf-8")
    elif kind == "foreign-folder":
        target.mkdir()
        (target / "notities.txt").write_text("van mij", encoding="utf-8")
    else:
        (tmp_path / "elders").mkdir()
        target.symlink_to(tmp_path / "elders")
    _fake_success(monkeypatch)
    res = runner.render(_job(tmp_path))
    assert res.status == runner.STATUS_FAILED and res.kind == "uitvoermap"
    assert "niet door dit programma gemaakt" in res.message
    if kind == "file":
        assert target.read_text(encoding="utf-8") == "mijn aantekeningen"
    elif kind == "foreign-folder":
        assert (target / "notities.txt").is_file() and not (target / "GM0531.html").exists()
    else:
        assert target.is_symlink() and not any((tmp_path / "elders").iterdir())


def _exit_2_one_line(capsys, argv, *fragments):
    from analyse.report.__main__ import main

    assert main([*argv, "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for f in fragments:
        assert f in err, err


@pytest.mark.parametrize("where, fragment", [("/", "hoofdmap"), ("ROOT", "projectmap"), ("ROOT/..", "projectmap"),
                                             ("HOME", "thuismap"), ("CODE", "programmacode")])
def test_output_folders_that_hold_code_or_data_are_refused(tmp_path, where, fragment):
    """Checked with the function the CLI calls before any work (a regression must never write into ``/``)."""
    from analyse import paths

    if where == "CODE":
        (tmp_path / "project").mkdir()
        (tmp_path / "project" / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
        target = str(tmp_path / "project")
    else:
        target = {"/": "/", "ROOT": str(paths.ROOT), "ROOT/..": str(paths.ROOT.parent),
                  "HOME": str(Path.home())}[where]
    with pytest.raises(publish.OutputDirError, match=fragment):
        publish.check_output_dir(target)


def test_cli_refuses_a_code_folder_in_one_line(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text("[project]\n", encoding="utf-8")
    _exit_2_one_line(capsys, ["-g", "GM0531", "-o", str(tmp_path)], "programmacode", "--output")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pyproject.toml"]


def test_output_in_the_cbs_data_folder_refused(tmp_path, monkeypatch):
    cbs = tmp_path / "cbs"
    cbs.mkdir()
    monkeypatch.setenv("ANALYSE_CBS_DIR", str(cbs))
    with pytest.raises(publish.OutputDirError, match="CBS-gegevens"):
        publish.check_output_dir(cbs / "rapporten")
    assert not (cbs / "rapporten").exists()


def test_output_name_too_long_is_one_line(tmp_path, capsys):
    _exit_2_one_line(capsys, ["-g", "GM0531", "-o", str(tmp_path / ("x" * 300))], "te lange naam")


def test_status_file_is_the_proof_of_a_report_folder(tmp_path):
    folder = _good_report(tmp_path)
    assert publish.is_report_folder(folder)
    (folder / "GM0531.json").write_text(json.dumps({"iets": "anders"}), encoding="utf-8")
    assert not publish.is_report_folder(folder)
