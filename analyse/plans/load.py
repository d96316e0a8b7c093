"""Load and validate plan YAML files (schema: ``plans/SCHEMA.md``) into :class:`~analyse.plans.schema.Plan`.

``load_plan`` collects **every** problem before raising one :class:`~analyse.errors.PlanValidationError`;
each problem names the file, the path in the document (``opgaven[2].maatregelen[4].status``) and what is
wrong, in Dutch. Non-fatal problems (years outside the plan period, …) end up in ``plan.warnings``.

Command line: ``python -m analyse.plans.load [files…]`` validates the given files (default: every
``plans/*.yml``) and exits non-zero when one is invalid.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd
import yaml

from analyse import paths
from analyse.data.catalogue import load_catalogue
from analyse.errors import PlanValidationError
from analyse.formatting import fmt_number
from analyse.gemeenten import load_registry
from analyse.plans.schema import (
    EVALUATIE_STATUSSEN,
    SMART_KEYS,
    SPEC,
    STATUS_SYNONIEMEN,
    STATUSSEN,
    Field,
    Plan,
)

__all__ = [
    "load_plan",
    "plans_for",
    "find_plan_files",
    "all_plan_files",
    "to_frames",
    "catalogue_ids",
    "PlanWarning",
    "MAX_PLAN_BYTES",
]

MAX_PLAN_BYTES = 2_000_000
"""Largest plan file accepted (2 MB; the largest seed plan is about 80 kB)."""
MAX_AMOUNT = 1e11
"""Largest euro amount accepted (€ 100 mld, far above any gemeente budget)."""
MAX_NUMBER = 1e12
YEAR_MIN, YEAR_MAX = 1900, 2100
PLAN_SUFFIXES = (".yml", ".yaml")

_PERIOD_RE = re.compile(r"^\d{4}(H[12]|Q[1-4]|-\d{2}(-\d{2})?)?$")
_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_GM_RE = re.compile(r"^GM\d{4}$")
_SCI_RE = re.compile(r"^[+-]?\d+(\.\d*)?[eE][+-]?\d+$")


class PlanWarning(UserWarning):
    """A non-fatal problem in a plan file (also kept in ``plan.warnings``)."""


class _Loader(yaml.SafeLoader):
    """Safe loader that also refuses duplicate keys in one mapping and aliases (``*naam``).

    Aliases are refused while composing, before anything is built: a few hundred bytes of nested aliases can
    otherwise describe billions of values (an "alias bomb"). Timestamps that are not real dates (``2020-13-45``)
    stay text so the validator reports them with their path and line instead of crashing.
    """

    def compose_node(self, parent: object, index: object) -> yaml.Node:  # noqa: D102
        if self.check_event(yaml.events.AliasEvent):
            _refuse_alias(self.peek_event())
        return super().compose_node(parent, index)


_CSafeLoader = getattr(yaml, "CSafeLoader", None)


class _FastLoader(_CSafeLoader or yaml.SafeLoader):  # type: ignore[misc]
    """libyaml-based loader (about ten times faster) with the same constructors as :class:`_Loader`; aliases are
    refused by a scan of the parser events before composing (:func:`_compose`)."""


def _refuse_alias(event: yaml.events.AliasEvent) -> None:
    raise yaml.composer.ComposerError(
        None,
        None,
        f"alias '*{event.anchor}' geweigerd: ankers en aliassen (&naam, *naam) zijn in "
        "planbestanden niet toegestaan; schrijf de waarde uit",
        event.start_mark,
    )


def _compose(text: str) -> tuple[yaml.Node | None, object]:
    """Compose the YAML text into a node tree (no aliases) and construct the data from it."""
    if _CSafeLoader is not None:
        for event in yaml.parse(text, Loader=_CSafeLoader):
            if isinstance(event, yaml.events.AliasEvent):
                _refuse_alias(event)
        loader = _FastLoader(text)
    else:
        loader = _Loader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


for _cls in (_Loader, _FastLoader):
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "een sleutel moet gewone tekst zijn (geen lijst of mapping als sleutel, '? …')",
                key_node.start_mark)
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"dubbele sleutel {key!r} in één mapping (eerder op regel {seen[key]})", mark
            )
        seen[key] = key_node.start_mark.line + 1
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


for _cls in (_Loader, _FastLoader):
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# ------------------------------------------------------------------------------------------------- context
@dataclasses.dataclass
class _Ctx:
    file: str
    problems: list[str] = dataclasses.field(default_factory=list)
    warnings: list[str] = dataclasses.field(default_factory=list)
    lines: dict[str, int] = dataclasses.field(default_factory=dict)

    def _where(self, path: str) -> str:
        line = _line_of(path, self.lines)
        return f"{self.file}: " + (f"regel {line}: " if line else "") + (path or "(document)")

    def err(self, path: str, msg: str) -> None:
        self.problems.append(f"{self._where(path)}: {msg}")

    def warn(self, path: str, msg: str) -> None:
        self.warnings.append(f"{self._where(path)}: {msg}")


def _line_of(path: str, lines: dict[str, int]) -> int | None:
    """Line of ``path`` or of its nearest parent that is in the document."""
    while path:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        path = path[:cut] if cut > 0 else ""
    return None


def _node_lines(node: yaml.Node, path: str = "", out: dict[str, int] | None = None) -> dict[str, int]:
    """Map every path in the composed document (``opgaven[0].maatregelen[1].status``) to its 1-based line."""
    out = {} if out is None else out
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            child = _join(path, key)
            out.setdefault(child, key_node.start_mark.line + 1)
            _node_lines(value_node, child, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            child = _join(path, i)
            out.setdefault(child, item.start_mark.line + 1)
            _node_lines(item, child, out)
    return out


def _show(value: object, limit: int = 60) -> str:
    """A short, safe rendering of a value for a message (never the whole of a big structure)."""
    if isinstance(value, (dict, list, tuple)):
        return f"{type(value).__name__} met {len(value)} elementen"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _amount_hint(text: str) -> str:
    cleaned = text.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "").strip()
    cleaned = cleaned.rstrip(",-").rstrip(",").rstrip("-")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?|-?\d+(,\d+)?", cleaned):
        number = float(cleaned.replace(".", "").replace(",", "."))
        return (
            f"; schrijf een getal in euro, bijv. {number:g}"
            if number != int(number)
            else f"; schrijf een getal in euro, bijv. {int(number)}"
        )
    if cleaned.lower() in {"pm", "p.m.", "-", "?", "onbekend", "nvt", "n.v.t."}:
        return "; gebruik null (onbekend) met toelichting: pm"
    return "; schrijf een getal in euro of null (onbekend)"


# ---------------------------------------------------------------------------------------------- converters
def _convert(value: object, f: Field, path: str, ctx: _Ctx) -> object:  # noqa: C901, PLR0911, PLR0912
    """Check and normalise one value according to its :class:`Field`; report problems to ``ctx``."""
    if value is None:
        if not f.nullable:
            ctx.err(path, "mag niet leeg (null) zijn")
        if f.kind in ("list", "strlist", "str_or_list"):
            return ()
        return None
    kind = f.kind
    if kind == "str":
        if isinstance(value, (dict, list)):
            ctx.err(path, f"verwacht tekst, kreeg {type(value).__name__}")
            return None
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if isinstance(value, float) and not math.isfinite(value):
            ctx.err(path, f"verwacht tekst, kreeg {_show(value)}")
            return None
        if f.required and not text.strip():
            ctx.err(path, "mag niet leeg zijn (alleen spaties of een lege tekst)")
            return text
        if f.vocab and text not in f.vocab:
            close = difflib.get_close_matches(text, f.vocab, n=1, cutoff=0.6)
            if f.vocab is STATUSSEN and text.lower() in STATUS_SYNONIEMEN:
                close = [STATUS_SYNONIEMEN[text.lower()]]
            hint = f" (bedoelde u {close[0]!r}?)" if close else ""
            ctx.err(path, f"waarde {_show(text)} niet toegestaan{hint}; kies uit: {', '.join(f.vocab)}")
        return text
    if kind in ("int", "year"):
        if isinstance(value, bool) or not isinstance(value, int):
            hint = (
                f"; schrijf {value.strip()} zonder aanhalingstekens"
                if isinstance(value, str) and value.strip().isdigit()
                else ""
            )
            ctx.err(path, f"verwacht een jaartal/geheel getal, kreeg {_show(value)}{hint}")
            return None
        if kind == "year" and not YEAR_MIN <= value <= YEAR_MAX:
            ctx.err(
                path, f"jaartal {value} ligt niet tussen {YEAR_MIN} en {YEAR_MAX}; schrijf het jaar met vier cijfers"
            )
            return None
        return value
    if kind in ("number", "amount"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            if isinstance(value, str) and _SCI_RE.match(value.strip()):
                number = float(value)
                top = MAX_AMOUNT if kind == "amount" else MAX_NUMBER
                if not math.isfinite(number) or abs(number) > top:
                    ctx.err(
                        path,
                        f"getal {_show(value)} is onwaarschijnlijk groot (grens {top:.0e}); controleer het "
                        "aantal nullen",
                    )
                else:
                    ctx.err(
                        path,
                        f"{_show(value)} wordt in YAML als tekst gelezen; schrijf het getal uit "
                        f"(bijv. {fmt_number(number, 0).replace('.', '')})",
                    )
            elif isinstance(value, str):
                ctx.err(path, f"bedrag/waarde als tekst gegeven ({_show(value)}){_amount_hint(value[:100])}")
            else:
                ctx.err(path, f"verwacht een getal of null, kreeg {type(value).__name__}")
            return None
        number = float(value)
        if not math.isfinite(number):
            ctx.err(
                path,
                f"{_show(value)} is geen eindig getal (.inf/.nan zijn niet toegestaan); gebruik null als "
                "het getal onbekend is",
            )
            return None
        top = MAX_AMOUNT if kind == "amount" else MAX_NUMBER
        if abs(number) > top:
            ctx.err(
                path, f"getal {number:.3g} is onwaarschijnlijk groot (grens {top:.0e}); controleer het aantal nullen"
            )
            return None
        if kind == "amount" and number < 0:
            ctx.err(
                path,
                f"negatief bedrag ({fmt_number(number, 0)}); schrijf bedragen positief (een besparing of "
                "uitgave is een positief bedrag), of gebruik null als het onbekend is",
            )
            return None
        return number
    if kind == "bool":
        if not isinstance(value, bool):
            ctx.err(path, f"verwacht true of false, kreeg {_show(value)}")
            return None
        return value
    if kind in ("date", "period", "deadline"):
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, int) and not isinstance(value, bool):
            if not YEAR_MIN <= value <= YEAR_MAX:
                ctx.err(path, f"jaartal {value} ligt niet tussen {YEAR_MIN} en {YEAR_MAX}")
                return None
            return str(value)
        regex = _DATE_RE if kind == "date" else _PERIOD_RE
        wanted = (
            "een datum (2020-12-17, '2020-12' of '2020')"
            if kind == "date"
            else "een periode ('2019', '2019H2', '2023Q1', '2023-12-31')"
        )
        if isinstance(value, str) and regex.match(value):
            problem = _calendar_problem(value)
            if problem:
                ctx.err(path, f"{problem} in {value!r}; verwacht {wanted}")
                return None
            return value
        ctx.err(path, f"verwacht {wanted}, kreeg {_show(value)}")
        return None
    if kind == "smart":
        if not isinstance(value, dict):
            ctx.err(path, "verwacht een mapping met specifiek/meetbaar/acceptabel/realistisch/tijdgebonden")
            return None
        out = {}
        for k, v in value.items():
            if k not in SMART_KEYS:
                _unknown_key(k, SMART_KEYS, _join(path, k), ctx)
            elif v is not None and not isinstance(v, bool):
                ctx.err(_join(path, k), f"verwacht true, false of null, kreeg {_show(v)}")
            else:
                out[k] = v
        return out
    if kind in ("strlist", "str_or_list"):
        if kind == "str_or_list" and isinstance(value, (str, int, float)):
            value = [value]
        if not isinstance(value, list):
            ctx.err(path, f"verwacht een lijst, kreeg {type(value).__name__}")
            return ()
        item_field = Field("str", vocab=f.vocab)
        items = [_convert(v, item_field, _join(path, i), ctx) for i, v in enumerate(value)]
        return tuple(i for i in items if i is not None)
    if kind == "obj":
        return _build(value, f.cls, path, ctx)
    if kind == "list":
        if not isinstance(value, list):
            ctx.err(path, f"verwacht een lijst (regels beginnend met '-'), kreeg {type(value).__name__}")
            return ()
        out = []
        for i, item in enumerate(value):
            if f.text_ok and isinstance(item, str):
                item = {"tekst": item}
            built = _build(item, f.cls, _join(path, i), ctx)
            if built is not None:
                out.append(built)
        return tuple(out)
    raise AssertionError(f"unknown field kind {kind}")  # pragma: no cover


def _calendar_problem(text: str) -> str | None:
    """Why ``text`` (YYYY, YYYY-MM, YYYY-MM-DD, YYYYH1, YYYYQ1) is not a real calendar period, or None."""
    year = int(text[:4])
    if not YEAR_MIN <= year <= YEAR_MAX:
        return f"jaartal {year} ligt niet tussen {YEAR_MIN} en {YEAR_MAX}"
    parts = text.split("-")
    if len(parts) >= 2 and not 1 <= int(parts[1]) <= 12:
        return f"maand {parts[1]} bestaat niet"
    if len(parts) == 3:
        try:
            dt.date(year, int(parts[1]), int(parts[2]))
        except ValueError:
            return f"dag {parts[2]} bestaat niet in maand {parts[1]}"
    return None


def _unknown_key(key: object, allowed: Iterable[str], path: str, ctx: _Ctx) -> None:
    close = difflib.get_close_matches(str(key)[:80], list(allowed), n=1, cutoff=0.6)
    hint = f"; bedoelde u {close[0]!r}?" if close else "; toegestaan: " + ", ".join(allowed)
    ctx.err(path, f"onbekende sleutel {_show(key)}{hint}")


def _build(data: object, cls: type, path: str, ctx: _Ctx) -> object | None:
    """Validate a mapping against ``SPEC[cls]`` and build the dataclass (None if it is not a mapping)."""
    spec = SPEC[cls]
    if not isinstance(data, dict):
        ctx.err(
            path, f"verwacht een mapping (sleutel: waarde) voor {cls.__name__.lower()}, kreeg {type(data).__name__}"
        )
        return None
    kwargs = {}
    for key, value in data.items():
        if key not in spec:
            _unknown_key(key, spec, _join(path, str(key)[:80]), ctx)
            continue
        converted = _convert(value, spec[key], _join(path, key), ctx)
        if converted is not None:
            kwargs[key] = converted
    for key, f in spec.items():
        if f.required and key not in data:
            ctx.err(_join(path, key), f"verplichte sleutel ontbreekt; voeg '{key}: ...' toe (zie plans/SCHEMA.md)")
    return cls(**kwargs)


# -------------------------------------------------------------------------------------------- cross checks
def _dupes(items: Iterable[tuple[str, str]], what: str, ctx: _Ctx) -> set[str]:
    seen: dict[str, str] = {}
    for ident, path in items:
        if not ident:
            continue
        if ident in seen:
            ctx.err(path, f"dubbele {what}-id {ident!r} (ook in {seen[ident]})")
        else:
            seen[ident] = path
    return set(seen)


def _check_refs(refs: Iterable[tuple[str, str]], known: set[str], what: str, ctx: _Ctx) -> None:
    for ref, path in refs:
        if ref and ref not in known:
            close = difflib.get_close_matches(ref, sorted(known), n=1, cutoff=0.6)
            hint = f"; bedoelde u {close[0]!r}?" if close else ""
            ctx.err(path, f"verwijst naar onbekende {what} {ref!r}{hint}")


def _cross_check(plan: Plan, ctx: _Ctx, catalogue: set[str] | None) -> None:  # noqa: C901, PLR0912
    if plan.gemeentecode and not _GM_RE.match(plan.gemeentecode):
        ctx.err("gemeentecode", f"{plan.gemeentecode!r} is geen gemeentecode (verwacht GM gevolgd door 4 cijfers)")
    if plan.schema_version not in (None, 1):
        ctx.err("schema_version", f"onbekende schemaversie {plan.schema_version!r}; deze code kent versie 1")
    if not plan.opgaven:
        ctx.err("opgaven", "minstens één opgave nodig")
    start, eind = plan.periode.start, plan.periode.eind
    if start and eind and start > eind:
        ctx.err("periode", f"start {start} ligt na eind {eind}")

    op = [(o.id, f"opgaven[{i}].id") for i, o in enumerate(plan.opgaven)]
    opgave_ids = _dupes(op, "opgave", ctx)
    ms = [
        (m.id, f"opgaven[{i}].maatregelen[{j}].id")
        for i, o in enumerate(plan.opgaven)
        for j, m in enumerate(o.maatregelen)
    ]
    maatregel_ids = _dupes(ms, "maatregel", ctx)
    ds = [(d.id, f"opgaven[{i}].doelen[{j}].id") for i, o in enumerate(plan.opgaven) for j, d in enumerate(o.doelen)]
    _dupes(ds, "doel", ctx)
    interventie_ids = _dupes(
        [(x.id, f"interventies[{i}].id") for i, x in enumerate(plan.interventies)], "interventie", ctx
    )
    _dupes([(x.id, f"taakstellingen[{i}].id") for i, x in enumerate(plan.taakstellingen)], "taakstelling", ctx)
    _dupes([(x.id or "", f"besparingen[{i}].id") for i, x in enumerate(plan.besparingen)], "besparing", ctx)
    register = _dupes(
        [(x.indicator_id, f"indicatoren[{i}].indicator_id") for i, x in enumerate(plan.indicatoren)], "indicator", ctx
    )

    # indicator ids: catalogue ∪ register
    known_ind = register | (catalogue or set())
    ind_refs: list[tuple[str, str]] = []
    for i, x in enumerate(plan.indicatoren):
        ind_refs += [(r, f"indicatoren[{i}].vervangen_door[{k}]") for k, r in enumerate(x.vervangen_door)]
        if x.continuiteit == "vervangen" and not x.vervangen_door:
            ctx.warn(f"indicatoren[{i}]", "continuiteit 'vervangen' zonder vervangen_door")
    for i, o in enumerate(plan.opgaven):
        for j, d in enumerate(o.doelen):
            for k, di in enumerate(d.indicatoren):
                p = f"opgaven[{i}].doelen[{j}].indicatoren[{k}]"
                ind_refs.append((di.indicator_id, f"{p}.indicator_id"))
                if di.streefwaarde is not None and di.baseline is None:
                    ctx.err(
                        p,
                        "streefwaarde zonder baseline; leg de nulmeting vast, of schrijf expliciet "
                        "baseline: {waarde: null, periode: null, toelichting: 'geen nulmeting'}",
                    )
                if di.streefwaarde is not None and di.streefwaarde.waarde is None and di.streefwaarde.richting is None:
                    ctx.err(f"{p}.streefwaarde", "geef waarde of richting (hoger/lager/gelijk)")
                reg = plan.indicator_def(di.indicator_id)
                if reg is not None and reg.eenheid == "procent":
                    for name in ("baseline", "streefwaarde", "realisatie"):
                        value = getattr(getattr(di, name), "waarde", None)
                        if value is not None and not 0 <= value <= 100:
                            ctx.err(
                                f"{p}.{name}.waarde",
                                f"{fmt_number(value, 1)} ligt niet tussen 0 en 100, terwijl de indicator "
                                f"'{reg.naam}' een percentage is; schrijf 12,5% als 12.5",
                            )
        for j, m in enumerate(o.maatregelen):
            ind_refs += [(r, f"opgaven[{i}].maatregelen[{j}].indicatoren[{k}]") for k, r in enumerate(m.indicatoren)]
    if catalogue is None:
        unchecked = sorted({r for r, _ in ind_refs if r not in register})
        if unchecked:
            ctx.warn("indicatoren", "catalogus niet beschikbaar; niet gecontroleerd: " + ", ".join(unchecked))
    else:
        _check_refs(ind_refs, known_ind, "indicator (niet in catalogus of plan-register)", ctx)

    # maatregel references
    for i, o in enumerate(plan.opgaven):
        if o.onderdeel_van:
            _check_refs([(o.onderdeel_van, f"opgaven[{i}].onderdeel_van")], opgave_ids, "opgave", ctx)
            if o.onderdeel_van == o.id:
                ctx.err(f"opgaven[{i}].onderdeel_van", "opgave kan geen onderdeel van zichzelf zijn")
        for j, m in enumerate(o.maatregelen):
            p = f"opgaven[{i}].maatregelen[{j}]"
            if m.status == "opgegaan in":
                if not m.opgegaan_in:
                    ctx.err(f"{p}.opgegaan_in", "verplicht bij status 'opgegaan in' (id van de andere maatregel)")
                else:
                    _check_refs([(m.opgegaan_in, f"{p}.opgegaan_in")], maatregel_ids - {m.id}, "maatregel", ctx)
            elif m.opgegaan_in:
                ctx.err(f"{p}.opgegaan_in", f"alleen toegestaan bij status 'opgegaan in' (status is {m.status!r})")
            _check_refs(
                [(r, f"{p}.interventies[{k}]") for k, r in enumerate(m.interventies)],
                interventie_ids,
                "interventie",
                ctx,
            )
            _dupes([(a.id, f"{p}.acties[{k}].id") for k, a in enumerate(m.acties)], "actie", ctx)
            if plan.soort == "plan" and m.status in EVALUATIE_STATUSSEN:
                ctx.warn(f"{p}.status", f"status {m.status!r} in een plan-document (soort: plan); klopt dat?")
            for a in ("start", "eind"):
                _year_warn(getattr(m, a), f"{p}.{a}", plan, ctx)
            for k, b in enumerate(m.budget):
                _year_warn(b.jaar, f"{p}.budget[{k}].jaar", plan, ctx)
            for k, a in enumerate(m.acties):
                for kk, b in enumerate(a.budget):
                    _year_warn(b.jaar, f"{p}.acties[{k}].budget[{kk}].jaar", plan, ctx)
        for k, b in enumerate(o.budget):
            _year_warn(b.jaar, f"opgaven[{i}].budget[{k}].jaar", plan, ctx)
        _check_deel_van(o.budget, f"opgaven[{i}].budget", ctx)
        for j, m in enumerate(o.maatregelen):
            _check_deel_van(m.budget, f"opgaven[{i}].maatregelen[{j}].budget", ctx)
    for i, b in enumerate(plan.besparingen):
        _check_refs([(b.maatregel or "", f"besparingen[{i}].maatregel")], maatregel_ids, "maatregel", ctx)
        _year_warn(b.jaar, f"besparingen[{i}].jaar", plan, ctx)
    for i, t in enumerate(plan.taakstellingen):
        _year_warn(t.jaar, f"taakstellingen[{i}].jaar", plan, ctx)
    for i, x in enumerate(plan.interventies):
        _check_refs([(x.maatregel or "", f"interventies[{i}].maatregel")], maatregel_ids, "maatregel", ctx)
        _check_refs([(x.opgave or "", f"interventies[{i}].opgave")], opgave_ids, "opgave", ctx)
    if plan.preventiematrix is not None:
        pm = plan.preventiematrix
        for i, c in enumerate(pm.cellen):
            p = f"preventiematrix.cellen[{i}]"
            if pm.niveaus and c.niveau not in pm.niveaus:
                ctx.err(f"{p}.niveau", f"{c.niveau!r} staat niet in preventiematrix.niveaus ({', '.join(pm.niveaus)})")
            if pm.domeinen and c.domein not in pm.domeinen:
                ctx.err(
                    f"{p}.domein", f"{c.domein!r} staat niet in preventiematrix.domeinen ({', '.join(pm.domeinen)})"
                )
            _check_refs(
                [(r, f"{p}.maatregelen[{k}]") for k, r in enumerate(c.maatregelen)], maatregel_ids, "maatregel", ctx
            )
            _check_refs(
                [(r, f"{p}.interventies[{k}]") for k, r in enumerate(c.interventies)],
                interventie_ids,
                "interventie",
                ctx,
            )
    if plan.evaluatie is not None:
        ev = plan.evaluatie
        for i, c in enumerate(ev.conclusies):
            _check_refs([(c.opgave or "", f"evaluatie.conclusies[{i}].opgave")], opgave_ids, "opgave", ctx)
            _check_refs(
                [(r, f"evaluatie.conclusies[{i}].maatregelen[{k}]") for k, r in enumerate(c.maatregelen)],
                maatregel_ids,
                "maatregel",
                ctx,
            )
        _check_refs([(r, f"evaluatie.rangorde[{k}]") for k, r in enumerate(ev.rangorde)], opgave_ids, "opgave", ctx)
        _check_refs(
            [(t.opgave or "", f"evaluatie.tekortkomingen[{k}].opgave") for k, t in enumerate(ev.tekortkomingen)],
            opgave_ids,
            "opgave",
            ctx,
        )


def _check_deel_van(budget: tuple, path: str, ctx: _Ctx) -> None:
    posts = {b.post for b in budget if b.post}
    for k, b in enumerate(budget):
        if b.deel_van and b.deel_van not in posts:
            close = difflib.get_close_matches(b.deel_van, sorted(posts), n=1, cutoff=0.6)
            hint = (
                f"; bedoelde u {close[0]!r}?"
                if close
                else "; deel_van moet de 'post' van een regel in dezelfde lijst zijn"
            )
            ctx.err(f"{path}[{k}].deel_van", f"verwijst naar onbekende post {_show(b.deel_van)}{hint}")


def _year_warn(year: int | None, path: str, plan: Plan, ctx: _Ctx) -> None:
    start, eind = plan.periode.start, plan.periode.eind
    if year is None or not start or not eind:
        return
    if not start <= year <= eind:
        ctx.warn(path, f"jaar {year} ligt buiten de planperiode {start}-{eind}")


# -------------------------------------------------------------------------------------------------- public
def catalogue_ids() -> set[str] | None:
    """Indicator ids from ``analyse.data.catalogue.load_catalogue()``, or None when the catalogue is unavailable."""
    try:

        cat = load_catalogue()
    except Exception:  # noqa: BLE001 - the catalogue module is optional for validation
        return None
    col = "indicator_id" if "indicator_id" in cat.columns else "id" if "id" in cat.columns else None
    if col is None:
        return set(map(str, cat.index))
    return set(cat[col].astype(str))


_UNSET = object()


def display_path(path: Path) -> str:
    """How a plan file is named in messages: relative to the project (``plans/GM0531-x.yml``) when it lies inside
    it, else as given; never an absolute local path of the project (error pages must not show it)."""
    full = path.resolve()
    for base, prefix in ((paths.ROOT, ""), (paths.PLANS_DIR.resolve(), "plans/")):
        try:
            return prefix + full.relative_to(base).as_posix()
        except ValueError:
            continue
    return str(path)


def load_plan(path: str | Path, catalogue: Iterable[str] | None | object = _UNSET,
              known_codes: Iterable[str] | None | object = _UNSET) -> Plan:
    """Read, validate and build one plan file.

    Args:
        path: the YAML file.
        catalogue: indicator ids that are valid besides the plan's own register. Default: the ids of
            ``analyse.data.catalogue.load_catalogue()``; when that is unavailable (or ``None`` is passed) ids not
            in the register are not checked and a warning says so.
        known_codes: gemeente codes that exist (``plans check`` passes :func:`registry_codes`, every code of the
            gemeente register; default: not checked). The file name's code must equal the ``gemeentecode`` inside.

    This is the one validator: ``python -m analyse.plans check`` and the report (:func:`plans_for`) both call it,
    so a file that ``check`` accepts is never refused, ignored or skipped by the report.

    Returns:
        The validated :class:`Plan` (``plan.warnings`` holds non-fatal problems).

    Raises:
        PlanValidationError: with ``problems`` listing every error found.
    """
    path = Path(path)
    ctx = _Ctx(file=display_path(path))
    if path.is_dir():
        raise PlanValidationError([f"{ctx.file}: (bestand): is een map, geen planbestand; hernoem de map of verplaats "
                                   "het plan"])
    try:
        size = path.stat().st_size
        if size > MAX_PLAN_BYTES:
            raise PlanValidationError(
                [
                    f"{ctx.file}: (bestand): te groot ({fmt_number(size / 1e6, 1)} MB; de grens is "
                    f"{fmt_number(MAX_PLAN_BYTES / 1e6, 0)} MB). Een plan is tekst van hooguit enkele honderden kB; "
                    "zet bijlagen en cijferreeksen niet in het planbestand"
                ]
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanValidationError([f"{ctx.file}: (bestand): niet te lezen: {exc}"]) from exc
    try:
        node, data = _compose(text)
    except yaml.constructor.ConstructorError as exc:
        raise PlanValidationError([_yaml_problem(ctx.file, exc, tag_error=True)]) from None
    except yaml.YAMLError as exc:
        raise PlanValidationError([_yaml_problem(ctx.file, exc)]) from None
    except RecursionError:
        raise PlanValidationError([f"{ctx.file}: (YAML): te diep geneste structuur"]) from None
    ctx.lines = _node_lines(node) if node is not None else {}
    if not isinstance(data, dict):
        raise PlanValidationError(
            [f"{ctx.file}: (document): verwacht een mapping bovenaan, kreeg {type(data).__name__}"]
        )
    plan = _build(data, Plan, "", ctx)
    cat = catalogue_ids() if catalogue is _UNSET else (set(catalogue) if catalogue is not None else None)
    _cross_check(plan, ctx, cat)
    _check_file_and_code(path, plan, ctx, None if known_codes is _UNSET else known_codes)  # type: ignore[arg-type]
    if ctx.problems:
        raise PlanValidationError(ctx.problems)
    for w in ctx.warnings:
        warnings.warn(w, PlanWarning, stacklevel=2)
    return dataclasses.replace(plan, path=path, warnings=tuple(ctx.warnings))


def registry_codes() -> set[str] | None:
    """Every gemeente code of the register (any indelingsjaar), or ``None`` when no register is available."""
    try:

        return set(load_registry()["gemeentecode"].astype(str))
    except Exception:  # noqa: BLE001 - no register: the code is not checked
        return None


def _check_file_and_code(path: Path, plan: Plan, ctx: _Ctx, known: Iterable[str] | None) -> None:
    name_code = re.match(r"(GM\d{4})(?:-|$)", path.stem.upper())
    code = (plan.gemeentecode or "").upper()
    if name_code and code and name_code.group(1) != code:
        ctx.err("gemeentecode", f"het bestand hoort bij {name_code.group(1)} (bestandsnaam), maar de inhoud zegt "
                                f"{plan.gemeentecode}; het rapport van {name_code.group(1)} zou dit plan weigeren")
    elif not name_code and path.suffix.lower() in PLAN_SUFFIXES:
        ctx.warn("(bestand)", "de bestandsnaam begint niet met een gemeentecode (GM####-naam.yml); het rapport "
                              "vindt dit plan zo niet")
    known = set(known) if known is not None else None
    if known and code and _GM_RE.match(code) and code not in known:
        ctx.err("gemeentecode", f"{code} staat niet in het gemeenteregister (geen gemeente in de gegevens); het "
                                "rapport van deze gemeente kan niet worden gemaakt")
    if ctx.problems:
        raise PlanValidationError(ctx.problems)


def _yaml_problem(path: str, exc: yaml.YAMLError, tag_error: bool = False) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f" (regel {mark.line + 1}, kolom {mark.column + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)[:300]
    if tag_error and "constructor for the tag" in problem:
        tag = re.search(r"tag '([^']+)'", problem)
        shown = tag.group(1).replace("tag:yaml.org,2002:", "!!") if tag else "?"
        return (
            f"{path}: (YAML){where}: tag {shown!r} geweigerd; plannen worden alleen met de veilige "
            f"YAML-loader gelezen, Python-objecten en andere tags zijn niet toegestaan"
        )
    if "geweigerd" in problem:
        return f"{path}: (YAML){where}: {problem}"
    hint = next((h for key, h in _YAML_HINTS.items() if key in problem.lower()), "")
    return f"{path}: (YAML){where}: ongeldige YAML: {problem}{hint}"


_YAML_HINTS = {
    "tab": "; gebruik spaties (geen tab) om in te springen",
    "mapping values are not allowed": "; zet tekst met een dubbele punt (:) tussen aanhalingstekens",
    "could not find expected ':'": "; controleer de inspringing en of elke sleutel een dubbele punt heeft",
    "did not find expected key": "; controleer de inspringing van deze regel ten opzichte van de vorige",
    "found undefined alias": "; ankers en aliassen (&naam, *naam) zijn niet toegestaan",
}
"""Dutch advice for the most common YAML syntax errors (the parser's own message stays, in English)."""


def _is_plan_file(p: Path) -> bool:
    """A plan file, or anything named like one (a folder ``GM0531-x.yml/`` is then refused by :func:`load_plan`
    for ``check`` and the report alike, never skipped silently)."""
    return p.suffix.lower() in PLAN_SUFFIXES and not p.name.startswith(".")


def find_plan_files(gemeentecode: str, plans_dir: Path | None = None) -> list[Path]:
    """The plan files of one gemeente: ``<plans_dir>/<code>-*.yml`` (or ``.yaml``, or ``<code>.yml``), case-insensitive.

    The one lookup used by the loader (:func:`plans_for`), the validator CLI and the report runner, so a file
    named ``gm0531-plan.YML`` is either found by all three or by none. Sorted by file name.
    """
    folder = Path(plans_dir) if plans_dir is not None else paths.PLANS_DIR
    if not folder.is_dir():
        return []
    code = gemeentecode.upper()
    return sorted(
        (
            p
            for p in folder.iterdir()
            if _is_plan_file(p) and (p.stem.upper() == code or p.name.upper().startswith(code + "-"))
        ),
        key=lambda p: p.name,
    )


def all_plan_files(plans_dir: Path | None = None) -> list[Path]:
    """Every plan file in ``plans_dir`` whose name starts with a gemeentecode (``GM…``, any case)."""
    folder = Path(plans_dir) if plans_dir is not None else paths.PLANS_DIR
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if _is_plan_file(p) and p.name.upper().startswith("GM")), key=lambda p: p.name
    )


