"""`make bench`: our figures next to baselines measured in the same run, as ratios (the machines are noisy).

- letter: ``render_letter`` (assess + checklist + sandboxed, autoescaping render in a render process) vs raw docxtpl
  rendering of the same template with the same context in a plain Jinja environment; then the render process
  alone: the same fill in the warm render process, and in a fresh process per letter, vs in this process;
- assessment: ``Engine.assess`` per client and workflow vs a no-op loop that touches the same facts;
- API: ``POST /api/v1/assessments`` through the WSGI stack vs a bare Flask route echoing the same JSON;
- client page: ``GET /clients/<id>`` for a client with a long history (status periods, facts versions,
  consultations, cases with checklists, referrals: ``LONG_HISTORY``) vs a bare Flask route; the target is under
  100 ms on the embedded default;
- referral: ``queue_referral`` until the referral is ``sent`` (Huey immediate: claim, render letter + checklist +
  summary, encrypt with the real gpg, send to an aiosmtpd sink on 127.0.0.1), and ``Keyring.encrypt`` alone, each
  vs a raw ``gpg --encrypt`` subprocess of the same plaintext bytes to the same key, for a brainpool and an
  RSA-3072 contact key;
- follow-ups: ``records.create_client`` for 10,000 clients (the demo clients, every date shifted back by a few days
  more for each, so that no two are alike), which stores the client and computes, stores and schedules its
  follow-ups, vs storing the same client and facts without them; then ``reminders.sweep()`` over all of them vs a
  loop that only loads and parses each client's facts. Tasks go to the real queue (SqliteHuey in the data
  directory, or RedisHuey), not through immediate mode: scheduling should cost what it costs in production, and a
  reminder that is due must be queued, not sent, by the sweep. ``BENCH_FOLLOWUP_CLIENTS`` changes the number;
- sealing (``bench/sealing.py``): the client page, the assessment API and the client export with sealing on vs
  off (goal < 1.2x), and ``keys rotate`` over many clients in clients/s (``BENCH_ROTATION_CLIENTS``);
- follow-up sweep (``bench/sweep.py``): the daily sweep over 100,000 clients with nothing changed (goal < 2 s) and
  with 1 % changed, vs reading every id and revision, and vs recomputing just the changed ones
  (``BENCH_SWEEP_CLIENTS``);
- PDF (``bench/pdf.py``): a letter through the warm LibreOffice vs a cold ``soffice --convert-to`` (goal < 1/4);
- load (``bench/load.py``): wrk against gunicorn with 2 and 4 workers, on SQLite and on a scratch PostgreSQL
  database (``BENCH_POSTGRES_URL``), the client overview and the assessment API vs a bare Flask route with one
  read of the same database: requests/s, p50 and p99 (goal p99 < 50 ms at 2 workers); and on SQLite each worker's
  peak RSS once it has served 1,000 requests (goal < 120 MB).
- statistics (``bench/statistics.py``): the quarterly report over 10,000 persons and 100,000 consultations (goal
  < 1 s) and its growth from 10,000 to 100,000 consultations, vs a bare ``SELECT COUNT(*)``.
- uploads (``bench/uploads.py``): keeping the uploaded provisions in step with the database when nothing changed,
  vs ``SELECT 1`` and vs the stat of the workflow files, and a page with and without that check.
"""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

os.environ.setdefault("PERSPEKTIVE_DATA_DIR", tempfile.mkdtemp(prefix="perspektive-bench-"))
os.environ.setdefault("PERSPEKTIVE_HUEY_IMMEDIATE", "true")

import jinja2  # noqa: E402
from docxtpl import DocxTemplate  # noqa: E402
from flask import Flask, request  # noqa: E402

