"""Each chart's numbers as CSV (Danish Excel: `;`, BOM, decimal comma) and .xlsx, round-tripping the values."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from goals.exports import neutralise, table_csv, table_xlsx
from goals.series import ChartTable
from municipalities.models import Area
from tests.goals.conftest import share_value


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def danish(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "."))


def test_status_chart_csv_round_trips_the_numbers_with_period_words_unit_target_and_flags(client, share_data):
    response = client.get("/kommune/randers/mm17-andel-opkvalificering.csv", {"aar": "2023"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows[0] == [
        "Periode",
        "Periodekode",
        "Randers (procent)",
        "Median for kommunerne i RAR Østjylland (procent)",
        "Hele landet (procent)",
        "Basis (procent)",
        "Mål (procent)",
        "Foreløbige tal",
    ]
    randers = Area.objects.get(slug="randers")
    country = Area.objects.get(kind="country")
    first = rows[1]
    assert first[:2] == ["januar 2022", "2022M01"]
    assert danish(first[2]) == share_value(randers, 0)
    assert danish(first[4]) == share_value(country, 0)
    assert "," in rows[2][2]  # decimal comma, not a point
    assert len(rows) == 1 + 24
    by_code = {row[1]: row for row in rows[1:]}
    assert danish(by_code["2022M12"][5]) == Decimal("4.1") and by_code["2022M12"][6] == ""
    assert by_code["2023M12"][6] != "" and by_code["2023M12"][5] == ""
    assert {row[7] for row in rows[1:]} == {"nej"}


def test_status_chart_xlsx_has_typed_cells_the_unit_target_and_period_words(client, share_data):
    response = client.get("/kommune/randers/mm17-andel-opkvalificering.xlsx", {"aar": "2023"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Data"]
    rows = list(sheet.iter_rows(values_only=True))
    randers = Area.objects.get(slug="randers")
    assert rows[0][:3] == ("Periode", "Periodekode", "Randers (procent)")
    assert rows[13][:2] == ("januar 2023", "2023M01")
    value_cell = sheet.cell(row=14, column=3)
    assert value_cell.data_type == "n" and Decimal(str(value_cell.value)) == share_value(randers, 12)
    assert value_cell.number_format == '0.0" %"'
    assert sheet.cell(row=14, column=1).data_type == "s"
    about = [row[0] for row in workbook["Om"].iter_rows(values_only=True)]
    assert "Enhed: procent" in about
    assert any(line.startswith("Mål: ") and "december 2023" in line for line in about)
    assert any(line.startswith("Basis: 4,1") for line in about)
    assert any("Kilde" in line for line in about)


def test_comparison_csv_lists_every_municipality_with_value_third_period_and_flag(client, share_data):
    response = client.get(
        "/sammenlign/mm17-andel-opkvalificering/fordeling.csv", {"kommune": "randers", "periode": "2024M12"}
    )

    rows = read_csv(response.content)
    assert rows[0] == [
        "Kommune",
        "Region",
        "Værdi (procent)",
        "Tredjedel",
        "Periode",
        "Periodekode",
        "Foreløbige tal",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert len([r for r in rows[1:] if r[0] != "Hele landet"]) == 98
    assert danish(by_name["Randers"][2]) == share_value(Area.objects.get(slug="randers"), 35)
    assert by_name["Randers"][3].split(" (")[0] in {
        "Bedste tredjedel",
        "Midterste tredjedel",
        "Dårligste tredjedel",
    }
    assert by_name["Randers"][4:] == ["december 2024", "2024M12", "ja"]


def test_comparison_development_xlsx_has_the_periods_in_words_and_the_provisional_ones_flagged(
    client, share_data
):
    response = client.get("/sammenlign/mm17-andel-opkvalificering/udvikling.xlsx", {"kommune": "randers"})

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Data"].iter_rows(values_only=True))
    assert rows[0][:2] == ("Periode", "Periodekode")
    assert rows[-1][:2] == ("december 2024", "2024M12")
    assert rows[-1][-1] == "ja" and rows[-3][-1] == "nej"


def test_english_export_names_periods_and_columns_in_english(client, share_data):
    response = client.get("/en/kommune/randers/mm17-andel-opkvalificering.csv", {"aar": "2023"})

    rows = read_csv(response.content)
    assert rows[0][:3] == ["Period", "Period code", "Randers (percent)"]
    assert rows[1][:2] == ["January 2022", "2022M01"]


FORMULA_NAMES = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_formula_like_names_are_exported_as_text_in_csv_and_xlsx(name):
    table = ChartTable(
        title=name,
        first_column="Kommune",
        columns=["Region", "Værdi", "Tredjedel"],
        rows=[(name, [name, Decimal("-1.5"), "Midterste tredjedel"])],
        unit="percent",
        period_rows=False,
        provisional=[False],
        period="2024M03",
    )

    csv_rows = read_csv(table_csv(table))
    assert csv_rows[1][:3] == ["'" + name, "'" + name, "-1,5"]

    workbook = openpyxl.load_workbook(io.BytesIO(table_xlsx(table, source=name)))
    row = [workbook["Data"].cell(row=2, column=c) for c in (1, 2, 3)]
    assert [cell.data_type for cell in row] == ["s", "s", "n"]
    # XML reads a carriage return back as a line feed; what matters is the apostrophe in front.
    assert row[0].value.startswith("'") and row[0].value[1:].strip() == name.strip() and row[2].value == -1.5
    assert all(cell.data_type == "s" for cell in workbook["Om"]["A"])


def test_neutralise_leaves_ordinary_text_alone():
    assert neutralise("Randers") == "Randers"
    assert neutralise("Høje-Taastrup") == "Høje-Taastrup"
    assert neutralise("=1+1") == "'=1+1"


def test_unknown_export_format_is_a_404(client, share_data):
    assert client.get("/kommune/randers/mm17-andel-opkvalificering.pdf").status_code == 404
    assert client.get("/sammenlign/mm17-andel-opkvalificering/fordeling.exe").status_code == 404
    assert client.get("/kommune/randers/findes-ikke.csv").status_code == 404