def plans_for(gemeentecode: str, plans_dir: Path | None = None, **kwargs: object) -> list[Plan]:
    """Load every plan file ``<plans_dir>/<gemeentecode>-*.yml`` (default ``paths.PLANS_DIR``), sorted by name.

    Raises PlanValidationError for the first invalid file (so reports never silently skip a plan), and for a
    file whose ``gemeentecode`` is not ``gemeentecode`` (so a report never shows another gemeente's plan).
    """
    files = find_plan_files(gemeentecode, plans_dir)
    plans = [load_plan(f, **kwargs) for f in files]  # type: ignore[arg-type]
    for f, plan in zip(files, plans):
        if plan.gemeentecode.upper() != gemeentecode.upper():
            raise PlanValidationError(
                [
                    f"{display_path(f)}: gemeentecode: het bestand hoort bij {gemeentecode} (bestandsnaam), "
                    f"maar de inhoud zegt {plan.gemeentecode}"
                ]
            )
    return plans


# --------------------------------------------------------------------------------------------------- frames
def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def to_frames(plan: Plan) -> dict[str, pd.DataFrame]:
    """Tidy frames for report tables.

    Returns a dict with keys ``opgaven``, ``doelen``, ``indicatoren`` (links: doel/maatregel → indicator with
    baseline, target, realisation), ``maatregelen``, ``acties``, ``outputs``, ``budget`` (maatregel-,
    actie- and opgave-level), ``besparingen``, ``taakstellingen``, ``interventies``. Amounts in euro, NaN =
    unknown.
    """
    opg, doel, ind, mr, act, out, bud = [], [], [], [], [], [], []
    for o in plan.opgaven:
        opg.append(
            {
                "opgave_id": o.id,
                "titel": o.titel,
                "onderdeel_van": o.onderdeel_van,
                "thema": o.thema,
                "domein": ", ".join(o.domein),
                "n_doelen": len(o.doelen),
                "n_maatregelen": len(o.maatregelen),
                "eigenaar": o.eigenaar,
                "bron_pagina": o.bron_pagina,
            }
        )
        for b in o.budget:
            bud.append({"niveau": "opgave", "opgave_id": o.id, "maatregel_id": None, "actie_id": None, **_budget(b)})
        for d in o.doelen:
            doel.append(
                {
                    "opgave_id": o.id,
                    "doel_id": d.id,
                    "tekst": d.tekst,
                    "soort": d.soort,
                    "deadline": d.deadline,
                    "n_indicatoren": len(d.indicatoren),
                    "bron_pagina": d.bron_pagina,
                }
            )
            for di in d.indicatoren:
                b, s, r = di.baseline, di.streefwaarde, di.realisatie
                ind.append(
                    {
                        "opgave_id": o.id,
                        "doel_id": d.id,
                        "maatregel_id": None,
                        "indicator_id": di.indicator_id,
                        "baseline_waarde": b.waarde if b else None,
                        "baseline_periode": b.periode if b else None,
                        "streefwaarde": s.waarde if s else None,
                        "richting": s.richting if s else None,
                        "deadline": s.deadline if s else None,
                        "realisatie_waarde": r.waarde if r else None,
                        "realisatie_periode": r.periode if r else None,
                    }
                )
        for m in o.maatregelen:
            mr.append(
                {
                    "opgave_id": o.id,
                    "maatregel_id": m.id,
                    "titel": m.titel,
                    "status": m.status,
                    "opgegaan_in": m.opgegaan_in,
                    "bewijs_niveau": m.bewijs_niveau,
                    "preventie_niveau": ", ".join(m.preventie_niveau),
                    "domein": ", ".join(m.domein),
                    "eigenaar": m.eigenaar,
                    "uitvoerder": ", ".join(m.uitvoerder),
                    "n_acties": len(m.acties),
                    "bron_pagina": m.bron_pagina,
                }
            )
            for i_id in m.indicatoren:
                ind.append({"opgave_id": o.id, "doel_id": None, "maatregel_id": m.id, "indicator_id": i_id})
            for a in m.acties:
                act.append(
                    {
                        "opgave_id": o.id,
                        "maatregel_id": m.id,
                        "actie_id": a.id,
                        "omschrijving": a.omschrijving,
                        "status": a.status,
                        "realisatie": a.realisatie,
                    }
                )
                for b in a.budget:
                    bud.append(
                        {"niveau": "actie", "opgave_id": o.id, "maatregel_id": m.id, "actie_id": a.id, **_budget(b)}
                    )
            for x in m.outputs:
                pct = x.realisatie / x.doel * 100 if x.realisatie is not None and x.doel else None
                out.append(
                    {
                        "opgave_id": o.id,
                        "maatregel_id": m.id,
                        "omschrijving": x.omschrijving,
                        "realisatie": x.realisatie,
                        "doel": x.doel,
                        "doel_max": x.doel_max,
                        "eenheid": x.eenheid,
                        "periode": x.periode,
                        "realisatie_pct": pct,
                        "bron_pagina": x.bron_pagina,
                    }
                )
            for b in m.budget:
                bud.append(
                    {"niveau": "maatregel", "opgave_id": o.id, "maatregel_id": m.id, "actie_id": None, **_budget(b)}
                )
    frames = {
        "opgaven": _frame(
            opg,
            [
                "opgave_id",
                "titel",
                "onderdeel_van",
                "thema",
                "domein",
                "n_doelen",
                "n_maatregelen",
                "eigenaar",
                "bron_pagina",
            ],
        ),
        "doelen": _frame(doel, ["opgave_id", "doel_id", "tekst", "soort", "deadline", "n_indicatoren", "bron_pagina"]),
        "indicatoren": _frame(
            ind,
            [
                "opgave_id",
                "doel_id",
                "maatregel_id",
                "indicator_id",
                "baseline_waarde",
                "baseline_periode",
                "streefwaarde",
                "richting",
                "deadline",
                "realisatie_waarde",
                "realisatie_periode",
            ],
        ),
        "maatregelen": _frame(
            mr,
            [
                "opgave_id",
                "maatregel_id",
                "titel",
                "status",
                "opgegaan_in",
                "bewijs_niveau",
                "preventie_niveau",
                "domein",
                "eigenaar",
                "uitvoerder",
                "n_acties",
                "bron_pagina",
            ],
        ),
        "acties": _frame(act, ["opgave_id", "maatregel_id", "actie_id", "omschrijving", "status", "realisatie"]),
        "outputs": _frame(
            out,
            [
                "opgave_id",
                "maatregel_id",
                "omschrijving",
                "realisatie",
                "doel",
                "doel_max",
                "eenheid",
                "periode",
                "realisatie_pct",
                "bron_pagina",
            ],
        ),
        "budget": _frame(
            bud,
            [
                "niveau",
                "opgave_id",
                "maatregel_id",
                "actie_id",
                "jaar",
                "begroot",
                "gerealiseerd",
                "post",
                "deel_van",
                "in_totaal",
                "bron",
                "toelichting",
                "bron_pagina",
            ],
        ),
        "besparingen": _frame(
            [dataclasses.asdict(b) for b in plan.besparingen],
            [
                "id",
                "post",
                "jaar",
                "gepland",
                "soort_gepland",
                "gerealiseerd",
                "soort_gerealiseerd",
                "reeks",
                "maatregel",
                "bron",
                "toelichting",
                "bron_pagina",
            ],
        ),
        "taakstellingen": _frame(
            [dataclasses.asdict(t) for t in plan.taakstellingen],
            [
                "id",
                "omschrijving",
                "bedrag",
                "soort",
                "jaar",
                "structureel",
                "schaal",
                "status",
                "reeks",
                "gerealiseerd",
                "openstaand",
                "toelichting",
                "bron_pagina",
            ],
        ),
        "interventies": _frame(
            [
                {
                    **dataclasses.asdict(x),
                    "preventie_niveau": ", ".join(x.preventie_niveau),
                    "domein": ", ".join(x.domein),
                }
                for x in plan.interventies
            ],
            [
                "id",
                "naam",
                "status",
                "status_tekst",
                "kosten",
                "bezuiniging",
                "resultaat_gerapporteerd",
                "resultaat",
                "opgave",
                "maatregel",
                "preventie_niveau",
                "domein",
                "bron_pagina",
            ],
        ),
    }
    for name in ("budget", "besparingen", "taakstellingen", "interventies", "outputs", "indicatoren"):
        df = frames[name]
        for col in (
            "begroot",
            "gerealiseerd",
            "gepland",
            "bedrag",
            "kosten",
            "openstaand",
            "bezuiniging",
            "realisatie",
            "doel",
            "doel_max",
            "realisatie_pct",
            "baseline_waarde",
            "streefwaarde",
            "realisatie_waarde",
        ):
            if col in df.columns:
                df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
    return frames


