"""The API's answers as pydantic models, and ``/api/v1/openapi.json`` built from them and from the facts model
(``law.CaseFacts``): the one description of the API that other tools of a counselling office read.

Every route of the ``api`` blueprint has an entry in ``OPERATIONS``; tests/web/test_openapi.py fails when one is
missing, when an example does not validate against its schema, and when a real answer does not. Examples are
invented people, never real ones.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from perspektive.law import CaseFacts

REF = "#/components/schemas/{model}"


class _Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldError(_Answer):
    field: str = Field(description="the field's path in the facts (``status_history.0``) or the key; '' = body")
    reason: str


class Errors(_Answer):
    """400/412/413/422/428: what is wrong with the input, per field."""
    errors: list[FieldError]
    revision: int | None = Field(None, description="412 only: the facts' current revision")
    changed: list[str] | None = Field(None, description="412 only: the paths someone else changed")


class Error(_Answer):
    """401/403/404/500: one message, in the request's language."""
    error: str


class Criterion(_Answer):
    id: str
    label: str
    met: bool | None
    met_from: dt.date | None
    state: str
    reason: str
    citation: str
    valid_from: dt.date
    valid_until: dt.date | None
    hint: str
    evidence: str
    unverified: str = Field(description="non-empty: the rule's legal basis is UNVERIFIED (docs/legal-notes.md)")
    discretionary: bool
    missing_facts: list[str]
    explanation: str


class Result(_Answer):
    workflow: str
    provision: str
    title: str
    rules_version: str | None
    verdict: Literal["eligible", "eligible_from", "incomplete", "not_eligible"]
    earliest_date: dt.date | None
    criteria: list[Criterion]
    unverified: list[str]


class Note(BaseModel):
    text: str
    citation: str = ""


class AssessmentDocument(_Answer):
    assessed_on: dt.date
    results: list[Result]
    notes: list[Note]


class AssessmentRequest(_Answer):
    facts: CaseFacts
    on: dt.date | None = Field(None, description="the day to assess on; default: today in Germany")
    workflow: str | None = Field(None, description="one workflow; default: every workflow in force")


class LetterRequest(_Answer):
    workflow: str
    letter: Literal["antrag", "checkliste"]
    on: dt.date | None = None
    facts: CaseFacts | None = Field(None, description="either facts or client_id")
    client_id: int | None = Field(None, ge=1)


class FactsBody(BaseModel):
    facts: CaseFacts


class ClientCreated(_Answer):
    id: int
    reference: str


class FollowUp(_Answer):
    id: int
    workflow: str = Field(description="'' for a follow-up that concerns every path")
    kind: str
    due: dt.date
    text: str
    citation: str
    basis: str
    state: Literal["open", "done", "dismissed"]
    state_note: str
    previous_due: dt.date | None
    change_note: str
    next_reminder_on: dt.date | None


class ClientExport(_Answer):
    id: int
    reference: str
    facts: CaseFacts


class ClientWithFollowUps(ClientExport):
    followups: list[FollowUp]


class ClientFollowUps(_Answer):
    id: int
    reference: str
    followups: list[FollowUp]


class Page(_Answer):
    page: int = Field(ge=1)
    per_page: int = Field(ge=1, le=200)
    total: int = Field(ge=0)


class ClientSummary(_Answer):
    """No personal data beyond the pseudonymous reference: the facts are read one client at a time."""
    id: int
    reference: str
    revision: int
    updated_at: dt.datetime
    open_cases: int


class ClientList(Page):
    clients: list[ClientSummary]


class CaseSummary(_Answer):
    id: int
    workflow: str
    rules_version: str
    verdict: str
    status: Literal["open", "submitted", "granted", "refused", "closed"]
    opened_on: dt.date


class ClientCases(_Answer):
    id: int
    reference: str
    cases: list[CaseSummary]


class ConsultationSummary(_Answer):
    id: int
    held_on: dt.date
    kind: Literal["first", "follow_up"]
    duration_minutes: int | None
    attendees: list[str]


class ClientConsultations(_Answer):
    id: int
    reference: str
    consultations: list[ConsultationSummary]


class DueFollowUp(FollowUp):
    client_id: int
    client_reference: str


class FollowUpList(Page):
    followups: list[DueFollowUp]


class ReferralRequest(_Answer):
    """What to refer to which authority contact; the case summary only when ``documents`` names it."""
    contact_id: int = Field(ge=1)
    workflow: str = Field(description="the path the referral is about (a workflow id)")
    documents: list[Literal["letter", "checklist", "summary"]] = ["letter", "checklist"]
    categories: list[str] | None = Field(None, description="the summary's data categories; without them, what the "
                                                           "path needs and the release covers")
    note: str = ""
    confirm: str | None = Field(None, description="sending only: the digest of the preview confirmed")


