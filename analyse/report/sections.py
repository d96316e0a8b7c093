"""Report sections: each function composes library calls into one displayable block per notebook cell.

The template notebook stays thin: ``sections.kosten(ctx)`` is the whole cell. Every function returns a
:class:`~analyse.report.Block` (HTML, escaped, numbers formatted the Dutch way with
:mod:`analyse.formatting`) or ``None`` when a chapter does not apply. A chapter without data shows a short
Dutch sentence, not an error (never invented numbers).

:func:`start` validates the parameters and returns the :class:`Context` that all sections share; the
context caches what several sections need (harmonised indicators, comparison, plans) so each is computed
once per report, and data loaders are cached per process (warm kernels keep them between gemeenten).
"""

from __future__ import annotations

import functools
import hashlib
import subprocess
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Sequence

from analyse import compare as cmp_mod
from analyse import gemeenten as gem_mod
from analyse import indicators as ind_mod
from analyse import kosten as kosten_mod
from analyse import paths
from analyse import peers as peers_mod
from analyse import plans as plans_mod
from analyse import plots as plots_mod
from analyse import stats as stats_mod
from analyse import trends as trends_mod
from analyse.errors import AnalyseError, ParameterError
from analyse.formatting import escape, fmt_number, fmt_pp, fmt_signed, fmt_value, period_label
from analyse.report import Block, blocks, figure_block, heading, md, set_output, table_block

REFERENCE_ROLES = ("provincie", "ggd_regio", "jeugdzorgregio", "arbeidsmarktregio", "corop", "nederland", "peers")
PEER_METHODS = ("kenmerken", "grootteklasse", "regio")
NEDERLAND = "NL01"
ROLE_LABEL = {"provincie": "provincie", "ggd_regio": "GGD-regio", "jeugdzorgregio": "jeugdzorgregio",
              "arbeidsmarktregio": "arbeidsmarktregio", "corop": "COROP-gebied", "nederland": "Nederland"}
HEADLINE = ("jeugdzorg_pct", "wmo_clienten_per_1000", "bijstand_personen_per_1000")
"""Indicators shown as tiles under Kerncijfers (when the gemeente has them)."""
FUNNEL_IDS = ("jeugdzorg_pct", "wmo_clienten_per_1000", "jeugdhulp_met_verblijf_pct")
"""Candidates for the funnel plot, first usable one wins."""
COST_CLUSTERS = ("sociaal_domein_totaal", "jeugd", "wmo")
"""Iv3 clusters drawn under Kostenontwikkeling."""
MAX_TRENDS = 4
"""At most this many trend charts (slechter first, then beter, then gelijk) keep reports small and fast."""


def note(text: str) -> Block:
    """A short Dutch remark in a grey box (e.g. why a chapter is empty)."""
    return Block(f'<p class="melding">{escape(text)}</p>', text)


@dataclass
class Context:
    """Parameters and shared, lazily computed results of one report."""

    gemeente: Any
    startjaar_beleid: int
    peer_k: int
    peer_method: str
    regio_rollen: tuple[str, ...]
    output_dir: str = ""
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def code(self) -> str:
        return self.gemeente.code

    @property
    def naam(self) -> str:
        return self.gemeente.naam

    @property
    def indelingsjaar(self) -> int:
        return int(self.gemeente.indelingsjaar)

    def parameters(self) -> dict[str, Any]:
        return {"gemeentecode": self.code, "indelingsjaar": self.indelingsjaar,
                "startjaar_beleid": self.startjaar_beleid, "peer_k": self.peer_k, "peer_method": self.peer_method,
                "regio_rollen": list(self.regio_rollen), "output_dir": self.output_dir}


