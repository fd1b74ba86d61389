"""The application made and still pending (issue 16): what § 81 Abs. 4 AufenthG means for the client, as a note
above the Perspektiven. The continuation itself is applied to the facts by the law (``with_fiction``), so every
path that needs a residence title sees the title still held."""
from __future__ import annotations

from perspektive.law import hookimpl, title_fiction


@hookimpl
def perspective_notes(facts, assessments):
    _, why = title_fiction(facts)
    if not why:
        return []
    return [{"text": why, "citation": "§ 81 Abs. 4 AufenthG"}]
