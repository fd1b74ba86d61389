"""German names of the case facts, for explanations ("unbekannt: ...") and for the list of facts to collect."""

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
}


def label_of(path: str) -> str:
    return FACT_LABELS.get(path, path)
