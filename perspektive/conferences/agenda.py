"""Meetings and their agenda: a counsellor puts a case on the next meeting's agenda with a question, records the
authority's view and the agreed next step after the meeting (which becomes a follow-up), and later whether the
recommendation was followed.

Who may see what: a counsellor reaches only the items of their own clients; an authority contact only the items
of meetings one of their contacts is invited to. Anything else is ``NotFound`` (audited), like a missing id.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask_babel import gettext as _
from peewee import fn

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients import CLOSED_CASE_STATES, NotFound, load_facts
from perspektive.clients.models import Case, Client
from perspektive.db import MAX_ID, utcnow, write_transaction
from perspektive.followups import add_agreed, schedule
from perspektive.law import de, today_in_germany
from perspektive.referrals.models import AuthorityContact, Consent

from .models import RESPONSIBLE, AgendaItem, Invitation, Meeting

RESPONSIBLE_NAMES = {"counselling": "Beratungsstelle", "authority": "Ausländerbehörde", "client": "Person selbst"}
MAX_TEXT = 4000
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone


class AgendaError(ValueError):
    """What the counsellor has to correct; the message says what."""


def new_number() -> str:
    return "FB-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def create_meeting(held_on: dt.date, contacts: list[AuthorityContact], actor: User,
                   title: str = "") -> Meeting:
    if not contacts:
        raise AgendaError(_("Bitte mindestens eine Ansprechperson der Ausländerbehörde einladen."))
    quarter = f"{held_on.year} Q{(held_on.month - 1) // 3 + 1}"
    with write_transaction():
        meeting = Meeting.create(held_on=held_on, title=(title.strip() or f"Quartalstreffen {quarter}")[:200],
                                 created_by=actor)
        Invitation.insert_many([{"meeting": meeting.id, "contact": c.id} for c in contacts]).execute()
        audit.record(actor, "meeting.create", "meeting", meeting.id)
    return meeting


def upcoming(today: dt.date | None = None) -> list[Meeting]:
    today = today or today_in_germany()
    return list(Meeting.select().where(Meeting.held_on >= today).order_by(Meeting.held_on, Meeting.id))


def meetings() -> list[Meeting]:
    return list(Meeting.select().order_by(Meeting.held_on.desc(), Meeting.id.desc()))


def invited(meeting: Meeting) -> list[AuthorityContact]:
    return list(AuthorityContact.select().join(Invitation).where(Invitation.meeting == meeting)
                .order_by(AuthorityContact.name))


def _identifying_words(client: Client) -> list[str]:
    person = load_facts(client).person
    words = [w for name in (person.given_name, person.family_name) for w in (name or "").split() if len(w) > 2]
    if person.abh_file_number:
        words.append(person.abh_file_number)
    if person.date_of_birth:
        words += [de(person.date_of_birth), person.date_of_birth.isoformat()]
    return words


def put_on_agenda(client: Client, case: Case, question: str, counsellor: User,
                  meeting: Meeting | None = None) -> AgendaItem:
    """Put the client's ``case`` on ``meeting`` (the next one if none) with the question for the authority. The
    question goes to the authority as typed, so it must not name the person (name, file number, birth date)."""
    question = (question or "").strip()
    if not question:
        raise AgendaError(_("Bitte die Frage an die Ausländerbehörde eintragen."))
    if len(question) > MAX_TEXT:
        raise AgendaError(_("Die Frage ist zu lang (höchstens %(most)s Zeichen).", most=MAX_TEXT))
    lowered = question.casefold()
    if any(word.casefold() in lowered for word in _identifying_words(client)):
        raise AgendaError(_("Die Frage enthält Name, Aktenzeichen oder Geburtsdatum der Person. Das Blatt ist "
                            "pseudonymisiert: bitte ohne diese Angaben formulieren."))
    if case.client_id != client.id or case.status in CLOSED_CASE_STATES:
        raise AgendaError(_("Nur ein offener Fall dieser Person kann besprochen werden."))
    if meeting is None:
        coming = upcoming()
        if not coming:
            raise AgendaError(_("Es ist kein kommendes Quartalstreffen angelegt."))
        meeting = coming[0]
    if AgendaItem.select().where((AgendaItem.meeting == meeting) & (AgendaItem.case == case)).exists():
        raise AgendaError(_("Dieser Fall steht schon auf der Tagesordnung dieses Treffens."))
    with write_transaction():
        item = AgendaItem(meeting=meeting, client=client, case=case, counsellor=counsellor, number=new_number(),
                          workflow=case.workflow)
        item.question_text = question
        item.save()
        audit.record(counsellor, "agenda.add", "agenda_item", item.id, item.number)
    return item


def record_outcome(item: AgendaItem, counsellor: User, *, view: str, recommendation: str, next_steps: str,
                   responsible: str, due_on: dt.date | None) -> AgendaItem:
    """After the meeting: the authority's view, its recommendation, the next steps, who and by when. A date makes
    a follow-up of the client (``followups.add_agreed``) that names only the case number."""
    texts = {"view": view.strip(), "recommendation": recommendation.strip(), "next_steps": next_steps.strip()}
    if not texts["view"] and not texts["recommendation"]:
        raise AgendaError(_("Bitte die Einschätzung oder die Empfehlung der Ausländerbehörde eintragen."))
    if any(len(t) > MAX_TEXT for t in texts.values()):
        raise AgendaError(_("Ein Text ist zu lang (höchstens %(most)s Zeichen).", most=MAX_TEXT))
    if responsible not in RESPONSIBLE:
        raise AgendaError(_("Bitte wählen, wer den nächsten Schritt geht."))
    if due_on is not None and texts["next_steps"] == "":
        raise AgendaError(_("Zu einer Frist gehört ein nächster Schritt."))
    to_schedule: list[int] = []
    with write_transaction():
        item.outcome_data = texts
        item.responsible, item.due_on = responsible, due_on
        item.status, item.discussed_at = "discussed", utcnow()
        item.save()
        if due_on is not None:
            to_schedule = add_agreed(
                item.client, item.number, due_on,
                f"Nächster Schritt aus der Fallbesprechung {item.number} ({RESPONSIBLE_NAMES[responsible]})",
                "Vereinbarung im Quartalstreffen", counsellor)
        audit.record(counsellor, "agenda.outcome", "agenda_item", item.id, item.number)
    schedule(to_schedule)
    return item


def set_followed(item: AgendaItem, followed: bool | None, counsellor: User) -> None:
    if item.status != "discussed":
        raise AgendaError(_("Der Fall ist noch nicht besprochen."))
    with write_transaction():
        item.followed = followed
        item.save()
        audit.record(counsellor, "agenda.followed", "agenda_item", item.id, str(followed))


def _by_id(item_id) -> AgendaItem | None:
    try:
        number = int(item_id)
    except (TypeError, ValueError):
        return None
    return AgendaItem.get_or_none(AgendaItem.id == number) if 0 < number < MAX_ID else None


def item_for_counsellor(user: User, item_id) -> AgendaItem:
    item = _by_id(item_id)
    if item is None or item.client.counsellor_id != user.id:  # the client's counsellor now (after a hand-over too)
        audit.record(user, "agenda.access_denied", "agenda_item", item_id)
        raise NotFound(item_id)
    return item


def contacts_of(user: User) -> list[int]:
    return [c.id for c in AuthorityContact.select(AuthorityContact.id).where(
        (AuthorityContact.user == user) & (AuthorityContact.active == True))]  # noqa: E712


def meetings_for_contact(user: User) -> list[Meeting]:
    ids = contacts_of(user)
    if not ids:
        return []
    return list(Meeting.select().join(Invitation).where(Invitation.contact.in_(ids)).distinct()
                .order_by(Meeting.held_on.desc()))


def item_for_contact(user: User, item_id) -> tuple[AgendaItem, AuthorityContact]:
    """The item and the user's invited contact, if one of the user's contacts is invited to its meeting."""
    item = _by_id(item_id)
    ids = contacts_of(user)
    invitation = (Invitation.get_or_none((Invitation.meeting == item.meeting_id) & Invitation.contact.in_(ids))
                  if item is not None and ids else None)
    if invitation is None:
        audit.record(user, "agenda.access_denied", "agenda_item", item_id)
        raise NotFound(item_id)
    return item, invitation.contact


def items_of(meeting: Meeting, counsellor: User | None = None) -> list[AgendaItem]:
    query = AgendaItem.select().where(AgendaItem.meeting == meeting)
    if counsellor is not None:  # the items of the counsellor's clients, whoever put them on the agenda
        query = query.join(Client).where(Client.counsellor == counsellor)
    return list(query.order_by(AgendaItem.id))


def earlier_items(meeting: Meeting, among: list[Meeting] | None = None) -> list[AgendaItem]:
    """The cases of earlier meetings (only those in ``among``, when given: an authority contact sees the meetings
    they were invited to), for the status list on this meeting's agenda (numbers only)."""
    query = AgendaItem.select(AgendaItem, Meeting).join(Meeting).where(Meeting.held_on < meeting.held_on)
    if among is not None:
        query = query.where(Meeting.id.in_([m.id for m in among] or [0]))
    return list(query.order_by(Meeting.held_on.desc(), AgendaItem.id))


