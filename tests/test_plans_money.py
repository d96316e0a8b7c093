"""Plan money (``analyse.plans.money``) and policy period (``analyse.plans.period``).

Seed tests compare with the documents' own figures and name the page."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from analyse import paths
from analyse.plans import load_plan
from analyse.plans.money import budget_summary, budget_table, savings_amounts, savings_ledger
from analyse.plans.period import beleidsperiode, beleidsperiodes, report_startjaar
from analyse.settings import DEFAULT_STARTJAAR_BELEID

HEAD = """schema_version: 1
gemeentecode: GM9999
gemeente: Testdorp
titel: Testplan
soort: plan
periode: {start: 2020, eind: 2024}
bron: {document: t.txt, titel: T}
"""
OPGAVE = """opgaven:
  - id: A
    titel: Opgave A
    maatregelen:
      - id: M1
        titel: Maatregel een
"""


def _plan(tmp_path, body: str, name: str = "GM9999-t.yml"):
    f = tmp_path / name
    f.write_text(HEAD + body, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_plan(f, catalogue=None)


def _seed(name: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_plan(paths.PLANS_DIR / name, catalogue=None)


# ------------------------------------------------------------------------------------------------ period
def test_beleidsperiode_from_block_and_none_without(tmp_path):
    p = _plan(tmp_path, "beleidsperiode: {startjaar: 2021, nulmeting_jaar: 2019, bron_pagina: p. 2}\n" + OPGAVE)
    bp = beleidsperiode(p)
    assert (bp.startjaar_beleid, bp.nulmeting_jaar, bp.bron_pagina) == (2021, 2019, "p. 2")
    q = _plan(tmp_path, OPGAVE, "GM9999-u.yml")
    assert beleidsperiode(q).startjaar_beleid is None and beleidsperiode(q).nulmeting_jaar is None


def test_report_startjaar_order(tmp_path):
    p = _plan(tmp_path, "beleidsperiode: {startjaar: 2021}\n" + OPGAVE)
    q = _plan(tmp_path, "beleidsperiode: {startjaar: 2019}\n" + OPGAVE, "GM9999-u.yml")
    none = _plan(tmp_path, OPGAVE, "GM9999-v.yml")
    assert report_startjaar([p], override=2017)[:2] == (2017, "parameter")
    assert report_startjaar([p], override=0)[:2] == (2021, "plan")  # 0 = not set (ReportParameters default)
    assert report_startjaar([p])[:2] == (2021, "plan")
    jaar, herkomst, tekst = report_startjaar([p, q])
    assert (jaar, herkomst) == (2019, "plan") and "2021" in tekst and "2019" in tekst
    assert report_startjaar([none])[:2] == (DEFAULT_STARTJAAR_BELEID, "standaard")
    assert report_startjaar([])[:2] == (DEFAULT_STARTJAAR_BELEID, "standaard")


@pytest.mark.parametrize(
    "name, start, nul, page",
    [
        ("GM0141-evaluatie-transformatie-sociaal-domein.yml", 2015, None, "hoofdstuk 1 (p. 10)"),  # 'sinds 2015'
        ("GM0531-kracht-van-ambacht.yml", 2020, 2019, "p. 6"),  # 'foto' van het sociaal domein in 2019
        ("GM0482-integraal-preventieplan.yml", 2020, None, "§5.4"),
        ("GM0164-preventie-sociaal-domein.yml", 2020, None, "Kadernota 2020-2023"),  # notitie nov 2019, hfst 3
    ],
)
def test_seed_policy_periods(name, start, nul, page):
    bp = beleidsperiode(_seed(name))
    assert bp.startjaar_beleid == start and bp.nulmeting_jaar == nul
    assert page is None or page in bp.bron_pagina


def test_dordrecht_period_per_plan():
    plans = [_seed(f"GM0505-{n}.yml") for n in ("jeugd", "mantelzorg", "vrijwillige-inzet", "wmo")]
    frame = beleidsperiodes(plans)
    assert frame["startjaar_beleid"].tolist() == [2019, 2019, 2019, 2020]
    jaar, herkomst, tekst = report_startjaar(plans)
    assert (jaar, herkomst) == (2019, "plan") and "2020" in tekst


# ------------------------------------------------------------------------------------------------ savings
def test_almelo_taakstellingen_tabel2_exact():
    """Almelo Tabel 2 (§6.2.1, p. 48-51): begroot, gerealiseerd and openstaand per year as printed; no 2015
    amount stacked on the 2016 level."""
    led = savings_ledger(_seed("GM0141-evaluatie-transformatie-sociaal-domein.yml"))
    t2 = led[led["reeks"] == "Tabel 2"].set_index("jaar")
    assert t2.index.tolist() == [2015, 2016, 2017, 2018, 2019]
    assert t2["begroot_eur"].tolist() == [3_580_000, 5_016_000, 6_176_000, 7_376_000, 8_276_000]
    assert t2["gerealiseerd_eur"].tolist() == [3_580_000, 4_916_000, 5_126_000, 5_426_000, 5_426_000]
    assert t2["openstaand_eur"].tolist() == [0, 100_000, 1_050_000, 1_950_000, 2_850_000]
    assert t2["som_posten_eur"].tolist() == t2["gerealiseerd_eur"].tolist()  # posts add up to the printed total
    assert np.round(t2["realisatiegraad_pct"], 1).tolist() == [100.0, 98.0, 83.0, 73.6, 65.6]
    assert "Besparing zorgkosten" in t2.loc[2017, "opmerking"]  # the PM layer is named, not read as 0
    assert "p. 48-51" in t2.loc[2016, "bron_pagina"]


def test_hia_poh_is_an_estimate_never_realised():
    """Hendrik-Ido-Ambacht: € 420.000 POH Jeugd is a study estimate with an attribution problem (p. 41, p. 14)."""
    led = savings_ledger(_seed("GM0531-kracht-van-ambacht.yml"))
    (row,) = led.itertuples()
    assert row.schatting_eur == 420_000 and math.isnan(row.gerealiseerd_eur) and math.isnan(row.realisatiegraad_pct)
    assert "schatting" in row.opmerking


def test_alblasserdam_target_path_is_a_doelstelling():
    """Alblasserdam §2.4: 'tussen 2020 en 2023 een bedrag oplopend tot € 1.400.000 structureel bezuinigen'."""
    led = savings_ledger(_seed("GM0482-integraal-preventieplan.yml"))
    (row,) = led.itertuples()
    assert (row.jaar, row.doelstelling_eur) == (2023, 1_400_000)
    assert math.isnan(row.begroot_eur) and math.isnan(row.gerealiseerd_eur)
    assert "doelstelling" in row.opmerking and "§2.4" in row.bron_pagina


def test_hengelo_begroot_and_realised():
    """Hengelo hoofdstuk 1 (Interventieprogramma, voetnoot 2): five besparingen of € 350.000, 100.000, 400.000,
    500.000 and 300.000; only 'ca €250.000,-' of the first is realised, the others have no amount (pm): no
    realisatiegraad or open amount is computed over the known post only."""
    (row,) = savings_ledger(_seed("GM0164-preventie-sociaal-domein.yml")).itertuples()
    assert (row.begroot_eur, row.gerealiseerd_eur, row.n_posten_onbekend) == (1_650_000, 250_000, 4)
    assert np.isnan(row.realisatiegraad_pct) and np.isnan(row.openstaand_eur)


def test_ledger_levels_not_summed_and_printed_total_checked(tmp_path):
    body = (
        OPGAVE
        + """besparingen:
  - {post: a, jaar: 2020, gerealiseerd: 100, reeks: R}
  - {post: a, jaar: 2021, gerealiseerd: 100, reeks: R}
  - {post: b, jaar: 2021, gerealiseerd: 50, reeks: R}
  - {post: c, jaar: 2021, gerealiseerd: null, reeks: R}
