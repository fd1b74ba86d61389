"""The audit trail, read-only, as a Flask-Admin model view: newest first, filtered by action and actor, with the
answer of ``audit.verify_chain`` on top.

Only the list is routed. A read-only log needs no create, edit, details, delete, action, export or ajax routes, so
they are not there to be reached at all (``can_*`` alone would leave them answering). The page is the project's
own template on ``base.html``: Flask-Admin's templates carry inline scripts that the CSP refuses. The filters are
Flask-Admin's own (``flt0_action_equals=…``), sent by a plain GET form.
"""
from __future__ import annotations

from flask import request
from flask_admin.contrib.peewee import ModelView
from flask_admin.contrib.peewee.filters import FilterEqual

from perspektive import audit
from perspektive.audit import AuditEvent

from .secured import Secured

MAX_PAGE = 10_000_000  # 500 million events at 50 a page


class AuditView(Secured, ModelView):
    can_create = can_edit = can_delete = can_view_details = can_export = False
    column_display_actions = False
    list_template = "admin_audit.html"
    column_list = ("at", "actor", "action", "object_type", "object_id", "detail")
    column_default_sort = ("id", True)
    column_sortable_list = ()
    column_filters = ("action", "actor")
    named_filter_urls = True
    page_size = 50
    can_set_page_size = False
    action_disallowed_list = ["delete"]

    # No routes for anything but the list (AdminViewMeta routes only attributes that carry ``_urls``).
    create_view = edit_view = details_view = delete_view = action_view = export = None
    ajax_lookup = ajax_update = None

    def __init__(self):
        super().__init__(AuditEvent, name="Protokoll", endpoint="admin_audit", url="audit")

    def _get_list_extra_args(self):
        """The list's query as Flask-Admin reads it, made safe (probe finding 9): the list sorts one way only, so a
        ``sort``/``desc`` is ignored (Flask-Admin looked it up unchecked: a KeyError), and a page beyond any page
        that can exist is the last one instead of an offset the database cannot hold."""
        args = super()._get_list_extra_args()
        return args.clone(page=min(max(args.page or 0, 0), MAX_PAGE), page_size=0, sort=None, sort_desc=None,
                          filters=list(args.filters or ()))

    def render(self, template, **kwargs):
        fields = {column: self._filter_field(column) for column in ("action", "actor")}
        return super().render(template, chain_break=audit.verify_chain(), filter_fields=fields,
                              selected={column: request.args.get(field, "") for column, field in fields.items()},
                              choices={column: _distinct(getattr(AuditEvent, column)) for column in fields},
                              **kwargs)

    def _filter_field(self, column: str) -> str:
        """The query argument of the "equals" filter on ``column``, as Flask-Admin names it."""
        position = ("action", "actor").index(column)
        for index, flt in enumerate(self._filters or ()):
            if type(flt) is FilterEqual and flt.column is getattr(AuditEvent, column):
                return f"flt{position}_{self.get_filter_arg(index, flt)}"
        raise LookupError(column)


def _distinct(field) -> list[str]:
    return [row[0] for row in AuditEvent.select(field).distinct().order_by(field).tuples()]
