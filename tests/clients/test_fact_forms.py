"""The facts as forms: a new client from the essentials, and one form per group of facts, prefilled, with yes/no/
unknown as three choices, German labels, tables with rows to add and remove, and every error next to its input.
Forms are filled in as a browser would send them (the values the page holds, changed where the counsellor types).
Today is Saturday 21.11.2026."""
from __future__ import annotations

import datetime as dt
import json

import lxml.html
import pytest

from perspektive.audit import AuditEvent
from perspektive.clients import fact_forms, records
from perspektive.clients.models import Client, FactsRevision
from perspektive.law.facts import fact_paths, parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import demo_facts

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def add_client(owner, name: str = "dawit", **changes) -> Client:
    facts = demo_facts(name)
    facts.update(changes)
    return records.create_client(parse_facts(facts), owner)


def page(response) -> str:
    return response.get_data(as_text=True)


def the_form(html: str):
    return lxml.html.fromstring(html).xpath('//form[@class="facts-form"]')[0]


def fill(http, html: str, changes: dict | None = None, button: tuple[str, str] = ("save", "1")):
    """Submit the facts form on ``html`` as a browser would: what the page holds, with ``changes`` typed over it
    (``None`` unticks a box or radio)."""
    form = the_form(html)
    values = dict(form.form_values())
    for name, value in (changes or {}).items():
        if value is None:
            values.pop(name, None)
        else:
            values[name] = value
    values[button[0]] = button[1]
    return http.post(form.action, data=values)


def checked(html: str, name: str) -> str | None:
    found = lxml.html.fromstring(html).xpath(f'//input[@name="{name}" and @checked]/@value')
    return found[0] if found else None


def value_of(html: str, name: str) -> str:
    element = lxml.html.fromstring(html).xpath(f'//*[@name="{name}"]')[0]
    if element.tag == "select":
        chosen = element.xpath("./option[@selected]/@value")
        return chosen[0] if chosen else ""
    return element.get("value", "")


def error_of(html: str, name: str) -> str:
    """The error shown next to the input ``name``; the input points at it with aria-describedby."""
    doc = lxml.html.fromstring(html)
    element_id = fact_forms.FactsForm.input_id(name)
    message = doc.get_element_by_id(f"{element_id}-error")
    assert "field-error" in message.get("class")
    inputs = doc.xpath(f'//*[@name="{name}"]')
    if inputs:
        assert all(i.get("aria-describedby") == f"{element_id}-error" for i in inputs)
    return " ".join(message.text_content().split())


def stored(client) -> dict:
    return records.export_facts(Client.get_by_id(client.id))


# --- every fact has an input ------------------------------------------------------------------------------------

def test_every_fact_can_be_changed_in_exactly_one_group_form():
    edited = [item.path for group in fact_forms.GROUPS.values() for item in group.items]
    assert sorted(edited) == sorted(fact_paths())
    assert list(fact_forms.GROUPS) == ["person", "stay", "identity", "language", "work", "family", "convictions",
                                       "training", "spouse", "livelihood_months", "procedure", "course_and_helper"]


# --- a group form -----------------------------------------------------------------------------------------------

def test_group_form_is_prefilled_with_german_labels_and_three_way_answers(logged_in, counsellor):
    client = add_client(counsellor)
    html = page(logged_in.get(f"/clients/{client.id}/facts/identity"))
    assert "Identität <span" in html and client.reference in html
    assert "alle zumutbaren Maßnahmen zur Identitätsklärung ergriffen" in html
    assert checked(html, "identity.reasonable_measures_taken") == "true"
    assert checked(html, "own_identity_deception") == "false"
    assert value_of(html, "identity.measures_taken_on") == "2024-03-01"
    assert checked(html, "identity.clarified_on") is None and value_of(html, "identity.clarified_on") == ""
    assert "> ja</label>" in html and "> nein</label>" in html and "> unbekannt</label>" in html
    training = page(logged_in.get(f"/clients/{client.id}/facts/training"))
    assert '<option value="qualified">qualifizierte Berufsausbildung</option>' in training
    assert checked(training, "training.school_based") == "unknown"  # not known: "unbekannt" is the choice made
    assert "style=" not in html and "<script" not in html


