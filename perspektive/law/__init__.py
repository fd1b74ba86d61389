"""The law: the facts model, periods under §§ 187-193 BGB, criteria, rules, workflows, and the engine that assesses
a client over them. Plugins and the other capabilities import what they need from here, never from a module
inside; ``law`` itself imports nothing else of Perspektive (import-linter's ``law-stands-alone`` contract)."""
from .bzrg import counted, register_clear_day
from .catalogue import N_
from .criteria import CriterionType, Outcome, Params, unknown
from .criteria_person import EmploymentParams, evaluate_employment, with_erasure
from .criteria_stay import STATUS_NAMES, StatusDurationParams, evaluate_status_duration
from .criteria_work import EmploymentPeriodParams, evaluate_employment_period
from .engine import ChecklistEntry, Engine, UnknownWorkflow, current_engine
from .fact_labels import COUNTRY_NAMES, LANGUAGE_NAMES, VALUE_LABELS, label_of
from .facts import (
    LEVELS,
    CaseFacts,
    FactsError,
    Person,
    Status,
    fact_paths,
    json_schema,
    parse_facts,
    read_stored,
    read_stored_person,
)
from .family import family_request, school_certificate_items
from .fiction import title_fiction, with_fiction
from .followup_rules import FollowUp
from .monthly import german_month, twelve_months
from .periods import (
    DAYS,
    GERMANY,
    MONTHS,
    WEEKLY_HOURS,
    add_months,
    birthday,
    de,
    describe_days,
    german_number,
    non_working_reason,
    now_in_germany,
    quantity,
    today_in_germany,
    years_and_months,
)
from .plugins import hookimpl
from .rules import Assessment, CriterionResult, assess, assessment_document, in_order_of_use
from .whatif import PLAN_LABELS, PathWithPlans, PlannedEvent, perspectives
from .workflows import (
    ARGUMENT_KINDS,
    LETTER_NAMES,
    LETTERS,
    WORKFLOW_ID,
    LetterPlan,
    Workflow,
    WorkflowError,
    parse_workflow,
)

__all__ = [
    "ARGUMENT_KINDS", "LetterPlan", "COUNTRY_NAMES", "GERMANY", "LANGUAGE_NAMES", "LETTERS", "LETTER_NAMES", "LEVELS", "STATUS_NAMES",
    "N_", "VALUE_LABELS", "WORKFLOW_ID", "Assessment", "CaseFacts", "ChecklistEntry", "CriterionResult", "CriterionType",
    "EmploymentParams", "EmploymentPeriodParams", "Engine", "FactsError", "FollowUp", "Outcome", "Params",
    "Person", "Status", "StatusDurationParams", "UnknownWorkflow", "Workflow", "WorkflowError", "add_months",
    "assess", "assessment_document", "birthday", "current_engine", "de", "describe_days", "evaluate_employment",
    "evaluate_employment_period", "evaluate_status_duration", "fact_paths", "family_request", "hookimpl",
    "in_order_of_use", "json_schema", "label_of", "non_working_reason", "now_in_germany", "parse_facts", "read_stored",
    "read_stored_person", "parse_workflow", "quantity", "german_number", "german_month", "DAYS", "MONTHS", "WEEKLY_HOURS",
    "school_certificate_items", "today_in_germany", "years_and_months", "unknown",
    "counted", "register_clear_day", "with_erasure", "title_fiction", "with_fiction",
    "twelve_months", "PLAN_LABELS", "PathWithPlans", "PlannedEvent", "perspectives",
]
