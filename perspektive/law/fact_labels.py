"""German names of the case facts and of their values: for explanations, the client page, and facts to collect."""

from .fact_labels_more import MORE_FACT_LABELS, MORE_VALUE_LABELS

FACT_LABELS = {
    "person.date_of_birth": "Geburtsdatum",
    "person.nationality": "Staatsangehörigkeit",
    "entry_date": "Einreisedatum",
    "status_history": "Aufenthaltsstatus-Verlauf",
    "identity.clarified_on": "Datum der Identitätsklärung",
    "identity.passport_valid_until": "Nationalpass gültig bis",
    "identity.reasonable_measures_taken": "alle zumutbaren Maßnahmen zur Identitätsklärung ergriffen",
    "own_identity_deception": "Abschiebung durch eigene Täuschung über Identität/Staatsangehörigkeit verhindert",
    "obstructs_removal": "zumutbare Mitwirkung bei der Beseitigung von Ausreisehindernissen verweigert",
    "german.oral": "mündliche Deutschkenntnisse",
    "german.written": "schriftliche Deutschkenntnisse",
    "basic_knowledge_of_order": "Grundkenntnisse der Rechts- und Gesellschaftsordnung",
    "fdgo_declaration": "Bekenntnis zur freiheitlichen demokratischen Grundordnung",
    "integration_prognosis_positive": "positive Integrationsprognose",
    "integration_course_obliged": "zur Teilnahme am Integrationskurs verpflichtet",
    "integration_course_completed": "Integrationskurs abgeschlossen",
    "school.successful_years_in_germany": "Jahre erfolgreichen Schulbesuchs in Deutschland",
    "school.qualification_in_germany": "in Deutschland erworbener Schul- oder Berufsabschluss",
    "in_education": "in Schule, Ausbildung oder Studium",
    "employment": "Beschäftigungen",
    "livelihood.secured": "Lebensunterhalt gesichert",
    "livelihood.predominantly_secured": "Lebensunterhalt überwiegend durch Erwerbstätigkeit gesichert",
    "livelihood.positive_prognosis": "positive Prognose zur Lebensunterhaltssicherung",
    "household.spouse_or_partner": "lebt mit Ehe- oder Lebenspartner",
    "household.minor_children": "minderjährige Kinder im Haushalt",
    "convictions": "Verurteilungen",
    "prevented_by_illness_disability_or_age": "durch Krankheit, Behinderung oder Alter verhindert",
    "extremism_indications": "Anhaltspunkte für Extremismus",
    "expulsion_order": "Ausweisungsverfügung oder Abschiebungsanordnung nach § 58a",
    "person.given_name": "Vorname",
    "person.family_name": "Familienname",
    "person.gender": "Geschlecht",
    "person.language": "Sprache, die am besten gelesen wird",
    "person.address": "Anschrift",
    "person.abh_file_number": "Aktenzeichen der Ausländerbehörde",
    "identity.measures_taken_on": "zumutbare Maßnahmen zur Identitätsklärung abgeschlossen am",
    "asylum_rejected_manifestly_unfounded": "Asylantrag als offensichtlich unbegründet abgelehnt (§ 30 Abs. 1 "
                                            "Nr. 3–7 AsylG)",
    "concrete_removal_measures": "konkrete Maßnahmen zur Aufenthaltsbeendigung stehen bevor",
    "departure_impossible.impossible": "Ausreise unmöglich (§ 25 Abs. 5)",
    "departure_impossible.end_foreseeable": "Wegfall des Ausreisehindernisses absehbar",
    "departure_impossible.own_fault": "Ausreisehindernis selbst verschuldet",
    "employment_ban_60a_6": "Beschäftigungsverbot nach § 60a Abs. 6 AufenthG",
    "livelihood.monthly_means_eur": "monatliche Mittel (EUR)",
    "training.kind": "Art der Ausbildung",
    "training.start_date": "Ausbildungsbeginn (laut Vertrag)",
    "training.end_date": "Ausbildungsende (laut Vertrag)",
    "training.registration_applied": "Eintragung bei der Kammer beantragt",
    "training.school_based": "schulische Ausbildung",
    "training.started_during_asylum": "im Asylverfahren begonnen",
    "training.completed_on": "Ausbildung erfolgreich abgeschlossen am",
    "housing_sufficient": "ausreichender Wohnraum",
    "household.lives_with_parents": "lebt bei den Eltern",
    "training.title": "Ausbildungsberuf",
    "training.company": "Ausbildungsbetrieb bzw. Berufsfachschule",
    "training.company_place": "Ort des Ausbildungsbetriebs",
    "school.name": "Schule in Deutschland",
    "school.place": "Ort der Schule",
    "school.from_year": "Schulbesuch seit (Jahr)",
    "school.to_year": "Schulbesuch bis (Jahr)",
    "certificates": "Zeugnisse und Zertifikate",
    "voluntary_work": "Ehrenamtliches Engagement",
}

