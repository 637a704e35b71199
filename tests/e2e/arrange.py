"""Arrangements for browser tests that are not what the test is about, made through the app's own routes with
Flask's test client: the same forms, CSRF tokens and checks as in the browser, without its cost.

They run while the live server serves the browser: the test client shares the test's app context and database.
"""

from __future__ import annotations

from ntm_intranet.auth.models import User
from ntm_intranet.awards.models import AwardList
from ntm_intranet.extensions import db
from ntm_intranet.voting.models import BoardSession, VoteRecord

from ..app.test_voting import PRESENT, everyone_votes, open_demo_session, written_opinion
from ..conftest import CLOSE_FORM, post
from ..factories import ballot_form

DECISION = ("1234/QĐ-UBND", "15/07/2015")


def demo_ids() -> dict[str, int]:
    """Ids the demo's pages are addressed by: Xã Triệu Nguyên's unit, the first nomination, session, campaign."""
    from ntm_intranet.campaigns.models import Campaign
    from ntm_intranet.nominations.models import Nomination

    def first(column):
        return db.session.execute(db.select(column).order_by(column)).scalars().first()

    unit = db.session.execute(db.select(User.unit_id).filter_by(username="bc-19567")).scalar_one()
    ids = {"unit": unit, "nomination": first(Nomination.id), "session": first(BoardSession.id),
           "campaign": first(Campaign.id)}
    assert all(ids.values()), ids
    return ids


def cast_sheet(as_user, username: str, session: BoardSession, against: set[str] = frozenset()) -> None:
    """`username` casts a whole sheet: Không đồng ý for the candidates in `against`, Đồng ý for the others."""
    form = ballot_form(session, choose=lambda name: "disagree" if name in against else "agree",
                       points=lambda name: 3 if name in against else 8)
    response = post(as_user(username), f"/sessions/{session.id}/ballot", {**form, "action": "cast"})
    assert response.status_code == 302, (username, response.status_code, response.get_data(as_text=True)[:2000])


def opened_demo_session(as_user) -> BoardSession:
    """The demo's session (08/07/2015) with ten members present (thanhvien9 away), opened by the secretary."""
    session, _secretary = open_demo_session(as_user)
    return session


def close_demo_session(as_user, session: BoardSession) -> None:
    """Whoever present has not voted yet votes, thanhvien9 sends a written opinion, the secretary closes."""
    db.session.expire_all()  # who has voted is the live server's business too
    voted = set(db.session.execute(db.select(User.username).join(VoteRecord, VoteRecord.user_id == User.id)
                                   .filter(VoteRecord.session_id == session.id)).scalars())
    everyone_votes(as_user, session, [username for username in PRESENT if username not in voted])
    secretary = as_user("noivu")
    assert written_opinion(secretary, session).status_code == 302
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302


def approve_award_list(as_user) -> AwardList:
    """The chair draws up the list from the closed session and approves it (Quyết định 1234/QĐ-UBND, 15/07/2015)."""
    chair = as_user("chutich")
    assert post(chair, "/awards/propose").status_code == 302
    award_list = db.session.execute(db.select(AwardList).order_by(AwardList.id.desc())).scalars().first()
    number, day = DECISION
    response = post(chair, f"/awards/{award_list.id}/approve", {"decision_number": number, "decision_date": day})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return award_list
