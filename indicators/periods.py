"""Jobindsats period codes (API.md § Periods): parse a code into its type and a start date for sorting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


class UnknownPeriodFormat(ValueError):
    """A period code that matches none of the documented forms."""


# API.md § Periods: M 2023M01, Q 2023Q01 (two digits), QMAT 2023QMAT02, Y 2023 (probably).
# H (half-year, "2023H1") is accepted for the half-yearly recruitment survey of goal 5.
_PATTERNS = [
    ("QMAT", re.compile(r"^(?P<year>\d{4})QMAT(?P<n>0[1-4])$")),
    ("MYTD", re.compile(r"^(?P<year>\d{4})MYTD(?P<n>0[1-9]|1[0-2])$")),
    ("M", re.compile(r"^(?P<year>\d{4})M(?P<n>0[1-9]|1[0-2])$")),
    ("Q", re.compile(r"^(?P<year>\d{4})Q(?P<n>0[1-4])$")),
    ("H", re.compile(r"^(?P<year>\d{4})H(?P<n>[12])$")),
    ("Y", re.compile(r"^(?P<year>\d{4})$")),
]


@dataclass(frozen=True, order=True)
class Period:
    start: date
    type: str
    code: str

    def __str__(self) -> str:
        return self.code

    @property
    def label(self) -> str:
        """A human label: 2023M09 → "sep. 2023"-like text is left to templates; QMAT shows as "2023 K2"."""
        year, n = self.code[:4], self.code[-2:]
        if self.type == "QMAT":
            return f"{year} K{int(n)}"
        if self.type == "Q":
            return f"{year} K{int(n)}"
        return self.code


def parse_period(code: str) -> Period:
    """Parse a Jobindsats period id; raise UnknownPeriodFormat naming it when it is none of the known forms."""
    code = (code or "").strip()
    for period_type, pattern in _PATTERNS:
        match = pattern.match(code)
        if not match:
            continue
        year = int(match["year"])
        if year == 0:  # the pattern's four digits allow 0000, which no calendar has
            break
        n = int(match.groupdict().get("n") or 1)
        if period_type in {"M", "MYTD"}:
            start = date(year, n, 1)
        elif period_type in {"Q", "QMAT"}:
            # QMAT: the 12 months ending in quarter n; placed at that quarter's start so it sorts with Q.
            start = date(year, 3 * (n - 1) + 1, 1)
        elif period_type == "H":
            start = date(year, 1 if n == 1 else 7, 1)
        else:
            start = date(year, 1, 1)
        return Period(start=start, type=period_type, code=code)
    raise UnknownPeriodFormat(_("Ukendt periodekode fra Jobindsats: %(code)r") % {"code": code})


def months_between(earlier: date, later: date) -> int:
    """Whole months from one period start to another."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month
