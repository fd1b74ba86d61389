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
from flask_babel import lazy_gettext as _l

from perspektive import audit
from perspektive.audit import AuditEvent

from .secured import Secured

MAX_PAGE = 10_000_000  # 500 million events at 50 a page

# What each recorded action means, for the administrator reading the log; the stored key stays beside it (the
# filter and an export use it). An action without a name here (a plugin's own) shows its key.
ACTION_NAMES = {
    "auth.login": _l("Anmeldung"), "auth.login_failed": _l("Anmeldung fehlgeschlagen"),
    "auth.logout": _l("Abmeldung"), "auth.second_factor_enrolled": _l("zweiter Faktor eingerichtet"),
    "user.create": _l("Konto angelegt"), "user.update": _l("Konto geändert"),
    "user.password_set": _l("Passwort gesetzt"), "user.second_factor_reset": _l("zweiter Faktor zurückgesetzt"),
    "user.api_token": _l("API-Schlüssel erzeugt"), "user.handover": _l("Akten übergeben"),
    "client.create": _l("Akte angelegt"), "client.update_facts": _l("Fakten geändert"),
    "client.plans": _l("geplante Ereignisse geändert"), "client.export": _l("Auskunft (Art. 15 DSGVO) erstellt"),
    "client.erase": _l("Akte gelöscht"), "client.erase_inform": _l("Empfänger, die von der Löschung erfahren müssen"),
    "client.handover": _l("Akte übergeben"), "client.access_denied": _l("Zugriff auf Akte verweigert"),
    "consultation.record": _l("Beratung erfasst"),
    "case.open": _l("Fall eröffnet"), "case.submitted": _l("Fall: beantragt"), "case.granted": _l("Fall: erteilt"),
    "case.refused": _l("Fall: abgelehnt"), "case.closed": _l("Fall geschlossen"),
    "case.outcome": _l("Ausgang des Verfahrens erfasst"),
    "checklist.done": _l("Unterlage abgehakt"), "checklist.undone": _l("Haken bei Unterlage entfernt"),
    "checklist.note": _l("Notiz zu Unterlage"), "checklist.expiry": _l("Ablaufdatum einer Unterlage gesetzt"),
    "checklist.expiry_cleared": _l("Ablaufdatum einer Unterlage entfernt"),
    "document.create": _l("Dokument gespeichert"),
    "document.retention_purge": _l("Dokumente nach der Aufbewahrungsfrist gelöscht"),
    "followup.done": _l("Frist erledigt"), "followup.dismissed": _l("Frist verworfen"),
    "followup.open": _l("Frist wieder offen"), "followup.agreed": _l("Frist vereinbart"),
    "followup.list": _l("Fristen aufgelistet"), "followup.reminder_sent": _l("Erinnerung gesendet"),
    "followup.reminder_no_address": _l("Erinnerung ohne E-Mail-Adresse"),
    "followup.reminder_failed": _l("Erinnerung fehlgeschlagen"),
    "followup.access_denied": _l("Zugriff auf Frist verweigert"),
    "calendar.rotate": _l("Kalender-Abo erneuert"), "calendar.revoke": _l("Kalender-Abo gelöscht"),
    "consent.record": _l("Schweigepflichtentbindung erfasst"),
    "consent.withdraw": _l("Schweigepflichtentbindung widerrufen"),
    "contact.create": _l("Kontakt angelegt"), "contact.update": _l("Kontakt geändert"),
    "contact.activate": _l("Kontakt ein- oder ausgeschaltet"), "contact.key_import": _l("Schlüssel eingelesen"),
    "contact.key_confirm": _l("Fingerabdruck bestätigt"),
    "contact.key_confirm_mismatch": _l("Fingerabdruck stimmt nicht überein"),
    "contact.key_remove": _l("Schlüssel entfernt"),
    "referral.queue": _l("Übermittlung in Warteschlange"), "referral.send_attempt": _l("Übermittlung versucht"),
    "referral.download": _l("Übermittlung heruntergeladen"), "referral.acknowledge": _l("Eingang bestätigt"),
    "referral.access_denied": _l("Zugriff auf Übermittlung verweigert"),
    "meeting.create": _l("Fallbesprechung angelegt"), "agenda.add": _l("Fall auf die Tagesordnung gesetzt"),
    "agenda.outcome": _l("Ergebnis der Besprechung erfasst"), "agenda.followed": _l("Umsetzung des Ergebnisses erfasst"),
    "agenda.sheet": _l("Besprechungsbogen erstellt"), "agenda.access_denied": _l("Zugriff auf Tagesordnung verweigert"),
    "statistics.report": _l("Statistikbericht erstellt"), "procedure_stats.store": _l("Verfahrensstatistik gespeichert"),
    "workflow.replace": _l("Weg ersetzt"), "template.replace": _l("Briefvorlage ersetzt"),
    "translation.reviewed": _l("Übersetzung als geprüft markiert"),
    "translation.unreviewed": _l("Übersetzung wieder ungeprüft"),
    "retention.run": _l("Aufbewahrungsfristen geprüft"), "backup.key": _l("Sicherungsschlüssel hinterlegt"),
}

OBJECT_NAMES = {
    "client": _l("Akte"), "user": _l("Konto"), "case": _l("Fall"), "followup": _l("Frist"),
    "consultation": _l("Beratung"), "referral": _l("Übermittlung"), "consent": _l("Schweigepflichtentbindung"),
    "contact": _l("Kontakt"), "authority_contact": _l("Kontakt"), "document": _l("Dokument"),
    "meeting": _l("Fallbesprechung"), "agenda_item": _l("Tagesordnungspunkt"), "statistics": _l("Statistik"),
    "procedure_report": _l("Verfahrensstatistik"), "workflow": _l("Weg"), "letter_template": _l("Briefvorlage"),
    "translation": _l("Übersetzung"), "backup_key": _l("Sicherungsschlüssel"),
}


def action_name(action: str) -> str:
    return str(ACTION_NAMES.get(action, action))


def object_name(object_type: str) -> str:
    return str(OBJECT_NAMES.get(object_type, object_type))


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
        return super().render(template, chain_break=audit.verify_chain(), filter_fields=fields, action_name=action_name,
                              object_name=object_name,
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
