"""Statistics: the counselling's figures per period (consultations, persons and their classes, paths, outcomes,
durations), the outcome of each case, the statistics page and the quarterly report (.docx, .xlsx, CSV, JSON) with
small counts suppressed. The figures read coarse rows of their own (``models``), kept in step through the
``client_changed`` hook (``plugin``), never the sealed facts."""
from . import plugin
from .cli import COMMANDS
from .figures import Figures, compute
from .outcomes import OUTCOME_NAMES, REFUSAL_NAMES, OutcomeError, form_of, outcome_of
from .outcomes import record as record_outcome
from .periods import Period, PeriodError, parse_period, quarter_of
from .sync import backfill, detach_erased

PLUGINS = (plugin,)

__all__ = ["COMMANDS", "OUTCOME_NAMES", "PLUGINS", "REFUSAL_NAMES", "Figures", "OutcomeError", "Period", "PeriodError",
           "backfill", "compute", "detach_erased", "form_of", "init_app", "outcome_of", "parse_period", "quarter_of",
           "record_outcome"]


def init_app(app) -> None:
    from . import tasks, views  # noqa: F401 - the consumer finds the nightly task

    app.register_blueprint(views.bp)
