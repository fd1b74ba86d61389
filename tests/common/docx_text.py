"""The text of a generated .docx as a reader sees it: its non-empty paragraphs, in order."""
from __future__ import annotations

from io import BytesIO

import docx


def docx_lines(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(BytesIO(data)).paragraphs if p.text.strip()]
