"""What keeping the uploaded provisions in step costs each request (``python -m bench.uploads``, or in ``make bench``):
``documents.sync_uploads`` when nothing changed (the usual case: one query for the newest row id), with 40 versions
in the table, vs a bare ``SELECT 1`` on the same connection and vs the per-request stat of the workflow files that
was there before (``Engine.reload_if_changed``); then a whole ``GET /login`` with the check vs with it replaced by
nothing. Then the sync that does work: another server's upload arrives (one template, written and the engine
reloaded). On the embedded SQLite, or on ``PERSPEKTIVE_DATABASE_URL``.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from unittest import mock

from perspektive import create_app
from perspektive.db import db, write_transaction
from perspektive.documents import sync_uploads, upload_store
from perspektive.law import current_engine
from perspektive.migrations import migrate

from .timing import row, timed

SHIPPED = Path(__file__).resolve().parent.parent / "perspektive" / "defaults" / "letter_templates"


def _samples(fn, repeat: int = 15, inner: int = 200) -> list[float]:
    return timed(fn, repeat, inner)


def _row(name: str, ours: list[float], base: list[float], base_name: str) -> None:
    row(name, ours, base, base_name, 1e6, "µs")


def upload_sync_rows() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="perspektive-bench-uploads-"))
    url = os.environ.get("PERSPEKTIVE_DATABASE_URL") or f"sqlite:///{data_dir / 'bench.db'}"
    app = create_app({"DATA_DIR": str(data_dir), "DATABASE_URL": url})
    antrag = (SHIPPED / "section_25b" / "antrag.docx").read_bytes()
    with app.app_context(), db.connection_context():
        migrate()
        with write_transaction():
            for n in range(40):
                upload_store.store("section_25b", "antrag" if n % 2 else "checkliste", antrag, "upload")
        sync_uploads()
        engine = current_engine()
        kind = "PostgreSQL" if "postgresql" in url else "SQLite"
        print(f"\nUploads kept in step ({kind}; 40 versions in the table), per call:")
        _row("sync, nothing changed", _samples(sync_uploads), _samples(lambda: db.execute_sql("SELECT 1").fetchall()),
              "SELECT 1")
        _row("sync, nothing changed", _samples(sync_uploads), _samples(engine.reload_if_changed),
              "stat of the workflow files")

        def arrives():
            with write_transaction():
                upload_store.store("section_25b", "antrag", antrag[:-1] + bytes([antrag[-1] ^ 1]), "upload")
            sync_uploads()

        _row("sync, one template arrives", _samples(arrives, repeat=7, inner=5), _samples(sync_uploads),
              "sync, nothing changed")
    http = app.test_client()
    with_check, without = [], []
    for _ in range(15):  # interleaved, so that drift of the machine hits both alike
        with_check += _samples(lambda: http.get("/login"), repeat=1, inner=50)
        with mock.patch("perspektive.documents.sync_uploads", lambda: None):
            without += _samples(lambda: http.get("/login"), repeat=1, inner=50)
    _row("GET /login", with_check, without, "GET /login without the sync")


if __name__ == "__main__":
    upload_sync_rows()
