"""A counsellor's follow-ups as an iCalendar feed (RFC 5545), for the calendar they already use.

One all-day event per open follow-up, with an alarm for each "days before" of its rule. The feed leaves the
server and lives on in calendar apps and their clouds, so it holds no more than a reminder mail: the deadline's
text and citation (from the rule) and a link that needs a login; no name, no client reference, no fact.

A day counted from a date of birth (``Engine.birth_date_followups``: the age limits, a path that opens on a
birthday) would give the birth date away with the kind. Such a follow-up is *covered*: its event stands on the first
working day of a month before the due month, early enough to come no later than the first reminder mail, and
says only "Frist (Details nach Anmeldung)" and the link. It depends on the due day's month alone, so it tells at
most the month and the year; never on a day before this month, so that a late follow-up is still in view. The
events are listed by the days they show, not by due day, so that their order gives nothing away either.

Written out by hand (a few dozen lines) rather than with a library: the rules that matter are escaping of TEXT
values (§ 3.3.11), lines folded at 75 octets without splitting a UTF-8 character (§ 3.1) and CRLF line ends.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from urllib.parse import urlsplit

from perspektive.law import add_months, non_working_reason

from .records import days_before

CALENDAR_NAME = "Perspektive – Fristen"
COVERED_SUMMARY = "Frist (Details nach Anmeldung)"
COVERED_TEXT = "Eine Frist steht an. Worum es geht und bis wann: nach der Anmeldung."
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


def _first_working_day(day: dt.date) -> dt.date:
    """The first working day of ``day``'s month (Saxon public holidays and weekends skipped)."""
    day = day.replace(day=1)
    while non_working_reason(day):
        day += dt.timedelta(days=1)
    return day


def covered_day(due: dt.date, remind_days_before: Collection[int], today: dt.date) -> dt.date:
    """Where a covered follow-up's event stands: the first working day of the month that lies far enough before
    the due day's month to be no later than the first reminder day, or of this month if that one has passed.

    Each month has at least 28 days; the 7 spare days cover the reminder's move back to a working day (up to 4
    days, Easter) and the first working day's move forward (up to 3, New Year)."""
    months = (max(remind_days_before) + 7) // 28 + 1
    return max(_first_working_day(add_months(due.replace(day=1), -months)), _first_working_day(today))


def _event(record, base_url: str, host: str, stamp: str, covered: bool, today: dt.date) -> tuple[tuple, list[str]]:
    """The event's lines, and where it goes in the feed: by the day it shows, so that a covered event's place
    among the others does not tell between which two due days its own falls."""
    link = f"{base_url}/followups/{record.id}"
    if covered:
        day, summary, text = covered_day(record.due, days_before(record), today), COVERED_SUMMARY, COVERED_TEXT
        triggers = ["PT0S"]  # on the day it stands on: the rule's "days before" would tell its kind
    else:
        day, summary, text = record.due, f"Frist: {shorten(record.text)}", f"{record.text}\n{record.citation}"
        triggers = [f"-P{days}D" for days in sorted(set(days_before(record)), reverse=True)]
    description = f"{text}\n{link}"
    lines = [
        "BEGIN:VEVENT",
        f"UID:followup-{record.id}@{host}",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(day)}",
        f"DTEND;VALUE=DATE:{_date(day + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{link}",
        "TRANSP:TRANSPARENT",  # a deadline, not an appointment: the day stays free
    ]
    for trigger in triggers:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(summary)}", f"TRIGGER:{trigger}",
                  "END:VALARM"]
    return (day, record.id), lines + ["END:VEVENT"]


def build_calendar(records: Iterable, public_url: str, now: dt.datetime, *,
                   covered: Collection[tuple[str, str]], today: dt.date) -> str:
    """The feed for ``records`` (follow-up rows); ``now`` (UTC) is the DTSTAMP. The rows whose (workflow, kind) is
    in ``covered`` (``Engine.birth_date_followups``) are covered, placed as of ``today`` (German time).

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
    events = [_event(record, base_url, host, stamp, (record.workflow, record.kind) in covered, today)
              for record in records]
    for _, event in sorted(events, key=lambda e: e[0]):
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
