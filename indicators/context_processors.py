"""Template context shared by every page."""

from hashlib import sha256

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from indicators.models import IngestionRun


def data_origin(request: HttpRequest) -> dict:
    """Whether the data on show came from the sandbox server (synthetic demo data): drives the banner."""
    # A page that read the data version (goals/page_cache.py sets it on the request) finds the answer kept under
    # it: every finished pull changes the version.
    version = getattr(request, "data_version", None)
    if version is None:
        return {"demo_data": _latest_origin() == "sandbox"}
    key = "data-origin:" + sha256(version.encode()).hexdigest()
    latest = cache.get(key)
    if latest is None:
        latest = _latest_origin() or ""
        cache.set(key, latest, settings.PAGE_CACHE_SECONDS)
    return {"demo_data": latest == "sandbox"}


def _latest_origin() -> str | None:
    return (
        IngestionRun.objects.filter(status=IngestionRun.Status.SUCCEEDED, kind=IngestionRun.Kind.INDICATOR)
        .order_by("-started_at")
        .values_list("data_origin", flat=True)
        .first()
    )
