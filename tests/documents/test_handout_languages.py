"""The client's handout in the client's language: Farsi, Arabic and Urdu right to left, every shipped language
complete for every workflow, "not yet reviewed" until an administrator marks the translation reviewed, German for a
language without a translation, never German and another language mixed. Today is 21.11.2026."""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from lxml import etree
from pypdf import PdfReader

from perspektive.clients import cases, load_facts, records
from perspektive.documents import checklists, pdf, translations
from perspektive.documents.handout import handout_language
from perspektive.documents.letters import render_letter
from perspektive.law import ChecklistEntry, current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import GERMANY
from tests.conftest import SHIPPED, demo_facts
from tests.documents.test_letters import document_text

ON = dt.date(2026, 11, 21)
TODAY = dt.datetime(2026, 11, 21, 10, 0, tzinfo=GERMANY)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SHIPPED_LANGUAGES = ("ru", "ar", "fa", "fr", "ka", "ur")
# Every shipped workflow: a provision the package ships brings its checklist items into every shipped language file
# (without them its handout would silently be German, as test_one_untranslated_item_… shows).
TRANSLATED_WORKFLOWS = tuple(sorted(p.stem for p in (SHIPPED / "workflows").glob("*.toml")))
LRM = "\u200e"  # keeps "§ 25b" together inside right-to-left lines
FARSI_PENDING = "این ترجمه با کمک ترجمه ماشینی تهیه شده و هنوز بازبینی نشده است."
FARSI_REVIEWED = "این ترجمه توسط مرکز مشاوره بازبینی شده است."
FARSI_PASSPORT = "پاسپورت ملی یا جایگزین پاسپورت (کپی، اصل برای نشان دادن)"
FARSI_PHOTO = "عکس بیومتریک پاسپورتی"
ARABIC_PENDING = "أُعدّت هذه الترجمة بمساعدة الترجمة الآلية ولم تُراجَع بعد."
ARABIC_CONSENT = ("موافقة موقّعة على معالجة بياناتك من قِبل أعضاء لجنة الحالات الصعبة في ساكسونيا "
                  "(Sächsische Härtefallkommission)")
ARABIC_BORDER = "نسخة من وثيقة Duldung الحالية أو من شهادة عبور الحدود (Grenzübertrittsbescheinigung)"
ARABIC_LIVELIHOOD = "عقد عمل أو وعد بالتوظيف؛ وإلا فإقرار التزام (Verpflichtungserklärung) وفق المادة 68 من قانون الإقامة"
# The German item texts of § 23a, in words none of its translations may show
GERMAN_23A = ("Einwilligung", "Lebenslauf", "Nachweise der Integration", "Unterstützungsschreiben", "Ärztliche",
              "Arbeitsplatzzusage")


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch):
    monkeypatch.setattr("perspektive.law.periods.now_in_germany", lambda: TODAY)


def case_for(owner, language: str | None, name: str = "amina", workflow_id: str = "section_25b"):
    data = demo_facts(name)
    data = {**data, "person": {**data["person"], "language": language}}
    client = records.create_client(parse_facts(data), owner)
    return cases.open_case(client, workflow_id, owner)


def handout(case, counsellor) -> bytes:
    return render_letter(case.workflow, load_facts(case.client), ON, "checkliste", counsellor, case=case)


