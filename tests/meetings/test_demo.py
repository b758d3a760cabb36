"""`make run`'s demo meeting: one snapshot of Randers, a value revised since, its pack made; safe to run again."""

from __future__ import annotations

import pytest

from goals.demo import load_demo
from meetings.compare import compare_with_today
from meetings.demo import DEMO_MEETING, demo_lines, load_meeting_demo
from meetings.models import MeetingPack, Snapshot
from meetings.pack import pack_tool_problem


def test_demo_leaves_one_snapshot_whose_compare_view_shows_a_revision(share_data):
    load_demo()

    first = load_meeting_demo()
    again = load_meeting_demo()

    assert Snapshot.objects.count() == 1 and first.snapshot == again.snapshot
    shot = first.snapshot
    assert shot.meeting_name == DEMO_MEETING and shot.meeting_date.year == 2024
    comparison = compare_with_today(snapshot=shot)
    assert comparison.revised == 1 and comparison.now_final >= 1
    assert any(shot.get_absolute_url() in line for line in demo_lines(first))


@pytest.mark.skipif(pack_tool_problem() is not None, reason="needs WeasyPrint with Pango")
def test_demo_makes_the_pack_once(share_data):
    load_demo()

    demo = load_meeting_demo()
    made_at = MeetingPack.objects.get().finished_at
    load_meeting_demo()

    assert demo.pack_state == "done"
    assert MeetingPack.objects.get().finished_at == made_at
    assert bytes(MeetingPack.objects.get().pdf).startswith(b"%PDF")
