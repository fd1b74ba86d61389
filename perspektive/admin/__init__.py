"""The administrators' console under /admin (Flask-Admin): accounts and roles, authority contacts and keys,
workflows and letter templates, the checklist translations and their review, the audit log, the data subject's rights. Every view inherits ``secured.Secured``."""
from __future__ import annotations

from flask import Blueprint
from flask_admin import Admin

ADMIN_NAME = "Perspektive – Verwaltung"

__all__ = ["ADMIN_NAME", "init_app"]


def init_app(app) -> None:
    """A new ``Admin`` and new views for every app: Flask-Admin keeps the app and the blueprints on them."""
    from .accounts import UsersView
    from .audit_log import AuditView
    from .console import ContactsView, Dashboard
    from .privacy import PrivacyView
    from .translations import TranslationsView
    from .workflows import TemplatesView, WorkflowsView

    # The console's pages are the project's own templates (Flask-Admin's carry inline scripts the CSP refuses);
    # this blueprint only makes them findable.
    app.register_blueprint(Blueprint("console_templates", __name__, template_folder="templates"))
    admin = Admin(app, name=ADMIN_NAME, url="/admin", index_view=Dashboard())
    for view in (UsersView(), ContactsView(), WorkflowsView(), TemplatesView(), TranslationsView(), AuditView(),
                 PrivacyView()):
        admin.add_view(view)
