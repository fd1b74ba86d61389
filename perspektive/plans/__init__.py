"""Planned events ("what if"): what a counsellor expects to happen (a B1 exam, a job, a passport), each on a day,
stored apart from the facts; the client page shows per path the earliest day with and without them
(``perspektive.law.perspectives``). Letters, checklists and referrals never read them."""
from .store import plans_of, save_plans

__all__ = ["init_app", "plans_of", "save_plans"]


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
