"""The family as several provisions ask about it: school-age children and their school certificates.

§ 25b Abs. 1 S. 2 Nr. 5 and § 60d Abs. 1 Nr. 10 both ask for proof that school-age children actually attend
school; the criterion and the checklist items (one certificate per child) are built from the same list here.
"""
from __future__ import annotations

import datetime as dt

from .facts import CaseFacts, Child
from .periods import birthday, de

SCHOOL_AGE_FROM, SCHOOL_AGE_UNTIL = 6, 18  # Land law sets the limits: an assumption, marked UNVERIFIED in workflows


def school_age_children(facts: CaseFacts, on: dt.date, age_from: int = SCHOOL_AGE_FROM,
                        age_until: int = SCHOOL_AGE_UNTIL) -> list[Child]:
    return [c for c in facts.household.minor_children or ()
            if birthday(c.date_of_birth, age_from) <= on < birthday(c.date_of_birth, age_until)]


def school_certificate_items(facts: CaseFacts, on: dt.date, why: str) -> list[dict]:
    """One checklist item per school-age child, for the ``checklist_items`` hook; ``why`` names the provision."""
    items = []
    for child in school_age_children(facts, on):
        born = de(child.date_of_birth)
        items.append({
            "id": f"school_certificate_{child.date_of_birth.isoformat()}",
            "text": {"de": f"Schulbescheinigung für das Kind, geboren am {born}",
                     "en": f"School attendance certificate for the child born on {born}"},
            "why": why,
        })
    return items


SPOUSE = "die Ehegattin bzw. den Ehegatten oder die Lebenspartnerin bzw. den Lebenspartner"
CHILDREN = "die minderjährigen ledigen Kinder"


def family_request(facts: CaseFacts, spouse_basis: str, children_basis: str) -> str:
    """The letter's request for the spouse and the minor children living with the client ('' without them).

    ``spouse_basis`` and ``children_basis`` are the provisions (``"§ 25a Abs. 2 S. 3 AufenthG"``); one basis for
    both is named once.
    """
    members = [(basis, who) for basis, who, present in ((spouse_basis, SPOUSE, facts.household.spouse_or_partner),
                                                        (children_basis, CHILDREN, facts.household.minor_children))
               if present]
    if not members:
        return ""
    if len({basis for basis, _ in members}) == 1:
        named = f"nach {members[0][0]} für " + " und ".join(who for _, who in members)
    else:
        named = " und ".join(f"nach {basis} für {who}" for basis, who in members)
    return (f"Zugleich wird die Erteilung von Aufenthaltserlaubnissen {named}, die mit der antragstellenden Person "
            "in familiärer Lebensgemeinschaft leben, beantragt.")
