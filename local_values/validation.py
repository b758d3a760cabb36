"""The one set of rules a locally entered value must pass, whether typed in the form or read from an upload.

Each row is checked on its own (period, number, unit's range, base) and against the others (one row per period);
every problem is reported with the row number a person sees (the form's period, the spreadsheet's row).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from indicators.models import Indicator
from indicators.periods import UnknownPeriodFormat, parse_period_text, period_label

# The period types a local indicator can have, in the order the definition form offers them.
LOCAL_PERIOD_TYPES = ("Y", "H", "Q", "M")
MAX_DECIMALS = 4  # LocalValue.value and Observation.value keep four decimals
MAX_ABS = Decimal("1e13")  # within the database's 18 digits with 4 decimals
_SCALE = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(?:-|–|—|til|to)\s*(-?\d+(?:[.,]\d+)?)")


class NotANumber(ValueError):
    """Text that is not a number in Danish or English notation."""


@dataclass(frozen=True)
class RawRow:
    """A row as entered: its number as the person sees it, and the three cells as text."""

    number: int
    period: str
    value: str
    base: str = ""


@dataclass(frozen=True)
class ValueRow:
    """A valid row: the period's code and start, the value, and the base (None when the indicator has none)."""

    period: str
    period_start: date
    value: Decimal
    base: Decimal | None


@dataclass(frozen=True)
class RowProblem:
    number: int
    message: str


@dataclass(frozen=True)
class Checked:
    rows: list[ValueRow]
    problems: list[RowProblem]


def parse_number(text: str) -> Decimal | None:
    """A number as people type it: "12,5", "12.5", "1.234,5", "1,234.5", "12,5 %"; None for an empty cell."""
    cleaned = (text or "").replace("\N{NO-BREAK SPACE}", "").replace(" ", "").removesuffix("%")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        # The later separator is the decimal one; the other groups thousands.
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "")
    elif cleaned.count(".") > 1:
        cleaned = cleaned.replace(".", "")  # 1.234.567: Danish thousands
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        raise NotANumber(text)
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise NotANumber(text) from exc


def scale_bounds(scale: str) -> tuple[Decimal, Decimal] | None:
    """The lowest and highest score of a scale written "1–5" or "0-100 (100 er bedst)"; None when not stated."""
    match = _SCALE.match(scale or "")
    if not match:
        return None
    low, high = (Decimal(part.replace(",", ".")) for part in match.groups())
    return (low, high) if low < high else None


def check_rows(*, indicator: Indicator, rows: Iterable[RawRow], today: date) -> Checked:
    """Every row checked by the same rules; valid rows and, for the others, each problem with its row number."""
    valid: list[ValueRow] = []
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    for raw in rows:
        try:
            row = check_row(indicator=indicator, raw=raw, today=today)
        except RowError as error:
            problems.append(RowProblem(raw.number, str(error)))
            continue
        if row.period in seen:
            message = _("%(period)s står også i række %(row)s.") % {
                "period": period_label(row.period),
                "row": seen[row.period],
            }
            problems.append(RowProblem(raw.number, message))
            continue
        seen[row.period] = raw.number
        valid.append(row)
    return Checked(rows=valid, problems=problems)


class RowError(ValueError):
    """Why one row cannot be saved, in words the person who entered it can act on."""


def check_row(*, indicator: Indicator, raw: RawRow, today: date) -> ValueRow:
    """One row made valid, or RowError saying why not."""
    period = _period(indicator, raw.period, today)
    value = _number(raw.value, _("Værdien"))
    if value is None:
        raise RowError(_("Værdien mangler."))
    _check_value(indicator, value)
    base = _number(raw.base, _("Grundlaget"))
    if indicator.base_indicator_id is None:
        if base is not None:
            raise RowError(_("Indikatoren har intet grundlag; lad grundlaget stå tomt."))
    elif base is None:
        raise RowError(_("Grundlaget mangler: indikatoren kræver et grundlag (et antal) til hver værdi."))
    elif base < 0 or base != base.to_integral_value():
        raise RowError(_("Grundlaget skal være et helt tal, 0 eller derover."))
    return ValueRow(period=period.code, period_start=period.start, value=value, base=base)


def _period(indicator: Indicator, text: str, today: date):
    if not (text or "").strip():
        raise RowError(_("Perioden mangler."))
    try:
        period = parse_period_text(text)
    except UnknownPeriodFormat as exc:
        raise RowError(str(exc)) from exc
    if period.type != indicator.period_type:
        raise RowError(
            _("%(period)s er ikke en periode af indikatorens type (%(kind)s).")
            % {"period": period_label(period.code), "kind": period_type_name(indicator.period_type)}
        )
    if period.start > today:
        raise RowError(_("%(period)s er ikke begyndt endnu.") % {"period": period_label(period.code)})
    return period


def _number(text: str, what: str) -> Decimal | None:
    try:
        number = parse_number(text)
    except NotANumber as exc:
        raise RowError(
            _("%(what)s “%(text)s” er ikke et tal.") % {"what": what, "text": (text or "").strip()[:30]}
        ) from exc
    if number is None:
        return None
    if abs(number) >= MAX_ABS:
        raise RowError(_("%(what)s er for stort.") % {"what": what})
    if number != number.quantize(Decimal(1).scaleb(-MAX_DECIMALS)):
        raise RowError(_("%(what)s har mere end fire decimaler.") % {"what": what})
    return number


def _check_value(indicator: Indicator, value: Decimal) -> None:
    unit = indicator.unit
    if unit == Indicator.Unit.PERCENT and not 0 <= value <= 100:
        raise RowError(_("En procentsats skal ligge mellem 0 og 100."))
    if unit == Indicator.Unit.COUNT and value < 0:
        raise RowError(_("Et antal kan ikke være negativt."))
    if unit == Indicator.Unit.COUNT and value != value.to_integral_value():
        raise RowError(_("Et antal skal være et helt tal."))
    if unit == Indicator.Unit.PER_THOUSAND and value < 0:
        raise RowError(_("En værdi pr. 1.000 kan ikke være negativ."))
    if unit == Indicator.Unit.SCORE:
        bounds = scale_bounds(indicator.scale)
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise RowError(_("Scoren skal ligge på skalaen %(scale)s.") % {"scale": indicator.scale.strip()})


def period_type_name(code: str) -> str:
    """A period type in words: "år", "halvår", "kvartal", "måned"."""
    names = {"Y": _("år"), "H": _("halvår"), "Q": _("kvartal"), "M": _("måned")}
    return names.get(code, code)
