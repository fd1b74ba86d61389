"""Encryption at rest in ``make bench``: what sealing costs a reader, and how fast ``keys rotate`` moves clients.

"Off" replaces the four sealing functions by pass-through ones for a client stored while they were off, so the
same page, API call and export run with and without AES-GCM; the ratio on/off is the cost (goal: under 1.2x).
Rotation re-seals every client's facts and revision and rewrites its search tokens, in batches of 500.
"""
from __future__ import annotations

import contextlib
import os
import statistics
import time

from perspektive import resealing, sealing
from perspektive.db import db


@contextlib.contextmanager
def sealing_off():
    names = ("seal", "open_value", "seal_bytes", "open_bytes")
    saved = {name: getattr(sealing, name) for name in names}
    sealing.seal = lambda text, *args, **kwargs: text
    sealing.open_value = lambda value, *args, **kwargs: value
    sealing.seal_bytes = lambda data, *args, **kwargs: data
    sealing.open_bytes = lambda blob, *args, **kwargs: blob
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(sealing, name, fn)


def _row(name, on, off, unit, unit_name):
    o, f = statistics.median(on), statistics.median(off)
    print(f"{name:<34} {o * unit:9.2f} {unit_name} on   {f * unit:9.2f} {unit_name} off   ratio {o / f:5.2f} "
          f"({'met' if o / f < 1.2 else 'MISSED'}: goal < 1.2)")


def sealing_rows(app, facts, counsellor, token, make_client, timed) -> None:
    with db.connection_context():
        sealed_client = make_client(facts, counsellor)
        with sealing_off():
            clear_client = make_client(facts, counsellor)
    http = app.test_client()
    now = int(time.time())
    with http.session_transaction() as session:
        session.update(_user_id=str(counsellor.id), _fresh=True, token=counsellor.session_token, login_at=now,
                       seen_at=now)
    headers = {"Authorization": f"Bearer {token}"}

    def page(client):
        def get():
            assert http.get(f"/clients/{client.id}", base_url="https://localhost").status_code == 200
        return get

    def export(client):
        def get():
            answer = http.get(f"/api/v1/clients/{client.id}", headers=headers, base_url="https://localhost")
            assert answer.status_code == 200, answer.status_code
        return get

    body = {"facts": facts.to_json_dict(), "on": "2026-11-21"}

    def assess():
        answer = http.post("/api/v1/assessments", json=body, headers=headers, base_url="https://localhost")
        assert answer.status_code == 200

    print()
    for name, on_fn, off_fn, inner in (("sealing: client page", page(sealed_client), page(clear_client), 5),
                                       ("sealing: POST /api/v1/assessments", assess, assess, 20),
                                       ("sealing: GET /api/v1/clients/<id>", export(sealed_client),
                                        export(clear_client), 20)):
        on, off = [], []
        for _ in range(5):  # interleaved, so that both meet the same machine
            on += timed(on_fn, repeat=4, inner=inner)
            with sealing_off():
                off += timed(off_fn, repeat=4, inner=inner)
        _row(name, on, off, 1e3, "ms")
    with db.connection_context():  # the client stored in the clear is sealed like any other for the rows after
        resealing.reseal_all(sealing.current())


def rotation_rows(app, counsellor, demo: dict, shifted) -> None:
    """``keys rotate`` over ``BENCH_ROTATION_CLIENTS`` clients (default 10,000), in clients per second."""
    from perspektive.clients.models import Client
    from perspektive.clients.records import create_client
    from perspektive.law.facts import parse_facts

    wanted = int(os.environ.get("BENCH_ROTATION_CLIENTS", "10000"))
    with db.connection_context():
        have = Client.select().count()
        for i in range(max(0, wanted - have)):
            create_client(parse_facts(shifted(demo, i % 1000)), counsellor, actor="bench")
        clients = Client.select().count()
    if sealing.current().path is None:
        print("keys rotate: skipped, the keys are in PERSPEKTIVE_DATA_KEY")
        return
    begin = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["keys", "rotate", "--batch", "500"])
    took = time.perf_counter() - begin
    assert result.exit_code == 0, result.output
    print(f"keys rotate, {clients} clients (facts, a revision each and more, tokens): {took:.1f} s, "
          f"{clients / took:,.0f} clients/s")
