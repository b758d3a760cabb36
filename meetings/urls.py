"""Under /kommune/<slug>/moeder/ (and /en/…): snapshots, their comparison with today, and the meeting packs."""

from django.urls import path

from meetings import views

urlpatterns = [
    path("", views.snapshot_list, name="snapshot_list"),
    path("<int:pk>/", views.snapshot, name="snapshot"),
    path("<int:pk>/sammenlign/", views.snapshot_compare, name="snapshot_compare"),
    path("<int:pk>/pakke/", views.pack_request, name="meeting_pack_request"),
    path("<int:pk>/pakke/<str:language>/", views.pack_page, name="meeting_pack"),
    path("<int:pk>/pakke/<str:language>/status", views.pack_status, name="meeting_pack_status"),
    path("<int:pk>/pakke/<str:language>/pdf", views.pack_download, name="meeting_pack_download"),
]
