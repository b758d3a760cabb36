"""The municipality's local-indicator pages: check access (goals.roles.may), validate, call the service, render."""

from __future__ import annotations

import secrets
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from goals.exports import CSV_TYPE, XLSX_TYPE
from goals.login import log_in_here
from goals.roles import Action, may
from indicators.models import Indicator, LocalValue
from local_values import approval, entry, upload
from local_values.definition import LocalIndicatorForm, reported_by, save_definition
from local_values.forms import EntryForm, RejectForm, UploadForm
from local_values.validation import RawRow, check_rows, period_type_name
from municipalities.models import Area

UPLOAD_SESSION_KEY = "local_values_upload"


def _area(slug: str) -> Area:
    return get_object_or_404(Area, kind=Area.Kind.MUNICIPALITY, slug=slug)


def _require(request: HttpRequest, action: Action, area: Area | None) -> None:
    if not may(request.user, action, area):
        raise PermissionDenied(
            _("Du har ikke adgang til denne side for %(name)s.") % {"name": area.name if area else ""}
        )


def _indicator(area: Area, code: str) -> Indicator:
    """One of the municipality's own local indicators or a shared one (never another municipality's)."""
    indicator = reported_by(area).filter(code=code).first()
    if indicator is None:
        raise Http404(_("Kommunen har ingen lokal indikator med koden %(code)s.") % {"code": code})
    return indicator


def _log_in(request: HttpRequest, area: Area) -> HttpResponse:
    return log_in_here(request, template="local_values/login.html", context={"area": area})


def signed_in(view):
    """Anonymous visitors log in on the page itself; everyone else reaches the view (which checks may())."""

    @wraps(view)
    def wrapped(request: HttpRequest, slug: str, *args, **kwargs) -> HttpResponse:
        area = _area(slug)
        if not request.user.is_authenticated:
            return _log_in(request, area)
        return view(request, area, *args, **kwargs)

    return wrapped


@signed_in
@require_safe
def overview(request: HttpRequest, area: Area) -> HttpResponse:
    """The municipality's local indicators, with links to enter, upload, edit and see the history."""
    _require(request, Action.READ_DRAFTS, area)
    indicators = reported_by(area).annotate(
        pending=Count("local_values", filter=Q(local_values__area=area, local_values__status="draft"))
    )
    context = {
        "area": area,
        "indicators": indicators,
        "can_define": may(request.user, Action.DEFINE_LOCAL_INDICATOR, area),
        "can_define_shared": may(request.user, Action.DEFINE_SHARED_INDICATOR),
        "can_enter": may(request.user, Action.ENTER_LOCAL_VALUES, area),
        "can_approve": may(request.user, Action.APPROVE_LOCAL_VALUES, area),
    }
    return render(request, "local_values/overview.html", context)


@signed_in
@require_http_methods(["GET", "POST"])
def define(request: HttpRequest, area: Area, code: str | None = None) -> HttpResponse:
    """Define a new local indicator for the municipality (or, for admins, a shared one), or edit one."""
    indicator = _indicator(area, code) if code else None
    if indicator is not None and indicator.is_shared:
        _require(request, Action.DEFINE_SHARED_INDICATOR, None)
    else:
        _require(request, Action.DEFINE_LOCAL_INDICATOR, area)
    may_share = may(request.user, Action.DEFINE_SHARED_INDICATOR)
    data = request.POST if request.method == "POST" else None
    form = LocalIndicatorForm(data, instance=indicator, may_share=may_share)
    if data is not None and form.is_valid():
        saved = save_definition(form=form, municipality=area)
        messages.success(request, _("Indikatoren “%(name)s” er gemt.") % {"name": saved.name})
        return redirect("local_values:overview", slug=area.slug)
    context = {"area": area, "form": form, "indicator": indicator}
    return render(request, "local_values/define.html", context, status=400 if data is not None else 200)


