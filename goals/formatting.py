"""How values and periods are written in the page's language (4,6 % in Danish, 4.6% in English)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.periods import UnknownPeriodFormat, parse_period
from municipalities.models import Area


def _is_english() -> bool:
    return (get_language() or "da").startswith("en")


def format_number(value: Decimal | float, decimals: int = 1) -> str:
    """A number with the language's separators: 1,234.5 (en) / 1.234,5 (da)."""
    text = f"{Decimal(str(value)):,.{decimals}f}"
    if _is_english():
        return text
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def format_value(value: Decimal | float | None, unit: str) -> str:
    """A value with its unit: "4,6 %" (da, with a no-break space) / "4.6%" (en); counts without decimals; None as a dash."""
    if value is None:
        return "–"
    if unit == Indicator.Unit.COUNT:
        return format_number(value, 0)
    number = format_number(value, 1)
    if unit == Indicator.Unit.PERCENT:
        # Danish puts a space before %, a non-breaking one so "58,0 %" never breaks across lines.
        return f"{number}%" if _is_english() else f"{number}\N{NO-BREAK SPACE}%"
    return number


def format_change(value: Decimal | float, unit: str) -> str:
    """A signed change: percent changes are in percentage points."""
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    number = format_number(abs(value), 0 if unit == Indicator.Unit.COUNT else 1)
    if unit == Indicator.Unit.PERCENT:
        return _("%(sign)s%(number)s procentpoint") % {"sign": sign, "number": number}
    return f"{sign}{number}"


def format_period(code: str) -> str:
    """A period for people: 2023M09 → "september 2023" / "September 2023", 2023Q02 → "2. kvartal 2023"."""
    return _period_label(code, get_language() or "da")


@lru_cache(maxsize=4096)
def _period_label(code: str, language: str) -> str:
    # Cached per language: the same few dozen periods are written hundreds of times per page.
    try:
        period = parse_period(code)
    except UnknownPeriodFormat:
        return code
    # The number after the type letters: month, quarter or half (2023M09, 2023Q02, 2023QMAT02, 2023H1).
    year, digits = code[:4], "".join(ch for ch in code[4:] if ch.isdigit())
    n = int(digits) if digits else 0
    if period.type in {"M", "MYTD"}:
        return date_format(period.start, "F Y")
    if period.type == "Q":
        return _("%(n)s. kvartal %(year)s") % {"n": n, "year": year}
    if period.type == "QMAT":
        return _("12 mdr. til %(n)s. kvartal %(year)s") % {"n": n, "year": year}
    if period.type == "H":
        return _("%(n)s. halvår %(year)s") % {"n": n, "year": year}
    return year


def format_date(moment: datetime | date) -> str:
    """A date for people: "3. marts 2025" / "3 March 2025"; datetimes in Copenhagen time, with the clock."""
    if isinstance(moment, datetime):
        local = timezone.localtime(moment)
        return date_format(local, "j F Y, H:i" if _is_english() else "j. F Y \\k\\l. H:i")
    return date_format(moment, "j F Y" if _is_english() else "j. F Y")


def chart_source(*, newest_period: str | None, fetched_at: datetime | None, plans: bool = False) -> str:
    """Every chart's and download's source line: who publishes the numbers, the newest period shown, when fetched."""
    publisher = (
        _("Jobindsats.dk (STAR) og kommunens beskæftigelsesplan") if plans else _("Jobindsats.dk (STAR)")
    )
    return _("Kilde: %(publisher)s · tal til og med %(period)s, hentet %(date)s · Måltavlen") % {
        "publisher": publisher,
        "period": format_period(newest_period) if newest_period else "–",
        "date": format_date(timezone.localtime(fetched_at).date()) if fetched_at else "–",
    }


def country_name() -> str:
    """The country's name in the page's language: the stored area name is Danish ("Hele landet")."""
    return str(Area.Kind.COUNTRY.label)
