"""Accounts: staff users and their roles, sign-in with password and second factor, API tokens, and the notice
to administrators. Other capabilities use what this package exports, or its ``models``."""
from .cli import COMMANDS, counsellor_named
from .users import (
    ROLE_NAMES,
    UserError,
    check_password_policy,
    create_user,
    end_api_token,
    issue_api_token,
    notify_administrators,
    reset_second_factor,
    role_for_the_log,
    rotate_session,
    set_password,
    user_for_token,
)
from .views import login_manager, me, role_required, safe_next

__all__ = [
    "COMMANDS", "ROLE_NAMES", "UserError", "check_password_policy", "counsellor_named", "create_user",
    "end_api_token", "init_app", "issue_api_token", "login_manager", "me", "notify_administrators",
    "reset_second_factor", "role_for_the_log", "role_required", "rotate_session", "safe_next", "set_password",
    "user_for_token",
]


def init_app(app) -> None:
    """Sign-in pages and sessions; the task module is imported so that the consumer knows its tasks."""
    from . import tasks, views  # noqa: F401 - tasks register themselves with Huey

    views.init_app(app)
