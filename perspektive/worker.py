"""The entry of the servers: ``gunicorn perspektive.worker:app`` and ``huey_consumer perspektive.worker.huey``.
Importing this module builds the app, whose factory imports every capability's tasks and binds the app the tasks
run in (``perspektive.tasks``).

The built app (workflows, templates, catalogues: some 115,000 objects) lives as long as the process, so it is
taken out of the cyclic garbage collector's sight (``gc.freeze``): a full collection then looks at what requests
left behind, well under a millisecond, instead of 80-100 ms that stalled a web worker every few hundred requests
and made the client list's p99 (bench/load.py). Garbage of the build itself is collected first."""
from __future__ import annotations

import gc

from perspektive import create_app
from perspektive.tasks import huey

app = create_app()
gc.collect()
gc.freeze()

__all__ = ["app", "huey"]
