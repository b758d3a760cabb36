"""The local-indicator pages, under a municipality's address (/kommune/<slug>/lokale-indikatorer/…)."""

from django.urls import path

from local_values import views

app_name = "local_values"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ny/", views.define, name="define"),
    path("godkend/", views.approvals, name="approvals"),
    path("<slug:code>/rediger/", views.define, name="edit"),
    path("<slug:code>/indtast/", views.enter, name="enter"),
    path("<slug:code>/upload/", views.upload_file, name="upload"),
    path("<slug:code>/upload/forhaandsvisning/", views.preview, name="preview"),
    path("<slug:code>/skabelon.<str:fmt>", views.template_file, name="template"),
    path("<slug:code>/historik/", views.history, name="history"),
]
