"""The Fiktionswirkung of § 81 Abs. 4 S. 1 AufenthG: a residence title whose holder applied for its extension or for
another title *before* it expired is deemed to continue until the authority decides.

The facts record the application (``application.filed_on``, ``.pending``, ``.workflow``); ``with_fiction`` returns
the facts the assessment works on: the last status period, a title that ended, runs on while the application is
pending. A Duldung is no title (no fiction); an application after the expiry leaves the continuation to the
authority's discretion (§ 81 Abs. 4 S. 3) and is not assumed. A § 104c permit is kept alive only by an application
for § 25a or § 25b (§ 104c Abs. 2 S. 2 AufenthG, version since 31.12.2025).
"""
from __future__ import annotations

from .periods import de

TITLES = ("aufenthaltserlaubnis", "chancen_aufenthaltserlaubnis")
CHANCEN_ROUTES = ("section_25a", "section_25b")


def title_fiction(facts) -> tuple[bool, str]:
    """(the last period continues, why) – ``why`` is empty when no application touches a title."""
    periods = facts.status_history or ()
    application = facts.application
    if not periods or application.pending is not True or application.filed_on is None:
        return False, ""
    last = periods[-1]
    if last.status not in TITLES and last.to is None and last.status != "ohne_status":
        return False, (f"Antrag vom {de(application.filed_on)} aus einer Duldung oder Gestattung: eine Duldung ist "
                       "kein Aufenthaltstitel, § 81 Abs. 4 AufenthG greift nicht – für die Dauer des Verfahrens "
                       "eine Duldung beantragen bzw. verlängern lassen")
    if last.status not in TITLES or last.to is None:
        return False, ""
    if application.filed_on > last.to:
        return False, (f"Antrag vom {de(application.filed_on)} erst nach Ablauf der Aufenthaltserlaubnis "
                       f"({de(last.to)}) gestellt: Fortgeltung nur, wenn die Behörde sie anordnet (§ 81 Abs. 4 S. 3 "
                       "AufenthG)")
    if last.status == "chancen_aufenthaltserlaubnis" and application.workflow not in CHANCEN_ROUTES:
        return False, (f"Antrag vom {de(application.filed_on)}: eine Aufenthaltserlaubnis nach § 104c gilt nur bei "
                       "einem Antrag nach § 25a oder § 25b als fortbestehend (§ 104c Abs. 2 S. 2 AufenthG)")
    return True, (f"Antrag vom {de(application.filed_on)} vor Ablauf der Aufenthaltserlaubnis ({de(last.to)}) "
                  "gestellt und noch nicht beschieden: sie gilt bis zur Entscheidung als fortbestehend (§ 81 Abs. 4 "
                  "S. 1 AufenthG)")


def with_fiction(facts):
    """The facts as the assessment reads them: a title kept alive by a pending application has no end yet."""
    continues, _ = title_fiction(facts)
    if not continues:
        return facts
    periods = list(facts.status_history)
    periods[-1] = periods[-1].model_copy(update={"to": None})
    return facts.model_copy(update={"status_history": periods})