def _budget(b: object) -> dict:
    return {
        "jaar": b.jaar,
        "begroot": b.begroot,
        "gerealiseerd": b.gerealiseerd,
        "post": b.post,
        "deel_van": b.deel_van,
        "in_totaal": b.in_totaal,
        "bron": b.bron,
        "toelichting": b.toelichting,
        "bron_pagina": b.bron_pagina,
    }


# ------------------------------------------------------------------------------------------------------ CLI
def main(argv: list[str] | None = None, echo: Callable[[str], None] = print) -> int:
    """Validate plan files; print problems and warnings; return the number of invalid files."""
    args = sys.argv[1:] if argv is None else argv
    files = [Path(a) for a in args] or all_plan_files()
    known = registry_codes()
    bad = 0
    for f in files:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", PlanWarning)
                plan = load_plan(f, known_codes=known)
        except PlanValidationError as exc:
            bad += 1
            echo(f"ONGELDIG {display_path(f)} ({len(exc.problems)} problemen)")
            for p in exc.problems:
                echo(f"  - {p}")
            continue
        except Exception as exc:  # noqa: BLE001 - one broken file never stops the check of the others
            bad += 1
            echo(f"ONGELDIG {display_path(f)} (1 probleem)")
            echo(f"  - {display_path(f)}: niet te controleren ({type(exc).__name__}: {str(exc)[:200]})")
            continue
        n_m = sum(len(o.maatregelen) for o in plan.opgaven)
        echo(
            f"OK {display_path(f)}: {len(plan.opgaven)} opgaven, {n_m} maatregelen, {len(plan.warnings)} waarschuwingen"
        )
        for w in plan.warnings:
            echo(f"  ! {w}")
    return bad


if __name__ == "__main__":  # pragma: no cover
    sys.exit(1 if main() else 0)
