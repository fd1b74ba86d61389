"""The kinds of argument an Antrag makes about the person and the stay: one function per kind of fact, each
writing full German sentences (school, training, work and family: ``argument_work``).

A function returns its sentences, an empty list where the facts it needs are not recorded, or ``None`` where the
requirement has nothing to argue for this client (no child of school age): then the letter leaves it out.

A function is called only for a criterion the engine found met, and writes only what the recorded facts say; it
returns no sentence where the facts it needs are not recorded (the letter never fills a gap with a guess, § 82
AufenthG). It states what speaks for the client and nothing that weakens the case beyond what the requirement
itself needs: a Duldung under § 60b is "geduldet", a conviction below the thresholds is not mentioned. Which
kinds a requirement uses is data (``[letter]`` in the workflow file), so a new provision needs no code here.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from perspektive.law import LEVELS, CaseFacts, CriterionResult, de

from .wording import Client, full_years, on_day, since

TOLERATED = ("duldung", "duldung_ungeklaerte_identitaet", "ausbildungsduldung", "beschaeftigungsduldung")
# The status as a sentence says it: "ist seit dem … geduldet" / "ist seit dem … im Besitz einer …".
_HOLDS = {
    "gestattung": "im Besitz einer Aufenthaltsgestattung",
    "ausbildungsduldung": "im Besitz einer Ausbildungsduldung nach § 60c AufenthG",
    "beschaeftigungsduldung": "im Besitz einer Beschäftigungsduldung nach § 60d AufenthG",
    "aufenthaltserlaubnis": "im Besitz einer Aufenthaltserlaubnis",
    "chancen_aufenthaltserlaubnis": "im Besitz einer Aufenthaltserlaubnis nach § 104c AufenthG",
}
# A period of the stay in a sentence: "Der Aufenthalt war vom … bis zum … gestattet und ist seit dem … geduldet."
_STAY_WORDS = {"gestattung": "gestattet", "aufenthaltserlaubnis": "erlaubt",
               "chancen_aufenthaltserlaubnis": "nach § 104c AufenthG erlaubt",
               **{status: "geduldet" for status in TOLERATED}}


_NUMBER_WORDS = dict(zip(map(str, range(1, 13)), ("ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht",
                                                   "neun", "zehn", "elf", "zwölf")))


@dataclass(frozen=True)
class Case:
    """What an argument may read: the facts, the day of the application, the client's name forms, the criterion."""

    facts: CaseFacts
    on: dt.date
    client: Client
    criterion: CriterionResult
    request: str  # "Erteilung einer Ausbildungsduldung nach § 60c Abs. 1 AufenthG"


def _status_words(status: str) -> str:
    return "geduldet" if status in TOLERATED else _HOLDS.get(status, "")


def _current_run(facts: CaseFacts, on: dt.date, statuses) -> dt.date | None:
    """The first day of the unbroken run of ``statuses`` that includes ``on``."""
    start = previous_end = None
    for period in facts.status_history or ():
        if period.from_ > on:
            break
        if period.status not in statuses or _gap(previous_end, period.from_):
            start = period.from_ if period.status in statuses else None
        elif start is None:
            start = period.from_
        previous_end = period.to
    return start if facts.status_on(on) in statuses else None


def _gap(previous_end: dt.date | None, start: dt.date) -> bool:
    return previous_end is not None and start > previous_end + dt.timedelta(days=1)


def status(case: Case) -> list[str]:
    current = case.facts.status_on(case.on)
    words = _status_words(current or "")
    if not words:
        return []
    kind = TOLERATED if current in TOLERATED else (current,)
    start = _current_run(case.facts, case.on, kind)
    return [f"{case.client.name} ist {since(start) + ' ' if start else ''}{words}."]


def duldung_duration(case: Case) -> list[str]:
    start = _current_run(case.facts, case.on, TOLERATED)
    if start is None:
        return []
    months = (case.on.year - start.year) * 12 + case.on.month - start.month - (case.on.day < start.day)
    length = f"seit über {months // 12} Jahren" if months >= 24 else f"seit {months} Monaten"
    return [f"Die Abschiebung von {case.client.dative} ist {since(start)} ununterbrochen ausgesetzt, inzwischen "
            f"{length}."]


def entry(case: Case) -> list[str]:
    if case.facts.entry_date is None:
        return []
    return [f"{case.client.name} ist {on_day(case.facts.entry_date)} in das Bundesgebiet eingereist."]


