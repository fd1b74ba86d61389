"""Synthetic clients for trying the statistics and the lists at scale: ``flask --app app demo seed --clients N
--consultations M``. Names are put together from common given and family names of each country (nobody real),
dates are drawn so that every path and outcome occurs. Facts go through ``clients.create_client``, so they are
sealed and indexed like any others; consultations, which hold no personal data, are bulk-inserted.
Never used in production."""
from __future__ import annotations

import datetime as dt
import random
from typing import Callable

from perspektive.accounts.models import User
from perspektive.clients import CaseError, create_client, open_case
from perspektive.clients.models import CONSULTATION_ATTENDEES, Consultation
from perspektive.db import write_transaction
from perspektive.law import current_engine, parse_facts, today_in_germany
from perspektive.statistics import record_outcome

NAMES = {  # country: (given names, family names)
    "AF": (("Ahmad", "Farida", "Mohammad", "Zahra", "Hamid", "Mariam", "Nasrin", "Jawad"),
           ("Ahmadi", "Hashimi", "Rahimi", "Noori", "Sultani", "Karimi", "Haidari")),
    "SY": (("Amina", "Omar", "Rasha", "Khaled", "Lina", "Yusuf", "Huda", "Bilal"),
           ("Haddad", "Khalil", "Sabbagh", "Darwish", "Halabi", "Masri", "Najjar")),
    "IQ": (("Ali", "Zainab", "Mustafa", "Noor", "Haider", "Sara", "Ahmed"),
           ("Al-Tamimi", "Jaber", "Kadhim", "Saleh", "Hassan", "Abbas")),
    "ER": (("Yonas", "Selam", "Tesfaye", "Helen", "Dawit", "Saba"),
           ("Tekle", "Gebremariam", "Haile", "Kidane", "Berhane")),
    "GE": (("Giorgi", "Nino", "Levan", "Tamar", "David", "Mariam"),
           ("Beridze", "Kapanadze", "Gelashvili", "Lomidze", "Tsiklauri")),
    "NG": (("Chinedu", "Ngozi", "Emeka", "Blessing", "Tunde", "Aisha"),
           ("Okafor", "Adeyemi", "Nwosu", "Balogun", "Eze")),
    "RU": (("Aslan", "Madina", "Ruslan", "Zarema", "Timur", "Leila"),
           ("Dudayev", "Magomedov", "Aliyeva", "Umarov", "Bisultanov")),
    "TR": (("Mehmet", "Ayşe", "Emre", "Zeynep", "Deniz", "Elif"),
           ("Yılmaz", "Demir", "Şahin", "Çelik", "Aydın", "Öztürk")),
    "SO": (("Abdi", "Hodan", "Mahad", "Fadumo", "Ayaan"),
           ("Warsame", "Farah", "Abdullahi", "Jama", "Hirsi")),
    "XK": (("Arben", "Drita", "Besnik", "Vjosa", "Luan"),
           ("Krasniqi", "Gashi", "Berisha", "Morina", "Hoxha")),
}
WEIGHTS = {"AF": 5, "SY": 5, "IQ": 3, "ER": 2, "GE": 2, "NG": 2, "RU": 2, "TR": 2, "SO": 1, "XK": 1}
LANGUAGES = {"AF": "fa", "SY": "ar", "IQ": "ar", "ER": "ti", "GE": "ka", "NG": "en", "RU": "ru", "TR": "tr",
             "SO": "so", "XK": "sq"}
DULDUNGEN = ("duldung",) * 6 + ("duldung_ungeklaerte_identitaet",) * 2 + ("ausbildungsduldung",
                                                                          "beschaeftigungsduldung")
LEVELS = (None, "A1", "A2", "A2", "B1", "B1", "B2", "C1")
STREETS = ("Hauptstraße", "Bahnhofstraße", "Lindenweg", "Am Markt", "Schulstraße", "Gartenstraße")
WORKFLOWS = ("section_25a", "section_25b", "section_60d", "section_104c", "section_60c", "section_25_5")
# What becomes of a case, weighted roughly as in practice: many still running, grants well ahead of refusals.
OUTCOMES = ("open", "open", "filed", "filed", "granted", "granted", "granted", "refused", "withdrawn", "left",
            "lost_contact")
