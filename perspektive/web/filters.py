"""The words the pages use for stored values: verdicts, states, times, document kinds. Registered as Jinja
filters for every template of every capability by ``create_app``."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from perspektive.clients import attendee_names
from perspektive.followups import FOLLOWUP_STATE_NAMES
from perspektive.law import GERMANY, de, label_of, years_and_months
from perspektive.referrals import DOCUMENT_NAMES

# --- assessment wording -----------------------------------------------------------------------------------------

VERDICTS = {"eligible": _l("Offen"), "not_eligible": _l("Blockiert"), "incomplete": _l("Unvollständig")}


def verdict_text(assessment) -> str:
    if assessment.verdict == "eligible_from":
        return _("Offen ab %(day)s", day=de(assessment.earliest_date))
    return str(VERDICTS.get(assessment.verdict, assessment.verdict))


def case_verdict(verdict: str) -> str:
    """The verdict a case was opened under (only the word is stored, not the day a path opens)."""
    if verdict == "eligible_from":
        return _("Offen ab einem späteren Tag")
    return str(VERDICTS.get(verdict, verdict))


def followup_state(record) -> str:
    """``entfallen`` when the system closed the row (its basis or its case went), else the counsellor's state."""
    if record.state == "dismissed" and record.state_by_id is None:
        return _("entfallen")
    return FOLLOWUP_STATE_NAMES.get(record.state, record.state)


def rules_version(version: str | None) -> str:
    """A rules version is the ISO day its version took effect; the page shows it as a German date."""
    if not version:
        return "–"
    try:
        return de(dt.date.fromisoformat(version))
    except ValueError:
        return version


def german_time(moment: dt.datetime | None) -> str:
    """A stored UTC time as German local time: ``21.11.2026 14:05``."""
    if moment is None:
        return "–"
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(GERMANY).strftime("%d.%m.%Y %H:%M")


def document_names(kinds: str) -> str:
    """``letter,summary`` as the German names of the documents: ``Antrag, Fallzusammenfassung``."""
    return ", ".join(DOCUMENT_NAMES.get(k, k) for k in kinds.split(",") if k)


def referral_status(referral) -> str:
    if referral.status == "queued":
        return _("in Warteschlange")
    if referral.status == "retrying":
        return _("wird erneut versucht (Versuch %(attempt)s): %(reason)s", attempt=referral.attempts,
                 reason=referral.last_error)
    if referral.status == "sent":
        return _("gesendet am %(moment)s", moment=german_time(referral.sent_at))
    if referral.status == "failed":
        return _("fehlgeschlagen: %(reason)s", reason=referral.last_error)
    return referral.status


def fact_label(path: str) -> str:
    """A fact's name in the page's language."""
    return _(label_of(path))


def stay_length(days: int) -> str:
    """How long a status or a gap lasted, roughly: days below a month, else years and months ("2 Jahre und 3
    Monate"); nothing for no time at all."""
    if days <= 0:
        return ""
    if days < 31:
        return ngettext("%(num)s Tag", "%(num)s Tage", days)
    years, months = years_and_months(days)
    in_months = ngettext("%(num)s Monat", "%(num)s Monate", months)
    if not years:
        return in_months
    in_years = ngettext("%(num)s Jahr", "%(num)s Jahre", years)
    return _("%(years)s und %(months)s", years=in_years, months=in_months) if months else in_years


def init_app(app) -> None:
    app.jinja_env.filters.update(
        verdict=verdict_text, fact_label=fact_label, stay_length=stay_length, attendee_names=attendee_names, de=de, case_verdict=case_verdict,
        followup_state=followup_state, german_time=german_time, document_names=document_names,
        referral_status=referral_status, rules_version=rules_version)