@signed_in
@require_http_methods(["GET", "POST"])
def enter(request: HttpRequest, area: Area, code: str) -> HttpResponse:
    """The entry table: periods × value (and base), with what each period holds now; saves drafts."""
    indicator = _indicator(area, code)
    _require(request, Action.ENTER_LOCAL_VALUES, area)
    today = timezone.localdate()
    periods = entry.offered_periods(indicator.period_type, today=today)
    current = entry.current_values(indicator=indicator, area=area)
    data = request.POST if request.method == "POST" else None
    form = EntryForm(data, indicator=indicator, periods=periods, current=current, today=today)
    if data is not None and form.is_valid():
        result = entry.submit(indicator=indicator, area=area, rows=form.rows, user=request.user)
        messages.success(request, _submitted_message(result))
        return redirect("local_values:enter", slug=area.slug, code=indicator.code)
    context = {
        "area": area,
        "indicator": indicator,
        "form": form,
        "kind": period_type_name(indicator.period_type),
    }
    return render(request, "local_values/enter.html", context, status=400 if data is not None else 200)


def _submitted_message(result: entry.Submitted) -> str:
    if not result.drafts:
        return _("Intet er ændret: værdierne er de samme som dem, der allerede er indtastet.")
    return ngettext(
        "%(n)s værdi er gemt og afventer godkendelse af en anden planansvarlig.",
        "%(n)s værdier er gemt og afventer godkendelse af en anden planansvarlig.",
        result.drafts,
    ) % {"n": result.drafts}


@signed_in
@require_http_methods(["GET", "POST"])
def upload_file(request: HttpRequest, area: Area, code: str) -> HttpResponse:
    """Upload a CSV or .xlsx: every bad row is listed and nothing is kept; a good file goes to the preview."""
    indicator = _indicator(area, code)
    _require(request, Action.ENTER_LOCAL_VALUES, area)
    form = UploadForm(request.POST or None, request.FILES or None)
    context = {"area": area, "indicator": indicator, "form": form, "problems": [], "refused": ""}
    if request.method == "POST" and form.is_valid():
        the_file = form.cleaned_data["file"]
        try:
            raw = upload.read_upload(the_file)
        except upload.UploadRefused as exc:
            context["refused"] = str(exc)
            return render(request, "local_values/upload.html", context, status=400)
        checked = check_rows(indicator=indicator, rows=raw, today=timezone.localdate())
        if checked.problems or not checked.rows:
            context["problems"] = checked.problems
            context["refused"] = "" if checked.problems else _("Filen har ingen rækker med værdier.")
            return render(request, "local_values/upload.html", context, status=400)
        token = secrets.token_urlsafe(16)
        # The parsed cells wait in the server-side session until confirmed; the file itself is not kept.
        request.session[UPLOAD_SESSION_KEY] = {
            "token": token,
            "indicator": indicator.pk,
            "area": area.pk,
            "name": (the_file.name or "")[:255],
            "rows": [[r.number, r.period, r.value, r.base] for r in raw],
        }
        return redirect(
            reverse("local_values:preview", kwargs={"slug": area.slug, "code": indicator.code})
            + f"?t={token}"
        )
    return render(
        request, "local_values/upload.html", context, status=400 if request.method == "POST" else 200
    )


def _stored_upload(request: HttpRequest, area: Area, indicator: Indicator, token: str):
    stored = request.session.get(UPLOAD_SESSION_KEY)
    if (
        not stored
        or not token
        or not secrets.compare_digest(stored.get("token", ""), token)
        or stored.get("indicator") != indicator.pk
        or stored.get("area") != area.pk
    ):
        return None
    return stored