def start(gemeente: Any, startjaar_beleid: int, peer_k: int = 10, peer_method: str = "kenmerken",
          regio_rollen: Sequence[str] = ("jeugdzorgregio", "nederland"), output_dir: str = "",
          write_files: bool = True) -> Context:
    """Check the report parameters and set up the run (output folders for figures/CSV).

    Args:
        gemeente: The result of :func:`analyse.gemeenten.validate`.
        startjaar_beleid: Year the policy started (base year of the comparison).
        peer_k: Number of vergelijkbare gemeenten.
        peer_method: How peers are chosen (see :data:`PEER_METHODS`).
        regio_rollen: Reference roles shown next to the gemeente.
        output_dir: Root of the report folders ('' = default ``reports/``).
        write_files: ``False`` for exploration: figures/tables are shown but no CSV/PNG files are written.

    Raises:
        ParameterError: with a Dutch message (and the English gist) naming the parameter.
    """
    jaar = int(gemeente.indelingsjaar)
    if not isinstance(startjaar_beleid, int) or isinstance(startjaar_beleid, bool):
        raise ParameterError(f"startjaar_beleid moet een jaartal zijn, niet {startjaar_beleid!r} (must be an int)")
    if not 2010 <= startjaar_beleid <= jaar:
        raise ParameterError(f"startjaar_beleid={startjaar_beleid} ligt niet tussen 2010 en het indelingsjaar {jaar} "
                             "(policy start year out of range)")
    if not isinstance(peer_k, int) or not 3 <= peer_k <= 50:
        raise ParameterError(f"peer_k={peer_k!r}: kies 3 tot en met 50 vergelijkbare gemeenten (peer_k out of range)")
    if peer_method not in PEER_METHODS:
        raise ParameterError(f"peer_method={peer_method!r} is onbekend; kies uit {', '.join(PEER_METHODS)} "
                             "(unknown peer method)")
    rollen = tuple(regio_rollen)
    if not rollen:
        raise ParameterError("regio_rollen is leeg: kies ten minste één referentie, bijvoorbeeld "
                             f"['jeugdzorgregio', 'nederland'] (uit {', '.join(REFERENCE_ROLES)}) (empty reference list)")
    unknown = [r for r in rollen if r not in REFERENCE_ROLES]
    if unknown:
        raise ParameterError(f"regio_rollen bevat onbekende rol(len) {unknown}; kies uit {', '.join(REFERENCE_ROLES)} "
                             "(unknown reference roles)")
    if not isinstance(output_dir, str):
        raise ParameterError(f"output_dir moet tekst zijn, niet {output_dir!r}")
    set_output(gemeente.code if write_files else None, output_dir)
    return Context(gemeente, startjaar_beleid, peer_k, peer_method, rollen, output_dir)


def titel(ctx: Context) -> Block:
    """The report title (the only ``<h1>``) and one line about the gemeente."""
    g = ctx.gemeente
    inw = getattr(g, "inwoners", None)
    extra = f", {fmt_number(inw)} inwoners" if inw else ""
    sub = md("{naam} ({code}), provincie {prov}, indeling {jaar}{extra}. Beleid vergeleken vanaf {start}.",
             naam=g.naam, code=g.code, prov=getattr(g, "provincie_naam", "–"), jaar=ctx.indelingsjaar, extra=extra,
             start=ctx.startjaar_beleid)
    meta = {"gemeente": {"code": g.code, "naam": g.naam, "indelingsjaar": ctx.indelingsjaar}}
    return blocks([Block(f"<h1>{escape(g.naam)}: monitor sociaal domein</h1>", g.naam), sub], meta=meta)



# ----------------------------------------------------------------------------------------------------
# Cached data (per process: warm kernels keep these between gemeenten; keyed on file mtimes so a rebuilt
# data/processed is picked up)
# ----------------------------------------------------------------------------------------------------
def _mtime(path: Path) -> float | None:
    return path.stat().st_mtime if path.exists() else None


def _data_key() -> tuple:
    return tuple((n, _mtime(paths.processed(n))) for n in ("indicators", "gemeenten", "herindelingen", "lasten", "cpi"))


@functools.lru_cache(maxsize=2)
def _base(key: tuple) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out["catalogue"] = ind_mod.load_catalogue()
    out["indicators"] = ind_mod.load_indicators()
    return out


def base_data() -> dict[str, Any]:
    """Catalogue and processed indicators (cached per process)."""
    return _base(_data_key())


def _prebuilt(name: str, *inputs: str) -> Any:
    """A derived table written by ``python -m analyse.data build`` when it is not older than its inputs."""
    import pandas as pd

    path = paths.processed(name)
    stamp = _mtime(path)
    if stamp is None or any((_mtime(paths.processed(i)) or 0) > stamp for i in inputs):
        return None
    return pd.read_parquet(path)


@functools.lru_cache(maxsize=4)
def _harmonised(key: tuple, indelingsjaar: int) -> Any:
    frame = _prebuilt(f"indicators_{indelingsjaar}", "indicators", "herindelingen")
    if frame is not None:
        return frame
    data = _base(key)
    return ind_mod.harmonise(data["indicators"], indelingsjaar, gem_mod.load_herindelingen(), data["catalogue"])


def preload(indelingsjaar: int) -> None:
    """Load everything a report reads into this process's caches (run once per warm kernel)."""
    key = _data_key()
    _base(key)
    _harmonised(key, int(indelingsjaar))
    _clusters(key)
    gem_mod.load_registry()
    _computed_reference(key, int(indelingsjaar), NEDERLAND)


def harmonised(indelingsjaar: int) -> Any:
    """Indicators in the indeling of ``indelingsjaar`` (prebuilt by the data build, or computed; cached)."""
    return _harmonised(_data_key(), int(indelingsjaar))


