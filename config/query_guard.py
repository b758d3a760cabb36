"""Query strings no page or API can use are answered 400 before any view reads them."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def bad_parameter(request: HttpRequest) -> str | None:
    """The name of the first query parameter holding a NUL byte (PostgreSQL refuses it in text), else None."""
    for name, values in request.GET.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            return name.replace("\x00", "?")[:50]
    return None


class QueryGuardMiddleware:
    """Answer 400 to a query string with a NUL byte: JSON `{"error"}` under /api/, the 400 page elsewhere."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        name = bad_parameter(request)
        if name is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"error": f"parameter {name!r} contains a NUL byte"}, status=400)
        message = _("Parameteren “%(name)s” i adressen indeholder et ugyldigt tegn (NUL).") % {"name": name}
        # Not 400.html: Django renders that one without a request (for a refused Host header), and base.html needs one.
        return HttpResponseBadRequest(
            render_to_string("bad_request.html", {"message": message}, request=request)
        )
