"""Tests for analyse.references: the reference without the gemeente (issue 11, defect 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analyse import references
from analyse.errors import AnalyseError

PER = {"s": 100.0}
MEMBERS = {"JZ01": ["GM0001", "GM0002", "GM0003"], "JZ02": ["GM0009"],
           "PV01": ["GM0001", "GM0002", "GM0003", "GM0009", "GM0010"],
           "NL01": ["GM0001", "GM0002", "GM0003", "GM0009", "GM0010"]}
NAMES = {"GM0001": "Aadorp", "GM0009": "Utrecht"}


def row(code, period, num, den, ind="s", value=None):
    v = num / den * 100 if value is None and np.isfinite(num) and np.isfinite(den) else value
    return {"indicator_id": ind, "gemeentecode": code, "period": period, "period_type": "jaar", "value": v,
            "numerator": num, "denominator": den}


def frame() -> pd.DataFrame:
    rows = []
    counts = {"GM0001": (100, 1000), "GM0002": (300, 2000), "GM0003": (150, 1500), "GM0009": (500, 4000),
              "GM0010": (50, 1000)}
    for period in ("2022", "2023"):
        for code, (k, n) in counts.items():
            rows.append(row(code, period, k, n))
    # published region rows (JZ01 counts include a suppressed member cell in 2023, see below)
    rows += [row("JZ01", "2022", 550, 4500), row("JZ01", "2023", 550, 4500), row("JZ02", "2022", 500, 4000),
             row("JZ02", "2023", 500, 4000), row("NL01", "2022", 1100, 9500), row("NL01", "2023", 1100, 9500)]
    return pd.DataFrame(rows)


def cands(code: str, regio: str, naam: str) -> list[tuple[str, str]]:
    return [(regio, naam), ("PV01", "provincie Een"), ("NL01", "Nederland")]


def test_rest_of_region_removes_the_gemeente():
    ind = frame()
    before = ind.copy()
    out = references.reference_without(ind, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp")
    pd.testing.assert_frame_equal(ind, before)
    assert set(out["period"]) == {"2022", "2023"}
    r = out.iloc[0]
    # JZ01 (550/4500) minus Aadorp (100/1000) = 450/3500 = 12,857%; the regio incl. Aadorp is 12,222%
    assert r["value"] == pytest.approx(450 / 3500 * 100)
    assert (r["numerator"], r["denominator"]) == (450, 3500)
    assert r["reference_basis"] == "rest van de leden"  # every other member has counts: Σ of the registry's members
    assert r["reference_label"] == "rest van jeugdzorgregio Een"
    assert r["reference_code"] == "JZ01-zonder-GM0001" and r["region_code"] == "JZ01"
    assert r["n_others"] == 2 and r["reference_note"] == ""


def test_published_total_is_subtracted_only_when_its_composition_is_verified():
    ind = frame()
    gone = (ind["gemeentecode"] == "GM0003") & (ind["period"] == "2023")
    ind.loc[gone, ["numerator", "value"]] = np.nan  # a suppressed member: Σ of the others is impossible in 2023
    out = references.reference_without(ind, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp")
    r23 = out[out["period"] == "2023"].iloc[0]
    # 2022: Σ members = 550/4500 = the published JZ01 total, so CBS's JZ01 is the registry's JZ01: subtract
    assert r23["reference_basis"] == "regio min gemeente" and r23["value"] == pytest.approx(450 / 3500 * 100)
    # CBS composes JZ01 with another gemeente (900/8000): never subtract Aadorp from that total
    other = ind.copy()
    other.loc[other["gemeentecode"] == "JZ01", ["numerator", "denominator"]] = [900, 8000]
    other.loc[other["gemeentecode"] == "JZ01", "value"] = 900 / 8000 * 100
    out2 = references.reference_without(other, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                        PER, "Aadorp")
    r2 = out2[out2["period"] == "2023"].iloc[0]
    assert r2["reference_basis"] != "regio min gemeente" and np.isnan(r2["value"])


def test_sum_of_other_members_when_region_has_no_counts():
    ind = frame()
    ind = ind[ind["gemeentecode"] != "JZ01"]  # no published region row: Σ of GM0002 and GM0003
    out = references.reference_without(ind, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp")
    assert out["reference_basis"].unique().tolist() == ["rest van de leden"]
    assert out["value"].iloc[0] == pytest.approx(450 / 3500 * 100)
    # one other member without counts in 2023: no partial sum, NaN in that period (not a biased value)
    ind2 = ind.copy()
    ind2.loc[(ind2["gemeentecode"] == "GM0003") & (ind2["period"] == "2023"), ["numerator", "value"]] = np.nan
    out2 = references.reference_without(ind2, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                        PER, "Aadorp")
    assert np.isnan(out2.loc[out2["period"] == "2023", "value"].iloc[0])
    assert out2.loc[out2["period"] == "2023", "reference_basis"].iloc[0] == "geen"


def test_utrecht_falls_back_instead_of_comparing_with_itself():
    out = references.reference_without(frame(), "GM0009", cands("GM0009", "JZ02", "jeugdzorgregio Utrecht Stad"),
                                       MEMBERS, PER, "Utrecht")
    r = out.iloc[0]
    assert r["region_code"] == "PV01" and r["reference_label"] == "rest van provincie Een"
    assert "jeugdzorgregio Utrecht Stad bestaat alleen uit de gemeente zelf" in r["reference_note"]
    # PV01 has no published row: Σ of the four other members = 600/5500
    assert r["value"] == pytest.approx(600 / 5500 * 100)
    assert r["reference_basis"] == "rest van de leden"


def test_tiny_rest_falls_back_and_nederland_label():
    ind = frame()
    out = references.reference_without(ind, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp", min_denominator=5000)
    # JZ01 rest 3500 < 5000 and PV01 rest 8500 ≥ 5000
    assert out["region_code"].unique().tolist() == ["PV01"]
    assert "jeugdzorgregio Een is te klein" in out["reference_note"].iloc[0]
    nl = references.reference_without(ind, "GM0001", [("NL01", "Nederland")], MEMBERS, PER, "Aadorp",
                                      role="nederland")
    assert nl["reference_label"].iloc[0] == "Nederland zonder Aadorp"
    assert nl["value"].iloc[0] == pytest.approx(1000 / 8500 * 100)
    assert (nl["reference_role"] == "nederland").all()


def test_few_others_and_no_counts():
    members = {**MEMBERS, "JZ03": ["GM0001", "GM0002"]}
    out = references.reference_without(frame(), "GM0001", [("JZ03", "jeugdzorgregio Drie"), ("NL01", "Nederland")],
                                       members, PER, "Aadorp")
    assert out["region_code"].unique().tolist() == ["NL01"]
    assert "jeugdzorgregio Drie heeft te weinig andere gemeenten" in out["reference_note"].iloc[0]
    # an indicator without counts: the region's published value, labelled inclusive
    lev = pd.DataFrame([row("GM0001", "2023", np.nan, np.nan, "lvl", 7.0),
                        row("JZ01", "2023", np.nan, np.nan, "lvl", 9.0)])
    out2 = references.reference_without(lev, "GM0001", [("JZ01", "jeugdzorgregio Een")], MEMBERS, PER, "Aadorp")
    assert out2["reference_basis"].tolist() == ["inclusief gemeente"]
    assert out2["value"].tolist() == [9.0]
    assert out2["reference_label"].tolist() == ["jeugdzorgregio Een (inclusief Aadorp)"]


def test_vectorised_over_gemeenten_and_duplicates_rejected():
    cand = {"GM0001": cands("GM0001", "JZ01", "jeugdzorgregio Een"),
            "GM0002": cands("GM0002", "JZ01", "jeugdzorgregio Een"),
            "GM0009": cands("GM0009", "JZ02", "jeugdzorgregio Utrecht Stad")}
    out = references.rest_of_region(frame(), MEMBERS, cand, PER, NAMES)
    got = out[out["period"] == "2023"].set_index("gemeentecode")
    assert got.loc["GM0002", "value"] == pytest.approx(250 / 2500 * 100)
    assert got.loc["GM0009", "region_code"] == "PV01"
    assert got.loc["GM0001", "value"] == pytest.approx(450 / 3500 * 100)
    with pytest.raises(AnalyseError, match="meer dan één rij"):
        references.rest_of_region(pd.concat([frame(), frame()]), MEMBERS, cand, PER)


def test_registry_candidates_and_membership():
    reg = pd.DataFrame({"gemeentecode": ["GM0001", "GM0002", "GM0009"], "indelingsjaar": 2024,
                        "jeugdzorgregio_code": ["JZ01", "JZ01", "JZ02"],
                        "jeugdzorgregio_naam": ["Een", "Een", "Utrecht Stad"],
                        "provincie_code": ["PV01", "PV01", "PV01"], "provincie_naam": ["Een", "Een", "Een"]})
    cat = pd.DataFrame([{"id": "s", "kind": "share", "per": 100, "domein": "jeugd"}])
    mem = references.registry_membership(reg, 2024)
    assert set(mem.loc[mem["region_code"] == "JZ01", "gemeentecode"]) == {"GM0001", "GM0002"}
    assert (mem["region_code"] == "NL01").sum() == 3
    cand = references.registry_candidates(reg, 2024, cat, ["s"], codes=["GM0009"])
    regio = cand[cand["reference_role"] == "regio"].sort_values("rank")
    assert regio["region_code"].tolist() == ["JZ02", "PV01", "NL01"]
    assert regio["region_naam"].tolist() == ["jeugdzorgregio Utrecht Stad", "provincie Een", "Nederland"]
    assert cand.loc[cand["reference_role"] == "nederland", "region_code"].tolist() == ["NL01"]


def test_as_indicator_rows_feed_series_and_did():
    from analyse import indicators as im
    from analyse import trends

    out = references.reference_without(frame(), "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp")
    rows = references.as_indicator_rows(out, pd.Series({"s": "procent"}))
    assert rows["gemeentecode"].unique().tolist() == ["JZ01-zonder-GM0001"]
    assert set(rows.columns) >= {"unit", "status", "source_table"} and rows["unit"].tolist() == ["procent"] * 2
    data = pd.concat([frame().assign(unit="procent", status="definitief", source_table="T"), rows])
    s = im.series(data, "s", ["GM0001", "JZ01-zonder-GM0001"])
    own, ref = s[s["gemeentecode"] == "GM0001"], s[s["gemeentecode"] == "JZ01-zonder-GM0001"]
    res = trends.did(own, ref, 2023).iloc[0]
    # gap 10 − 12,857 in both periods: no change of the gap
    assert res["gap_before"] == pytest.approx(10 - 450 / 3500 * 100) and res["estimate"] == pytest.approx(0.0)
    refs = references.compare_references(out)
    assert refs[["reference_role", "indicator_id", "reference_code"]].values.tolist() == [
        ["regio", "s", "JZ01-zonder-GM0001"]]


def test_gemeente_references_one_call():
    reg = pd.DataFrame({"gemeentecode": ["GM0001", "GM0002", "GM0003", "GM0009", "GM0010"], "indelingsjaar": 2024,
                        "jeugdzorgregio_code": ["JZ01", "JZ01", "JZ01", "JZ02", "JZ02"],
                        "jeugdzorgregio_naam": ["Een", "Een", "Een", "Twee", "Twee"],
                        "provincie_code": "PV01", "provincie_naam": "Een"})
    cat = pd.DataFrame([{"id": "s", "kind": "share", "per": 100, "domein": "jeugd", "unit": "procent"}])
    rest, rows, refs = references.gemeente_references(frame(), reg, 2024, cat, "GM0001", "Aadorp")
    assert sorted(refs["reference_code"]) == ["JZ01-zonder-GM0001", "NL01-zonder-GM0001"]
    assert set(rows["gemeentecode"]) == {"JZ01-zonder-GM0001", "NL01-zonder-GM0001"}
    assert rows["unit"].unique().tolist() == ["procent"]
    nl = rest[(rest["reference_role"] == "nederland") & (rest["period"] == "2023")].iloc[0]
    assert nl["value"] == pytest.approx(1000 / 8500 * 100) and nl["reference_label"] == "Nederland zonder Aadorp"


def test_precomputed_member_totals_give_the_same_rows():
    cand = {"GM0001": cands("GM0001", "JZ01", "jeugdzorgregio Een"),
            "GM0009": cands("GM0009", "JZ02", "jeugdzorgregio Utrecht Stad")}
    ind = frame()
    ind = ind[ind["gemeentecode"] != "JZ01"]  # force the Σ-of-members route
    plain = references.rest_of_region(ind, MEMBERS, cand, PER, NAMES)
    tot = references.member_totals(ind, MEMBERS)
    assert set(tot.columns) == {"region_code", "indicator_id", "period", "m_num", "m_den", "m_n"}
    assert tot.set_index(["region_code", "period"]).loc[("JZ01", "2023"), "m_den"] == 4500
    fast = references.rest_of_region(ind, MEMBERS, cand, PER, NAMES, totals=tot)
    pd.testing.assert_frame_equal(plain, fast)


def test_a_regio_covering_too_few_periods_gives_way_to_the_next_level():
    ind = frame()
    ind = ind[~((ind["gemeentecode"] == "JZ01") | ((ind["gemeentecode"] == "GM0003") & (ind["period"] == "2023")))]
    extra = [row("GM0001", p, 100, 1000) for p in ("2020", "2021")] + [row("NL01", p, 1100, 9500)
                                                                      for p in ("2020", "2021")]
    ind = pd.concat([ind, pd.DataFrame(extra)], ignore_index=True)
    out = references.reference_without(ind, "GM0001", cands("GM0001", "JZ01", "jeugdzorgregio Een"), MEMBERS,
                                       PER, "Aadorp")
    # the rest of JZ01 has a value only in 2022 (1 of the 4 periods of Aadorp): not used, the note says why
    assert set(out["region_code"]) != {"JZ01"}
    assert out["reference_note"].str.contains("jeugdzorgregio Een heeft voor te weinig perioden gegevens").all()
