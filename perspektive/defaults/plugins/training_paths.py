"""§ 60c or § 16g: advice across the two training paths (shared/legal-facts.md, section 6, "§ 60c or § 16g?").

Both rest on the same personal and training criteria. § 16g gives a residence title but asks, in addition, for the
livelihood at the BAföG needs and a passport; § 60c is only a Duldung and asks for neither. So:

- § 16g open (eligible or eligible_from): say why it is usually the better choice, and what to watch;
- § 60c open but § 16g closed or undecided only because of livelihood and/or passport: say so and name what is
  missing, so the counsellor can decide between filling the gap and applying for § 60c;
- the training completed: neither path is open any more (both serve a training taken up or continued), so name the
  routes that follow it instead – § 19d Abs. 1a after an Ausbildungsduldung, § 16g Abs. 8 after a § 16g permit, and
  the six months to look for work when the company does not keep the person on (§ 60c Abs. 6 S. 2, § 16g Abs. 5
  S. 2) – with the state of the § 19d path.
"""
from __future__ import annotations

from perspektive.law import de, hookimpl

OPEN = ("eligible", "eligible_from")
TITLE_ONLY = {"livelihood": "Lebensunterhalt in Höhe des BAföG-Bedarfs", "passport": "Pass (Passpflicht)"}


def _by_id(assessments):
    return {a.workflow: a for a in assessments}


def _after_completion(facts, found) -> list[dict]:
    """The routes after a completed training (issue 16, error 1), when a training path was assessed."""
    paths = [found[w] for w in ("section_60c", "section_16g") if w in found]
    completed = facts.training.completed_on
    if not paths or completed is None or completed > paths[0].assessed_on:
        return []
    state = ""
    d19 = found.get("section_19d")
    if d19 is not None:
        state = {"eligible": "möglich", "eligible_from": f"möglich ab {de(d19.earliest_date)}",
                 "incomplete": "Angaben fehlen", "not_eligible": "derzeit nicht möglich"}.get(d19.verdict, "")
        state = f" Stand § 19d: {state}." if state else ""
    text = (f"Die Ausbildung ist seit {de(completed)} abgeschlossen: Ausbildungsduldung (§ 60c) und "
            "Aufenthaltserlaubnis zur Berufsausbildung (§ 16g) gelten einer Ausbildung, die aufgenommen oder "
            "fortgesetzt wird, und kommen nicht mehr in Frage. Es folgen: nach einer Ausbildungsduldung die "
            "Aufenthaltserlaubnis nach § 19d Abs. 1a, nach einer Aufenthaltserlaubnis nach § 16g die nach § 16g "
            "Abs. 8 (beide ein Anspruch für 2 Jahre; B1, ausreichender Wohnraum, keine Verurteilung über 50/90 "
            "Tagessätze; bei § 16g Abs. 8 mit Zustimmung der Bundesagentur für Arbeit). Übernimmt der "
            "Ausbildungsbetrieb die Person nicht, einmal 6 Monate zur Suche nach einer der Qualifikation "
            f"entsprechenden Arbeit (§ 60c Abs. 6 S. 2 bzw. § 16g Abs. 5 S. 2).{state}")
    return [{"text": text, "citation": "§ 19d Abs. 1a, § 16g Abs. 8, § 16g Abs. 5 S. 2, § 60c Abs. 6 S. 2 AufenthG",
             "workflows": [a.workflow for a in paths] + (["section_19d"] if d19 is not None else [])}]


@hookimpl
def perspective_notes(facts, assessments):
    found = _by_id(assessments)
    after = _after_completion(facts, found)
    if after:
        return after
    g16, c60 = found.get("section_16g"), found.get("section_60c")
    if g16 is None:
        return []
    notes = []
    if g16.verdict in OPEN:
        text = ("Die Aufenthaltserlaubnis nach § 16g ist möglich und meist der bessere Weg als die Ausbildungsduldung "
                "nach § 60c: Sie ist ein Aufenthaltstitel und nicht nur eine Aussetzung der Abschiebung; das "
                "verbessert in der Regel den Zugang zu Leistungen, Reisen und späteren Aufenthaltstiteln. Nach dem "
                "Abschluss folgt ein Anspruch auf eine Aufenthaltserlaubnis zur Beschäftigung (§ 16g Abs. 8; nach "
                "§ 60c entsprechend § 19d Abs. 1a). Dafür müssen Lebensunterhalt (Vergütung, Nebenbeschäftigung bis "
                "20 Stunden pro Woche nach § 16g Abs. 3a) und Pass gesichert bleiben: bei jeder Änderung der "
                "Vergütung und vor Ablauf des Passes neu prüfen.")
        passport = next((c for c in g16.criteria if c.id == "passport"), None)
        if passport is not None and passport.discretionary:
            text += (" Ohne gültigen Pass hängt § 16g vom Ermessen der Behörde ab (§ 16g Abs. 10 S. 5); die "
                     "Ausbildungsduldung nach § 60c verlangt keinen Pass.")
            if facts.asylum_rejected_manifestly_unfounded:
                text += (" Nach einer Ablehnung als offensichtlich unbegründet ist dann fraglich, ob ein "
                         "„Anspruch“ im Sinne des § 10 Abs. 3 S. 3 vorliegt – § 60c als Duldung ist davon nicht "
                         "betroffen.")
        notes.append({"text": text, "citation": "§ 16g Abs. 1, Abs. 3a, Abs. 8; § 60c Abs. 1 AufenthG",
                      "workflows": ["section_16g", "section_60c"]})
        return notes
    if c60 is None or c60.verdict not in OPEN:
        return notes
    open_criteria = [c for c in g16.criteria if c.met is not True]
    if not open_criteria or any(c.id not in TITLE_ONLY for c in open_criteria):
        return notes
    gaps = "; ".join(f"{TITLE_ONLY[c.id]} – {c.state}: {c.reason}" for c in open_criteria)
    text = ("Die Ausbildungsduldung nach § 60c ist möglich; die Aufenthaltserlaubnis nach § 16g (ein Titel, meist "
            f"günstiger) scheitert nur an: {gaps}. Lässt sich das vor dem Antrag beheben (z. B. Nebenbeschäftigung bis "
            "20 Stunden, Berufsausbildungsbeihilfe, Pass beantragen), § 16g beantragen; sonst die Ausbildungsduldung "
            "nach § 60c, die weder Lebensunterhalt noch Pass verlangt.")
    notes.append({"text": text, "citation": "§ 16g Abs. 10, § 2 Abs. 3 S. 5, § 5 Abs. 1 Nr. 1 und 4; § 60c Abs. 1 AufenthG",
                  "workflows": ["section_60c", "section_16g"]})
    return notes
