"""Corpus (issue 14, class 2): the output folder.

``--output`` naming a file, a folder under a file, a read-only file system or a full disk give one Dutch line and
exit status 2 before any work; a report folder is published as a whole, so a reader (or a second batch) never
sees files of two runs mixed; a batch survives an error page it cannot write and still writes index and summary.
"""

from __future__ import annotations

import errno
import json
import re

import pytest

from analyse.report import publish


def _one_line_exit_2(capsys, argv: list[str], *fragments: str) -> None:
    from analyse.report.__main__ import main

    assert main([*argv, "--no-progress"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in captured.err + captured.out
    for f in fragments:
        assert f in err, err


def test_output_is_a_file(tmp_path, capsys):
    target = tmp_path / "rapport.html"
    target.write_text("x", encoding="utf-8")
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(target)], "is een bestand, geen map", "--output")
    assert target.read_text(encoding="utf-8") == "x"


def test_output_below_a_file(tmp_path, capsys):
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(tmp_path / "bestand" / "rapporten")],
                     "kan niet worden gemaakt", "ligt onder een bestand")


def test_output_is_a_broken_symlink(tmp_path, capsys):
    (tmp_path / "weg").symlink_to(tmp_path / "bestaat-niet")
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(tmp_path / "weg")], "verwijst naar een map die niet bestaat")


@pytest.mark.parametrize("where", ["DATA_DIR", "PLANS_DIR", "PACKAGE_DIR"])
def test_output_inside_data_plans_or_code_refused(tmp_path, capsys, monkeypatch, where):
    from analyse import paths

    monkeypatch.setattr(paths, where, tmp_path / "beschermd")
    (tmp_path / "beschermd").mkdir()
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(tmp_path / "beschermd" / "raw")], "daar mogen geen rapporten")
    assert not (tmp_path / "beschermd" / "raw").exists()


def _raise(err: int):
    def fail(*args, **kwargs):
        raise OSError(err, {errno.EROFS: "Read-only file system", errno.ENOSPC: "No space left on device",
                            errno.EACCES: "Permission denied"}[err])
    return fail


@pytest.mark.parametrize("err, fragment", [
    pytest.param(errno.EROFS, "alleen-lezen bestandssysteem", id="read-only-filesystem"),
    pytest.param(errno.EACCES, "geen schrijfrechten", id="no-permission"),
    pytest.param(errno.ENOSPC, "volle schijf", id="disk-full-on-write"),
])
def test_unwritable_output_folder(tmp_path, capsys, monkeypatch, err, fragment):
    monkeypatch.setattr(publish.os, "fsync", _raise(err))
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(tmp_path / "out")], fragment)
    assert not [p for p in (tmp_path / "out").iterdir()], "the write probe was left behind"


def test_output_folder_without_free_space(tmp_path, capsys, monkeypatch):
    class Usage:
        total, used, free = 10 << 30, 10 << 30, 3 << 20

    monkeypatch.setattr(publish.shutil, "disk_usage", lambda p: Usage)
    _one_line_exit_2(capsys, ["-g", "GM0531", "-o", str(tmp_path)], "volle schijf", "nog 3 MB vrij", "ruimte vrij")


def test_run_jobs_checks_the_folder_too(tmp_path):
    from analyse.report import runner

    target = tmp_path / "f"
    target.write_text("x", encoding="utf-8")
    job = runner.Job("GM0531", {"gemeentecode": "GM0531"}, str(target))
    with pytest.raises(publish.OutputDirError, match="is een bestand"):
        runner.run_jobs([job], n_jobs=1, progress=False)


# ------------------------------------------------------------------------------------------ publishing
def _folder(path, files: dict[str, str]):
    path.mkdir(parents=True)
    for name, text in files.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("exchange", [True, False], ids=["atomic-swap", "rename-aside"])
def test_publish_replaces_the_whole_folder(tmp_path, monkeypatch, exchange):
    if not exchange:
        monkeypatch.setattr(publish, "_exchange", lambda a, b: False)
    final = _folder(tmp_path / "GM0531", {"GM0531.html": "oud", "oud.csv": "1",
                                          "GM0531.json": '{"gemeentecode": "GM0531"}'})
    staged = _folder(tmp_path / ".bouw-GM0531-1-abcdef12" / "GM0531", {"GM0531.html": "nieuw", "nieuw.csv": "2"})
    publish.publish_folder(staged, final)
    assert sorted(p.name for p in final.iterdir()) == ["GM0531.html", "nieuw.csv"]
    assert (final / "GM0531.html").read_text(encoding="utf-8") == "nieuw"
    assert not staged.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(publish.OLD_PREFIX)]


def test_publish_into_empty_place(tmp_path):
    staged = _folder(tmp_path / ".bouw-GM0505-1-abcdef12" / "GM0505", {"a.csv": "1"})
    publish.publish_folder(staged, tmp_path / "GM0505")
    assert (tmp_path / "GM0505" / "a.csv").read_text(encoding="utf-8") == "1"


