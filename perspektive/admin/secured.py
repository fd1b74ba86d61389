"""The one base every view of the console inherits: Flask-Admin lets everyone in unless told otherwise
(security-checklist row 13), so access is decided here and nowhere else."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from perspektive.accounts import login_manager, safe_next


class Secured:
    """Only active administrators; anyone else goes to the login page (anonymous) or gets 403."""

    def is_accessible(self) -> bool:
        return bool(current_user.is_authenticated and current_user.is_active
                    and current_user.role == "administrator")

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            flash(str(login_manager.login_message), login_manager.login_message_category)
            # Back to the page after login; a POST's address is no page to come back to.
            target = (request.full_path if request.query_string else request.path) \
                if request.method == "GET" else None
            return redirect(url_for("auth.login", next=safe_next(target)))
        abort(403)
