"""Generated letters and checklists, and the state of a case's checklist items."""
from __future__ import annotations

import peewee as pw

from perspektive.accounts.models import User
from perspektive.clients.models import Case, Client
from perspektive.db import BaseModel, utcnow


class Document(BaseModel):
    """A generated letter or checklist; the bytes are kept by ``perspektive.records`` under DATA_DIR."""

    client = pw.ForeignKeyField(Client, backref="documents", on_delete="CASCADE")
    workflow = pw.CharField(max_length=60)
    kind = pw.CharField(max_length=40)
    storage_key = pw.CharField(max_length=64, unique=True)
    sha256 = pw.CharField(max_length=64)
    size = pw.IntegerField()
    created_at = pw.DateTimeField(default=utcnow, index=True)
    created_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")



class ChecklistTick(BaseModel):
    """The state of one checklist item of a case: ticked off, a note, the day the document expires.

    ``item`` is the checklist item's id in the workflow file (or a plugin's); an item the workflow drops later
    keeps its row, so nothing a counsellor recorded is lost.
    """

    case = pw.ForeignKeyField(Case, backref="ticks", on_delete="CASCADE")
    item = pw.CharField(max_length=80)
    done = pw.BooleanField(default=False)
    note = pw.TextField(default="")  # sealed (``checklists.open_note``)
    expires_on = pw.DateField(null=True)
    updated_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("case", "item"), True),)



class TranslationReview(BaseModel):
    """An administrator marked a checklist translation reviewed (``translations``); ``sha256`` is the language file
    as it was reviewed, so a changed file counts as not yet reviewed again."""

    language = pw.CharField(max_length=8, unique=True)
    sha256 = pw.CharField(max_length=64)
    reviewed_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    reviewed_at = pw.DateTimeField(default=utcnow)


class ProvisionUpload(BaseModel):
    """One version of an uploaded workflow file (``letter`` empty) or letter template, as the administrator sent it
    (``upload_store``). The newest version of each (workflow, letter) is the one every engine reads; the older ones
    are its history. The content holds no personal data, but it is untrusted: templates render in the sandbox."""

    workflow_id = pw.CharField(max_length=60)
    letter = pw.CharField(max_length=40, default="")  # "" for the workflow file
    version = pw.IntegerField()  # 1, 2, … per (workflow_id, letter)
    content = pw.BlobField()
    sha256 = pw.CharField(max_length=64)
    source = pw.CharField(max_length=20)  # upload, default, restore, previous, import
    restored_from = pw.IntegerField(null=True)  # the version a restore brought back
    uploaded_by = pw.ForeignKeyField(User, null=True, on_delete="SET NULL")
    uploaded_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("workflow_id", "letter", "version"), True),)

    @property
    def kind(self) -> str:
        return "template" if self.letter else "workflow"

    @property
    def file_name(self) -> str:
        return f"{self.letter}.docx" if self.letter else f"{self.workflow_id}.toml"
