"""Whether an uploaded .docx package could act outside the letter when Word or LibreOffice opens it (probe finding 3;
shared/security-checklist.md rows 6-9).

The package is read as what it is, not searched for bytes: a byte search for ``TargetMode="External"`` missed single
quotes, spaces around ``=``, another case and an external ``attachedTemplate``, and LibreOffice then fetched the URL
while making a PDF. So:

- member names: no ``..``, no leading ``/`` or ``\\``, no drive letter, no backslash, no symbolic link, no name twice
  (part names compare without case; which copy would a reader take?);
- every XML part (by name, or by its content type) is parsed by lxml without entities, network or DTD loading, and
  refused if it has a DOCTYPE, whatever its encoding (lxml decodes UTF-16 with or without BOM before looking), or if
  it is not well-formed;
- ``[Content_Types].xml``: no content type for macros, ActiveX or OLE objects, under any part name or extension;
- ``word/settings.xml``: an ``attachedTemplate`` must be a part of the package (Word writes a file path or URL);
- every ``*.rels`` part: no relationship with ``TargetMode`` External (any case), and no target with a URL scheme
  or a network path, which a reader could resolve as a URL even when the mode says internal.
"""
from __future__ import annotations

import posixpath
import re
import zipfile

from flask_babel import lazy_gettext as _l
from lxml import etree

DOCTYPE = _l("Dokumenttyp-Deklaration (DOCTYPE) im XML")
NOT_XML = _l("kein wohlgeformtes XML")
BAD_NAME = _l("unzulässiger Teilname (.., / oder \\ am Anfang, \\ oder Laufwerksbuchstabe)")
DUPLICATE = _l("Teilname doppelt vorhanden")
SYMLINK = _l("symbolische Verknüpfung")
MACRO_PART = _l("Makro-Teil (vbaProject)")
ACTIVE_TYPE = _l("Inhaltstyp für Makros, ActiveX oder OLE-Objekte (%(type)s)")
EXTERNAL = _l("Verweis auf ein externes Ziel (TargetMode External)")
OUTSIDE = _l("Verweis auf eine Adresse außerhalb der Datei")
TEMPLATE = _l("verknüpfte Dokumentvorlage (attachedTemplate), die nicht in der Datei liegt")

# Content types (compared without case) that carry code or objects another program runs.
_ACTIVE_TYPES = ("macroenabled", "vbaproject", "vbadata", "activex", "oleobject", "keymapcustomizations",
                 "attachedtoolbars")
_XML_NAMES = (".xml", ".rels", ".vml")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:|^[/\\]{2}", re.IGNORECASE)
_DRIVE = re.compile(r"^[a-z]:", re.IGNORECASE)
_SETTINGS = "word/settings.xml"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# No entities, no network, no DTD: parsing can read nothing but the part itself.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class _Unsafe(Exception):
    def __init__(self, part: str, reason: str):
        super().__init__(part, reason)
        self.part, self.reason = part, reason


def unsafe_part(archive: zipfile.ZipFile) -> tuple[str, str] | None:
    """(part, reason) for the first part that could act outside the letter, or None."""
    try:
        names = _checked_names(archive)
        if "[Content_Types].xml" not in names:
            return None  # not a .docx at all, which the caller says
        types = _content_types(archive)
        roots = {name: _parse(archive, name) for name in names if _is_xml(name, types)}
        _check_settings(roots.get(_SETTINGS), roots.get("word/_rels/settings.xml.rels"), names)
        for name, root in roots.items():
            if name.lower().endswith(".rels"):
                _check_relationships(name, root)
    except _Unsafe as found:
        return found.part, found.reason
    return None


def _checked_names(archive: zipfile.ZipFile) -> set[str]:
    seen, folded = set(), set()
    for info in archive.infolist():
        name = info.filename
        if name.startswith(("/", "\\")) or "\\" in name or _DRIVE.match(name) or ".." in name.split("/"):
            raise _Unsafe(name, BAD_NAME)
        if name.lower() in folded:
            raise _Unsafe(name, DUPLICATE)
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise _Unsafe(name, SYMLINK)
        if name.lower().endswith(".bin") or "vba" in name.lower():
            raise _Unsafe(name, MACRO_PART)
        seen.add(name)
        folded.add(name.lower())
    return seen


def _content_types(archive: zipfile.ZipFile) -> dict[str, str]:
    """Extension (``.xml``) or part name (``word/document.xml``), lower case -> content type; refuses active ones."""
    types = {}
    for element in _parse(archive, "[Content_Types].xml").iter():
        content_type = element.get("ContentType")
        if content_type is None:
            continue
        part = (element.get("PartName") or "").lstrip("/")
        key = part.lower() if part else "." + (element.get("Extension") or "").lower()
        if any(marker in content_type.lower() for marker in _ACTIVE_TYPES):
            raise _Unsafe(part or "[Content_Types].xml", str(ACTIVE_TYPE) % {"type": content_type[:120]})
        types[key] = content_type
    return types


def _is_xml(name: str, types: dict[str, str]) -> bool:
    if name.endswith("/"):
        return False
    extension = posixpath.splitext(name)[1].lower()
    content_type = types.get(name.lower(), types.get(extension, "")).lower()
    return name.lower().endswith(_XML_NAMES) or "xml" in content_type


def _parse(archive: zipfile.ZipFile, name: str):
    data = archive.read(name)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        # UTF-16 or UTF-32 without a declaration does not parse; say DOCTYPE if it holds one.
        raise _Unsafe(name, DOCTYPE if b"<!DOCTYPE" in data.replace(b"\0", b"").upper() else NOT_XML) from None
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None or info.system_url:
        raise _Unsafe(name, DOCTYPE)
    return root


def _check_settings(settings, rels, names: set[str]) -> None:
    """An ``attachedTemplate`` must name a relationship whose target is a part of this package."""
    if settings is None:
        return
    targets = {}
    if rels is not None:
        targets = {r.get("Id"): r for r in rels.iter() if _local(r) == "Relationship"}
    for element in settings.iter():
        if _local(element) != "attachedTemplate":
            continue
        relationship = targets.get(element.get(_R_ID))
        if relationship is None or _external(relationship):
            raise _Unsafe(_SETTINGS, TEMPLATE)
        target = (relationship.get("Target") or "").strip()
        part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("word", target))
        if part not in names:
            raise _Unsafe(_SETTINGS, TEMPLATE)


def _check_relationships(name: str, root) -> None:
    for element in root.iter():
        if _external(element):
            raise _Unsafe(name, EXTERNAL)
        if _SCHEME.match((element.get("Target") or "").strip()):
            raise _Unsafe(name, OUTSIDE)


def _external(element) -> bool:
    """``TargetMode`` External, however the attribute's name or value is cased or spaced."""
    return any(str(key).rpartition("}")[2].lower() == "targetmode" and value.strip().lower() == "external"
               for key, value in element.attrib.items())


def _local(element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""
