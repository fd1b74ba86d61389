"""Follow-ups: the dated deadlines of every client as rows, their reminder mails, the counsellors' pages and the
calendar feed. The rows are recomputed when a client changes: ``plugin`` answers the ``client_changed`` hook,
and ``create_app`` registers it with the other built-in plugins (``PLUGINS``)."""
from . import plugin
from .cli import COMMANDS
from .records import GROUPS, add_agreed, next_due_of_client, team_counts
from .records import STATE_NAMES as FOLLOWUP_STATE_NAMES
from .records import of_client as followups_of
from .reminders import due_now
from .tasks import schedule, send_reminder, sweep

PLUGINS = (plugin,)

__all__ = [
    "COMMANDS", "FOLLOWUP_STATE_NAMES", "add_agreed", "GROUPS", "PLUGINS", "due_now", "followups_of", "init_app", "next_due_of_client",
    "schedule",
    "send_reminder", "sweep", "team_counts",
]


def init_app(app) -> None:
    from . import calendar, views

    app.register_blueprint(views.bp)
    app.register_blueprint(calendar.bp)
