"""Every hook Perspektive calls. Each one is documented in docs/plugins.md and tested in tests/test_hooks.py.

Hooks take keyword arguments only (pluggy's rule); an implementation may accept any subset of them.
"""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Callable

import pluggy

if TYPE_CHECKING:
    from .facts import CaseFacts
    from .rules import Assessment
    from .workflows import Workflow

hookspec = pluggy.HookspecMarker("perspektive")


@hookspec
def register_criterion_types() -> dict[str, Any]:
    """Fires once when the criterion registry is built (at start-up and after plugins change).

    Return a mapping of criterion type name to a callable ``evaluate(spec, facts, on) -> Outcome`` (see
    ``perspektive.criteria``). Workflow files refer to these names in ``type = "..."``. A name registered twice is
    an error naming both plugins.
    """


@hookspec
def register_workflow_dirs() -> list[str]:
    """Fires when the workflows are loaded. Return extra directories holding ``*.toml`` workflow files.

    The project's own ``workflows/`` directory is always read first; an installed package uses this hook to ship
    workflows of its own. A workflow id defined in two places is reported as an error for the later file.
    """


@hookspec
def checklist_items(workflow: "Workflow", facts: "CaseFacts", assessment: "Assessment") -> list[dict]:
    """Fires when a checklist is built for a client and workflow, after the items from the workflow file.

    Return extra items that data cannot express, as dicts with ``id``, ``text`` (``{"de": ..., "en": ...}``) and
    ``why`` (the German citation-bearing reason). Return an empty list for workflows the plugin does not handle.
    """


@hookspec
def letter_context(workflow: "Workflow", facts: "CaseFacts", assessment: "Assessment", letter: str) -> dict:
    """Fires before a letter (``letter`` is ``"antrag"`` or ``"checkliste"``) is rendered.

    Return extra template variables; they are merged into the context (later plugins win on equal keys, core keys
    cannot be overwritten). Return an empty dict for workflows the plugin does not handle.
    """


@hookspec
def perspective_notes(facts: "CaseFacts", assessments: "list[Assessment]") -> list[dict]:
    """Fires when a client's Perspektiven (every workflow in force) have been assessed.

    Return advice that concerns more than one path, or a deadline no single workflow owns, as dicts with ``text``
    (German, explaining itself), ``citation`` and ``workflows`` (the ids it concerns). Return ``[]`` when nothing
    applies. Notes are shown above the Perspektiven table and returned as ``notes`` by ``assess``.
    """



@hookspec
def followups(facts: "CaseFacts", assessments: "list[Assessment]", on: "dt.date", client: Any) -> list[dict]:
    """Fires whenever a client's follow-ups are computed (facts changed, a case closed, the daily sweep), after the
    ``[[followups]]`` rules of the workflow files.

    Return dated follow-ups that data cannot express, as dicts with ``id`` (stable: the same follow-up keeps its id
    when its date moves), ``workflow`` (a workflow id, or ``""`` for one that concerns every path), ``due`` (a
    ``datetime.date``), ``text`` (German, without personal data: it goes into reminder mails), ``citation``,
    ``basis`` (German: how the date was computed) and optionally ``remind_days_before`` (default ``[30]``).
    Return ``[]`` when nothing applies. The calendar feed shows ``due`` as it is: a day counted from a date of
    birth belongs in a workflow file (``basis = "person.date_of_birth"``), whose days the feed covers.

    ``client`` is the stored client row when the follow-ups are computed for one (the follow-up rows), else
    ``None`` (a case summary): a plugin that reads rows of its own about the client returns ``[]`` then.
    """


@hookspec
def client_changed(client: Any, facts: "CaseFacts | None", why: str) -> "Callable[[], None] | None":
    """Fires inside the write transaction that stored a client's facts, or opened a case or changed its state.

    ``client`` is the stored client row, ``facts`` its facts when the caller has them at hand (``None``: read them
    yourself), ``why`` a German note for the history ("Fakten geändert am 21.11.2026"). Do the database work
    here, so that it commits or rolls back with the change; return a callable for work outside the database (such
    as queueing tasks), which runs once the transaction has committed, or ``None``. The follow-ups implement it
    (``perspektive/followups/plugin.py``); the capability that stores clients never imports them.
    """
