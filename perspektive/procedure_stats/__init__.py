"""The Ausländerbehörde's quarterly procedure statistics: entered by an authority contact in the portal or uploaded
as the quarterly sheet (.xlsx or .csv), stored as aggregate tables never linked to a case, and offered to the
statistics page as plain dicts (``procedure_figures``) with the trend of long-term Duldungen."""
from .figures import procedure_figures, reports, store
from .sheet import ROWS, SheetError, check, read_upload

__all__ = ["ROWS", "SheetError", "check", "init_app", "procedure_figures", "read_upload", "reports", "store"]


def init_app(app) -> None:
    from . import views

    app.register_blueprint(views.bp)
