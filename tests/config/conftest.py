"""The plan and persona fixtures of tests/goals, for the site-wide checks here (security, admin)."""

from tests.goals.conftest import demo_plans, randers_chief, share_data  # noqa: F401 - fixtures, found by name
