"""goals.roles: what each persona may do in Randers (and nothing in a municipality they have no role in)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from goals.models import ChiefAssignment
from goals.roles import ALLOWED_ROLES, Action, may, municipalities_where
from municipalities.models import Area

pytestmark = pytest.mark.django_db

KEEPER_ONLY = {
    Action.EDIT_PLAN,
    Action.EDIT_GOAL_SET,
    Action.DEFINE_LOCAL_INDICATOR,
    Action.ENTER_LOCAL_VALUES,
    Action.APPROVE_LOCAL_VALUES,
}
KEEPER_OR_CHAIR = {Action.READ_DRAFTS, Action.MAKE_SNAPSHOT}


@pytest.fixture
def people(reference_data):
    users = get_user_model().objects
    randers, aarhus = Area.objects.get(slug="randers"), Area.objects.get(slug="aarhus")
    people = {
        "anonymous": AnonymousUser(),
        "admin": users.create_superuser("admin", "a@example.invalid", "x"),
        "staff without permissions": users.create_user("staff", is_staff=True),
        "keeper of Randers": users.create_user("keeper"),
        "chair of Randers": users.create_user("chair"),
        "chair of Aarhus": users.create_user("aarhus-chair"),
    }
    ChiefAssignment.objects.create(user=people["keeper of Randers"], municipality=randers)
    ChiefAssignment.objects.create(
        user=people["chair of Randers"], municipality=randers, role=ChiefAssignment.Role.CHAIR
    )
    ChiefAssignment.objects.create(
        user=people["chair of Aarhus"], municipality=aarhus, role=ChiefAssignment.Role.CHAIR
    )
    return people, randers


EXPECTED = {
    "anonymous": set(),
    "admin": set(Action),
    "staff without permissions": set(),
    "keeper of Randers": KEEPER_ONLY | KEEPER_OR_CHAIR,
    "chair of Randers": KEEPER_OR_CHAIR,
    "chair of Aarhus": set(),
}


@pytest.mark.parametrize("persona", EXPECTED)
@pytest.mark.parametrize("action", list(Action))
def test_each_persona_may_take_exactly_its_actions_in_randers(people, persona, action):
    users, randers = people
    assert may(users[persona], action, randers) is (action in EXPECTED[persona])


def test_every_action_has_its_roles_written_down():
    assert set(ALLOWED_ROLES) == set(Action)


def test_nobody_approves_values_they_entered_themselves(people):
    users, randers = people
    for persona in ("admin", "keeper of Randers"):
        user = users[persona]
        assert may(user, Action.APPROVE_LOCAL_VALUES, randers, entered_by_id=user.pk) is False
        assert may(user, Action.APPROVE_LOCAL_VALUES, randers, entered_by_id=user.pk + 1000) is True


def test_an_inactive_keeper_may_do_nothing(people):
    users, randers = people
    keeper = users["keeper of Randers"]
    keeper.is_active = False
    keeper.save()
    assert not any(may(keeper, action, randers) for action in Action)


def test_municipalities_where_lists_only_the_users_own(people):
    users, randers = people
    assert list(municipalities_where(users["chair of Randers"], Action.MAKE_SNAPSHOT)) == [randers]
    assert list(municipalities_where(users["chair of Randers"], Action.EDIT_PLAN)) == []
    assert municipalities_where(users["admin"], Action.EDIT_PLAN).count() == 98
    assert list(municipalities_where(users["anonymous"], Action.READ_DRAFTS)) == []
