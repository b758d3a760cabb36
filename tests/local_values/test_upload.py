"""Uploading values: CSV (Danish Excel's or plain) and .xlsx, validated as a whole, previewed, then saved as drafts."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from indicators.models import LocalValue, Observation, ObservationRevision
from local_values import approval

UPLOAD = "/kommune/randers/lokale-indikatorer/{code}/upload/"
PREVIEW = "/kommune/randers/lokale-indikatorer/{code}/upload/forhaandsvisning/"


def csv_file(text: str, name: str = "vaerdier.csv", encoding: str = "utf-8-sig") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows: list[list], name: str = "vaerdier.xlsx") -> SimpleUploadedFile:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload_and_confirm(client, indicator, the_file) -> str:
    """Upload, follow to the preview, confirm; returns the preview's HTML."""
    response = client.post(UPLOAD.format(code=indicator.code), {"file": the_file})
    assert response.status_code == 302, response.content.decode()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    token = response["Location"].split("t=")[1]
    confirmed = client.post(PREVIEW.format(code=indicator.code), {"t": token})
    assert confirmed.status_code == 302
    return preview.content.decode()


def stored(indicator) -> dict:
    return {
        v.period: (v.value, v.base) for v in LocalValue.objects.filter(indicator=indicator, status="draft")
    }


DANISH_EXCEL = "periode;værdi;grundlag\r\n2022;73,4;455\r\n2. halvår 2023;1;1\r\n"