def paragraphs(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        root = etree.fromstring(docx.read("word/document.xml"))
    return [p for p in root.iter(f"{W}p") if "".join(t.text or "" for t in p.iter(f"{W}t")).strip()]


def test_a_farsi_speaking_client_gets_the_handout_in_farsi_marked_not_yet_reviewed(dbconn, counsellor):
    case = case_for(counsellor, "fa")
    checklists.set_done(case, "passport", True, counsellor)
    data = handout(case, counsellor)
    text = document_text(data).replace(LRM, "")
    assert text.startswith("فهرست مدارک – § 25b AufenthG")
    assert FARSI_PENDING in text and FARSI_REVIEWED not in text
    missing, received = text.split("هنوز کم است", 1)[1].split("این‌ها را دریافت کرده‌ایم", 1)
    assert f"☒\t{FARSI_PASSPORT} – دریافت شد" in received and FARSI_PASSPORT not in missing
    assert f"☐\t{FARSI_PHOTO}" in missing
    assert "Berta Beraterin" in text and "ایمیل: berta@fluechtlingsrat.example" in text
    # Nothing German or English beside the Farsi: no German phrase, no German or English item text.
    for german in ("Checkliste", "Das fehlt noch", "erhalten", "Nationalpass", "Biometrisches", "Telefon", "Please"):
        assert german not in text
    # Right to left: every paragraph is bidi, every run rtl.
    for p in paragraphs(data):
        assert p.find(f"{W}pPr/{W}bidi") is not None
        assert all(r.find(f"{W}rPr/{W}rtl") is not None for r in p.iter(f"{W}r"))


def test_an_arabic_speaking_client_gets_the_23a_handout_in_arabic_marked_not_yet_reviewed(dbconn, counsellor):
    """The Härtefallersuchen (§ 23a): its checklist in Arabic, right to left, with the German names of the
    documents the client must recognise (Härtefallkommission, Grenzübertrittsbescheinigung,
    Verpflichtungserklärung) in parentheses."""
    case = case_for(counsellor, "ar", workflow_id="section_23a")
    checklists.set_done(case, "consent", True, counsellor)
    data = handout(case, counsellor)
    text = document_text(data).replace(LRM, "")
    assert text.startswith("قائمة المستندات – § 23a AufenthG")
    assert ARABIC_PENDING in text
    missing, received = text.split("ما زال ناقصًا", 1)[1].split("ما استلمناه بالفعل", 1)
    assert f"☒\t{ARABIC_CONSENT}" in received and ARABIC_CONSENT not in missing
    assert f"☐\t{ARABIC_BORDER}" in missing and f"☐\t{ARABIC_LIVELIHOOD}" in missing
    for german in ("Checkliste", "Das fehlt noch", "erhalten", "Telefon", "Signed", *GERMAN_23A):
        assert german not in text
    for p in paragraphs(data):
        assert p.find(f"{W}pPr/{W}bidi") is not None
        assert all(r.find(f"{W}rPr/{W}rtl") is not None for r in p.iter(f"{W}r"))


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_the_23a_handout_explains_the_commission_once_in_every_shipped_language(dbconn, counsellor, language):
    """Every item of the § 23a checklist in the client's language (right to left, "§ 68" kept with its number and
    "(" with the German word it opens by a left-to-right mark); the Sächsische Härtefallkommission is named, with
    what it does, once; no German item."""
    case = case_for(counsellor, language, workflow_id="section_23a")
    translation = translations.load(language)
    data = handout(case, counsellor)
    text = document_text(data)
    plain = text.replace(LRM, "")
    assert plain.startswith(f"{translation.phrases['checklist']} – § 23a AufenthG")
    assert translation.phrases["review_pending"] in text
    workflow = current_engine().workflow("section_23a")
    for item in workflow.checklist:
        translated = translation.item("section_23a", ChecklistEntry(item.id, dict(item.text), item.why))
        assert f"☐\t{translated}" in plain, item.id
    unmarked = re.findall(rf"(?<!{LRM})(?:§|\((?=[A-Za-zÄÖÜäöüß]))", text)
    assert unmarked == [] if translation.rtl else LRM not in text
    assert text.count("Sächsische Härtefallkommission") == 1
    assert text.count("(Grenzübertrittsbescheinigung)") == 1 and text.count("(Verpflichtungserklärung)") == 1
    for german in GERMAN_23A:
        assert german not in text


def test_the_note_changes_once_an_administrator_marks_the_translation_reviewed(dbconn, counsellor, make_user):
    admin = make_user("admina", role="administrator")
    case = case_for(counsellor, "fa")
    farsi = translations.load("fa")
    assert translations.review_of(farsi).reviewed is False
    translations.mark_reviewed(farsi, admin)
    review = translations.review_of(farsi)
    assert review.reviewed and review.by == "Admina" and review.on is not None
    text = document_text(handout(case, counsellor))
    assert FARSI_REVIEWED in text and FARSI_PENDING not in text


def test_a_translation_changed_after_its_review_is_unreviewed_again(app, dbconn, counsellor, make_user):
    admin = make_user("admina", role="administrator")
    translations.mark_reviewed(translations.load("fa"), admin)
    path = translations.folder() / "fa.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("عکس بیومتریک پاسپورتی", "عکس بیومتریک"),
                    encoding="utf-8")
    review = translations.review_of(translations.load("fa"))
    assert not review.reviewed and review.changed_since
    text = document_text(handout(case_for(counsellor, "fa"), counsellor))
    assert FARSI_PENDING in text and "☐\tعکس بیومتریک" in text


