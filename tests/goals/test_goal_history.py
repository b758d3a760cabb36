import pytest

from goals.models import Goal, GoalSet


@pytest.fixture
def goal_2_of_2023(reference_data):
    return Goal.objects.get(goal_set__year=2023, number=2)


def test_reference_goals_are_seeded_for_2022_to_2024_and_linked_across_years(reference_data):
    assert list(GoalSet.objects.order_by("year").values_list("year", flat=True)) == [2022, 2023, 2024]
    goal_2024 = Goal.objects.get(goal_set__year=2024, number=3)
    assert goal_2024.title == "Flere flygtninge og familiesammenførte skal være selvforsørgende"
    assert goal_2024.continues_from.goal_set.year == 2023
    assert goal_2024.continues_from.continues_from.goal_set.year == 2022
    assert GoalSet.objects.get(year=2023).announced_on.isoformat() == "2022-05-12"


def test_editing_a_goal_text_records_who_changed_it_and_the_earlier_text(goal_2_of_2023, admin_user):
    original = goal_2_of_2023.text
    goal_2_of_2023._history_user = admin_user
    goal_2_of_2023.text = "Ny tekst fra ministeren."
    goal_2_of_2023.save()

    latest, previous = goal_2_of_2023.history.order_by("-history_date", "-history_id")[:2]
    assert latest.text == "Ny tekst fra ministeren."
    assert latest.history_user == admin_user
    assert latest.history_type == "~"
    assert previous.text == original


def test_an_earlier_goal_text_can_be_restored(goal_2_of_2023):
    original = goal_2_of_2023.text
    goal_2_of_2023.text = "Forkert tekst"
    goal_2_of_2023.save()

    earlier = goal_2_of_2023.history.order_by("history_date", "history_id").first()
    earlier.instance.save()

    goal_2_of_2023.refresh_from_db()
    assert goal_2_of_2023.text == original
    assert goal_2_of_2023.history.count() == 3


def test_admin_can_revert_a_goal_text_from_the_history_page(client, admin_user, goal_2_of_2023):
    original = goal_2_of_2023.text
    goal_2_of_2023.text = "Forkert tekst"
    goal_2_of_2023.save()
    first = goal_2_of_2023.history.order_by("history_date", "history_id").first()
    client.force_login(admin_user)

    page = client.get(f"/admin/goals/goal/{goal_2_of_2023.pk}/history/{first.history_id}/")
    assert page.status_code == 200
    data = {
        "goal_set": goal_2_of_2023.goal_set_id,
        "continues_from": goal_2_of_2023.continues_from_id,
        "number": goal_2_of_2023.number,
        "title": first.title,
        "text": first.text,
        "indicators": [i.pk for i in goal_2_of_2023.indicators.all()],
    }
    response = client.post(f"/admin/goals/goal/{goal_2_of_2023.pk}/history/{first.history_id}/", data)

    assert response.status_code == 302
    goal_2_of_2023.refresh_from_db()
    assert goal_2_of_2023.text == original
