"""Sending mail by SMTP as configured (``SMTP_*``, ``MAIL_FROM``), and plain notices to administrators.

``SMTP_SECURITY`` is ``starttls`` (port 587), ``tls`` (port 465) or ``none`` (a relay on the same host). The
server's certificate is verified against the system's CAs, or against ``SMTP_CA_FILE`` for a private CA. A login is
never sent over an unencrypted connection. Errors are reported without the server's reply text, which may quote
addresses: the reason names the kind of failure and the SMTP code.
"""
from __future__ import annotations

import logging
import smtplib
import ssl

from flask import current_app

log = logging.getLogger("perspektive.mail")
SECURITY = ("none", "starttls", "tls")


class MailError(RuntimeError):
    """Sending failed; the message is the reason a counsellor reads."""


def _tls_context(config) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=config["SMTP_CA_FILE"] or None)


def _connect(config) -> smtplib.SMTP:
    security = config["SMTP_SECURITY"]
    if security not in SECURITY:
        raise MailError(f"SMTP_SECURITY muss none, starttls oder tls sein, nicht {security!r}.")
    host, port, timeout = config["SMTP_HOST"], config["SMTP_PORT"], config["SMTP_TIMEOUT_SECONDS"]
    if security == "tls":
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(config))
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
        if security == "starttls":
            smtp.starttls(context=_tls_context(config))
    if config["SMTP_USERNAME"]:
        if security == "none":
            smtp.close()
            raise MailError("SMTP-Anmeldung nur über starttls oder tls.")
        smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"])
    return smtp


def send(message: bytes, recipients: list[str], config=None) -> None:
    """Hand ``message`` to the SMTP server for ``recipients``; ``MailError`` says why it did not go out."""
    config = config or current_app.config
    try:
        with _connect(config) as smtp:
            refused = smtp.sendmail(config["MAIL_FROM"], recipients, message)
    except smtplib.SMTPResponseException as exc:
        raise MailError(f"Der Mailserver hat abgelehnt (SMTP {exc.smtp_code}).") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = sorted({code for code, _ in exc.recipients.values()})
        raise MailError(f"Der Mailserver hat die Empfängeradresse abgelehnt (SMTP {codes}).") from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS-Fehler beim Mailserver ({exc.reason or exc.__class__.__name__}).") from None
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"Mailserver nicht erreichbar ({exc.__class__.__name__}).") from None
    if refused:
        raise MailError("Der Mailserver hat die Empfängeradresse abgelehnt.")
