"""The outcome of a case as the counsellor records it on the case page: filed on, decided (or ended) on, the
outcome, the permit granted and the refusal reasons. Every rule the form checks is here, with its German message
per field; the case's state follows the outcome (``clients.set_case_status``), so its follow-ups close with it.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from perspektive import audit
from perspektive.accounts.models import User
from perspektive.clients import CLOSED_CASE_STATES, set_case_status
from perspektive.clients.models import Case
from perspektive.db import utcnow, write_transaction
from perspektive.law import today_in_germany
from perspektive.typed import parse_day

from .models import OUTCOMES, REFUSAL_REASONS, CaseOutcome
from .sync import sync_client

OUTCOME_NAMES = {"open": _l("offen"), "granted": _l("erteilt"), "refused": _l("abgelehnt"),
                 "withdrawn": _l("zurückgenommen"), "left": _l("ausgereist"), "deported": _l("abgeschoben"),
                 "moved_away": _l("verzogen"), "lost_contact": _l("Kontakt abgebrochen"),
                 "closed": _l("anders beendet (ohne Angabe)")}
REFUSAL_NAMES = {"identity": _l("Identität/Pass"), "livelihood": _l("Lebensunterhalt"), "language": _l("Sprache"),
                 "convictions": _l("Straftaten"), "other": _l("Sonstiges")}
# The case's state once the outcome is recorded.
STATE_OF_OUTCOME = {"granted": "granted", "refused": "refused", "withdrawn": "closed", "left": "closed",
                    "deported": "closed", "moved_away": "closed", "lost_contact": "closed", "closed": "closed"}


class OutcomeError(ValueError):
    """What to correct, by form field."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__("; ".join(errors.values()))


def outcome_of(case: Case) -> CaseOutcome | None:
    return CaseOutcome.get_or_none(CaseOutcome.case_id == case.id)


def form_of(outcome: CaseOutcome | None) -> dict:
    """The form's values as stored (German dates), for the case page."""
    if outcome is None:
        return {"outcome": "open", "filed_on": "", "decided_on": "", "permit_provision": "",
                "permit_valid_until": "", "reasons": []}
    def day(d):
        return (d.strftime("%d.%m.%Y") if d else "")
    return {"outcome": outcome.outcome, "filed_on": day(outcome.filed_on), "decided_on": day(outcome.decided_on),
            "permit_provision": outcome.permit_provision, "permit_valid_until": day(outcome.permit_valid_until),
            "reasons": [r for r in REFUSAL_REASONS if getattr(outcome, f"refusal_{r}")]}


def _day(form: dict, field: str, errors: dict, today: dt.date) -> dt.date | None:
    try:
        day = parse_day(form.get(field, ""))
    except ValueError:
        errors[field] = _("Bitte ein gültiges Datum angeben, z. B. 21.11.2026.")
        return None
    if day is not None and field != "permit_valid_until" and day > today:
        errors[field] = _("Das Datum liegt in der Zukunft.")
    return day


def check(form: dict, provisions: dict[str, str], today: dt.date) -> dict:
    """The form's values as columns, or ``OutcomeError`` naming every field to correct."""
    errors: dict[str, str] = {}
    outcome = form.get("outcome", "")
    if outcome not in OUTCOMES:
        errors["outcome"] = _("Bitte ein Ergebnis wählen.")
    filed, decided = _day(form, "filed_on", errors, today), _day(form, "decided_on", errors, today)
    valid_until = _day(form, "permit_valid_until", errors, today)
    provision = (form.get("permit_provision") or "").strip()
    reasons = list(dict.fromkeys(form.get("reasons") or []))
    if any(r not in REFUSAL_REASONS for r in reasons):
        errors["reasons"] = _("Unbekannter Ablehnungsgrund.")
    if outcome == "open" and decided and "decided_on" not in errors:
        errors["decided_on"] = _("Ein offener Fall hat noch kein Entscheidungsdatum.")
    if outcome in OUTCOMES and outcome != "open" and decided is None and "decided_on" not in errors:
        errors["decided_on"] = _("Bitte angeben, wann entschieden oder beendet wurde.")
    if outcome in ("granted", "refused", "withdrawn") and filed is None and "filed_on" not in errors:
        errors["filed_on"] = _("Bitte angeben, wann der Antrag gestellt wurde.")
    if filed and decided and decided < filed and "decided_on" not in errors:
        errors["decided_on"] = _("Die Entscheidung kann nicht vor der Antragstellung liegen.")
    if outcome == "granted":
        if not provision or provision not in provisions:
            errors["permit_provision"] = _("Bitte die erteilte Rechtsgrundlage wählen.")
        if valid_until and decided and valid_until <= decided and "permit_valid_until" not in errors:
            errors["permit_valid_until"] = _("Die Erlaubnis muss nach der Entscheidung ablaufen.")
    elif provision or valid_until:
        errors["permit_provision"] = _("Eine Erlaubnis gibt es nur bei einer Erteilung.")
    if outcome == "refused" and not reasons and "reasons" not in errors:
        errors["reasons"] = _("Bitte mindestens einen Ablehnungsgrund wählen.")
    elif outcome != "refused" and reasons:
        errors["reasons"] = _("Ablehnungsgründe gibt es nur bei einer Ablehnung.")
    if errors:
        raise OutcomeError(errors)
    return {"outcome": outcome, "filed_on": filed, "decided_on": decided,
            "permit_provision": provision if outcome == "granted" else "",
            "permit_valid_until": valid_until if outcome == "granted" else None,
            **{f"refusal_{r}": r in reasons for r in REFUSAL_REASONS}}


def record(case: Case, form: dict, counsellor: User, provisions: dict[str, str],
           today: dt.date | None = None) -> CaseOutcome:
    """Store the outcome typed into the case page's form; the case's state follows it."""
    values = check(form, provisions, today or today_in_germany())
    with write_transaction():
        if outcome_of(case) is None:
            sync_client(case.client)
        CaseOutcome.update(**values, updated_at=utcnow()).where(CaseOutcome.case_id == case.id).execute()
        audit.record(counsellor, "case.outcome", "case", case.id, values["outcome"])
    state = STATE_OF_OUTCOME.get(values["outcome"], "submitted" if values["filed_on"] else "open")
    case = Case.get_by_id(case.id)
    if state != case.status and case.status not in CLOSED_CASE_STATES:
        set_case_status(case, state, counsellor)
    return outcome_of(case)
