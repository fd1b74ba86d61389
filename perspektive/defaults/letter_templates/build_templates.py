"""(Re)build the letter templates of every workflow: ``python letter_templates/build_templates.py``.

The .docx files are generated rather than edited in Word for two reasons: every Jinja tag lands in one run
(docxtpl cannot read a tag that Word has split across runs), and the wording can be reviewed here as text.
Change the wording here, run the script, and keep the script and the .docx files together. The Antrag is one
letter shape for every provision; what differs per provision is in ``REQUESTS`` (the interim request, and for an
Eingabe that is no application to the Ausländerbehörde – § 23a – the addressee, subject, opening and closing), and
the Begründung is written from the facts (``perspektive/documents/arguments.py``, chosen by the workflow's
``[letter]``). A provision added by an administrator brings its own .docx files and does not need this script.

The variables the templates use are described in ``perspektive/documents/letters.py`` (``letter_context``).
"""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent

# Requests beyond the main one, in the letter's words: an interim status for the duration of the procedure. What
# the Begründung says is built from the facts (perspektive/documents/arguments.py, the workflow's ``[letter]``).
_TOLERATION_OR_FICTION = ("Zugleich beantragen wir, für die Dauer des Verfahrens die Duldung (§ 60a AufenthG) zu "
                          "verlängern oder – soweit der Antrag die Fiktionswirkung nach § 81 Abs. 4 AufenthG auslöst – "
                          "eine Fiktionsbescheinigung nach § 81 Abs. 5 AufenthG auszustellen.")
REQUESTS = {
    "section_25a": {"interim": _TOLERATION_OR_FICTION},
    "section_25b": {"interim": _TOLERATION_OR_FICTION},
    "section_25_5": {"interim": _TOLERATION_OR_FICTION},
    # An Eingabe, not an application to the authority: a member of the Sächsische Härtefallkommission brings it in
    # (§ 23a Abs. 2 S. 3 AufenthG, Selbstbefassung); the letter goes to the commission's office.
    "section_23a": {
        "addressee": ["Sächsische Härtefallkommission", "Geschäftsstelle beim Sächsischen Ausländerbeauftragten",
                      "Bernhard-von-Lindenau-Platz 1", "01067 Dresden"],
        "file_number": "Aktenzeichen der Ausländerbehörde",
        "subject": "Eingabe an die Sächsische Härtefallkommission (§ 23a AufenthG)",
        "opening": "namens und in Vollmacht von {{ person.name_with_salutation }} bitten wir um die "
                   "{{ workflow.request }}. Die Eingabe wird von einem Mitglied der Kommission eingebracht "
                   "(§ 23a Abs. 2 S. 3 AufenthG). Eine auf uns lautende Vollmacht liegt bei.",
        "interim": "Wir bitten, die Ausländerbehörde für die Dauer des Verfahrens um das Absehen von "
                   "aufenthaltsbeendenden Maßnahmen zu ersuchen.",
        "closing": "Wir bitten die Kommission festzustellen, dass dringende humanitäre und persönliche Gründe die "
                   "weitere Anwesenheit von {{ person.name_with_salutation }} im Bundesgebiet rechtfertigen, und "
                   "das Sächsische Staatsministerium des Innern um die Erteilung einer Aufenthaltserlaubnis zu "
                   "ersuchen (§ 23a Abs. 1 S. 1, Abs. 2 S. 5 AufenthG). Für Rückfragen und ein persönliches "
                   "Gespräch stehen wir gern zur Verfügung.",
    },
    "section_104c": {
        "interim": "Zugleich beantragen wir, für die Dauer des Verfahrens die Duldung (§ 60a AufenthG) zu verlängern.",
    },
    "section_16g": {"interim": _TOLERATION_OR_FICTION},
    "section_19d": {"interim": _TOLERATION_OR_FICTION},
    "section_60c": {
        "interim": "Zugleich beantragen wir die Erteilung der Beschäftigungserlaubnis für die Berufsausbildung, "
                   "die mit der Ausbildungsduldung zu erteilen ist (§ 60c Abs. 1 S. 3 AufenthG).",
    },
    "section_60d": {
        "interim": "Zugleich beantragen wir, die Erlaubnis der ausgeübten Beschäftigung weiter zu erteilen "
                   "(§ 4a Abs. 4 AufenthG).",
    },
}