taakstellingen:
  - {id: T1, omschrijving: x, bedrag: 100, jaar: 2020, reeks: R}
  - {id: T2, omschrijving: x, bedrag: 200, jaar: 2021, reeks: R, gerealiseerd: 160}
"""
    )
    led = savings_ledger(_plan(tmp_path, body)).set_index("jaar")
    assert led.loc[2021, "gerealiseerd_eur"] == 160 and led.loc[2021, "som_posten_eur"] == 150
    assert "wijkt af" in led.loc[2021, "opmerking"] and "c" in led.loc[2021, "opmerking"]
    assert led.loc[2021, "openstaand_eur"] == 40 and led.loc[2020, "realisatiegraad_pct"] == 100


def test_savings_amounts_kinds(tmp_path):
    body = (
        OPGAVE
        + """besparingen:
  - {post: a, jaar: 2020, gepland: 10, soort_gepland: doelstelling, gerealiseerd: 5, soort_gerealiseerd: schatting}
"""
    )
    amounts = savings_amounts(_plan(tmp_path, body))
    assert sorted(amounts["soort"]) == ["doelstelling", "schatting"]


def test_unknown_soort_refused(tmp_path):
    from analyse.errors import PlanValidationError

    with pytest.raises(PlanValidationError, match="soort_gerealiseerd"):
        _plan(tmp_path, OPGAVE + "besparingen: [{post: a, jaar: 2020, gerealiseerd: 5, soort_gerealiseerd: raming}]\n")


# ------------------------------------------------------------------------------------------------ budget
def test_budget_rows_labelled_deduplicated_and_zero_in_words(tmp_path):
    body = """opgaven:
  - id: A
    titel: Opgave A
    maatregelen:
      - id: M1
        titel: Maatregel een
        acties:
          - id: "1.1"
            omschrijving: Actie een
            budget: [{jaar: 2022, begroot: 0, gerealiseerd: 0}, {jaar: 2022, begroot: 0, gerealiseerd: 0}]
          - id: "1.2"
            omschrijving: Actie twee
            budget: [{jaar: 2022, begroot: 0, gerealiseerd: 0}]
