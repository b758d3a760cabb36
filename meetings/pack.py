"""The meeting pack: a snapshot as a tagged, accessible PDF (WeasyPrint; charts as SVG vectors, see README)."""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from goals.formatting import format_date
from goals.status import IndicatorPanel
from meetings.frozen import frozen_content, frozen_page
from meetings.models import MeetingPack, Snapshot
from meetings.svg_chart import svg_line_chart

logger = logging.getLogger(__name__)
INSTALL_HINT = "apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"


class PackToolMissing(Exception):
    """WeasyPrint or the system's Pango is missing: the pack cannot be made on this machine."""


def pack_tool_problem() -> str | None:
    """What to install for the pack, in words, or None when the machine can make it."""
    try:
        import weasyprint  # noqa: F401 - loads Pango through cffi; fails with OSError without it
    except (ImportError, OSError):
        return _(
            "Mødepakken (PDF) kan ikke laves på denne maskine: den kræver WeasyPrint og systemets Pango. "
            "Installér dem med `pip install weasyprint` og `%(apt)s`."
        ) % {"apt": INSTALL_HINT}
    return None


@dataclass(frozen=True)
class PackChart:
    """One indicator's chart for print: its SVG as a data URI, described by the generated sentence."""

    panel: IndicatorPanel
    svg_uri: str


def pack_html(*, snapshot: Snapshot, language: str) -> str:
    """The pack's HTML in the language: cover, overview, and per goal its plan and indicator panels."""
    with translation.override(language):
        page = frozen_page(snapshot, language)
        sections = [
            (goal, [PackChart(panel=p, svg_uri=_svg_uri(p) if p.has_data else "") for p in goal.panels])
            for goal in page.goals
        ]
        content = frozen_content(snapshot, language)
        context = {
            "snapshot": snapshot,
            "page": page,
            "sections": sections,
            "rule_text": content["rule_text"],
            "source_line": source_line(snapshot, language),
            "language": language,
        }
        return render_to_string("meetings/pack.html", context)


def render_pack(*, snapshot: Snapshot, language: str) -> bytes:
    """The pack as PDF/UA-1: tagged, with the document language, title, bookmarks from headings, alt text."""
    problem = pack_tool_problem()
    if problem:
        raise PackToolMissing(problem)
    from weasyprint import HTML

    html = pack_html(snapshot=snapshot, language=language)
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")


def source_line(snapshot: Snapshot, language: str) -> str:
    """Every page's foot: the sources, the newest data date of the snapshot's figures, and the meeting."""
    content = frozen_content(snapshot, language)
    panels = [p for goal in content["goals"] for p in goal["panels"]]
    fetched = max(
        (p["freshness"]["fetched_at"] for p in panels if p["freshness"]["fetched_at"]), default=None
    )
    with translation.override(language):
        fetched_text = format_date(_parse(fetched).date()) if fetched else "–"
        return _(
            "Kilde: Jobindsats.dk (STAR) og kommunens beskæftigelsesplan · tal hentet %(date)s · "
            "som vist på mødet %(meeting)s · Måltavlen"
        ) % {"date": fetched_text, "meeting": format_date(snapshot.meeting_date)}


def _parse(text: str) -> datetime:
    return timezone.localtime(datetime.fromisoformat(text))


def _svg_uri(panel: IndicatorPanel) -> str:
    baseline, target = panel.markers
    svg = svg_line_chart(unit=panel.indicator.unit, series=panel.lines, baseline=baseline, target=target)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def request_pack(*, snapshot: Snapshot, language: str) -> MeetingPack:
    """The snapshot's pack in the language: queued once (after commit); a failed one is queued again."""
    from meetings import tasks  # tasks import this module

    with transaction.atomic():
        pack, created = MeetingPack.objects.select_for_update().get_or_create(
            snapshot=snapshot, language=language
        )
        if not created and pack.state != MeetingPack.State.FAILED:
            return pack
        if not created:
            pack.state, pack.error, pack.requested_at = MeetingPack.State.WAITING, "", timezone.now()
            pack.save(update_fields=["state", "error", "requested_at"])
        tasks.make_meeting_pack.delay_on_commit(pack.pk)
    return pack


def make_pack(*, pack_id: int) -> MeetingPack:
    """Make the pack's PDF unless it is made already (a redelivered task changes nothing); record a failure."""
    language = MeetingPack.objects.values_list("language", flat=True).get(pk=pack_id)
    with translation.override(language):
        try:
            return _make(pack_id)
        except Exception as error:
            logger.exception("Meeting pack %s failed", pack_id)
            MeetingPack.objects.filter(pk=pack_id).update(
                state=MeetingPack.State.FAILED, error=_failure_text(error), finished_at=timezone.now()
            )
            return MeetingPack.objects.get(pk=pack_id)


def _make(pack_id: int) -> MeetingPack:
    with transaction.atomic():
        pack = (
            MeetingPack.objects.select_for_update().select_related("snapshot__municipality").get(pk=pack_id)
        )
        if pack.state == MeetingPack.State.DONE:
            return pack
        pack.pdf = render_pack(snapshot=pack.snapshot, language=pack.language)
        pack.state, pack.error, pack.finished_at = MeetingPack.State.DONE, "", timezone.now()
        pack.save(update_fields=["pdf", "state", "error", "finished_at"])
        return pack


def _failure_text(error: Exception) -> str:
    """The failure in words for the person waiting for the pack (in the pack's language)."""
    if isinstance(error, PackToolMissing):
        return str(error)
    return _(
        "Mødepakken kunne ikke laves (%(error)s). Prøv igen; sker det igen, så kontakt administratoren."
    ) % {"error": type(error).__name__}
