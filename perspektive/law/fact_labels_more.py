"""German names of the facts of issue 16 (facts_more.py) and of their values; fact_labels.py merges them."""

from .catalogue import N_

MORE_FACT_LABELS = {
    "spouse": N_("Ehe- oder Lebenspartner"),
    "spouse.identity_clarified_on": N_("Ehe-/Lebenspartner: Identität geklärt am"),
    "spouse.identity_reasonable_measures_taken": N_("Ehe-/Lebenspartner: alle zumutbaren Maßnahmen zur "
                                                 "Identitätsklärung ergriffen"),
    "spouse.convictions": N_("Ehe-/Lebenspartner: Verurteilungen"),
    "spouse.extremism_indications": N_("Ehe-/Lebenspartner: Anhaltspunkte für Extremismus"),
    "spouse.integration_course_obliged": N_("Ehe-/Lebenspartner: zur Teilnahme am Integrationskurs verpflichtet"),
    "spouse.integration_course_possible": N_("Ehe-/Lebenspartner: Teilnahme am Integrationskurs war möglich"),
    "spouse.integration_course_completed": N_("Ehe-/Lebenspartner: Integrationskurs abgeschlossen"),
    "spouse.integration_course_abort_not_own_fault": N_("Ehe-/Lebenspartner: Integrationskurs ohne eigenes "
                                                     "Verschulden abgebrochen"),
    "spouse.german_written": N_("Ehe-/Lebenspartner: schriftliche Deutschkenntnisse"),
    "integration_course.possible": N_("Teilnahme an einem Integrationskurs war möglich"),
    "integration_course.abort_not_own_fault": N_("Integrationskurs ohne eigenes Verschulden abgebrochen"),
    "livelihood_months": N_("Lebensunterhalt Monat für Monat"),
    "assistant_training.shortage_occupation": N_("Helferausbildung: Anschlussausbildung in einem Engpassberuf"),
    "assistant_training.followup_promised": N_("Helferausbildung: Ausbildungsplatzzusage für die Anschlussausbildung"),
    "identity_deception": N_("Täuschung über Identität/Staatsangehörigkeit"),
    "application.filed_on": N_("Antrag gestellt am"),
    "application.workflow": N_("Antrag auf (Kennung des Wegs, z. B. section_25b)"),
    "application.pending": N_("Antrag noch nicht beschieden"),
    "application.fictional_certificate": N_("Fiktionsbescheinigung erteilt (§ 81 Abs. 5 AufenthG)"),
    "asylum_rejection.decided_on": N_("Asylantrag abgelehnt am"),
    "asylum_rejection.basis": N_("Rechtsgrundlage der Asylablehnung"),
}

MORE_VALUE_LABELS = {
    "entered": N_("eingetragen"), "erased": N_("getilgt"),
    "once": N_("einmal"), "repeated": N_("wiederholt"),
    "unfounded": N_("unbegründet (einfache Ablehnung)"),
    "safe_country_29a": N_("offensichtlich unbegründet, sicherer Herkunftsstaat (§ 29a AsylG)"),
    "manifestly_30_1_3_7": N_("offensichtlich unbegründet nach § 30 Abs. 1 Nr. 3–7 AsylG"),
    "manifestly_30_3_old": N_("offensichtlich unbegründet nach § 30 Abs. 3 Nr. 1–6 AsylG a. F. (bis 26.02.2024)"),
    "manifestly_other": N_("offensichtlich unbegründet aus anderem Grund"),
}
