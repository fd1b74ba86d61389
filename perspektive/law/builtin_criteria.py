"""The built-in criterion types, registered through the ``register_criterion_types`` hook like any plugin's."""
from __future__ import annotations

from .criteria import CriterionType, FactsParams, evaluate_facts
from .criteria_identity import (
    IdentityDeadlineParams,
    IdentityParams,
    evaluate_identity,
    evaluate_identity_deadline,
    evaluate_passport,
)
from .criteria_person import (
    AgeParams,
    ConvictionParams,
    EmploymentParams,
    SchoolChildrenParams,
    evaluate_age,
    evaluate_convictions,
    evaluate_employment,
    evaluate_school_children,
)
from .criteria_stay import (
    ResidenceParams,
    StatusDurationParams,
    StatusParams,
    evaluate_residence,
    evaluate_status,
    evaluate_status_duration,
)
from .criteria_work import (
    EmploymentPeriodParams,
    MonthlyMeansParams,
    TrainingWindowParams,
    evaluate_employment_period,
    evaluate_monthly_means,
    evaluate_training_window,
)
from .plugins import hookimpl

BUILTIN_TYPES = (
    CriterionType("facts", FactsParams, evaluate_facts, "Bedingungen über einzelne Fakten (all/any)"),
    CriterionType("status_on_date", StatusParams, evaluate_status, "Aufenthaltsstatus am Antragstag"),
    CriterionType("residence_period", ResidenceParams, evaluate_residence, "ununterbrochene Voraufenthaltszeit"),
    CriterionType("status_duration", StatusDurationParams, evaluate_status_duration, "Dauer eines Status"),
    CriterionType("identity_clarified", IdentityParams, evaluate_identity, "Identität geklärt"),
    CriterionType("passport_valid", IdentityParams, evaluate_passport, "Passpflicht erfüllt"),
    CriterionType("school_attendance_of_children", SchoolChildrenParams, evaluate_school_children,
                  "Schulbesuch schulpflichtiger Kinder"),
    CriterionType("convictions", ConvictionParams, evaluate_convictions, "Ausschluss durch Verurteilungen"),
    CriterionType("current_employment", EmploymentParams, evaluate_employment, "aktuelle Beschäftigung"),
    CriterionType("age", AgeParams, evaluate_age, "Altersgrenzen am Antragstag"),
    CriterionType("employment_period", EmploymentPeriodParams, evaluate_employment_period,
                  "ununterbrochene Beschäftigung über einen Zeitraum"),
    CriterionType("identity_deadline", IdentityDeadlineParams, evaluate_identity_deadline,
                  "Identitätsklärung fristgerecht nach Einreisedatum"),
    CriterionType("monthly_means", MonthlyMeansParams, evaluate_monthly_means,
                  "monatliche Mittel mindestens ein Bedarfssatz"),
    CriterionType("training_window", TrainingWindowParams, evaluate_training_window,
                  "Antragsfenster vor Ausbildungsbeginn"),
)


@hookimpl
def register_criterion_types():
    return {t.name: t for t in BUILTIN_TYPES}
