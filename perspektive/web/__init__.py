"""The web: the app factory, the pages that bring several capabilities together (client list, client page, case
page), the JSON API, the command line's entry, i18n, the base templates and static files."""
from .app import create_app

__all__ = ["create_app"]
