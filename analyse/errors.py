"""Exceptions with messages that name the problem and where it is.

Every error the package raises on bad input derives from :class:`AnalyseError`, so the report runner can
tell an input problem (explained in plain Dutch on an error page) from a bug.
"""

from __future__ import annotations


class AnalyseError(Exception):
    """Base class for all expected, explainable failures.

    ``soort`` is the machine label of the failure class (see :data:`analyse.report.failures.SOORTEN`); the report
    kernel sends it to the runner as data (:mod:`analyse.report.outcome`), so the diagnosis never depends on the
    message text.
    """

    soort: str = "data"


class UnknownGemeenteError(AnalyseError, KeyError):
    """A gemeente code that is malformed or does not exist in the requested indelingsjaar."""

    soort = "onbekende_gemeente"

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class MergedGemeenteError(UnknownGemeenteError):
    """A gemeente code that existed once but was merged (herindeling) before the indelingsjaar."""

    soort = "heringedeeld"

    def __init__(self, message: str, successor: str | None = None):
        super().__init__(message)
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