@signed_in
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, area: Area, code: str) -> HttpResponse:
    """What the upload would change per period (new, changed, unchanged); confirming saves it in one transaction."""
    indicator = _indicator(area, code)
    _require(request, Action.ENTER_LOCAL_VALUES, area)
    token = request.POST.get("t") if request.method == "POST" else request.GET.get("t", "")
    stored = _stored_upload(request, area, indicator, token or "")
    if stored is None:
        messages.error(request, _("Uploaden er udløbet eller allerede gemt; upload filen igen."))
        return redirect("local_values:upload", slug=area.slug, code=indicator.code)
    raw = [RawRow(*cells) for cells in stored["rows"]]
    # Checked again against today's rules and values: the preview may be old.
    checked = check_rows(indicator=indicator, rows=raw, today=timezone.localdate())
    if checked.problems:
        request.session.pop(UPLOAD_SESSION_KEY, None)
        context = {"area": area, "indicator": indicator, "form": UploadForm(), "problems": checked.problems}
        return render(request, "local_values/upload.html", context, status=400)
    if request.method == "POST":
        result = entry.submit(
            indicator=indicator,
            area=area,
            rows=checked.rows,
            user=request.user,
            origin=LocalValue.Origin.UPLOAD,
            upload_name=stored["name"],
        )
        request.session.pop(UPLOAD_SESSION_KEY, None)
        messages.success(request, _submitted_message(result))
        return redirect("local_values:enter", slug=area.slug, code=indicator.code)
    planned = entry.plan(indicator=indicator, area=area, rows=checked.rows)
    counts = {kind: sum(1 for p in planned if p.change == kind) for kind in entry.Change}
    context = {
        "area": area,
        "indicator": indicator,
        "planned": planned,
        "counts": counts,
        "token": token,
        "name": stored["name"],
    }
    return render(request, "local_values/preview.html", context)


@signed_in
@require_safe
def template_file(request: HttpRequest, area: Area, code: str, fmt: str) -> HttpResponse:
    """The upload template: the indicator's periods in words, with empty value (and base) columns."""
    indicator = _indicator(area, code)
    _require(request, Action.ENTER_LOCAL_VALUES, area)
    periods = entry.offered_periods(indicator.period_type, today=timezone.localdate())[::-1]
    rows = upload.template_rows(indicator, periods)
    if fmt == "csv":
        response = HttpResponse(upload.template_csv(rows), content_type=CSV_TYPE)
    elif fmt == "xlsx":
        response = HttpResponse(upload.template_xlsx(rows), content_type=XLSX_TYPE)
    else:
        raise Http404(_("Skabelonen findes som .csv og .xlsx."))
    response["Content-Disposition"] = f'attachment; filename="{indicator.code}-skabelon.{fmt}"'
    return response


@signed_in
@require_http_methods(["GET", "POST"])
def approvals(request: HttpRequest, area: Area) -> HttpResponse:
    """The municipality's drafts: approve (one or many) or reject with a reason; nobody decides their own entries."""
    _require(request, Action.APPROVE_LOCAL_VALUES, area)
    status = 200
    if request.method == "POST":
        try:
            if "reject" in request.POST:
                form = RejectForm(request.POST)
                if not form.is_valid():
                    raise approval.DecisionRefused(_("Afvisningen kunne ikke læses; prøv igen."))
                approval.reject(
                    area=area,
                    entry_id=form.cleaned_data["entry"],
                    user=request.user,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("Værdien er afvist."))
            else:
                ids = [int(v) for v in request.POST.getlist("entries") if v.isdigit()]
                n = approval.approve(area=area, ids=ids, user=request.user)
                messages.success(
                    request, ngettext("%(n)s værdi er godkendt.", "%(n)s værdier er godkendt.", n) % {"n": n}
                )
            return redirect("local_values:approvals", slug=area.slug)
        except approval.DecisionRefused as exc:
            messages.error(request, str(exc))
            status = 400
    entries = list(approval.pending(area=area))
    for item in entries:
        item.own = item.entered_by_id == request.user.pk
    return render(request, "local_values/approvals.html", {"area": area, "entries": entries}, status=status)


@signed_in
@require_safe
def history(request: HttpRequest, area: Area, code: str) -> HttpResponse:
    """Every entry, approval and rejection of one local indicator in the municipality, with before and after."""
    indicator = _indicator(area, code)
    _require(request, Action.READ_DRAFTS, area)
    events = approval.history(indicator=indicator, area=area)
    return render(
        request, "local_values/history.html", {"area": area, "indicator": indicator, "events": events}
    )
