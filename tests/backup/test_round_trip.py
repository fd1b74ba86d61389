"""A backup restored into an empty installation holds every table row by row and every file byte by byte."""
from __future__ import annotations

from pathlib import Path

from perspektive import create_app, referrals
from perspektive.backup.sources import QUEUE_FILES
from perspektive.clients.models import Client
from perspektive.db import db
from perspektive.referrals.models import AuthorityContact

from .conftest import copy_provisions, file_digests, table_rows

LEFT_OUT = set(QUEUE_FILES) | {"perspektive.db", "perspektive.db-wal", "perspektive.db-shm"}


def test_round_trip_restores_every_row_and_file(filled, target, backup_key, tmp_path, smtp, pgp_key):
    app = filled
    copy_provisions(app, tmp_path)
    (Path(app.config["WORKFLOWS_DIR"]) / "hochgeladen.toml").write_text("# ein hochgeladener Workflow\n")
    archive = tmp_path / "sicherung.gpg"
    db.close()
    made = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert made.exit_code == 0, made.output
    assert "Backup geschrieben" in made.output

    before = table_rows(app.config["DATABASE_URL"])
    empty = sorted(name for name, rows in before.items() if not rows)
    assert not empty, f"tables without a row: {empty}"

    restored_app = create_app(dict(target))
    with restored_app.app_context():  # the source's context is active for the whole test (``app`` fixture)
        result = restored_app.test_cli_runner().invoke(
            args=["restore", str(archive), "--gnupg-home", backup_key.home])
    assert result.exit_code == 0, result.output

    after = table_rows(target["DATABASE_URL"])
    assert sorted(after) == sorted(before)
    for table, rows in before.items():
        assert after[table] == rows, f"table {table} differs"
    source_dir, restored_dir = Path(app.config["DATA_DIR"]), Path(target["DATA_DIR"])
    # The suite's data key comes from PERSPEKTIVE_DATA_KEY: the restore hands it over as a file to move.
    handed_over = restored_dir / "restored-DATA_KEY"
    assert handed_over.read_text() == app.config["DATA_KEY"] and handed_over.stat().st_mode & 0o777 == 0o600
    handed_over.unlink()
    assert file_digests(restored_dir, LEFT_OUT) == file_digests(source_dir, LEFT_OUT)
    assert any(name.startswith("documents/") for name in file_digests(restored_dir))
    for key in ("WORKFLOWS_DIR", "LETTER_TEMPLATES_DIR", "CHECKLIST_TRANSLATIONS_DIR"):
        assert file_digests(Path(target[key])) == file_digests(Path(app.config[key]))
    assert (Path(target["WORKFLOWS_DIR"]) / "hochgeladen.toml").exists()
    assert (restored_dir / "secret_key").stat().st_mode & 0o777 == 0o600
    assert (restored_dir / "documents").stat().st_mode & 0o777 == 0o700

    # The restored installation sends a referral that the authority decrypts: its pinned key works.
    restored_app.config.update({key: filled.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_SECURITY")})
    restored_app.extensions["perspektive"].reload_if_changed()  # as every request does: the provisions are back
    with restored_app.test_request_context(), db.connection_context():
        client = Client.select().order_by(Client.id).first()
        contact = AuthorityContact.get()
        referral = referrals.queue_referral(client=client, contact=contact, counsellor=client.counsellor,
                                            documents=("letter", "summary"), note="Nach der Wiederherstellung.",
                                            workflow="section_25b")
        assert referral.status == "sent", referral.last_error
    received = smtp.to("m.meier@abh.example")[-1].message
    encrypted = list(received.iter_parts())[1].get_content()
    inner = pgp_key("brainpoolP256r1", "m.meier@abh.example").decrypt(encrypted)
    assert "Nach der Wiederherstellung." in inner.decode(errors="replace")
