"""The expiry of the current Aufenthaltserlaubnis: a follow-up for every path, so no workflow file declares it.

Whatever the provision (§ 25a, § 25b, § 25 Abs. 5, § 16g, § 19d ...), only an application for an extension or
another title made *before* the permit expires keeps it in force until the authority decides (§ 81 Abs. 4 S. 1
AufenthG); a late one leaves that to the authority's discretion (S. 3). Declared in every workflow file, one expiry
would give one reminder per path; here it is one follow-up with ``workflow = ""``, which a closed case of one path
does not dismiss.

The basis is the last period of the status history when it is an ``aufenthaltserlaubnis`` with a recorded end
(its ``valid_until``, the paper's "gültig bis", where recorded, otherwise its ``to``):
a later period (an extension entered as a new period, a Duldung) replaces it, and an extension entered as a new end
moves the same follow-up. A § 104c permit is not counted here: only an application under § 25a or § 25b keeps it
in force, which the section_25b workflow says in its own follow-up. The expiry is the last day the permit is valid,
not a deadline that § 193 BGB moves. Remind 8 and 4 weeks before: the Berlin authority asks for the application
4 to 6 weeks before the expiry (guidance [G], not statute).
"""
from __future__ import annotations

from perspektive.law import de, hookimpl

STATUS = "aufenthaltserlaubnis"


@hookimpl
def followups(facts):
    periods = facts.status_history or ()
    if not periods or periods[-1].status != STATUS or (periods[-1].valid_until or periods[-1].to) is None:
        return []
    expires = periods[-1].valid_until or periods[-1].to  # the paper's "gültig bis" where recorded
    return [{
        "id": "permit_expires",
        "workflow": "",
        "due": expires,
        "text": "Aufenthaltserlaubnis läuft ab: Verlängerung oder den nächsten Titel vor dem Ablauf beantragen, nur "
                "ein rechtzeitiger Antrag erhält die Erlaubnis bis zur Entscheidung (Fiktionswirkung). Empfehlung "
                "aus der Praxis (Leitfaden, nicht Gesetz): Antrag 4 bis 6 Wochen vor Ablauf.",
        "citation": "§ 81 Abs. 4 AufenthG",
        "basis": f"Ende Aufenthaltserlaubnis {de(expires)} (letzter Tag der Gültigkeit; keine Verschiebung nach "
                 "§ 193 BGB)",
        "remind_days_before": [56, 28],
    }]
