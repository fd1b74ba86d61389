"""``GET /healthz`` for load balancers, systemd watchdogs and monitoring: can this web worker reach the database,
the task queue and gpg, and has ``perspektive migrate`` brought the database to this code's schema (else every page
answers 503, ``schema_gate``)? Open without sign-in, so it says nothing else: no personal data, no counts, no versions,
no error messages (which could carry either); the log names only the kind of error."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app

from perspektive import referrals, tasks
from perspektive.db import db, open_connection
from perspektive.migrations import pending

bp = Blueprint("health", __name__)
log = logging.getLogger("perspektive.health")
ENDPOINT = "health.healthz"


def _database() -> None:
    try:
        open_connection(ping=True)  # a connection the server dropped while idle is replaced, not reported down
        db.execute_sql("SELECT 1").fetchall()
    except Exception:
        # A connection the server dropped stays broken: close it, so the next request (or probe) opens a new one.
        if not db.is_closed():
            db.close()
        raise


def _queue() -> None:
    """The storage the consumer reads. In immediate mode (tests) tasks run in the request and Huey keeps its queue
    in memory; the probe then checks the configured storage all the same."""
    huey = tasks.huey
    storage = huey.storage if not huey.immediate else tasks.build_huey({**current_app.config,
                                                                         "HUEY_IMMEDIATE": False}).storage
    storage.queue_size()


def _gpg() -> None:
    """gpg runs and can read the server's keyring (python-gnupg calls ``gpg --version`` on construction)."""
    listed = referrals.keyring().gpg.list_keys()
    if listed.returncode != 0:
        raise RuntimeError("gpg --list-keys failed")


class SchemaBehind(Exception):
    """Migrations are pending: the host is up, but serves only the notice to run ``perspektive migrate``."""


def _schema() -> None:
    if pending():
        raise SchemaBehind


CHECKS = {"database": _database, "schema": _schema, "queue": _queue, "gpg": _gpg}


@bp.get("/healthz")
def healthz():
    answer = {}
    for name, check in CHECKS.items():
        try:
            check()
            answer[name] = "ok"
        except Exception as exc:  # whatever breaks, the probe must answer
            log.warning("health check %s failed: %s", name, type(exc).__name__)
            answer[name] = "behind" if isinstance(exc, SchemaBehind) else "down"
    return answer, 200 if all(state == "ok" for state in answer.values()) else 503
