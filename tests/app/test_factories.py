"""The factories build every model in each of its states through the services, so a test can build only
what it checks: here each builder is held to the state it promises (and to the audit log that proves the
services, not hand-written rows, made it)."""

from __future__ import annotations

import pytest

from ntm_intranet.audit import AuditEvent
from ntm_intranet.extensions import db
from ntm_intranet.voting import services as voting
from ntm_intranet.voting.models import Ballot, VoteRecord

from .. import factories


def actions() -> set[str]:
    return set(db.session.execute(db.select(AuditEvent.action)).scalars())


def test_a_campaign_has_its_milestones_and_criteria(app):
    campaign = factories.campaign()
    assert [m.due_date.day for m in campaign.milestones] == [20, 25, 30]
    assert campaign.milestone_for("commune", "report").due_date.day == 25
    assert factories.criteria(campaign.criteria_set, 5) == 2  # only what was missing is added
    assert {"campaign_created", "milestone_created", "criteria_added"} <= actions()


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted", "returned"])
def test_a_dossier_in_each_state(app, state):
    sub = factories.submission(state=state)
    assert sub.status == state
    assert sub.latest("report") is not None
    assert (sub.figures_saved_at is None) == (state == "draft")
    assert (sub.reviewed_at is not None) == (state in ("accepted", "returned"))


@pytest.mark.parametrize("status", ["draft", "submitted", "eligible", "returned", "withdrawn"])
def test_a_nomination_in_each_status(app, status):
    nomination = factories.nomination(status=status, kind="household", money=10_000_000)
    assert nomination.status == status and nomination.kind == "household"
    assert {f.kind for f in nomination.files} == {"to_trinh", "thanh_tich"}
    assert (nomination.screened_at is not None) == (status in ("eligible", "returned"))


@pytest.mark.parametrize("status", ["prepared", "open", "closed"])
def test_a_session_in_each_status_with_secret_ballots_once_closed(app, status):
    campaign = factories.campaign()
    factories.scoring_criterion(campaign)
    session = factories.session(campaign, status=status)
    assert session.status == status and len(session.items) == 2
    assert len(voting.attendance(session)) == 3
    voted = db.session.scalar(db.select(db.func.count()).select_from(VoteRecord).filter_by(session_id=session.id))
    ballots = db.session.scalar(db.select(db.func.count()).select_from(Ballot).filter_by(session_id=session.id))
    assert (voted, ballots) == ((3, 6) if status == "closed" else (0, 0))


def test_an_award_list_proposed_then_approved_with_its_money(app):
    campaign = factories.campaign()
    proposed = factories.award_list(campaign)
    assert proposed.status == "draft" and len(proposed.entries) == 2
    approved = factories.award_list(campaign, approved=True)
    assert approved.status == "approved"
    assert all(entry.amount == 350_000 for entry in approved.entries)  # 0.3 × 1,150,000, rounded to 10,000


def test_a_board_and_a_conference_with_its_estimate(app):
    campaign = factories.campaign()
    members = factories.board(campaign, members=4)
    assert [m.user_id for m in voting.members_of(campaign)] == [p.id for p in members]
    conference = factories.conference(campaign, lines=(("Nước uống", "người", 10, 20_000),
                                                       ("Hoa", "bó", 2, 50_000)))
    assert [line.amount for line in conference.estimate.lines] == [200_000, 100_000]
    assert conference.estimate.status == "draft"
