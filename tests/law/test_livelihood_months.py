"""The livelihood month by month: § 60d Abs. 1 Nr. 4 AufenthG (secured in the twelve months before the
application) and § 19d Abs. 1 Nr. 1 Buchst. c AufenthG (no public funds in the last year)."""
from __future__ import annotations

from perspektive.law import twelve_months
from perspektive.law.facts import parse_facts
from tests.common.workflow_cases import TODAY, D, assess_on, criterion
from tests.law.provisions.test_section_60d import person


def months(bad=(), funds=(), skip=()):
    """The twelve months before November 2026, secured except ``bad``, public funds in ``funds``."""
    rows = []
    for i in range(12):
        month = f"{2025 + (10 + i) // 12}-{(10 + i) % 12 + 1:02d}"
        if month not in skip:
            rows.append({"month": month, "secured": month not in bad, "public_funds": month in funds})
    return rows


def test_the_year_is_the_twelve_calendar_months_before_the_month_of_application():
    result = twelve_months(parse_facts({"livelihood_months": months()}), TODAY, want_secured=True)
    assert result.met is True and "11/2025 bis 10/2026" in result.detail


def test_section_60d_abs_1_nr_4_an_unsecured_month_blocks_until_twelve_secured_months_follow(engine):
    """§ 60d Abs. 1 Nr. 4: not secured in 03/2026 – from 01.04.2027 the twelve months before are all secured."""
    result = assess_on(engine, "section_60d", person(livelihood_months=months(bad=("2026-03",))), TODAY)
    assert (result.verdict, result.earliest_date) == ("eligible_from", D("2027-04-01"))
    assert "nicht in 03/2026" in criterion(result, "livelihood").explanation


def test_section_60d_abs_1_nr_4_a_missing_month_is_asked_for_and_unrecorded_months_keep_the_old_reading(engine):
    missing = assess_on(engine, "section_60d", person(livelihood_months=months(skip=("2026-01",))), TODAY)
    assert missing.verdict == "incomplete" and "livelihood_months" in missing.missing_facts
    assert assess_on(engine, "section_60d", person(), TODAY).verdict == "eligible"


def test_section_60d_abs_1_nr_5_not_secured_now_blocks_even_with_a_good_year(engine):
    facts = person(livelihood_months=months(bad=("2026-10",)), livelihood={"secured": False})
    assert criterion(assess_on(engine, "section_60d", facts, TODAY), "livelihood").blocks


def test_section_19d_abs_1_nr_1_c_public_funds_in_the_last_year_delay_the_path():
    """§ 19d Abs. 1 Nr. 1 Buchst. c: public funds in 06/2026 – the year without them is complete on 01.07.2027."""
    result = twelve_months(parse_facts({"livelihood_months": months(funds=("2026-06",))}), TODAY, want_secured=False)
    assert (result.met, result.met_from) == (False, D("2027-07-01"))
