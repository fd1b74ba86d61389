"""Bench rows of issue 16 (``python -m bench.whatif``): all workflows assessed for one client (Amina, demo data),
now that the facts carry the spouse, the monthly livelihood and the derived § 81 Abs. 4 / § 10 Abs. 3 facts, and
the what-if Perspektiven with three planned events, each against a no-op loop over the same facts measured in the
same run. Target: the assessment of all workflows stays under 1 ms."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from perspektive.law import PlannedEvent, perspectives
from perspektive.law.engine import Engine
from perspektive.law.facts import parse_facts

from .timing import row, timed

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "perspektive" / "defaults"
ON = dt.date(2026, 11, 21)


def main() -> None:
    engine = Engine(str(SHIPPED / "workflows"), str(SHIPPED / "letter_templates"), str(SHIPPED / "plugins"))
    facts = parse_facts(json.loads((ROOT / "perspektive" / "demo_data" / "amina.json").read_text()))
    workflows = [w.id for w in engine.workflows.values() if w.in_force(ON)]
    base = timed(lambda: [facts.status_on(ON) for _ in workflows], repeat=30, inner=200)
    ours = timed(lambda: engine.assess(facts, ON), repeat=30, inner=200)
    row(f"all workflows ({len(workflows)}), one client", ours, base, "no-op loop over the facts", 1e6, "µs")
    plans = [PlannedEvent(on=dt.date(2027, 3, 15), kind="german_exam", level="B1"),
             PlannedEvent(on=dt.date(2027, 2, 1), kind="employment_start", hours_per_week=30),
             PlannedEvent(on=dt.date(2027, 1, 10), kind="identity_clarified")]
    whatif = timed(lambda: perspectives(engine, facts, plans, ON), repeat=10, inner=20)
    row("what-if, 3 plans, all workflows", whatif, base, "no-op loop over the facts", 1e6, "µs")


if __name__ == "__main__":
    main()
