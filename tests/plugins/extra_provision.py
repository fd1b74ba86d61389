"""A test-only plugin: one criterion type, one extra workflow directory, and checklist and letter additions."""
from pathlib import Path

from perspektive.law import CriterionType, Outcome, Params, hookimpl

HERE = Path(__file__).parent


class AgeParams(Params):
    below: int


def younger_than(params, facts, on):
    age = facts.age_on(on)
    if age is None:
        return Outcome(None, "Geburtsdatum unbekannt", missing_facts=("person.date_of_birth",))
    return Outcome(age < params.below, f"Alter am Antragstag: {age}")


@hookimpl
def register_criterion_types():
    return {"younger_than": CriterionType("younger_than", AgeParams, younger_than, "Altersgrenze")}


@hookimpl
def register_workflow_dirs():
    return [str(HERE / "workflows")]


@hookimpl
def checklist_items(workflow, facts, assessment):
    if workflow.id != "section_99x":
        return []
    return [{"id": "test_item", "text": {"de": "Testnachweis", "en": "Test proof"}, "why": "für § 99x Abs. 1 AufenthG"}]


@hookimpl
def letter_context(workflow, facts, assessment, letter):
    if workflow.id != "section_25b":
        return {}
    return {"test_marker": f"Plugin-Kontext für {letter}", "person": "must not overwrite core keys"}


@hookimpl
def perspective_notes(facts, assessments):
    if not any(a.workflow == "section_99x" and a.verdict == "eligible" for a in assessments):
        return []
    return [{"text": "Testhinweis: § 99x offen", "citation": "§ 99x AufenthG", "workflows": ["section_99x"]}]

