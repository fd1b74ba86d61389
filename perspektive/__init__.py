"""Perspektive: a workflow server for residence-rights counselling.

One folder per capability (``law``, ``accounts``, ``clients``, ``documents``, ``followups``, ``referrals``,
``admin``, ``web``); docs/architecture.md shows what each owns and which way the imports run."""
from __future__ import annotations

from .law import hookimpl

__all__ = ["create_app", "hookimpl"]


def create_app(config: dict | None = None):
    from .web import create_app as _create

    return _create(config)
