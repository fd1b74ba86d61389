"""The web worker's database connection: kept open per worker thread between requests (opening one costs more than
most requests), and replaced as soon as it is found dead, so that a PostgreSQL restart, a failover or a
``pg_terminate_backend`` costs no request at all in the usual case and never more than one.

- Every request first checks the driver's own flag: a connection that an earlier request found dead is replaced.
- A request that may write (POST and the like) asks the server first (``SELECT 1``, one local round trip), so a
  connection dropped while the worker sat idle is replaced before anything is written: a write is never retried,
  since the first attempt may have been committed.
- A reading request (GET, HEAD, OPTIONS) skips that round trip; when its first query finds the connection gone, the
  request is run once more, on a new connection, and the user sees only the second answer.
"""
from __future__ import annotations

import logging

from flask import Flask, g, request

from perspektive.db import connection_lost, discard_connection, open_connection

log = logging.getLogger("perspektive.db")

READING = frozenset({"GET", "HEAD", "OPTIONS"})


def connect_for_request() -> None:
    open_connection(ping=request.method not in READING)


def end_request(exc: BaseException | None) -> None:
    """A request that broke on a lost connection leaves none behind for the next one."""
    if connection_lost(exc):
        discard_connection()


class PerspektiveFlask(Flask):
    """Flask with one transparent retry of a reading request whose connection was lost under it."""

    def handle_user_exception(self, e):
        if request.method in READING and connection_lost(e) and not g.get("_perspektive_retried"):
            g._perspektive_retried = True
            # The kind of error only: its message could carry a query's values.
            log.warning("database connection lost during %s %s: retried on a new connection",
                        request.method, request.endpoint)
            discard_connection()
            try:
                open_connection()
                answer = self.preprocess_request()
                return answer if answer is not None else self.dispatch_request()
            except Exception as again:  # noqa: BLE001 - handed to Flask's own handling below
                e = again
        return super().handle_user_exception(e)
