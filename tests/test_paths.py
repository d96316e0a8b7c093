"""Paths come from one module and honour the ANALYSE_* overrides."""

import importlib

import pytest

from analyse import paths


def test_root_layout():
    assert (paths.ROOT / "pyproject.toml").exists()
    assert paths.PROCESSED_DIR.parent.name == "processed" and paths.PROCESSED_DIR.parent == paths.PROCESSED_ROOT
    assert (paths.ROOT / "data" / "processed").is_dir()  # the required top-level folder, also in a fresh clone
    assert paths.processed("indicators").name == "indicators.parquet"


def test_cbs_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSE_CBS_DIR", str(tmp_path))
    assert paths.cbs_dir() == tmp_path.resolve()
    monkeypatch.setenv("ANALYSE_CBS_DIR", str(tmp_path / "nope"))
    with pytest.raises(FileNotFoundError, match="ANALYSE_CBS_DIR"):
        paths.cbs_dir()


def test_data_dir_env_override(tmp_path, monkeypatch):
    monkeypatch.setenv("ANALYSE_DATA_DIR", str(tmp_path))
    try:
        reloaded = importlib.reload(paths)
        assert reloaded.PROCESSED_DIR == tmp_path.resolve() / "processed" / "actueel"
    finally:
        monkeypatch.delenv("ANALYSE_DATA_DIR")
        importlib.reload(paths)