VALUE_LABELS = {
    "gestattung": "Aufenthaltsgestattung",
    "duldung": "Duldung",
    "duldung_ungeklaerte_identitaet": "Duldung bei ungeklärter Identität (§ 60b)",
    "ausbildungsduldung": "Ausbildungsduldung (§ 60c)",
    "beschaeftigungsduldung": "Beschäftigungsduldung (§ 60d)",
    "aufenthaltserlaubnis": "Aufenthaltserlaubnis",
    "chancen_aufenthaltserlaubnis": "Chancen-Aufenthaltserlaubnis (§ 104c)",
    "ohne_status": "ohne Status",
    "female": "weiblich", "male": "männlich", "diverse": "divers", "unknown": "unbekannt",
    "qualified": "qualifizierte Berufsausbildung",
    "assistant_with_followup": "Assistenz- oder Helferausbildung mit Anschlusszusage",
    "language_certificate": "Sprachzertifikat",
    "school_certificate": "Schulabschluss",
    "integration_course": "Integrationskurs",
    "life_in_germany_test": "Test „Leben in Deutschland“",
    "vocational_certificate": "Berufsabschluss",
    "other": "sonstiges",
}
FACT_LABELS.update(MORE_FACT_LABELS)  # issue 16: spouse, monthly livelihood, application, ... (fact_labels_more)
VALUE_LABELS.update(MORE_VALUE_LABELS)


def label_of(path: str) -> str:
    return FACT_LABELS.get(path, path)


# Nationalities (ISO 3166-1 alpha-2) and languages (ISO 639-1) as counsellors and letters name them.
COUNTRY_NAMES = {
    "AF": "Afghanistan", "AL": "Albanien", "AM": "Armenien", "AZ": "Aserbaidschan", "BA": "Bosnien und Herzegowina",
    "BD": "Bangladesch", "BY": "Belarus", "CD": "Kongo, Demokratische Republik", "CI": "Côte d’Ivoire",
    "CM": "Kamerun", "CN": "China", "CO": "Kolumbien", "DZ": "Algerien", "EG": "Ägypten", "ER": "Eritrea",
    "ET": "Äthiopien", "GE": "Georgien", "GH": "Ghana", "GM": "Gambia", "GN": "Guinea", "IN": "Indien",
    "IQ": "Irak", "IR": "Iran", "KZ": "Kasachstan", "LB": "Libanon", "LK": "Sri Lanka", "LY": "Libyen",
    "MA": "Marokko", "MD": "Moldau", "MK": "Nordmazedonien", "ML": "Mali", "NG": "Nigeria", "PK": "Pakistan",
    "PS": "Palästinensische Gebiete", "RS": "Serbien", "RU": "Russische Föderation", "SD": "Sudan",
    "SL": "Sierra Leone", "SN": "Senegal", "SO": "Somalia", "SS": "Südsudan", "SY": "Syrien",
    "TJ": "Tadschikistan", "TN": "Tunesien", "TR": "Türkei", "UA": "Ukraine", "VE": "Venezuela", "VN": "Vietnam",
    "XK": "Kosovo", "YE": "Jemen", "stateless": "staatenlos", "unknown": "ungeklärt",
}


# The checklist's second column is headed in the client's language (and in English, for the counsellor).
LANGUAGE_NAMES = {
    "en": "English", "ar": "العربية / Arabic", "fa": "فارسی / Farsi", "ru": "Русский / Russian",
    "fr": "Français / French", "tr": "Türkçe / Turkish", "uk": "Українська / Ukrainian", "ps": "پښتو / Pashto",
    "ti": "ትግርኛ / Tigrinya", "ku": "Kurdî / Kurdish", "so": "Soomaali / Somali", "es": "Español / Spanish",
    "ka": "ქართული / Georgian", "ur": "اردو / Urdu",
}
