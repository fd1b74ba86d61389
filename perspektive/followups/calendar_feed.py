"""A counsellor's follow-ups as an iCalendar feed (RFC 5545), for the calendar they already use.

One all-day event per open follow-up, with an alarm for each "days before" of its rule. The feed leaves the
server and lives on in calendar apps and their clouds, so it carries no name, no birth date and no fact: only
the deadline's text and citation (from the rule), the client reference and a link that needs a login.

Written out by hand (a few dozen lines) rather than with a library: the rules that matter are escaping of TEXT
values (§ 3.3.11), lines folded at 75 octets without splitting a UTF-8 character (§ 3.1) and CRLF line ends.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

CALENDAR_NAME = "Perspektive – Fristen"
PRODID = "-//Perspektive//Fristen//DE"
SUMMARY_TEXT_LENGTH = 60
LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon and comma escaped, every kind of line break as ``\\n``."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets; each continuation starts with one space (which
    counts) and no UTF-8 character is cut in two. Joined with CRLF, without the final line end."""
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n".join(pieces)


def shorten(text: str, length: int = SUMMARY_TEXT_LENGTH) -> str:
    """At most ``length`` characters, cut at a space where there is one in the second half, then "…"."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length - 2]
    space = cut.rfind(" ")
    return (cut[:space] if space > length // 2 else cut).rstrip(" ,;:") + " …"


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _event(record, base_url: str, host: str, stamp: str) -> list[str]:
    link = f"{base_url}/followups/{record.id}"
    summary = f"Frist: {shorten(record.text)} ({record.client.reference})"
    description = "\n".join([record.text, record.citation, link])
    lines = [
        "BEGIN:VEVENT",
        f"UID:followup-{record.id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(record.due)}",
        f"DTEND;VALUE=DATE:{_date(record.due + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{link}",
        "TRANSP:TRANSPARENT",  # a deadline, not an appointment: the day stays free
    ]
    for days in sorted({int(d) for d in record.remind_days_before.split(",") if d.strip()}, reverse=True):
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(summary)}",
                  f"TRIGGER:-P{days}D", "END:VALARM"]
    return lines + ["END:VEVENT"]


def build_calendar(records: Iterable, public_url: str, now: dt.datetime) -> str:
    """The feed for ``records`` (follow-up rows with ``client`` loaded); ``now`` (UTC) is the DTSTAMP.

    Returns the text with CRLF line ends; encode it as UTF-8.
    """
    base_url = public_url.rstrip("/")
    host = urlsplit(base_url).hostname or "perspektive"
    if now.tzinfo is not None:
        now = now.astimezone(dt.timezone.utc)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(CALENDAR_NAME)}", "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
             "X-PUBLISHED-TTL:PT1H"]
    for record in records:
        lines += _event(record, base_url, host, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
