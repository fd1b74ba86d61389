"""A client with every kind of record, made through the capabilities as the pages make them: facts and a later
change (history), a case with a checklist note, a consultation, a stored letter, a referral sent through the real
outbox to a real gpg key and SMTP server, follow-ups and a queued reminder. ``SECRETS`` are the strings of the
person that must be found nowhere after an erasure."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from perspektive import referrals
from perspektive.clients import open_case, record_consultation
from perspektive.clients.records import create_client, load_facts, update_facts
from perspektive.db import db
from perspektive.documents import render_letter, set_item_note, store_document
from perspektive.followups.models import FollowUpRecord
from perspektive.law import today_in_germany
from perspektive.law.facts import parse_facts
from perspektive.referrals.consents import record_consent
from perspektive.tasks import huey
from tests.conftest import demo_facts

GIVEN, FAMILY = "Zeynep", "Quraishi"
OLD_ADDRESS, NEW_ADDRESS = "Pfotenhauerstraße 77, 01307 Dresden", "Rudolf-Leonhard-Straße 9, 01097 Dresden"
FILE_NUMBER = "DD-9931-44"
NOTE = "Pass liegt beim Onkel in Leipzig"
REFERRAL_NOTE = "Sehr geehrter Herr Meier, anbei der Antrag von Frau Quraishi."


@dataclass
class Full:
    client: object
    case: object
    referral: object
    born: dt.date

    @property
    def secrets(self) -> list[bytes]:
        return [s.encode() for s in (GIVEN, FAMILY, OLD_ADDRESS, NEW_ADDRESS, FILE_NUMBER, NOTE, REFERRAL_NOTE,
                                     self.born.isoformat(), self.born.strftime("%d.%m.%Y"))]


def facts(born: dt.date, address: str) -> dict:
    data = demo_facts("amina")
    data["person"].update(given_name=GIVEN, family_name=FAMILY, date_of_birth=born.isoformat(), address=address,
                          abh_file_number=FILE_NUMBER)
    data["household"]["minor_children"] = []
    return data


@pytest.fixture
def full_client(app, smtp, contact, counsellor, queue) -> Full:
    today = today_in_germany()
    # The 27th birthday in 100 days: the § 25a follow-up, whose reminder 30 days before waits in the queue.
    birthday = today + dt.timedelta(days=100)
    born = birthday.replace(year=birthday.year - 27)
    with db.connection_context():
        client = create_client(parse_facts(facts(born, OLD_ADDRESS)), counsellor)
        client = update_facts(client, parse_facts(facts(born, NEW_ADDRESS)), counsellor)
        case = open_case(client, "section_25b", counsellor)
        set_item_note(case, "passport", NOTE, counsellor)
        record_consultation(client, counsellor, held_on=today.isoformat(), kind="first", duration_minutes="45",
                            attendees=["person"])
        letter = render_letter("section_25b", load_facts(client), today, "antrag", counsellor=counsellor)
        store_document(client, "section_25b", "antrag", letter, counsellor)
        record_consent(client, contact, today, ["letter", "summary"], counsellor, today)
        referral = referrals.queue_referral(client=client, contact=contact, counsellor=counsellor,
                                            documents=["letter", "summary"], note=REFERRAL_NOTE,
                                            workflow="section_25b", on=today)
        assert referral.status == "sent", referral.last_error
        assert FollowUpRecord.select().where(FollowUpRecord.client == client).count() >= 1
    return Full(client, case, referral, born)


def reminder_tasks(followup_ids) -> list:
    return [t for t in huey.scheduled() if t.name.endswith("send_followup_reminder") and t.args[0] in followup_ids]