LEFT, RIGHT, CENTER = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT, WD_ALIGN_PARAGRAPH.CENTER


class Bold(str):
    """A piece of paragraph text set in bold."""


class Italic(str):
    """A piece of paragraph text set in italics."""


BREAK = object()  # a line break inside a paragraph


def new_document(title: str):
    """An A4 document in German with Arial 11 pt and no paragraph spacing unless asked for."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    for lang in doc.styles.element.iter(qn("w:lang")):  # spell checking and hyphenation in German
        lang.set(qn("w:val"), "de-DE")
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, "Perspektive", "Perspektive"
    props.subject = props.comments = props.keywords = ""
    props.language = "de-DE"
    return doc


def para(container, *parts, align=LEFT, before=0, after=0, size=None, keep_together=False,
         keep_with_next=False, indent=None):
    """A paragraph of ``parts``: plain text, ``Bold``/``Italic`` text, or ``BREAK``; ``indent`` hangs."""
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent is not None:
        fmt.left_indent, fmt.first_line_indent = indent, -indent
    fmt.keep_together, fmt.keep_with_next = keep_together, keep_with_next
    for part in parts:
        if part is BREAK:
            p.add_run().add_break()
            continue
        run = p.add_run(part.replace("§ ", "§\u00a0"))  # "§ 4a" never breaks after the sign
        run.bold = isinstance(part, Bold) or None
        run.italic = isinstance(part, Italic) or None
        if size:
            run.font.size = Pt(size)
    return p


def tag(container, statement: str):
    """A paragraph holding only a ``{%p … %}`` tag: docxtpl replaces the whole paragraph with the statement."""
    return container.add_paragraph(statement)


def lines(container, loop: str, line: str, **fmt):
    """One paragraph per item of ``loop`` (e.g. the lines of an address)."""
    tag(container, "{%p for line in " + loop + " %}")
    para(container, line, **fmt)
    tag(container, "{%p endfor %}")


def optional(container, condition: str, *parts, **fmt):
    """A paragraph that appears only when ``condition`` holds."""
    tag(container, "{%p if " + condition + " %}")
    para(container, *parts, **fmt)
    tag(container, "{%p endif %}")


def page_footer(doc, text: str, page: str = "Seite", of: str = "von") -> None:
    """A small centred footer: ``text`` and "Seite x von y" (Word and LibreOffice fill in the fields)."""
    p = doc.sections[0].footer.paragraphs[0]
    p.alignment = CENTER
    for piece in (f"{text} – {page} ", "PAGE", f" {of} ", "NUMPAGES"):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), piece)
            run = OxmlElement("w:r")
            props = OxmlElement("w:rPr")
            size = OxmlElement("w:sz")
            size.set(qn("w:val"), "16")  # half-points: 8 pt like the text around it
            props.append(size)
            run.append(props)
            t = OxmlElement("w:t")
            t.text = "1"
            run.append(t)
            field.append(run)
            p._p.append(field)
        else:
            p.add_run(piece).font.size = Pt(8)


def preserve_spaces(doc) -> None:
    """Mark every text run ``xml:space="preserve"``, so a value's leading or trailing spaces survive in Word."""
    parts = [doc.element, *(s.footer._element for s in doc.sections)]
    for part in parts:
        for t in part.iter(qn("w:t")):
            t.set(qn("xml:space"), "preserve")


BUILT = dt.datetime(2026, 1, 1)  # fixed, so that rebuilding unchanged wording gives byte-identical files


def save(doc, out: Path, name: str) -> Path:
    preserve_spaces(doc)
    doc.core_properties.created = doc.core_properties.modified = BUILT
    buffer = io.BytesIO()
    doc.save(buffer)
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    with zipfile.ZipFile(buffer) as built, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as fixed:
        for entry in built.infolist():
            fixed.writestr(zipfile.ZipInfo(entry.filename, BUILT.timetuple()[:6]), built.read(entry),
                           zipfile.ZIP_DEFLATED)
    return path