def test_saving_a_group_changes_only_its_facts_and_recomputes_the_followups(logged_in, counsellor):
    client = add_client(counsellor)
    before = stored(client)
    form = page(logged_in.get(f"/clients/{client.id}/facts/identity"))
    response = fill(logged_in, form, {"identity.clarified_on": "01.10.2026",  # typed the German way
                                      "identity.reasonable_measures_taken": "unknown",  # back to "unbekannt"
                                      "own_identity_deception": "true"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/clients/{client.id}/fakten/identity"
    after = stored(client)
    assert after["identity"] == {"clarified_on": "2026-10-01", "measures_taken_on": "2024-03-01"}
    assert after["own_identity_deception"] is True
    assert "reasonable_measures_taken" not in after["identity"]  # unknown is null, never silently false
    assert {k: v for k, v in after.items() if k not in ("identity", "own_identity_deception")} == \
        {k: v for k, v in before.items() if k not in ("identity", "own_identity_deception")}
    assert FactsRevision.select().where(FactsRevision.client == client.id).count() == 2
    html = page(logged_in.get(f"/clients/{client.id}/fakten/identity"))
    assert "Fakten gespeichert, Fristen neu berechnet." in html
    identity = html.split('id="fakten-identity"')[1].split("</dl>")[0]
    assert "01.10.2026" in identity
    assert [e.action for e in AuditEvent.select().order_by(AuditEvent.id)][-1] == "client.update_facts"


def test_a_wrong_date_comes_back_with_the_text_typed_and_the_error_beside_it(logged_in, counsellor):
    client = add_client(counsellor)
    before = stored(client)
    form = page(logged_in.get(f"/clients/{client.id}/facts/identity"))
    response = fill(logged_in, form, {"identity.clarified_on": "31.02.2026",
                                      "identity.passport_valid_until": "2031-02-28",
                                      "identity.measures_taken_on": "01.12.2026"})
    html = page(response)
    assert response.status_code == 422
    assert "Nicht gespeichert, bitte korrigieren" in html
    assert "Bitte ein gültiges Datum angeben, z. B. 21.11.2026." in error_of(html, "identity.clarified_on")
    assert value_of(html, "identity.clarified_on") == "31.02.2026"  # kept, in a text field that can show it
    assert 'type="text" id="f-identity-clarified_on"' in html
    assert value_of(html, "identity.passport_valid_until") == "2031-02-28"
    assert error_of(html, "identity.measures_taken_on") == "Datum liegt in der Zukunft"
    assert 'href="#f-identity-clarified_on"' in html  # the summary leads to the field
    assert stored(client) == before


def test_an_error_outside_the_form_is_named_with_its_label(logged_in, counsellor):
    client = add_client(counsellor)  # entered Germany on 16.08.2021
    form = page(logged_in.get(f"/clients/{client.id}/facts/person"))
    response = fill(logged_in, form, {"person.date_of_birth": "01.01.2022"})
    assert response.status_code == 422
    assert "Einreisedatum: Einreise liegt vor dem Geburtsdatum" in page(response)


def test_unknown_group_and_someone_elses_client_are_not_found(logged_in, counsellor, make_user):
    mine, theirs = add_client(counsellor), add_client(make_user("kollege"))
    assert logged_in.get(f"/clients/{mine.id}/facts/hobbies").status_code == 404
    form = page(logged_in.get(f"/clients/{mine.id}/facts/person"))
    assert logged_in.get(f"/clients/{theirs.id}/facts/person").status_code == 404
    values = dict(the_form(form).form_values())
    values["person.family_name"] = "Übernommen"
    assert logged_in.post(f"/clients/{theirs.id}/facts/person", data=values).status_code == 404
    assert stored(theirs)["person"]["family_name"] == "Tesfaye"


def test_a_group_form_without_csrf_token_is_refused(logged_in, counsellor):
    client = add_client(counsellor)
    response = logged_in.post(f"/clients/{client.id}/facts/person", data={"person.family_name": "X", "save": "1"})
    assert response.status_code == 400
    assert stored(client)["person"]["family_name"] == "Tesfaye"


# --- tables: status history, jobs, children, convictions --------------------------------------------------------

def test_status_history_rows_can_be_added_without_javascript_and_keep_what_was_typed(logged_in, counsellor):
    client = add_client(counsellor)
    form = page(logged_in.get(f"/clients/{client.id}/facts/stay"))
    rows = the_form(form).xpath('.//table[contains(@class, "fact-rows")]/tbody/tr')
    assert len(rows) == 4  # two periods and two empty rows
    assert value_of(form, "status_history.1.status") == "duldung" and value_of(form, "status_history.1.to") == ""
    typed = {"status_history.1.to": "31.12.2025", "status_history.2.status": "beschaeftigungsduldung",
             "status_history.2.from": "01.01.2026", "status_history.3.status": "aufenthaltserlaubnis"}
    more = fill(logged_in, form, typed, button=("add_row", "status_history"))
    html = page(more)
    assert more.status_code == 200
    assert len(the_form(html).xpath('.//table[contains(@class, "fact-rows")]/tbody/tr')) == 5
    assert value_of(html, "status_history.1.to") == "31.12.2025"
    assert value_of(html, "status_history.3.status") == "aufenthaltserlaubnis"
    assert value_of(html, "status_history.4.status") == "" and value_of(html, "status_history.4.from") == ""
    assert "to" not in stored(client)["status_history"][1]  # nothing saved yet
    saved = fill(logged_in, html, {"status_history.3.status": "", "status_history.4.status": "aufenthaltserlaubnis",
                                   "status_history.4.from": "2026-06-01", "status_history.2.to": "31.05.2026"})
    assert saved.status_code == 302
    assert stored(client)["status_history"] == [
        {"status": "gestattung", "from": "2021-08-16", "to": "2023-06-30"},
        {"status": "duldung", "from": "2023-07-01", "to": "2025-12-31"},
        {"status": "beschaeftigungsduldung", "from": "2026-01-01", "to": "2026-05-31"},
        {"status": "aufenthaltserlaubnis", "from": "2026-06-01"},
    ]


def test_a_ticked_row_is_removed_when_saving(logged_in, counsellor):
    client = add_client(counsellor, "karim")
    form = page(logged_in.get(f"/clients/{client.id}/facts/family"))
    assert value_of(form, "household.minor_children.0.date_of_birth") == "2016-03-02"
    assert checked(form, "household.minor_children.0.school_attendance_proven") == "true"
    response = fill(logged_in, form, {"household.minor_children.0.remove": "1",
                                      "household.minor_children.1.date_of_birth": "05.05.2019",
                                      "household.minor_children.1.school_attendance_proven": "false"})
    assert response.status_code == 302
    assert stored(client)["household"]["minor_children"] == [
        {"date_of_birth": "2019-05-05", "school_attendance_proven": False}]


def test_an_empty_table_is_none_or_unknown_as_the_counsellor_says(logged_in, counsellor):
    client = add_client(counsellor)  # "convictions": [] – known to be none
    form = page(logged_in.get(f"/clients/{client.id}/facts/convictions"))
    assert checked(form, "convictions.none") == "none"
    assert fill(logged_in, form, {"convictions.none": "unknown"}).status_code == 302
    assert "convictions" not in stored(client)
    form = page(logged_in.get(f"/clients/{client.id}/facts/convictions"))
    assert checked(form, "convictions.none") == "unknown"
    response = fill(logged_in, form, {"convictions.0.date": "12.03.2024", "convictions.0.fine_daily_rates": "30",
                                      "convictions.0.intentional": "true", "convictions.0.prison_months": "1,5"})
    assert response.status_code == 302
    assert stored(client)["convictions"] == [
        {"date": "2024-03-12", "fine_daily_rates": 30, "intentional": True, "prison_months": 1.5}]
    assert "1,5" in page(logged_in.get(f"/clients/{client.id}/facts/convictions"))


def test_row_errors_point_at_the_row_typed_even_when_the_history_is_sorted(logged_in, counsellor):
    """The facts sort the status history by its start; the errors still land on the row the counsellor typed."""
    client = add_client(counsellor)
    form = page(logged_in.get(f"/clients/{client.id}/facts/stay"))
    response = fill(logged_in, form, {
        "status_history.0.status": "aufenthaltserlaubnis", "status_history.0.from": "01.12.2026",  # the future
        "status_history.0.to": "",
        "status_history.1.status": "gestattung", "status_history.1.from": "16.08.2021",
        "status_history.1.to": "30.06.2023",
        "status_history.2.status": "duldung", "status_history.2.from": "01.07.2023",
        "status_history.2.to": "30.06.2026",
    })
    html = page(response)
    assert response.status_code == 422
    assert error_of(html, "status_history.0.from") == "Datum liegt in der Zukunft"
    assert "status_history-1-from-error" not in html and "status_history-2-from-error" not in html
    without_start = fill(logged_in, form, {"status_history.3.status": "gestattung"})
    assert without_start.status_code == 422
    assert error_of(page(without_start), "status_history.3.from") == "Pflichtangabe fehlt"
    two_open = fill(logged_in, form, {"status_history.2.status": "duldung", "status_history.2.from": "01.01.2026"})
    assert two_open.status_code == 422
    assert "nur der letzte Zeitraum darf ohne Ende sein" in error_of(page(two_open), "status_history")
    backwards = fill(logged_in, form, {"status_history.1.to": "01.06.2023", "status_history.1.from": "01.07.2023"})
    html = page(backwards)
    assert "das Ende liegt vor dem Beginn" in html.split('id="f-status_history-1-error"')[1][:200]
    assert stored(client)["status_history"][1] == {"status": "duldung", "from": "2023-07-01"}


def test_jobs_take_hours_with_a_decimal_comma(logged_in, counsellor):
    client = add_client(counsellor)
    form = page(logged_in.get(f"/clients/{client.id}/facts/work"))
    assert value_of(form, "employment.0.hours_per_week") == "39"
    bad = fill(logged_in, form, {"employment.0.hours_per_week": "viel"})
    assert bad.status_code == 422
    assert "Bitte eine Zahl angeben" in error_of(page(bad), "employment.0.hours_per_week")
    assert value_of(page(bad), "employment.0.hours_per_week") == "viel"
    assert fill(logged_in, form, {"employment.0.hours_per_week": "19,5",
                                  "livelihood.monthly_means_eur": "1.250,50"}).status_code == 302
    facts = stored(client)
    assert facts["employment"][0]["hours_per_week"] == 19.5 and facts["livelihood"]["monthly_means_eur"] == 1250.5


def test_a_decimal_number_is_written_as_the_page_language_writes_it(logged_in, counsellor):
    client = add_client(counsellor)
    facts = stored(client)
    facts["employment"][0]["hours_per_week"] = 19.5
    records.update_facts(Client.get_by_id(client.id), parse_facts(facts), counsellor)
    for language, written in (("de", "19,5"), ("en", "19.5")):
        shown = page(logged_in.get(f"/clients/{client.id}/fakten/work", headers={"Accept-Language": language}))
        form = page(logged_in.get(f"/clients/{client.id}/facts/work", headers={"Accept-Language": language}))
        assert f"<td>{written}</td>" in shown and value_of(form, "employment.0.hours_per_week") == written, language


@pytest.mark.parametrize("language, typed, means", [
    ("de", "1.250", 1250), ("de", "1.250,50", 1250.5), ("de", "1 250", 1250), ("de", "12.000", 12000),
    ("de", "7.5", 7.5), ("de", "1,25", 1.25), ("en", "1,250.50", 1250.5), ("en", "1250", 1250)])
def test_euros_are_read_as_the_counsellor_means_them(logged_in, counsellor, language, typed, means):
    """Monthly means typed as "1.250" are one thousand two hundred and fifty euros, not 1.25 (§ 16g compares them
    with a threshold, and the letter states them)."""
    client = add_client(counsellor)
    url = f"/clients/{client.id}/facts/work"
    form = page(logged_in.get(url, headers={"Accept-Language": language}))
    saved = logged_in.post(url, data={**dict(the_form(form).form_values()), "save": "1",
                                      "livelihood.monthly_means_eur": typed}, headers={"Accept-Language": language})
    assert saved.status_code == 302
    assert stored(client)["livelihood"]["monthly_means_eur"] == means


def test_livelihood_months_are_typed_and_shown_as_german_months(logged_in, counsellor):
    client = add_client(counsellor, livelihood_months=[{"month": "2026-09", "secured": True, "public_funds": False}])
    form = page(logged_in.get(f"/clients/{client.id}/facts/livelihood_months"))
    assert value_of(form, "livelihood_months.0.month") == "09/2026"
    bad = fill(logged_in, form, {"livelihood_months.1.month": "13/2026"})
    assert bad.status_code == 422
    assert "Bitte einen Monat angeben, z. B. 03/2026." in error_of(page(bad), "livelihood_months.1.month")
    assert value_of(page(bad), "livelihood_months.1.month") == "13/2026"
    assert fill(logged_in, form, {"livelihood_months.1.month": "10.2026", "livelihood_months.1.secured": "false",
                                  "livelihood_months.2.month": "2026-11"}).status_code == 302
    assert [m["month"] for m in stored(client)["livelihood_months"]] == ["2026-09", "2026-10", "2026-11"]
    shown = page(logged_in.get(f"/clients/{client.id}/fakten/livelihood_months"))
    assert "09/2026" in shown and "10/2026" in shown and "2026-09" not in shown


# --- a new client -----------------------------------------------------------------------------------------------

NEW = {"person.given_name": "Ayşe", "person.family_name": "Şahin", "person.date_of_birth": "21.11.1990",
       "person.gender": "female", "person.nationality": "Türkei", "person.language": "TR",
       "entry_date": "2019-03-04", "status_history.0.status": "duldung", "status_history.0.from": "01.02.2021"}


def test_a_new_client_from_the_essentials(logged_in):
    form = page(logged_in.get("/clients"))
    assert 'href="/clients/new"' in form
    html = page(logged_in.get("/clients/new"))
    assert "Neue Mandantin / neuer Mandant" in html and 'list="countries"' in html
    assert "style=" not in html and "<script" not in html
    assert '<option value="Syrien"></option>' in html  # names to choose from, not codes
    response = fill(logged_in, html, NEW)
    client = Client.get()
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{client.id}"
    assert records.export_facts(client) == {
        "person": {"given_name": "Ayşe", "family_name": "Şahin", "date_of_birth": "1990-11-21", "gender": "female",
                   "nationality": "TR", "language": "tr"},
        "entry_date": "2019-03-04", "status_history": [{"status": "duldung", "from": "2021-02-01"}],
        "identity": {}, "german": {}, "school": {}, "livelihood": {}, "household": {}, "training": {},
        "departure_impossible": {}}
    assert client.counsellor.username == "beraterin" and client.nationality == "TR"
    page_html = page(logged_in.get(response.headers["Location"]))
    assert "Ayşe Şahin" in page_html and f"Akte {client.reference} angelegt." in page_html


def test_a_new_client_with_errors_keeps_everything_typed(logged_in):
    html = page(logged_in.get("/clients/new"))
    typed = {**NEW, "person.family_name": "", "person.date_of_birth": "32.13.1990", "person.nationality": "Atlantis",
             "status_history.0.from": ""}
    response = fill(logged_in, html, typed)
    html = page(response)
    assert response.status_code == 422
    assert error_of(html, "person.family_name") == "Bitte angeben."
    assert "gültiges Datum" in error_of(html, "person.date_of_birth")
    assert "Staat aus der Liste" in error_of(html, "person.nationality")
    assert error_of(html, "status_history.0.from") == "Pflichtangabe fehlt"  # a status needs its start
    for name in ("person.given_name", "person.date_of_birth", "person.nationality", "person.language",
                 "status_history.0.status"):
        assert value_of(html, name) == typed[name], name
    assert Client.select().count() == 0
    future = fill(logged_in, html, {**NEW, "entry_date": "22.11.2026"})
    assert future.status_code == 422 and error_of(page(future), "entry_date") == "Datum liegt in der Zukunft"
    assert Client.select().count() == 0


def test_the_json_import_stays_as_a_second_way(logged_in):
    html = page(logged_in.get("/clients/import"))  # its own page, linked from the client list
    form = lxml.html.fromstring(html).xpath('//section[@id="import"]//form')[0]
    values = dict(form.form_values())
    values["facts_json"] = json.dumps(demo_facts("amina"))
    assert logged_in.post(form.action, data=values).status_code == 302
    assert Client.select().count() == 1


def test_the_facts_a_letter_argues_from_are_typed_into_their_groups(logged_in, counsellor):
    """Occupation and training company, employer, school, certificates and voluntary work (issue 14)."""
    client = add_client(counsellor)
    training = page(logged_in.get(f"/clients/{client.id}/facts/training"))
    assert "Ausbildungsberuf" in training and "Ausbildungsbetrieb bzw. Berufsfachschule" in training
    assert fill(logged_in, training, {"training.title": "Pflegefachhelfer",
                                      "training.company": "Pflegedienst Elbtal GmbH",
                                      "training.company_place": "Dresden"}).status_code == 302
    language = page(logged_in.get(f"/clients/{client.id}/facts/language"))
    assert '<option value="language_certificate">Sprachzertifikat</option>' in language
    assert fill(logged_in, language, {
        "school.name": "Oberschule Dresden-Cotta", "school.from_year": "2019", "school.to_year": "2022",
        "certificates.0.kind": "language_certificate", "certificates.0.name": "telc Deutsch B1",
        "certificates.0.level": "B1", "certificates.0.date": "12.03.2026", "certificates.0.issuer": "telc gGmbH",
        "voluntary_work.0.organisation": "Tafel Dresden e. V.", "voluntary_work.0.activity": "Ausgabe",
        "voluntary_work.0.from": "01.05.2024", "voluntary_work.0.hours_per_week": "3"}).status_code == 302
    work = page(logged_in.get(f"/clients/{client.id}/facts/work"))
    assert fill(logged_in, work, {"employment.0.employer": "Bäckerei Schmidt",
                                  "employment.0.employer_place": "Pirna",
                                  "employment.0.occupation": "Verkaufshilfe"}).status_code == 302
    facts = stored(client)
    assert facts["training"]["title"] == "Pflegefachhelfer" and facts["training"]["company_place"] == "Dresden"
    assert facts["school"]["name"] == "Oberschule Dresden-Cotta" and facts["school"]["to_year"] == 2022
    assert facts["certificates"] == [{"kind": "language_certificate", "name": "telc Deutsch B1", "level": "B1",
                                      "date": "2026-03-12", "issuer": "telc gGmbH"}]
    assert facts["voluntary_work"] == [{"organisation": "Tafel Dresden e. V.", "activity": "Ausgabe",
                                        "from": "2024-05-01", "hours_per_week": 3.0}]
    assert facts["employment"][0]["employer"] == "Bäckerei Schmidt"
    shown = {group: page(logged_in.get(f"/clients/{client.id}/fakten/{group}")).split('id="fakten"')[1]
             for group in ("language", "training", "work")}  # the facts tab shows one group at a time
    assert "telc Deutsch B1" in shown["language"] and "Tafel Dresden e. V." in shown["language"]
    assert "Pflegedienst Elbtal GmbH" in shown["training"] and "Bäckerei Schmidt" in shown["work"]
