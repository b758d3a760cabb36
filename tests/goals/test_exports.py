"""Each chart's numbers as CSV (Danish Excel: `;`, BOM, decimal comma) and .xlsx, round-tripping the values."""

import csv
import io
from decimal import Decimal

import openpyxl

from municipalities.models import Area
from tests.goals.conftest import share_value


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def danish(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "."))


def test_status_chart_csv_round_trips_the_numbers(client, share_data):
    response = client.get("/kommune/randers/mm17-andel-opkvalificering.csv", {"aar": "2023"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response.content)
    assert rows[0] == ["Periode", "Randers", "Median for kommunerne i RAR Østjylland", "Hele landet"]
    randers = Area.objects.get(slug="randers")
    country = Area.objects.get(kind="country")
    first = rows[1]
    assert first[0] == "2022M01"
    assert danish(first[1]) == share_value(randers, 0)
    assert danish(first[3]) == share_value(country, 0)
    assert "," in rows[2][1]  # decimal comma, not a point
    assert len(rows) == 1 + 24


def test_status_chart_xlsx_round_trips_the_numbers_as_numbers(client, share_data):
    response = client.get("/kommune/randers/mm17-andel-opkvalificering.xlsx", {"aar": "2023"})

    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Data"].iter_rows(values_only=True))
    randers = Area.objects.get(slug="randers")
    assert rows[0][:2] == ("Periode", "Randers")
    assert rows[13][0] == "2023M01"
    assert Decimal(str(rows[13][1])) == share_value(randers, 12)
    assert "Kilde" in workbook["Om"]["A2"].value


def test_comparison_csv_lists_every_municipality_with_value_and_third(client, share_data):
    response = client.get(
        "/sammenlign/mm17-andel-opkvalificering/fordeling.csv", {"kommune": "randers", "periode": "2024M01"}
    )

    rows = read_csv(response.content)
    assert rows[0] == ["Kommune", "Region", "Værdi", "Tredjedel"]
    by_name = {row[0]: row for row in rows[1:]}
    assert len([r for r in rows[1:] if r[0] != "Hele landet"]) == 98
    assert danish(by_name["Randers"][2]) == share_value(Area.objects.get(slug="randers"), 24)
    assert by_name["Randers"][3] in {"Højeste tredjedel", "Midterste tredjedel", "Laveste tredjedel"}


def test_comparison_development_xlsx_has_the_periods(client, share_data):
    response = client.get("/sammenlign/mm17-andel-opkvalificering/udvikling.xlsx", {"kommune": "randers"})

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content))["Data"].iter_rows(values_only=True))
    assert rows[0][0] == "Periode"
    assert rows[-1][0] == "2024M12"


def test_unknown_export_format_is_a_404(client, share_data):
    assert client.get("/kommune/randers/mm17-andel-opkvalificering.pdf").status_code == 404
    assert client.get("/sammenlign/mm17-andel-opkvalificering/fordeling.exe").status_code == 404
    assert client.get("/kommune/randers/findes-ikke.csv").status_code == 404
