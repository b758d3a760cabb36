"""URLs: the public pages under i18n patterns (Danish without prefix, English under /en/), admin, i18n."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.views.decorators.http import require_safe

from config.health import healthz
from goals import api as goal_api
from goals import goal_set_edit, plan_edit
from goals import views as goal_views


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever a page links (the admin, files): send them to the static icon."""
    return HttpResponsePermanentRedirect(static("favicon.ico"))


urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/indicators/", goal_api.indicators, name="api_indicators"),
    path("api/areas/", goal_api.areas, name="api_areas"),
    path("api/observations/", goal_api.observations, name="api_observations"),
]
urlpatterns += i18n_patterns(
    path("", goal_views.home, name="home"),
    path("kommune/", goal_views.pick_municipality, name="pick_municipality"),
    path("kommune/<slug:slug>/", goal_views.municipality, name="municipality"),
    path(
        "kommune/<slug:slug>/<slug:code>.<str:fmt>",
        goal_views.municipality_export,
        name="municipality_export",
    ),
    path("kommune/<slug:slug>/plan/<int:year>/", plan_edit.edit_plan, name="plan_edit"),
    path("kommune/<slug:slug>/moeder/", include("meetings.urls")),
    path("kommune/<slug:slug>/lokale-indikatorer/", include("local_values.urls")),
    path("kommune/<slug:slug>/maal/ny/", goal_set_edit.new_goal_set, name="goal_set_new"),
    path("kommune/<slug:slug>/maal/<int:year>/", goal_set_edit.edit_goal_set, name="goal_set_edit"),
    path("log-ud/", LogoutView.as_view(next_page="home"), name="logout"),
    path("sammenlign/<slug:code>/", goal_views.comparison, name="comparison"),
    path(
        "sammenlign/<slug:code>/<slug:chart>.<str:fmt>",
        goal_views.comparison_export,
        name="comparison_export",
    ),
    path("embed/kommune/<slug:slug>/<slug:code>/", goal_views.municipality_embed, name="municipality_embed"),
    path("embed/sammenlign/<slug:code>/", goal_views.comparison_embed, name="comparison_embed"),
    path("admin/", admin.site.urls),
    path("", include("notifications.urls")),
    prefix_default_language=False,
)
