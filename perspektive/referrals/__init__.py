"""Referrals: authority contacts and their pinned keys, the client's release from confidentiality, the outbox
that encrypts to the contact's key and sends PGP/MIME by SMTP, and the authority contacts' portal."""
from .cli import COMMANDS
from .consents import DOCUMENT_KINDS, DOCUMENT_NAMES, ConsentError, category_names, record_consent
from .consents import of_client as consents_of
from .consents import withdraw as withdraw_consent
from .contacts import (
    MAX_KEY_LENGTH,
    ContactError,
    add_contact,
    confirm_fingerprint,
    expiring_keys,
    import_key,
    key_problem,
    keyring,
    remove_key,
    responsible_for,
    set_active,
    update_contact,
)
from .contacts import for_workflow as contacts_for_workflow
from .openpgp import (
    KeyPolicyError,
    Keyring,
    KeyUnusable,
    group_fingerprint,
    inspect_armor,
    normalise_fingerprint,
    stop_agent,
)
from .outbox import ReferralError, acknowledge, canonical_text, file_number, proposed_workflow, wire_message
from .outbox import of_client as referrals_of
from .outbox import plan as plan_referral
from .tasks import deliver, queue_referral, sweep

__all__ = [
    "COMMANDS", "DOCUMENT_KINDS", "DOCUMENT_NAMES", "MAX_KEY_LENGTH", "ConsentError", "ContactError",
    "KeyPolicyError", "Keyring", "KeyUnusable", "ReferralError", "acknowledge", "add_contact",
    "canonical_text", "category_names", "confirm_fingerprint", "consents_of", "contacts_for_workflow", "deliver",
    "expiring_keys", "file_number", "group_fingerprint", "import_key", "init_app", "inspect_armor", "key_problem", "keyring",
    "normalise_fingerprint", "plan_referral", "proposed_workflow", "queue_referral", "record_consent", "referrals_of",
    "remove_key", "responsible_for", "set_active", "stop_agent", "sweep", "update_contact", "wire_message",
    "withdraw_consent",
]


def init_app(app) -> None:
    from . import portal

    app.register_blueprint(portal.bp)
