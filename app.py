"""Entry module of the checkout: ``flask --app app ...`` and ``huey_consumer app.huey`` (an installed package has
the ``perspektive`` command and ``huey_consumer perspektive.worker.huey`` instead)."""
from perspektive.worker import app, huey

__all__ = ["app", "huey"]