# --- Antrag --------------------------------------------------------------------------------------------------


def build_antrag(out: Path, requests: dict) -> Path:
    doc = new_document("Antrag")
    # Sender, top right.
    para(doc, Bold("{{ organisation.name }}"), align=RIGHT)
    lines(doc, "organisation.address_lines", "{{ line }}", align=RIGHT)
    optional(doc, "counsellor.name", "Bearbeitung: {{ counsellor.name }}", align=RIGHT)
    optional(doc, "counsellor.email", "E-Mail: {{ counsellor.email }}", align=RIGHT)
    optional(doc, "counsellor.phone", "Telefon: {{ counsellor.phone }}", align=RIGHT)

    # Addressee, with the return-address line of DIN 5008 above it.
    para(doc, "{{ organisation.name }} · {{ organisation.address }}", size=7, before=24, after=6)
    if "addressee" in requests:
        for line in requests["addressee"]:
            para(doc, line)
    else:
        para(doc, "{{ authority.name }}")
        lines(doc, "authority.address_lines", "{{ line }}")

    para(doc, "{{ today|datum }}", align=RIGHT, before=30, after=12)
    optional(doc, "person.abh_file_number",
             requests.get("file_number", "Ihr Aktenzeichen") + ": {{ person.abh_file_number }}", after=12)

    # Subject.
    para(doc, Bold(requests.get("subject", "Antrag auf {{ workflow.request }}")), before=6, keep_with_next=True)
    para(doc, Bold("für {{ person.name_with_salutation }}"
                   "{% if person.date_of_birth %}, geb. {{ person.date_of_birth|datum }}{% endif %}"
                   "{% if person.nationality %}, Staatsangehörigkeit: {{ person.nationality }}{% endif %}"),
         keep_with_next=True)
    optional(doc, "person.address", "wohnhaft: {{ person.address }}")

    para(doc, "Sehr geehrte Damen und Herren,", before=18, after=8)
    para(doc, requests.get("opening", "namens und in Vollmacht von {{ person.name_with_salutation }} beantragen wir "
                                      "hiermit die {{ workflow.request }}. Eine auf uns lautende Vollmacht liegt bei."),
         after=8)
    para(doc, requests["interim"], after=8)
    optional(doc, "family_request is defined and family_request", "{{ family_request }}", after=8)

    # Grounds: each requirement that is met, argued from the facts (``requirements``, a list of paragraphs each);
    # requirements not met are not mentioned (the case page warns the counsellor).
    para(doc, Bold("Begründung"), before=10, after=6, keep_with_next=True)
    para(doc, "Zur Begründung tragen wir Folgendes vor:", after=8)
    tag(doc, "{%p for r in requirements %}")
    tag(doc, "{%p for text in r.paragraphs %}")
    para(doc, "{{ text }}", after=8)
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endfor %}")
    optional(doc, "exclusions", "{{ exclusions }}", after=8)
    tag(doc, "{%p for text in discretion %}")
    para(doc, "{{ text }}", after=8)
    tag(doc, "{%p endfor %}")

    # The closing request, the greeting and the signature are one paragraph that is never split: LibreOffice does
    # not carry a paragraph over to the next page when only the one after it moves there (keep-with-next is not
    # followed back along a chain), and a greeting alone at the top of a page looks like a letter gone wrong. The
    # ``if`` spans runs, so without a counsellor's name its line break goes too.
    para(doc, requests.get("closing", "Wir bitten, dem Antrag zu entsprechen und uns den Eingang kurz zu bestätigen. "
                                      "Sollten aus Ihrer Sicht weitere Unterlagen erforderlich sein, bitten wir um "
                                      "einen Hinweis. Vor einer ablehnenden Entscheidung bitten wir um Gelegenheit "
                                      "zur Stellungnahme (§ 28 VwVfG). Für Rückfragen stehen wir gern zur Verfügung."),
         BREAK, BREAK, "Mit freundlichen Grüßen", BREAK, BREAK, BREAK, BREAK, "_______________________________", BREAK,
         "{% if counsellor.name %}{{ counsellor.name }}", BREAK, "{% endif %}{{ organisation.name }}",
         before=4, keep_together=True)

    # Enclosures: the power of attorney, then the documents ticked as received on the case.
    para(doc, Bold("Anlagen"), before=18, after=4, keep_with_next=True)
    hanging = {"indent": Cm(0.4)}
    para(doc, "– Vollmacht", **hanging)
    tag(doc, "{%p for e in anlagen %}")
    para(doc, "– {{ e }}", **hanging)
    tag(doc, "{%p endfor %}")

    page_footer(doc, "{{ person.full_name }} – " + ("Eingabe" if "subject" in requests else "Antrag") +
                " nach {{ workflow.provision }}")
    return save(doc, out, "antrag.docx")


