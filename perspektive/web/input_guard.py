"""No NUL character reaches a view through a form or a query (probe finding 9). PostgreSQL cannot hold one in a
text, and its driver refuses the whole query, so a NUL typed into the sign-in name or any note was a 500 on
PostgreSQL and stored on SQLite. The facts forms check their inputs themselves and name the field beside it; every
other form and query gets a 400 page naming the field."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

# Views that validate every value themselves and answer with the error beside the field.
CHECKED_BY_VIEW = {"facts.edit_group", "facts.new_client"}


def _first_field_with_nul() -> str | None:
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if "\x00" in key or "\x00" in value:
                return key.replace("\x00", "")[:60]
    return None


def init_app(app) -> None:
    @app.before_request
    def _refuse_nul():
        if request.endpoint in CHECKED_BY_VIEW or request.path.startswith("/api/"):
            return None
        field = _first_field_with_nul()
        if field is None:
            return None
        title = _("Ungültige Anfrage")
        detail = _("Das Feld „%(field)s“ enthält ein unzulässiges Zeichen (NUL). Bitte die Eingabe prüfen.",
                   field=field)
        return render_template("error.html", code=400, title=title, detail=detail), 400
