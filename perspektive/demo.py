"""Demo data for `make run`: accounts (passwords in the README), clients, and an authority contact with a key made
on the spot (its secret key stays in DATA_DIR/demo-authority-gnupg for decrypting demo referrals). Never used in
production."""
from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from perspektive.accounts import create_user
from perspektive.accounts.models import User
from perspektive.clients import create_client
from perspektive.conferences import create_meeting
from perspektive.law import parse_facts, today_in_germany
from perspektive.referrals import add_contact, confirm_fingerprint

DEMO_DIR = Path(__file__).parent / "demo_data"
ACCOUNTS = (
    ("beraterin", "counsellor", "Berta Beraterin", "demo-Beratungstag-2026"),
    ("admin", "administrator", "Anton Admin", "demo-Verwaltung-2026!"),
    ("behoerde", "authority_contact", "Dora Demo", "demo-Amtsstube-2026"),
)


def load_demo(config) -> bool:
    """Create the demo accounts and clients unless the counsellor account exists already."""
    if User.get_or_none(User.username == ACCOUNTS[0][0]):
        return False
    users = {name: create_user(name, role=role, display_name=display, password=password,
                               email=f"{name}@fluechtlingsrat.example", actor="demo")
             for name, role, display, password in ACCOUNTS}
    for path in sorted(DEMO_DIR.glob("*.json")):
        create_client(parse_facts(json.loads(path.read_text(encoding="utf-8"))), users["beraterin"], actor="demo")
    contact = add_contact(name="Dora Demo", email="behoerde@abh.example", department="Sachgebiet Bleiberecht",
                          workflows="section_25a,section_25b,section_60d", user=users["behoerde"],
                          armor=_demo_authority_key(Path(config["DATA_DIR"]) / "demo-authority-gnupg"), actor="demo")
    confirm_fingerprint(contact, contact.fingerprint, "demo")
    create_meeting(today_in_germany() + dt.timedelta(days=30), [contact], users["beraterin"])
    return True


def _demo_authority_key(home: Path) -> str:
    """A fresh brainpool key pair for the demo authority, kept in ``home``; returns the public key. It is made in a
    short directory under /tmp because gpg-agent's socket path must stay short, then copied."""
    with tempfile.TemporaryDirectory(prefix="demo", dir="/tmp") as scratch:
        gpg = ["gpg", "--homedir", scratch, "--batch", "--pinentry-mode", "loopback", "--passphrase", ""]
        subprocess.run(gpg + ["--quick-gen-key", "Dora Demo <behoerde@abh.example>", "brainpoolP256r1",
                              "sign,cert", "2y"], check=True, capture_output=True)
        fingerprint = next(line.split(":")[9] for line in subprocess.run(
            gpg + ["--with-colons", "--list-keys"], check=True, capture_output=True, text=True).stdout.splitlines()
            if line.startswith("fpr:"))
        subprocess.run(gpg + ["--quick-add-key", fingerprint, "brainpoolP256r1", "encr", "2y"], check=True,
                       capture_output=True)
        public = subprocess.run(gpg + ["--armor", "--export", fingerprint], check=True, capture_output=True,
                                text=True).stdout
        subprocess.run(["gpgconf", "--homedir", scratch, "--kill", "gpg-agent"], capture_output=True)
        shutil.copytree(scratch, home, ignore=shutil.ignore_patterns("S.*"), dirs_exist_ok=True)
    home.chmod(0o700)
    return public
