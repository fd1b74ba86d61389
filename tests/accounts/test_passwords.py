"""The password policy (OWASP ASVS 5.0, 6.2.x): long enough, and not one that is guessed early in an attack (a
common password, a name, a keyboard run, a repetition), whatever digits and symbols are put around it."""
from __future__ import annotations

import pytest

from perspektive.accounts.users import UserError, check_password_policy, create_user
from tests.conftest import PASSWORD, ROOT


@pytest.mark.parametrize("password", [
    "Passwort1234", "Password2025!", "P@ssw0rt2025", "passwort-123", "Kennwort!!!!", "2024-Passwort",
    "Sommer2024!!", "herbst.2025!", "Dezember2023!", "Fruehling2026", "Frühling2026", "Montag123456",
    "qwertz123456", "asdfghjkl123", "123456789012", "1qaz2wsx3edc", "Hallo1234567", "hallohallo12",
    "ichliebedich1", "Willkommen2025", "Perspektive2026!", "Bleiberecht-2026",
])
def test_common_passwords_are_refused_whatever_digits_and_symbols_surround_them(password):
    """Probe finding 7: known, guessable passwords are refused (ASVS 6.2.4, 6.2.11, 6.2.12)."""
    with pytest.raises(UserError, match="zu leicht zu erraten"):
        check_password_policy(password)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababab", "ab12ab12ab12", "!!!!!!!!!!!!"])
def test_passwords_of_too_few_different_characters_are_refused(password):
    """Probe finding 7: a long password of one or two characters is not a long password."""
    with pytest.raises(UserError, match="zu wenigen verschiedenen Zeichen"):
        check_password_policy(password)


def test_the_username_and_the_name_of_the_person_are_refused():
    """Probe finding 7: the password must not contain the username, nor be the person's name."""
    with pytest.raises(UserError, match="Benutzernamen"):
        check_password_policy("Mein-beraterin-2026", username="beraterin", display_name="Berta Beraterin")
    for name in ("Berta2026!!!!", "BertaBeraterin1", "Beraterin.2026"):
        with pytest.raises(UserError, match="zu leicht zu erraten"):
            check_password_policy(name, username="bberaterin", display_name="Berta Beraterin")


@pytest.mark.parametrize("password", [PASSWORD, "neues-Passwort-fuer-2027", "Sommerregen über Dresden",
                                      "x7#Lq9!zR2@m", "9274-6618-3390"])
def test_long_unusual_passwords_and_passphrases_pass(password):
    check_password_policy(password, username="beraterin", display_name="Berta Beraterin")


def test_an_account_cannot_be_created_with_a_common_password(dbconn):
    """Probe finding 7: the policy holds wherever an account is made (console, command line, demo)."""
    with pytest.raises(UserError, match="zu leicht zu erraten"):
        create_user("paula", role="counsellor", password="Passwort1234", display_name="Paula Probe")


def test_the_demo_passwords_in_the_readme_keep_the_policy():
    from perspektive.demo import ACCOUNTS

    for username, _, display_name, password in ACCOUNTS:
        check_password_policy(password, username=username, display_name=display_name)
        assert f"`{password}`" in (ROOT / "README.md").read_text(encoding="utf-8")
