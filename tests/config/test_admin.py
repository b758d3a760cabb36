"""Every model has a working admin page with search and filters (issue 2), for the admin persona."""

import pytest
from django.contrib import admin
from django.urls import reverse

PROJECT_APPS = {"municipalities", "indicators", "goals", "meetings"}
ADMINS = {
    f"{model._meta.app_label}.{model._meta.model_name}": model_admin
    for model, model_admin in admin.site._registry.items()
    if model._meta.app_label in PROJECT_APPS
}


def test_every_project_model_is_in_the_admin():
    from django.apps import apps

    project_models = {
        f"{m._meta.app_label}.{m._meta.model_name}"
        for m in apps.get_models()
        if m._meta.app_label in PROJECT_APPS and not m.__name__.startswith("Historical")
    }
    assert project_models == set(ADMINS)


@pytest.mark.parametrize("label", sorted(ADMINS))
def test_admin_changelist_can_be_searched_and_filtered(client, admin_user, reference_data, label):
    client.force_login(admin_user)
    model_admin = ADMINS[label]
    url = reverse(f"admin:{label.replace('.', '_')}_changelist")

    assert model_admin.search_fields, "every admin page can be searched"
    assert model_admin.list_filter, "every admin page can be filtered"
    assert client.get(url, {"q": "Randers"}).status_code == 200
    assert client.get(reverse(f"admin:{label.replace('.', '_')}_add")).status_code in {200, 403}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "english"),
    [("/admin/login/?next=/admin/", "/en/admin/login/?next=/admin/"), ("/en/admin/login/", "/admin/login/")],
)
def test_admin_pages_link_the_same_page_in_the_other_language(client, path, english):
    page = client.get(path).content.decode()

    assert f'href="{english}"' in page.replace("&amp;", "&")
    assert 'hreflang="en"' in page and 'hreflang="da"' in page