from perspektive import create_app  # noqa: E402
from perspektive.accounts.users import create_user, issue_api_token  # noqa: E402
from perspektive.db import db  # noqa: E402
from perspektive.documents import isolation  # noqa: E402
from perspektive.documents.letters import letter_context, render_letter  # noqa: E402
from perspektive.documents.sandbox import fill  # noqa: E402
from perspektive.law.engine import current_engine  # noqa: E402
from perspektive.law.facts import parse_facts  # noqa: E402
from perspektive.law.periods import de, today_in_germany  # noqa: E402
from perspektive.migrations import migrate  # noqa: E402

from .load import load_rows  # noqa: E402
from .pdf import pdf_rows  # noqa: E402
from .sealing import rotation_rows, sealing_rows  # noqa: E402
from .statistics import statistics_rows  # noqa: E402
from .sweep import sweep_rows  # noqa: E402
from .timing import row, timed  # noqa: E402
from .uploads import upload_sync_rows  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ON = dt.date(2026, 11, 21)


def main() -> None:
    data_dir = Path(os.environ["PERSPEKTIVE_DATA_DIR"])
    app = create_app({"DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}"})
    facts = parse_facts(json.loads((ROOT / "perspektive" / "demo_data" / "amina.json").read_text()))
    with app.app_context():
        with db.connection_context():
            migrate()
            user = create_user(f"bench{time.time_ns()}", role="counsellor", password="bench-password-123",
                               display_name="Bench")
            token = issue_api_token(user)
        engine = current_engine()
        workflow = engine.workflow("section_25b")
        print(f"Perspektive bench, {ON}, medians (min–max); ratio = ours / baseline\n")

        # Letter: ours vs raw docxtpl on the same template and context.
        [assessment] = engine.assess(facts, ON, workflow.id)
        context = letter_context(workflow, facts, ON, assessment, engine.checklist(workflow, facts, assessment),
                                 user, app.config, engine.letter_extras(workflow, facts, assessment, "antrag"))
        plain = jinja2.Environment()
        plain.filters["datum"] = lambda d: de(d) if isinstance(d, dt.date) else str(d or "")
        template_path = engine.letters_dir / workflow.id / "antrag.docx"

        def raw_docxtpl():
            template = DocxTemplate(str(template_path))
            template.render(context, jinja_env=plain)
            template.save(io.BytesIO())

        ours = timed(lambda: render_letter(workflow.id, facts, ON, "antrag", user), repeat=25)
        base = timed(raw_docxtpl, repeat=25)
        row("letter (antrag, § 25b)", ours, base, "raw docxtpl, same template", 1e3, "ms")
        render_process_rows(template_path, context)

        # Assessment per client and workflow vs a no-op loop over the same facts: all paths (the Perspektiven),
        # then each workflow on its own, so that one slow workflow cannot hide in the average.
        workflows = [w.id for w in engine.workflows.values() if w.in_force(ON)]
        base = timed(lambda: [facts.status_on(ON) for _ in workflows], repeat=30, inner=200)
        base = [s / len(workflows) for s in base]
        ours = timed(lambda: engine.assess(facts, ON), repeat=30, inner=200)
        ours = [s / len(workflows) for s in ours]
        row(f"Perspektiven, per workflow ({len(workflows)})", ours, base, "no-op loop over the facts", 1e6, "µs")
        for workflow_id in workflows:
            ours = timed(lambda: engine.assess(facts, ON, workflow_id), repeat=15, inner=100)
            row(f"  {workflow_id}", ours, base, "no-op loop over the facts", 1e6, "µs")

        # The JSON API vs a bare Flask route.
        body = {"facts": facts.to_json_dict(), "on": ON.isoformat()}
        headers = {"Authorization": f"Bearer {token}"}
        http = app.test_client()

        def ours_api():
            response = http.post("/api/v1/assessments", json=body, headers=headers, base_url="https://localhost")
            assert response.status_code == 200, response.status_code

        bare = Flask("bare")
        bare.add_url_rule("/echo", "echo", lambda: {"echo": request.get_json()}, methods=["POST"])
        bare_http = bare.test_client()
        ours = timed(ours_api, repeat=20, inner=20)
        base = timed(lambda: bare_http.post("/echo", json=body), repeat=20, inner=20)
        row("POST /api/v1/assessments", ours, base, "bare Flask route, same JSON", 1e3, "ms")

        client_page_rows(app, facts, user)
        sealing_rows(app, facts, user, token, long_history_client, timed)
        referral_rows(app, facts, user)
        followup_rows(user)
        rotation_rows(app, user, json.loads((ROOT / "perspektive" / "demo_data" / "dawit.json").read_text()),
                      shifted)
        sweep_rows(data_dir)
        pdf_rows()
    load_rows()  # its own database and gunicorn processes, outside this app
    upload_sync_rows()  # its own app and database, last: it points the database proxy elsewhere


