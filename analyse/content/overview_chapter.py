"""Content of the overview of all indicators (Fingertips-style): one row per indicator, grouped by domein.

Per indicator: its definition, the latest period, the gemeente's value with its 95% interval, the values of the
regio and Nederland (both without the gemeente), how the gemeente compares with Nederland (95% and 99,8%
intervals, Fingertips' benchmark rule), the recent trend, and where it stands among all gemeenten (spread for the
spine chart). Rows are ordered by domein, then name. Absolute counts are left out: they cannot be compared with
Nederland (their share or rate can, and is in the overview); they stay in the CSV of the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analyse import vocab
from analyse.content.inputs import ReportInputs

DOMEIN_ORDER = ("jeugd", "wmo", "participatie", "armoede", "preventie", "bevolking", "financien")
DOMEIN_LABEL = {"jeugd": "Jeugd", "wmo": "Wmo en ondersteuning", "participatie": "Participatie en bijstand",
                "armoede": "Armoede en inkomen", "preventie": "Preventie en gezondheid", "bevolking": "Bevolking",
                "financien": "Financiën"}
COLUMNS = ("indicator_id", "naam", "definitie", "domein", "unit", "polarity", "period", "value", "ci_low", "ci_high",
           "regio_label", "regio_value", "nl_label", "nl_value", "comparison", "level", "comparison_label",
           "regio_comparison_label", "trend_label", "trend", "base_period", "change_label", "change", "break_period",
           "nl_all", "min", "q1", "q3", "max", "n_gemeenten")


@dataclass
class OverviewContent:
    """The overview rows (:data:`COLUMNS`) and the domeinen in display order; stale indicators apart."""

    rows: pd.DataFrame
    stale: pd.DataFrame | None = None
    """Indicators whose latest period is too old for the benchmark overview (naam, period), shown as a list."""

    def blocks(self) -> list[tuple[str, pd.DataFrame]]:
        """(Dutch domein label, rows) per domein that has rows, in :data:`DOMEIN_ORDER`."""
        out = []
        for dom in [*DOMEIN_ORDER, *sorted(set(self.rows["domein"]) - set(DOMEIN_ORDER))]:
            sub = self.rows[self.rows["domein"] == dom]
            if len(sub):
                out.append((DOMEIN_LABEL.get(dom, str(dom).capitalize()), sub))
        return out


def _spread(preferred: pd.DataFrame, keys: pd.DataFrame) -> pd.DataFrame:
    """min, q1, q3, max and count over all gemeenten, and Nederland's published value, per (indicator, period)."""
    sel = preferred.merge(keys, on=["indicator_id", "period"], how="inner")
    gm = sel[sel["gemeentecode"].str.startswith("GM") & sel["value"].notna()]
    spread = gm.groupby(["indicator_id", "period"])["value"].agg(
        min="min", q1=lambda s: s.quantile(0.25), q3=lambda s: s.quantile(0.75), max="max",
        n_gemeenten="count").reset_index()
    nl = sel[sel["gemeentecode"] == vocab.NEDERLAND_CODE][["indicator_id", "period", "value"]].rename(
        columns={"value": "nl_all"})
    return spread.merge(nl.drop_duplicates(["indicator_id", "period"]), on=["indicator_id", "period"], how="left")


def build(inputs: ReportInputs, preferred: pd.DataFrame, records: pd.DataFrame | None) -> OverviewContent:
    """One row per indicator of the gemeente's records (see the module docstring).

    Args:
        inputs: processed data (catalogue for definitions).
        preferred: all rows, one preferred source per key (for the spread among all gemeenten).
        records: the indicator records (``indicator_chapter.records``): every value shown comes from them.
    """
    if records is None or records.empty:
        return OverviewContent(pd.DataFrame(columns=list(COLUMNS)))
    rec = records[records["latest_value"].notna() & (records["unit"] != "aantal")]  # counts: see the downloads
    stale = rec[rec["stale"]]
    rec = rec[~rec["stale"]]
    cat = inputs.catalogue.drop_duplicates("id").set_index("id")
    ids = rec["indicator_id"]
    rows = pd.DataFrame({
        "indicator_id": ids.to_numpy(), "naam": rec["naam"].to_numpy(), "unit": rec["unit"].to_numpy(),
        "polarity": rec["polarity"].to_numpy(), "period": rec["latest_period"].astype(str).to_numpy(),
        "value": rec["latest_value"].to_numpy(), "ci_low": rec["latest_ci_low"].to_numpy(),
        "ci_high": rec["latest_ci_high"].to_numpy()})
    rows["definitie"] = ids.map(cat["definitie"]).fillna("").to_numpy() if "definitie" in cat else ""
    rows["domein"] = rec["domein"].fillna("overig").to_numpy()
    rows["regio_label"] = rec["reference_label"].to_numpy()
    rows["regio_value"] = rec["reference_value"].to_numpy()
    rows["nl_label"] = rec["nederland_label"].to_numpy()
    rows["nl_value"] = rec["nederland_value"].to_numpy()
    rows["comparison"] = rec["benchmark_verdict"].to_numpy()
    strong = rec["benchmark_998"].isin([vocab.HOGER, vocab.LAGER]).to_numpy()
    rows["level"] = np.where(strong, 0.998, 0.95)
    rows["comparison_label"] = rec["benchmark_label"].fillna(vocab.NIET_TE_BEOORDELEN).to_numpy()
    rows["regio_comparison_label"] = rec["regio_benchmark_label"].to_numpy()
    rows["trend_label"] = rec["recent_label"].replace("", vocab.TREND_NIET_BEREKEND).to_numpy()
    rows["trend"] = rec["recent_trend"].replace({vocab.GEEN_TREND: "geen verandering",
                                                 vocab.TREND_NIET_BEREKEND: "–"}).to_numpy()
    rows["base_period"] = rec["base_period"].to_numpy()
    rows["change"] = rec["change_verdict"].fillna(vocab.NIET_TE_BEOORDELEN).to_numpy()
    rows["change_label"] = rec["change_label"].fillna(vocab.NIET_TE_BEOORDELEN).to_numpy()
    rows["break_period"] = rec["break_period"].to_numpy()
    spread = _spread(preferred, rows[["indicator_id", "period"]])
    rows = rows.merge(spread, on=["indicator_id", "period"], how="left")
    order = {d: i for i, d in enumerate(DOMEIN_ORDER)}
    rows = rows.assign(_o=rows["domein"].map(order).fillna(len(order))).sort_values(["_o", "naam"], kind="stable")
    stale_list = stale[["naam", "latest_period"]].rename(columns={"latest_period": "period"}).reset_index(drop=True)
    return OverviewContent(rows.drop(columns="_o").reset_index(drop=True)[list(COLUMNS)], stale_list)
