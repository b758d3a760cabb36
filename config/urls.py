"""URLs: the public pages under i18n patterns (Danish without prefix, English under /en/), admin, i18n."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from goals import views as goal_views

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("", goal_views.home, name="home"),
    path("kommune/", goal_views.pick_municipality, name="pick_municipality"),
    path("kommune/<slug:slug>/", goal_views.municipality, name="municipality"),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)
