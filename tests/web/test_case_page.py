"""The case page through the browser's eyes: a counsellor opens a § 25b case and works through it (what the path
says today, the checklist with ticks, notes and expiry days, the letters as .docx and PDF, the case's follow-ups and
referrals); refused values come back next to their field; nobody else reaches the case. Today is 21.11.2026."""
from __future__ import annotations

import datetime as dt
import html as markup
import io
import re
from pathlib import Path

import pytest
from docx import Document as Docx
from pypdf import PdfReader

from perspektive import sealing
from perspektive.clients import cases, records
from perspektive.clients.models import Case
from perspektive.db import db
from perspektive.documents import checklists, pdf
from perspektive.documents.models import ChecklistTick, Document
from perspektive.documents.pdf import PdfError
from perspektive.followups.models import FollowUpRecord
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from perspektive.referrals.models import AuthorityContact, Consent, Referral
from tests.common.hostile_letters import GROWS_FOR_AMINA, LOOPS_FOR_AMINA, use_letter
from tests.conftest import csrf_token, demo_facts, login


def sealed_note(case, item: str, text: str) -> str:
    """A checklist note as the store keeps it: sealed, bound to its case and item."""
    return sealing.seal(text, "checklist_tick", "note", checklists.note_row_id(case.id, item))

TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)
PASSPORT = "Nationalpass oder Passersatz (Kopie, Original zur Vorlage)"


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def open_case(owner, name: str = "amina"):
    client = records.create_client(parse_facts(demo_facts(name)), owner)
    return cases.open_case(client, "section_25b", owner)


@pytest.fixture
def case(counsellor):
    return open_case(counsellor)


def url(case) -> str:
    return f"/clients/{case.client_id}/cases/{case.id}"


def text(response) -> str:
    return response.get_data(as_text=True)


def case_page(http, case) -> str:
    response = http.get(url(case))
    assert response.status_code == 200
    return text(response)


def row(html: str, item: str) -> str:
    """The checklist row of ``item`` (the id is not in the page's anchors; they are a hash of it)."""
    anchor = checklists.anchor(item)
    return html.split(f'<tr id="{anchor}"')[1].split("</tr>")[0]


def change(http, case, field: str, item: str, **values):
    token = csrf_token(case_page(http, case))
    return http.post(f"{url(case)}/checklist/{field}", data={"csrf_token": token, "item": item, **values})


