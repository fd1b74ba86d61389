"""Planned events never reach the authority: a referral's letter, checklist and case summary, decrypted as the
authority does (real gpg, real SMTP), hold none of the client's plans."""
from __future__ import annotations

import io
import zipfile

from perspektive.db import db
from perspektive.law import PlannedEvent
from perspektive.plans import save_plans
from tests.referrals.test_referrals import _inner, _queue, client_row  # noqa: F401 (client_row is a fixture)


def _text(data: bytes) -> str:
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as docx:
            return docx.read("word/document.xml").decode("utf-8")
    return data.decode("utf-8")


def test_a_referral_carries_no_planned_event(app, smtp, contact, counsellor, client_row, pgp_key):  # noqa: F811
    with db.connection_context():
        save_plans(client_row, [PlannedEvent(on="2027-03-15", kind="german_exam", level="C1"),
                                PlannedEvent(on="2027-02-01", kind="employment_start", hours_per_week=37.5)],
                   counsellor)
    referral = _queue(client_row, contact, counsellor)
    assert referral.status == "sent", referral.last_error
    [received] = smtp.to("m.meier@abh.example")
    _, *attachments = _inner(pgp_key("brainpoolP256r1", "m.meier@abh.example"), received).iter_parts()
    assert len(attachments) == 3
    for part in attachments:
        text = _text(part.get_payload(decode=True))
        assert "15.03.2027" not in text and "01.02.2027" not in text and "C1" not in text and "37,5" not in text
        assert "geplant" not in text.lower()
