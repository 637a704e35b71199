"""Approved means final: once the chair approves the award list, no route changes it; only `revise` makes a new,
audited revision, and the approved list stays exactly as it was (on the demo board, 08/07/2015)."""

from __future__ import annotations

from ntm_intranet.audit import AuditEvent, verify_chain
from ntm_intranet.awards.models import AwardEntry, AwardList
from ntm_intranet.extensions import db

from ..conftest import post
from ..factories import user_id
from .test_voting import alert, board_day, closed_session, entry  # noqa: F401 (board_day is a fixture)

LOCKED = "Danh sách đã được phê duyệt và khoá: hãy tạo bản sửa đổi để thay đổi."
ALREADY_APPROVED = "Danh sách này đã được phê duyệt."
PROPOSE_AGAIN = "Danh sách từ phiên họp này đã được phê duyệt: muốn thay đổi, hãy dùng “Tạo bản sửa đổi”."


def award_rows(revision=None):
    """Every column of the award lists and their entries, as the database holds them."""
    db.session.expire_all()
    lists = db.select(AwardList).order_by(AwardList.id)
    if revision is not None:
        lists = lists.filter_by(revision=revision)
    rows = []
    for award_list in db.session.execute(lists).scalars():
        rows.append(tuple(getattr(award_list, c.key) for c in AwardList.__table__.columns))
        entries = db.session.execute(db.select(AwardEntry).filter_by(list_id=award_list.id)
                                     .order_by(AwardEntry.id)).scalars()
        rows += [tuple(getattr(e, c.key) for c in AwardEntry.__table__.columns) for e in entries]
    return rows


def audit_ids():
    return list(db.session.execute(db.select(AuditEvent.id).order_by(AuditEvent.id)).scalars())


def approved_demo_list(as_user):
    closed_session(as_user)
    chair = as_user("chutich")
    assert post(chair, "/awards/propose").status_code == 302
    award_list = db.session.execute(db.select(AwardList)).scalar_one()
    na = entry(award_list, "Hộ bà Hồ Thị Na")
    assert post(chair, f"/awards/entries/{na.id}/strike", {"struck": "1", "reason": "Đã khen cấp tỉnh"}) \
        .status_code == 302
    assert post(chair, f"/awards/{award_list.id}/approve", {"decision_number": "1234/QĐ-UBND",
                                                            "decision_date": "10/07/2015"}).status_code == 302
    db.session.refresh(award_list)
    assert award_list.status == "approved"
    return award_list, chair


def test_no_route_changes_an_approved_list_and_each_says_why(board_day, as_user):  # noqa: F811
    award_list, chair = approved_demo_list(as_user)
    secretary = as_user("noivu")
    struck = entry(award_list, "Hộ bà Hồ Thị Na")
    kept = entry(award_list, "Hồ Văn Lâm")
    assert struck.struck and struck.strike_reason == "Đã khen cấp tỉnh"  # frozen too, struck as it was
    frozen, events = award_rows(), audit_ids()

    attempts = [
        (chair, f"/awards/entries/{kept.id}/strike", {"struck": "1", "reason": "Xét lại"}, 422, LOCKED),
        (chair, f"/awards/entries/{struck.id}/strike", {"struck": "0"}, 422, LOCKED),  # restore
        (chair, f"/awards/{award_list.id}/approve", {"decision_number": "9/QĐ-UBND", "decision_date": "11/07/2015"},
         422, ALREADY_APPROVED),
        (chair, "/awards/propose", {}, 409, PROPOSE_AGAIN),
        (secretary, "/awards/propose", {}, 409, PROPOSE_AGAIN),
    ]
    for client, url, data, status, message in attempts:
        response = post(client, url, data)
        assert (response.status_code, alert(response)) == (status, message), url
        assert award_rows() == frozen, url
        assert audit_ids() == events, url  # a refusal writes nothing, not even to the log


def test_only_a_revision_changes_the_list_and_it_is_audited(board_day, as_user):  # noqa: F811
    award_list, chair = approved_demo_list(as_user)
    frozen, events = award_rows(revision=1), audit_ids()

    assert post(chair, f"/awards/{award_list.id}/revise").status_code == 302
    assert award_rows(revision=1) == frozen  # the approved list itself is untouched
    draft = db.session.execute(db.select(AwardList).filter_by(revision=2)).scalar_one()
    assert draft.status == "draft" and len(draft.entries) == len(award_list.entries)
    new = db.session.execute(db.select(AuditEvent).filter(AuditEvent.id.notin_(events))).scalars().all()
    assert [(e.action, e.actor_id, e.after) for e in new] == [
        ("award_list_revised", user_id("chutich"), {"revision": 2, "from": 1})]

    # once revision 2 is approved, revision 1 is superseded and just as final
    assert post(chair, f"/awards/{draft.id}/approve", {"decision_number": "1250/QĐ-UBND",
                                                       "decision_date": "15/07/2015"}).status_code == 302
    old = award_rows(revision=1)
    assert old[0][AwardList.__table__.columns.keys().index("status")] == "superseded"
    refused = post(chair, f"/awards/entries/{entry(award_list, 'Hồ Văn Lâm').id}/strike",
                   {"struck": "1", "reason": "Xét lại"})
    assert (refused.status_code, alert(refused)) == (422, LOCKED)
    refused = post(chair, f"/awards/{award_list.id}/approve", {"decision_number": "9/QĐ-UBND",
                                                               "decision_date": "16/07/2015"})
    assert refused.status_code == 422
    assert award_rows(revision=1) == old
    assert verify_chain().ok
