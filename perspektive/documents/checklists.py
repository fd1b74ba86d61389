"""The checklist of a case: the documents its path asks for, and what the counsellor recorded about each.

The items are the engine's (``Engine.checklist``) for the case's workflow and the client's facts *today*, so an item
that a fact switches on or off comes and goes with the facts. What the counsellor recorded (received, a note, the
day the document expires) lives in ``ChecklistTick`` rows keyed by the item's id. A row whose item the checklist no
longer lists is still shown, marked "nicht mehr in der Checkliste", so nothing recorded disappears silently.

A document must still be valid on the day the application is handed in. An item is flagged when its document has
expired, expires within ``RENEW_WITHIN_DAYS``, or, when the path opens only later, expires before that day.

Item ids come from the workflow file or a plugin, and a plugin's id can carry a date of the person (one school
certificate per child: ``school_certificate_2015-09-01``). So an id never goes into a URL path (forms post it in
the body; the page's anchor is a hash of it) and the audit trail gets it with its dates masked.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from perspektive import audit, sealing, typed
from perspektive.accounts.models import User
from perspektive.clients.models import Case
from perspektive.db import utcnow, write_transaction
from perspektive.law import (
    Assessment,
    CaseFacts,
    ChecklistEntry,
    UnknownWorkflow,
    current_engine,
    de,
    today_in_germany,
)

from .expiries import announce_expiry
from .models import ChecklistTick

MAX_NOTE_LENGTH = 500
RENEW_WITHIN_DAYS = 30
DROPPED = "nicht mehr in der Checkliste"

_DATE_IN_ID = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ChecklistError(ValueError):
    """A value the counsellor has to correct; ``field`` names the form field (``done``, ``note``, ``expires_on``)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class UnknownItem(LookupError):
    """The case's checklist has no such item, and nothing was ever recorded for it."""


@dataclass(frozen=True)
class ExpiryFlag:
    kind: str  # "expired", "soon", "before_opening"
    text: str  # in the page's language


@dataclass(frozen=True)
class Item:
    id: str
    text: str  # German
    text_en: str
    why: str
    listed: bool  # False: the checklist no longer asks for it (a fact changed, the rules changed)
    done: bool = False
    note: str = ""
    expires_on: dt.date | None = None
    flag: ExpiryFlag | None = None

    @property
    def anchor(self) -> str:
        return anchor(self.id)


def anchor(item_id: str) -> str:
    """The item's row on the page (``#punkt-…``), without the id itself, which may hold a date of the person."""
    return "punkt-" + hashlib.sha256(item_id.encode()).hexdigest()[:12]


def expiry_flag(expires_on: dt.date | None, today: dt.date, opens_on: dt.date | None = None) -> ExpiryFlag | None:
    """Why a document that expires on ``expires_on`` must be renewed before the application, or None.

    ``opens_on`` is the path's earliest date when it opens after today: the document must still be valid then."""
    if expires_on is None:
        return None
    if expires_on < today:
        return ExpiryFlag("expired", _("Abgelaufen am %(day)s – vor dem Antrag erneuern.", day=de(expires_on)))
    if expires_on <= today + dt.timedelta(days=RENEW_WITHIN_DAYS):
        return ExpiryFlag("soon", _("Läuft am %(day)s ab, in weniger als %(days)s Tagen – rechtzeitig erneuern.",
                                    day=de(expires_on), days=RENEW_WITHIN_DAYS))
    if opens_on is not None and opens_on > today and expires_on < opens_on:
        return ExpiryFlag("before_opening", _("Läuft am %(day)s ab, vor dem frühesten Antragstag %(opens)s – vor "
                                              "dem Antrag erneuern.", day=de(expires_on), opens=de(opens_on)))
    return None


def entries(case: Case, facts: CaseFacts, assessment: Assessment | None) -> list[ChecklistEntry]:
    """The engine's checklist for the case's path and these facts; none when the path is gone from the catalogue."""
    if assessment is None:
        return []
    engine = current_engine()
    try:
        return engine.checklist(engine.workflow(case.workflow), facts, assessment)
    except UnknownWorkflow:
        return []


def _known_texts(workflow_id: str) -> dict[str, ChecklistEntry]:
    """Every item the workflow file declares (any version, any condition): the text of an item now dropped."""
    try:
        workflow = current_engine().workflow(workflow_id)
    except UnknownWorkflow:
        return {}
    return {item.id: ChecklistEntry(item.id, dict(item.text), item.why) for item in workflow.checklist}


