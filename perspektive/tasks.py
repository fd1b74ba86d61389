"""The Huey instance, and the app context its tasks run in. Tasks themselves live in their capability
(``perspektive/<capability>/tasks.py``); the entry module ``app`` imports the app, whose factory imports every
capability's tasks, so ``huey_consumer app.huey`` finds them all.

This is the one module that reads configuration at import: Huey needs its storage before any task is declared.

Task arguments are ids only, never personal data: Huey stores them pickled and unencrypted. Huey does not
guarantee delivery, so every task is idempotent and periodic work is safe to run twice. Periodic times are UTC
(Huey's default).
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from flask import current_app, has_app_context
from flask_babel import force_locale
from huey import RedisHuey, SqliteHuey

from .config import load_config


def build_huey(config: dict):
    if config["REDIS_URL"]:
        return RedisHuey("perspektive", url=config["REDIS_URL"], store_intermediate_errors=False,
                         immediate=config["HUEY_IMMEDIATE"])
    return SqliteHuey("perspektive", filename=str(Path(config["DATA_DIR"]) / "huey.db"),
                      store_intermediate_errors=False, immediate=config["HUEY_IMMEDIATE"])


huey = build_huey(load_config())
_bound_app = None
_before_each_task: list = []


def before_each_task(step) -> None:
    """Run ``step()`` in the app context at the start of every task (once registered, however many apps are
    built): the factory registers keeping the uploaded provisions in step, so that a task sees what a request
    would."""
    if step not in _before_each_task:
        _before_each_task.append(step)


def bind_app(app) -> None:
    """The app that tasks use outside a request: the one the entry module built (the consumer's)."""
    global _bound_app
    _bound_app = app


@contextmanager
def app_context():
    """Inside a request or test the current app; in the consumer process the app bound by ``create_app``. Tasks
    speak German, even when a request runs one at once: what they write is kept as a record or mailed."""
    if has_app_context():
        context = current_app.app_context()
    elif _bound_app is None:
        raise RuntimeError("No app for the task: start the consumer as `huey_consumer app.huey`.")
    else:
        context = _bound_app.app_context()
    with context, force_locale("de"):
        for step in _before_each_task:
            step()
        yield
