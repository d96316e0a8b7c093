"""analyse: monitoring and evaluation of Dutch municipal policy in the sociaal domein.

Start here (each call returns a tidy pandas DataFrame; docs/quickstart.md has recipes):

    import analyse
    analyse.catalogue("jeugd")                               # which indicators exist, with coverage
    analyse.indicator_data("jeugdzorg_pct", ["GM0531", "GM0505"])  # value, interval, regio and NL without
                                                             # the gemeente, comparison, harmonised, source
    analyse.peer_gemeenten("GM0531")                         # vergelijkbare gemeenten with distances
    analyse.costs("GM0531", "jeugd")                         # Iv3 lasten per inwoner, peers and Nederland
    analyse.herindeling_history("GM0014")                    # herindelingen and how each series was treated

Unknown ids, codes, period types or clusters raise a Dutch error with a suggestion. Column names are English
snake_case with Dutch domain nouns; periods are strings ("2023", "2023H1") for indicators and costs alike.

For a whole report: ``analyse.content.build_report`` (computing) and ``python -m analyse.report`` (HTML);
figures: ``analyse.plots``; statistics: ``analyse.stats``, ``analyse.compare``, ``analyse.trends``;
plans as data: ``analyse.plans``. Data flows one way: ``data/raw`` → :mod:`analyse.data` (build) →
``data/processed`` → content (pure) → report (render). API reference: ``make docs`` (docs/api/).
"""

from __future__ import annotations

from analyse._version import __version__ as __version__  # one declaration of the version

API = ("indicator_data", "catalogue", "peer_gemeenten", "costs", "herindeling_history")
"""The researcher's API (:mod:`analyse.api`), importable from the package itself (loaded on first use, so
``import analyse`` stays light and the data layer never imports the content layer through the package)."""


def __getattr__(name: str):  # PEP 562: `import analyse` stays light; the API loads pandas on first use
    if name in API:
        from analyse import api  # noqa: PLC0415 – `import analyse` stays light; the API loads the stack on first use

        return getattr(api, name)
    raise AttributeError(f"module 'analyse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *API])
