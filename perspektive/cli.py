"""The ``perspektive`` command of an installed package: Flask's command line over the app factory, so that
``perspektive run|migrate|demo|users|...`` are the commands ``flask --app app ...`` serves in the checkout."""
from __future__ import annotations

from flask.cli import FlaskGroup

from perspektive import create_app


def main() -> None:
    FlaskGroup(name="perspektive", create_app=create_app,
               help="Perspektive: Bleiberechtsberatung. Konfiguration über PERSPEKTIVE_* (docs/deployment.md).")()