def stay(case: Case) -> list[str]:
    facts = case.facts
    periods = [p for p in facts.status_history or () if p.from_ <= case.on]
    if not periods:
        return entry(case)
    past, current = [], ""
    for period in periods:
        words = _STAY_WORDS.get(period.status, "")
        if period.to is None or period.to >= case.on:
            current = f"{since(period.from_)} {words}" if words else ""
        elif words:
            past.append(f"vom {de(period.from_)} bis zum {de(period.to)} {words}")
    unbroken = all(p.status in _STAY_WORDS for p in periods)
    unbroken = unbroken and all(not _gap(a.to, b.from_) for a, b in zip(periods, periods[1:]))
    unbroken = unbroken and (facts.entry_date is None or not _gap(facts.entry_date - dt.timedelta(days=1),
                                                                   periods[0].from_))
    first = facts.entry_date or periods[0].from_
    years = full_years(first, case.on)
    lead = (f"{case.client.name} ist {on_day(facts.entry_date)} in das Bundesgebiet eingereist und hält sich "
            f"seitdem" if facts.entry_date else f"{case.client.name} hält sich {since(first)}")
    text = [f"{lead} {'ununterbrochen ' if unbroken else ''}im Bundesgebiet auf"
            f"{f', inzwischen seit über {years} Jahren' if years >= 2 else ''}."]
    if past and current:
        text.append(f"Der Aufenthalt war {', '.join(past)} und ist {current}.")
    elif past:
        text.append(f"Der Aufenthalt war {', '.join(past)}.")
    elif current:
        text.append(f"Der Aufenthalt ist {current}.")
    return text


def route(case: Case) -> list[str]:
    """§ 60c/§ 16g Abs. 1 S. 1: the training begun in the asylum procedure (Nr. 1) or three months of Duldung."""
    training = case.facts.training
    if training.started_during_asylum and training.start_date:
        return [f"{case.client.name} hat die Berufsausbildung {on_day(training.start_date)} während des "
                f"Asylverfahrens aufgenommen und setzt sie fort."]
    start = _current_run(case.facts, case.on, TOLERATED)
    if start is None:
        return []
    return [f"Die Duldung von {case.client.dative} besteht {since(start)} und damit seit mehr als drei Monaten."]


def identity(case: Case) -> list[str]:
    ident, c = case.facts.identity, case.client
    if not case.criterion.discretionary and ident.clarified_on and ident.clarified_on <= case.on:
        return [f"Die Identität und Staatsangehörigkeit von {c.dative} sind {since(ident.clarified_on)} geklärt."]
    return _measures(case)


def identity_deadline(case: Case) -> list[str]:
    ident, c = case.facts.identity, case.client
    if not case.criterion.discretionary and ident.clarified_on and ident.clarified_on <= case.on:
        return [f"Die Identität von {c.dative} wurde {on_day(ident.clarified_on)} und damit fristgerecht geklärt."]
    if not case.criterion.discretionary and ident.reasonable_measures_taken and ident.measures_taken_on:
        return [f"{c.name} hat bis zum {de(ident.measures_taken_on)} alle erforderlichen und zumutbaren "
                "Maßnahmen zur Klärung der Identität ergriffen und damit die Frist gewahrt."]
    return _measures(case)


def _measures(case: Case) -> list[str]:
    ident, c = case.facts.identity, case.client
    if not ident.reasonable_measures_taken:
        return []
    done = f" und diese {on_day(ident.measures_taken_on)} abgeschlossen" if ident.measures_taken_on else ""
    text = [f"{c.name} hat alle erforderlichen und zumutbaren Maßnahmen zur Klärung der Identität ergriffen{done}."]
    if ident.clarified_on and ident.clarified_on <= case.on:
        text.append(f"Die Identität ist {since(ident.clarified_on)} geklärt.")
    return text


def passport(case: Case) -> list[str]:
    valid = case.facts.identity.passport_valid_until
    if not case.criterion.discretionary and valid and valid >= case.on:
        return [f"{case.client.name} besitzt einen bis zum {de(valid)} gültigen Nationalpass."]
    if case.facts.identity.reasonable_measures_taken:
        return [f"{case.client.name} hat alle zumutbaren Anstrengungen unternommen, um einen Pass zu erlangen."]
    return []


def _language(case: Case, needed: str, words: str) -> list[str]:
    c = case.client
    certificates = [x for x in case.facts.certificates or () if x.kind == "language_certificate" and x.level
                    and LEVELS.index(x.level) >= LEVELS.index(needed) and (x.date is None or x.date <= case.on)]
    if certificates:
        best = max(certificates, key=lambda x: (LEVELS.index(x.level), x.date or dt.date.min))
        exam = best.name or f"Deutschprüfung auf dem Niveau {best.level}"
        when = f" {on_day(best.date)}" if best.date else ""
        return [f"{c.name} hat{when} die Prüfung {exam} bestanden und verfügt damit über {words} im Sinne von "
                f"{case.criterion.citation}."]
    level = case.facts.german.oral
    if level and LEVELS.index(level) >= LEVELS.index(needed):
        return [f"{c.name} verfügt über Deutschkenntnisse auf dem Niveau {level} des Gemeinsamen Europäischen "
                f"Referenzrahmens und damit über {words}."]
    return []