class Attachment(_Answer):
    name: str
    size: int


class ReferralPreview(_Answer):
    """Exactly what the authority will read after decrypting; nothing is stored or sent."""
    note: str
    attachments: list[Attachment]
    categories: list[str]
    summary: list[str] | None
    digest: str


class ReferralQueued(_Answer):
    id: int
    status: str
    documents: list[str]
    categories: list[str]


MODELS = (Error, Errors, AssessmentRequest, AssessmentDocument, LetterRequest, FactsBody, ClientCreated,
          ClientExport, ClientWithFollowUps, ClientFollowUps, ClientList, ClientCases, ClientConsultations,
          FollowUpList, ReferralRequest, ReferralPreview, ReferralQueued)

# --- examples (invented) ----------------------------------------------------------------------------------------

FACTS = {"person": {"given_name": "Beispiel", "family_name": "Mustermann", "date_of_birth": "1995-03-01",
                    "nationality": "AF"},
         "entry_date": "2018-06-01",
         "status_history": [{"status": "duldung", "from": "2018-06-01", "to": None}],
         "german": {"oral": "B1", "written": "A2"}}
CRITERION = {"id": "stay_duration", "label": "Voraufenthalt", "met": True, "met_from": "2024-06-01",
             "state": "erfüllt", "reason": "6 Jahre geduldet, gestattet oder erlaubt", "hint": "", "evidence": "",
             "citation": "§ 25b Abs. 1 S. 2 Nr. 1 AufenthG", "valid_from": "2024-02-27", "valid_until": None,
             "unverified": "", "discretionary": False, "missing_facts": [],
             "explanation": "Voraufenthalt: erfüllt. 6 Jahre geduldet, gestattet oder erlaubt."}
FOLLOWUP = {"id": 7, "workflow": "section_25b", "kind": "path_opens", "due": "2027-08-16",
            "text": "Antrag nach § 25b AufenthG möglich", "citation": "§ 25b Abs. 1 AufenthG", "basis": "",
            "state": "open", "state_note": "", "previous_due": None, "change_note": "",
            "next_reminder_on": "2027-06-16"}
EXAMPLES = {
    "Error": {"error": "Anmeldung erforderlich"},
    "Errors": {"errors": [{"field": "on", "reason": "kein gültiges Datum (JJJJ-MM-TT)"}]},
    "AssessmentRequest": {"facts": FACTS, "on": "2026-12-03", "workflow": "section_25b"},
    "AssessmentDocument": {"assessed_on": "2026-12-03", "notes": [], "results": [{
        "workflow": "section_25b", "provision": "§ 25b AufenthG", "title": "Nachhaltige Integration",
        "rules_version": "2024-02-27", "verdict": "incomplete", "earliest_date": None, "criteria": [CRITERION],
        "unverified": []}]},
    "LetterRequest": {"workflow": "section_25b", "letter": "antrag", "client_id": 42},
    "FactsBody": {"facts": FACTS},
    "ClientCreated": {"id": 42, "reference": "K-3F9A1C0B7E"},
    "ClientExport": {"id": 42, "reference": "K-3F9A1C0B7E", "facts": FACTS},
    "ClientWithFollowUps": {"id": 42, "reference": "K-3F9A1C0B7E", "facts": FACTS, "followups": [FOLLOWUP]},
    "ClientFollowUps": {"id": 42, "reference": "K-3F9A1C0B7E", "followups": [FOLLOWUP]},
    "ClientList": {"page": 1, "per_page": 50, "total": 1, "clients": [
        {"id": 42, "reference": "K-3F9A1C0B7E", "revision": 3, "updated_at": "2026-11-30T09:12:00",
         "open_cases": 1}]},
    "ClientCases": {"id": 42, "reference": "K-3F9A1C0B7E", "cases": [
        {"id": 5, "workflow": "section_25b", "rules_version": "2024-02-27", "verdict": "eligible_from",
         "status": "open", "opened_on": "2026-10-01"}]},
    "ClientConsultations": {"id": 42, "reference": "K-3F9A1C0B7E", "consultations": [
        {"id": 9, "held_on": "2026-09-14", "kind": "first", "duration_minutes": 60, "attendees": ["person"]}]},
    "FollowUpList": {"page": 1, "per_page": 50, "total": 1, "followups": [
        {**FOLLOWUP, "client_id": 42, "client_reference": "K-3F9A1C0B7E"}]},
    "ReferralRequest": {"contact_id": 3, "workflow": "section_25b", "documents": ["letter", "checklist"],
                        "note": "Bitte um Rückruf"},
    "ReferralPreview": {"note": "Bitte um Rückruf", "attachments": [{"name": "section_25b_antrag_2026-12-03.docx",
                                                                    "size": 38211}],
                        "categories": [], "summary": None, "digest": "9f2c" + "0" * 60},
    "ReferralQueued": {"id": 11, "status": "queued", "documents": ["letter", "checklist"], "categories": []},
}