def agenda_of_client(client: Client) -> list[AgendaItem]:
    return list(AgendaItem.select(AgendaItem, Meeting).join(Meeting).where(AgendaItem.client == client)
                .order_by(Meeting.held_on.desc()))


def file_number_released(item: AgendaItem, contacts: list[AuthorityContact], on: dt.date) -> bool:
    """Whether the client released the case summary (which carries the file number) to every one of
    ``contacts`` on ``on``: only then may the sheet name the authority's file number."""
    if not contacts:
        return False
    for contact in contacts:
        covered = Consent.select().where(
            (Consent.client == item.client) & (Consent.recipient == contact) & (Consent.given_on <= on)
            & (Consent.withdrawn_on.is_null() | (Consent.withdrawn_on > on)) & Consent.scope.contains("summary"))
        if not covered.exists():
            return False
    return True


def conference_counts(start: dt.date, end: dt.date) -> dict:
    """Cases discussed at meetings held from ``start`` to ``end`` (inclusive), and how many of them had their
    recommendation followed: two aggregate queries for the statistics."""
    discussed = (AgendaItem.select(fn.COUNT(AgendaItem.id)).join(Meeting)
                 .where((Meeting.held_on >= start) & (Meeting.held_on <= end) & (AgendaItem.status == "discussed")))
    followed = discussed.where(AgendaItem.followed == True)  # noqa: E712
    return {"held": discussed.scalar() or 0, "recommendations_followed": followed.scalar() or 0}
