"""The capability every face calls: plugins, criterion types and the workflow catalogue, and what they answer.

One ``Engine`` per app, built by ``create_app``. ``reload()`` re-reads the workflow files, so a workflow dropped
into ``workflows/`` is picked up without a restart (the web face calls it when the files changed).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pluggy
from flask import current_app

from .asylum_bar import with_asylum_bar
from .criteria import CriterionType, check_condition
from .facts import CaseFacts
from .fiction import with_fiction
from .followup_rules import FollowUp, compute
from .plugins import build_plugin_manager
from .rules import Assessment, assess, assess_all, assess_each
from .workflows import Catalogue, Workflow, load_catalogue


def derived(facts: CaseFacts) -> CaseFacts:
    """The facts as the rules read them: a title kept alive by a pending application (§ 81 Abs. 4, fiction.py),
    the bar of § 10 Abs. 3 S. 2 from the asylum decision's basis (asylum_bar.py)."""
    return with_asylum_bar(with_fiction(facts))


class UnknownWorkflow(LookupError):
    pass


@dataclass(frozen=True)
class ChecklistEntry:
    id: str
    text: dict
    why: str

    def text_in(self, lang: str) -> str:
        return self.text.get(lang) or self.text["de"]


class Engine:
    def __init__(self, workflows_dir: str, letters_dir: str, plugins_dir: str | None, builtin_plugins=()):
        self.workflows_dir = Path(workflows_dir)
        self.letters_dir = Path(letters_dir)
        self.pm: pluggy.PluginManager = build_plugin_manager(plugins_dir, builtin_plugins)
        self.types = self._collect_types()
        self.catalogue: Catalogue = self._load()
        self._stamp = self._files_stamp()

    def _collect_types(self) -> dict[str, CriterionType]:
        types: dict[str, CriterionType] = {}
        owners: dict[str, str] = {}
        for impl in reversed(self.pm.hook.register_criterion_types.get_hookimpls()):
            for name, kind in (impl.function() or {}).items():
                if name in types:
                    raise RuntimeError(f"Kriterientyp „{name}“ doppelt registriert: {owners[name]} und "
                                       f"{impl.plugin_name}")
                types[name], owners[name] = kind, impl.plugin_name
        return types

    def _dirs(self) -> list[Path]:
        extra = [Path(d) for dirs in self.pm.hook.register_workflow_dirs() for d in (dirs or [])]
        return [self.workflows_dir, *extra]

    def _load(self) -> Catalogue:
        return load_catalogue(self._dirs(), self.types, self.letters_dir)

    def _files_stamp(self) -> tuple:
        return tuple(sorted((str(p), p.stat().st_mtime_ns) for d in self._dirs() for p in d.glob("*.toml")))

    def reload_if_changed(self) -> None:
        stamp = self._files_stamp()
        if stamp != self._stamp:
            self.catalogue, self._stamp = self._load(), stamp

    def reload(self) -> None:
        """Read every workflow file again, also when none changed its time (a template came that a workflow was
        refused for)."""
        self.catalogue, self._stamp = self._load(), self._files_stamp()

    def fingerprint(self, on: dt.date) -> str:
        """What the follow-ups computed on ``on`` depend on besides a client's facts and cases: the workflow files
        and plugins by name and content, and the rules' version in force on that day. It changes when a file is
        uploaded or replaced, a plugin comes, goes or is changed (and the server restarted), or a rule starts or
        ends; it is the same on every host with the same provisions, whatever their paths and file times (web
        servers and consumers on several hosts each write the uploads to their own disk)."""
        plugins = sorted((name, _digest(getattr(plugin, "__file__", None)))
                         for name, plugin in self.pm.list_name_plugin())
        parts = [repr(self._contents()), repr(plugins)]
        parts += [f"{w.id}@{w.rules_version(on)}" for w in sorted(self.catalogue.workflows.values(),
                                                                   key=lambda w: w.id)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def _contents(self) -> tuple:
        """Each workflow file's name and SHA-256, read again only when a file's time changed."""
        stamp = self._files_stamp()
        if getattr(self, "_contents_of", (None,))[0] != stamp:
            self._contents_of = (stamp, tuple(sorted((p.name, _digest(p)) for d in self._dirs()
                                                     for p in d.glob("*.toml"))))
        return self._contents_of[1]

    @property
    def workflows(self):
        return self.catalogue.workflows

    def provisions(self) -> dict[str, str]:
        """Workflow id -> its provision ("§ 25b AufenthG"); "" (a follow-up for every path) -> "alle Wege"."""
        return {"": "alle Wege", **{w.id: w.provision for w in self.catalogue.workflows.values()}}

    def workflow(self, workflow_id: str) -> Workflow:
        try:
            return self.catalogue.workflows[workflow_id]
        except KeyError:
            raise UnknownWorkflow(workflow_id) from None

    def assess(self, facts: CaseFacts, on: dt.date, workflow_id: str | None = None) -> list[Assessment]:
        facts = derived(facts)
        if workflow_id:
            return [assess(self.workflow(workflow_id), facts, on, self.types)]
        return assess_all(self.catalogue.workflows, facts, on, self.types)

    def followups(self, facts: CaseFacts, on: dt.date, workflow_id: str | None = None,
                  assessments: list[Assessment] | None = None, client: Any = None) -> list[FollowUp]:
        """The dated follow-ups for this client: those the workflow files declare (one workflow, or all in force),
        then those plugins add through the ``followups`` hook. ``assessments`` are reused when the caller has
        them (the same day's, of the same workflows)."""
        workflows = [self.workflow(workflow_id)] if workflow_id else \
            [w for w in self.catalogue.workflows.values() if w.in_force(on)]
        if assessments is None:
            assessments = assess_each(workflows, derived(facts), on, self.types)
        by_workflow = {a.workflow: a for a in assessments}
        found = [f for w in workflows for f in compute(w.id, w.followups, facts, on, by_workflow.get(w.id))]
        ids = {w.id for w in workflows}
        for extra in reversed(self.pm.hook.followups(facts=facts, assessments=assessments, on=on, client=client)):
            for followup in map(FollowUp.from_hook, extra or ()):
                if followup.workflow and followup.workflow not in self.catalogue.workflows:
                    raise ValueError(f"Plugin-Frist {followup.id!r}: unbekannter Workflow {followup.workflow!r}")
                if not workflow_id or followup.workflow in ids:
                    found.append(followup)
        return sorted(found, key=lambda f: (f.due, f.workflow, f.id))

    def birth_date_followups(self) -> frozenset[tuple[str, str]]:
        """(workflow, rule id) of every declared follow-up whose day can be computed from a date of birth (see
        ``Workflow.birth_date_followups``): such a day, with the kind, gives the birth date away."""
        return frozenset((w.id, rule) for w in self.catalogue.workflows.values() for rule in w.birth_date_followups())

    def notes(self, facts: CaseFacts, assessments: list[Assessment]) -> list[dict]:
        """Advice across paths from the ``perspective_notes`` hook, in plugin order, each note once."""
        notes: list[dict] = []
        for extra in reversed(self.pm.hook.perspective_notes(facts=facts, assessments=assessments)):
            for note in extra or ():
                entry = {"text": note["text"], "citation": note.get("citation", ""),
                         "workflows": list(note.get("workflows", ()))}
                if entry not in notes:
                    notes.append(entry)
        return notes

    def checklist(self, workflow: Workflow, facts: CaseFacts, assessment: Assessment) -> list[ChecklistEntry]:
        on = assessment.assessed_on
        entries = []
        for item in workflow.checklist:
            if item.valid_from and on < item.valid_from or item.valid_until and on > item.valid_until:
                continue
            if item.when is not None and check_condition(item.when, facts) is not True:
                continue
            entries.append(ChecklistEntry(item.id, dict(item.text), item.why))
        for extra in self.pm.hook.checklist_items(workflow=workflow, facts=facts, assessment=assessment):
            entries.extend(ChecklistEntry(e["id"], dict(e["text"]), e["why"]) for e in extra or ())
        return entries

    def letter_extras(self, workflow: Workflow, facts: CaseFacts, assessment: Assessment, letter: str) -> dict:
        merged: dict = {}
        for extra in reversed(self.pm.hook.letter_context(workflow=workflow, facts=facts, assessment=assessment,
                                                          letter=letter)):
            merged.update(extra or {})
        return merged


def current_engine() -> Engine:
    return current_app.extensions["perspektive"]


def _digest(path) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if path else ""
    except OSError:
        return ""
