"""Entry module: ``flask --app app ...`` and ``huey_consumer app.huey``."""
from perspektive import create_app
from perspektive.tasks import huey

app = create_app()

__all__ = ["app", "huey"]
