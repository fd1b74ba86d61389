"""The data subject's rights (Art. 15, 17, 19 DSGVO): the export of everything stored about one person, the
erasure that names the recipients to inform, the retention rule with its daily task, and the hand-over of a
departing counsellor's clients. It reads every capability below it (the layer contract puts it above referrals
and follow-ups); ``docs/privacy.md`` explains it for the data-protection officer."""
from . import cli
from .cli import COMMANDS
from .erasure import REASONS, Erasure, ErasureRefused, Recipient, recipients_of
from .export import export_client, export_filename
from .handover import HandoverError, hand_over
from .retention import Due, last_contacts, retention_days
from .retention import due as retention_due
from .tasks import erase_client, forget_queued, run_retention
from .views import client_for_export, export_response

__all__ = [
    "COMMANDS", "REASONS", "Due", "Erasure", "ErasureRefused", "HandoverError", "Recipient", "cli",
    "client_for_export", "erase_client", "export_client", "export_filename", "export_response", "forget_queued",
    "hand_over", "init_app", "last_contacts", "recipients_of", "retention_days", "retention_due", "run_retention",
]


def init_app(app) -> None:
    """The export's route; importing ``tasks`` (through ``cli``) registers the daily retention task with Huey."""
    from . import views

    app.register_blueprint(views.bp)
