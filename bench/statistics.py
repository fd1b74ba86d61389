"""The quarterly report in ``make bench`` (or alone: ``python -m bench.statistics``): 10,000 clients and 100,000
consultations over two years on the embedded SQLite, goal under 1 s for the report, and the growth from 10,000 to
100,000 consultations no worse than linear (ratio of times ≤ ratio of rows, 10).

The statistics rows are seeded with bulk inserts straight into the statistics tables (the report reads only those;
the facts and the hook that fills them are measured elsewhere). Baselines of the same run: a bare
``SELECT COUNT(*)`` over the consultations' statistics rows, and one aggregate over the quarter's consultations
(what a single figure costs at least).
"""
from __future__ import annotations

import datetime as dt
import os
import random
import statistics as stats
import tempfile
import time
from pathlib import Path

from perspektive.db import db

CLIENTS = int(os.environ.get("BENCH_STATS_CLIENTS", 10_000))
CONSULTATIONS = int(os.environ.get("BENCH_STATS_CONSULTATIONS", 100_000))
START = dt.date(2025, 1, 1)
DAYS = 730
PATHS = ("section_25a", "section_25b", "section_60c", "section_60d", "section_104c", "section_25_5")
COUNTRIES = ("SY", "AF", "IQ", "IR", "ER", "SO", "NG", "GE", "RU", "TR", "VN", "GN", "CM", "LB", "unknown")


def _median(fn, repeat=7):
    fn()
    samples = []
    for _ in range(repeat):
        begin = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - begin)
    return stats.median(samples), min(samples), max(samples)


def _seed_people(counsellors, rng):
    from perspektive.statistics.models import CaseOutcome, StatPerson

    people = []
    for i in range(CLIENTS):
        people.append({"client_id": None, "counsellor": counsellors[i % len(counsellors)],
                       "country": rng.choice(COUNTRIES),
                       "age_band": rng.choice(("under_14", "14_to_27", "27_plus", "27_plus")),
                       "gender": rng.choice(("female", "male", "male", "diverse")),
                       "duldung_class": rng.choice(("under_3", "3_to_6", "6_to_8", "8_plus", "none")),
                       "duldung_kind": rng.choice(("60a", "60a", "60b", "60c", "60d", "none")),
                       "first_contact": START + dt.timedelta(days=rng.randrange(DAYS))})
    for start in range(0, len(people), 500):
        StatPerson.insert_many(people[start:start + 500]).execute()
    ids = [i for (i,) in StatPerson.select(StatPerson.id).tuples()]
    cases = []
    for person in rng.sample(ids, len(ids) // 3):
        opened = START + dt.timedelta(days=rng.randrange(DAYS - 200))
        filed = opened + dt.timedelta(days=rng.randrange(10, 90))
        outcome = rng.choice(("open", "granted", "granted", "refused", "withdrawn", "left"))
        decided = None if outcome == "open" else filed + dt.timedelta(days=rng.randrange(20, 200))
        cases.append({"person": person, "counsellor": counsellors[person % len(counsellors)],
                      "path": rng.choice(PATHS), "opened_on": opened, "filed_on": filed, "decided_on": decided,
                      "outcome": outcome, "refusal_identity": outcome == "refused" and rng.random() < .5,
                      "refusal_livelihood": outcome == "refused" and rng.random() < .5})
    for start in range(0, len(cases), 500):
        CaseOutcome.insert_many(cases[start:start + 500]).execute()
    return ids


def _seed_consultations(ids, counsellors, rng, count):
    from perspektive.statistics.models import StatConsultation

    rows = []
    for i in range(count):
        rows.append({"person": ids[i % len(ids)], "counsellor": counsellors[i % len(counsellors)],
                     "held_on": START + dt.timedelta(days=rng.randrange(DAYS)),
                     "kind": "first" if i < len(ids) else "follow_up", "by_person": rng.random() < .9,
                     "by_volunteer": rng.random() < .2, "by_employer": rng.random() < .05,
                     "by_social_work": rng.random() < .2, "by_medical_service": rng.random() < .03})
    with db.atomic():
        for start in range(0, len(rows), 1000):
            StatConsultation.insert_many(rows[start:start + 1000]).execute()


def statistics_rows() -> None:
    """Prints the report's times at 10 % and 100 % of the consultations, with the baseline of each."""
    from perspektive import create_app
    from perspektive.accounts.users import create_user
    from perspektive.migrations import migrate
    from perspektive.statistics import compute, parse_period
    from perspektive.statistics.exports import export
    from perspektive.statistics.models import StatConsultation
    from perspektive.statistics.report import build

    folder = Path(tempfile.mkdtemp(prefix="perspektive-bench-stats-"))
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'stats.db'}", "DATA_DIR": str(folder / "data")})
    rng = random.Random(15)
    with app.app_context(), db.connection_context():
        migrate()
        counsellors = [create_user(f"stats{i}", role="counsellor", password="bench-password-123",
                                   display_name=f"Beratung {i}").id for i in range(8)]
        ids = _seed_people(counsellors, rng)
        period = parse_period("2026Q3", dt.date(2026, 12, 1))
        times = {}
        for share in (CONSULTATIONS // 10, CONSULTATIONS):
            _seed_consultations(ids, counsellors, rng, share - StatConsultation.select().count())
            rows = StatConsultation.select().count()
            db.execute_sql("ANALYZE")
            figures = _median(lambda: compute(period, None))
            report = _median(lambda: export(build(compute(period, None), "alle"), "json"))
            xlsx = _median(lambda: export(build(compute(period, None), "alle"), "xlsx"), repeat=3)
            base = _median(lambda: db.execute_sql("SELECT COUNT(*) FROM stat_consultation").fetchone(), repeat=15)
            one = _median(lambda: db.execute_sql(
                "SELECT kind, COUNT(*), SUM(by_person) FROM stat_consultation WHERE held_on BETWEEN ? AND ? "
                "GROUP BY kind", (period.start, period.end)).fetchall(), repeat=15)
            times[rows] = report[0]
            print(f"statistics: {CLIENTS} persons, {rows} consultations")
            for name, (median, low, high) in (("figures of 2026Q3", figures), ("report 2026Q3 (JSON)", report),
                                             ("report 2026Q3 (.xlsx)", xlsx)):
                print(f"  {name:<32} {median * 1e3:9.1f} ms ({low * 1e3:.1f}–{high * 1e3:.1f})   "
                      f"SELECT COUNT(*) {base[0] * 1e3:7.2f} ms   ratio {median / base[0]:7.1f}"
                      f"   one aggregate over the quarter {one[0] * 1e3:6.2f} ms   ratio {median / one[0]:5.1f}"
                      f"   {'met' if median < 1 else 'MISSED'}: goal < 1 s")
        small, large = sorted(times)
        growth = times[large] / times[small]
        print(f"  growth {small} → {large} consultations: time x{growth:.2f} for rows x{large / small:.0f} "
              f"({'met' if growth <= large / small else 'MISSED'}: no worse than linear)")


if __name__ == "__main__":
    statistics_rows()
