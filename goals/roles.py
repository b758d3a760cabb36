"""Who may do what, per municipality: the one module every view, admin action and template asks.

Roles are data (ChiefAssignment): a *plan keeper* keeps a municipality's plan, goals and local values; a
*committee chair* takes the municipality's figures to the committee (snapshots, meeting packs) and may read its
drafts, but edits nothing. An *admin* is an active superuser and may do everything, except approve values they
entered themselves (four eyes hold for everyone).
"""

from __future__ import annotations

from enum import StrEnum

from municipalities.models import Area


class Action(StrEnum):
    """Everything a signed-in user can do to a municipality's data, or read beyond the public pages."""

    EDIT_PLAN = "edit_plan"
    EDIT_GOAL_SET = "edit_goal_set"  # the municipality's own goals (years without ministerial goals)
    DEFINE_LOCAL_INDICATOR = "define_local_indicator"
    ENTER_LOCAL_VALUES = "enter_local_values"
    APPROVE_LOCAL_VALUES = "approve_local_values"
    READ_DRAFTS = "read_drafts"  # draft plans, draft goal sets and unapproved local values
    MAKE_SNAPSHOT = "make_snapshot"  # freeze the status for a meeting, and make its PDF pack
    DEFINE_SHARED_INDICATOR = "define_shared_indicator"  # not tied to one municipality: admins only
    RECEIVE_PULL_ALERTS = "receive_pull_alerts"  # mails when pulls fail or the token is refused: admins only


KEEPER, CHAIR = "keeper", "chair"

# Which role in the municipality allows which action (admins may do all of them).
ALLOWED_ROLES: dict[Action, frozenset[str]] = {
    Action.EDIT_PLAN: frozenset({KEEPER}),
    Action.EDIT_GOAL_SET: frozenset({KEEPER}),
    Action.DEFINE_LOCAL_INDICATOR: frozenset({KEEPER}),
    Action.ENTER_LOCAL_VALUES: frozenset({KEEPER}),
    Action.APPROVE_LOCAL_VALUES: frozenset({KEEPER}),
    Action.READ_DRAFTS: frozenset({KEEPER, CHAIR}),
    Action.MAKE_SNAPSHOT: frozenset({KEEPER, CHAIR}),
    Action.DEFINE_SHARED_INDICATOR: frozenset(),
    Action.RECEIVE_PULL_ALERTS: frozenset(),
}


def is_admin(user) -> bool:
    """An active superuser: may do every action in every municipality."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


def admin_context(request) -> dict[str, bool]:
    """Template context: whether the signed-in user is an admin (the header links the admin only for them)."""
    user = getattr(request, "user", None)
    return {"user_is_admin": user is not None and is_admin(user)}


def may(user, action: Action, municipality: Area | None = None, *, entered_by_id: int | None = None) -> bool:
    """Whether the user may take the action in the municipality.

    `entered_by_id` is for approvals: whoever entered a value never approves it, admins included.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if action is Action.APPROVE_LOCAL_VALUES and entered_by_id is not None and entered_by_id == user.pk:
        return False
    if is_admin(user):
        return True
    if municipality is None:
        return False
    return bool(_roles(user, municipality) & ALLOWED_ROLES[action])


def _roles(user, municipality: Area) -> set[str]:
    """The user's roles in the municipality, read once per user object (one request): a page asks several times."""
    from goals.models import ChiefAssignment  # models import areas; keep this module importable from anywhere

    cache = user.__dict__.setdefault("_maaltavlen_roles", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = ChiefAssignment.objects.roles_of(user=user, municipality=municipality)
    return cache[municipality.pk]


def municipalities_where(user, action: Action):
    """The municipalities where the user may take the action (all of them for admins), by name."""
    areas = Area.objects.municipalities()
    if is_admin(user):
        return areas
    if not user.is_authenticated or not user.is_active:
        return areas.none()
    return areas.filter(
        chief_assignments__user=user, chief_assignments__role__in=ALLOWED_ROLES[action]
    ).distinct()
