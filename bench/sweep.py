"""The daily follow-up sweep over many clients in ``make bench`` (also ``python -m bench.sweep``): with nothing
changed since the last sweep (goal: under 2 s for 100,000 clients), and with 1 % of the clients changed.

The clients are bulk-inserted into a database of their own (SQLite in the bench's data directory) with their
stamps as a previous sweep left them, so that the figures are the sweep's, not the set-up's. Baselines from the same
run: for "nothing changed", one plain read of every client's id and facts revision (what any detection of changed
facts has to read at least); for "1 % changed", recomputing exactly those clients (``sync_client`` in a loop over
ids known beforehand), so the ratio is what finding them costs on top. ``BENCH_SWEEP_CLIENTS`` changes the number.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import statistics
import time
from pathlib import Path

from perspektive import create_app
from perspektive.accounts.users import create_user
from perspektive.clients import sealed
from perspektive.clients.models import Client
from perspektive.db import db, init_database
from perspektive.followups.models import FollowUpStamp
from perspektive.followups.records import sync_all, sync_client
from perspektive.law.engine import current_engine
from perspektive.law.facts import parse_facts
from perspektive.law.periods import today_in_germany
from perspektive.migrations import migrate

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = int(os.environ.get("BENCH_SWEEP_CLIENTS", "100000"))
CHANGED_SHARE = 0.01
CHUNK = 2000
GOAL_SECONDS = 2.0


def _populate(counsellor, count: int) -> None:
    """``count`` clients (the four demo people in turn) with the stamps a sweep left; no follow-up rows."""
    people = [parse_facts(json.loads(p.read_text())) for p in sorted((ROOT / "perspektive" / "demo_data").glob("*.json"))
              if p.stem in ("amina", "dawit", "karim", "yasmin")]
    texts = [sealed.dump(facts) for facts in people]
    today = today_in_germany()
    rules = current_engine().fingerprint(today)
    prefix = secrets.token_hex(3).upper()
    for start in range(1, count + 1, CHUNK):
        ids = range(start, min(start + CHUNK, count + 1))
        with db.atomic():
            Client.insert_many([{
                "id": i, "counsellor": counsellor.id, "reference": f"B-{prefix}-{i}",
                "nationality": people[i % len(people)].person.nationality or "unknown",
                "facts_json": sealed.seal_client(Client(id=i), texts[i % len(texts)]), "revision": 0}
                for i in ids]).execute()
            FollowUpStamp.insert_many([{
                "client": i, "facts_revision": 0, "cases": 0, "latest_case": 0, "closed_cases": 0, "rules": rules,
                "recheck_on": today + dt.timedelta(days=30 + i % 300)} for i in ids]).execute()


def _bump(ids: list[int]) -> None:
    with db.atomic():
        for start in range(0, len(ids), 500):
            Client.update(revision=Client.revision + 1).where(Client.id.in_(ids[start:start + 500])).execute()


def _median_row(name: str, ours: list[float], base: list[float], base_name: str, goal: float | None = None) -> None:
    o, b = statistics.median(ours), statistics.median(base)
    verdict = "" if goal is None else f"  ({'met' if o < goal else 'MISSED'}: goal < {goal:.0f} s)"
    print(f"{name:<34} {o:9.3f} s ({min(ours):.3f}–{max(ours):.3f})   {base_name:<30} {b:9.3f} s"
          f"   ratio {o / b:5.2f}{verdict}")


def sweep_rows(data_dir: Path, count: int = CLIENTS) -> None:
    """Runs on a database of its own and gives the previous one back to the caller afterwards."""
    previous = db.obj
    path = data_dir / f"sweep-bench-{secrets.token_hex(4)}.db"
    init_database(f"sqlite:///{path}")
    try:
        with db.connection_context():
            migrate()
            counsellor = create_user(f"sweep{time.time_ns()}", role="counsellor", password="bench-password-123",
                                     display_name="Sweep")
            begin = time.perf_counter()
            _populate(counsellor, count)
            print(f"follow-up sweep: {count} clients bulk-inserted in {time.perf_counter() - begin:.1f} s")

            ours, base = [], []
            for _ in range(3):
                begin = time.perf_counter()
                recomputed, _changed = sync_all()
                ours.append(time.perf_counter() - begin)
                assert recomputed == 0, recomputed
                begin = time.perf_counter()
                rows = Client.select(Client.id, Client.revision).tuples().execute()
                assert len(list(rows)) == count
                base.append(time.perf_counter() - begin)
            _median_row("sweep, nothing changed", ours, base, "read every id + revision", GOAL_SECONDS)

            step = int(1 / CHANGED_SHARE)
            changed = list(range(1, count + 1, step))
            ours, base = [], []
            for _ in range(2):
                _bump(changed)
                begin = time.perf_counter()
                recomputed, _changed = sync_all()
                ours.append(time.perf_counter() - begin)
                assert recomputed == len(changed), (recomputed, len(changed))
                begin = time.perf_counter()
                for start in range(0, len(changed), 500):
                    for client in Client.select().where(Client.id.in_(changed[start:start + 500])):
                        sync_client(client)
                base.append(time.perf_counter() - begin)
            _median_row(f"sweep, {CHANGED_SHARE:.0%} changed ({len(changed)})", ours, base,
                        "sync_client on those, ids known")
    finally:
        db.initialize(previous)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def main() -> None:
    data_dir = Path(os.environ.get("PERSPEKTIVE_DATA_DIR") or "/tmp")
    app = create_app({"DATABASE_URL": f"sqlite:///{data_dir / 'bench.db'}"})
    with app.app_context():
        sweep_rows(data_dir)


if __name__ == "__main__":
    main()