"""
    table = budget_table(_plan(tmp_path, body))
    assert table["post"].tolist() == ["Actie een", "Actie twee"]  # labelled, duplicate line kept once
    assert set(table["status"]) == {"geen budget, geen uitgaven"}
    summ = budget_summary(table)
    assert summ.loc[summ["opgave_id"] == "totaal", "tekst"].iloc[0].startswith("Geen budget en geen uitgaven")
    assert "€ 0 gerealiseerd van € 0" not in " ".join(summ["tekst"])


def test_alblasserdam_budget_rows_labelled_and_waarvan_not_double_counted():
    """Alblasserdam §5.1: € 22.814.000 subsidies 2019 'waarvan' SDD/DG&J/…; gemeentebegroting € 55 mln is context."""
    table = budget_table(_seed("GM0482-integraal-preventieplan.yml"))
    o8 = table[table["opgave_id"] == "O8"]
    assert o8["post"].notna().all() and len(o8) == 11
    assert o8.loc[o8["post"].str.startswith("waarvan"), "in_totaal"].eq(False).all()
    assert not o8.loc[o8["post"].str.startswith("Gemeentebegroting"), "in_totaal"].iloc[0]
    summ = budget_summary(table).set_index(["opgave_id", "jaar"])
    assert summ.loc[("O8", 2019), "gerealiseerd_eur"] == 22_814_000  # not 22.814.000 + its parts
    assert summ.loc[("O8", 2020), "begroot_eur"] == 225_000  # 70.000 + 75.000 + 80.000; SA2.0 amount unknown
    assert "onbekend" in summ.loc[("O8", 2020), "tekst"]


def test_hia_budget_bijlage2_totals():
    """Hendrik-Ido-Ambacht Bijlage 2 (p. 53-54): 15.1 € 45.000 / € 32.788, 22.5 € 30.000 / € 2.645,
    25.1 € 25.000 / € 25.000; M14 rows labelled per actie, each once."""
    table = budget_table(_seed("GM0531-kracht-van-ambacht.yml"))
    m14 = table[table["maatregel_id"] == "M14"]
    assert m14["actie_id"].notna().all() and not m14.duplicated(["actie_id", "jaar"]).any()
    row = table[(table["actie_id"] == "15.1") & (table["jaar"] == 2022)].iloc[0]
    assert (row.begroot_eur, row.gerealiseerd_eur) == (45_000, 32_788)
    assert round(row.realisatiegraad_pct, 1) == 72.9


def test_almelo_plan_spending_tabel1():
    """Almelo Tabel 1 (§6.2.1, p. 48-51): totale uitgaven 86,1 (2013) → 135,1 mln (2017); begroot 2016 125,5 mln."""
    from analyse.plans.money import plan_spending

    sp = plan_spending(_seed("GM0141-evaluatie-transformatie-sociaal-domein.yml"))
    real = sp[sp["soort"] == "realisatie"].set_index("jaar")["bedrag_eur"]
    assert real.loc[2013] == 86_100_000 and real.loc[2017] == 135_100_000
    assert sp.loc[(sp["soort"] == "begroting") & (sp["jaar"] == 2016), "bedrag_eur"].iloc[0] == 125_500_000
    assert sp["bron_pagina"].str.contains("p. 48-51").all() and sp["scope"].notna().any()


# ------------------------------------------------------------------------------------------ monitoring view
def test_monitoring_view_alblasserdam():
    """Alblasserdam's IPP is a plan without statuses: a monitoring view, not 8 × 'nog niet te beoordelen'."""
    from analyse.plans.monitoring import monitoring_summary, monitoring_view, needs_monitoring_view

    plan = _seed("GM0482-integraal-preventieplan.yml")
    assert needs_monitoring_view(plan)
    assert not needs_monitoring_view(_seed("GM0531-kracht-van-ambacht.yml"))
    view = monitoring_view(plan, {"bijstand_personen_per_1000", "zeer_ernstig_eenzaam_65plus_pct"})
    bij = view[view["indicator_id"] == "plan_uitkeringen_bijstand"].iloc[0]
    assert not bij["meetbaar_met_cbs"] and bij["cbs_alternatief"] == "bijstand_personen_per_1000"
    assert "nulmeting" in bij["vastleggen"] and "CBS-alternatief" in bij["status"]
    mz = view[view["indicator_id"] == "plan_mantelzorgers_overbelast_pct"].iloc[0]
    assert mz["heeft_nulmeting"] and mz["status"] == "alleen met eigen registratie te volgen"
    summ = monitoring_summary(view).set_index("opgave_id")
    assert len(summ) == 8 and summ.loc["O2", "n_doelen"] == 0 and "Geen doelen" in summ.loc["O2", "tekst"]
    assert summ.loc["O1", "n_met_indicator"] == 4 and summ.loc["O1", "n_met_nulmeting"] == 3