def test_stale_staging_of_dead_process_removed_live_one_kept(tmp_path):
    import os
    import subprocess

    dead = subprocess.Popen(["true"])  # a process id that is no longer in use
    dead.wait()
    dead_pid = dead.pid
    stale = _folder(tmp_path / f".bouw-GM0531-{dead_pid}-abcdef12" / "GM0531", {"x.csv": "1"}).parent
    live = _folder(tmp_path / f".bouw-GM0505-{os.getpid()}-abcdef12" / "GM0505", {"x.csv": "1"}).parent
    for folder in (stale, live):  # the runner's proof that it made them
        (folder / publish.MARKER).write_text(folder.name, encoding="utf-8")
    removed = publish.remove_stale_staging(tmp_path)
    assert removed == [stale] and not stale.exists() and live.exists()
    assert publish.remove_stale_staging(tmp_path, pids={os.getpid()}) == [live]


# ------------------------------------------------------------------------------------------ errors while writing
def test_batch_survives_unwritable_error_page(tmp_path, monkeypatch):
    """Disk full while writing the first gemeente's error page: the second still gets its page, the index and
    the workbook are written, and the summary carries both reasons."""
    from papermill.exceptions import PapermillExecutionError

    from analyse.report import runner

    def failing_execute(job):
        raise PapermillExecutionError(0, 1, "sections.titel(gemeente)", "UnknownGemeenteError",
                                      f"Onbekende gemeentecode {job.code}", [])

    real_write = runner.write_atomic

    def full_disk(path, data):
        if "GM9998" in str(path) and str(path).endswith((".html", ".log")):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real_write(path, data)

    monkeypatch.setattr(runner, "_execute", failing_execute)
    monkeypatch.setattr(runner, "write_atomic", full_disk)
    monkeypatch.setattr(runner, "_worker_init", lambda *a, **k: None)
    jobs = [runner.Job(c, {"gemeentecode": c, "indelingsjaar": 2024}, str(tmp_path)) for c in ("GM9998", "GM9999")]
    summary = runner.run_jobs(jobs, n_jobs=1, progress=False)
    first, second = summary.results
    assert first.status == second.status == "fout"
    assert "foutpagina kon niet worden geschreven" in first.note
    assert "De gemeentecode is onbekend" in first.message
    assert (tmp_path / "GM9999" / "GM9999.html").is_file()
    assert json.loads((tmp_path / "GM9998" / "GM9998.json").read_text(encoding="utf-8"))["status"] == "fout"
    assert (tmp_path / "index.html").is_file() and (tmp_path / "overzicht.xlsx").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_index_write_failure_is_reported_not_raised(tmp_path, monkeypatch):
    from analyse.report import index, runner

    monkeypatch.setattr(index, "write_atomic", _raise(errno.ENOSPC))
    res = runner.Result("GM0531", "ok", naam="Hendrik-Ido-Ambacht")
    path, problems = runner._write_overview(tmp_path, [res])
    assert path is None and len(problems) == 2
    assert all(re.search(r"(index\.html|overzicht\.xlsx) kon niet worden geschreven", p) for p in problems)


# ------------------------------------------------------------------------------------------ two batches at once
@pytest.mark.slow
def test_two_batches_on_one_folder_never_mix(report_env, tmp_path):
    """Two batches with different parameters render the same gemeente into one folder at the same time: the
    folder afterwards holds the files of exactly one of them (HTML, notebook and CSVs agree)."""
    import subprocess

    from analyse import paths

    from .conftest import PYTHON

    out = tmp_path / "gedeeld"
    procs = [subprocess.Popen([PYTHON, "-m", "analyse.report", "-g", "GM0531", "-o", str(out), "--jobs", "1",
                               "--no-progress", "--force", "-p", f"startjaar_beleid={year}"], env=report_env,
                              cwd=paths.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for year in (2019, 2021)]
    for p in procs:
        stdout, stderr = p.communicate(timeout=600)
        assert p.returncode == 0, stdout + stderr
    folder = out / "GM0531"
    nb = json.loads((folder / "GM0531.ipynb").read_text(encoding="utf-8"))
    year = nb["metadata"]["papermill"]["parameters"]["startjaar_beleid"]
    html = (folder / "GM0531.html").read_text(encoding="utf-8")
    status = json.loads((folder / "GM0531.json").read_text(encoding="utf-8"))
    assert status["parameters"]["startjaar_beleid"] == year, "status file and notebook come from different runs"
    assert status["html_bytes"] == len(html.encode("utf-8")), "status file and HTML come from different runs"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_publish_retries_when_another_batch_publishes_first(tmp_path, monkeypatch):
    """The folder appears between the check and the rename (a second batch): the swap is retried."""
    final = tmp_path / "GM0531"
    staged = _folder(tmp_path / ".bouw-GM0531-1-abcdef12" / "GM0531", {"nieuw.csv": "2"})
    real_once = publish._publish_once
    calls = []

    def racing(s, f):
        if not calls:
            calls.append(1)
            _folder(final, {"ander.csv": "1", "GM0531.json": '{"gemeentecode": "GM0531"}'})  # the other batch wins
            raise OSError(errno.ENOTEMPTY, "Directory not empty")
        return real_once(s, f)

    monkeypatch.setattr(publish, "_publish_once", racing)
    publish.publish_folder(staged, final)
    assert sorted(p.name for p in final.iterdir()) == ["nieuw.csv"]