def checklist_of(case: Case, facts: CaseFacts, assessment: Assessment | None,
                 today: dt.date | None = None) -> list[Item]:
    """The items in the checklist's order, each with its recorded state; then the dropped items with a record.

    One query (the case's rows). A dropped item is listed only if something was recorded for it: a row left
    empty by unticking and clearing holds nothing to lose."""
    today = today or today_in_germany()
    opens_on = assessment.earliest_date if assessment is not None and assessment.verdict == "eligible_from" else None
    ticks = {t.item: t for t in ChecklistTick.select().where(ChecklistTick.case == case)}

    def item(entry: ChecklistEntry, listed: bool) -> Item:
        tick = ticks.pop(entry.id, None)
        if tick is None:
            return Item(entry.id, entry.text_in("de"), entry.text_in("en"), entry.why, listed)
        return Item(entry.id, entry.text_in("de"), entry.text_in("en"), entry.why, listed, tick.done, open_note(tick),
                    tick.expires_on, expiry_flag(tick.expires_on, today, opens_on))

    items = [item(entry, True) for entry in entries(case, facts, assessment)]
    known = _known_texts(case.workflow)
    for item_id, tick in sorted(ticks.items(), key=lambda pair: pair[1].id):
        if tick.done or tick.note or tick.expires_on:
            items.append(item(known.get(item_id) or ChecklistEntry(item_id, {"de": item_id}, ""), False))
    return items


# --- changes ---------------------------------------------------------------------------------------------------

def parse_day(value) -> dt.date | None:
    """An expiry day as typed (21.11.2026) or as a date field sends it (2026-11-21); empty clears it."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return typed.parse_day(str(value))
    except ValueError:
        raise ChecklistError("expires_on", _("Bitte ein gültiges Ablaufdatum angeben, z. B. 21.11.2026, oder das "
                                             "Feld leeren.")) from None


def _check_item(case: Case, item: str) -> None:
    """The item is on the case's checklist today, or has a row already (a dropped item can still be edited)."""
    if ChecklistTick.select().where((ChecklistTick.case == case) & (ChecklistTick.item == item)).exists():
        return
    from perspektive.clients import load_facts

    facts = load_facts(case.client)
    try:
        [assessment] = current_engine().assess(facts, today_in_germany(), case.workflow)
    except UnknownWorkflow:
        raise UnknownItem(item) from None
    if item not in {entry.id for entry in entries(case, facts, assessment)}:
        raise UnknownItem(item)


def note_row_id(case_id, item: str) -> str:
    """A note is sealed bound to its case and item (the row's unique key; the upsert knows no row id before)."""
    return f"{case_id}/{item}"


def open_note(tick: ChecklistTick) -> str:
    return sealing.open_value(tick.note, "checklist_tick", "note", note_row_id(tick.case_id, tick.item))


def _save(case: Case, item: str, user: User, action: str, **values) -> None:
    """Insert or update the item's row in one statement (no race between two first writes), and audit it.

    The audit names the item's id only, with any date in it masked; notes and expiry days stay out."""
    values = {**values, "updated_by": user, "updated_at": utcnow()}
    if "note" in values:
        values["note"] = sealing.seal(values["note"], "checklist_tick", "note", note_row_id(case.id, item))
    columns = {getattr(ChecklistTick, name): value for name, value in values.items()}
    with write_transaction():
        (ChecklistTick.insert(case=case, item=item, **values)
         .on_conflict(conflict_target=[ChecklistTick.case, ChecklistTick.item], update=columns)
         .execute())
        audit.record(user, action, "case", case.id, _DATE_IN_ID.sub("…", item))


def set_done(case: Case, item: str, done: bool, user: User) -> None:
    """Tick the item off (the document is there) or untick it."""
    _check_item(case, item)
    _save(case, item, user, "checklist.done" if done else "checklist.undone", done=bool(done))


def set_note(case: Case, item: str, note: str, user: User) -> None:
    _check_item(case, item)
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > MAX_NOTE_LENGTH:
        raise ChecklistError("note", _("Die Notiz ist %(length)s Zeichen lang, erlaubt sind %(most)s.",
                                       length=len(note), most=MAX_NOTE_LENGTH))
    _save(case, item, user, "checklist.note", note=note)


def set_expiry(case: Case, item: str, value, user: User) -> None:
    """Set the day the item's document expires (typed or a date), or clear it with an empty value."""
    _check_item(case, item)
    expires_on = parse_day(value)
    # A deadline now (``expiries``): the follow-ups are recomputed with the row.
    announce_expiry(case, lambda: _save(case, item, user, "checklist.expiry" if expires_on else
                                        "checklist.expiry_cleared", expires_on=expires_on))


def received_on(case: Case) -> dict[str, str]:
    """The items of ``case`` ticked as received, each with its note (the document's description, or "")."""
    return {tick.item: open_note(tick) for tick in
            ChecklistTick.select().where((ChecklistTick.case == case) & ChecklistTick.done)}
