"""The accounts' Huey tasks: failed sign-ins are kept only as long as the login throttle needs them."""
from __future__ import annotations

from huey import crontab

from perspektive.db import task_connection, utcnow
from perspektive.tasks import app_context, huey

from .models import LoginAttempt
from .throttle import WINDOW


@huey.periodic_task(crontab(hour="3", minute="17"))
def forget_old_login_failures() -> int:
    """Failed-login records older than the throttle's window (a day) serve nothing more; returns how many were
    deleted."""
    with app_context(), task_connection():
        return LoginAttempt.delete().where(LoginAttempt.at < utcnow() - WINDOW).execute()
