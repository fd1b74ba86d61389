"""The statistics page: a counsellor sees their own figures or the team's, an administrator everyone's, with a
chart (inline SVG, no script) beside each table; the period can be chosen, a wrong one is refused with the
reason; the report downloads in four formats with small counts suppressed, and the download is audited."""
from __future__ import annotations

import io
import json
import zipfile

import lxml.html
import openpyxl
from docx import Document as Docx

from perspektive.audit import AuditEvent
from tests.conftest import BrowserClient, login


def rows(html: str, key: str) -> dict[str, list[str]]:
    doc = lxml.html.fromstring(html)
    found = {}
    for tr in doc.xpath(f'//section[@id="{key}"]//table/tbody/tr'):
        found[tr.xpath("./th")[0].text_content().strip()] = [td.text_content().strip() for td in tr.xpath("./td")]
    return found


def signed_in(app, username):
    app.test_client_class = BrowserClient
    http = app.test_client()
    assert login(http, username).status_code == 302
    return http


def test_a_counsellor_sees_own_and_team_figures_with_charts(app, world):
    http = signed_in(app, "anna")
    response = http.get("/statistics?period=2026Q3")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert rows(html, "consultations") == {"Erstberatungen": ["2"], "Folgeberatungen": ["2"]}
    doc = lxml.html.fromstring(html)
    assert len(doc.xpath('//section[@id="countries"]//svg[@role="img"]')) == 1
    assert not doc.xpath("//script")
    team = http.get("/statistics?period=2026Q3&scope=team").get_data(as_text=True)
    assert rows(team, "consultations") == {"Erstberatungen": ["8"], "Folgeberatungen": ["2"]}
    assert rows(team, "outcomes_per_path")["§ 25b AufenthG"] == ["1", "1", "1", "0", "0", "50 %"]


def test_an_administrator_sees_everyone(app, world, administrator):
    http = signed_in(app, administrator.username)
    html = http.get("/statistics?custom=2026-07-01..2026-09-30").get_data(as_text=True)
    assert rows(html, "countries") == {"Eritrea": ["5"], "Sonstige": ["4"]}


def test_the_overview_counts_in_the_right_number(app, world, administrator):
    http = signed_in(app, administrator.username)
    doc = lxml.html.fromstring(http.get("/statistics?period=2026Q3").get_data(as_text=True))
    overview = [dd.text_content().strip() for dd in doc.xpath('//section[@id="ueberblick"]//dd')]
    assert "10 (Erstberatungen: 8, Folgeberatungen: 2)" in overview
    assert "Median 8 Tage, längstens 10 Tage (4 Fälle)" in overview
    assert "Median 56,5 Tage, längstens 61 Tage (2 Fälle)" in overview


def test_a_single_case_and_a_single_day_are_singular(app):
    from flask_babel import force_locale

    from perspektive.statistics.figures import Duration
    from perspektive.statistics.report import duration_text

    with app.test_request_context():
        assert duration_text(Duration(1, 1, 1)) == "Median 1 Tag, längstens 1 Tag (1 Fall)"
        assert duration_text(Duration(2, 1.5, 2)) == "Median 1,5 Tage, längstens 2 Tage (2 Fälle)"
    with app.test_request_context(), force_locale("en"):
        assert duration_text(Duration(1, 1, 1)) == "median 1 day, longest 1 day (1 case)"
        assert duration_text(Duration(2, 1.5, 2)) == "median 1.5 days, longest 2 days (2 cases)"


def test_a_wrong_period_is_refused_with_the_reason(app, world):
    http = signed_in(app, "anna")
    response = http.get("/statistics?custom=2026-09-30..2026-07-01")
    assert response.status_code == 400
    assert "Das Ende des Zeitraums liegt vor seinem Anfang." in response.get_data(as_text=True)
    assert http.get("/statistics/report.json?period=2026Q9").status_code == 400


def test_the_report_downloads_in_four_formats_with_small_counts_hidden(app, world, administrator):
    http = signed_in(app, administrator.username)
    data = json.loads(http.get("/statistics/report.json?period=2026Q3").get_data())
    assert data["header"]["period"] == "01.07.2026 – 30.09.2026"
    countries = data["tables"]["countries"]
    # Eritrea's 5 and the total of 9 would give away the 4 others: Eritrea is hidden too
    assert [(r["label"], r["values"]) for r in countries["rows"]] == [("Eritrea", ["."]), ("Sonstige", ["< 5"])]
    assert countries["column_totals"] == [9]
    assert [r["values"] for r in data["tables"]["age"]["rows"]] == [["< 5"], ["< 5"], [7], [0]]
    for table in data["tables"].values():
        for row in table["rows"]:
            assert all(v in ("< 5", ".") or v == 0 or v >= 5 for v in row["values"])

    book = openpyxl.load_workbook(io.BytesIO(http.get("/statistics/report.xlsx?period=2026Q3").get_data()),
                                  read_only=True)
    sheet = book["countries"]
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    cells = {row[0]: row[1] for row in values if row and row[0]}
    assert (cells["Eritrea"], cells["Sonstige"], cells["Summe"]) == (".", "< 5", 9)

    archive = zipfile.ZipFile(io.BytesIO(http.get("/statistics/report.csv?period=2026Q3").get_data()))
    assert "countries.csv" in archive.namelist() and "bericht.csv" in archive.namelist()
    assert "Sonstige;< 5" in archive.read("countries.csv").decode("utf-8-sig")

    document = Docx(io.BytesIO(http.get("/statistics/report.docx?period=2026Q3").get_data()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Zeitraum: 01.07.2026 – 30.09.2026" in text
    assert document.inline_shapes  # the charts
    assert AuditEvent.select().where(AuditEvent.action == "statistics.report").count() == 4


def test_authority_contacts_have_no_statistics(app, world, make_user):
    make_user("abh", role="authority_contact")
    http = signed_in(app, "abh")
    assert http.get("/statistics").status_code == 403


def test_the_authoritys_procedure_statistics_stand_beside_the_counsellings_figures(app, world):
    """Issue 15: the authority's quarterly figures (entered in the portal) on the same page, with the trend of
    long-term Duldungen from one reference day to the next; the case conferences as a figure of their own."""
    import datetime as dt

    from perspektive import procedure_stats
    from tests.procedure_stats.test_procedure_stats import values

    contact = world["users"]["ben"]  # who entered them (the audit needs a person)
    for day, long_term in (("2026-07-15", 40), ("2026-09-30", 34)):
        procedure_stats.store({**values(day, long_term), "reference_day": dt.date.fromisoformat(day)}, "form",
                              contact)
    html = signed_in(app, "anna").get("/statistics?period=2026Q3").get_data(as_text=True)
    trend = rows(html, "verfahrensstatistik")
    assert trend["15.07.2026"][:3] == ["220", "40", "–"]
    assert trend["30.09.2026"][:3] == ["214", "34", "-6"]
    assert rows(html, "conferences") == {"alle Beratenden": ["0", "0"]}  # followed, not (yet) followed


def test_the_conferences_split_the_discussed_cases_by_whether_the_recommendation_was_followed(app, world,
                                                                                              monkeypatch):
    """The two columns add up to the cases discussed, so neither the chart nor the sum counts a case twice."""
    from perspektive.statistics import figures

    monkeypatch.setattr(figures, "conference_counts", lambda start, end: {"held": 5, "recommendations_followed": 2})
    html = signed_in(app, "anna").get("/statistics?period=2026Q3").get_data(as_text=True)
    assert rows(html, "conferences") == {"alle Beratenden": ["2", "3"]}
