"""The chief of Randers edits Randers' plan; nobody else but an admin may."""

from decimal import Decimal

import pytest

from goals.models import Goal, Plan, PlanGoal, Target
from indicators.models import Indicator

URL = "/kommune/randers/plan/2024/"


def management(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}


def new_plan_post(goal_id: int, indicator_id: int) -> dict:
    return {
        "plan-status": "adopted",
        "plan-adopted_on": "2023-12-14",
        "plan-decision_reference": "Byrådet 14. december 2023",
        "texts-goal_2": "Flere i voksenlærlingeforløb.",
        **management("targets", 1, 0),
        "targets-0-goal": str(goal_id),
        "targets-0-indicator": str(indicator_id),
        "targets-0-baseline_period": "2023M12",
        "targets-0-baseline_value": "4,1",
        "targets-0-target_period": "2024M12",
        "targets-0-target_value": "5,2",
        "targets-0-direction": "up",
    }


def test_chief_of_randers_creates_the_plan_with_a_text_and_a_target(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)

    assert client.get(URL).status_code == 200
    response = client.post(URL, new_plan_post(goal.id, indicator.id))

    assert response.status_code == 302 and response["Location"] == "/kommune/randers/?aar=2024"
    plan = Plan.objects.get(municipality__slug="randers", goal_set__year=2024)
    assert plan.status == "adopted"
    assert PlanGoal.objects.get(plan=plan, goal=goal).text == "Flere i voksenlærlingeforløb."
    target = Target.objects.get(plan_goal__plan=plan)
    assert (target.baseline_value, target.target_value, target.is_percent) == (
        Decimal("4.1"),
        Decimal("5.2"),
        True,
    )
    assert "Rediger planen" in client.get("/kommune/randers/", {"aar": "2024"}).content.decode()


def test_invalid_target_is_not_saved_and_says_why(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = new_plan_post(goal.id, indicator.id) | {"targets-0-target_period": "2023M01"}

    response = client.post(URL, data)

    assert response.status_code == 400
    assert "Basisperioden skal ligge før målperioden" in response.content.decode()
    assert not Plan.objects.filter(municipality__slug="randers", goal_set__year=2024).exists()


@pytest.mark.parametrize("url", [URL, "/kommune/aarhus/plan/2024/"])
def test_a_stranger_and_a_committee_chair_get_403(client, stranger, committee_chair, url):
    for user in (stranger, committee_chair):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.post(url, {}).status_code == 403


def test_the_chief_of_randers_cannot_edit_aarhus(client, randers_chief):
    client.force_login(randers_chief)

    response = client.get("/kommune/aarhus/plan/2024/")

    assert response.status_code == 403
    assert "Ingen adgang" in response.content.decode()


def test_an_admin_may_edit_any_plan(client, admin_user, reference_data):
    client.force_login(admin_user)

    assert client.get("/kommune/aarhus/plan/2024/").status_code == 200


def test_anonymous_visitors_are_asked_to_log_in_on_the_page(client, reference_data):
    response = client.get(URL)

    assert response.status_code == 200
    assert 'name="login-username"' in response.content.decode()
    assert not Plan.objects.exists()


def test_a_chief_who_is_not_staff_logs_in_on_the_page_and_lands_in_the_editor(client, randers_chief):
    # The admin's login page refuses accounts without is_staff, which plan keepers need not have.
    assert not randers_chief.is_staff

    response = client.post(URL, {"login-username": "chief-rikke", "login-password": "pw-rikke-123"})

    assert response.status_code == 302 and response["Location"] == URL
    assert client.get(URL).status_code == 200


def test_a_wrong_password_says_so_and_logs_nobody_in(client, randers_chief):
    response = client.post(URL, {"login-username": "chief-rikke", "login-password": "wrong"})

    assert response.status_code == 400
    assert "Indtast venligst korrekt brugernavn og adgangskode" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_stranger_who_logs_in_on_the_page_then_gets_403(client, stranger, reference_data):
    client.post(URL, {"login-username": "stranger-sam", "login-password": "pw-sam-123"})

    assert client.get(URL).status_code == 403


def test_anonymous_status_page_offers_plan_keepers_a_way_in(client, reference_data):
    body = client.get("/kommune/randers/", {"aar": "2024"}).content.decode()

    assert f'<a href="{URL}">Planansvarlig? Log ind og rediger planen</a>' in body


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"targets-0-baseline_period": "2025M01"},
            "baseline_period",
            "Basisperioden skal ligge før målperioden",
        ),
        ({"targets-0-target_value": "120"}, "target_value", "En procentsats skal ligge mellem 0 og 100"),
        ({"targets-0-baseline_value": "-3"}, "baseline_value", "En procentsats skal ligge mellem 0 og 100"),
        ({"targets-0-target_period": "decembre 2024"}, "target_period", "Skriv fx “marts 2024”"),
        ({"targets-0-baseline_period": "2023-13"}, "baseline_period", "“2023-13” er ikke en periode"),
        (
            {"targets-0-target_period": "3. halvår 2024"},
            "target_period",
            "“3. halvår 2024” er ikke en periode",
        ),
        ({"targets-0-target_period": ""}, "target_period", "Dette felt er påkrævet"),
        ({"targets-0-target_value": ""}, "target_value", "Dette felt er påkrævet"),
        ({"targets-0-target_value": "fem"}, "target_value", "Indtast et tal"),
        ({"plan-status": ""}, "status", "Dette felt er påkrævet"),
        ({"plan-adopted_on": "14/12/2023"}, "adopted_on", "gyldig dato"),
        ({"targets-0-baseline_value": ""}, "baseline_value", "Skriv basisværdien for basisperioden"),
        ({"targets-0-baseline_period": ""}, "baseline_period", "Skriv hvilken periode basisværdien er fra"),
    ],
)
def test_bad_input_says_why_next_to_the_field_and_saves_nothing(
    client, randers_chief, change, field, message
):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)

    response = client.post(URL, new_plan_post(goal.id, indicator.id) | change)

    assert response.status_code == 400
    html = response.content.decode()
    prefix = "targets-0" if change and next(iter(change)).startswith("targets") else "plan"
    error_list = html.split(f'id="id_{prefix}-{field}_error"', 1)[1].split("</ul>", 1)[0]
    assert message in error_list
    assert not Plan.objects.exists() and not PlanGoal.objects.exists() and not Target.objects.exists()