# --- Checkliste: the client's handout -------------------------------------------------------------------------
# One template for every language: the fixed texts are ``handout.t`` (the language files in
# defaults/checklist_translations/), the items come translated; a right-to-left language is set so after rendering
# (perspektive/documents/rtl.py). Nothing here is German except the fallback of the language files themselves.


def heading(doc, text: str):
    return para(doc, Bold(text), size=13, before=14, after=4, keep_with_next=True)


def build_checkliste(out: Path) -> Path:
    doc = new_document("Checkliste")
    para(doc, Bold("{{ handout.t.checklist }} – {{ handout.provision }}"), size=16, after=6)
    para(doc, "{{ handout.t.for }}: ", Bold("{{ person.full_name }}"),
         "{% if person.date_of_birth %}, {{ handout.t.born }} {{ person.date_of_birth|datum }}{% endif %}")
    para(doc, "{{ handout.t.as_of }}: {{ today|datum }}", after=6)
    optional(doc, "handout.translated", Italic("{% if handout.reviewed %}{{ handout.t.reviewed }}{% else %}"
                                               "{{ handout.t.review_pending }}{% endif %}"), size=9, after=4)
    box = {"indent": Cm(0.8), "after": 4, "keep_together": True}

    heading(doc, "{{ handout.t.missing_heading }}")
    optional(doc, "handout.missing", "{{ handout.t.missing_intro }}", after=6)
    tag(doc, "{%p for text in handout.missing %}")
    para(doc, "☐\t{{ text }}", **box)
    tag(doc, "{%p endfor %}")
    optional(doc, "not handout.missing", "{{ handout.t.nothing_missing }}")

    heading(doc, "{{ handout.t.received_heading }}")
    tag(doc, "{%p for text in handout.received %}")
    para(doc, "☒\t{{ text }} – {{ handout.t.received }}", **box)
    tag(doc, "{%p endfor %}")
    optional(doc, "not handout.received", "{{ handout.t.nothing_received }}")

    heading(doc, "{{ handout.t.contact_heading }}")
    optional(doc, "handout.contact.name", Bold("{{ handout.contact.name }}"))
    para(doc, "{{ handout.contact.organisation }}")
    optional(doc, "handout.contact.address", "{{ handout.contact.address }}")
    optional(doc, "handout.contact.phone", "{{ handout.t.phone }}: {{ handout.contact.phone }}")
    optional(doc, "handout.contact.email", "{{ handout.t.email }}: {{ handout.contact.email }}")
    para(doc, "{{ handout.t.other_proof }}", before=14)
    page_footer(doc, "{{ handout.t.checklist }} {{ handout.provision }} – {{ today|datum }}",
                page="{{ handout.t.page }}", of="/")
    return save(doc, out, "checkliste.docx")


def build_all(root: Path = HERE) -> list[Path]:
    return [built for workflow_id, requests in REQUESTS.items()
            for built in (build_antrag(root / workflow_id, requests), build_checkliste(root / workflow_id))]


if __name__ == "__main__":
    for built in build_all():
        print(f"geschrieben: {built.relative_to(HERE)}")
