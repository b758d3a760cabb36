"""A chart's numbers as files: CSV the way Danish Excel opens it, and .xlsx."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook

from goals.series import ChartTable

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _csv_cell(value: Decimal | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        # Danish decimal comma, no thousands separator (Excel reads "1234,5" as a number).
        return format(value.normalize(), "f").replace(".", ",")
    return value


def table_csv(table: ChartTable) -> bytes:
    """`;`-separated, UTF-8 with a byte-order mark, decimal comma; hidden values are empty cells."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([table.first_column, *table.columns])
    for key, values in table.rows:
        writer.writerow([key, *(_csv_cell(v) for v in values)])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def table_xlsx(table: ChartTable, *, source: str) -> bytes:
    """A workbook: the numbers on the first sheet (as numbers), title and source on the second."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    sheet.append([table.first_column, *table.columns])
    for key, values in table.rows:
        sheet.append([key, *(float(v) if isinstance(v, Decimal) else v for v in values)])
    about = workbook.create_sheet("Om")
    about.append([table.title])
    about.append([source])
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
