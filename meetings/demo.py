"""`make run`'s meeting: Randers' 2024 status frozen for the employment committee, a value revised since, its pack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.demo_mode import require_demo_mode
from goals.models import GoalSet
from indicators.models import Observation, ObservationRevision
from meetings.freeze import freeze_snapshot
from meetings.models import MeetingPack, Snapshot
from meetings.pack import make_pack, pack_tool_problem
from municipalities.models import Area

DEMO_MEETING = "Beskæftigelsesudvalget"
DEMO_MEETING_DATE = date(2024, 11, 12)
DEMO_INDICATOR = "mm17-andel-opkvalificering"
# The month the meeting saw as Jobindsats first published it (provisional, lower); revised upwards since.
DEMO_FIRST_PUBLISHED_DROP = Decimal("0.4")


@dataclass(frozen=True)
class MeetingDemo:
    """What the demo step left: the snapshot, and the pack's state or why there is none."""

    snapshot: Snapshot
    pack_state: str
    pack_problem: str | None


def load_meeting_demo() -> MeetingDemo:
    """The demo snapshot (made once) and its Danish pack (made once, where WeasyPrint and Pango are present)."""
    require_demo_mode("Demomødet")
    randers = Area.objects.get(kind=Area.Kind.MUNICIPALITY, slug="randers")
    snapshot = Snapshot.objects.filter(
        municipality=randers, meeting_name=DEMO_MEETING, meeting_date=DEMO_MEETING_DATE
    ).first() or _snapshot_before_a_revision(randers)
    problem = pack_tool_problem()
    if problem:
        return MeetingDemo(snapshot=snapshot, pack_state="", pack_problem=problem)
    pack, _created = MeetingPack.objects.get_or_create(snapshot=snapshot, language="da")
    return MeetingDemo(snapshot=snapshot, pack_state=make_pack(pack_id=pack.pk).state, pack_problem=None)


@transaction.atomic
def _snapshot_before_a_revision(randers: Area) -> Snapshot:
    """Freeze while the newest month before the meeting reads as first published, then put the revision in."""
    observation = (
        Observation.objects.filter(
            indicator__code=DEMO_INDICATOR,
            area=randers,
            breakdown="",
            value__isnull=False,
            period_start__lt=DEMO_MEETING_DATE.replace(day=1),
        )
        .order_by("-period_start")
        .first()
    )
    revised = None
    if observation is not None:
        revised = (observation.value, observation.provisional, observation.fetched_at)
        first_published = observation.value - DEMO_FIRST_PUBLISHED_DROP
        Observation.objects.filter(pk=observation.pk).update(value=first_published, provisional=True)
    snapshot = freeze_snapshot(
        municipality=randers,
        goal_set=GoalSet.objects.get(year=2024),
        meeting_name=DEMO_MEETING,
        meeting_date=DEMO_MEETING_DATE,
        made_by=get_user_model().objects.get(username="randers-chef"),
    )
    if observation is not None:
        value, provisional, fetched_at = revised
        Observation.objects.filter(pk=observation.pk).update(value=value, provisional=provisional)
        # As a pull records it: the earlier (first published) value, kept when the revised one came in.
        ObservationRevision.objects.get_or_create(
            observation=observation,
            fetched_at=fetched_at - timedelta(days=30),
            defaults={"value": first_published, "provisional": True, "replaced_at": timezone.now()},
        )
    return snapshot


def demo_lines(demo: MeetingDemo) -> list[str]:
    """What `make run` prints about the demo meeting."""
    shot = demo.snapshot
    url = shot.get_absolute_url()
    lines = [
        f"Demomøde: øjebliksbillede af Randers til {shot.meeting_name} {shot.meeting_date:%d.%m.%Y}: {url} "
        f"(sammenlign med i dag: {url}sammenlign/)"
    ]
    if demo.pack_problem:
        lines.append(f"Mødepakken (PDF) blev ikke lavet: {demo.pack_problem}")
    else:
        pack = reverse(
            "meeting_pack", kwargs={"slug": shot.municipality.slug, "pk": shot.pk, "language": "da"}
        )
        lines.append(f"Mødepakke (PDF): {pack} ({demo.pack_state})")
    return lines