def language_a2(case: Case) -> list[str]:
    return _language(case, "A2", "hinreichende mündliche Deutschkenntnisse")


def language_b1(case: Case) -> list[str]:
    return _language(case, "B1", "ausreichende Kenntnisse der deutschen Sprache")


def fdgo(case: Case) -> list[str]:
    if not case.facts.fdgo_declaration:
        return []
    return [f"{case.client.name} bekennt sich zur freiheitlichen demokratischen Grundordnung der Bundesrepublik "
            "Deutschland und hat die entsprechende Erklärung unterzeichnet."]


def _certificates(case: Case, *kinds: str) -> list:
    return [x for x in case.facts.certificates or () if x.kind in kinds and (x.date is None or x.date <= case.on)]


def basic_knowledge(case: Case) -> list[str]:
    c, text = case.client, []
    for cert in _certificates(case, "life_in_germany_test"):
        text.append(f"{c.name} hat{' ' + on_day(cert.date) if cert.date else ''} den Test „Leben in Deutschland“ "
                    "bestanden.")
    if case.facts.integration_course_completed:
        text.append(f"{c.name} hat den Integrationskurs erfolgreich abgeschlossen.")
    if case.facts.basic_knowledge_of_order:
        text.append(f"{c.Pronoun} verfügt damit über Grundkenntnisse der Rechts- und Gesellschaftsordnung und der "
                    "Lebensverhältnisse im Bundesgebiet." if text else
                    f"{c.name} verfügt über Grundkenntnisse der Rechts- und Gesellschaftsordnung und der "
                    "Lebensverhältnisse im Bundesgebiet.")
    return text


def integration_course(case: Case) -> list[str]:
    facts, c = case.facts, case.client
    for cert in _certificates(case, "integration_course"):
        return [f"{c.name} hat den Integrationskurs{' ' + on_day(cert.date) if cert.date else ''} erfolgreich "
                "abgeschlossen."]
    if facts.integration_course_completed:
        return [f"{c.name} hat den Integrationskurs erfolgreich abgeschlossen."]
    if facts.integration_course_obliged is False:
        return [f"Eine Verpflichtung zur Teilnahme an einem Integrationskurs bestand für {c.dative} nicht."]
    return []


def certificates(case: Case) -> list[str]:
    """Language certificates, the test "Leben in Deutschland" and the integration course: achievements."""
    c, text = case.client, []
    for cert in _certificates(case, "language_certificate"):
        exam = cert.name or (f"Deutschprüfung auf dem Niveau {cert.level}" if cert.level else "Deutschprüfung")
        text.append(f"{c.name} hat{' ' + on_day(cert.date) if cert.date else ''} die Prüfung {exam} bestanden.")
    for cert in _certificates(case, "life_in_germany_test"):
        text.append(f"{c.name} hat{' ' + on_day(cert.date) if cert.date else ''} den Test „Leben in Deutschland“ "
                    "bestanden.")
    if case.facts.integration_course_completed or _certificates(case, "integration_course"):
        text.append(f"{c.name} hat den Integrationskurs erfolgreich abgeschlossen.")
    return text


def integration(case: Case) -> list[str]:
    text = []
    if case.facts.integration_prognosis_positive:
        text.append(f"Es ist gewährleistet, dass sich {case.client.name} aufgrund der bisherigen Ausbildung und "
                    "Lebensverhältnisse in die Lebensverhältnisse der Bundesrepublik Deutschland einfügen kann.")
    return text + certificates(case)


def age(case: Case) -> list[str]:
    born = case.facts.person.date_of_birth
    if born is None:
        return []
    return [f"{case.client.name} ist {on_day(born)} geboren und damit {full_years(born, case.on)} Jahre alt; "
            f"die Altersgrenze des {case.criterion.citation} ist gewahrt."]


def departure(case: Case) -> list[str]:
    d = case.facts.departure_impossible
    if not d.impossible:
        return []
    return [f"Die Ausreise von {case.client.dative} ist aus rechtlichen oder tatsächlichen Gründen unmöglich; mit "
            "dem Wegfall der Ausreisehindernisse ist in absehbarer Zeit nicht zu rechnen."]


def not_at_fault(case: Case) -> list[str]:
    f = case.facts
    if f.departure_impossible.own_fault is not False or f.own_identity_deception is not False:
        return []
    return [f"{case.client.name} ist unverschuldet an der Ausreise gehindert."]


def exclusion(case: Case) -> list[str]:
    """Grounds of refusal that do not apply: gathered into one closing sentence by ``arguments``."""
    return []