def test_monitoring_view_cbs_indicator(tmp_path):
    from analyse.plans.monitoring import monitoring_view

    body = """opgaven:
  - id: A
    titel: A
    doelen:
      - id: D1
        tekst: minder jeugdzorg
        indicatoren:
          - indicator_id: jeugdzorg_pct
            baseline: {waarde: 12.5, periode: '2019'}
            streefwaarde: {richting: lager, deadline: '2024'}
"""
    (row,) = monitoring_view(_plan(tmp_path, body), {"jeugdzorg_pct"}).itertuples()
    assert row.meetbaar_met_cbs and row.status == "te volgen met CBS-cijfers" and row.vastleggen is None
    assert row.nulmeting == "12,5 (2019)" and "lager" in row.streefwaarde
    (row,) = monitoring_view(_plan(tmp_path, body, "GM9999-b.yml"), set()).itertuples()
    assert not row.meetbaar_met_cbs and "registreer" in row.vastleggen


def test_hia_growth_figure_from_the_document():
    """HIA §4.4: 'een toename ... van 4% van de uitgaven voor het sociaal domein tussen 2020 en 2024'."""
    from analyse.plans.money import plan_growth

    (row,) = plan_growth(_seed("GM0531-kracht-van-ambacht.yml")).itertuples()
    assert (row.van, row.tot, row.groei_pct, row.soort) == (2020, 2024, 4.0, "begroting")
    assert "11,2%" in row.vergelijking and "§4.4" in row.bron_pagina


def test_plan_without_money_gives_empty_frames(tmp_path):
    from analyse.plans.money import BUDGET_SUMMARY_COLUMNS, LEDGER_COLUMNS, plan_spending

    plan = _plan(tmp_path, OPGAVE)
    assert budget_table(plan).empty and list(budget_summary(budget_table(plan)).columns) == BUDGET_SUMMARY_COLUMNS
    assert list(savings_ledger(plan).columns) == LEDGER_COLUMNS and savings_ledger(plan).empty
    assert plan_spending(plan).empty


def test_every_money_column_has_a_dutch_label():
    """Tables and downloads show Dutch headers (analyse.formatting.COLUMN_LABELS) for every frame of this work."""
    from analyse import kosten
    from analyse.formatting import COLUMN_LABELS
    from analyse.plans import money, monitoring

    cols = (
        money.LEDGER_COLUMNS
        + money.BUDGET_COLUMNS
        + money.BUDGET_SUMMARY_COLUMNS
        + money.SPENDING_COLUMNS
        + money.GROWTH_COLUMNS
        + monitoring.VIEW_COLUMNS
        + monitoring.SUMMARY_COLUMNS
        + kosten.BREAK_COLUMNS
        + kosten.RECONCILE_COLUMNS
        + kosten.GROWTH_COLUMNS
    )
    assert [c for c in dict.fromkeys(cols) if "_" in c and c not in COLUMN_LABELS] == []


def test_taakstelling_level_wins_over_planned_layers(tmp_path):
    body = (
        OPGAVE
        + """besparingen:
  - {post: a, reeks: R, jaar: 2021, gepland: 80, gerealiseerd: 70}
  - {post: b, reeks: R, jaar: 2021, gepland: 50, gerealiseerd: 40}
taakstellingen:
  - {id: T1, omschrijving: totaal, reeks: R, jaar: 2021, bedrag: 120}
"""
    )
    (row,) = savings_ledger(_plan(tmp_path, body)).itertuples()
    assert row.begroot_eur == 120 and row.gerealiseerd_eur == 110  # not 120 + 80 + 50
