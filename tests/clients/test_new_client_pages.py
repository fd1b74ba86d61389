"""A counsellor's first conversation on the pages: the new-client form takes the whole status history (rows added
without JavaScript), countries and languages are names to choose from (the codes stay in the facts), and the
import of a file of facts has its own page away from the client list."""
from __future__ import annotations

import lxml.html

from perspektive.clients import records
from perspektive.clients.models import Client
from perspektive.clients.names import country_code, language_code
from perspektive.law.facts import parse_facts
from tests.clients.test_fact_forms import fill, value_of

NEW = {"person.given_name": "Zahra", "person.family_name": "Ahmadi", "person.date_of_birth": "02.05.2001",
       "person.gender": "female", "person.nationality": "Afghanistan", "person.language": "Dari",
       "entry_date": "15.09.2019",
       "status_history.0.status": "gestattung", "status_history.0.from": "20.09.2019",
       "status_history.0.to": "30.04.2022",
       "status_history.1.status": "duldung", "status_history.1.from": "01.05.2022",
       "status_history.1.valid_until": "31.01.2027"}


def page(response) -> str:
    return response.get_data(as_text=True)


def test_the_new_client_form_takes_the_asylum_years_and_the_duldung(logged_in):
    html = page(logged_in.get("/clients/new"))
    assert 'name="status_history.1.from"' in html and 'name="status_history.0.valid_until"' in html
    response = fill(logged_in, html, NEW)
    assert response.status_code == 302, page(response)
    client = Client.get()
    facts = records.export_facts(client)
    assert facts["person"]["nationality"] == "AF" and facts["person"]["language"] == "fa"  # codes stored
    assert facts["status_history"] == [
        {"status": "gestattung", "from": "2019-09-20", "to": "2022-04-30"},
        {"status": "duldung", "from": "2022-05-01", "valid_until": "2027-01-31"}]
    stay = page(logged_in.get(f"/clients/{client.id}/fakten/stay"))
    items = [" ".join(li.text_content().split()) for li in lxml.html.fromstring(stay).xpath('//ol[@class="timeline"]/li')]
    assert items[2].startswith("Aufenthaltsgestattung von 20.09.2019 bis 30.04.2022")  # no gap for the asylum years
    assert not any(item.startswith("Lücke") for item in items[2:])
    assert "31.01.2027" in stay  # the Duldung paper's validity


def test_one_more_status_row_without_javascript(logged_in):
    html = page(logged_in.get("/clients/new"))
    rows = int(value_of(html, "status_history.rows"))
    response = fill(logged_in, html, {"person.family_name": "Ahmadi"}, button=("add_row", "status_history"))
    assert response.status_code == 200 and Client.select().count() == 0  # nothing saved yet
    more = page(response)
    assert int(value_of(more, "status_history.rows")) == rows + 1
    assert value_of(more, "person.family_name") == "Ahmadi"  # what was typed stays


def test_countries_and_languages_are_names_on_every_page(logged_in, counsellor):
    html = page(logged_in.get("/clients/new"))
    for name in ("Afghanistan", "Syrien", "Eritrea"):
        assert f'<option value="{name}"></option>' in html
    for name in ("Farsi / Dari (Persisch)", "Arabisch", "Tigrinya", "Paschtu"):
        assert f'<option value="{name}"></option>' in html
    fill(logged_in, html, NEW)
    client = Client.get()
    overview = lxml.html.fromstring(page(logged_in.get(f"/clients/{client.id}"))).get_element_by_id("person")
    assert "Afghanistan" in overview.text_content() and "Farsi / Dari" in overview.text_content()
    person = page(logged_in.get(f"/clients/{client.id}/fakten/person"))
    assert "<dd>Afghanistan</dd>" in person and "<dd>AF</dd>" not in person
    form = page(logged_in.get(f"/clients/{client.id}/facts/person"))
    assert value_of(form, "person.nationality") == "Afghanistan"  # the form shows the name again
    english = page(logged_in.get(f"/clients/{client.id}/fakten/person", headers={"Accept-Language": "en"}))
    assert "<dd>Farsi / Dari (Persian)</dd>" in english


def test_names_in_either_language_parts_and_codes_are_understood():
    assert country_code("syrien") == country_code("Syria") == country_code("SY") == "SY"
    assert country_code("Türkei") == country_code("turkei") == "TR"
    assert language_code("Dari") == language_code("farsi") == language_code("Persisch") == "fa"
    assert language_code("Klingonisch") is None


def test_the_import_has_its_own_page_and_no_page_shows_developer_words(logged_in, counsellor):
    listing = page(logged_in.get("/clients"))
    assert "<textarea" not in listing and 'href="/clients/import"' in listing
    importing = page(logged_in.get("/clients/import"))
    assert 'id="facts_json"' in importing and 'action="/clients"' in importing
    client = records.create_client(parse_facts({"person": {"family_name": "Neu"}}), counsellor)
    for url in ("/clients", "/clients/import", "/clients/new", f"/clients/{client.id}",
                f"/clients/{client.id}/facts/person", f"/clients/{client.id}/fakten/person"):
        text = page(logged_in.get(url))
        for word in ("ISO 639", "ISO 3166", "case-facts.md", "shared/"):
            assert word not in text, (url, word)