def render_process_rows(template_path: Path, context: dict) -> None:
    """Probe finding 4: the render process's cost. Filling the same template with the same values in a warm render
    process (what letters do), and in a fresh process per letter (the design not taken), each vs ``sandbox.fill``
    in this process; interleaved, since the machine is noisy."""
    path, limit = str(template_path), 10_000_000
    variants = {
        "plain": lambda: fill(path, context, limit),
        "warm": lambda: isolation.render(path, context, timeout=60, max_output=limit),
        "fresh": lambda: _fresh_process(path, context, limit),
    }
    samples = {name: [] for name in variants}
    for fn in variants.values():
        fn()
    for _ in range(20):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            samples[name].append(time.perf_counter() - start)
    row("  fill in the warm render process", samples["warm"], samples["plain"], "fill in this process", 1e3, "ms")
    row("  fill in a fresh process (not taken)", samples["fresh"], samples["plain"], "fill in this process", 1e3,
        "ms")


def _fresh_process(path: str, context: dict, limit: int) -> bytes:
    """A render process of its own, started for this letter and stopped after it (the warm one stays aside)."""
    idle, keep = isolation._IDLE, isolation._KEEP
    isolation._IDLE, isolation._KEEP = [], 0
    try:
        return isolation.render(path, context, timeout=60, max_output=limit)
    finally:
        isolation._IDLE, isolation._KEEP = idle, keep


LONG_HISTORY = {"status_periods": 40, "revisions": 200, "consultations": 60, "cases": 12, "referrals": 20}


