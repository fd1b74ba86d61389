"""Pages only on a database whose schema this code knows: after an upgrade whose ``perspektive migrate`` has not run
yet (or on a database never set up), every page would break on a missing table or column one by one; instead each
request answers 503 with what the administration has to do, and nothing is read or written. Once a worker has seen
the schema current it never asks again (a schema does not go back)."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _

from perspektive.migrations import pending

CURRENT = "perspektive.schema_current"


def behind(app: Flask):
    """None when the schema is current, else the answer that says so."""
    if app.extensions.get(CURRENT) or (request.endpoint or "").endswith("static"):
        return None  # the notice itself needs the style sheet
    missing = pending()
    if not missing:
        app.extensions[CURRENT] = True
        return None
    title = _("Die Datenbank ist nicht auf dem Stand dieser Version")
    detail = _("Die Administration muss die Datenbank einrichten bzw. aktualisieren: „perspektive migrate“ "
               "(im Quellverzeichnis „make run“ oder „flask --app app migrate“) ausführen. Bis dahin wird nichts "
               "gelesen oder gespeichert.")
    headers = {"Retry-After": "60"}
    if request.path.startswith("/api/"):
        return {"error": title, "detail": detail}, 503, headers
    return render_template("error.html", code=503, title=title, detail=detail), 503, headers
