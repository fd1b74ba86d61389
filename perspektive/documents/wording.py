"""How the Antrag names the client and writes the small pieces of its sentences (dates, places, employers).

An application letter refers to the client as "Herr Qureshi" / "Frau Yousef" and then "er" / "sie"; where the
gender is not recorded (or "divers"), it repeats the full name instead of guessing a pronoun or a salutation.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from perspektive.law import CaseFacts, de

# Legal forms after which German writes "bei der …" (feminine: die Gesellschaft, die Genossenschaft) or
# "bei dem …" (der Verein); any other name stands without an article ("bei Bäckerei Schmidt" reads as a sign).
_FEMININE_FORMS = re.compile(r"\b(gGmbH|GmbH|mbH|AG|KG|KGaA|OHG|UG|SE|eG|e\. ?G\.|GbR|Stiftung|Genossenschaft)"
                             r"(\s*&\s*Co\.?\s*KG)?\s*$")
_CLUB_FORMS = re.compile(r"\b(e\. ?V\.|Verein)\s*$")
# Names that start with a common noun take its article: "bei der Bäckerei Schmidt", "bei dem Klinikum Pirna".
_FEMININE_NOUNS = {"bäckerei", "firma", "klinik", "praxis", "apotheke", "stadt", "gemeinde", "tafel", "diakonie",
                   "caritas", "schule", "universität", "hochschule", "gärtnerei", "metzgerei", "fleischerei",
                   "spedition", "kirchgemeinde", "stiftung", "awo", "arbeiterwohlfahrt", "volkssolidarität",
                   "landeshauptstadt", "kita", "kindertagesstätte", "pflegeeinrichtung", "werkstatt", "druckerei"}
_NEUTER_NOUNS = {"restaurant", "hotel", "autohaus", "klinikum", "pflegeheim", "altenheim", "seniorenheim",
                 "krankenhaus", "studentenwerk", "jobcenter", "café", "cafe", "bistro", "lager", "rote"}


@dataclass(frozen=True)
class Client:
    """The forms of the client's name a sentence needs."""

    name: str  # nominative, as a sentence starts: "Herr Qureshi", "Frau Yousef", "Kim Lee"
    dative: str  # "von Herrn Qureshi", "zugunsten von Frau Yousef"
    pronoun: str  # "er", "sie", or the name again
    possessive: str  # "seine", "ihre", or "die" (with the name: "die Identität von Kim Lee")
    female: bool

    @property
    def Pronoun(self) -> str:  # noqa: N802 - reads as what it is in a template of a sentence
        return self.pronoun[:1].upper() + self.pronoun[1:]


def client_of(facts: CaseFacts) -> Client:
    person = facts.person
    given, family = person.given_name or "", person.family_name or ""
    full = " ".join(part for part in (given, family) if part) or "die antragstellende Person"
    if person.gender == "male":
        return Client(f"Herr {family or full}", f"Herrn {family or full}", "er", "seine", False)
    if person.gender == "female":
        return Client(f"Frau {family or full}", f"Frau {family or full}", "sie", "ihre", True)
    return Client(full, full, full, "die", False)


def on_day(day: dt.date) -> str:
    """``am 01.09.2025``."""
    return f"am {de(day)}"


def since(day: dt.date) -> str:
    """``seit dem 01.09.2025``."""
    return f"seit dem {de(day)}"


def at_employer(name: str, place: str | None = None) -> str:
    """``bei der Pflegedienst Elbtal GmbH in Dresden``, ``bei der Tafel Dresden e. V.``, ``beim Verein Refugees
    Welcome e. V.``, ``bei Müller & Söhne``."""
    name = name.strip()
    first = name.split()[0].lower() if name.split() else ""
    if first in _FEMININE_NOUNS or _FEMININE_FORMS.search(name):
        text = f"bei der {name}"
    elif first in _NEUTER_NOUNS:
        text = f"bei dem {name}" if first != "rote" else f"beim {name}"
    elif _CLUB_FORMS.search(name):
        text = f"beim Verein {name}"
    else:
        text = f"bei {name}"
    return f"{text} in {place.strip()}" if place and place.strip() else text


def training_as(title: str, client: Client) -> str:
    """``eine Ausbildung zum Pflegefachhelfer`` / ``zur Pflegefachhelferin`` / ``als …`` (gender not recorded)."""
    if client.pronoun == "er":
        return f"eine Ausbildung zum {title}"
    if client.female:
        return f"eine Ausbildung zur {title}"
    return f"eine Ausbildung als {title}"




def money(value: float) -> str:
    """``1.250,50 EUR`` or ``1.250 EUR``."""
    whole = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return f"{whole.removesuffix(',00')} EUR"


def full_years(first: dt.date, last: dt.date) -> int:
    return last.year - first.year - ((last.month, last.day) < (first.month, first.day))


def sentence(text: str) -> str:
    """``text`` with a capital first letter and a full stop."""
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."