def input_value(html: str, input_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{input_id}"[^>]*>', html).group()
    return markup.unescape(re.search(r'value="([^"]*)"', tag).group(1))


# --- what the page shows --------------------------------------------------------------------------------------------

def test_the_page_shows_the_path_its_state_and_what_the_law_says_today(logged_in, case):
    html = case_page(logged_in, case)
    assert "<h1>§ 25b AufenthG – Aufenthaltsgewährung bei nachhaltiger Integration</h1>" in html
    assert "Amina Yousef" in html and case.client.reference in html
    assert "<strong>offen</strong>" in html and "21.11.2026" in html
    assert html.count("31.12.2022") >= 2 and case.rules_version == "2022-12-31"  # when opened, and today, in German
    assert "2022-12-31" not in html
    assert '<span class="verdict verdict-eligible">Offen</span>' in html
    for citation in ("§ 25b Abs. 1 S. 1 AufenthG", "§ 25b Abs. 1 S. 2 Nr. 1, Abs. 6, Abs. 7 AufenthG",
                     "§ 25b Abs. 1 S. 2 Nr. 4, Abs. 3 AufenthG", "§ 25b Abs. 2 Nr. 1 AufenthG"):
        assert f'<span class="citation">{citation}</span>' in html
    assert '<tr class="met">' in html and "erfüllt" in html
    status_form = html.split('id="fall"')[1].split("</section>")[0]
    assert f'action="/clients/{case.client_id}/cases/{case.id}/status"' in status_form
    assert '<option value="submitted">beantragt</option>' in status_form
    assert "style=" not in html and "<script" not in html  # the CSP allows neither


def test_the_checklist_lists_the_paths_documents_in_the_pages_language(logged_in, case):
    html = case_page(logged_in, case)
    for german in ("Antragsformular der Ausländerbehörde, unterschrieben", "Biometrisches Passfoto", PASSPORT,
                   "Meldebescheinigung", "Sprachzertifikat mindestens A2 (telc, Goethe, ÖSD) oder deutsches Schul- "
                   "oder Berufsabschlusszeugnis", "Schulbescheinigung für das Kind, geboren am 01.09.2015"):
        assert markup.escape(german) in html
    assert "Biometric passport photo" not in html  # one language per page
    english = logged_in.get(f"/clients/{case.client.id}/cases/{case.id}",
                            headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Biometric passport photo" in english and "Biometrisches Passfoto" not in english
    assert "für § 60 AufenthV: Lichtbild für den Aufenthaltstitel" in html
    assert "Ärztliche Bescheinigungen" not in html  # Amina's facts do not call for them
    assert "2015-09-01" not in html.split('id="checkliste"')[1].split('name="item"')[0]  # not in anchors or ids


def test_a_changed_status_goes_through_the_case_status_form(logged_in, case):
    token = csrf_token(case_page(logged_in, case))
    response = logged_in.post(f"{url(case)}/status", data={"csrf_token": token, "status": "submitted"})
    assert response.status_code == 302
    assert "<strong>beantragt</strong>" in case_page(logged_in, case)


# --- the checklist ------------------------------------------------------------------------------------------------

def test_ticking_off_an_item_is_kept_and_can_be_taken_back(logged_in, case):
    photo = row(case_page(logged_in, case), "photo")
    assert 'name="done" value="1">' in photo and "checked" not in photo

    response = change(logged_in, case, "done", "photo", done="1")
    assert response.status_code == 302
    assert response.headers["Location"] == f"{url(case)}#{checklists.anchor('photo')}"  # back to the item
    html = case_page(logged_in, case)
    assert 'name="done" value="1" checked>' in row(html, "photo")
    assert "checked" not in row(html, "passport")

    assert change(logged_in, case, "done", "photo").status_code == 302  # the box sent unticked
    assert "checked" not in row(case_page(logged_in, case), "photo")


def test_a_note_is_kept_with_its_item(logged_in, case):
    note = "Termin Botschaft am 03.12.; Kopie reicht? <nachfragen> & melden"
    assert change(logged_in, case, "note", "passport", note=note).status_code == 302
    html = case_page(logged_in, case)
    assert input_value(html, f"note-{checklists.anchor('passport')}") == note
    assert "<nachfragen>" not in html  # escaped like every value
    assert change(logged_in, case, "note", "passport", note="").status_code == 302
    assert input_value(case_page(logged_in, case), f"note-{checklists.anchor('passport')}") == ""


def test_a_too_long_note_is_refused_next_to_the_field_with_the_text_kept(logged_in, case):
    change(logged_in, case, "note", "passport", note="alt")
    typed = "Ä" * 501
    response = change(logged_in, case, "note", "passport", note=typed)
    assert response.status_code == 422
    html = text(response)
    anchor = checklists.anchor("passport")
    assert input_value(html, f"note-{anchor}") == typed
    assert f'aria-describedby="note-{anchor}-error"' in html
    assert (f'<p class="field-error" id="note-{anchor}-error">Die Notiz ist 501 Zeichen lang, erlaubt sind 500.'
            in html)
    assert checklists.open_note(ChecklistTick.get(ChecklistTick.item == "passport")) == "alt"
    assert 'class="flash' not in html.split("<main>")[1].split('id="schreiben"')[0]  # no flash: next to the field


def test_an_expiry_day_in_the_past_warns_that_the_document_must_be_renewed(logged_in, case):
    assert change(logged_in, case, "expiry", "passport", expires_on="15.10.2026").status_code == 302
    passport = row(case_page(logged_in, case), "passport")
    assert input_value(passport, f"expiry-{checklists.anchor('passport')}") == "15.10.2026"
    assert 'class="expiry-flag expiry-expired"' in passport
    assert "Abgelaufen am 15.10.2026 – vor dem Antrag erneuern." in passport

    assert change(logged_in, case, "expiry", "passport", expires_on="2026-12-01").status_code == 302  # a date field
    passport = row(case_page(logged_in, case), "passport")
    assert "Läuft am 01.12.2026 ab, in weniger als 30 Tagen" in passport

    assert change(logged_in, case, "expiry", "passport", expires_on="09.01.2029").status_code == 302
    assert "expiry-flag" not in row(case_page(logged_in, case), "passport")


def test_a_document_expiring_before_the_path_opens_is_flagged(logged_in, counsellor):
    dawit = open_case(counsellor, "dawit")  # § 25b opens on 16.08.2027
    assert change(logged_in, dawit, "expiry", "passport", expires_on="01.08.2027").status_code == 302
    assert "Läuft am 01.08.2027 ab, vor dem frühesten Antragstag 16.08.2027" in row(case_page(logged_in, dawit),
                                                                                   "passport")


@pytest.mark.parametrize("typed, message", [
    ("31.02.2026", "Bitte ein gültiges Ablaufdatum angeben, z. B. 21.11.2026, oder das Feld leeren."),
    ("morgen", "Bitte ein gültiges Ablaufdatum angeben, z. B. 21.11.2026, oder das Feld leeren."),
])
def test_a_bad_expiry_day_is_refused_next_to_the_field_with_the_value_kept(logged_in, case, typed, message):
    change(logged_in, case, "expiry", "passport", expires_on="09.01.2029")
    response = change(logged_in, case, "expiry", "passport", expires_on=typed)
    assert response.status_code == 422
    html = text(response)
    anchor = checklists.anchor("passport")
    passport = row(html, "passport")
    assert input_value(passport, f"expiry-{anchor}") == typed
    assert f'aria-invalid="true" aria-describedby="expiry-{anchor}-error"' in passport
    assert f'<p class="field-error" id="expiry-{anchor}-error">{markup.escape(message)}' in passport
    assert "field-error" not in row(html, "photo")  # only next to the refused field
    assert ChecklistTick.get(ChecklistTick.item == "passport").expires_on == dt.date(2029, 1, 9)
    assert f'action="{url(case)}/checklist/expiry#{anchor}"' in passport  # the next try comes back here too


def test_an_item_that_is_not_on_the_checklist_is_not_found(logged_in, case):
    for field, values in (("done", {"done": "1"}), ("note", {"note": "x"}), ("expiry", {"expires_on": ""})):
        assert change(logged_in, case, field, "medical", **values).status_code == 404
    assert change(logged_in, case, "done", "", done="1").status_code == 404
    assert logged_in.post(f"{url(case)}/checklist/colour", data={}).status_code in (400, 404)
    assert ChecklistTick.select().count() == 0


def test_an_item_the_checklist_dropped_is_still_shown_with_what_was_recorded(logged_in, case):
    ChecklistTick.create(case=case, item="medical", done=True, note=sealed_note(case, "medical", "Attest liegt vor"))
    medical = row(case_page(logged_in, case), "medical")
    assert "Ärztliche Bescheinigungen zu Krankheit, Behinderung oder Alter" in medical
    assert "nicht mehr in der Checkliste" in medical and "checked" in medical


# --- letters --------------------------------------------------------------------------------------------------------

def download(http, case, letter: str, kind: str):
    token = csrf_token(case_page(http, case))
    return http.post(f"{url(case)}/letters/{letter}/{kind}", data={"csrf_token": token})


def docx_text(data: bytes) -> str:
    document = Docx(io.BytesIO(data))
    cells = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.parametrize("letter", ["antrag", "checkliste"])
def test_the_letters_download_as_docx_with_the_clients_name_and_are_kept(logged_in, case, letter):
    response = download(logged_in, case, letter, "docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert f"DD-4711-25_25b_{letter.capitalize()}_2026-11-21.docx" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert "Yousef" in docx_text(response.data)
    assert [(d.workflow, d.kind) for d in Document.select()] == [("section_25b", letter)]


def test_the_letter_downloads_as_pdf_and_only_its_docx_is_kept(app, logged_in, case):
    response = download(logged_in, case, "antrag", "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "DD-4711-25_25b_Antrag_2026-11-21.pdf" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assert response.data.startswith(b"%PDF")
    pdf_text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "Amina Yousef" in pdf_text
    [kept] = Document.select()
    assert (kept.workflow, kept.kind) == ("section_25b", "antrag")
    stored = list((Path(app.config["DATA_DIR"]) / "documents").iterdir())
    assert [p.name for p in stored] == [kept.storage_key]
    assert stored[0].read_bytes().startswith(b"PK")  # the .docx; no PDF at rest


def test_a_failed_conversion_is_shown_in_the_letter_section_and_nothing_is_kept(logged_in, case, monkeypatch):
    def too_slow(data, timeout, warm=False):  # as pdf.docx_to_pdf: the page asks for the warm LibreOffice
        raise PdfError("Die Umwandlung in PDF hat das Zeitlimit von 60 Sekunden überschritten und wurde abgebrochen.")

    monkeypatch.setattr(pdf, "docx_to_pdf", too_slow)
    response = download(logged_in, case, "antrag", "pdf")
    assert response.status_code == 422
    section = text(response).split('id="schreiben"')[1].split("</section>")[0]
    assert "Zeitlimit von 60 Sekunden" in section
    assert Document.select().count() == 0


@pytest.mark.parametrize("body, reason", [
    (GROWS_FOR_AMINA, "größer als 1 MB"),
    (LOOPS_FOR_AMINA, "dauerte länger als 2 Sekunden"),
], ids=["grows", "loops"])
@pytest.mark.parametrize("kind", ["docx", "pdf"])
def test_a_letter_that_runs_away_for_this_client_is_refused_and_nothing_is_kept(app, logged_in, case, monkeypatch,
                                                                               tmp_path, body, reason, kind):
    """Probe finding 4, checklist row 4: a template that loops or grows for this client's name stops at the render
    limits; the page answers 422 with the reason in the letter section instead of holding the worker."""
    use_letter(monkeypatch, tmp_path, "section_25b", "antrag", body)
    app.config.update(RENDER_TIMEOUT_SECONDS=2, RENDER_MAX_OUTPUT_BYTES=1_000_000)
    response = download(logged_in, case, "antrag", kind)
    assert response.status_code == 422
    section = markup.unescape(text(response).split('id="schreiben"')[1].split("</section>")[0])
    assert reason in section
    assert Document.select().count() == 0
    assert download(logged_in, case, "checkliste", "docx").status_code == 200  # the next letter renders


def test_without_libreoffice_the_page_offers_docx_and_says_what_pdf_needs(logged_in, case, monkeypatch):
    monkeypatch.setattr(pdf, "binary", lambda: None)  # as shutil.which answers without soffice on PATH
    html = case_page(logged_in, case)
    section = html.split('id="schreiben"')[1].split("</section>")[0]
    assert "/letters/antrag/docx" in section and "/letters/antrag/pdf" not in section
    assert "PDF ist nicht verfügbar: dafür muss LibreOffice auf dem Server installiert sein." in section
    response = download(logged_in, case, "antrag", "pdf")
    assert response.status_code == 422 and "LibreOffice ist auf dem Server nicht installiert" in text(response)


def test_unknown_letters_are_not_found(logged_in, case):
    assert download(logged_in, case, "mahnung", "docx").status_code == 404
    assert download(logged_in, case, "antrag", "odt").status_code == 404


# --- follow-ups and referrals -----------------------------------------------------------------------------------------

def test_the_cases_followups_are_those_of_its_path_and_of_every_path(logged_in, counsellor):
    dawit = open_case(counsellor, "dawit")
    [opens] = FollowUpRecord.select().where(FollowUpRecord.workflow == "section_25b")
    common = dict(client=dawit.client, citation="§ 81 Abs. 4 AufenthG", basis="Test", remind_days_before="14")
    every = FollowUpRecord.create(workflow="", kind="permit_expires", due=dt.date(2027, 2, 1),
                                  text="Aufenthaltserlaubnis läuft ab", **common)
    other = FollowUpRecord.create(workflow="section_60c", kind="training_ends", due=dt.date(2027, 3, 1),
                                  text="Ausbildung endet", **common)
    section = case_page(logged_in, dawit).split('id="fristen"')[1].split("</section>")[0]
    assert f'href="/followups/{opens.id}"' in section and "16.08.2027" in section
    assert f'href="/followups/{every.id}"' in section and "alle Wege" in section
    assert f'href="/followups/{other.id}"' not in section and "Ausbildung endet" not in section
    assert section.index("01.02.2027") < section.index("16.08.2027")  # soonest first


def add_referral(client, counsellor, workflow: str, status: str) -> Referral:
    contact = AuthorityContact.get_or_none() or AuthorityContact.create(
        name="Max Meier", department="Sachgebiet Bleiberecht", email="m.meier@abh.example")
    consent = Consent.create(client=client, recipient=contact, given_on=dt.date(2026, 11, 2), scope="letter")
    return Referral.create(id=f"{Referral.select().count():032x}", client=client, contact=contact,
                           counsellor=counsellor, consent=consent, workflow=workflow, documents="letter",
                           documents_on=dt.date(2026, 11, 21), status=status)


def test_the_cases_referrals_are_listed_with_their_status_and_a_way_to_send_one(logged_in, case, counsellor):
    html = case_page(logged_in, case)
    section = html.split('id="uebermittlungen"')[1].split("</section>")[0]
    assert "Noch keine Übermittlungen für diesen Weg." in section
    assert f'href="/clients/{case.client_id}/uebermittlung?workflow=section_25b"' in section

    queued = add_referral(case.client, counsellor, "section_25b", "queued")
    add_referral(case.client, counsellor, "section_25a", "sent")
    section = case_page(logged_in, case).split('id="uebermittlungen"')[1].split("</section>")[0]
    assert queued.id[:8].upper() in section and "in Warteschlange" in section and "Max Meier" in section
    assert section.count("<tr>") == 2  # the heading and this path's one referral


def test_the_page_needs_no_more_queries_for_more_items_followups_and_referrals(logged_in, counsellor, monkeypatch):
    bare, busy = open_case(counsellor), open_case(counsellor, "dawit")
    for item in ("photo", "passport", "registration", "livelihood", "medical"):
        ChecklistTick.create(case=busy, item=item, done=True, note=sealed_note(busy, item, "n"),
                             expires_on=dt.date(2027, 1, 1))
    for workflow in ("section_25b", "section_25b", "section_25b"):
        add_referral(busy.client, counsellor, workflow, "sent")
    assert FollowUpRecord.select().where(FollowUpRecord.client == busy.client).exists()
    statements = []
    execute = db.obj.execute_sql
    monkeypatch.setattr(db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or execute(sql, *a, **k))

    def count(case) -> int:
        statements.clear()
        case_page(logged_in, case)
        return len(statements)

    assert count(busy) == count(bare) > 0


# --- who may ------------------------------------------------------------------------------------------------------

def test_another_counsellor_finds_neither_the_case_nor_its_forms(http, case, make_user):
    make_user("kollegin")
    assert login(http, "kollegin").status_code == 302
    token = csrf_token(text(http.get("/followups")))
    assert http.get(url(case)).status_code == 404
    assert http.post(f"{url(case)}/checklist/done", data={"csrf_token": token, "item": "photo", "done": "1"}) \
        .status_code == 404
    assert http.post(f"{url(case)}/letters/antrag/docx", data={"csrf_token": token}).status_code == 404
    assert ChecklistTick.select().count() == 0 and Document.select().count() == 0


def test_a_case_is_found_only_under_its_own_client(logged_in, case, counsellor):
    other = records.create_client(parse_facts(demo_facts("karim")), counsellor)
    assert logged_in.get(f"/clients/{other.id}/cases/{case.id}").status_code == 404
    assert logged_in.get(f"/clients/{case.client_id}/cases/{case.id + 1}").status_code == 404


def test_changes_without_the_csrf_token_are_refused_and_change_nothing(logged_in, case):
    case_page(logged_in, case)
    assert logged_in.post(f"{url(case)}/checklist/done", data={"item": "photo", "done": "1"}).status_code == 400
    assert logged_in.post(f"{url(case)}/checklist/note", data={"item": "photo", "note": "x",
                                                               "csrf_token": "falsch"}).status_code == 400
    assert logged_in.post(f"{url(case)}/letters/antrag/docx").status_code == 400
    assert ChecklistTick.select().count() == 0 and Document.select().count() == 0


def test_changes_over_get_are_not_allowed(logged_in, case):
    assert logged_in.get(f"{url(case)}/checklist/done?item=photo&done=1").status_code == 405
    assert logged_in.get(f"{url(case)}/letters/antrag/docx").status_code == 405


def test_the_page_needs_a_login(http, case):
    response = http.get(url(case))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_case_whose_path_left_the_catalogue_still_shows_what_was_recorded(logged_in, case):
    gone = Case.create(client=case.client, counsellor=case.counsellor, workflow="section_99z", rules_version="2020",
                       verdict="eligible", opened_on=dt.date(2025, 1, 2))
    ChecklistTick.create(case=gone, item="old_form", done=True, note=sealed_note(gone, "old_form", "abgegeben"))
    html = case_page(logged_in, gone)
    assert "<h1>section_99z</h1>" in html and "Dieser Weg ist nicht mehr im Katalog" in html
    old = row(html, "old_form")
    assert "old_form" in old and "nicht mehr in der Checkliste" in old and "checked" in old
    assert "Für diesen Weg gibt es keine Schreiben." in html
    assert download(logged_in, gone, "antrag", "docx").status_code == 404
