"""A fixture client with every fact a letter argues from (issue 14), and the changes that open each path.

Ahmad Rahimi came to Germany at 14, went to school in Dresden, worked beside school, volunteers at the Tafel and
has been training as a Pflegefachhelfer since 01.09.2025; the variants give him what each other path needs
(a completed training and a job for § 19d, a full-time job for § 60d, ...).
"""
from __future__ import annotations

import copy
import datetime as dt

ON = dt.date(2026, 11, 21)

AHMAD = {
    "person": {"given_name": "Ahmad", "family_name": "Rahimi", "date_of_birth": "2002-05-14", "gender": "male",
               "nationality": "AF", "language": "fa", "address": "Kesselsdorfer Straße 12, 01159 Dresden",
               "abh_file_number": "DD-2016-0912"},
    "entry_date": "2016-09-12",
    "status_history": [{"status": "gestattung", "from": "2016-09-12", "to": "2019-06-30"},
                       {"status": "duldung", "from": "2019-07-01", "to": None}],
    "identity": {"clarified_on": "2019-05-02", "passport_valid_until": "2030-01-31"},
    "own_identity_deception": False,
    "obstructs_removal": False,
    "german": {"oral": "B1", "written": "B1"},
    "basic_knowledge_of_order": True,
    "fdgo_declaration": True,
    "integration_prognosis_positive": True,
    "integration_course_obliged": False,
    "school": {"successful_years_in_germany": 4, "qualification_in_germany": True,
               "name": "Oberschule Dresden-Cotta", "place": "Dresden", "from_year": 2017, "to_year": 2020},
    "in_education": True,
    "employment": [{"from": "2023-04-01", "to": "2025-08-31", "hours_per_week": 20, "socially_insured": True,
                    "employer": "Bäckerei Schmidt", "employer_place": "Pirna", "occupation": "Verkaufshilfe"}],
    "livelihood": {"positive_prognosis": True, "monthly_means_eur": 1150},
    "household": {"spouse_or_partner": False, "lives_with_parents": False, "minor_children": []},
    "convictions": [],
    "training": {"kind": "qualified", "title": "Pflegefachhelfer", "company": "Pflegedienst Elbtal GmbH",
                 "company_place": "Dresden", "start_date": "2025-09-01", "end_date": "2027-08-31",
                 "registration_applied": True, "school_based": False, "started_during_asylum": False},
    "certificates": [
        {"kind": "language_certificate", "name": "telc Deutsch B1", "level": "B1", "date": "2026-03-12",
         "issuer": "telc gGmbH"},
        {"kind": "life_in_germany_test", "name": "Leben in Deutschland", "date": "2025-06-20"},
        {"kind": "school_certificate", "name": "Hauptschulabschluss", "date": "2020-07-03",
         "issuer": "Oberschule Dresden-Cotta"},
    ],
    "voluntary_work": [{"organisation": "Tafel Dresden e. V.", "activity": "Lebensmittelausgabe",
                        "from": "2024-05-01", "hours_per_week": 3}],
    "housing_sufficient": True,
    "prevented_by_illness_disability_or_age": False,
    "concrete_removal_measures": False,
    "extremism_indications": False,
    "expulsion_order": False,
    "employment_ban_60a_6": False,
    "asylum_rejected_manifestly_unfounded": False,
    "departure_impossible": {"impossible": True, "end_foreseeable": False, "own_fault": False},
}

# What each path needs beyond Ahmad's facts (merged one level deep).
VARIANTS = {
    "section_19d": {"training": {"completed_on": "2026-08-29", "end_date": "2026-08-31"},
                    "status_history": [{"status": "gestattung", "from": "2016-09-12", "to": "2019-06-30"},
                                       {"status": "duldung", "from": "2019-07-01", "to": "2025-08-31"},
                                       {"status": "ausbildungsduldung", "from": "2025-09-01", "to": "2026-08-31"},
                                       {"status": "duldung", "from": "2026-09-01", "to": None}],
                    "employment": [{"from": "2026-09-01", "to": None, "hours_per_week": 39, "socially_insured": True,
                                    "matches_qualification": True, "employer": "Pflegedienst Elbtal GmbH",
                                    "employer_place": "Dresden", "occupation": "Pflegefachhelfer"}]},
    "section_60d": {"employment": [{"from": "2024-06-01", "to": None, "hours_per_week": 35, "socially_insured": True,
                                    "employer": "Lager-Logistik Sachsen GmbH", "employer_place": "Radebeul",
                                    "occupation": "Lagerhelfer"}],
                    "livelihood": {"secured": True, "predominantly_secured": True},
                    "training": {}},
}


def ahmad(workflow_id: str = "", **changes) -> dict:
    data = copy.deepcopy(AHMAD)
    for key, value in {**VARIANTS.get(workflow_id, {}), **changes}.items():
        if isinstance(value, dict) and value and isinstance(data.get(key), dict):
            data[key] = {**data[key], **value}
        else:
            data[key] = value
    return data
