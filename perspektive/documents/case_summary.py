"""The case summary a referral carries: the facts as the client page groups them, every path with its reasons, and
the coming deadlines, as plain UTF-8 text that any authority system can open and file."""
from __future__ import annotations

import datetime as dt

from perspektive.clients import fact_sections
from perspektive.law import CaseFacts, current_engine, de, in_order_of_use

from .letters import VERDICT_TEXT

FILENAME = "Fallzusammenfassung.txt"


def _heading(text: str, underline: str = "=") -> list[str]:
    return ["", text, underline * len(text)]


def render_summary(facts: CaseFacts, on: dt.date, organisation: str) -> bytes:
    """The summary for ``facts`` as assessed on ``on``; the same inputs always give the same bytes."""
    engine = current_engine()
    assessments = in_order_of_use(engine.assess(facts, on))
    lines = [f"Fallzusammenfassung – {organisation}", f"Stand: {de(on)}"]
    for section in fact_sections(facts):
        lines += _heading(section["title"], "-")
        for entry in section["entries"]:
            if "rows" not in entry:
                lines.append(f"{entry['label']}: {entry['value']}")
            elif entry["rows"] is None:
                lines.append(f"{entry['label']}: unbekannt")
            elif not entry["rows"]:
                lines.append(f"{entry['label']}: keine")
            else:
                lines.append(f"{entry['label']}:")
                for row in entry["rows"]:
                    lines.append("  – " + "; ".join(f"{h}: {v}" for h, v in zip(entry["headings"], row)))
    lines += _heading(f"Perspektiven am {de(on)}")
    for note in engine.notes(facts, assessments):
        lines.append(f"Hinweis: {note['text']} ({note['citation']})")
    for a in assessments:
        verdict = VERDICT_TEXT.get(a.verdict, a.verdict).format(date=de(a.earliest_date))
        lines += ["", f"{a.provision} – {a.title}: {verdict}"
                  + (f" (Rechtsstand {a.rules_version})" if a.rules_version else "")]
        lines += [f"  – {c.explanation} [{c.citation}]" for c in a.criteria]
    deadlines = [f for f in engine.followups(facts, on) if f.due >= on]
    if deadlines:
        lines += _heading("Fristen und Termine")
        lines += [f"{de(f.due)}: {f.text} ({f.citation}; {f.basis})" for f in deadlines]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")
