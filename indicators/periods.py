"""Jobindsats period codes (API.md § Periods): parse a code into its type and a start date for sorting."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.dateformat import format as date_format
from django.utils.translation import get_language, gettext_lazy
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


def period_label(code: str, *, language: str | None = None) -> str:
    """A period for people in the page language: 2024M03 → "marts 2024" / "March 2024", 2024H2 → "2. halvår 2024".

    language: the page's, when the caller already read it (a chart names hundreds of periods).
    """
    return _label(code, language or get_language() or "da")


@lru_cache(maxsize=4096)
def _label(code: str, language: str) -> str:
    # Cached per language: the same few dozen periods are written hundreds of times per page.
    try:
        period = parse_period(code)
    except UnknownPeriodFormat:
        return code
    year, n = period.start.year, int(code[-2:] if period.type != "H" else code[-1])
    words = {"n": n, "year": year, "month": date_format(period.start, "F")}
    if period.type == "M":
        return date_format(period.start, "F Y")
    if period.type == "MYTD":
        return _("året til og med %(month)s %(year)s") % words
    if period.type == "Q":
        return _("%(n)s. kvartal %(year)s") % words
    if period.type == "QMAT":
        return _("12 mdr. til %(n)s. kvartal %(year)s") % words
    if period.type == "H":
        return _("%(n)s. halvår %(year)s") % words
    return str(year)


# Month names people type, in both languages, full or short, with or without a dot ("mar.", "sept", "May").
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januar", "january", "jan"),
            ("februar", "february", "feb"),
            ("marts", "march", "mar"),
            ("april", "apr"),
            ("maj", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_ORDINALS = {"1": 1, "2": 2, "3": 3, "4": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_ORDINALS |= {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "første": 1,
    "andet": 2,
    "tredje": 3,
    "fjerde": 4,
}
_N = r"(?P<n>\d|\d(?:st|nd|rd|th)|first|second|third|fourth|første|andet|tredje|fjerde)\.?"
_Y = r"(?P<year>\d{4})"
_HALF = r"(?:halvår|half(?: of)?|halvåret)"
_QUARTER = r"(?:kvartal|quarter(?: of)?)"
# Each written form → the code it names; tried in order on lower-cased text with single spaces.
_WORDS = [
    ("QMAT", re.compile(rf"^(?:12 mdr\.?|12 måneder|12 months) (?:til|to) {_N} {_QUARTER} {_Y}$")),
    ("QMAT", re.compile(rf"^(?:12 mdr\.?|12 måneder|12 months) (?:til|to) [qk](?P<n>[1-4]) {_Y}$")),
    ("MYTD", re.compile(rf"^(?:året til og med|year to) (?P<month>[a-zæøå]+)\.? {_Y}$")),
    ("H", re.compile(rf"^{_N} {_HALF} {_Y}$")),
    ("H", re.compile(rf"^{_Y},? {_N} {_HALF}$")),
    ("H", re.compile(rf"^{_HALF} (?P<n>[12]) {_Y}$")),
    ("H", re.compile(rf"^h(?P<n>[12]) {_Y}$")),
    ("H", re.compile(rf"^{_Y} h(?P<n>[12])$")),
    ("Q", re.compile(rf"^{_N} {_QUARTER} {_Y}$")),
    ("Q", re.compile(rf"^{_Y},? {_N} {_QUARTER}$")),
    ("Q", re.compile(rf"^[qk](?P<n>[1-4]) {_Y}$")),
    ("Q", re.compile(rf"^{_Y} [qk](?P<n>[1-4])$")),
    ("M", re.compile(rf"^(?P<month>[a-zæøå]+)\.? {_Y}$")),
    ("M", re.compile(rf"^{_Y} (?P<month>[a-zæøå]+)\.?$")),
    ("M", re.compile(rf"^{_Y}-(?P<m>\d{{1,2}})$")),
    ("M", re.compile(rf"^(?P<m>\d{{1,2}})[/.-]{_Y}$")),
]
_CODE_WITH_ONE_DIGIT = re.compile(r"^(?P<year>\d{4})(?P<type>QMAT|Q|MYTD|M|H)0?(?P<n>\d{1,2})$")

PERIOD_EXAMPLES = gettext_lazy(
    "Skriv fx “marts 2024”, “1. kvartal 2024”, “2. halvår 2024” eller “2024” (Jobindsats' koder som 2024M03 "
    "virker også)."
)


def parse_period_text(text: str) -> Period:
    """A period typed by a person, in words (Danish or English) or as a Jobindsats code; raises UnknownPeriodFormat."""
    cleaned = " ".join((text or "").replace("\N{NO-BREAK SPACE}", " ").split()).lower()
    cleaned = re.sub(r"(\d)\.(?=[a-zæøå])", r"\1. ", cleaned)  # "2.halvår" as "2. halvår"
    code = _code_from_words(cleaned) or _canonical_code(cleaned.upper().replace(" ", ""))
    if code:
        try:
            return parse_period(code)
        except UnknownPeriodFormat:
            pass
    raise UnknownPeriodFormat(
        _("“%(value)s” er ikke en periode, Måltavlen kender. %(help)s")
        % {"value": (text or "").strip()[:30], "help": PERIOD_EXAMPLES}
    )


def _canonical_code(code: str) -> str:
    """2024q1 → 2024Q01, 2024m3 → 2024M03, 2024h02 → 2024H2: the code as Jobindsats writes it."""
    match = _CODE_WITH_ONE_DIGIT.match(code)
    if not match:
        return code
    kind, n = match["type"], int(match["n"])
    return f"{match['year']}{kind}{n}" if kind == "H" else f"{match['year']}{kind}{n:02d}"


def _code_from_words(text: str) -> str:
    for kind, pattern in _WORDS:
        match = pattern.match(text)
        if not match:
            continue
        fields = match.groupdict()
        if "month" in fields:
            n = _MONTHS.get(fields["month"])
        elif "m" in fields:
            n = int(fields["m"])
        else:
            n = _ORDINALS.get(fields["n"])
        if n is None:
            continue
        return f"{fields['year']}H{n}" if kind == "H" else f"{fields['year']}{kind}{n:02d}"
    return ""
