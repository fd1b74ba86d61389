"""The checklist translations in the administrators' console: every language file of the client's handout, whether
it is reviewed (by whom, when, or changed since), and marking it reviewed or taking that back. The files and their
review state are ``perspektive.documents`` (``translations``); this view parses the form and renders."""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _

from perspektive.accounts import me
from perspektive.documents import (
    TRANSLATIONS_GERMAN,
    checklist_translations,
    checklist_translations_folder,
    load_translation,
    mark_translation_reviewed,
    translation_review,
    withdraw_translation_review,
)

from .secured import Secured


class TranslationsView(Secured, BaseView):
    def __init__(self):
        super().__init__(name="Übersetzungen", endpoint="admin_translations", url="translations")

    @expose("/")
    def index(self):
        rows = []
        for file_name, translation, problem in checklist_translations():
            review = translation_review(translation) if translation is not None else None
            rows.append({"file": file_name, "translation": translation, "problem": problem, "review": review,
                         "original": translation is not None and translation.code == TRANSLATIONS_GERMAN,
                         "items": sum(len(items) for workflow in (translation.items.values() if translation else ())
                                      for items in workflow.values())})
        return self.render("admin_translations.html", rows=rows, folder=checklist_translations_folder())

    @expose("/<code>", methods=("POST",))
    def review(self, code: str):
        translation = load_translation(code)
        if translation is None or translation.code == TRANSLATIONS_GERMAN:
            abort(404)
        if request.form.get("reviewed") == "1":
            mark_translation_reviewed(translation, me())
            flash(_("Übersetzung %(language)s als geprüft markiert.", language=translation.name_de), "info")
        else:
            withdraw_translation_review(translation, me())
            flash(_("Prüfung der Übersetzung %(language)s zurückgenommen.", language=translation.name_de), "info")
        return redirect(url_for(".index", _anchor=f"lang-{translation.code}"), code=303)
