"""Parsing Jobindsats replies: numbers, placeholders, BOM, labels, dates and shapes (table-driven, no HTTP)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.jobindsats import (
    Cell,
    JobindsatsResponseError,
    UnknownColumnLabel,
    UnrecognisedValue,
    column_keys,
    decode_json,
    parse_catalogue,
    parse_data,
    parse_subjects,
    parse_table_metadata,
    parse_update_date,
    parse_value,
)
from indicators.jobindsats.results import Column

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
CPH = ZoneInfo("Europe/Copenhagen")
MM17_LABELS = {
    "Antal ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb",
    "Antal ydelsesmodtagere (dagpenge, kontanthjælp, uddannelseshjælp og ledighedsydelse)",
    "Andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb (pct.)",
}


def fixture(name: str) -> object:
    return decode_json((FIXTURES / name).read_bytes())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9,08", "9.08"),
        ("1.234,5", "1234.5"),
        ("-3,2", "-3.2"),
        ("1.234", "1234"),
        ("1.234.567,89", "1234567.89"),
        ("0", "0"),
        ("0,00", "0.00"),
        (" 12 ", "12"),
        ("12345", "12345"),
        (42, "42"),
        (2.5, "2.5"),
        (-7, "-7"),
    ],
)
def test_parse_value_reads_danish_numbers_and_json_numbers_as_decimals(raw, expected):
    assert parse_value(raw) == Cell(value=Decimal(expected), suppressed=False)


@pytest.mark.parametrize("raw", ["-", "..", "", ".", "...", "  ", None])
def test_parse_value_turns_placeholders_into_suppressed_cells_without_a_value(raw):
    assert parse_value(raw) == Cell(value=None, suppressed=True)


@pytest.mark.parametrize(
    "raw",
    [
        "9.08",  # an English decimal point: never guessed
        "1,234.5",
        "12%",
        "abc",
        "NaN",
        "1.23.4",
        "Forkert nøgle eller nøglen er udløbet",
        True,
        float("nan"),
        [1],
        {"value": 1},
    ],
)
def test_parse_value_refuses_anything_else_naming_value_and_column(raw):
    with pytest.raises(UnrecognisedValue) as caught:
        parse_value(raw, column="Andel (pct.)")
    assert caught.value.value is raw or caught.value.value == raw
    assert "Andel (pct.)" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-05", datetime(2026, 11, 5, tzinfo=CPH)),
        ("2026-11-05T08:30:00", datetime(2026, 11, 5, 8, 30, tzinfo=CPH)),
        ("2026-11-05T07:30:00Z", datetime(2026, 11, 5, 8, 30, tzinfo=CPH)),
        ("2026-07-05T08:30:00+02:00", datetime(2026, 7, 5, 8, 30, tzinfo=CPH)),
        ("2026-11-05 08:30", datetime(2026, 11, 5, 8, 30, tzinfo=CPH)),
        ("05-11-2026", datetime(2026, 11, 5, tzinfo=CPH)),
        ("05-11-2026 08:30:00", datetime(2026, 11, 5, 8, 30, tzinfo=CPH)),
        ("05.11.2026", datetime(2026, 11, 5, tzinfo=CPH)),
        ("05.11.2026 08:30", datetime(2026, 11, 5, 8, 30, tzinfo=CPH)),
        ("5. november 2026", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_update_date_reads_every_seen_form_as_copenhagen_time(raw, expected):
    parsed = parse_update_date(raw)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == expected.astimezone(CPH).utcoffset()


@pytest.mark.parametrize("body", ['\ufeff{"a": 1}'.encode(), b'{"a": 1}', '\ufeff{"a": 1}', '{"a": 1}'])
def test_decode_json_strips_a_byte_order_mark(body):
    assert decode_json(body) == {"a": 1}


@pytest.mark.parametrize("body", [b"<html>503</html>", b'{"rows": [', "\ufeff", b"\xff\xfe{}"])
def test_decode_json_refuses_what_is_not_json(body):
    with pytest.raises(JobindsatsResponseError):
        decode_json(body)


@pytest.mark.parametrize(
    ("label", "key"),
    [
        ("Periode", "period"),
        ("Period", "period"),
        ("Område", "area"),
        ("Area", "area"),
        ("Ydelsesgruppe", "ydelsesgruppe"),
        ("Opholdstid", "opholdstid"),
    ],
)
def test_column_keys_map_known_dimension_labels_in_one_place(label, key):
    keys = column_keys(["Periode", "Område", label, "Antal"], measure_labels={"Antal"})
    assert keys[2] == key and keys[3] == "Antal"


@pytest.mark.parametrize("label", ["Geografisk område", "Andel (pct.) ", "Ydelsesgrupper", "periode"])
def test_column_keys_refuse_an_unknown_label_naming_it(label):
    with pytest.raises(UnknownColumnLabel) as caught:
        column_keys(["Periode", "Område", label], measure_labels={"Andel (pct.)"})
    assert caught.value.label == label
    assert repr(label) in str(caught.value)


def test_column_keys_need_a_period_and_an_area_column():
    with pytest.raises(JobindsatsResponseError, match="area"):
        column_keys(["Periode", "Antal"], measure_labels={"Antal"})


def test_parse_data_reads_a_recorded_reply_with_bom_breakdowns_and_placeholders():
    table = parse_data("mm17a01", fixture("jobindsats_data_mm17a01.json"), measure_labels=MM17_LABELS)
    assert len(table.rows) == 25 and table.is_sandbox is False
    country = table.rows[0]
    assert (country.period, country.area_name, country.breakdown) == ("2024M06", "Hele landet", ())
    assert country.cells["Antal ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb"].value == 2177
    assert table.rows[1].breakdown == (("ydelsesgruppe", "Dagpenge"),)
    uoplyst = [row for row in table.rows if row.area_name == "Uoplyst område"]
    assert uoplyst and any(cell.suppressed for row in uoplyst for cell in row.cells.values())


def test_parse_data_reads_plain_json_numbers_beside_danish_strings():
    payload = fixture("jobindsats_data_mm13a01.json")
    labels = set(payload["columns"][3:])
    table = parse_data("mm13a01", payload, measure_labels=labels)
    randers = table.rows[1]
    assert randers.cells[payload["columns"][3]].value == Decimal(1132)
    assert randers.cells[payload["columns"][5]].value == Decimal("53.9")


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"rows": []}, "columns"),
        ({"columns": ["Periode", "Område"]}, "rows"),
        ({"columns": ["Periode", "Område"], "rows": [["2024M01"]]}, "2 kolonner"),
        ({"columns": "Periode", "rows": []}, "liste"),
        ([], "columns"),
    ],
)
def test_parse_data_refuses_a_reply_of_the_wrong_shape(payload, message):
    with pytest.raises(JobindsatsResponseError, match=message):
        parse_data("mm17a01", payload, measure_labels=set())


def test_parse_data_names_an_unrecognised_cell_and_its_column():
    payload = {"columns": ["Periode", "Område", "Antal"], "rows": [["2024M01", "Randers", "Forkert nøgle"]]}
    with pytest.raises(UnrecognisedValue, match="Antal"):
        parse_data("mm17a01", payload, measure_labels={"Antal"})


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        (["12", float("nan")], "nan"),  # only the standard library's decoding lets NaN through
        ([1, True], "True"),  # True equals 1: it must not be read as the 1 before it
        (["12", True], "True"),  # among text, where the distinct values alone are checked
        (["12", "..", "tolv", "12"], "tolv"),  # text that is no number among numbers
        (["12", {"a": 1}], "{'a': 1}"),  # unhashable
        (["12", [1, 2]], r"\[1, 2\]"),
    ],
)
def test_parse_data_names_a_cell_that_is_no_number_even_where_it_equals_one(cells, message):
    payload = {"columns": ["Periode", "Område", "Antal"], "rows": [["2024M01", "Randers", c] for c in cells]}
    with pytest.raises(UnrecognisedValue, match=message):
        parse_data("mm17a01", payload, measure_labels={"Antal"})


def test_parse_data_reads_null_as_a_suppressed_cell_among_numbers():
    rows = [["2024M01", "Randers", "12"], ["2024M02", "Randers", None], ["2024M03", "Randers", "1.234,5"]]
    payload = {"columns": ["Periode", "Område", "Antal"], "rows": rows}

    cells = parse_data("mm17a01", payload, measure_labels={"Antal"}).measures["Antal"].values()

    assert cells == [Cell(Decimal(12), False), Cell(None, True), Cell(Decimal("1234.5"), False)]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(-3, 3),
            st.sampled_from([0.0, 1.0, -1.0, float("nan")]),
            st.sampled_from(["1", "1.0", "a", "", "Randers"]),
        ),
        max_size=30,
    )
)
def test_a_column_read_from_an_array_of_the_rows_is_the_column_read_from_a_list(raw):
    as_array = np.empty(len(raw), dtype=object)
    as_array[:] = raw

    from_array, from_list = Column.of(as_array, repr), Column.of(raw, repr)

    # Codes may be numbered differently; every row reads the same, and equal values share a code.
    assert from_array.values() == from_list.values()
    assert len(set(from_array.labels)) == len(from_array.labels)
    assert len(from_array.labels) == len(from_list.labels)
    # Each label is read from the raw value beside it (ingestion looks values up by their raw form).
    assert from_array.labels == tuple(map(repr, from_array.raw))
    assert from_list.labels == tuple(map(repr, from_list.raw))


def test_parse_catalogue_reads_subjects_groups_tables_and_keeps_raw_dates():
    tables = {t.table_id: t for t in parse_catalogue(fixture("jobindsats_catalogue.json"))}
    mm17 = tables["mm17a01"]
    assert (mm17.subject, mm17.period_types, mm17.period_last) == (
        "Ministerens mål",
        ("M",),
        {"M": "2024M06"},
    )
    assert mm17.update_latest_raw == "05-07-2024"
    assert mm17.update_latest == datetime(2024, 7, 5, tzinfo=CPH)
    recruitment = tables["rek01h"]
    assert recruitment.period_types == ("H",) and recruitment.update_latest is not None
    assert {t.subject for t in tables.values()} == {"Ministerens mål", "Ledighed"}


def test_parse_catalogue_keeps_an_unparseable_date_raw():
    payload = fixture("jobindsats_catalogue.json")
    payload[0]["table_groups"][0]["tables"][0]["update_latest"] = "i morgen"
    table = parse_catalogue(payload)[0]
    assert (table.update_latest_raw, table.update_latest) == ("i morgen", None)


def test_parse_table_metadata_reads_periods_hierarchies_and_measures():
    metadata = parse_table_metadata("mm17a01", fixture("jobindsats_table_mm17a01.json"))
    assert metadata.periods["M"][0] == "2018M01" and metadata.periods["M"][-1] == "2024M06"
    kom = metadata.hierarchy("_nykom")
    assert [level.level_id for level in kom.levels] == ["hele_landet", "kommune"]
    assert len(kom.levels[1].values) == 99  # 98 municipalities and "Uoplyst område"
    assert metadata.hierarchy("_nope") is None
    assert metadata.measure_by_name(
        "Andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb (pct.)"
    )
    assert metadata.measure_by_name("Andel i alt") is None


def test_parse_table_metadata_names_a_missing_key():
    payload = fixture("jobindsats_table_mm17a01.json")
    del payload["mgroups"]
    with pytest.raises(JobindsatsResponseError, match="mgroups"):
        parse_table_metadata("mm17a01", payload)


def test_parse_subjects_reads_ids_and_names():
    subjects = parse_subjects(fixture("jobindsats_subjects.json"))
    assert "Ministerens mål" in [s.name for s in subjects] and all(s.subject_id for s in subjects)


@pytest.mark.parametrize(
    "parse",
    [
        lambda payload: parse_data("mm17a01", payload, measure_labels=set()),
        parse_catalogue,
        parse_subjects,
        lambda payload: parse_table_metadata("mm17a01", payload),
    ],
)
@pytest.mark.parametrize(
    "payload", [{"message": "Forkert nøgle eller nøglen er udløbet"}, "Forkert nøgle eller nøglen er udløbet"]
)
def test_an_error_text_in_a_200_reply_is_never_read_as_data(parse, payload):
    with pytest.raises(JobindsatsResponseError):
        parse(payload)


def test_decode_json_reads_what_only_the_standard_library_reads():
    # orjson refuses NaN and integers beyond 64 bits; the standard library's reading is kept for them.
    decoded = decode_json('\ufeff{"a": NaN, "b": 123456789012345678901234567890}'.encode())

    assert decoded["a"] != decoded["a"]  # NaN, refused later by parse_value
    assert decoded["b"] == 123456789012345678901234567890
