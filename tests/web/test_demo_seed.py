"""`flask --app app demo seed`: many made-up clients with cases and consultations, sealed like real ones."""
from __future__ import annotations

from peewee import fn

from perspektive import sealing
from perspektive.clients import load_facts, overview
from perspektive.clients.models import Case, Client, Consultation, FactsRevision
from perspektive.db import db
from perspektive.statistics.models import CaseOutcome


def test_seed_makes_varied_sealed_clients_with_consultations(app, counsellor, make_user):
    make_user("zweite", display_name="Zora Zweite")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed", "--clients", "12", "--consultations", "40", "--random-seed", "7"])
    assert result.exit_code == 0, result.output
    assert "12 Mandantinnen und Mandanten" in result.output and "40 Beratungen" in result.output
    with db.connection_context():
        clients = list(Client.select())
        assert len(clients) == 12
        assert len({c.counsellor_id for c in clients}) == 2  # spread over both counsellors
        assert len({c.nationality for c in clients}) >= 3
        assert all(sealing.is_sealed(c.facts_json) for c in clients)
        assert FactsRevision.select().count() == 12  # through the normal record functions, with history
        firsts = dict(Consultation.select(Consultation.client, fn.COUNT(Consultation.id))
                      .where(Consultation.kind == "first").group_by(Consultation.client).tuples())
        assert Consultation.select().count() == 40 and set(firsts.values()) == {1} and len(firsts) == 12
        assert Case.select().count() >= 5
        assert len({case.status for case in Case.select()}) >= 2
        # outcomes recorded as on the case page, so the statistics have something to count
        recorded = {row.outcome for row in CaseOutcome.select()}
        assert "granted" in recorded and recorded & {"refused", "withdrawn", "left", "lost_contact"}
        assert all(row.permit_valid_until for row in CaseOutcome.select().where(CaseOutcome.outcome == "granted"))
        person = load_facts(clients[0]).person
        owner = clients[0].counsellor
        assert clients[0].id in {row.client.id for row in overview(owner, person.family_name)}  # the blind index


def test_seed_needs_a_counsellor(app):
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--clients", "1"])
    assert result.exit_code != 0 and "zuerst" in result.output


def test_the_demo_has_an_upcoming_meeting_with_the_demo_authority(app):
    from perspektive.conferences.agenda import invited, upcoming

    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    with db.connection_context():
        meetings = upcoming()
        assert len(meetings) == 1 and [c.email for c in invited(meetings[0])] == ["behoerde@abh.example"]
