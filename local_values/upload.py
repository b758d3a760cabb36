"""Reading an uploaded CSV or .xlsx of values into rows (pandas), and the template file to fill in.

Only the cells are read: nothing in a file is executed (a formula's text is a cell that is not a number; openpyxl
reads a workbook's stored values and never evaluates them). A file is accepted by its name *and* its content, under
MAX_UPLOAD_BYTES and MAX_ROWS. Rows are numbered as the spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING

from indicators.models import Indicator
from indicators.periods import period_label
from local_values.validation import RawRow

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000  # far more periods than 2018 to now has months
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024  # a small zip that unpacks to gigabytes is refused before reading
# Column headings people write, lower-cased, for each of the three columns.
HEADINGS = {
    "period": {"periode", "period"},
    "value": {"værdi", "vaerdi", "value"},
    "base": {"grundlag", "base"},
}
TEMPLATE_HEADER = ["periode", "værdi", "grundlag"]


class UploadRefused(ValueError):
    """A file that is not read at all (too large, not a CSV or .xlsx, no heading row); the message says why."""


def read_upload(upload: UploadedFile) -> list[RawRow]:
    """The file's data rows as text cells with their spreadsheet row numbers; UploadRefused when unreadable."""
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise UploadRefused(_("Filen er for stor: højst 2 MB."))
    content = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise UploadRefused(_("Filen er for stor: højst 2 MB."))
    name = (upload.name or "").lower()
    if name.endswith(".xlsx") and _is_xlsx(content):
        frame = _read_xlsx(content)
    elif name.endswith(".csv") and _is_text(content):
        frame = _read_csv(content)
    else:
        raise UploadRefused(
            _("Filen kan ikke læses: upload en CSV-fil (.csv) eller en Excel-projektmappe (.xlsx).")
        )
    return _rows(frame)


def _is_xlsx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return False
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        return False
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _is_text(content: bytes) -> bool:
    return b"\x00" not in content and not content.startswith(b"PK\x03\x04")


def _decode(content: bytes) -> str:
    """UTF-8 (with or without Excel's byte-order mark), else Windows-1252 (older Danish Excel)."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read_csv(content: bytes) -> pd.DataFrame:
    text = _decode(content)
    header = text.split("\n", 1)[0]
    separator = ";" if header.count(";") >= header.count(",") and ";" in header else ","
    try:
        return pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,  # row numbers must stay those the spreadsheet shows
            quoting=csv.QUOTE_MINIMAL,
            nrows=MAX_ROWS + 1,
            on_bad_lines="error",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise UploadRefused(_("CSV-filen kan ikke læses: %(error)s") % {"error": str(exc)[:200]}) from exc


def _read_xlsx(content: bytes) -> pd.DataFrame:
    try:
        return pd.read_excel(
            io.BytesIO(content),
            sheet_name=0,
            dtype=str,
            keep_default_na=False,
            engine="openpyxl",
            nrows=MAX_ROWS + 1,
        )
    except Exception as exc:  # noqa: BLE001 - any broken workbook is one message to the person uploading
        raise UploadRefused(_("Excel-filen kan ikke læses.")) from exc


def _rows(frame: pd.DataFrame) -> list[RawRow]:
    columns = _columns(frame)
    if len(frame) > MAX_ROWS:
        raise UploadRefused(_("Filen har flere end %(n)s rækker.") % {"n": MAX_ROWS})
    rows = []
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        cells = {key: _cell(record[position]) for key, position in columns.items()}
        if not any(cells.values()) and not any(_cell(value) for value in record):
            continue  # an empty line is no row
        rows.append(
            RawRow(
                number=index + 2,  # the header is row 1
                period=cells["period"],
                value=cells["value"],
                base=cells.get("base", ""),
            )
        )
    return rows


def _columns(frame: pd.DataFrame) -> dict[str, int]:
    found: dict[str, int] = {}
    for position, heading in enumerate(frame.columns):
        text = str(heading).strip().lower()
        for key, names in HEADINGS.items():
            if text in names and key not in found:
                found[key] = position
    if "period" not in found or "value" not in found:
        raise UploadRefused(
            _("Første række skal være overskrifterne periode, værdi og evt. grundlag (som i skabelonen).")
        )
    return found


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    text = str(value).strip()
    return text.removesuffix(".0") if text.replace(".", "", 1).isdigit() and text.endswith(".0") else text


def template_rows(indicator: Indicator, periods: list[str]) -> list[list[str]]:
    """The template's rows: the heading, then each period in words with empty value (and base) cells."""
    header = TEMPLATE_HEADER if indicator.base_indicator_id else TEMPLATE_HEADER[:2]
    return [header, *([period_label(code)] + [""] * (len(header) - 1) for code in periods)]


def template_csv(rows: list[list[str]]) -> bytes:
    """Danish Excel's CSV: `;`, UTF-8 with a byte-order mark."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def template_xlsx(rows: list[list[str]]) -> bytes:
    """The same rows in a workbook, every cell plain text."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Værdier")[:31]
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value:
                cell = sheet.cell(row=number, column=column, value=value)
                cell.data_type = TYPE_STRING
    sheet.column_dimensions["A"].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
