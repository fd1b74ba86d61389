"""PGP/MIME (RFC 3156, section 4): the message an authority's mail client decrypts and shows as an ordinary e-mail.

The inner entity (the counsellor's note and the attachments) is what gets encrypted. The outer message is
``multipart/encrypted; protocol="application/pgp-encrypted"`` with exactly two parts: the "Version: 1" control part
and the ciphertext as ``application/octet-stream``. The outer message is built only from the referral's stored
ciphertext and fixed fields (id, date, addresses), with a boundary derived from the id, so every attempt sends the
same bytes and a duplicate delivery is recognisable as one.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime

# Lines end in CRLF, as on the wire and as the signature (if any) covers them.
_WIRE = policy.SMTP.clone(max_line_length=76)


@dataclass(frozen=True)
class Attachment:
    filename: str
    mimetype: str  # "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    data: bytes


def inner_entity(note: str, attachments: list[Attachment]) -> bytes:
    """The MIME entity to encrypt: the note as UTF-8 text first, then each attachment as a base64 part."""
    entity = MIMEPart(policy=_WIRE)
    entity.set_content(note or "(ohne Nachricht)", subtype="plain", charset="utf-8", cte="quoted-printable")
    entity.make_mixed()
    for item in attachments:
        maintype, subtype = item.mimetype.split("/", 1)
        part = MIMEPart(policy=_WIRE)
        part.set_content(item.data, maintype=maintype, subtype=subtype, disposition="attachment",
                         filename=item.filename, cte="base64")
        if maintype == "text":
            part.set_param("charset", "utf-8")
        entity.attach(part)
    return entity.as_bytes(policy=_WIRE)


def encrypted_message(ciphertext: str, *, message_id: str, sender: str, recipient: str, subject: str,
                      date: dt.datetime) -> bytes:
    """The outer ``multipart/encrypted`` message around ``ciphertext`` (ASCII armour)."""
    message = EmailMessage(policy=_WIRE)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(date.replace(tzinfo=dt.timezone.utc))
    message["Message-ID"] = message_id
    message["MIME-Version"] = "1.0"
    boundary = f"=_perspektive_{message_id.strip('<>').split('@')[0]}"
    message.set_type("multipart/encrypted")
    message.set_param("protocol", "application/pgp-encrypted")
    message.set_boundary(boundary)
    control = MIMEPart(policy=_WIRE)
    control.set_content(b"Version: 1\r\n", maintype="application", subtype="pgp-encrypted", cte="7bit")
    control["Content-Description"] = "PGP/MIME version identification"
    body = MIMEPart(policy=_WIRE)
    body.set_content(ciphertext.encode("ascii"), maintype="application", subtype="octet-stream", cte="7bit",
                     disposition="inline", filename="encrypted.asc")
    body["Content-Description"] = "OpenPGP encrypted message"
    message.attach(control)
    message.attach(body)
    return message.as_bytes(policy=_WIRE)
