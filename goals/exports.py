"""A chart's numbers as files: CSV the way Danish Excel opens it, and .xlsx with typed cells.

Both hold what the chart shows: the period in words beside its Jobindsats code, each value column with its unit,
the target and baseline where the chart marks them, and whether a row's figures are provisional.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font

from goals.formatting import format_period
from goals.series import ChartTable
from indicators.models import Indicator

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text a spreadsheet would read as a formula (or a DDE call) when it starts with one of these (OWASP, "CSV
# Injection"): area, indicator and line names come from admins and the API and are never to be run.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Number formats that show the unit and the decimals the page shows; the cell keeps the exact value.
XLSX_NUMBER_FORMATS = {
    Indicator.Unit.PERCENT: '0.0" %"',
    Indicator.Unit.COUNT: "#,##0",
    Indicator.Unit.RATE: "0.0",
}

Cell = Decimal | str | None


def neutralise(text: str) -> str:
    """Text that a spreadsheet could take for a formula, made plain text with a leading apostrophe (OWASP)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _unit_name(unit: str) -> str:
    return str(Indicator.Unit(unit).label).lower() if unit in Indicator.Unit.values else unit


def export_rows(table: ChartTable) -> list[list[Cell]]:
    """The header and the rows a file holds: typed values (Decimal), words, and empty cells (None)."""
    unit = _unit_name(table.unit)
    value_columns = table.value_columns()
    columns = [
        _("%(name)s (%(unit)s)") % {"name": name, "unit": unit} if is_value else name
        for name, is_value in zip(table.columns, value_columns, strict=True)
    ]
    provisional = table.provisional or [False] * len(table.rows)
    yes, no = _("ja"), _("nej")
    if table.period_rows:
        header = [table.first_column, _("Periodekode"), *columns, _("Foreløbige tal")]
        body = [
            [format_period(key), key, *values, yes if flag else no]
            for (key, values), flag in zip(table.rows, provisional, strict=True)
        ]
    else:
        header = [table.first_column, *columns, _("Periode"), _("Periodekode"), _("Foreløbige tal")]
        period = format_period(table.period) if table.period else ""
        body = [
            [key, *values, period, table.period, yes if flag else no]
            for (key, values), flag in zip(table.rows, provisional, strict=True)
        ]
    return [header, *body]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Danish decimal comma, no thousands separator (Excel reads "1234,5" as a number).
        return format(value.normalize(), "f").replace(".", ",")
    return neutralise(value)


def table_csv(table: ChartTable) -> bytes:
    """`;`-separated, UTF-8 with a byte-order mark, decimal comma; hidden values are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in export_rows(table):
        writer.writerow([_csv_cell(cell) for cell in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def _write_row(sheet, number: int, row: list[Cell], number_format: str, bold: bool = False) -> None:
    """One row of typed cells: numbers as numbers in the unit's format, text always as text (never a formula)."""
    for column, value in enumerate(row, start=1):
        if value is None:
            continue
        cell = sheet.cell(row=number, column=column)
        if isinstance(value, Decimal):
            cell.value = value
            cell.number_format = number_format
        else:
            cell.value = neutralise(value)
            cell.data_type = TYPE_STRING
        if bold:
            cell.font = Font(bold=True)


def table_xlsx(table: ChartTable, *, source: str) -> bytes:
    """A workbook: the numbers on the first sheet (typed), title, unit, target, baseline and source on the second."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    number_format = XLSX_NUMBER_FORMATS.get(table.unit, "General")
    for number, row in enumerate(export_rows(table), start=1):
        _write_row(sheet, number, row, number_format, bold=number == 1)
    sheet.freeze_panes = "A2"
    about = workbook.create_sheet("Om")
    lines = [table.title, _("Enhed: %(unit)s") % {"unit": _unit_name(table.unit)}, *table.notes, source]
    for number, line in enumerate(lines, start=1):
        _write_row(about, number, [line], number_format)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def download(table: ChartTable, *, fmt: str, filename: str, source: str) -> HttpResponse:
    """The table as a file download in the requested format ("csv" or "xlsx")."""
    if fmt == "xlsx":
        response = HttpResponse(table_xlsx(table, source=source), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(table_csv(table), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
