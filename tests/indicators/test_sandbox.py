"""The sandbox Jobindsats server: protocol, selectors, quirks, revisions, determinism, faults and its command."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import requests

from indicators import reference_data
from indicators.jobindsats import decode_json, parse_value
from indicators.sandbox import (
    SANDBOX_HEADER,
    SandboxRequestError,
    SandboxServer,
    catalogue_reply,
    cube,
    data_reply,
    table_reply,
    world,
)

TODAY = date(2024, 7, 20)
MM17 = "mm17a01"
ALL_MM17 = {"hierarchy._ydelsesgrp": "*", "mgroup.*": "*"}


def get(sandbox: SandboxServer, path: str, query: str = "format=json", token: str | None = None):
    """A raw GET, so the test sees the bytes and headers as the server sent them."""
    headers = {"Authorization": f"Bearer {token or sandbox.token}"}
    return requests.get(f"{sandbox.url}/{path}?{query}", headers=headers, timeout=10)


def column(reply: dict, label: str) -> list:
    index = reply["columns"].index(label)
    return [row[index] for row in reply["rows"]]


# --- Protocol and quirks --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("subjects", 200),
        ("tables", 200),
        ("table/mm17a01", 200),
        ("data/mm17a01", 200),
        ("table/nope", 404),
        ("data/nope", 404),
    ],
)
def test_every_reply_starts_with_a_bom_and_carries_the_sandbox_header(sandbox, path, status):
    reply = get(sandbox, path)
    assert reply.status_code == status
    assert reply.content.startswith("\ufeff".encode())
    assert reply.headers[SANDBOX_HEADER] == "1"


def test_refused_token_reply_carries_the_sandbox_header_too(sandbox):
    reply = get(sandbox, "tables", token="wrong")
    assert reply.status_code == 401 and reply.headers[SANDBOX_HEADER] == "1"
    assert "udløbet" in decode_json(reply.content)["message"]


def test_selectors_work_raw_and_percent_encoded(sandbox):
    raw = "format=json&period.M=latest:2&hierarchy._nykom=/,101,751&hierarchy._ydelsesgrp=*&mgroup.*=*"
    encoded = (
        "format=json&period.M=latest%3A2&hierarchy._nykom=%2F%2C101%2C751"
        "&hierarchy._ydelsesgrp=%2A&mgroup.%2A=%2A"
    )
    first, second = get(sandbox, "data/mm17a01", raw), get(sandbox, "data/mm17a01", encoded)
    assert first.status_code == second.status_code == 200
    assert decode_json(first.content) == decode_json(second.content)
    assert len(decode_json(first.content)["rows"]) == 2 * 3 * 5


def test_star_on_nykom_gives_the_country_every_municipality_and_uoplyst_omraade():
    reply = data_reply(MM17, {"hierarchy._nykom": "*"}, today=TODAY)
    areas = column(reply, "Område")
    assert len(areas) == 100
    assert areas[0] == "Hele landet" and areas[-1] == "Uoplyst område"
    assert {m.name for m in world.municipalities()} <= set(areas)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("/", ["Hele landet"]),
        ("101,730", ["København", "Randers"]),
        ("level:hele_landet", ["Hele landet"]),
    ],
)
def test_hierarchy_selectors_choose_members(selector, expected):
    reply = data_reply(MM17, {"hierarchy._nykom": selector}, today=TODAY)
    assert column(reply, "Område") == expected


def test_level_selector_gives_one_level():
    reply = data_reply(MM17, {"hierarchy._reko": "level:reko"}, today=TODAY)
    assert column(reply, "Område") == [
        f"RAR {name}" for name in world.rar_areas()
    ]  # as Jobindsats names them


def test_period_selectors_choose_ids_or_the_newest_n():
    assert column(data_reply(MM17, {"period.M": "latest:3"}, today=TODAY), "Periode") == [
        "2024M04",
        "2024M05",
        "2024M06",
    ]
    assert column(data_reply(MM17, {"period.M": "2019M01,2020M12"}, today=TODAY), "Periode") == [
        "2019M01",
        "2020M12",
    ]


def test_monthly_tables_run_from_2018_to_last_month():
    periods = table_reply(MM17, today=date(2026, 1, 3))["periods"][0]
    ids = [value["period_id"] for value in periods["values"]]
    assert (periods["periodtype_id"], ids[0], ids[-1]) == ("M", "2018M01", "2025M12")


def test_recruitment_table_is_half_yearly_per_rar_area_with_published_halves_only():
    spec = next(s for s in world.TABLES.values() if "forgæves rekruttering" in s.name.lower())
    reply = table_reply(spec.table_id, today=TODAY)
    ids = [value["period_id"] for value in reply["periods"][0]["values"]]
    assert reply["periods"][0]["periodtype_id"] == "H"
    assert (ids[0], ids[-1]) == ("2019H1", "2023H2")  # 2024H1 is published at the end of November 2024
    hierarchies = [h["hierarchy_id"] for d in reply["dimensions"] for h in d["hierarchies"]]
    assert hierarchies == ["_hele_landet", "_reko"]


@pytest.mark.parametrize(
    ("table_id", "query", "status", "named"),
    [
        (MM17, {"period.Q": "2023Q01"}, 422, "Q"),
        (MM17, {"period.M": "2031M01"}, 400, "2031M01"),
        (MM17, {"hierarchy._kom": "*"}, 400, "_kom"),
        (MM17, {"hierarchy._nykom": "9999"}, 400, "9999"),
        (MM17, {"hierarchy._nykom": "level:amt"}, 400, "amt"),
        (MM17, {"mgroup.mgrp_x": "*"}, 400, "mgrp_x"),
        (MM17, {"mgroup.mgrpmm17_1": "meas_x"}, 400, "meas_x"),
        (MM17, {"periode": "latest:1"}, 400, "periode"),
        ("y99z99", {}, 404, "y99z99"),
    ],
)
def test_bad_requests_are_refused_naming_what_is_wrong(table_id, query, status, named):
    with pytest.raises(SandboxRequestError) as caught:
        data_reply(table_id, query, today=TODAY)
    assert caught.value.status == status
    assert named in str(caught.value)


def test_cell_limit_refuses_a_large_request_and_accepts_it_split_by_periods():
    query = {"hierarchy._nykom": "*", **ALL_MM17}
    with pytest.raises(SandboxRequestError, match="Del forespørgslen op") as caught:
        data_reply(MM17, {**query, "period.M": "latest:24"}, today=TODAY, max_cells=20_000)
    assert caught.value.status == 400
    assert (
        len(data_reply(MM17, {**query, "period.M": "latest:12"}, today=TODAY, max_cells=20_000)["rows"])
        == 6000
    )


def test_measure_labels_are_long_danish_titles_in_the_metadata_and_the_data():
    metadata_labels = [m["measure_name"] for m in table_reply(MM17, today=TODAY)["mgroups"][0]["measures"]]
    reply = data_reply(MM17, {"mgroup.mgrpmm17_1": "measmm17_3"}, today=TODAY)
    assert reply["columns"] == ["Periode", "Område", "Ydelsesgruppe", metadata_labels[2]]
    assert all(len(label) > 30 for label in metadata_labels)


# --- Plausible, consistent numbers ----------------------------------------------------------------------
def _cells(reply: dict, role_label: str) -> list:
    return [parse_value(raw).value for raw in column(reply, role_label)]


def test_shares_are_count_over_base_and_small_numbers_are_suppressed_with_their_share():
    reply = data_reply(MM17, {"period.M": "latest:12", "hierarchy._nykom": "*", **ALL_MM17}, today=TODAY)
    count_label, base_label, share_label = reply["columns"][3:]
    placeholders = 0
    for count, base, share in zip(
        column(reply, count_label), column(reply, base_label), column(reply, share_label), strict=True
    ):
        if count in ("..", "-"):
            placeholders += 1
            assert share in ("..", "-")
            continue
        n, b, pct = parse_value(count).value, parse_value(base).value, parse_value(share).value
        assert n == 0 or n >= 5
        assert abs(pct - n / b * 100) <= Decimal("0.005")
    assert placeholders > 0


def test_country_and_totals_are_the_sums_of_their_parts():
    query = {"period.M": "2023M03", "hierarchy._region": "*", "hierarchy._nykom": "999", **ALL_MM17}
    reply = data_reply(MM17, query, today=TODAY)
    assert reply["columns"][4].startswith("Antal ydelsesmodtagere")
    rows = {(r[1], r[2]): parse_value(r[4]).value for r in reply["rows"]}
    # "Hele landet" counts the people whose municipality is not registered; no region does.
    parts = [*world.regions(), "Uoplyst område"]
    assert rows[("Hele landet", "I alt")] == sum(rows[(part, "I alt")] for part in parts)
    groups = ["Dagpenge", "Kontanthjælp", "Uddannelseshjælp", "Ledighedsydelse"]
    assert rows[("Hele landet", "I alt")] == sum(rows[("Hele landet", group)] for group in groups)


@pytest.mark.parametrize(
    ("table_id", "low", "high"),
    [("mm17a01", 0.2, 6), ("mm13a01", 25, 75), ("rek01h", 8, 40)],
)
def test_national_shares_stay_in_believable_ranges(table_id, low, high):
    spec = world.TABLES[table_id]
    reply = data_reply(table_id, {f"period.{spec.period_type}": "*"}, today=TODAY)
    shares = [float(v) for v in _cells(reply, reply["columns"][-1])]
    assert low <= min(shares) and max(shares) <= high


def test_larger_municipalities_have_more_recipients():
    reply = data_reply(MM17, {"period.M": "2023M03", "hierarchy._nykom": "101,751,825"}, today=TODAY)
    base = dict(zip(column(reply, "Område"), _cells(reply, reply["columns"][4]), strict=True))
    assert base["København"] > base["Aarhus"] > base["Læsø"]


def test_replies_are_deterministic_and_a_period_keeps_its_value_as_time_passes():
    query = {"period.M": "2023M01,2024M01", "hierarchy._nykom": "*", **ALL_MM17}
    first = data_reply(MM17, query, today=TODAY)
    cube.formatted_cube.cache_clear()
    world._horizon_series.cache_clear()
    assert data_reply(MM17, query, today=TODAY) == first
    assert data_reply(MM17, query, today=date(2026, 3, 1)) == first


# --- Revisions --------------------------------------------------------------------------------------------
def test_a_revision_changes_the_newest_three_months_only_and_moves_update_latest():
    query = {"period.M": "latest:6", "hierarchy._nykom": "/", **ALL_MM17}
    before, after = data_reply(MM17, query, today=TODAY), data_reply(MM17, query, revision=1, today=TODAY)
    changed = {b[0] for b, a in zip(before["rows"], after["rows"], strict=True) if a != b}
    assert changed == {"2024M04", "2024M05", "2024M06"}
    mm17 = lambda reply: reply[0]["table_groups"][0]["tables"][0]  # noqa: E731
    assert (
        mm17(catalogue_reply(today=TODAY))["update_latest"]
        != mm17(catalogue_reply(revision=1, today=TODAY))["update_latest"]
    )


def test_advance_revision_over_http_shows_revised_numbers_to_a_second_pull(sandbox):
    query = "format=json&period.M=latest:1&hierarchy._nykom=/&mgroup.*=*"
    first = decode_json(get(sandbox, "data/mm17a01", query).content)
    catalogue = decode_json(get(sandbox, "tables").content)
    sandbox.advance_revision()
    assert decode_json(get(sandbox, "data/mm17a01", query).content) != first
    assert decode_json(get(sandbox, "tables").content) != catalogue
    sandbox.reset()
    assert decode_json(get(sandbox, "data/mm17a01", query).content) == first


# --- Faults and steering ----------------------------------------------------------------------------------
def test_a_limited_fault_ends_after_its_requests(sandbox):
    sandbox.set_fault("503", times=2, retry_after=1)
    statuses = [get(sandbox, "subjects").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]
    assert get(sandbox, "subjects").status_code == 200


def test_a_fault_for_one_endpoint_leaves_the_others_alone(sandbox):
    sandbox.set_fault("500", endpoint="data")
    assert get(sandbox, "tables").status_code == 200
    assert get(sandbox, "data/mm17a01").status_code == 500


def test_429_carries_retry_after(sandbox):
    sandbox.set_fault("429", times=1, retry_after=7)
    reply = get(sandbox, "subjects")
    assert (reply.status_code, reply.headers["Retry-After"]) == (429, "7")


def test_unknown_fault_is_refused(sandbox):
    with pytest.raises(ValueError, match="unknown sandbox fault"):
        sandbox.set_fault("418")


def test_control_endpoint_steers_faults_revisions_and_reset(sandbox):
    control = sandbox.control_url
    assert requests.post(f"{control}/fault", json={"kind": "500", "times": 1}, timeout=5).status_code == 200
    assert get(sandbox, "subjects").status_code == 500
    assert requests.post(f"{control}/revision", json={}, timeout=5).json()["revision"] == 1
    assert requests.post(f"{control}/fault", json={"kind": "teapot"}, timeout=5).status_code == 400
    state = requests.post(f"{control}/reset", json={}, timeout=5).json()
    assert (state["revision"], state["fault"], state["requests"]) == (0, None, 0)


# --- Binding and the command ------------------------------------------------------------------------------
@pytest.mark.parametrize("definition", reference_data.MINISTERIAL_INDICATORS, ids=lambda d: d["code"])
def test_every_seeded_indicator_finds_a_bindable_sandbox_table(definition):
    tables = [
        t
        for subject in catalogue_reply(today=TODAY)
        if subject["subject_name"] == "Ministerens mål"
        for group in subject["table_groups"]
        for t in group["tables"]
        if definition["catalogue_hint"].lower() in t["table_name"].lower()
    ]
    assert len(tables) == 1
    metadata = table_reply(tables[0]["table_id"], today=TODAY)
    hierarchies = {h["hierarchy_id"] for d in metadata["dimensions"] for h in d["hierarchies"]}
    assert definition.get("area_hierarchy", "_nykom") in hierarchies
    if definition["period_type"]:
        assert definition["period_type"] in [p["periodtype_id"] for p in metadata["periods"]]


def test_management_command_serves_on_loopback_and_prints_its_url():
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "jobindsats_sandbox", "--port", "0", "--token", "cmd-token"],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        first_line = process.stdout.readline()
        url = first_line.split()[-1]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v3")
        reply = requests.get(f"{url}/subjects", headers={"Authorization": "Bearer cmd-token"}, timeout=10)
        assert reply.status_code == 200 and reply.headers[SANDBOX_HEADER] == "1"
        assert "cmd-token" not in first_line + process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
