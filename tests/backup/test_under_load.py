"""A backup taken while counsellors keep writing restores to one consistent moment: the audit chain, where each
event hashes the one before, is whole, and every foreign key points at a row that exists."""
from __future__ import annotations

import threading
from pathlib import Path

from perspektive import audit, create_app
from perspektive.audit import verify_chain
from perspektive.db import connect_database, db, is_postgres

from .conftest import table_rows


def test_backup_while_writes_go_on(filled, tmp_path, target, backup_key):
    app = filled
    stop, written, errors = threading.Event(), [], []

    def keep_writing():
        try:
            with app.app_context(), db.connection_context():
                while not stop.is_set():
                    audit.record("last", "load.write", "client", len(written), "unter Last")
                    written.append(1)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)

    writers = [threading.Thread(target=keep_writing) for _ in range(2)]
    for writer in writers:
        writer.start()
    try:
        db.close()
        archives = []
        for number in range(3):
            archive = tmp_path / f"sicherung-{number}.gpg"
            result = app.test_cli_runner().invoke(args=["backup", str(archive)])
            assert result.exit_code == 0, result.output
            archives.append(archive)
        during = len(written)
    finally:
        stop.set()
        for writer in writers:
            writer.join()
    assert not errors, errors
    assert during > 20, f"only {during} writes while the backups ran"

    restored_app = create_app(dict(target))
    with restored_app.app_context():
        result = restored_app.test_cli_runner().invoke(
            args=["restore", str(archives[-1]), "--gnupg-home", backup_key.home])
        assert result.exit_code == 0, result.output
        with db.connection_context():
            assert verify_chain() is None
    rows = table_rows(target["DATABASE_URL"])
    load_rows = [row for row in rows["audit_event"] if "load.write" in row]
    assert 0 < len(load_rows) <= len(written)
    if not is_postgres():
        database = connect_database(target["DATABASE_URL"])
        assert database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
        assert database.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
        database.close()
    assert Path(target["DATA_DIR"], "documents").is_dir()
