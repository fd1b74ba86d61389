"""Whether § 10 Abs. 3 S. 2 AufenthG bars a title, from the asylum decision's legal basis and date.

Since 27.02.2024 S. 2 applies to a rejection as "offensichtlich unbegründet" under § 30 Abs. 1 Nr. 3 to 7 AsylG;
for rejections up to and including 27.02.2024 the former wording applies (§ 104 Abs. 19 AufenthG), which named
§ 30 Abs. 3 Nr. 1 to 6 AsylG a. F. A rejection as "offensichtlich unbegründet" because of a safe country of origin
(§ 29a AsylG), under § 30 Abs. 1 Nr. 1, 2, 8 or 9 AsylG, or a plain rejection does not bar [S for the wording of
§ 10 Abs. 3 S. 2 and § 104 Abs. 19; I for § 29a, whose rejections neither wording names].

The older yes/no fact ``asylum_rejected_manifestly_unfounded`` wins when it is recorded: it keeps its verdicts;
the legal basis fills it in when it is unknown.
"""
from __future__ import annotations

BARRING = ("manifestly_30_1_3_7", "manifestly_30_3_old")
NOT_BARRING = ("unfounded", "safe_country_29a", "manifestly_other")


def with_asylum_bar(facts):
    """The facts with ``asylum_rejected_manifestly_unfounded`` derived from the decision's basis, if unknown."""
    basis = facts.asylum_rejection.basis
    if facts.asylum_rejected_manifestly_unfounded is not None or basis is None:
        return facts
    return facts.model_copy(update={"asylum_rejected_manifestly_unfounded": basis in BARRING})
