"""Snapshots and meeting packs: list and freeze, the frozen page, compare with today, the pack. Thin views."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from goals.progress import rule_text
from goals.roles import Action, may
from indicators.suppression import rule_text as suppression_rule_text
from meetings.compare import compare_with_today
from meetings.forms import SnapshotForm
from meetings.freeze import freeze_snapshot
from meetings.frozen import frozen_content, frozen_page
from meetings.models import LANGUAGES, MeetingPack, Snapshot
from meetings.pack import pack_tool_problem, request_pack
from municipalities.models import Area

PACK_LANGUAGES = {code for code, _name in LANGUAGES}


def _area(slug: str) -> Area:
    return get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)


def _snapshot(request: HttpRequest, slug: str, pk: int) -> Snapshot:
    """The snapshot if this visitor may see it (public, or READ_DRAFTS in its municipality); else 404."""
    area = _area(slug)
    drafts = may(request.user, Action.READ_DRAFTS, area)
    visible = Snapshot.objects.visible(drafts=drafts).select_related("municipality", "goal_set", "made_by")
    return get_object_or_404(visible, municipality=area, pk=pk)


def snapshot_list(request: HttpRequest, slug: str) -> HttpResponse:
    """A municipality's snapshots, newest meeting first; plan keepers and chairs freeze a new one here."""
    area = _area(slug)
    can_make = may(request.user, Action.MAKE_SNAPSHOT, area)
    form = SnapshotForm(request.POST or None, initial={"year": request.GET.get("aar")}, municipality=area)
    if request.method == "POST":
        if not can_make:
            raise PermissionDenied(
                _("Kun kommunens planansvarlige og udvalgsformand kan lave øjebliksbilleder.")
            )
        if form.is_valid():
            return _freeze(request, area, form.cleaned_data)
    drafts = may(request.user, Action.READ_DRAFTS, area)
    snapshots = Snapshot.objects.visible(drafts=drafts).filter(municipality=area).select_related("goal_set")
    context = {"area": area, "snapshots": snapshots, "form": form if can_make else None}
    return render(request, "meetings/snapshot_list.html", context, status=400 if form.errors else 200)


def _freeze(request: HttpRequest, area: Area, data: dict) -> HttpResponse:
    snapshot = freeze_snapshot(
        municipality=area,
        goal_set=data["year"],
        meeting_name=data["meeting_name"],
        meeting_date=data["meeting_date"],
        made_by=request.user,
    )
    if data["pack"]:
        request_pack(snapshot=snapshot, language=data["pack"])
        return redirect("meeting_pack", slug=area.slug, pk=snapshot.pk, language=data["pack"])
    return redirect(snapshot.get_absolute_url())


@require_safe
def snapshot(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The status page as shown at the meeting, with a banner saying so."""
    shot = _snapshot(request, slug, pk)
    page = frozen_page(shot)
    content = frozen_content(shot)
    context = {
        "snapshot": shot,
        "page": page,
        "area": shot.municipality,
        "goal_set": shot.goal_set,
        "rule_text": content["rule_text"] or rule_text(),
        "suppression_rule": content["suppression_rule"] or suppression_rule_text(),
        "frozen": True,
        "can_make_pack": may(request.user, Action.MAKE_SNAPSHOT, shot.municipality),
        "pack_rows": _pack_rows(shot),
        "tool_problem": pack_tool_problem(),
    }
    return render(request, "meetings/snapshot.html", context)


def _pack_rows(shot: Snapshot) -> list[tuple[str, str, MeetingPack | None]]:
    packs = {p.language: p for p in shot.packs.defer("pdf")}
    return [(code, str(name), packs.get(code)) for code, name in LANGUAGES]


@require_safe
def snapshot_compare(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The snapshot against today's page: revised values, months final since, months added since."""
    shot = _snapshot(request, slug, pk)
    context = {"snapshot": shot, "area": shot.municipality, "comparison": compare_with_today(snapshot=shot)}
    return render(request, "meetings/compare.html", context)


@require_POST
def pack_request(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Queue the snapshot's pack in a language (once; again after a failure), then show its progress."""
    shot = _snapshot(request, slug, pk)
    if not may(request.user, Action.MAKE_SNAPSHOT, shot.municipality):
        raise PermissionDenied(_("Kun kommunens planansvarlige og udvalgsformand kan lave mødepakker."))
    language = request.POST.get("language", "")
    if language not in PACK_LANGUAGES:
        raise Http404(_("Ukendt sprog."))
    request_pack(snapshot=shot, language=language)
    return redirect("meeting_pack", slug=slug, pk=pk, language=language)


def _pack(request: HttpRequest, slug: str, pk: int, language: str) -> tuple[Snapshot, MeetingPack]:
    shot = _snapshot(request, slug, pk)
    pack = get_object_or_404(MeetingPack.objects.defer("pdf"), snapshot=shot, language=language)
    return shot, pack


@require_safe
def pack_page(request: HttpRequest, slug: str, pk: int, language: str) -> HttpResponse:
    """The pack's progress, then its download; a failure in words with a retry button."""
    shot, pack = _pack(request, slug, pk, language)
    context = {
        "snapshot": shot,
        "area": shot.municipality,
        "pack": pack,
        "tool_problem": pack_tool_problem(),
        "can_make_pack": may(request.user, Action.MAKE_SNAPSHOT, shot.municipality),
        "status_url": reverse("meeting_pack_status", kwargs={"slug": slug, "pk": pk, "language": language}),
    }
    return render(request, "meetings/pack_page.html", context)


@require_safe
def pack_status(request: HttpRequest, slug: str, pk: int, language: str) -> JsonResponse:
    """The pack's state for the progress page's polling."""
    _shot, pack = _pack(request, slug, pk, language)
    download = reverse("meeting_pack_download", kwargs={"slug": slug, "pk": pk, "language": language})
    return JsonResponse(
        {
            "state": pack.state,
            "message": _pack_message(pack),
            "error": pack.error,
            "download_url": download if pack.state == MeetingPack.State.DONE else None,
        }
    )


def _pack_message(pack: MeetingPack) -> str:
    if pack.state == MeetingPack.State.DONE:
        return _("Mødepakken er klar.")
    if pack.state == MeetingPack.State.FAILED:
        return _("Mødepakken kunne ikke laves.")
    return _("Mødepakken laves. Det tager normalt nogle sekunder; siden opdaterer sig selv.")


@require_safe
def pack_download(request: HttpRequest, slug: str, pk: int, language: str) -> HttpResponse:
    """The stored PDF, as made once."""
    shot = _snapshot(request, slug, pk)
    pack = get_object_or_404(MeetingPack, snapshot=shot, language=language, state=MeetingPack.State.DONE)
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    filename = f"maaltavlen-{shot.municipality.slug}-{shot.meeting_date:%Y-%m-%d}-{language}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