def long_history_client(facts, counsellor):
    """A client after years of counselling: a long status history, hundreds of saved versions of the facts,
    consultations, closed and open cases with ticked checklists, and referrals."""
    from perspektive import sealing
    from perspektive.clients import cases, records
    from perspektive.clients.models import Consultation, FactsRevision
    from perspektive.documents.models import ChecklistTick
    from perspektive.referrals.models import AuthorityContact, Consent, Referral

    raw = facts.to_json_dict()
    start = dt.date(2013, 1, 1)
    raw["status_history"] = [
        {"status": "duldung" if i % 2 else "gestattung",
         "from": (start + dt.timedelta(days=90 * i)).isoformat(),
         "to": None if i == LONG_HISTORY["status_periods"] - 1 else (start + dt.timedelta(days=90 * i + 89)).isoformat()}
        for i in range(LONG_HISTORY["status_periods"])]
    raw["entry_date"] = start.isoformat()
    client = records.create_client(parse_facts(raw), counsellor, actor="bench")
    text = json.dumps(parse_facts(raw).to_json_dict(), ensure_ascii=False, sort_keys=True)
    FactsRevision.insert_many([{"client": client.id, "facts_json": "", "recorded_by": counsellor.id}
                               for _ in range(LONG_HISTORY["revisions"])]).execute()
    for revision in FactsRevision.select().where(FactsRevision.client == client, FactsRevision.facts_json == ""):
        FactsRevision.update(facts_json=sealing.seal(text, "facts_revision", "facts_json", revision.id)).where(
            FactsRevision.id == revision.id).execute()
    Consultation.insert_many([{"client": client.id, "counsellor": counsellor.id, "kind": "follow_up" if i else "first",
                               "held_on": ON - dt.timedelta(days=30 * i), "duration_minutes": 45,
                               "attendees": "person,volunteer"} for i in range(LONG_HISTORY["consultations"])]).execute()
    workflows = list(current_engine().workflows)
    for i in range(LONG_HISTORY["cases"]):
        case = cases.open_case(client, workflows[i % len(workflows)], counsellor)
        ChecklistTick.insert_many([{"case": case.id, "item": f"item{j}", "done": j % 2 == 0,
                                    "note": sealing.seal("Kopie liegt vor", "checklist_tick", "note",
                                                         f"{case.id}/item{j}")}
                                   for j in range(8)]).execute()
        if i < LONG_HISTORY["cases"] - len(workflows) // 2:
            cases.set_status(case, "closed", counsellor)
    contact = AuthorityContact.create(name="Bench Sachbearbeitung", email="abh@bench.example")
    consent = Consent.create(client=client, recipient=contact, given_on=ON, scope="letter,checklist,summary")
    Referral.insert_many([{"id": secrets.token_hex(16), "client": client.id, "contact": contact.id,
                           "counsellor": counsellor.id, "consent": consent.id, "workflow": workflows[i % len(workflows)],
                           "documents": "letter,summary", "documents_on": ON, "status": "sent"}
                          for i in range(LONG_HISTORY["referrals"])]).execute()
    return client


def client_page_rows(app, facts, counsellor) -> None:
    """The client page of a client with a long history (target: under 100 ms) against a bare Flask route that
    renders a small page, both through the WSGI stack."""
    with db.connection_context():
        client = long_history_client(facts, counsellor)
    http = app.test_client()
    now = int(time.time())
    with http.session_transaction() as session:  # signed in, as after password and code
        session.update(_user_id=str(counsellor.id), _fresh=True, token=counsellor.session_token, login_at=now,
                       seen_at=now)

    def ours():
        response = http.get(f"/clients/{client.id}", base_url="https://localhost")
        assert response.status_code == 200, response.status_code

    bare = Flask("bare_page")
    bare.add_url_rule("/page", "page", lambda: "<!doctype html><title>x</title><p>" + "x" * 5000)
    bare_http = bare.test_client()
    ours_samples = timed(ours, repeat=20, inner=5)
    base = timed(lambda: bare_http.get("/page"), repeat=20, inner=5)
    row("client page, long history", ours_samples, base, "bare Flask route, small page", 1e3, "ms")
    print(f"  ({', '.join(f'{n} {k}' for k, n in LONG_HISTORY.items())}; "
          f"target < 100 ms: {'met' if statistics.median(ours_samples) < 0.1 else 'MISSED'})")


REFERRAL_KEYS = ("brainpoolP256r1", "rsa3072")
REFERRAL_NOTE = "Sehr geehrte Damen und Herren,\r\nanbei die Unterlagen zum Antrag (Bench).\r\n"


