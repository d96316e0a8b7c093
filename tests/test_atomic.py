"""Atomic writes leave either the old file or the complete new one, never a partial file."""

import pytest

from analyse import atomic


def test_write_text_and_mode(tmp_path):
    target = atomic.write_text(tmp_path / "sub" / "a.html", "<p>ok</p>")
    assert target.read_text() == "<p>ok</p>"
    assert target.stat().st_mode & 0o777 == atomic.FILE_MODE


def test_failed_write_keeps_old_file_and_leaves_no_tmp(tmp_path):
    target = tmp_path / "a.html"
    target.write_text("old")

    def boom(path):
        path.write_text("half")
        raise RuntimeError("killed mid-write")

    with pytest.raises(RuntimeError):
        atomic.atomic_write(target, boom)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]
