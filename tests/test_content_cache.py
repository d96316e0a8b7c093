"""The content cache (issue 21): a re-rendered report reuses the indicator content computed before from the same
data generation, parameters and code; anything else computes it again. Tiny frames, a dict as the store."""

from __future__ import annotations

import dataclasses
import pickle

from analyse import bundle
from analyse.content import ReportParameters, build_report, indicator_chapter


def _counting(monkeypatch):
    calls = []
    real = indicator_chapter.build

    def counted(*args):
        calls.append(args[2:])
        return real(*args)

    monkeypatch.setattr(indicator_chapter, "build", counted)
    return calls


def test_indicator_content_is_reused_for_the_same_data_and_parameters(monkeypatch):
    from test_content import GEM, _inputs

    calls = _counting(monkeypatch)
    store: dict = {}
    inputs = dataclasses.replace(_inputs(), data_version="v1", store=store)
    first = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs)
    again = build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs)
    assert len(calls) == 1 and len(store) == 1
    assert again.indicators is first.indicators  # from the store (a dict keeps the object itself)
    build_report(GEM, ReportParameters(startjaar_beleid=2021), inputs)  # another nulmeting year
    build_report(GEM, ReportParameters(startjaar_beleid=2020), dataclasses.replace(inputs, data_version="v2"))
    assert len(calls) == 3 and len(store) == 3


def test_without_a_store_or_data_version_nothing_is_kept(monkeypatch):
    from test_content import GEM, _inputs

    calls = _counting(monkeypatch)
    for inputs in (_inputs(), dataclasses.replace(_inputs(), store={})):  # no store; no data version
        build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs)
        build_report(GEM, ReportParameters(startjaar_beleid=2020), inputs)
    assert len(calls) == 4


def test_store_on_disk_round_trips_and_survives_damage(tmp_path):
    store = bundle.ContentStore(tmp_path)
    store["k"] = {"a": [1, 2]}
    assert store.get("k") == {"a": [1, 2]} and store.get("onbekend") is None
    (store.root / "k.pickle").write_bytes(b"kapot")
    assert store.get("k") is None  # computed again, never an error
    store["lambda"] = lambda: 1  # not picklable: simply not kept
    assert store.get("lambda") is None
    assert store.root.name == bundle.code_version() and pickle.dumps(store.get("k")) is not None