def referral_rows(app, facts, counsellor) -> None:
    """Referral to "sent" and the encryption step, each against raw gpg on the same bytes and key."""
    from perspektive import referrals
    from perspektive.clients.records import create_client
    from perspektive.db import utcnow
    from perspektive.documents.case_summary import FILENAME as SUMMARY_FILENAME
    from perspektive.documents.case_summary import categories_for, render_summary, summary_content
    from perspektive.documents.downloads import DOCX
    from perspektive.documents.letters import letter_filename
    from perspektive.referrals.consents import DOCUMENT_KINDS, record_consent
    from perspektive.referrals.contacts import add_contact, confirm_fingerprint, keyring
    from perspektive.referrals.models import Referral
    from perspektive.referrals.openpgp import stop_agent
    from perspektive.referrals.pgpmime import Attachment, inner_entity
    from tests.common.pgp_keys import make_key
    from tests.common.smtp_sink import start_sink

    # Short homes under /tmp: gpg-agent's socket path must fit into 108 bytes.
    gnupg_home = tempfile.mkdtemp(prefix="bg", dir="/tmp")
    controller, sink = start_sink()
    app.config.update(GNUPG_HOME=gnupg_home, SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port,
                      SMTP_SECURITY="none")
    on = today_in_germany()
    homes = [gnupg_home]
    try:
        with db.connection_context():
            client = create_client(facts, counsellor, actor="bench")
            # The plaintext the referral encrypts, built once from the same rendered documents.
            attachments = [
                Attachment(letter_filename("section_25b", "antrag", on), DOCX,
                           render_letter("section_25b", facts, on, "antrag", counsellor)),
                Attachment(letter_filename("section_25b", "checkliste", on), DOCX,
                           render_letter("section_25b", facts, on, "checkliste", counsellor)),
                Attachment(SUMMARY_FILENAME, DOCX, render_summary(summary_content(
                    facts, "section_25b", on, categories_for(facts, "section_25b", on),
                    app.config["ORGANISATION_NAME"])))]
            plaintext = inner_entity(REFERRAL_NOTE, attachments)
            ring = keyring()
            for kind in REFERRAL_KEYS:
                key = make_key(kind, f"bench-{kind.lower()}@abh.example")
                homes.append(key.home)
                contact = add_contact(name=f"Bench {kind}", email=f"bench-{kind.lower()}@abh.example",
                                      workflows="section_25b", armor=key.public, actor="bench")
                confirm_fingerprint(contact, key.fingerprint, "bench")
                record_consent(client, contact, on - dt.timedelta(days=1), DOCUMENT_KINDS, "bench", on)
                sent_before = len(sink.messages)

                def ours_referral():
                    referral = referrals.queue_referral(client=client, contact=contact, counsellor=counsellor,
                                                        documents=DOCUMENT_KINDS, note=REFERRAL_NOTE,
                                                        workflow="section_25b", on=on, actor="bench")
                    assert referral.status == "sent", referral.last_error

                def raw_gpg():
                    subprocess.run(["gpg", "--homedir", gnupg_home, "--batch", "--no-tty", "--trust-model",
                                    "always", "--armor", "--encrypt", "--recipient", key.fingerprint],
                                   input=plaintext, capture_output=True, check=True)

                def ours_encrypt():
                    ring.encrypt(plaintext, key.fingerprint, contact.public_key, utcnow())

                ours = timed(ours_referral, repeat=10)
                assert len(sink.messages) == sent_before + 11  # warm-up + 10, each received by the SMTP sink
                sent = json.loads(Referral.select().where(Referral.contact == contact)
                                  .order_by(Referral.created_at.desc()).first().manifest)
                assert [a["name"] for a in sent] == [a.filename for a in attachments]
                base = timed(raw_gpg, repeat=20)
                encrypt = timed(ours_encrypt, repeat=20)
                row(f"referral → sent ({kind})", ours, base, "raw gpg --encrypt, same bytes", 1e3, "ms")
                row(f"  encrypt only ({kind})", encrypt, base, "raw gpg --encrypt, same bytes", 1e3, "ms")
        print(f"  (plaintext {len(plaintext) / 1024:.0f} KiB: note, Antrag, Checkliste, Fallzusammenfassung)")
    finally:
        controller.stop()
        for home in homes:
            stop_agent(home)
            shutil.rmtree(home, ignore_errors=True)


