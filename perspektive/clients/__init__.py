"""Clients: a person's facts and their history, cases, consultations, the search over a counsellor's clients,
and the forms to record facts. Storing facts (or opening and closing a case) announces the change through the
``client_changed`` hook; this package never imports the capabilities that react to it."""
from .cases import CLOSED_CASE_STATES, CaseError, case_for, open_case
from .cases import STATE_NAMES as CASE_STATE_NAMES
from .cases import of_client as cases_of
from .cases import set_status as set_case_status
from .cli import COMMANDS, clients_cli, read_facts_file
from .conflicts import Change, Conflict
from .consultations import ATTENDEE_NAMES as CONSULTATION_ATTENDEE_NAMES
from .consultations import KIND_NAMES as CONSULTATION_KINDS
from .consultations import ConsultationError, attendee_names
from .consultations import blank_form as blank_consultation_form
from .consultations import of_client as consultations_of
from .consultations import record as record_consultation
from .names import country_name, language_name
from .presentation import fact_sections, status_timeline
from .records import (
    NotFound,
    after_commit,
    announce_change,
    change_facts,
    client_for,
    create_client,
    erase_record,
    export_facts,
    facts_history,
    load_facts,
    update_facts,
)
from .sealed import write_tokens as write_search_tokens
from .search import overview
from .views import own_client

__all__ = [
    "CASE_STATE_NAMES", "CLOSED_CASE_STATES", "COMMANDS", "Change", "Conflict", "CONSULTATION_ATTENDEE_NAMES", "CONSULTATION_KINDS",
    "CaseError", "ConsultationError", "NotFound", "after_commit", "announce_change", "attendee_names", "blank_consultation_form", "case_for",
    "cases_of", "change_facts", "country_name", "language_name", "client_for", "clients_cli", "consultations_of", "create_client", "erase_record",
    "export_facts", "facts_history", "fact_sections", "init_app",
    "load_facts", "open_case", "overview", "own_client", "read_facts_file", "record_consultation", "set_case_status",
    "status_timeline", "update_facts", "write_search_tokens",
]


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
