"""Snapshots: what the meeting saw stays as it was; compare with today marks what changed; never updated."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from meetings.models import Snapshot, SnapshotIsFrozen
from tests.meetings.conftest import revise

CODE = "mm17-andel-opkvalificering"
CHART = f"chart-2-{CODE}"


def _row(body: str, period: str) -> str:
    """The Randers cell of one period's row in the chart's table (the first value column)."""
    table = body[body.index(f'id="{CHART}-panel"') :]
    return re.search(rf'<th scope="row">{period}</th><td>(.*?)</td>', table).group(1)


def test_chair_freezes_the_status_page_for_a_meeting(client, share_data, randers_chair):
    client.force_login(randers_chair)

    response = client.post(
        "/kommune/randers/moeder/",
        {"meeting_name": "Beskæftigelsesudvalget", "meeting_date": "2024-03-12", "year": "2024"},
    )

    snapshot = Snapshot.objects.get()
    assert response.status_code == 302 and response["Location"] == snapshot.get_absolute_url()
    assert snapshot.meeting_date == date(2024, 3, 12) and snapshot.made_by == randers_chair
    assert snapshot.is_public  # Randers' 2024 plan is adopted
    panel = snapshot.content["languages"]["da"]["goals"][1]["panels"][0]
    main = next(line for line in panel["lines"] if line["role"] == "main")
    assert Decimal(main["values"][main["periods"].index("2024M11")]) == Decimal("4.2")
    assert main["provisional"][main["periods"].index("2024M11")] is True
    assert panel["description"] and panel["source"].startswith("Kilde:")
    english = snapshot.content["languages"]["en"]["goals"][1]["panels"][0]
    assert english["source"].startswith("Source:")


def test_snapshot_page_keeps_the_old_value_after_a_revision_and_compare_marks_it(client, snapshot):
    revise(code=CODE, slug="randers", period="2024M11", value="7.77")

    body = client.get(snapshot.get_absolute_url()).content.decode()
    assert "Som vist på mødet i Beskæftigelsesudvalget 12. marts 2024" in body
    assert _row(body, "november 2024") == "4,2\xa0%"
    live = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()
    assert _row(live, "november 2024") == "7,8\xa0%"

    compare = client.get(f"{snapshot.get_absolute_url()}sammenlign/").content.decode()
    row = re.search(r'<tr class="change change-revised change-now_final">(.*?)</tr>', compare).group(1)
    assert "november 2024" in row and "4,2\xa0% → 7,8\xa0%" in row
    assert "Revideret" in row and "Foreløbig dengang, endelig nu" in row
    assert "1 værdi er revideret siden mødet" in compare


def test_compare_marks_months_added_since_the_meeting(client, snapshot):
    from indicators.models import Observation

    Observation.objects.filter(indicator__code=CODE, area__slug="randers", period="2024M12").delete()
    shot = _freeze_again(snapshot)
    Observation.objects.create(
        indicator=shot_indicator(),
        area=shot.municipality,
        period_type="M",
        period="2024M12",
        period_start=date(2024, 12, 1),
        value="5.55",
        fetched_at=shot.made_at,
    )

    compare = client.get(f"{shot.get_absolute_url()}sammenlign/").content.decode()

    row = re.search(r'<tr class="change change-added">(.*?)</tr>', compare).group(1)
    assert "december 2024" in row and "– → 5,6\xa0%" in row


def shot_indicator():
    from indicators.models import Indicator

    return Indicator.objects.get(code=CODE)


def _freeze_again(snapshot: Snapshot) -> Snapshot:
    from meetings.freeze import freeze_snapshot

    return freeze_snapshot(
        municipality=snapshot.municipality,
        goal_set=snapshot.goal_set,
        meeting_name="Beskæftigelsesudvalget",
        meeting_date=date(2024, 11, 5),
        made_by=snapshot.made_by,
    )


def test_updating_a_snapshot_is_refused_by_the_database(snapshot):
    with pytest.raises(DatabaseError, match="meetings_snapshot_immutable"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE meetings_snapshot SET meeting_name = %s", ["Byrådet"])

    assert Snapshot.objects.get().meeting_name == "Beskæftigelsesudvalget"


def test_saving_or_updating_a_snapshot_through_the_orm_is_refused(snapshot):
    snapshot.meeting_name = "Byrådet"
    with pytest.raises(SnapshotIsFrozen):
        snapshot.save()
    with pytest.raises(SnapshotIsFrozen):
        Snapshot.objects.update(meeting_name="Byrådet")


def test_stranger_may_not_make_a_snapshot(client, share_data, stranger):
    client.force_login(stranger)

    response = client.post(
        "/kommune/randers/moeder/",
        {"meeting_name": "Beskæftigelsesudvalget", "meeting_date": "2024-03-12", "year": "2024"},
    )

    assert response.status_code == 403 and not Snapshot.objects.exists()


def test_snapshot_of_a_draft_plan_is_seen_by_the_municipalitys_users_only(client, snapshot, randers_chief):
    from goals.models import Plan

    Plan.objects.filter(goal_set__year=2024).update(status="draft")
    draft = _freeze_again(snapshot)
    assert not draft.is_public

    assert client.get(draft.get_absolute_url()).status_code == 404
    assert "5. november 2024" not in client.get("/kommune/randers/moeder/").content.decode()
    client.force_login(randers_chief)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert "5. november 2024" in client.get("/kommune/randers/moeder/").content.decode()


def test_snapshot_page_in_english_shows_the_english_words_as_frozen(client, snapshot):
    body = client.get(f"/en{snapshot.get_absolute_url()}").content.decode()

    assert "As shown at the meeting of Beskæftigelsesudvalget 12 March 2024" in body
    assert "Source: Jobindsats.dk (STAR)" in body


def test_snapshot_page_reads_a_fixed_number_of_queries(client, snapshot, django_assert_num_queries):
    # The area, the snapshot with its municipality, year and maker, its packs, and the site's data origin (the
    # demo banner of every page); the figures are in the snapshot's JSON, however many panels it has.
    with django_assert_num_queries(4):
        client.get(snapshot.get_absolute_url())
