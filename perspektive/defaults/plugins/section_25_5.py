"""§ 25 Abs. 5 AufenthG: the "kann" alternative that says when the "soll" of S. 2 will apply.

Before the Abschiebung has been suspended for 18 months the authority decides in its discretion (S. 1). A met
alternative is explained only by itself, so the discretionary alternative names the day the rule of S. 2 begins;
the counsellor sees both without a second criterion that would hold the verdict back.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import (
    CriterionType,
    Outcome,
    Params,
    Status,
    StatusDurationParams,
    evaluate_status_duration,
    hookimpl,
)


class DiscretionParams(Params):
    statuses: list[Status]
    months: int


def evaluate_discretion(params: DiscretionParams, facts, on: dt.date) -> Outcome:
    rule = evaluate_status_duration(StatusDurationParams(statuses=params.statuses, months=params.months), facts, on)
    if rule.met is None:
        return rule
    if rule.met:
        later = f"Duldung {rule.detail}: die Regel („soll“) gilt bereits"
    elif rule.met_from:
        later = f"Duldung {rule.detail}: ab dann in der Regel zu erteilen („soll“)"
    else:
        later = f"{rule.detail}; die Regel („soll“) setzt {params.months} Monate Aussetzung der Abschiebung voraus"
    return Outcome(True, f"Erteilung im Ermessen der Behörde; {later}", discretionary=True)


@hookimpl
def register_criterion_types():
    return {"discretion_until_soll": CriterionType(
        "discretion_until_soll", DiscretionParams, evaluate_discretion,
        "Ermessen („kann“) bis zur Regelerteilung („soll“) nach einer Mindestdauer der Duldung")}
