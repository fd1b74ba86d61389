"""German names of the case facts and of their values: for explanations, the client page, and facts to collect."""

from .catalogue import N_
from .fact_labels_more import MORE_FACT_LABELS, MORE_VALUE_LABELS

FACT_LABELS = {
    "person.date_of_birth": N_("Geburtsdatum"),
    "person.nationality": N_("Staatsangehörigkeit"),
    "entry_date": N_("Einreisedatum"),
    "status_history": N_("Aufenthaltsstatus-Verlauf"),
    "identity.clarified_on": N_("Datum der Identitätsklärung"),
    "identity.passport_valid_until": N_("Nationalpass gültig bis"),
    "identity.reasonable_measures_taken": N_("alle zumutbaren Maßnahmen zur Identitätsklärung ergriffen"),
    "own_identity_deception": N_("Abschiebung durch eigene Täuschung über Identität/Staatsangehörigkeit verhindert"),
    "obstructs_removal": N_("zumutbare Mitwirkung bei der Beseitigung von Ausreisehindernissen verweigert"),
    "german.oral": N_("mündliche Deutschkenntnisse"),
    "german.written": N_("schriftliche Deutschkenntnisse"),
    "basic_knowledge_of_order": N_("Grundkenntnisse der Rechts- und Gesellschaftsordnung"),
    "fdgo_declaration": N_("Bekenntnis zur freiheitlichen demokratischen Grundordnung"),
    "integration_prognosis_positive": N_("positive Integrationsprognose"),
    "integration_course_obliged": N_("zur Teilnahme am Integrationskurs verpflichtet"),
    "integration_course_completed": N_("Integrationskurs abgeschlossen"),
    "school.successful_years_in_germany": N_("Jahre erfolgreichen Schulbesuchs in Deutschland"),
    "school.qualification_in_germany": N_("in Deutschland erworbener Schul- oder Berufsabschluss"),
    "in_education": N_("in Schule, Ausbildung oder Studium"),
    "employment": N_("Beschäftigungen"),
    "livelihood.secured": N_("Lebensunterhalt gesichert"),
    "livelihood.predominantly_secured": N_("Lebensunterhalt überwiegend durch Erwerbstätigkeit gesichert"),
    "livelihood.positive_prognosis": N_("positive Prognose zur Lebensunterhaltssicherung"),
    "household.spouse_or_partner": N_("lebt mit Ehe- oder Lebenspartner"),
    "household.minor_children": N_("minderjährige Kinder im Haushalt"),
    "convictions": N_("Verurteilungen"),
    "prevented_by_illness_disability_or_age": N_("durch Krankheit, Behinderung oder Alter verhindert"),
    "extremism_indications": N_("Anhaltspunkte für Extremismus"),
    "expulsion_order": N_("Ausweisungsverfügung oder Abschiebungsanordnung nach § 58a"),
    "person.given_name": N_("Vorname"),
    "person.family_name": N_("Familienname"),
    "person.gender": N_("Geschlecht"),
    "person.language": N_("Sprache, die am besten gelesen wird"),
    "person.address": N_("Anschrift"),
    "person.abh_file_number": N_("Aktenzeichen der Ausländerbehörde"),
    "identity.measures_taken_on": N_("zumutbare Maßnahmen zur Identitätsklärung abgeschlossen am"),
    "asylum_rejected_manifestly_unfounded": N_("Asylantrag als offensichtlich unbegründet abgelehnt (§ 30 Abs. 1 "
                                            "Nr. 3–7 AsylG)"),
    "concrete_removal_measures": N_("konkrete Maßnahmen zur Aufenthaltsbeendigung stehen bevor"),
    "departure_impossible.impossible": N_("Ausreise unmöglich (§ 25 Abs. 5)"),
    "departure_impossible.end_foreseeable": N_("Wegfall des Ausreisehindernisses absehbar"),
    "departure_impossible.own_fault": N_("Ausreisehindernis selbst verschuldet"),
    "employment_ban_60a_6": N_("Beschäftigungsverbot nach § 60a Abs. 6 AufenthG"),
    "livelihood.monthly_means_eur": N_("monatliche Mittel (EUR)"),
    "training.kind": N_("Art der Ausbildung"),
    "training.start_date": N_("Ausbildungsbeginn (laut Vertrag)"),
    "training.end_date": N_("Ausbildungsende (laut Vertrag)"),
    "training.registration_applied": N_("Eintragung bei der Kammer beantragt"),
    "training.school_based": N_("schulische Ausbildung"),
    "training.started_during_asylum": N_("im Asylverfahren begonnen"),
    "training.completed_on": N_("Ausbildung erfolgreich abgeschlossen am"),
    "housing_sufficient": N_("ausreichender Wohnraum"),
    "household.lives_with_parents": N_("lebt bei den Eltern"),
    "training.title": N_("Ausbildungsberuf"),
    "training.company": N_("Ausbildungsbetrieb bzw. Berufsfachschule"),
    "training.company_place": N_("Ort des Ausbildungsbetriebs"),
    "school.name": N_("Schule in Deutschland"),
    "school.place": N_("Ort der Schule"),
    "school.from_year": N_("Schulbesuch seit (Jahr)"),
    "school.to_year": N_("Schulbesuch bis (Jahr)"),
    "certificates": N_("Zeugnisse und Zertifikate"),
    "voluntary_work": N_("Ehrenamtliches Engagement"),
}

VALUE_LABELS = {
    "gestattung": N_("Aufenthaltsgestattung"),
    "duldung": N_("Duldung"),
    "duldung_ungeklaerte_identitaet": N_("Duldung bei ungeklärter Identität (§ 60b)"),
    "ausbildungsduldung": N_("Ausbildungsduldung (§ 60c)"),
    "beschaeftigungsduldung": N_("Beschäftigungsduldung (§ 60d)"),
    "aufenthaltserlaubnis": N_("Aufenthaltserlaubnis"),
    "chancen_aufenthaltserlaubnis": N_("Chancen-Aufenthaltserlaubnis (§ 104c)"),
    "ohne_status": N_("ohne Status"),
    "female": N_("weiblich"), "male": N_("männlich"), "diverse": N_("divers"), "unknown": N_("unbekannt"),
    "qualified": N_("qualifizierte Berufsausbildung"),
    "assistant_with_followup": N_("Assistenz- oder Helferausbildung mit Anschlusszusage"),
    "language_certificate": N_("Sprachzertifikat"),
    "school_certificate": N_("Schulabschluss"),
    "integration_course": N_("Integrationskurs"),
    "life_in_germany_test": N_("Test „Leben in Deutschland“"),
    "vocational_certificate": N_("Berufsabschluss"),
    "other": N_("sonstiges"),
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
