"""The kinds of argument an Antrag makes about school, training, work, livelihood, family and volunteering.

The same rules as in ``argument_kinds``: full sentences from recorded facts only, an empty list where a fact is
missing, ``None`` where the requirement has nothing to argue for this client.
"""
from __future__ import annotations

from perspektive.law import WEEKLY_HOURS, de, german_number, quantity

from .argument_kinds import _NUMBER_WORDS, Case, _certificates
from .wording import at_employer, full_years, money, on_day, since, training_as


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
        years = german_number(s.successful_years_in_germany)
        words = _NUMBER_WORDS.get(years, years)
        text.append(f"{c.Pronoun if text else c.name} hat {'insgesamt ' if text else ''}{words} "
                    f"Jahr{'e' if years != '1' else ''} erfolgreich eine Schule im Bundesgebiet besucht.")
    for cert in _certificates(case, "school_certificate"):
        if cert.name:
            what = f"den {cert.name}" if cert.name.lower().endswith("abschluss") else f"den Abschluss „{cert.name}“"
            text.append(f"{c.Pronoun if text else c.name} hat{' ' + on_day(cert.date) if cert.date else ''} {what} "
                        "erworben.")
    if s.qualification_in_germany and not _certificates(case, "school_certificate"):
        text.append(f"{c.name} hat im Bundesgebiet einen anerkannten Schul- oder Berufsabschluss erworben.")
    return text


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
        hours = f" im Umfang von {quantity(job.hours_per_week, *WEEKLY_HOURS)}" \
            if job.hours_per_week else ""
        text.append(f"{who} ist {since(job.from_)}{role}{at}{kind}{hours} beschäftigt.")
        if job.matches_qualification:
            text.append("Die Tätigkeit entspricht der beruflichen Qualifikation.")
    for job in [j for j in jobs if j not in current and j.employer][-2:]:
        role = f" als {job.occupation}" if job.occupation else ""
        lead = f"Zuvor war {c.pronoun}" if text else f"{c.name} war"
        text.append(f"{lead} vom {de(job.from_)} bis zum {de(job.to)}{role} "
                    f"{at_employer(job.employer, job.employer_place)} beschäftigt.")
    return text


def livelihood(case: Case) -> list[str]:
    """What secures the livelihood; the monthly means only where they support it (a low amount is not named)."""
    lh, c = case.facts.livelihood, case.client
    if lh.secured:
        text = [f"Der Lebensunterhalt von {c.dative} ist ohne Inanspruchnahme öffentlicher Mittel gesichert."]
    elif lh.predominantly_secured:
        text = [f"Der Lebensunterhalt von {c.dative} ist überwiegend durch Erwerbstätigkeit gesichert."]
    elif lh.positive_prognosis:
        text = [f"Es ist zu erwarten, dass {c.name} den Lebensunterhalt künftig eigenständig sichern wird."]
    elif case.facts.in_education:
        return [f"{c.name} befindet sich derzeit in Schule, Ausbildung oder Studium."]
    elif case.facts.prevented_by_illness_disability_or_age:
        return [f"{c.name} kann diese Voraussetzung wegen Krankheit, Behinderung oder Alters nicht erfüllen; "
                "von ihr ist daher abzusehen."]
    else:
        return []
    if lh.monthly_means_eur:
        text.append(f"{c.Pronoun} verfügt über monatliche Mittel in Höhe von {money(lh.monthly_means_eur)}.")
    return text


def means(case: Case) -> list[str]:
    """The monthly means against a fixed need (§ 16g: the BAföG amount)."""
    amount = case.facts.livelihood.monthly_means_eur
    if not amount:
        return livelihood(case)
    return [f"{case.client.name} verfügt über monatliche Mittel in Höhe von {money(amount)}; der Lebensunterhalt "
            "ist damit gesichert."]


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
    own = {"seine": "seiner", "ihre": "ihrer"}.get(c.possessive, "der eigenen")  # no gender recorded: no pronoun
    with_whom = f"mit {own} Familie" if h.spouse_or_partner else (
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
        hours = f" (etwa {quantity(work.hours_per_week, 'Stunde', 'Stunden')} pro Woche)" if work.hours_per_week else ""
        who = c.name if not text else c.Pronoun
        org = at_employer(work.organisation)
        if work.to is None or work.to >= case.on:
            text.append(f"{who} engagiert sich{' ' + since(work.from_) if work.from_ else ''} ehrenamtlich {org}"
                        f"{what}{hours}.")
        else:
            span = f" vom {de(work.from_)} bis zum {de(work.to)}" if work.from_ else f" bis zum {de(work.to)}"
            text.append(f"{who} hat sich{span} ehrenamtlich {org}{what} engagiert{hours}.")
    return text
