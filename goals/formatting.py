"""How values and periods are written in the page's language (4,6 % in Danish, 4.6% in English)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.periods import period_label
from municipalities.models import Area


def _is_english() -> bool:
    return (get_language() or "da").startswith("en")


# Danish swaps the English separators: 1,234.5 → 1.234,5 (one pass over the text).
_DANISH_SEPARATORS = str.maketrans({",": ".", ".": ","})


def format_number(value: Decimal | float, decimals: int = 1, *, english: bool | None = None) -> str:
    """A number with the language's separators: 1,234.5 (en) / 1.234,5 (da); halves round up (1,25 → 1,3).

    english: whether the page is in English, when the caller already knows (a table asks for hundreds of values).
    """
    text = f"{_rounded(value, decimals):,.{decimals}f}"
    if _is_english() if english is None else english:
        return text
    return text.translate(_DANISH_SEPARATORS)


def _rounded(value: Decimal | float, decimals: int) -> Decimal:
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    # -0.04 is printed "0,0", never "-0,0".
    return rounded.copy_abs() if rounded.is_zero() else rounded


def decimals_shown(unit: str) -> int:
    """How many decimals a value of this unit is written with: counts none, percentages and rates one."""
    return 0 if unit == Indicator.Unit.COUNT else 1


def as_printed(value: Decimal | float, unit: str) -> Decimal:
    """The value as the page writes it (rounded to the decimals shown): what every word about it is decided on."""
    return _rounded(value, decimals_shown(unit))


def compare_printed(value: Decimal | float, reference: Decimal | float, unit: str) -> int:
    """-1, 0 or 1 as value is below, equal to or above reference *as both are printed* (1,44 and 1,36 are equal)."""
    a, b = as_printed(value, unit), as_printed(reference, unit)
    return (a > b) - (a < b)


def format_value(value: Decimal | float | None, unit: str) -> str:
    """A value with its unit: "4,6 %" (da, with a no-break space) / "4.6%" (en); counts without decimals; None as a dash."""
    if value is None:
        return "–"
    return _formatted_value(value, unit, _is_english())


def value_writer(unit: str) -> Callable[[Decimal | float | None], str]:
    """format_value for one unit in the page's language, read once: for tables and charts of hundreds of values."""
    english = _is_english()

    def write(value: Decimal | float | None) -> str:
        return "–" if value is None else _formatted_value(value, unit, english)

    return write


@lru_cache(maxsize=8192)
def _formatted_value(value: Decimal | float, unit: str, english: bool) -> str:
    # Kept per value, unit and language: a comparison page writes the same few hundred values in its tables, its
    # charts' tooltips and its sentences (Decimal("4.30") and Decimal("4.3") are equal, and written alike).
    number = format_number(value, decimals_shown(unit), english=english)
    if unit == Indicator.Unit.PERCENT:
        # Danish puts a space before %, a non-breaking one so "58,0 %" never breaks across lines.
        return f"{number}%" if english else f"{number}\N{NO-BREAK SPACE}%"
    return number


def format_change(old: Decimal | float, new: Decimal | float, unit: str) -> str:
    """The signed change between two values as printed (1,4 → 1,4 is "±0,0"); percent changes in percentage points."""
    value = as_printed(new, unit) - as_printed(old, unit)
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    number = format_number(abs(value), decimals_shown(unit))
    if unit == Indicator.Unit.PERCENT:
        return _("%(sign)s%(number)s procentpoint") % {"sign": sign, "number": number}
    return f"{sign}{number}"


def format_period(code: str) -> str:
    """A period for people: 2023M09 → "september 2023" / "September 2023", 2023Q02 → "2. kvartal 2023"."""
    return period_label(code)


def format_date(moment: datetime | date) -> str:
    """A date for people: "3. marts 2025" / "3 March 2025"; datetimes in Copenhagen time, with the clock."""
    if isinstance(moment, datetime):
        local = timezone.localtime(moment)
        return date_format(local, "j F Y, H:i" if _is_english() else "j. F Y \\k\\l. H:i")
    return date_format(moment, "j F Y" if _is_english() else "j. F Y")


def chart_source(
    *,
    newest_period: str | None,
    fetched_at: datetime | None,
    plans: bool = False,
    local_area: Area | None = None,
    reporters: bool = False,
) -> str:
    """Every chart's and download's source line: who publishes the numbers, the newest period shown, when fetched.

    A local indicator's numbers come from the municipality (local_area), or on a comparison of a shared one from
    the reporting municipalities (reporters); their date is when a value was last approved, not fetched.
    """
    words = {
        "period": format_period(newest_period) if newest_period else "–",
        "date": format_date(timezone.localtime(fetched_at).date()) if fetched_at else "–",
    }
    if local_area is not None or reporters:
        if reporters:
            publisher = _("kommunernes egne indberetninger")
        elif plans:
            publisher = _("%(name)s Kommunes egne tal og beskæftigelsesplan") % {"name": local_area.name}
        else:
            publisher = _("%(name)s Kommunes egne tal") % {"name": local_area.name}
        words["publisher"] = publisher
        return _("Kilde: %(publisher)s · tal til og med %(period)s, godkendt %(date)s · Måltavlen") % words
    words["publisher"] = (
        _("Jobindsats.dk (STAR) og kommunens beskæftigelsesplan") if plans else _("Jobindsats.dk (STAR)")
    )
    return _("Kilde: %(publisher)s · tal til og med %(period)s, hentet %(date)s · Måltavlen") % words


def country_name() -> str:
    """The country's name in the page's language: the stored area name is Danish ("Hele landet")."""
    return str(Area.Kind.COUNTRY.label)
