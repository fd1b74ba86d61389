"""What the ticked checklist says in the letters: the Antrag's Anlagen and the client's handout.

The Anlagen name only what was received (ticked on the case page), as the authority will find it in the envelope:
"Kopie des Reisepasses", not the checklist's instruction "Nationalpass oder Passersatz (Kopie, Original zur
Vorlage)" and no alternatives. The wording is ``[anlagen]`` in the German translation file (``translations``):
per workflow, else for every workflow (``"*"``), else the item's German text; a wording may depend on the client's
status today (``{ chancen_aufenthaltserlaubnis = "…", default = "…" }``). The counsellor's note on a received item
says which document it is ("telc Deutsch B1 vom 12.03.2026") and is added in parentheses.

The handout lists what is still missing and what was received, with the counsellor's contact, in the client's
language when a complete translation exists (``translations``), otherwise in German.
"""
from __future__ import annotations

import datetime as dt
import re

from perspektive.law import CaseFacts, ChecklistEntry, de

from . import translations
from .translations import GERMAN, Translation

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
LRM = "\u200e"  # LEFT-TO-RIGHT MARK
# An opening bracket before a Latin word ("(Verpflichtungserklärung)" in Urdu): marked left to right, it belongs
# to the word's run, and LibreOffice no longer breaks the line between the two.
_LATIN_IN_BRACKETS = re.compile(r"\((?=[A-Za-zÄÖÜäöüß])")


def _wording(german: Translation, workflow_id: str, entry: ChecklistEntry, status: str | None) -> str:
    """How the received document of ``entry`` is named in the Anlagen."""
    item_id, shown = entry.id, None
    day = _DATE.search(item_id)
    if day is not None:
        item_id, shown = item_id.replace(day.group(), "{date}"), de(dt.date.fromisoformat(day.group()))
    for scope in (workflow_id, "*"):
        wording = german.anlagen.get(scope, {}).get(item_id)
        if isinstance(wording, dict):
            wording = wording.get(status or "", wording.get("default"))
        if isinstance(wording, str) and wording.strip():
            return wording.replace("{date}", shown) if shown else wording
    return entry.text_in(GERMAN)


def anlagen(workflow_id: str, entries: list[ChecklistEntry], received: dict[str, str], facts: CaseFacts,
            on: dt.date) -> list[str]:
    """The received items of the checklist, in its order, as the Antrag lists its Anlagen."""
    german = translations.german()
    status = facts.status_on(on)
    found = []
    for entry in entries:
        if entry.id not in received:
            continue
        wording = _wording(german, workflow_id, entry, status)
        note = (received[entry.id] or "").strip()
        found.append(f"{wording} ({note})" if note else wording)
    return found


def handout_language(workflow_id: str, entries: list[ChecklistEntry], code: str | None) -> Translation:
    """The client's language when its file translates every phrase and item of this checklist, else German."""
    if code and code != GERMAN:
        chosen = translations.load(code)
        if chosen is not None and chosen.complete_for(workflow_id, entries):
            return chosen
    return translations.german()


def handout(workflow_id: str, provision: str, entries: list[ChecklistEntry], received: dict[str, str],
            facts: CaseFacts, counsellor: dict, organisation: dict) -> dict:
    """The handout's part of a letter's context: its language, phrases, the missing and received items, the
    contact (the counsellor's own phone and e-mail, the office's where the counsellor has none)."""
    language = handout_language(workflow_id, entries, facts.person.language)
    review = translations.review_of(language)
    text = {entry.id: language.item(workflow_id, entry) for entry in entries}
    if language.rtl:  # inside right-to-left text, "§" stays with its number, "(" with the (German) word it opens
        text = {item_id: _LATIN_IN_BRACKETS.sub(f"{LRM}(", value.replace("§", f"{LRM}§"))
                for item_id, value in text.items()}
    return {
        # In a right-to-left line "§ 25b AufenthG" would lose its "§" to the other side: marked left to right.
        "provision": f"{LRM}{provision}{LRM}" if language.rtl else provision,
        "language": language.code,
        "language_name": language.name,
        "rtl": language.rtl,
        "font": language.font,
        "translated": language.code != GERMAN,
        "reviewed": review.reviewed,
        "t": dict(language.phrases),
        "items": [{"text": text[e.id], "received": e.id in received} for e in entries],
        "missing": [text[e.id] for e in entries if e.id not in received],
        "received": [text[e.id] for e in entries if e.id in received],
        "contact": {
            "name": counsellor.get("name", ""),
            "phone": counsellor.get("phone") or organisation.get("phone", ""),
            "email": counsellor.get("email") or organisation.get("email", ""),
            "organisation": organisation.get("name", ""),
            "address": organisation.get("address", ""),
        },
    }
