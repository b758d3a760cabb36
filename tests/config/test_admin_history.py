"""Every model with history: its admin history list and every version (revert) page open, in Danish, for an admin."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
import simple_history
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.translation.template import templatize

from config.admin_site import HistoryAdmin
from goals.demo import load_demo_plans
from goals.models import Plan
from indicators.models import Indicator, JobindsatsTable

HISTORY_MODELS = sorted(
    (m for m in apps.get_models() if hasattr(m._meta, "simple_history_manager_attribute")),
    key=lambda m: m._meta.label,
)


def _history(model):
    return getattr(model, model._meta.simple_history_manager_attribute)


def _url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def history_data(reference_data):
    """Demo plans, and every model with history edited once, so each has a created and a changed version."""
    load_demo_plans()
    for model in HISTORY_MODELS:
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"{model._meta.label} has no rows: load some in this fixture"
        obj.save()


def test_history_models_are_found():
    assert {m._meta.label for m in HISTORY_MODELS} >= {
        "goals.Goal",
        "goals.Plan",
        "goals.PlanGoal",
        "goals.Target",
        "indicators.Indicator",
    }


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m._meta.label)
def test_every_model_with_history_has_a_history_admin(model):
    assert isinstance(admin.site._registry.get(model), HistoryAdmin)


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m._meta.label)
def test_history_list_and_every_version_page_open_and_link_each_other(
    client, admin_user, history_data, model
):
    client.force_login(admin_user)
    obj = model.objects.order_by("pk").first()
    records = list(_history(model).filter(id=obj.pk))
    assert len(records) >= 2

    listing = client.get(_url(model, "history", obj.pk))

    assert listing.status_code == 200
    for record in records:
        version_url = _url(model, "simple_history", obj.pk, record.history_id)
        assert f'href="{version_url}"' in listing.content.decode(), "each version is linked from the list"
        version = client.get(version_url)
        assert version.status_code == 200
        assert "Gendan" in version.content.decode()


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m._meta.label)
def test_every_version_can_be_named_even_when_its_related_rows_are_gone(history_data, model):
    # A historical copy lacks the fields its history excludes; a version may point at rows since deleted.
    Plan.objects.all().delete()
    for record in _history(model).all():
        assert str(record.history_object)
        assert str(record.instance)


def test_history_of_a_deleted_plan_goal_still_opens(client, admin_user, history_data):
    from goals.models import PlanGoal

    plan_goal = PlanGoal.objects.order_by("pk").first()
    pk = plan_goal.pk
    plan_goal.plan.delete()
    record = PlanGoal.history.filter(id=pk).order_by("history_date").first()
    client.force_login(admin_user)

    assert client.get(_url(PlanGoal, "history", pk)).status_code == 200
    assert client.get(_url(PlanGoal, "simple_history", pk, record.history_id)).status_code == 200


def test_goal_history_page_is_in_danish_and_names_the_goal(client, admin_user, history_data):
    from goals.models import Goal

    goal = Goal.objects.order_by("pk").first()
    client.force_login(admin_user)

    text = _text(client.get(_url(Goal, "history", goal.pk)))

    assert f"{goal.number}. {goal.title}" in text
    assert "Titel" in text  # the extra column, headed by its field's name
    for danish in (
        "Version",
        "Dato/tid",
        "Handling",
        "Ændret af",
        "Ændringer",
        "Oprettet",
        "Ændret",
        "2 versioner",
    ):
        assert danish in text
    for english in (
        "Changed by",
        "Date/time",
        "Change reason",
        "Created",
        "entries",
        "None",
        "Title",
        "title",
    ):
        assert english not in text


def test_version_page_is_in_danish_and_its_trail_names_the_model(client, admin_user, history_data):
    from goals.models import Goal

    goal = Goal.objects.order_by("pk").first()
    first = Goal.history.filter(id=goal.pk).order_by("history_date").first()
    client.force_login(admin_user)

    text = _text(client.get(_url(Goal, "simple_history", goal.pk, first.history_id)))

    assert f"Hjem › Mål og planer › Mål › {goal} › Historik › Gendan mål" in text
    assert "Tryk på »Gendan« nedenfor" in text
    assert "Historical" not in text and "Goals" not in text and "Revert" not in text


def test_changes_column_shows_choice_labels_and_a_dash_for_an_empty_link(client, admin_user, history_data):
    plan = Plan.objects.order_by("pk").first()
    plan.status = Plan.Status.DRAFT
    plan.save()
    indicator = Indicator.objects.filter(table__isnull=True).first()
    indicator.table = JobindsatsTable.objects.create(table_id="mm17a01", name="Opkvalificering")
    indicator.is_active = False
    indicator.save()
    client.force_login(admin_user)

    plan_history = _text(client.get(_url(Plan, "history", plan.pk)))
    indicator_history = _text(client.get(_url(Indicator, "history", indicator.pk)))

    assert "Status: Vedtaget → Udkast" in plan_history
    assert "Tabel: – → mm17a01 – Opkvalificering" in indicator_history
    assert "Ja → Nej" in indicator_history
    assert "pk=None" not in indicator_history
    assert "None" not in plan_history + indicator_history


def _text(response) -> str:
    """The page as its reader sees it: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- The Danish catalogue covers what django-simple-history shows ---------------------------------------------
_CALLS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
_TEMPLATE_CALL = re.compile(r"\bn?gettext\((u?(?:'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))")


def _simple_history_msgids() -> set[str]:
    """Every string django-simple-history marks for translation, in its templates and its Python code."""
    found = set()
    for path in Path(simple_history.__file__).parent.rglob("*"):
        if path.suffix == ".html":
            found |= {ast.literal_eval(m) for m in _TEMPLATE_CALL.findall(templatize(path.read_text()))}
        elif path.suffix == ".py" and "migrations" not in path.parts:
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in _CALLS
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    found.add(node.args[0].value)
    return found


def test_every_string_of_the_history_pages_has_danish():
    msgids = _simple_history_msgids()
    assert len(msgids) > 20 and "Changed by" in msgids

    with translation.override("da"):
        untranslated = sorted(m for m in msgids if translation.gettext(m) == m)

    assert untranslated == []
