"""Demo data for `make run`: two accounts (passwords in the README) and two clients. Never used in production."""
from __future__ import annotations

import json
from pathlib import Path

from .facts import parse_facts
from .models import User
from .records import create_client
from .users import create_user

DEMO_DIR = Path(__file__).parent / "demo_data"
ACCOUNTS = (
    ("beraterin", "counsellor", "Berta Beraterin", "demo-beraterin-2026"),
    ("admin", "administrator", "Anton Admin", "demo-admin-2026!"),
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
    return True