@functools.lru_cache(maxsize=2)
def _clusters(key: tuple) -> Any:
    import pandas as pd

    frame = _prebuilt("lasten_clusters", "lasten")
    if frame is not None:
        return frame
    path = paths.processed("lasten")
    return kosten_mod.cluster_lasten(pd.read_parquet(path)) if path.exists() else None


@functools.lru_cache(maxsize=1)
def _sidecars(key: float | None) -> list[dict[str, Any]]:
    import yaml

    rows = []
    for f in sorted(paths.RAW_DIR.rglob("*.meta.yml")) if paths.RAW_DIR.is_dir() else []:
        try:
            meta = yaml.safe_load(f.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        if isinstance(meta, dict):
            rows.append({"bestand": f.name.removesuffix(".meta.yml"), **meta})
    return rows


@functools.lru_cache(maxsize=2)
def _checksums(key: tuple) -> list[tuple[str, str]]:
    out = []
    for f in sorted(paths.PROCESSED_DIR.glob("*.parquet")) if paths.PROCESSED_DIR.is_dir() else []:
        out.append((f.name, hashlib.sha256(f.read_bytes()).hexdigest()[:16]))
    return out


@functools.lru_cache(maxsize=1)
def _git_commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(paths.ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(paths.ROOT), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        commit = out.stdout.strip() or "onbekend"
        return commit + (" (met lokale wijzigingen)" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return "onbekend"


# ----------------------------------------------------------------------------------------------------
# Shared per-report results
# ----------------------------------------------------------------------------------------------------
def _cached(ctx: Context, key: str, fn: Any) -> Any:
    if key not in ctx.cache:
        ctx.cache[key] = fn()
    return ctx.cache[key]


def references(ctx: Context) -> dict[str, str]:
    """Reference role → region code for the roles in ``regio_rollen`` (peers are handled separately)."""
    refs: dict[str, str] = {}
    regions = getattr(ctx.gemeente, "regions", {}) or {}
    for role in ctx.regio_rollen:
        if role == "nederland":
            refs[role] = NEDERLAND
        elif role in regions and regions[role] and regions[role][0]:
            refs[role] = regions[role][0]
    return refs


def labels(ctx: Context) -> dict[str, str]:
    """Display names of the gemeente and its references."""
    out = {ctx.code: ctx.naam, NEDERLAND: "Nederland"}
    regions = getattr(ctx.gemeente, "regions", {}) or {}
    for role, code in references(ctx).items():
        if role in regions:
            out[code] = f"{ROLE_LABEL.get(role, role)} {regions[role][1]}"
    return out


@functools.lru_cache(maxsize=2)
def _prebuilt_references(key: tuple, indelingsjaar: int) -> Any:
    return _prebuilt(f"referenties_{indelingsjaar}", "indicators", "herindelingen", "gemeenten")


@functools.lru_cache(maxsize=128)
def _computed_reference(key: tuple, indelingsjaar: int, region_code: str) -> Any:
    """Σteller/Σnoemer rows for a reference region where CBS publishes none (cached per process)."""
    import pandas as pd

    prebuilt = _prebuilt_references(key, indelingsjaar)
    if prebuilt is not None:
        return prebuilt[prebuilt["gemeentecode"] == region_code]
    try:
        members = gem_mod.members(region_code, indelingsjaar)
    except AnalyseError:
        return None
    membership = pd.DataFrame({"reference_code": region_code, "gemeentecode": list(members)})
    return ind_mod.computed_reference_rows(harmonised(indelingsjaar), membership, base_data()["catalogue"])


def comparison(ctx: Context) -> Any:
    """``compare.compare_indicators`` of the gemeente against its references (``None`` when unavailable)."""
    def compute() -> Any:
        import pandas as pd

        frame = harmonised(ctx.indelingsjaar)
        refs = references(ctx)
        subset = frame[frame["gemeentecode"].isin([ctx.code, *refs.values()])]
        if not (subset["gemeentecode"] == ctx.code).any():
            return None
        computed = [_computed_reference(_data_key(), ctx.indelingsjaar, code) for code in refs.values()]
        subset = pd.concat([subset, *[c for c in computed if c is not None and len(c)]], ignore_index=True)
        return cmp_mod.compare_indicators(subset, base_data()["catalogue"], ctx.code, refs,
                                          base_year=ctx.startjaar_beleid)
    return _cached(ctx, "comparison", compute)


def verdicts(ctx: Context) -> Any:
    """One row per indicator (``compare.verdicts``), or ``None``."""
    def compute() -> Any:
        comp = comparison(ctx)
        return None if comp is None else cmp_mod.verdicts(comp)
    return _cached(ctx, "verdicts", compute)


def signals(ctx: Context) -> dict[str, Any]:
    """Counts of verdicts (for the summary and the index page)."""
    v = verdicts(ctx)
    if v is None or v.empty:
        return {}
    counts = v["verdict"].value_counts()
    return {"beter": int(counts.get("beter", 0)), "slechter": int(counts.get("slechter", 0)),
            "gelijk": int(counts.get("gelijk gebleven", 0)),
            "indicatoren": int(len(v) - counts.get("niet te beoordelen", 0)), "totaal": int(len(v))}


def plans(ctx: Context) -> list[Any]:
    """The gemeente's plans (``plans/<code>-*.yml``); empty list when none."""
    def compute() -> list[Any]:
        return list(plans_mod.plans_for(ctx.code))
    return _cached(ctx, "plans", compute)


def plan_frames(ctx: Context, plan: Any) -> dict[str, Any]:
    """``plans.to_frames(plan)``, computed once per report (several chapters use it)."""
    return _cached(ctx, f"frames-{id(plan)}", lambda: plans_mod.to_frames(plan))


def conclusions(ctx: Context) -> list[tuple[Any, Any]]:
    """(plan, PlanConclusies) per plan."""
    def compute() -> list[tuple[Any, Any]]:
        cat = base_data().get("catalogue")
        return [(p, plans_mod.conclude(p, verdicts(ctx), cat)) for p in plans(ctx)]
    return _cached(ctx, "conclusions", compute)


def peer_codes(ctx: Context) -> list[str]:
    """Vergelijkbare gemeenten according to ``peer_method`` (``peer_k`` of them)."""
    def compute() -> list[str]:
        registry = gem_mod.load_registry()

        def by_size() -> list[str]:
            frame = peers_mod.size_class_peers(registry, ctx.code, ctx.indelingsjaar)
            return [c for c in frame["gemeentecode"].astype(str) if c != ctx.code][: ctx.peer_k]

        if ctx.peer_method == "grootteklasse":
            return by_size()
        if ctx.peer_method == "regio":
            role = next((r for r in ctx.regio_rollen if r in (ctx.gemeente.regions or {})), "provincie")
            members = gem_mod.members(ctx.gemeente.regions[role][0], ctx.indelingsjaar)
            return [c for c in members if c != ctx.code][: ctx.peer_k]
        cov = _covariates(_data_key(), ctx.indelingsjaar)
        try:
            if cov is None or ctx.code not in set(cov["gemeentecode"]):
                raise AnalyseError(f"geen kenmerken voor {ctx.code}")
            frame = peers_mod.select_peers(cov, ctx.code, k=ctx.peer_k)
            return [c for c in frame["gemeentecode"].astype(str) if c != ctx.code][: ctx.peer_k]
        except AnalyseError:
            ctx.cache["peer_note"] = ("De kenmerken voor het kiezen van vergelijkbare gemeenten zijn onvolledig; "
                                      "daarom zijn gemeenten uit dezelfde grootteklasse gebruikt.")
            return by_size()
    return _cached(ctx, "peers", compute)


@functools.lru_cache(maxsize=2)
def _covariates(key: tuple, indelingsjaar: int) -> Any:
    frame = _harmonised(key, indelingsjaar)
    try:
        return peers_mod.build_covariates(frame, gem_mod.load_registry(), indelingsjaar=indelingsjaar)
    except Exception:  # noqa: BLE001 – covariates incomplete for this year: fall back to size class
        return None


def _naam(ctx: Context, indicator_id: str) -> str:
    cat = base_data().get("catalogue")
    if cat is not None:
        hit = cat.loc[cat["id"] == indicator_id, "naam"]
        if len(hit):
            return str(hit.iloc[0])
    return indicator_id


def _cat_row(indicator_id: str) -> dict[str, Any]:
    cat = base_data().get("catalogue")
    if cat is None:
        return {}
    hit = cat.loc[cat["id"] == indicator_id]
    return hit.iloc[0].to_dict() if len(hit) else {}


# ----------------------------------------------------------------------------------------------------
# Chapters
# ----------------------------------------------------------------------------------------------------
def samenvatting(ctx: Context) -> Block:
    """Plan conclusions per opgave, or (without a plan) the main findings of the indicators."""
    sig = signals(ctx)
    parts: list[Block] = []
    plan_outcome = None
    for plan, concl in conclusions(ctx):
        plan_outcome = concl.plan.uitkomst
        parts.append(md("**{titel}**: {uitkomst}. {tekst}", titel=plan.titel or "Plan", uitkomst=concl.plan.uitkomst,
                        tekst=concl.plan.tekst))
        items = "".join(f"<li><strong>{escape(c.titel)}</strong>: {escape(c.uitkomst)}."
                        f"{' ' + escape(c.bewijs[0]) if c.bewijs else ''}</li>" for c in concl.opgaven)
        if items:
            parts.append(Block(f"<ul>{items}</ul>"))
    v = verdicts(ctx)
    if v is None or v.empty:
        parts.append(note("Voor deze gemeente zijn geen indicatoren met gegevens gevonden."))
    else:
        parts.append(md("Van de {n} indicatoren met gegevens zijn er {m} te beoordelen: {b} ontwikkelden zich "
                        "**beter**, {s} **slechter** en {g} bleven gelijk (ten opzichte van het basisjaar en de "
                        "referentie; zie Indicatoren).", n=sig["totaal"], m=sig["indicatoren"], b=sig["beter"],
                        s=sig["slechter"], g=sig["gelijk"]))
        for verdict, label in (("slechter", "Slechter"), ("beter", "Beter")):
            rows = v[v["verdict"] == verdict].head(3)
            if len(rows):
                items = "".join(f"<li>{escape(r.naam if isinstance(r.naam, str) else r.indicator_id)}: "
                                f"{escape(r.verdict_reason)}</li>" for r in rows.itertuples())
                parts.append(Block(f'<p class="oordeel-{verdict}">{label}:</p><ul>{items}</ul>'))
    if not plans(ctx):
        parts.append(note("Er is geen beleidsplan van deze gemeente als gegevens beschikbaar; het rapport bevat "
                          "daarom geen conclusies per opgave."))
    return blocks(parts, meta={"signals": {**sig, "plan": plan_outcome}})


def kerncijfers(ctx: Context) -> Block:
    """Size, regions and the latest value of a few headline indicators."""
    g = ctx.gemeente
    tiles = [("Inwoners", fmt_number(g.inwoners) if getattr(g, "inwoners", None) else "–"),
             ("Grootteklasse", getattr(g, "grootteklasse", None) or "–")]
    for role in ("jeugdzorgregio", "ggd_regio", "arbeidsmarktregio"):
        if role in (g.regions or {}):
            tiles.append((ROLE_LABEL.get(role, role).capitalize(), g.regions[role][1]))
    comp = comparison(ctx)
    if comp is not None and not comp.empty:
        first = comp.drop_duplicates("indicator_id").set_index("indicator_id")
        for ind_id in HEADLINE:
            if ind_id in first.index and first.loc[ind_id, "latest_value"] == first.loc[ind_id, "latest_value"]:
                row = first.loc[ind_id]
                label = f"{_naam(ctx, ind_id)} ({period_label(row['latest_period'])})"
                tiles.append((label, fmt_value(row["latest_value"], str(row.get("unit", "")))))
    html = "".join(f'<div class="kerncijfer"><div class="waarde">{escape(v)}</div><div class="label">{escape(k)}</div></div>'
                   for k, v in tiles)
    return Block(f'<div class="kerncijfers">{html}</div>', "; ".join(f"{k}: {v}" for k, v in tiles))


def indicatoren(ctx: Context) -> Block:
    """Table gemeente vs references, baseline → latest, with verdicts and intervals."""
    comp = comparison(ctx)
    if comp is None or comp.empty:
        return note("Voor deze gemeente zijn geen indicatoren met gegevens gevonden.")
    judged = comp[comp["verdict"] != "niet te beoordelen"]
    shown = judged if len(judged) else comp
    styler = plots_mod.indicator_table(shown, base_data()["catalogue"])
    table_data = getattr(styler, "table_data", None)
    csv = table_block(table_data, "indicatoren", csv=True).html if table_data is not None else ""
    csv_link = csv[csv.find('<p class="download">'):csv.rfind("</div>")] if 'class="download"' in csv else ""
    rest = len(comp["indicator_id"].unique()) - len(shown["indicator_id"].unique())
    extra = (note(f"{fmt_number(rest)} indicatoren zijn niet te beoordelen (te weinig gegevens of geen "
                  "basisjaar) en staan niet in de tabel; zie het CSV-bestand bij de vergelijking.") if rest > 0 else None)
    table_block(comp, "indicatoren-vergelijking", csv=True)  # full comparison as CSV next to the report
    caption = getattr(styler, "alt_text", "Indicatoren")
    reasons = ""
    if table_data is not None and "Toelichting" in table_data.columns:
        items = "".join(f"<li><strong>{escape(i)}</strong>: {escape(t)}</li>"
                        for i, t in zip(table_data["Indicator"], table_data["Toelichting"]) if t)
        reasons = f"<details><summary>Toelichting per indicator</summary><ul>{items}</ul></details>" if items else ""
    html = (f'<div class="tabel-wrap" role="region" aria-label="{escape(caption)}">{styler.to_html()}</div>'
            f'<p class="noot">{escape(caption)}</p>{reasons}{csv_link}')
    return blocks([Block(html, caption, {"table": "indicatoren"}), extra])


def _trend_ids(ctx: Context) -> list[str]:
    v = verdicts(ctx)
    if v is None or v.empty:
        return []
    judged = v[(v["verdict"] != "niet te beoordelen") & (v["n_points"].fillna(0) >= 3)]
    order = {"slechter": 0, "beter": 1, "gelijk gebleven": 2}
    judged = judged.assign(_o=judged["verdict"].map(order)).sort_values(["_o", "indicator_id"])
    return judged["indicator_id"].head(MAX_TRENDS).tolist()


def indicator_trends(ctx: Context) -> Block:
    """A trend chart (gemeente vs references, policy start marked) per judged indicator."""
    ids = _trend_ids(ctx)
    if not ids:
        return note("Er zijn geen indicatoren met een reeks van ten minste drie jaren om als trend te tonen.")
    frame = harmonised(ctx.indelingsjaar)
    codes = [ctx.code, *references(ctx).values()]
    parts = [heading("Ontwikkeling per indicator", 3)]
    for ind_id in ids:
        series = ind_mod.series(frame, ind_id, codes, period_type="jaar")
        if series.empty:
            continue
        naam = _naam(ctx, ind_id)
        fig = plots_mod.plot_trend(series, ctx.code, labels=labels(ctx), title=naam,
                                   unit=_cat_row(ind_id).get("unit"), policy_year=ctx.startjaar_beleid)
        parts.append(figure_block(fig, f"trend-{ind_id}"))
    return blocks(parts)


def beleidsstart(ctx: Context) -> Block:
    """Difference-in-differences of the trend indicators against the first regional reference (indicative).

    For each indicator with a trend chart: the mean gap gemeente − regio before ``startjaar_beleid`` and from
    it on, the change in that gap with its 95% interval and the number of points, via
    :func:`analyse.trends.did`. Always labelled indicative: one gemeente, few points, no causal design.
    """
    refs = {role: code for role, code in references(ctx).items() if role != "nederland"}
    role, ref = next(iter(refs.items()), ("nederland", NEDERLAND))
    ids = _trend_ids(ctx)
    if not ids:
        return note("Er zijn geen indicatoren met een reeks om een verandering rond de beleidsstart te toetsen.")
    frame = harmonised(ctx.indelingsjaar)
    rows = []
    for ind_id in ids:
        series = ind_mod.series(frame, ind_id, [ctx.code, ref], period_type="jaar")
        own, other = series[series["gemeentecode"] == ctx.code], series[series["gemeentecode"] == ref]
        if own.empty or other.empty:
            continue
        res = trends_mod.did(own, other, ctx.startjaar_beleid, period_type="jaar").iloc[0]
        unit = _cat_row(ind_id).get("unit") or ""

        def diff(value: float) -> str:  # differences of percentages are procentpunten
            return fmt_pp(value) if unit == "procent" else fmt_signed(value, 1)

        estimate = ("–" if res["estimate"] != res["estimate"] else
                    f"{diff(res['estimate'])} ({diff(res['ci_low'])} tot {diff(res['ci_high'])})")
        rows.append({"Indicator": _naam(ctx, ind_id),
                     "Verschil met referentie vóór": diff(res["gap_before"]),
                     f"Verschil vanaf {ctx.startjaar_beleid}": diff(res["gap_after"]),
                     "Verandering van het verschil (95%-interval)": estimate,
                     "Meetpunten vóór / vanaf": f"{int(res['n_before'])} / {int(res['n_after'])}",
                     "Opmerking": res["message"] or "indicatief"})
    if not rows:
        return note(f"Voor de trendindicatoren zijn geen gegevens van de referentie ({role}) beschikbaar.")
    import pandas as pd

    intro = md("Is het verschil met de {rol} vanaf het startjaar van het beleid ({jaar}) anders dan daarvoor? "
               "Dit is een *indicatieve* vergelijking (verschil-in-verschillen): één gemeente, weinig meetpunten "
               "en veel andere oorzaken; een verandering is geen bewijs van effect van het beleid.",
               rol=labels(ctx).get(ref, role), jaar=ctx.startjaar_beleid)
    return blocks([heading("Rond de start van het beleid", 3), intro,
                   table_block(pd.DataFrame(rows), "beleidsstart", caption="Verschil-in-verschillen (indicatief)")])


def funnels(ctx: Context) -> Block:
    """Funnel plot: the gemeente among all gemeenten for the headline share indicator."""
    frame = harmonised(ctx.indelingsjaar)
    for ind_id in FUNNEL_IDS:
        row = _cat_row(ind_id)
        if row.get("kind") not in {"share", "rate"}:
            continue
        rows = frame[(frame["indicator_id"] == ind_id) & (frame["period_type"] == "jaar")
                     & frame["gemeentecode"].str.startswith("GM")]
        mine = rows[(rows["gemeentecode"] == ctx.code) & rows["numerator"].notna()]
        if mine.empty:
            continue
        period = str(mine["period"].max())
        rows = rows[rows["period"] == period]
        funnel = stats_mod.funnel_limits(rows, kind=row["kind"], per=float(row.get("per") or 100))
        naam = f"{_naam(ctx, ind_id)} ({period})"
        fig = plots_mod.plot_funnel(funnel.points, funnel.limits, highlight=ctx.code, labels={ctx.code: ctx.naam},
                                    title=naam, unit=row.get("unit"))
        pos = funnel.points.loc[funnel.points["gemeentecode"] == ctx.code]
        text = None
        if len(pos) and "positie_95" in pos:
            text = md("Positie van {naam} bij {ind}: **{pos}** (95%-grenzen, {n} gemeenten).", naam=ctx.naam,
                      ind=naam, pos=str(pos["positie_95"].iloc[0]), n=fmt_number(len(funnel.points)))
        return blocks([heading("Positie ten opzichte van alle gemeenten", 3), text,
                       figure_block(fig, f"funnel-{ind_id}")])
    return note("Voor geen van de kernindicatoren zijn teller en noemer van deze gemeente bekend; "
                "een funnelplot is daarom niet te maken.")


def kosten(ctx: Context) -> Block:
    """Iv3 lasten per inwoner of the sociaal-domein clusters vs peers and Nederland."""
    clusters = _clusters(_data_key())
    if clusters is None or not (clusters["gemeentecode"] == ctx.code).any():
        return note("Voor deze gemeente zijn geen Iv3-lasten (begroting of jaarrekening) beschikbaar.")
    peers = peer_codes(ctx)
    costs = kosten_mod.compare_costs(clusters, ctx.code, peers)
    parts = [md("Lasten per inwoner van {naam} vergeleken met {n} vergelijkbare gemeenten (mediaan en "
                "middelste helft) en Nederland; nominale euro's uit de Iv3-gegevens.", naam=ctx.naam,
                n=fmt_number(len(peers)))]
    if ctx.cache.get("peer_note"):
        parts.append(note(ctx.cache["peer_note"]))
    for cluster in COST_CLUSTERS:
        sub = costs[costs["cluster"] == cluster]
        if sub.empty or sub["gemeente_per_inwoner"].isna().all():
            continue
        fig = plots_mod.plot_cost_development(sub, mode="per_inwoner", cluster=cluster, gemeente_label=ctx.naam)
        parts.append(figure_block(fig, f"kosten-{cluster}"))
    return blocks(parts)


def _plan_heading(ctx: Context, text: str) -> Block:
    return heading(text, 2)


def opgaven(ctx: Context) -> Block | None:
    """Per opgave: doel, maatregelen with status, output vs targets, budget, conclusion, what is missing."""
    if not plans(ctx):
        return None
    parts = [_plan_heading(ctx, "Opgaven")]
    for plan, concl in conclusions(ctx):
        frames = plan_frames(ctx, plan)
        audit_fn = getattr(plans_mod.audit, "audit", plans_mod.audit)  # submodule shadows the function
        audit = audit_fn(plan)
        missing = {item.id: item.ontbreekt for item in audit.opgaven}
        by_id = {c.id: c for c in concl.opgaven}
        for opg in plan.opgaven:
            c = by_id.get(opg.id)
            parts.append(heading(f"{opg.titel}", 3))
            if opg.doel:
                parts.append(md("**Doel:** {doel}", doel=opg.doel))
            if c is not None:
                parts.append(md("**Conclusie: {uitkomst}.** {bewijs}", uitkomst=c.uitkomst,
                                bewijs=" ".join(c.bewijs)))
                if c.kanttekeningen:
                    parts.append(Block("<p>Wat niet te concluderen is:</p><ul>"
                                       + "".join(f"<li>{escape(k)}</li>" for k in c.kanttekeningen) + "</ul>"))
            mr = frames["maatregelen"]
            mr = mr[mr["opgave_id"] == opg.id][["maatregel_id", "titel", "status"]]
            if len(mr):
                parts.append(table_block(mr, f"maatregelen-{opg.id}", caption="Maatregelen en hun status"))
            out = frames["outputs"]
            out = out[out["opgave_id"] == opg.id][["maatregel_id", "omschrijving", "realisatie", "doel", "eenheid",
                                                  "periode"]]
            if len(out):
                parts.append(table_block(out, f"output-{opg.id}", caption="Output: realisatie tegenover doel"))
            bud = frames["budget"]
            bud = bud[bud["opgave_id"] == opg.id][["maatregel_id", "jaar", "begroot", "gerealiseerd"]]
            if len(bud):
                parts.append(table_block(bud, f"budget-{opg.id}", caption="Budget tegenover realisatie (euro)"))
            if missing.get(opg.id):
                parts.append(md("**Wat ontbreekt om deze opgave te kunnen evalueren:** {m}.",
                                m=", ".join(str(x) for x in missing[opg.id])))
    return blocks(parts)


def besparingen(ctx: Context) -> Block | None:
    """Planned vs realised savings and taakstellingen from the plan."""
    if not plans(ctx):
        return None
    parts = [_plan_heading(ctx, "Besparingen en taakstellingen")]
    for plan in plans(ctx):
        frames = plan_frames(ctx, plan)
        bes, taak = frames["besparingen"], frames["taakstellingen"]
        if len(bes):
            long = (bes.rename(columns={"gepland": "besparing_gepland", "gerealiseerd": "besparing_gerealiseerd"})
                    .melt(id_vars=["post", "jaar"], value_vars=["besparing_gepland", "besparing_gerealiseerd"],
                          var_name="soort", value_name="bedrag_eur")
                    .assign(gemeentecode=ctx.code))
            ledger = kosten_mod.savings_ledger(long)
            parts.append(figure_block(plots_mod.plot_savings_waterfall(ledger), "besparingen"))
        if len(taak):
            parts.append(table_block(taak[["omschrijving", "bedrag", "jaar", "status"]], "taakstellingen",
                                     caption="Taakstellingen"))
    if len(parts) == 1:
        parts.append(note("Het plan bevat geen besparingen of taakstellingen."))
    return blocks(parts)


def preventiematrix(ctx: Context) -> Block | None:
    """Interventions by prevention level (from the plan's preventiematrix / interventies)."""
    if not plans(ctx):
        return None
    parts = [_plan_heading(ctx, "Preventiematrix")]
    for plan in plans(ctx):
        inter = plan_frames(ctx, plan)["interventies"]
        if len(inter):
            parts.append(table_block(inter[["naam", "preventie_niveau", "domein", "status", "resultaat"]],
                                     "preventiematrix", caption="Interventies per preventieniveau"))
    if len(parts) == 1:
        parts.append(note("Het plan bevat geen preventiematrix."))
    return blocks(parts)


def bronnen(ctx: Context) -> Block:
    """Source tables with periods and status for this gemeente, and retrieval dates from the sidecars."""
    import pandas as pd

    frame = harmonised(ctx.indelingsjaar)
    mine = frame[frame["gemeentecode"] == ctx.code]
    if mine.empty:
        return note("Geen bronnen: er zijn geen gegevens voor deze gemeente.")
    summary = (mine.groupby("source_table", observed=True)
               .agg(indicatoren=("indicator_id", "nunique"), eerste_periode=("period", "min"),
                    laatste_periode=("period", "max"),
                    status=("status", lambda s: ", ".join(sorted(set(map(str, s))))))
               .reset_index().rename(columns={"source_table": "tabel"}))
    side = pd.DataFrame(_sidecars(_mtime(paths.RAW_DIR)))
    if len(side):
        tid = side.get("table_id", side.get("tabel", pd.Series(dtype=str)))
        date = next((side[c] for c in ("date_accessed", "retrieved", "transcribed", "opgehaald") if c in side), None)
        if date is not None:
            dates = pd.DataFrame({"tabel": tid.astype(str), "opgehaald": date.astype(str)}).dropna()
            dates = dates.groupby("tabel").opgehaald.max().reset_index()
            summary = summary.merge(dates, on="tabel", how="left")
    return blocks([md("Cijfers uit {n} brontabellen (CBS en de bronnen van de gemeente). Onderdrukte of niet "
                      "geleverde cijfers staan als – en tellen nergens als 0 mee.", n=len(summary)),
                   table_block(summary, "bronnen", caption="Brontabellen, perioden en status")])


def colofon(ctx: Context) -> Block:
    """Package version, git commit, parameters, data checksums and the peer list."""
    import analyse

    peers = peer_codes(ctx)
    rows = [("Pakket", f"analyse {analyse.__version__}"), ("Git-commit", _git_commit()),
            ("Gemaakt op", datetime.now().strftime("%d-%m-%Y %H:%M"))]
    rows += [(f"Parameter {k}", str(v) if v != "" else "(standaard)") for k, v in ctx.parameters().items()
             if k != "output_dir"]
    rows += [(f"Data {name}", f"sha256 {digest}") for name, digest in _checksums(_data_key())]
    rows.append((f"Vergelijkbare gemeenten ({ctx.peer_method})", ", ".join(peers) if peers else "–"))
    body = "".join(f"<tr><th scope=\"row\">{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows)
    return Block(f'<div class="tabel-wrap"><table class="tabel colofon"><tbody>{body}</tbody></table></div>',
                 "Colofon", {"colofon": {"commit": _git_commit()}})


__all__ = ["Context", "start", "titel", "samenvatting", "kerncijfers", "indicatoren", "indicator_trends",
           "beleidsstart", "funnels", "kosten", "opgaven", "besparingen", "preventiematrix", "bronnen", "colofon",
           "note", "heading", "paths"]