@pytest.mark.parametrize(
    ("the_file", "expected"),
    [
        (
            csv_file("periode;værdi;grundlag\r\n2022;73,4;455\r\n2023;74,1;470\r\n"),
            {"2022": "73.4", "2023": "74.1"},
        ),
        (
            csv_file("periode,værdi,grundlag\n2022,73.4,455\n2023,74.1,470\n", encoding="utf-8"),
            {"2022": "73.4", "2023": "74.1"},
        ),
        (csv_file("Periode;Værdi;Grundlag\r\n2022;73,4;455\r\n", encoding="cp1252"), {"2022": "73.4"}),
        (
            xlsx_file([["periode", "værdi", "grundlag"], ["2022", 73.4, 455], [2023, "74,1", "470"]]),
            {"2022": "73.4", "2023": "74.1"},
        ),
    ],
    ids=["danish-excel-csv", "comma-csv", "cp1252-csv", "xlsx"],
)
def test_a_good_file_is_previewed_then_saved_as_drafts(
    client, randers_chief, satisfaction, the_file, expected
):
    client.force_login(randers_chief)

    preview = upload_and_confirm(client, satisfaction, the_file)

    assert "ny" in preview and "Intet er gemt endnu" in preview
    assert {p: str(v.normalize()) for p, (v, _b) in stored(satisfaction).items()} == expected
    assert {v.origin for v in LocalValue.objects.all()} == {"upload"}
    assert not Observation.objects.filter(indicator=satisfaction).exists()  # drafts only, until approved


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            "2023;74,1;470\r\nmarts 2023;74;470",
            "Række 3: marts 2023 er ikke en periode af indikatorens type (år).",
        ),
        ("2023;74,1;470\r\n20x3;74;470", "Række 3: “20x3” er ikke en periode, Måltavlen kender."),
        ("2023;74,1;470\r\n2022;=1+1;470", "Række 3: Værdien “=1+1” er ikke et tal."),
        ("2023;74,1;470\r\n2022;112;470", "Række 3: En procentsats skal ligge mellem 0 og 100."),
        ("2023;74,1;470\r\n2022;-3;470", "Række 3: En procentsats skal ligge mellem 0 og 100."),
        ("2023;74,1;470\r\n2023;75;470", "Række 3: 2023 står også i række 2."),
        ("2023;74,1;470\r\n2022;73,4;", "Række 3: Grundlaget mangler"),
        ("2023;74,1;470\r\n2022;;470", "Række 3: Værdien mangler."),
        ("2023;74,1;470\r\n\r\n2022;73,4;-5", "Række 4: Grundlaget skal være et helt tal"),
    ],
    ids=[
        "wrong-type",
        "malformed",
        "formula",
        "over-100",
        "negative-share",
        "duplicate",
        "no-base",
        "no-value",
        "blank-line-kept-in-numbering",
    ],
)
def test_each_bad_row_is_named_with_its_row_number_and_nothing_is_saved(
    client, randers_chief, satisfaction, rows, message
):
    client.force_login(randers_chief)

    response = client.post(
        UPLOAD.format(code=satisfaction.code), {"file": csv_file("periode;værdi;grundlag\r\n" + rows)}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Intet er gemt" in response.content.decode()
    assert not LocalValue.objects.exists()


def test_negative_count_and_score_off_its_scale_are_refused(client, randers_chief, jobs, score):
    client.force_login(randers_chief)

    counts = client.post(UPLOAD.format(code=jobs.code), {"file": csv_file("periode;værdi\r\n2023Q01;-2\r\n")})
    scores = client.post(
        UPLOAD.format(code=score.code), {"file": csv_file("periode;værdi\r\n2. halvår 2023;6\r\n")}
    )

    assert "Række 2: Et antal kan ikke være negativt." in counts.content.decode()
    assert "Række 2: Scoren skal ligge på skalaen 1–5." in scores.content.decode()
    assert not LocalValue.objects.exists()


def test_every_bad_row_is_listed_not_only_the_first(client, randers_chief, satisfaction):
    client.force_login(randers_chief)
    text = "periode;værdi;grundlag\r\n2021;abc;400\r\n2022;73,4;455\r\n2023;101;470\r\n"

    body = client.post(UPLOAD.format(code=satisfaction.code), {"file": csv_file(text)}).content.decode()

    assert "Række 2: Værdien “abc” er ikke et tal." in body and "Række 4: En procentsats" in body


def test_uploading_the_same_file_again_writes_nothing(
    client, randers_chief, randers_manager, satisfaction, randers
):
    client.force_login(randers_chief)
    upload_and_confirm(client, satisfaction, csv_file(DANISH_EXCEL.replace("2. halvår 2023;1;1\r\n", "")))
    approval.approve(area=randers, ids=LocalValue.objects.values_list("pk", flat=True), user=randers_manager)
    before = list(LocalValue.objects.values_list("pk", "status"))

    preview = upload_and_confirm(
        client, satisfaction, csv_file(DANISH_EXCEL.replace("2. halvår 2023;1;1\r\n", ""))
    )

    assert "0 nye, 0 ændrede og 1 uændrede" in preview
    assert list(LocalValue.objects.values_list("pk", "status")) == before


def test_a_changed_value_keeps_the_earlier_one_as_a_revision_once_approved(
    client, randers_chief, randers_manager, satisfaction, randers
):
    client.force_login(randers_chief)
    upload_and_confirm(client, satisfaction, csv_file("periode;værdi;grundlag\r\n2022;73,4;455\r\n"))
    approval.approve(area=randers, ids=LocalValue.objects.values_list("pk", flat=True), user=randers_manager)

    preview = upload_and_confirm(
        client, satisfaction, csv_file("periode;værdi;grundlag\r\n2022;73,9;455\r\n")
    )
    assert "ændret" in preview
    assert Observation.objects.get(indicator=satisfaction).value == Decimal("73.4")  # still the approved one
    drafts = LocalValue.objects.filter(status="draft").values_list("pk", flat=True)
    approval.approve(area=randers, ids=drafts, user=randers_manager)

    observation = Observation.objects.get(indicator=satisfaction)
    assert observation.value == Decimal("73.9")
    revisions = ObservationRevision.objects.filter(observation=observation)
    assert list(revisions.values_list("value", flat=True)) == [Decimal("73.4")]


@pytest.mark.parametrize(
    ("the_file", "message"),
    [
        (
            SimpleUploadedFile("stor.csv", b"periode;v\xc3\xa6rdi\r\n" + b"2022;1\r\n" * 300_000),
            "Filen er for stor: højst 2 MB.",
        ),
        (
            SimpleUploadedFile("vaerdier.txt", b"periode;v\xc3\xa6rdi\r\n2022;1\r\n"),
            "upload en CSV-fil (.csv) eller en Excel-projektmappe (.xlsx)",
        ),
        (
            SimpleUploadedFile("vaerdier.xlsx", b"periode;v\xc3\xa6rdi\r\n2022;1\r\n"),
            "upload en CSV-fil (.csv) eller en Excel-projektmappe (.xlsx)",
        ),
        (
            SimpleUploadedFile("vaerdier.csv", b"PK\x03\x04\x00\x00binary"),
            "upload en CSV-fil (.csv) eller en Excel-projektmappe (.xlsx)",
        ),
        (
            SimpleUploadedFile("vaerdier.csv", b"dato;tal\r\n2022;1\r\n"),
            "Første række skal være overskrifterne",
        ),
    ],
    ids=["oversize", "wrong-extension", "xlsx-name-text-content", "csv-name-zip-content", "no-heading"],
)
def test_oversize_and_wrong_type_files_are_refused_with_a_message(
    client, randers_chief, satisfaction, the_file, message
):
    client.force_login(randers_chief)

    response = client.post(UPLOAD.format(code=satisfaction.code), {"file": the_file})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LocalValue.objects.exists()


def test_the_preview_cannot_be_confirmed_without_its_token(client, randers_chief, satisfaction):
    client.force_login(randers_chief)
    client.post(
        UPLOAD.format(code=satisfaction.code),
        {"file": csv_file("periode;værdi;grundlag\r\n2022;73,4;455\r\n")},
    )

    response = client.post(PREVIEW.format(code=satisfaction.code), {"t": "guessed"})

    assert response.status_code == 302 and not LocalValue.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_lists_the_periods_in_words_and_reads_back_as_an_upload(
    client, randers_chief, satisfaction, fmt
):
    client.force_login(randers_chief)

    response = client.get(f"/kommune/randers/lokale-indikatorer/{satisfaction.code}/skabelon.{fmt}")

    assert response.status_code == 200
    if fmt == "csv":
        lines = response.content.decode("utf-8-sig").splitlines()
        assert lines[0] == "periode;værdi;grundlag" and lines[1] == "2018;;"
        filled = "\r\n".join([lines[0], lines[1].replace(";;", ";70,2;300")])
        the_file = csv_file(filled)
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert [c.value for c in sheet[1]] == ["periode", "værdi", "grundlag"] and sheet["A2"].value == "2018"
        sheet["B2"], sheet["C2"] = 70.2, 300
        sheet.delete_rows(3, sheet.max_row)
        buffer = io.BytesIO()
        sheet.parent.save(buffer)
        the_file = SimpleUploadedFile("skabelon.xlsx", buffer.getvalue())
    upload_and_confirm(client, satisfaction, the_file)
    assert stored(satisfaction) == {"2018": (Decimal("70.2"), Decimal(300))}
