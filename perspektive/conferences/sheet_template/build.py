"""Build the agenda sheet's template: ``python perspektive/conferences/sheet_template/build.py``.

Generated rather than edited in Word so that every Jinja tag lands in one run (docxtpl cannot read a tag Word has
split) and the wording can be reviewed here. Keep this script and ``tagesordnung.docx`` together.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent


def build(path: Path = HERE / "tagesordnung.docx") -> None:
    doc = Document()
    doc.styles["Normal"].font.name = "Liberation Sans"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.add_heading("Fallbesprechung {{ number }}", level=1)
    doc.add_paragraph("{{ meeting }} – pseudonymisiertes Tagesordnungsblatt. Enthält keine Namen, "
                      "Geburtsdaten, Anschriften oder genauen Daten der Person.")
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    rows = [("Fallnummer", "{{ number }}"), ("Angestrebter Weg", "{{ provision }}"),
            ("Altersgruppe", "{{ age_group }}"), ("Haushalt", "{{ household }}"),
            ("Duldung", "{{ duldung_kind }}"), ("Dauer der Duldung", "{{ duldung_duration }}"),
            ("Jahre in Deutschland", "{{ years_in_germany }}"), ("Identität und Pass", "{{ identity }}")]
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    doc.add_paragraph("{%p if file_number %}")
    doc.add_paragraph("Aktenzeichen der Ausländerbehörde (Schweigepflichtentbindung liegt vor): {{ file_number }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Auf einen Blick", level=2)
    checks = doc.add_table(rows=1, cols=2)
    checks.style = "Table Grid"
    checks.rows[0].cells[0].text, checks.rows[0].cells[1].text = "Merkmal", "ja / nein"
    row = checks.add_row().cells
    row[0].text, row[1].text = "{%tr for entry in items %}", ""
    row = checks.add_row().cells
    row[0].text, row[1].text = "{{ entry.label }}", "{{ entry.value }}"
    row = checks.add_row().cells
    row[0].text, row[1].text = "{%tr endfor %}", ""
    doc.add_heading("Hindernisse auf diesem Weg", level=2)
    doc.add_paragraph("{%p for obstacle in obstacles %}")
    doc.add_paragraph("{{ obstacle.label }} ({{ obstacle.citation }})", style="List Bullet")
    doc.add_paragraph("{%p endfor %}")
    doc.add_paragraph("{%p if not obstacles %}")
    doc.add_paragraph("Nach den erfassten Angaben sind alle Voraussetzungen erfüllt.")
    doc.add_paragraph("{%p endif %}")
    doc.add_heading("Frage an die Ausländerbehörde", level=2)
    doc.add_paragraph("{{ question }}")
    doc.save(path)


if __name__ == "__main__":
    build()
