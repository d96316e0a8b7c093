"""Project-wide defaults that several layers share (one place each).

- :data:`REPORT_INDELINGSJAAR`: the gemeentelijke indeling the reports and derived tables are built for.
- :data:`DEFAULT_STARTJAAR_BELEID`: policy start year used when a gemeente has no plan that names one.
"""

from __future__ import annotations

REPORT_INDELINGSJAAR: int = 2024
"""Indelingsjaar of the derived tables (``indicators_<jaar>``, ``referenties_<jaar>``) and of the reports."""

DEFAULT_STARTJAAR_BELEID: int = 2020
"""Base year of the comparison when no plan names a policy start (shown in the report header)."""
