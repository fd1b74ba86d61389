"""What a referral will carry, built once for the counsellor's preview and again, by the same code, for delivery.

The counsellor sees the decrypted content before anything leaves: the note, the attachments with name and size,
and the case summary's text. The preview ends in a fingerprint (``digest``) of that content; the confirmation sends
it back, and the referral is refused if the content has changed since (another counsellor edited the facts, a
release was withdrawn), so what is confirmed is what is sent.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from flask import current_app

from perspektive.accounts.models import User
from perspektive.clients import load_facts
from perspektive.clients.models import Client
from perspektive.documents import (
    SUMMARY_FILENAME,
    letter_case,
    letter_filename,
    render_letter,
    render_summary,
    summary_content,
    summary_lines,
)
from perspektive.law import CaseFacts

from .pgpmime import Attachment

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LETTER_OF_KIND = {"letter": "antrag", "checklist": "checkliste"}


@dataclass(frozen=True)
class Planned:
    """One referral's content before encryption."""

    note: str
    attachments: list[Attachment]
    summary: dict | None  # the summary's content (documents.summary_content), None without a summary
    categories: list[str]  # the data categories the summary was built from
    digest: str

    @property
    def summary_lines(self) -> list[str]:
        return summary_lines(self.summary) if self.summary else []

    def listing(self) -> list[dict]:
        return [{"name": a.filename, "size": len(a.data)} for a in self.attachments]


def _summary(facts: CaseFacts, workflow: str, on: dt.date, categories: list[str]) -> dict:
    return summary_content(facts, workflow, on, categories, current_app.config["ORGANISATION_NAME"])


def build(facts: CaseFacts, *, workflow: str | None, kinds: list[str], categories: list[str], on: dt.date,
          counsellor: User | None, client: Client | None = None) -> tuple[list[Attachment], dict | None]:
    """The attachments of a referral in the order of ``kinds``, and the summary's content (if it carries one). The
    Antrag lists as Anlagen what ``client``'s case on the path has received, as a download would."""
    items, content = [], None
    for kind in kinds:
        if kind == "summary":
            content = _summary(facts, workflow, on, categories)
            items.append(Attachment(SUMMARY_FILENAME, DOCX, render_summary(content)))
        else:
            letter = LETTER_OF_KIND[kind]
            data = render_letter(workflow, facts, on, letter, counsellor, case=letter_case(client, workflow))
            items.append(Attachment(letter_filename(workflow, letter, on), DOCX, data))
    return items, content


def digest(client: Client, *, contact_id: int, workflow: str | None, kinds: list[str], categories: list[str],
           note: str, on: dt.date, summary: dict | None) -> str:
    """A fingerprint of what the counsellor confirms: recipient, path, documents, note, summary text, and the
    facts' revision (every letter is filled from the facts)."""
    payload = json.dumps([client.id, client.revision, contact_id, workflow, kinds, categories, note, on.isoformat(),
                          summary], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def plan(client: Client, *, contact_id: int, workflow: str | None, kinds: list[str], categories: list[str],
         note: str, on: dt.date, counsellor: User | None) -> Planned:
    """The content of a referral as it would be sent today (the checks are the caller's, ``outbox.check``)."""
    attachments, summary = build(load_facts(client), workflow=workflow, kinds=kinds, categories=categories, on=on,
                                 counsellor=counsellor, client=client)
    return Planned(note, attachments, summary, categories, digest(client, contact_id=contact_id, workflow=workflow,
                                                      kinds=kinds, categories=categories, note=note, on=on,
                                                      summary=summary))