def test_lowercase_period_codes_are_accepted_and_written_as_jobindsats_does(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = new_plan_post(goal.id, indicator.id) | {"targets-0-baseline_period": " 2023m12 "}

    assert client.post(URL, data).status_code == 302
    assert Target.objects.get().baseline_period == "2023M12"


def test_a_bad_second_target_leaves_the_existing_plan_untouched(client, randers_chief, demo_plans):
    plan = Plan.objects.get(municipality__slug="randers", goal_set__year=2024)
    target = Target.objects.get(plan_goal__plan=plan, plan_goal__goal__number=2)
    goal_3 = Goal.objects.get(goal_set__year=2024, number=3)
    client.force_login(randers_chief)
    page = client.get(URL)
    data = {
        "plan-status": "draft",
        "plan-decision_reference": "Ændret",
        **{f"texts-goal_{n}": "Ny tekst." for n in range(1, 6)},
        **management("targets", 3, 2),
    }
    for index, existing in enumerate(page.context["target_forms"].forms[:2]):
        data |= {f"targets-{index}-{name}": value for name, value in _initial(existing).items()}
    data |= {"targets-0-target_value": "9,5"}
    data |= {
        "targets-2-goal": str(goal_3.id),
        "targets-2-target_period": "2024M12",
        "targets-2-target_value": "101",
        "targets-2-indicator": str(Indicator.objects.get(code="mm13-andel-beskaeftigede").id),
        "targets-2-direction": "up",
    }

    response = client.post(URL, data)

    assert response.status_code == 400
    assert "En procentsats skal ligge mellem 0 og 100" in response.content.decode()
    plan.refresh_from_db()
    target.refresh_from_db()
    assert (plan.status, plan.decision_reference) == ("adopted", "")
    assert target.target_value == Decimal("5.0")
    assert PlanGoal.objects.get(plan=plan, goal__number=1).text == "Randers' plan for mål 1."
    assert Target.objects.filter(plan_goal__plan=plan).count() == 2


def _initial(form) -> dict:
    """What the browser posts back for an unchanged existing target form."""
    values = {"id": form.instance.pk, "goal": form.fields["goal"].initial}
    for name in (
        "indicator",
        "baseline_period",
        "baseline_value",
        "target_period",
        "target_value",
        "direction",
    ):
        value = form.initial.get(name)
        values[name] = "" if value is None else str(value).replace(".", ",")
    return {name: str(value) for name, value in values.items()}


def test_english_editor_names_the_goal_field_and_explains_period_codes(client, randers_chief):
    client.force_login(randers_chief)

    html = client.get("/en" + URL).content.decode()

    assert '<label for="id_targets-0-goal">The minister&#x27;s goal:</label>' in html
    assert "Write e.g. “March 2024”, “Q1 2024”, “H2 2024” or “2024”" in html
    assert "Link to the decision" in html


def test_the_error_summary_links_to_each_field_in_error(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = new_plan_post(goal.id, indicator.id) | {"targets-0-target_value": "120", "plan-adopted_on": "x"}

    html = client.post(URL, data).content.decode()

    summary = html.split('class="notice error-summary"', 1)[1].split("</div>", 1)[0]
    assert (
        '<a href="#id_targets-0-target_value">Målværdi: En procentsats skal ligge mellem 0 og 100.</a>'
        in summary
    )
    assert 'href="#id_plan-adopted_on"' in summary


def test_the_same_indicator_twice_under_one_goal_is_refused(client, randers_chief):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    first = new_plan_post(goal.id, indicator.id)
    second = {
        k.replace("targets-0-", "targets-1-"): v for k, v in first.items() if k.startswith("targets-0-")
    }
    data = first | second | management("targets", 2, 0) | {"targets-1-target_value": "6"}

    response = client.post(URL, data)

    assert response.status_code == 400
    error = response.content.decode().split('id="id_targets-1-indicator_error"', 1)[1].split("</ul>", 1)[0]
    assert "Indikatoren har allerede et måltal under dette mål" in error
    assert not Target.objects.exists()


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("marts 2024", "2024M03"),
        ("Mar. 2024", "2024M03"),
        ("2. halvår 2023", "2023H2"),
        ("H2 2023", "2023H2"),
        ("1. kvartal 2024", "2024Q01"),
        ("September 2023", "2023M09"),
        ("2023", "2023"),
        ("2024q1", "2024Q01"),
    ],
)
def test_periods_are_typed_in_words_or_as_codes_and_stored_as_codes(client, randers_chief, typed, code):
    goal = Goal.objects.get(goal_set__year=2024, number=2)
    indicator = Indicator.objects.get(code="mm17-andel-opkvalificering")
    client.force_login(randers_chief)
    data = new_plan_post(goal.id, indicator.id) | {"targets-0-baseline_period": typed}
    data["targets-0-target_period"] = "december 2024"

    assert client.post(URL, data).status_code == 302
    target = Target.objects.get()
    assert (target.baseline_period, target.target_period) == (code, "2024M12")


def test_the_editor_shows_stored_periods_in_words(client, randers_chief, demo_plans):
    client.force_login(randers_chief)

    html = client.get(URL).content.decode()
    assert 'name="targets-0-target_period" value="december 2024"' in html
    assert "2024M12" not in html.split('id="plan-form"', 1)[1]

    english = client.get("/en" + URL).content.decode()
    assert 'name="targets-0-target_period" value="December 2024"' in english


def test_the_editor_shows_stored_values_as_typed_without_trailing_zeros(client, randers_chief, demo_plans):
    client.force_login(randers_chief)

    html = client.get(URL).content.decode()

    assert 'name="targets-0-baseline_value" value="4,1"' in html
    assert 'name="targets-1-target_value" value="45"' in html


def test_a_logged_in_chief_can_log_out_from_any_page(client, randers_chief):
    client.force_login(randers_chief)
    page = client.get("/").content.decode()
    assert "Logget ind som chief-rikke" in page

    response = client.post("/log-ud/")

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Logget ind som" not in client.get("/").content.decode()
