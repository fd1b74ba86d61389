"""Letter templates that misbehave only for some clients (probe finding 4; shared/security-checklist.md row 4): a
template dropped in by hand, or uploaded while the check tried one sample client only, that loops or grows for a
client whose name it branches on."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

from docx import Document

from perspektive.law import current_engine

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "perspektive" / "defaults"

# About 10**8 empty iterations for Amina (tens of seconds), none for anyone else.
LOOPS_FOR_AMINA = ('{% if person.given_name == "Amina" %}{% for i in range(100000) %}{% for j in range(1000) %}'
                   '{% endfor %}{% endfor %}{% endif %}')
# 50 MB of letter for Amina, ten thousand characters for anyone else.
GROWS_FOR_AMINA = '{% for i in range(5000 if person.given_name == "Amina" else 1) %}{{ "x" * 10000 }}{% endfor %}'


def docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in ("Sehr geehrte Damen und Herren,", *paragraphs):
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def use_letter(monkeypatch, tmp_path: Path, workflow: str, letter: str, *paragraphs: str) -> Path:
    """The engine's letter templates, copied to ``tmp_path``, with ``letter`` of ``workflow`` holding
    ``paragraphs``; the engine of the current app renders from the copy until the test ends."""
    letters = tmp_path / "letter_templates"
    if not letters.exists():
        shutil.copytree(SHIPPED / "letter_templates", letters, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (letters / workflow / f"{letter}.docx").write_bytes(docx_with(*paragraphs))
    monkeypatch.setattr(current_engine(), "letters_dir", letters)
    return letters
