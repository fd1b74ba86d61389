"""Authority contacts with their pinned keys, releases from confidentiality, referrals and their outbox."""
from __future__ import annotations

import peewee as pw

from perspektive.accounts.models import User
from perspektive.clients.models import Client
from perspektive.db import BaseModel, utcnow


class AuthorityContact(BaseModel):
    """A named person in the Ausländerbehörde who receives referrals, encrypted to the key pinned here.

    The armoured public key is kept in the database, so every worker on every host encrypts to exactly this key;
    it is used only once an administrator has confirmed ``fingerprint`` (``confirmed_at``), e.g. by phone.
    """

    name = pw.CharField(max_length=200)
    department = pw.CharField(max_length=200, default="")
    email = pw.CharField(max_length=200)
    workflows = pw.CharField(max_length=500, default="")  # comma-separated workflow ids
    user = pw.ForeignKeyField(User, null=True, on_delete="SET NULL", backref="authority_contacts")
    fingerprint = pw.CharField(max_length=40, null=True)
    public_key = pw.TextField(null=True)
    key_summary = pw.CharField(max_length=80, default="")
    key_expires_at = pw.DateTimeField(null=True)
    key_imported_at = pw.DateTimeField(null=True)
    confirmed_at = pw.DateTimeField(null=True)
    confirmed_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)


class Consent(BaseModel):
    """The client's release from confidentiality towards one contact: given on a date, for some documents."""

    client = pw.ForeignKeyField(Client, backref="consents", on_delete="CASCADE")
    recipient = pw.ForeignKeyField(AuthorityContact, on_delete="RESTRICT")
    given_on = pw.DateField()
    scope = pw.CharField(max_length=200)  # comma-separated document kinds the release covers
    # comma-separated data categories (fact groups, documents.summary_categories) the case summary may hold
    categories = pw.CharField(max_length=200, default="")
    recorded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    withdrawn_on = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=utcnow)


REFERRAL_STATES = ("queued", "retrying", "sent", "failed")


class Referral(BaseModel):
    """A case handed to an authority contact. Its id is also the e-mail's Message-ID, so a resent copy is
    recognisable as the same referral. Only the ciphertext of what was sent is kept, never the plaintext."""

    id = pw.CharField(max_length=32, primary_key=True)
    client = pw.ForeignKeyField(Client, backref="referrals", on_delete="CASCADE")
    contact = pw.ForeignKeyField(AuthorityContact, backref="referrals", on_delete="RESTRICT")
    counsellor = pw.ForeignKeyField(User, on_delete="RESTRICT")
    consent = pw.ForeignKeyField(Consent, on_delete="RESTRICT")
    workflow = pw.CharField(max_length=60, null=True)
    documents = pw.CharField(max_length=100)  # comma-separated: letter, checklist, summary
    documents_on = pw.DateField()
    # the summary's data categories, if it carries one; never more than ``consent.categories``
    categories = pw.CharField(max_length=200, default="")
    # the authority's file number (person.abh_file_number) when sent, sealed; the portal lists by it
    file_number = pw.TextField(null=True)
    status = pw.CharField(max_length=20, default="queued", choices=[(s, s) for s in REFERRAL_STATES], index=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.CharField(max_length=500, default="")
    ciphertext = pw.TextField(null=True)
    manifest = pw.TextField(default="[]")  # JSON: name, size and SHA-256 of each attachment
    built_at = pw.DateTimeField(null=True)
    sent_at = pw.DateTimeField(null=True)
    acknowledged_at = pw.DateTimeField(null=True)
    acknowledged_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow, index=True)


class Outbox(BaseModel):
    """Delivery work still to do for a referral; the row goes when the referral is sent or has failed.

    ``note`` holds the counsellor's note only until the message is encrypted (same transaction as the ciphertext
    is stored). ``lease_until`` marks a worker's claim; a claim past its lease is free again for the sweep.
    """

    referral = pw.ForeignKeyField(Referral, unique=True, on_delete="CASCADE", backref="outbox")
    note = pw.TextField(null=True)
    next_attempt_at = pw.DateTimeField(default=utcnow, index=True)
    lease_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=utcnow)

