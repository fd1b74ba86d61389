"""The kinds of argument an Antrag makes: one function per kind of fact, each writing full German sentences.

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
from typing import Callable

from perspektive.law import ARGUMENT_KINDS, LEVELS, CaseFacts, CriterionResult, de

from .wording import Client, at_employer, full_years, money, number, on_day, since, training_as

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
    return [f"{case.client.name} ist {since(start)} ununterbrochen geduldet."]


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
        return [f"{case.client.name} hat die Berufsausbildung {on_day(training.start_date)} als Asylbewerber "
                f"aufgenommen und setzt sie fort."]
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


def integration(case: Case) -> list[str]:
    c = case.client
    text = []
    if case.facts.integration_prognosis_positive:
        text.append(f"Es ist gewährleistet, dass sich {c.name} aufgrund der bisherigen Ausbildung und "
                    "Lebensverhältnisse in die Lebensverhältnisse der Bundesrepublik Deutschland einfügen kann.")
    for cert in _certificates(case, "language_certificate"):
        when = f" {on_day(cert.date)}" if cert.date else ""
        text.append(f"{c.Pronoun if text else c.name} hat{when} die Prüfung "
                    f"{cert.name or 'Deutsch ' + (cert.level or '')} bestanden.".replace("  ", " "))
    return text


def school(case: Case) -> list[str]:
    s, c = case.facts.school, case.client
    text = []
    if s.name:
        where = f"die {s.name}" + (f" in {s.place}" if s.place else "")
        if s.from_year and s.to_year and s.to_year < case.on.year:
            text.append(f"{c.name} hat von {s.from_year} bis {s.to_year} {where} besucht.")
        elif s.from_year:
            text.append(f"{c.name} besucht seit {s.from_year} {where}.")
        else:
            text.append(f"{c.name} besucht {where}." if s.to_year is None else f"{c.name} hat {where} besucht.")
    if s.successful_years_in_germany:
        years = number(s.successful_years_in_germany)
        text.append(f"{c.Pronoun if text else c.name} hat {years} Jahr{'e' if years != '1' else ''} erfolgreich "
                    "eine Schule im Bundesgebiet besucht.")
    for cert in _certificates(case, "school_certificate"):
        if cert.name:
            what = f"den {cert.name}" if cert.name.lower().endswith("abschluss") else f"den Abschluss „{cert.name}“"
            text.append(f"{c.Pronoun if text else c.name} hat{' ' + on_day(cert.date) if cert.date else ''} {what} "
                        "erworben.")
    if s.qualification_in_germany and not _certificates(case, "school_certificate"):
        text.append(f"{c.name} hat im Bundesgebiet einen anerkannten Schul- oder Berufsabschluss erworben.")
    return text


def age(case: Case) -> list[str]:
    born = case.facts.person.date_of_birth
    if born is None:
        return []
    return [f"{case.client.name} ist {on_day(born)} geboren und damit {full_years(born, case.on)} Jahre alt; "
            f"die Altersgrenze des {case.criterion.citation} ist gewahrt."]


def training(case: Case) -> list[str]:
    t, c = case.facts.training, case.client
    if not t.title and not t.start_date and not t.completed_on:
        return []
    what = training_as(t.title, c) if t.title else "eine Berufsausbildung"
    if t.school_based and t.company:
        what = what.replace("eine Ausbildung", "eine schulische Ausbildung", 1)
    at = f" {at_employer(t.company, t.company_place)}" if t.company else ""
    if t.completed_on and t.completed_on <= case.on:
        done = what.replace("eine ", "die ", 1)
        return [f"{c.name} hat {on_day(t.completed_on)} {done}{at} erfolgreich abgeschlossen."]
    if t.start_date and t.start_date > case.on:
        return [f"{c.name} wird {on_day(t.start_date)} {what}{at} beginnen."]
    start = f" {since(t.start_date)}" if t.start_date else ""
    text = [f"{c.name} absolviert{start} {what}{at}."]
    if t.end_date and t.end_date >= case.on:
        text.append(f"Die Ausbildung endet planmäßig {on_day(t.end_date)}.")
    return text


def training_kind(case: Case) -> list[str]:
    kind = case.facts.training.kind
    text = training(case)
    if kind == "qualified":
        text.append("Es handelt sich um eine qualifizierte Berufsausbildung in einem staatlich anerkannten oder "
                    "vergleichbar geregelten Ausbildungsberuf.")
    elif kind == "assistant_with_followup":
        text.append("Es handelt sich um eine Assistenz- oder Helferausbildung, an die eine qualifizierte "
                    "Berufsausbildung in einem Engpassberuf anschließen soll; die Ausbildungsplatzzusage liegt vor.")
    return text


def registration(case: Case) -> list[str]:
    t = case.facts.training
    if t.school_based:
        return ["Der Ausbildungsvertrag ist mit der Berufsfachschule geschlossen."]
    if t.registration_applied:
        return ["Die Eintragung des Ausbildungsvertrags in das Verzeichnis der Berufsausbildungsverhältnisse bei "
                "der zuständigen Stelle ist beantragt."]
    return []


def application_window(case: Case) -> list[str]:
    start = case.facts.training.start_date
    if start is None:
        return []
    if start <= case.on:
        return [f"Die Berufsausbildung hat {on_day(start)} begonnen; der Antrag wird während der laufenden "
                "Ausbildung gestellt."]
    return [f"Die Berufsausbildung beginnt {on_day(start)}; der Antrag wird innerhalb der gesetzlichen Frist vor "
            "ihrem Beginn gestellt."]


def qualification(case: Case) -> list[str]:
    if case.facts.training.completed_on:
        return training(case)
    return employment(case)


def employment(case: Case) -> list[str]:
    c, text = case.client, []
    jobs = [j for j in case.facts.employment or () if j.from_ <= case.on]
    current = [j for j in jobs if j.to is None or j.to >= case.on]
    for job in current:
        who = c.name if not text else c.Pronoun
        role = f" als {job.occupation}" if job.occupation else ""
        at = f" {at_employer(job.employer, job.employer_place)}" if job.employer else ""
        kind = " sozialversicherungspflichtig" if job.socially_insured else ""
        hours = f", mit {number(job.hours_per_week)} Stunden wöchentlich" if job.hours_per_week else ""
        text.append(f"{who} ist {since(job.from_)}{role}{at}{kind} beschäftigt{hours}.")
        if job.matches_qualification:
            text.append("Die Tätigkeit entspricht der beruflichen Qualifikation.")
    for job in [j for j in jobs if j not in current and j.employer][-2:]:
        role = f" als {job.occupation}" if job.occupation else ""
        lead = f"Zuvor war {c.pronoun}" if text else f"{c.name} war"
        text.append(f"{lead} vom {de(job.from_)} bis zum {de(job.to)}{role} "
                    f"{at_employer(job.employer, job.employer_place)} beschäftigt.")
    return text


def livelihood(case: Case) -> list[str]:
    lh, c = case.facts.livelihood, case.client
    if lh.secured:
        text = [f"Der Lebensunterhalt von {c.dative} ist ohne Inanspruchnahme öffentlicher Mittel gesichert."]
    elif lh.predominantly_secured:
        text = [f"Der Lebensunterhalt von {c.dative} ist überwiegend durch Erwerbstätigkeit gesichert."]
    elif lh.positive_prognosis:
        text = [f"Es ist zu erwarten, dass {c.name} den Lebensunterhalt künftig eigenständig sichern wird."]
    elif lh.monthly_means_eur:
        text = []
    elif case.facts.prevented_by_illness_disability_or_age:
        return [f"{c.name} kann diese Voraussetzung wegen Krankheit, Behinderung oder Alters nicht erfüllen; "
                "von ihr ist daher abzusehen."]
    else:
        return []
    if lh.monthly_means_eur:
        text.append(f"{c.name if not text else c.Pronoun} verfügt über monatliche Mittel in Höhe von "
                    f"{money(lh.monthly_means_eur)}.")
    return text


def housing(case: Case) -> list[str]:
    if not case.facts.housing_sufficient:
        return []
    return [f"{case.client.name} verfügt über ausreichenden Wohnraum."]


def children_school(case: Case) -> list[str] | None:
    school_age = [k for k in case.facts.household.minor_children or ()
                  if 6 <= full_years(k.date_of_birth, case.on) < 18]
    if not school_age:
        return None  # no child of school age: nothing to argue, the requirement is left out
    children = [k for k in school_age if k.school_attendance_proven]
    if not children:
        return []
    if len(children) == 1:
        return [f"Das im Haushalt lebende Kind im schulpflichtigen Alter, geboren {on_day(children[0].date_of_birth)}, "
                "besucht die Schule."]
    return ["Die im Haushalt lebenden Kinder im schulpflichtigen Alter besuchen die Schule."]


def family(case: Case) -> list[str]:
    h, c = case.facts.household, case.client
    children = len(h.minor_children or ())
    if not h.spouse_or_partner and not children:
        return []
    with_whom = f"mit {c.possessive}r Familie" if h.spouse_or_partner else (
        "mit dem minderjährigen Kind" if children == 1 else f"mit {children} minderjährigen Kindern")
    text = f"{c.name} lebt {with_whom} in familiärer Lebensgemeinschaft im Bundesgebiet"
    if h.spouse_or_partner and children:
        text += "; dazu gehört ein minderjähriges Kind" if children == 1 else \
            f"; dazu gehören {children} minderjährige Kinder"
    return [text + "."]


def volunteering(case: Case) -> list[str]:
    c, text = case.client, []
    for work in case.facts.voluntary_work or ():
        if work.from_ and work.from_ > case.on:
            continue
        what = f" in der {work.activity}" if work.activity else ""
        hours = f" (etwa {number(work.hours_per_week)} Stunden pro Woche)" if work.hours_per_week else ""
        who = c.name if not text else c.Pronoun
        org = at_employer(work.organisation)
        if work.to is None or work.to >= case.on:
            text.append(f"{who} engagiert sich{' ' + since(work.from_) if work.from_ else ''} ehrenamtlich {org}"
                        f"{what}{hours}.")
        else:
            span = f" vom {de(work.from_)} bis zum {de(work.to)}" if work.from_ else f" bis zum {de(work.to)}"
            text.append(f"{who} hat sich{span} ehrenamtlich {org}{what} engagiert{hours}.")
    return text


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


KINDS: dict[str, Callable[[Case], list[str] | None]] = {
    "status": status, "stay": stay, "entry": entry, "route": route, "duldung_duration": duldung_duration,
    "identity": identity, "identity_deadline": identity_deadline, "passport": passport,
    "language_a2": language_a2, "language_b1": language_b1, "fdgo": fdgo, "basic_knowledge": basic_knowledge,
    "integration": integration, "integration_course": integration_course, "school": school, "age": age,
    "training": training, "training_kind": training_kind, "registration": registration,
    "application_window": application_window, "qualification": qualification, "employment": employment,
    "livelihood": livelihood, "housing": housing, "children_school": children_school, "family": family,
    "volunteering": volunteering, "departure": departure, "not_at_fault": not_at_fault, "exclusion": exclusion,
}
assert set(KINDS) == ARGUMENT_KINDS, set(KINDS) ^ ARGUMENT_KINDS
