"""A rendered handout set right to left (Arabic, Farsi/Dari, Urdu), after rendering.

One template serves every language, so the direction cannot be in the template: docxtpl fills text, not paragraph
properties. After rendering, every paragraph of the body, header and footer gets ``w:bidi`` (the paragraph runs
right to left, and starts at the right margin), every run ``w:rtl`` (its text is read right to left, with the
complex-script font, so its bold, italics and size are copied to ``w:bCs``, ``w:iCs``, ``w:szCs``), every table ``w:bidiVisual`` (its first column on the right). An alignment stays as it is: in transitional
OOXML, which Word and LibreOffice write, ``left`` means the paragraph's start, so it follows the direction.
The rendered document is our own output (the template was checked on upload), so it is parsed as trusted XML.
"""
from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_PARTS = re.compile(r"word/(document|header[0-9]*|footer[0-9]*)\.xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
# Where w:bidi goes among the paragraph properties (the schema's order matters to Word).
_PPR_BEFORE_BIDI = {"pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
                    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
                    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN"}
_RPR_AFTER_RTL = {"cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath"}
_TBLPR_BEFORE_BIDI = {"tblStyle", "tblpPr", "tblOverlap"}


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _local(element) -> str:
    return etree.QName(element).localname


def _child(parent, name: str, first: bool = True):
    """``parent``'s child ``w:name``, made if missing (as first child, or last with ``first=False``)."""
    found = parent.find(_w(name))
    if found is None:
        found = etree.Element(_w(name))
        parent.insert(0, found) if first else parent.append(found)
    return found


def _insert_ordered(parent, name: str, before: set[str] | None = None, after: set[str] | None = None) -> None:
    """Insert the empty ``w:name`` into ``parent`` after the children named in ``before`` (schema order)."""
    if parent.find(_w(name)) is not None:
        return
    element = etree.Element(_w(name))
    index = 0
    for i, child in enumerate(parent):
        local = _local(child)
        if before is not None and local in before:
            index = i + 1
        if after is not None and local not in after:
            index = i + 1
    parent.insert(index, element)


def _after(rpr, plain: str, complex_script: str) -> None:
    """Right-to-left text is set with the complex-script properties: bold, italics and size are copied there."""
    source = rpr.find(_w(plain))
    if source is None or rpr.find(_w(complex_script)) is not None:
        return
    copy = etree.Element(_w(complex_script), dict(source.attrib))
    source.addnext(copy)


def _part(xml: bytes) -> bytes:
    root = etree.fromstring(xml, _PARSER)
    for p in root.iter(_w("p")):
        ppr = _child(p, "pPr")
        _insert_ordered(ppr, "bidi", before=_PPR_BEFORE_BIDI)
    for r in root.iter(_w("r")):
        rpr = _child(r, "rPr")
        for plain, complex_script in (("b", "bCs"), ("i", "iCs"), ("sz", "szCs")):
            _after(rpr, plain, complex_script)
        _insert_ordered(rpr, "rtl", after=_RPR_AFTER_RTL)
    for tbl in root.iter(_w("tbl")):
        _insert_ordered(_child(tbl, "tblPr"), "bidiVisual", before=_TBLPR_BEFORE_BIDI)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _styles(xml: bytes, font: str) -> bytes:
    """Every font setting of the styles names ``font`` for complex script (Arabic script) text."""
    root = etree.fromstring(xml, _PARSER)
    for fonts in root.iter(_w("rFonts")):
        fonts.attrib.pop(_w("cstheme"), None)
        fonts.set(_w("cs"), font)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def right_to_left(docx: bytes, font: str = "") -> bytes:
    """The .docx ``docx`` with its body, headers and footers set right to left; ``font``: the font for its
    Arabic-script text (the language file's ``font``; without one the reader's fallback chooses)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if _PARTS.fullmatch(entry.filename):
                data = _part(data)
            elif entry.filename == "word/styles.xml" and font:
                data = _styles(data, font)
            target.writestr(entry, data)
    return out.getvalue()
