"""The task consumer's entry: ``huey_consumer perspektive.worker.huey``. Importing this module builds the app, whose
factory imports every capability's tasks and binds the app the tasks run in (``perspektive.tasks``)."""
from __future__ import annotations

from perspektive import create_app
from perspektive.tasks import huey

app = create_app()

__all__ = ["app", "huey"]
