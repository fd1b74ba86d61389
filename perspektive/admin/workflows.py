"""Workflows and letter templates in the administrators' console: what the engine loaded (and what it could not),
and the upload of a new or replaced provision or of one template. The checks and the writing are
``perspektive.workflow_upload``; these views parse the form and render.

A refused upload comes back with status 422 and every problem by file and key; a browser cannot refill file inputs,
so the page says to choose the files again, and keeps the "replace" tick.
"""
from __future__ import annotations

from pathlib import Path

from flask import abort, flash, redirect, request, url_for
from flask_admin import BaseView, expose
from flask_babel import gettext as _

from perspektive.accounts import me
from perspektive.documents import (
    LETTERS,
    MAX_TEMPLATE_BYTES,
    MAX_WORKFLOW_BYTES,
    SAMPLE_CLIENTS,
    Upload,
    UploadError,
    install_template,
    install_workflow,
    template_overview,
    upload_history,
)
from perspektive.documents import restore as restore_version
from perspektive.law import WORKFLOW_ID, current_engine

from .secured import Secured


class WorkflowsView(Secured, BaseView):
    def __init__(self):
        super().__init__(name="Workflows", endpoint="admin_workflows", url="workflows")

    @expose("/")
    def index(self):
        return self._page()

    @expose("/", methods=("POST",))
    def upload(self):
        replace = request.form.get("replace") == "1"
        templates = {letter: _upload(letter) for letter in LETTERS if _chosen(letter)}
        try:
            done = install_workflow(_upload("workflow_file"), templates, replace=replace, actor=me())
        except UploadError as exc:
            return self._page(problems=exc.problems, replace=replace), 422
        names = {"workflow": done.workflow_id, "provision": done.provision}
        if done.replaced:
            message = _("Workflow %(workflow)s (%(provision)s) ersetzt; er steht ab sofort in den Perspektiven "
                        "aller Mandantinnen und Mandanten.", **names)
        else:
            message = _("Workflow %(workflow)s (%(provision)s) hinzugefügt; er steht ab sofort in den Perspektiven "
                        "aller Mandantinnen und Mandanten.", **names)
        if done.defaults:
            message += " " + _("Standardvorlage übernommen für: %(letters)s.", letters=", ".join(done.defaults))
        flash(message, "info")
        return redirect(url_for(".index", _anchor=f"wf-{done.workflow_id}"), code=303)

    @expose("/<workflow_id>/versionen")
    def versions(self, workflow_id: str):
        if not WORKFLOW_ID.fullmatch(workflow_id):
            abort(404)
        return self._versions(workflow_id)

    @expose("/versionen/<int:version_id>", methods=("POST",))
    def restore(self, version_id: int):
        workflow_id = request.form.get("workflow_id", "")
        if not WORKFLOW_ID.fullmatch(workflow_id):
            abort(404)
        try:
            done = restore_version(version_id, actor=me())
        except UploadError as exc:
            return self._versions(workflow_id, problems=exc.problems), 422
        flash(_("Wiederhergestellt als %(versions)s (%(provision)s); gilt ab sofort.",
                versions=", ".join(done.versions), provision=done.provision), "info")
        return redirect(url_for(".versions", workflow_id=done.workflow_id), code=303)

    def _versions(self, workflow_id: str, problems=None):
        engine = current_engine()
        rows = upload_history(workflow_id)
        workflow = engine.workflows.get(workflow_id)
        newest = {}
        for row in rows:  # newest first per file
            newest.setdefault(row.letter, row.id)
        return self.render("admin_workflow_versions.html", workflow_id=workflow_id, workflow=workflow, rows=rows,
                           newest=set(newest.values()), problems=problems or [])

    def _page(self, problems=None, replace: bool = False):
        engine = current_engine()
        workflows = sorted(engine.workflows.values(), key=lambda w: w.id)
        templates = {w.id: {letter: (engine.letters_dir / w.id / f"{letter}.docx").is_file() for letter in w.letters}
                     for w in workflows}
        return self.render("admin_workflows.html", workflows=workflows, templates=templates,
                           broken=_broken(engine.catalogue.errors), workflows_dir=engine.workflows_dir,
                           types=sorted(engine.types.values(), key=lambda t: t.name), problems=problems or [],
                           replace=replace, max_workflow_kb=MAX_WORKFLOW_BYTES // 1000,
                           letters=LETTERS)


class TemplatesView(Secured, BaseView):
    def __init__(self):
        super().__init__(name="Briefvorlagen", endpoint="admin_templates", url="templates")

    @expose("/")
    def index(self):
        return self._page()

    @expose("/<workflow_id>/<letter>", methods=("POST",))
    def replace(self, workflow_id: str, letter: str):
        if not WORKFLOW_ID.fullmatch(workflow_id) or letter not in LETTERS:
            abort(404)
        try:
            done = install_template(workflow_id, letter, _upload("template"), actor=me())
        except UploadError as exc:
            return self._page(problems=exc.problems, failed=(workflow_id, letter)), 422
        names = {"file": f"{letter}.docx", "provision": done.provision}
        flash(_("Vorlage %(file)s für %(provision)s ersetzt.", **names) if done.replaced
              else _("Vorlage %(file)s für %(provision)s hinzugefügt.", **names), "info")
        return redirect(url_for(".index", _anchor=f"tpl-{workflow_id}"), code=303)

    def _page(self, problems=None, failed=None):
        return self.render("admin_templates.html", rows=template_overview(), problems=problems or [],
                           failed=failed, sample=", ".join(SAMPLE_CLIENTS),
                           max_template_mb=MAX_TEMPLATE_BYTES // 1_000_000)


def _chosen(field: str) -> bool:
    upload = request.files.get(field)
    return upload is not None and bool(upload.filename)


def _upload(field: str) -> Upload:
    """The file of ``field``, read up to one byte past the largest size any check allows."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return Upload("", b"")
    limit = max(MAX_WORKFLOW_BYTES, MAX_TEMPLATE_BYTES) + 1
    return Upload(upload.filename, upload.stream.read(limit))


def _broken(errors: dict[str, str]) -> list[dict]:
    """The loader's errors as file, key and problem (the loader writes them as ``file: key: problem``)."""
    rows = []
    for source, message in sorted(errors.items()):
        parts = message.split(": ", 2)
        file, key, problem = parts if len(parts) == 3 else (Path(source).name, "", message)
        rows.append({"file": file, "directory": str(Path(source).parent), "key": key, "problem": problem})
    return rows