@pytest.mark.parametrize("language", ["tr", None, "de", "en"])
def test_a_language_without_a_translation_gets_german(dbconn, counsellor, language):
    data = handout(case_for(counsellor, language), counsellor)
    text = document_text(data)
    assert text.startswith("Checkliste – § 25b AufenthG") and "Das fehlt noch" in text
    assert "☐\tBiometrisches Passfoto" in text and "Übersetzung" not in text and "Biometric" not in text
    assert all(p.find(f"{W}pPr/{W}bidi") is None for p in paragraphs(data))


def test_one_untranslated_item_makes_the_whole_handout_german(app, dbconn, counsellor):
    path = translations.folder() / "fa.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        '"Biometrisches Passfoto" = "عکس بیومتریک پاسپورتی"\n', ""), encoding="utf-8")
    text = document_text(handout(case_for(counsellor, "fa"), counsellor))
    assert text.startswith("Checkliste") and FARSI_PASSPORT not in text and FARSI_PENDING not in text


def test_an_administrator_adds_a_language_with_a_file(app, dbconn, counsellor):
    """Turkish by copying the French file's structure: no code, the handout speaks it at once."""
    french = (translations.folder() / "fr.toml").read_text(encoding="utf-8")
    (translations.folder() / "tr.toml").write_text(
        french.replace('code = "fr"', 'code = "tr"').replace('"Liste des documents"', '"Belge listesi"'),
        encoding="utf-8")
    text = document_text(handout(case_for(counsellor, "tr"), counsellor))
    assert text.startswith("Belge listesi – § 25b AufenthG")


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_shipped_language_is_complete_for_every_workflow_and_demo_client(app, language):
    """Every item a demo client's checklist can show, in every shipped workflow, has its translation; otherwise
    that client's handout would silently be German."""
    engine = current_engine()
    translation = translations.load(language)
    assert translation is not None and translation.rtl == (language in ("ar", "fa", "ur"))
    for name in ("amina", "dawit", "karim", "yasmin"):
        facts = parse_facts({**demo_facts(name), "person": {**demo_facts(name)["person"], "language": language}})
        for workflow in map(engine.workflow, TRANSLATED_WORKFLOWS):
            [assessment] = engine.assess(facts, ON, workflow.id)
            entries = engine.checklist(workflow, facts, assessment)
            untranslated = [e.text_in("de") for e in entries if not translation.item(workflow.id, e)]
            assert not untranslated, (name, workflow.id, untranslated)
            assert handout_language(workflow.id, entries, language).code == language


def test_the_urdu_handout_is_set_in_a_font_with_every_urdu_letter(dbconn, counsellor):
    """Urdu needs letters Arabic fonts often lack (ہ U+06C1, ے U+06D2): the PDF LibreOffice makes embeds the
    Nastaliq font the language file names (Debian's fonts-noto-core, in .ci/run), not a fallback with gaps."""
    data = handout(case_for(counsellor, "ur"), counsellor)
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        assert 'w:cs="Noto Nastaliq Urdu"' in docx.read("word/styles.xml").decode()
    reader = PdfReader(io.BytesIO(pdf.docx_to_pdf(data, timeout=120)))
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() if "/BaseFont" in font.get_object()}
    assert any("NotoNastaliqUrdu" in name for name in fonts), fonts


def test_in_the_urdu_handout_a_german_word_in_brackets_keeps_its_opening_bracket(dbconn, counsellor):
    """Right to left, LibreOffice broke the line between "(" and a German word after it (the "(" alone at the end
    of one line, "Verpflichtungserklärung)" on the next): each German name stays whole, brackets included."""
    data = handout(case_for(counsellor, "ur", workflow_id="section_23a"), counsellor)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.docx_to_pdf(data, timeout=120))).pages)
    for german in ("(Sächsische Härtefallkommission)", "(Grenzübertrittsbescheinigung)", "(Verpflichtungserklärung)"):
        assert german in text


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_every_item_text_of_the_workflow_files_is_translated(app, language):
    """Also the items a demo client never sees (a condition, another version of the rules): each German text of
    every [[checklist]] entry in the translated workflows has its translation."""
    translation = translations.load(language)
    engine = current_engine()
    for workflow in map(engine.workflow, TRANSLATED_WORKFLOWS):
        for item in workflow.checklist:
            entry = ChecklistEntry(item.id, dict(item.text), item.why)
            assert translation.item(workflow.id, entry), (workflow.id, item.id, item.text["de"])
