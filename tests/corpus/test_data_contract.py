"""Corpus (issue 20, class 7): broken processed data never looks like a normal report.

Each processed table is checked against its contract when it is read (one line: which table, what is wrong,
run ``make data``); the batch checks the whole set before any work; a build writes a new data generation beside
the old one and switches atomically; a batch pins one generation; a build that loses most of a previously filled
column fails. Tiny tables in a temp folder, no kernel.
"""

from __future__ import annotations

import os

import pandas as pd
import pytest

from analyse.data import build as build_mod
from analyse.data import processed
from analyse.errors import ContractError, DataIntegrityError, DataNotAvailableError


def _cpi() -> pd.DataFrame:
    return pd.DataFrame({"jaar": [2020, 2021], "cpi_index": [100.0, 102.0], "cpi_mutatie": [1.0, 2.0],
                         "bron": ["x", "x"]})


def _lasten(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({"gemeentecode": [f"GM{i:04d}" for i in range(n)], "jaar": [2022] * n, "soort": ["lasten"] * n,
                         "taakveld": ["6.1"] * n, "taakveld_bron": ["6.1"] * n, "lasten_eur": [1.0] * n,
                         "inwoners": [10.0] * n})


@pytest.mark.parametrize("frame, fragment", [
    pytest.param(_cpi().iloc[0:0], "0 rijen", id="zero-rows"),
    pytest.param(pd.concat([_cpi(), _cpi()]), "dubbele rijen", id="duplicated-rows"),
    pytest.param(_cpi().rename(columns={"cpi_index": "index"}), "'cpi_index' ontbreekt", id="renamed-column"),
    pytest.param(_cpi().assign(cpi_index=["100", "102"]), "tekst in plaats van getallen", id="text-typed-column"),
])
def test_table_checked_against_contract_when_read(tmp_path, monkeypatch, frame, fragment):
    from analyse import paths

    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    frame.to_parquet(tmp_path / "cpi.parquet")
    processed.clear_cache()
    with pytest.raises(ContractError) as err:
        processed.cpi()
    msg = str(err.value)
    assert fragment in msg and "'cpi'" in msg and "make data" in msg and "\n" not in msg
    with pytest.raises((ContractError, DataNotAvailableError)):
        processed.check_processed(("cpi",), tmp_path) if fragment != "dubbele rijen" else processed.cpi()


def test_lasten_text_value_column(tmp_path):
    with pytest.raises(ContractError, match="'lasten_eur' bevat tekst"):
        processed.check_contract("lasten", _lasten().assign(lasten_eur="1,0"))


def test_deleted_cpi_table_stops_the_batch_before_any_work(tmp_path, capsys, monkeypatch):
    from analyse import paths
    from analyse.report.__main__ import main

    monkeypatch.setattr(paths, "PROCESSED_DIR", tmp_path)
    for name in processed.BASE_TABLES:
        if name != "cpi":
            (tmp_path / f"{name}.parquet").write_bytes(b"")
    with pytest.raises(DataNotAvailableError, match="'cpi' ontbreekt"):
        processed.check_processed(("cpi",), tmp_path)
    assert main(["-g", "GM0531", "-o", str(tmp_path / "uit"), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "make data" in err, err


def test_good_tables_pass(tmp_path):
    _cpi().to_parquet(tmp_path / "cpi.parquet")
    _lasten().to_parquet(tmp_path / "lasten.parquet")
    processed.check_processed(("cpi", "lasten"), tmp_path)
    processed.check_contract("lasten", _lasten())


# ------------------------------------------------------------------------------------------ generations
def _gen(processed_dir, tables: dict[str, pd.DataFrame]):
    gen = build_mod.new_generation(processed_dir)
    for name, frame in tables.items():
        frame.to_parquet(gen / f"{name}.parquet")
    return gen


def test_switch_is_atomic_and_an_unfinished_build_is_never_used(tmp_path):
    processed_dir = tmp_path / "processed"
    old = _gen(processed_dir, {"cpi": _cpi()})
    build_mod.switch_generation(processed_dir, old)
    half = _gen(processed_dir, {"cpi": _cpi().assign(cpi_index=[1.0, 2.0])})  # killed before the switch
    assert processed_dir.resolve() == old.resolve()
    assert pd.read_parquet(processed_dir / "cpi.parquet")["cpi_index"].tolist() == [100.0, 102.0]
    build_mod.switch_generation(processed_dir, half)
    assert processed_dir.is_symlink() and processed_dir.resolve() == half.resolve()


def test_real_processed_folder_becomes_a_generation(tmp_path):
    processed_dir = tmp_path / "processed"
    processed_dir.mkdir()
    _cpi().to_parquet(processed_dir / "cpi.parquet")
    new = _gen(processed_dir, {"cpi": _cpi()})
    build_mod.switch_generation(processed_dir, new)
    assert processed_dir.is_symlink()
    assert len(list(build_mod.generations_dir(processed_dir).iterdir())) == 2


def test_batch_pins_one_generation_while_a_build_switches(tmp_path, monkeypatch):
    from analyse import paths
    from analyse.report.runner import pinned_generation

    processed_dir = tmp_path / "processed"
    first = _gen(processed_dir, {"cpi": _cpi()})
    build_mod.switch_generation(processed_dir, first)
    monkeypatch.setattr(paths, "PROCESSED_DIR", processed_dir)
    monkeypatch.delenv("ANALYSE_PROCESSED_DIR", raising=False)
    with pinned_generation() as pinned:
        assert os.environ["ANALYSE_PROCESSED_DIR"] == str(first.resolve()) == str(pinned)
        second = _gen(processed_dir, {"cpi": _cpi()})
        build_mod.switch_generation(processed_dir, second)  # a build during the batch
        build_mod.prune_generations(processed_dir)
        assert os.environ["ANALYSE_PROCESSED_DIR"] == str(first.resolve()) and first.is_dir()
    assert "ANALYSE_PROCESSED_DIR" not in os.environ


def test_prune_keeps_the_newest_and_the_one_in_use(tmp_path):
    processed_dir = tmp_path / "processed"
    gens = [_gen(processed_dir, {"cpi": _cpi()}) for _ in range(5)]
    build_mod.switch_generation(processed_dir, gens[0])
    removed = build_mod.prune_generations(processed_dir, keep=2)
    assert gens[0].is_dir() and gens[-1].is_dir() and len(removed) == 2


def test_build_that_empties_a_filled_column_fails(tmp_path):
    """A raw count column suddenly all empty (4.369 values → 0) used to build without a note."""
    processed_dir = tmp_path / "processed"
    gen = _gen(processed_dir, {"lasten": _lasten(4369)})
    build_mod.switch_generation(processed_dir, gen)
    emptied = _lasten(4369).assign(inwoners=float("nan"))
    with pytest.raises(DataIntegrityError, match="'inwoners' had 4.369 waarden en zou er nu 0 hebben"):
        build_mod.check_no_loss({"lasten": emptied}, processed_dir)
    build_mod.check_no_loss({"lasten": _lasten(4369)}, processed_dir)  # unchanged: fine


def test_generation_named_in_checksums(tmp_path, monkeypatch):
    from analyse import paths

    processed_dir = tmp_path / "processed"
    gen = _gen(processed_dir, {"cpi": _cpi()})
    (gen / processed.GENERATION_FILE).write_text('{"generation": "%s", "seed_only": true}' % gen.name)
    build_mod.switch_generation(processed_dir, gen)
    monkeypatch.setattr(paths, "PROCESSED_DIR", processed_dir)
    assert processed.checksums()[0][0] == f"generatie {gen.name}"
    assert processed.generation_info()["seed_only"] is True
