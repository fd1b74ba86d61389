"""German names of the facts of issue 16 (facts_more.py) and of their values; fact_labels.py merges them."""

MORE_FACT_LABELS = {
    "spouse": "Ehe- oder Lebenspartner",
    "spouse.identity_clarified_on": "Ehe-/Lebenspartner: Identität geklärt am",
    "spouse.identity_reasonable_measures_taken": "Ehe-/Lebenspartner: alle zumutbaren Maßnahmen zur "
                                                 "Identitätsklärung ergriffen",
    "spouse.convictions": "Ehe-/Lebenspartner: Verurteilungen",
    "spouse.extremism_indications": "Ehe-/Lebenspartner: Anhaltspunkte für Extremismus",
    "spouse.integration_course_obliged": "Ehe-/Lebenspartner: zur Teilnahme am Integrationskurs verpflichtet",
    "spouse.integration_course_possible": "Ehe-/Lebenspartner: Teilnahme am Integrationskurs war möglich",
    "spouse.integration_course_completed": "Ehe-/Lebenspartner: Integrationskurs abgeschlossen",
    "spouse.integration_course_abort_not_own_fault": "Ehe-/Lebenspartner: Integrationskurs ohne eigenes "
                                                     "Verschulden abgebrochen",
    "spouse.german_written": "Ehe-/Lebenspartner: schriftliche Deutschkenntnisse",
    "integration_course.possible": "Teilnahme an einem Integrationskurs war möglich",
    "integration_course.abort_not_own_fault": "Integrationskurs ohne eigenes Verschulden abgebrochen",
    "livelihood_months": "Lebensunterhalt Monat für Monat",
    "assistant_training.shortage_occupation": "Helferausbildung: Anschlussausbildung in einem Engpassberuf",
    "assistant_training.followup_promised": "Helferausbildung: Ausbildungsplatzzusage für die Anschlussausbildung",
    "identity_deception": "Täuschung über Identität/Staatsangehörigkeit",
    "application.filed_on": "Antrag gestellt am",
    "application.workflow": "Antrag auf (Kennung des Wegs, z. B. section_25b)",
    "application.pending": "Antrag noch nicht beschieden",
    "application.fictional_certificate": "Fiktionsbescheinigung erteilt (§ 81 Abs. 5 AufenthG)",
    "asylum_rejection.decided_on": "Asylantrag abgelehnt am",
    "asylum_rejection.basis": "Rechtsgrundlage der Asylablehnung",
}

MORE_VALUE_LABELS = {
    "entered": "eingetragen", "erased": "getilgt",
    "once": "einmal", "repeated": "wiederholt",
    "unfounded": "unbegründet (einfache Ablehnung)",
    "safe_country_29a": "offensichtlich unbegründet, sicherer Herkunftsstaat (§ 29a AsylG)",
    "manifestly_30_1_3_7": "offensichtlich unbegründet nach § 30 Abs. 1 Nr. 3–7 AsylG",
    "manifestly_30_3_old": "offensichtlich unbegründet nach § 30 Abs. 3 Nr. 1–6 AsylG a. F. (bis 26.02.2024)",
    "manifestly_other": "offensichtlich unbegründet aus anderem Grund",
}