# --- operations -------------------------------------------------------------------------------------------------

CLIENT_ID = {"name": "client_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}
PAGING = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
          {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200,
                                                          "default": 50}}]
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# (method, path) -> (summary, request model or None, {status: model name, or a media type for a file}, params)
OPERATIONS: dict[tuple[str, str], tuple[str, str | None, dict[int, str], list[dict]]] = {
    ("post", "/assessments"): ("Every path, or one, assessed for facts on a day",
                               "AssessmentRequest", {200: "AssessmentDocument", 422: "Errors"}, []),
    ("post", "/letters"): ("A letter or checklist as .docx, from facts or a stored client",
                           "LetterRequest", {200: DOCX, 404: "Error", 422: "Errors"}, []),
    ("get", "/clients"): ("The caller's clients, most recently changed first, a page at a time",
                          None, {200: "ClientList", 422: "Errors"}, PAGING),
    ("post", "/clients"): ("Record a client; the caller is the counsellor", "FactsBody",
                           {201: "ClientCreated", 422: "Errors"}, []),
    ("get", "/clients/{client_id}"): ("A client's facts; the ETag is their revision", None,
                                      {200: "ClientExport", 404: "Error"}, [CLIENT_ID]),
    ("put", "/clients/{client_id}/facts"): ("Replace the facts, If-Match carrying the ETag read; answers "
                                            "with the follow-ups as recomputed", "FactsBody",
                                            {200: "ClientWithFollowUps", 404: "Error", 412: "Errors",
                                             422: "Errors", 428: "Errors"},
                                            [CLIENT_ID, {"name": "If-Match", "in": "header", "required": True,
                                                         "schema": {"type": "string"}}]),
    ("get", "/clients/{client_id}/followups"): ("A client's follow-ups, open, done and dismissed", None,
                                                {200: "ClientFollowUps", 404: "Error"}, [CLIENT_ID]),
    ("get", "/clients/{client_id}/cases"): ("A client's cases, newest first", None,
                                            {200: "ClientCases", 404: "Error"}, [CLIENT_ID]),
    ("get", "/clients/{client_id}/consultations"): ("A client's consultations, newest first", None,
                                                    {200: "ClientConsultations", 404: "Error"}, [CLIENT_ID]),
    ("get", "/followups"): ("The open follow-ups of the caller's clients, earliest first, a page at a time",
                            None, {200: "FollowUpList", 422: "Errors"}, PAGING),
    ("post", "/clients/{client_id}/referrals/preview"): (
        "What a referral would carry, as the authority will read it; nothing is stored or sent", "ReferralRequest",
        {200: "ReferralPreview", 404: "Error", 422: "Errors"}, [CLIENT_ID]),
    ("post", "/clients/{client_id}/referrals"): (
        "Queue the referral whose preview digest ``confirm`` names; refused when the content changed or the "
        "release does not cover it", "ReferralRequest", {201: "ReferralQueued", 404: "Error", 422: "Errors"},
        [CLIENT_ID]),
    ("get", "/openapi.json"): ("This description, open without sign-in", None, {200: "application/json"}, []),
}


def _content(target: str) -> dict:
    if "/" in target:
        return {target: {"schema": {"type": "string", "format": "binary"} if target == DOCX else {"type": "object"}}}
    return {"application/json": {"schema": {"$ref": REF.format(model=target)}, "example": EXAMPLES[target]}}


def openapi_document() -> dict:
    _keys, schemas = models_json_schema([(m, "validation") for m in MODELS], ref_template=REF,
                                        by_alias=True)
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), (summary, body, answers, params) in OPERATIONS.items():
        operation: dict[str, Any] = {"summary": summary, "parameters": params, "responses": {
            str(status): {"description": str(status), "content": _content(target)}
            for status, target in answers.items()}}
        if path == "/openapi.json":
            operation["security"] = []
        else:
            operation["responses"]["401"] = {"description": "401", "content": _content("Error")}
        if body:
            operation["requestBody"] = {"required": True, "content": _content(body)}
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": "Perspektive API", "version": "1",
                 "description": "Bleiberechtsberatung: assessments, letters, clients, cases, consultations, "
                                "follow-ups. See docs/api.md."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {"schemas": schemas["$defs"],
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "an API token (pk_...): `perspektive users "
                                                                     "token` or the account page"}}},
    }
