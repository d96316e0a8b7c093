"""Content of the overview of all indicators (Fingertips-style): one row per indicator, grouped by domein.

Per indicator: its definition, the latest period, the gemeente's value with its 95% interval, the values of the
regio and Nederland (both without the gemeente), how the gemeente compares with Nederland (95% and 99,8%
intervals, Fingertips' benchmark rule), the recent trend, and where it stands among all gemeenten (spread for the
spine chart). Rows are ordered by domein, then name. Absolute counts are left out: they cannot be compared with
Nederland (their share or rate can, and is in the overview); they stay in the CSV of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analyse.content.inputs import ReportInputs

DOMEIN_ORDER = ("jeugd", "wmo", "participatie", "armoede", "preventie", "bevolking", "financien")
DOMEIN_LABEL = {"jeugd": "Jeugd", "wmo": "Wmo en ondersteuning", "participatie": "Participatie en bijstand",
                "armoede": "Armoede en inkomen", "preventie": "Preventie en gezondheid", "bevolking": "Bevolking",
                "financien": "Financiën"}
COLUMNS = ("indicator_id", "naam", "definitie", "domein", "unit", "polarity", "period", "value", "ci_low", "ci_high",
           "regio_label", "regio_value", "nl_label", "nl_value", "comparison", "level", "comparison_label",
           "regio_comparison_label", "trend_label", "trend", "base_period", "change_label", "change", "nl_all",
           "min", "q1", "q3", "max", "n_gemeenten")


@dataclass
class OverviewContent:
    """The overview rows (:data:`COLUMNS`) and the domeinen in display order."""

    rows: pd.DataFrame

    def blocks(self) -> list[tuple[str, pd.DataFrame]]:
        """(Dutch domein label, rows) per domein that has rows, in :data:`DOMEIN_ORDER`."""
        out = []
        for dom in [*DOMEIN_ORDER, *sorted(set(self.rows["domein"]) - set(DOMEIN_ORDER))]:
            sub = self.rows[self.rows["domein"] == dom]
            if len(sub):
                out.append((DOMEIN_LABEL.get(dom, str(dom).capitalize()), sub))
        return out


def build(inputs: ReportInputs, spread: pd.DataFrame, comparison: pd.DataFrame | None,
          recent: pd.DataFrame | None, verdicts: pd.DataFrame | None = None) -> OverviewContent:
    """One row per indicator the gemeente has a comparison for (see the module docstring).

    Args:
        inputs: processed data (catalogue for definitions and domeinen).
        spread: the distribution among all gemeenten per (indicator_id, period) (batch statistics,
            :func:`analyse.batch.spread`).
        comparison: ``compare.compare_indicators`` output of the gemeente (one row per indicator × reference).
        recent: ``trends.recent_trends_all`` of the gemeente.
        verdicts: ``compare.verdicts`` (change since the nulmeting per indicator, in plain Dutch).
    """
    if comparison is None or comparison.empty:
        return OverviewContent(pd.DataFrame(columns=list(COLUMNS)))
    comp = comparison[comparison["latest_value"].notna() & (comparison["unit"] != "aantal")]  # counts: see CSV
    nl = comp[comp["reference_role"] == "nederland"].drop_duplicates("indicator_id").set_index("indicator_id")
    rg = comp[comp["reference_role"] == "regio"].drop_duplicates("indicator_id").set_index("indicator_id")
    first = comp.drop_duplicates("indicator_id").set_index("indicator_id")
    cat = inputs.catalogue.drop_duplicates("id").set_index("id")
    rows = pd.DataFrame({
        "indicator_id": first.index, "naam": first["naam"].to_numpy(), "unit": first["unit"].to_numpy(),
        "polarity": first["polarity"].to_numpy(), "period": first["latest_period"].astype(str).to_numpy(),
        "value": first["latest_value"].to_numpy(), "ci_low": first["latest_ci_low"].to_numpy(),
        "ci_high": first["latest_ci_high"].to_numpy()})
    ids = rows["indicator_id"]
    rows["definitie"] = ids.map(cat["definitie"]).fillna("").to_numpy() if "definitie" in cat else ""
    rows["domein"] = ids.map(cat["domein"]).fillna("overig").to_numpy()
    rows["regio_label"] = ids.map(rg["reference_label"]).to_numpy()
    rows["regio_value"] = ids.map(rg["ref_latest_value"]).to_numpy()
    rows["nl_label"] = ids.map(nl["reference_label"]).to_numpy()
    rows["nl_value"] = ids.map(nl["ref_latest_value"]).to_numpy()
    rows["comparison"] = ids.map(nl["benchmark_verdict"]).fillna("niet te beoordelen").to_numpy()
    strong = ids.map(nl["benchmark_998"]).isin(["hoger", "lager"])
    rows["level"] = strong.map({True: 0.998, False: 0.95}).to_numpy()
    rows["comparison_label"] = ids.map(nl["benchmark_label"]).fillna("niet te beoordelen").to_numpy()
    rows["regio_comparison_label"] = ids.map(rg["benchmark_label"]).to_numpy()
    trend = recent.drop_duplicates("indicator_id").set_index("indicator_id")["recent_trend_label"] \
        if recent is not None and len(recent) else pd.Series(dtype=object)
    rows["trend_label"] = ids.map(trend).fillna("niet te berekenen").to_numpy()
    short = recent.drop_duplicates("indicator_id").set_index("indicator_id") if recent is not None and len(recent) \
        else pd.DataFrame(columns=["recent_trend", "recent_trend_oordeel"])
    word = ids.map(short["recent_trend"]).fillna("niet te berekenen").replace(
        {"geen significante verandering": "geen verandering", "niet te berekenen": "–"})
    oordeel = ids.map(short["recent_trend_oordeel"]).fillna("")
    rows["trend"] = [f"{w} ({o})" if o else w for w, o in zip(word, oordeel)]
    v = verdicts.drop_duplicates("indicator_id").set_index("indicator_id") if verdicts is not None and len(verdicts) \
        else pd.DataFrame(columns=["base_period", "verdict", "verdict_label"])
    rows["base_period"] = ids.map(v["base_period"]).to_numpy()
    rows["change"] = ids.map(v["verdict"]).fillna("niet te beoordelen").to_numpy()
    label = v["verdict_label"] if "verdict_label" in v else v["verdict"]
    rows["change_label"] = ids.map(label).fillna("niet te beoordelen").to_numpy()
    cols = ["indicator_id", "period", "min", "q1", "q3", "max", "n_gemeenten", "nl_all"]
    rows = rows.merge(spread[cols].assign(period=spread["period"].astype(str)), on=["indicator_id", "period"],
                      how="left")
    order = {d: i for i, d in enumerate(DOMEIN_ORDER)}
    rows = rows.assign(_o=rows["domein"].map(order).fillna(len(order))).sort_values(["_o", "naam"], kind="stable")
    return OverviewContent(rows.drop(columns="_o").reset_index(drop=True)[list(COLUMNS)])
