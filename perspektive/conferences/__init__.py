"""Case conferences (Fallbesprechungen) at the quarterly meetings with the Ausländerbehörde: the meetings and who
is invited, the cases on the agenda with their question, the pseudonymised agenda sheet (.docx), what was agreed
(a follow-up of the client), and the authority contacts' reading of the sheets in their portal."""
from .agenda import (
    AgendaError,
    agenda_of_client,
    conference_counts,
    create_meeting,
    put_on_agenda,
    record_outcome,
    set_followed,
)
from .models import AgendaItem

__all__ = [
    "AgendaError", "AgendaItem", "agenda_of_client", "conference_counts", "create_meeting", "init_app",
    "put_on_agenda", "record_outcome", "set_followed",
]


def init_app(app) -> None:
    from . import portal, views

    app.register_blueprint(views.bp)
    app.register_blueprint(portal.bp)