REASONS = ("identity", "livelihood", "language", "convictions", "other")


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def synthetic_facts(rng: random.Random, today: dt.date) -> dict:
    """One made-up person's facts, in the facts contract's JSON form."""
    country = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
    given, family = NAMES[country]
    born = _day(rng, today - dt.timedelta(days=365 * 55), today - dt.timedelta(days=365 * 15))
    entry = _day(rng, max(born + dt.timedelta(days=365 * 8), today - dt.timedelta(days=365 * 12)),
                 today - dt.timedelta(days=200))
    toleration = _day(rng, entry + dt.timedelta(days=60), max(entry + dt.timedelta(days=60),
                                                              today - dt.timedelta(days=90)))
    clarified = rng.random() < 0.6
    facts = {
        "person": {"given_name": rng.choice(given), "family_name": rng.choice(family),
                   "date_of_birth": born.isoformat(), "gender": rng.choice(("female", "male")),
                   "nationality": country, "language": LANGUAGES[country],
                   "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}, 0{rng.randint(1067, 9999)} Dresden",
                   "abh_file_number": f"DD-{rng.randint(1000, 9999)}-{rng.randint(10, 26)}"},
        "entry_date": entry.isoformat(),
        "status_history": [{"status": "gestattung", "from": entry.isoformat(),
                            "to": (toleration - dt.timedelta(days=1)).isoformat()},
                           {"status": rng.choice(DULDUNGEN), "from": toleration.isoformat(), "to": None}],
        "identity": {"clarified_on": _day(rng, entry, today).isoformat() if clarified else None,
                     "passport_valid_until": (today + dt.timedelta(days=rng.randint(-400, 2000))).isoformat()
                     if clarified else None},
        "german": {"oral": rng.choice(LEVELS), "written": rng.choice(LEVELS)},
        "own_identity_deception": rng.random() < 0.05,
        "in_education": rng.random() < 0.2,
        "livelihood": {"secured": rng.random() < 0.3, "predominantly_secured": rng.random() < 0.55},
        "household": {"spouse_or_partner": rng.random() < 0.4, "minor_children": [
            {"date_of_birth": _day(rng, today - dt.timedelta(days=365 * 17), today - dt.timedelta(days=30)
                                   ).isoformat(), "school_attendance_proven": rng.random() < 0.7}
            for _ in range(rng.choice((0, 0, 0, 1, 2, 3)))]},
        "convictions": [] if rng.random() < 0.9 else [
            {"date": _day(rng, entry, today).isoformat(), "intentional": True, "fine_daily_rates": rng.choice(
                (30, 60, 120))}],
        "extremism_indications": False, "expulsion_order": False,
    }
    if rng.random() < 0.5:
        start = _day(rng, entry, today - dt.timedelta(days=30))
        facts["employment"] = [{"from": start.isoformat(), "to": None, "hours_per_week": rng.choice((20, 30, 40)),
                                "socially_insured": True}]
    return facts


def seed(clients: int, consultations: int, counsellors: list[User], progress: Callable[[int], None],
         rng: random.Random | None = None) -> dict:
    """Create ``clients`` synthetic clients (a case for most, in varied states) and ``consultations`` spread over
    them (each client's first is a first consultation); ``progress`` hears each client and each batch."""
    rng = rng or random.Random()
    today = today_in_germany()
    engine = current_engine()
    workflows = [w for w in WORKFLOWS if w in engine.workflows]
    provisions = engine.provisions()
    made, cases = [], 0
    for number in range(clients):
        counsellor = counsellors[number % len(counsellors)]
        client = create_client(parse_facts(synthetic_facts(rng, today)), counsellor, actor="demo")
        made.append((client.id, counsellor.id))
        if workflows and rng.random() < 0.8:
            try:
                case = open_case(client, rng.choice(workflows), counsellor)
                cases += 1
                form = _outcome_form(rng, case.workflow, today)
                if form:
                    record_outcome(case, form, counsellor, provisions, today)
            except CaseError:
                pass
        progress(1)
    rows = _consultations(rng, made, consultations, today)
    for start in range(0, len(rows), 1000):
        with write_transaction():
            Consultation.insert_many(rows[start:start + 1000]).execute()
        progress(len(rows[start:start + 1000]))
    return {"clients": len(made), "cases": cases, "consultations": len(rows)}


def _outcome_form(rng: random.Random, workflow: str, today: dt.date) -> dict | None:
    """The case page's outcome form as a counsellor would fill it in for a made-up case (None: still open)."""
    outcome = rng.choice(OUTCOMES)
    if outcome == "open":
        return None
    filed = _day(rng, today - dt.timedelta(days=700), today - dt.timedelta(days=30))
    form = {"outcome": "open" if outcome == "filed" else outcome, "filed_on": filed.strftime("%d.%m.%Y")}
    if outcome != "filed":
        decided = _day(rng, filed + dt.timedelta(days=14), min(today, filed + dt.timedelta(days=400)))
        form["decided_on"] = decided.strftime("%d.%m.%Y")
    if outcome == "granted":
        form["permit_provision"] = workflow
        form["permit_valid_until"] = (decided + dt.timedelta(days=730)).strftime("%d.%m.%Y")
    if outcome == "refused":
        form["reasons"] = rng.sample(REASONS, rng.choice((1, 1, 2)))
    if outcome in ("left", "lost_contact"):
        form.pop("filed_on")
    return form


def _consultations(rng: random.Random, made: list[tuple[int, int]], total: int, today: dt.date) -> list[dict]:
    if not made:
        return []
    per_client: dict[int, int] = {}
    rows = []
    for number in range(total):
        client_id, counsellor_id = made[number % len(made)] if number < len(made) else rng.choice(made)
        seen = per_client.get(client_id, 0)
        per_client[client_id] = seen + 1
        attendees = ["person"] + rng.sample(CONSULTATION_ATTENDEES[1:], rng.choice((0, 0, 1, 2)))
        rows.append({"client": client_id, "counsellor": counsellor_id,
                     "held_on": _day(rng, today - dt.timedelta(days=730), today),
                     "kind": "first" if seen == 0 else "follow_up", "duration_minutes": rng.choice((30, 45, 60, 90)),
                     "attendees": ",".join(a for a in CONSULTATION_ATTENDEES if a in attendees)})
    return rows
