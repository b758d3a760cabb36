"""Template context shared by every page."""

from django.http import HttpRequest

from indicators.models import IngestionRun


def data_origin(request: HttpRequest) -> dict:
    """Whether the data on show came from the sandbox server (synthetic demo data): drives the banner."""
    latest = (
        IngestionRun.objects.filter(status=IngestionRun.Status.SUCCEEDED, kind=IngestionRun.Kind.INDICATOR)
        .order_by("-started_at")
        .values_list("data_origin", flat=True)
        .first()
    )
    return {"demo_data": latest == "sandbox"}
