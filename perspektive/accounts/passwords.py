"""The password policy (OWASP ASVS 5.0, 6.2.x): 12 to 128 characters of at least five different kinds, not
containing the username, and not one that an attacker tries early.

A password is too easy to guess when what is left without the digits and symbols at its start and end, in lower
case (also with look-alike digits read as letters, also without the separators inside) is a word of
``common_passwords.txt``, the person's name, a run of neighbouring keys or letters, or one part said again and
again. There are no composition rules (6.2.5): a long phrase of ordinary words passes.
"""
from __future__ import annotations

import functools
import re
import string
from importlib.resources import files

from flask_babel import gettext as _

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
MIN_DIFFERENT_CHARACTERS = 5

_EDGES = string.digits + string.punctuation + string.whitespace + "§°€´"
_READ_AS = str.maketrans({"@": "a", "4": "a", "3": "e", "1": "i", "!": "i", "0": "o", "$": "s", "5": "s",
                          "7": "t", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_ROWS = ("1234567890", "qwertzuiop", "asdfghjkl", "yxcvbnm", "qwertyuiop", "zxcvbnm", "abcdefghijklmnopqrstuvwxyz")
_RUNS = tuple(run * 2 for row in _ROWS for run in (row, row[::-1]))  # doubled: "7890123" is a run too
_REPEATED = re.compile(r"(.+?)\1+")

def problem(password: str, username: str = "", display_name: str = "") -> str | None:
    """Why ``password`` does not keep the policy (German), or None when it does."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("Passwort zu kurz: mindestens %(count)s Zeichen", count=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        return _("Passwort zu lang: höchstens %(count)s Zeichen", count=128)
    if len(set(password)) < MIN_DIFFERENT_CHARACTERS:
        return _("Das Passwort besteht aus zu wenigen verschiedenen Zeichen: mindestens %(count)s", count=MIN_DIFFERENT_CHARACTERS)
    if len(username) >= 3 and username.lower() in password.lower():
        return _("Das Passwort darf den Benutzernamen nicht enthalten")
    names = _words_of(username, display_name)
    for form in _forms(password):
        if form in _common() or form in names or _REPEATED.fullmatch(form) or _is_run(form):
            return _("Dieses Passwort ist zu leicht zu erraten: ein häufiges Passwort, ein Name oder ein einfaches "
                     "Muster, auch mit Ziffern oder Zeichen davor oder dahinter. Besser ist ein Satz aus mehreren "
                     "Wörtern")
    return None


def _forms(password: str) -> set[str]:
    """What is left of ``password`` as a guesser builds it: a word with digits and symbols around it."""
    lowered = password.lower()
    core = lowered.strip(_EDGES) or lowered
    read = core.translate(_READ_AS)
    forms = {core, read, re.sub(r"[\W\d_]", "", core), re.sub(r"[\W\d_]", "", read)}
    return forms - {""}


def _words_of(username: str, display_name: str) -> set[str]:
    """The person's own names: the username, the display name as one word and each of its parts."""
    name = display_name.lower()
    words = {username.lower(), "".join(name.split())} | {part for part in name.split() if len(part) >= 3}
    return {form for word in words for form in (word, word.translate(_READ_AS))} - {""}


def _is_run(text: str) -> bool:
    return len(text) >= 4 and any(text in run for run in _RUNS)


@functools.cache
def _common() -> frozenset[str]:
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())
