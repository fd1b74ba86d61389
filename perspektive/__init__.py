"""Perspektive: a workflow server for residence-rights counselling."""
from __future__ import annotations

from .plugins import hookimpl

__all__ = ["create_app", "hookimpl"]


def create_app(config: dict | None = None):
    from .app_factory import create_app as _create

    return _create(config)
