"""Criterion types over the facts of issue 16 that refine an older, coarser fact:

- ``qualifying_training`` (§ 60c Abs. 1 S. 1 Nr. 1 Buchst. a/b, § 16g Abs. 1): a Helferausbildung qualifies only if
  the follow-on qualified training is in a shortage occupation and promised in writing;
- ``no_repeated_deception`` (§ 104c Abs. 1 S. 2 a. F.): only *repeated* deliberate deception refuses.

When the refining fact is unknown, each answers as the older fact alone did, so facts recorded before keep their
verdicts; the explanation says what to record.
"""
from __future__ import annotations

import datetime as dt

from perspektive.law import CriterionType, Outcome, Params, hookimpl, unknown


class NoParams(Params):
    pass


def evaluate_training(params: NoParams, facts, on: dt.date) -> Outcome:
    kind = facts.training.kind
    if kind is None:
        return unknown("training.kind")
    if kind == "qualified":
        return Outcome(True, "qualifizierte Berufsausbildung")
    helper = facts.assistant_training
    answers = {"Anschlussausbildung in einem Engpassberuf": helper.shortage_occupation,
               "schriftliche Ausbildungsplatzzusage": helper.followup_promised}
    missing = [what for what, value in answers.items() if value is False]
    if missing:
        return Outcome(False, "Assistenz-/Helferausbildung ohne " + " und ohne ".join(missing))
    if all(answers.values()):
        return Outcome(True, "Assistenz-/Helferausbildung mit schriftlich zugesagter Anschlussausbildung in einem "
                             "Engpassberuf")
    return Outcome(True, "Assistenz-/Helferausbildung mit Anschlusszusage (Engpassberuf und schriftliche Zusage "
                         "nicht einzeln erfasst – im Formular „Integrationskurs & Helferausbildung“ eintragen)")


def evaluate_deception(params: NoParams, facts, on: dt.date) -> Outcome:
    deceived = facts.own_identity_deception
    if deceived is False:
        return Outcome(True, "keine eigene Täuschung über Identität oder Staatsangehörigkeit")
    if deceived is None:
        return unknown("own_identity_deception")
    if facts.identity_deception == "once":
        return Outcome(True, "Täuschung nur einmal: § 104c Abs. 1 S. 2 a. F. verlangt wiederholte Täuschung",
                       discretionary=True)
    if facts.identity_deception == "repeated":
        return Outcome(False, "wiederholte Täuschung über Identität oder Staatsangehörigkeit")
    return Outcome(False, "eigene Täuschung; ob einmalig oder wiederholt, ist nicht erfasst (bei einmaliger "
                          "Täuschung greift S. 2 nicht – im Formular „Antrag & Verfahren“ eintragen)")


@hookimpl
def register_criterion_types():
    return {
        "qualifying_training": CriterionType("qualifying_training", NoParams, evaluate_training,
                                             "qualifizierte Ausbildung oder Helferausbildung mit Engpass-Zusage"),
        "no_repeated_deception": CriterionType("no_repeated_deception", NoParams, evaluate_deception,
                                               "keine wiederholte Täuschung (§ 104c Abs. 1 S. 2 a. F.)"),
    }