FOLLOWUP_CLIENTS = int(os.environ.get("BENCH_FOLLOWUP_CLIENTS", "10000"))
FOLLOWUP_BATCH = 500
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def shifted(value, days: int):
    """The facts with every date moved ``days`` back (all of them, so that the facts stay consistent)."""
    if isinstance(value, dict):
        return {key: shifted(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [shifted(item, days) for item in value]
    if isinstance(value, str) and ISO_DAY.match(value):
        return (dt.date.fromisoformat(value) - dt.timedelta(days=days)).isoformat()
    return value


def followup_rows(counsellor) -> None:
    """Scheduling follow-ups for many clients, and the sweep over them, per client, against baselines."""
    from perspektive import audit
    from perspektive import followups as reminders
    from perspektive.clients.models import Client, FactsRevision
    from perspektive.clients.records import create_client, load_facts
    from perspektive.db import write_transaction
    from perspektive.followups.models import FollowUpRecord
    from perspektive.tasks import huey

    demo = [json.loads((ROOT / "perspektive" / "demo_data" / f"{name}.json").read_text())
            for name in ("amina", "dawit", "karim", "yasmin")]
    people = [parse_facts(shifted(demo[i % 4], (i // 4) % 1000)) for i in range(FOLLOWUP_CLIENTS)]

    def store_only(facts):
        """``create_client`` without the follow-ups: the client, its first facts revision, the audit event."""
        with write_transaction():
            client = Client.create(counsellor=counsellor, reference=f"K-{secrets.token_hex(5).upper()}",
                                   nationality=facts.person.nationality or "unknown",
                                   facts_json=json.dumps(facts.to_json_dict(), ensure_ascii=False, sort_keys=True))
            FactsRevision.create(client=client, facts_json=client.facts_json, recorded_by=counsellor)
            audit.record(counsellor, "client.create", "client", client.id)
        return client.id

    def load_every_client():
        last_id = 0
        while page := list(Client.select().where(Client.id > last_id).order_by(Client.id).limit(FOLLOWUP_BATCH)):
            for client in page:
                load_facts(client)
            last_id = page[-1].id

    huey.immediate = False  # the configured queue, as in production
    huey.flush()
    try:
        with db.connection_context():
            # Interleaved batches, so that both sides meet tables of the same size.
            ours, base, stored_only = [], [], []
            for start in range(0, FOLLOWUP_CLIENTS, FOLLOWUP_BATCH):
                batch = people[start:start + FOLLOWUP_BATCH]
                begin = time.perf_counter()
                for facts in batch:
                    create_client(facts, counsellor, actor="bench")
                ours.append((time.perf_counter() - begin) / len(batch))
                begin = time.perf_counter()
                stored_only.extend(store_only(facts) for facts in batch)
                base.append((time.perf_counter() - begin) / len(batch))
            rows = FollowUpRecord.select().count()
            tasks = huey.pending_count() + huey.scheduled_count()
            row("follow-ups: create + schedule", ours, base, "store client + facts only", 1e3, "ms/client")
            for start in range(0, len(stored_only), FOLLOWUP_BATCH):  # the sweep runs over the first kind only
                ids = stored_only[start:start + FOLLOWUP_BATCH]
                FactsRevision.delete().where(FactsRevision.client.in_(ids)).execute()
                Client.delete().where(Client.id.in_(ids)).execute()

            clients = Client.select().count()
            sweeps, loads, counts = [], [], {}
            for _ in range(3):
                begin = time.perf_counter()
                counts = reminders.sweep()
                sweeps.append((time.perf_counter() - begin) / clients)
                begin = time.perf_counter()
                load_every_client()
                loads.append((time.perf_counter() - begin) / clients)
            row("follow-ups: sweep", sweeps, loads, "load + parse each client's facts", 1e6, "µs/client")
        print(f"  ({clients} clients, {rows} follow-up rows, {tasks} reminder tasks queued at creation, "
              f"{counts['queued']} reminders due and queued by each sweep; queue: {type(huey.storage).__name__})")
    finally:
        huey.flush()
        huey.immediate = True


if __name__ == "__main__":
    main()
    statistics_rows()
