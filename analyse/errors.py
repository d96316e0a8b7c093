"""Exceptions with messages that name the problem and where it is.

Every error the package raises on bad input derives from :class:`AnalyseError`, so the report runner can
tell an input problem (explained in plain Dutch on an error page) from a bug.
"""

from __future__ import annotations

from typing import Iterable, Mapping


class AnalyseError(Exception):
    """Base class for all expected, explainable failures.

    ``soort`` is the machine label of the failure class (see :data:`analyse.report.failures.SOORTEN`); the report
    kernel sends it to the runner as data (:mod:`analyse.report.outcome`), so the diagnosis never depends on the
    message text.
    """

    soort: str = "data"


class UnknownGemeenteError(AnalyseError, KeyError):
    """A gemeente code that is malformed or does not exist in the requested indelingsjaar.

    ``code``: the (normalised) code that was asked for, where known; it travels in the error record's fields.
    """

    soort = "onbekende_gemeente"

    def __init__(self, message: str = "", code: str | None = None):
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class MergedGemeenteError(UnknownGemeenteError):
    """A gemeente code that existed once but was merged (herindeling) before the indelingsjaar."""

    soort = "heringedeeld"

    def __init__(self, message: str, successor: str | None = None, code: str | None = None):
        super().__init__(message, code)
        self.successor = successor


class DataIntegrityError(AnalyseError):
    """A raw file that is corrupt, truncated, changed (checksum mismatch) or has the wrong columns."""

    soort = "data_beschadigd"


class DataNotAvailableError(AnalyseError):
    """Requested data (year, indicator, region) is not in the processed tables."""


class PlanValidationError(AnalyseError):
    """A plan YAML file with one or more problems; ``problems`` lists all of them."""

    soort = "plan"

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class ParameterError(AnalyseError, ValueError):
    """A notebook/report parameter with a wrong name, type or value."""

    soort = "parameter"


class ContractError(DataIntegrityError):
    """A processed table that does not meet its contract (``table`` and ``problem`` say which and what)."""

    def __init__(self, table: str, problem: str):
        self.table, self.problem = table, problem
        super().__init__(f"De verwerkte tabel {table!r} klopt niet: {problem}. Bouw de gegevens opnieuw met "
                         "'make data'.")


class UnknownIndicatorError(AnalyseError, KeyError):
    """An indicator id that is not in the catalogue (the message suggests close ids)."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownValueError(AnalyseError, ValueError):
    """A choice (period type, unit, cluster, method, …) outside its vocabulary (the message suggests one)."""


def suggestion(value: object, choices: Iterable[object], aliases: Mapping[str, str] | None = None,
               n: int = 3) -> str:
    """`` Bedoelde u 'jaar'?`` for the closest of ``choices`` (difflib), or an empty string.

    Args:
        value: What the caller wrote.
        choices: The valid values.
        aliases: Known slips mapped to the right value (e.g. English ``year`` → ``jaar``), tried first.
        n: At most this many suggestions.
    """
    import difflib  # noqa: PLC0415 – imported where used (heavy or would form a cycle)

    options = [str(c) for c in choices]
    text = str(value).strip()
    hits: list[str] = []
    if aliases and text.casefold() in aliases:
        hits.append(aliases[text.casefold()])
    lower = {o.casefold(): o for o in options}
    hits += [lower[m] for m in difflib.get_close_matches(text.casefold(), list(lower), n=n, cutoff=0.6)]
    hits += [o for o in options if len(text) >= 3 and text.casefold() in o.casefold()]
    hits = list(dict.fromkeys(hits))[:n]
    if not hits:
        return ""
    return " Bedoelde u " + " of ".join(repr(h) for h in hits) + "?"


def choose(value: object, choices: Iterable[object], what: str, aliases: Mapping[str, str] | None = None,
           error: type[AnalyseError] = UnknownValueError) -> str:
    """Return ``value`` when it is one of ``choices``; else raise ``error`` in Dutch naming ``what``, the valid
    values and the closest one (``period_type='year'`` → "Bedoelde u 'jaar'?")."""
    options = [str(c) for c in choices]
    if str(value) in options:
        return str(value)
    listed = ", ".join(options) if len(options) <= 12 else ", ".join(options[:12]) + ", …"
    raise error(f"Onbekende {what} {value!r}.{suggestion(value, options, aliases)} Kies uit: {listed}.")
