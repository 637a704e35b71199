"""The board through its pages: attendance and quorum, the secret ballot, written and paper votes, results,
the award list approved by the chair; and the nominations that feed it, screening and the board's settings.

On the whole demo (11 members; a prepared session of 10 eligible nominations), the clock on 08/07/2015.
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

import pytest
from flask import template_rendered
from sqlalchemy import event

from ntm_intranet.audit import AuditEvent
from ntm_intranet.awards.models import AwardEntry, AwardList
from ntm_intranet.campaigns.models import Campaign
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import AwardForm, BoardMember, Nomination, NominationFile, ScoringCriterion
from ntm_intranet.voting.models import (
    Attendance,
    Ballot,
    BallotScore,
    BoardSession,
    PaperCount,
    SealedSheet,
    VoteRecord,
)

from .. import factories
from ..conftest import CLOSE_FORM, OPEN_FORM, post
from ..factories import agenda, ballot_form, board_session, count, user_id

BOARD_DAY = date(2015, 7, 8)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MEMBERS = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 10)]
PRESENT = [m for m in MEMBERS if m != "thanhvien9"]  # thanhvien9 is away: he sends a written opinion
# Who votes against whom (everyone else agrees with everyone).
AGAINST = {"Hồ Văn Lâm": {"thanhvien1", "thanhvien2"},
           "Lê Văn Dũng": {f"thanhvien{i}" for i in range(1, 7)},
           "Chi hội Phụ nữ thôn A Sóc": {"thanhvien1", "thanhvien2"}}
POINTS = {"Thôn Ba Lòng": 10, "Hồ Văn Lâm": 9}  # everyone else: 8 on every criterion
QUORUM_MISSING = "Chưa mở được phiên họp. Có mặt 7/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): " \
                 "chưa đủ điều kiện họp."
ALREADY_VOTED = "Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được."


@pytest.fixture
def board_day(demo_board):
    demo_board.config["NTM_TODAY"] = BOARD_DAY
    return demo_board


# Helpers ----------------------------------------------------------------------------------------


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def text(response) -> str:
    return response.get_data(as_text=True)


def sheet_of(username, session):
    return ballot_form(session, choose=lambda name: "disagree" if username in AGAINST.get(name, ()) else "agree",
                       points=lambda name: POINTS.get(name, 8))


def take_attendance(client, session, usernames):
    return post(client, f"/sessions/{session.id}/attendance", {"present": [str(user_id(u)) for u in usernames]})


def open_demo_session(as_user, present=PRESENT):
    session = board_session()
    secretary = as_user("noivu")
    assert take_attendance(secretary, session, present).status_code == 302
    assert post(secretary, f"/sessions/{session.id}/open", OPEN_FORM).status_code == 302
    db.session.refresh(session)
    assert session.status == "open"
    return session, secretary


def cast(client, session, form):
    """A member's sheet as a person sends it: open the ballot, review it, confirm it."""
    assert client.get(f"/sessions/{session.id}/ballot").status_code == 200
    review = post(client, f"/sessions/{session.id}/ballot", {**form, "action": "review"})
    assert review.status_code == 200 and "Xem lại toàn bộ phiếu." in text(review), alert(review)
    return post(client, f"/sessions/{session.id}/ballot", {**form, "action": "cast"})


def everyone_votes(as_user, session, voters=PRESENT):
    for username in voters:
        response = cast(as_user(username), session, sheet_of(username, session))
        assert response.status_code == 302, (username, alert(response))


def written_opinion(secretary, session, username="thanhvien9"):
    url = f"/sessions/{session.id}/written/{user_id(username)}"
    assert "Ý kiến bằng văn bản của" in text(secretary.get(url))
    form = sheet_of(username, session)
    review = post(secretary, url, {**form, "action": "review"})
    assert review.status_code == 200 and "Xem lại toàn bộ phiếu." in text(review)
    return post(secretary, url, {**form, "action": "cast"})


def closed_session(as_user):
    """The demo session opened with ten present, voted by all of them plus thanhvien9's written opinion, closed."""
    session, secretary = open_demo_session(as_user)
    everyone_votes(as_user, session)
    assert written_opinion(secretary, session).status_code == 302
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    db.session.refresh(session)
    return session, secretary


def ballots() -> int:
    return count(Ballot)


def sealed() -> int:
    """Sheets stored while the session is open: ciphertext only, one per sheet."""
    return count(SealedSheet)


def nomination(name) -> Nomination:
    return db.session.execute(db.select(Nomination).filter_by(name=name)).scalar_one()


def entry(award_list, name) -> AwardEntry:
    return next(e for e in award_list.entries if e.nomination.name == name)


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


# Attendance and quorum ----------------------------------------------------------------------------


def test_the_session_refuses_to_open_without_a_quorum_and_says_why(board_day, as_user):
    session, secretary = board_session(), as_user("noivu")
    assert take_attendance(secretary, session, PRESENT[:7]).status_code == 302
    page = text(secretary.get(f"/sessions/{session.id}"))
    assert "Có mặt 7/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): chưa đủ điều kiện họp." in page

    refused = post(secretary, f"/sessions/{session.id}/open", OPEN_FORM)
    assert refused.status_code == 422 and alert(refused) == QUORUM_MISSING
    db.session.refresh(session)
    assert session.status == "prepared" and session.opened_at is None
    # nobody can vote in a session that is not open
    early = as_user("chutich").get(f"/sessions/{session.id}/ballot")
    assert early.status_code == 409 and "Phiên họp không mở bỏ phiếu điện tử." in alert(early)

    assert take_attendance(secretary, session, PRESENT[:8]).status_code == 302
    opened = post(secretary, f"/sessions/{session.id}/open", OPEN_FORM, follow_redirects=True)
    assert "Có mặt 8/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): đủ điều kiện họp." in text(opened)
    db.session.refresh(session)
    assert session.status == "open" and session.members_total == 11
    # only the secretary runs the session
    assert post(as_user("chutich"), f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 403


def test_a_member_who_voted_cannot_be_marked_absent(board_day, as_user):
    session, secretary = open_demo_session(as_user)
    assert cast(as_user("thanhvien1"), session, sheet_of("thanhvien1", session)).status_code == 302
    refused = take_attendance(secretary, session, [u for u in PRESENT if u != "thanhvien1"])
    assert refused.status_code == 422 and "Hồ Thị Hoa đã bỏ phiếu: không thể ghi là vắng mặt." in alert(refused)
    assert db.session.execute(db.select(Attendance.present).filter_by(session_id=session.id,
                                                                     user_id=user_id("thanhvien1"))).scalar_one()


# The ballot ---------------------------------------------------------------------------------------


def test_a_whole_session_members_vote_once_in_secret_and_the_results_explain_themselves(board_day, as_user):
    session, secretary = open_demo_session(as_user)
    assert f'href="/sessions/{session.id}/ballot"' in text(as_user("chutich").get(f"/sessions/{session.id}"))
    everyone_votes(as_user, session)
    # while the session is open, one sealed sheet per member and no readable ballot at all
    assert count(VoteRecord) == 10 and sealed() == 10 and ballots() == 0 and count(BallotScore) == 0
    assert written_opinion(secretary, session).status_code == 302

    early = as_user("chutich").get(f"/sessions/{session.id}/results")
    assert early.status_code == 409
    assert alert(early) == "Kết quả chỉ được tính và công bố khi thư ký kết thúc phiên họp."

    closed = post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM, follow_redirects=True)
    assert "Đã kết thúc phiên họp. Kết quả đã được tính." in text(closed)
    # opened at close: every ballot (thanhvien3 has none on himself), the sealed sheets destroyed
    assert ballots() == 11 * 10 - 1 and count(BallotScore) == ballots() * 3 and sealed() == 0
    page = text(as_user("thanhvien5").get(f"/sessions/{session.id}/results"))
    assert "Tỷ lệ tính trên tổng số 11 thành viên Hội đồng." in page
    for sentence in ("Đạt: 11/11 thành viên đồng ý = 100,0 % &gt; 50 %",
                     "Đạt: 9/11 thành viên đồng ý = 81,8 % &gt; 50 %",
                     "Không đạt: 5/11 thành viên đồng ý = 45,5 % không &gt; 50 %",
                     "Không đạt: 9/11 thành viên đồng ý = 81,8 % không ≥ 90 %",
                     "Đạt: 10/11 thành viên đồng ý = 90,9 % &gt; 50 %",
                     "Không đạt ngưỡng biểu quyết."):
        assert sentence in page, sentence

    rows = {name: row for name, row in re.findall(r'<th scope="row"[^>]*>([^<]+)<br>(.*?)</tr>', page, re.S)}
    cells = {name: re.findall(r'class="num"[^>]*>\s*([^<]*)', row) for name, row in rows.items()}
    assert [c.strip() for c in cells["Hồ Văn Lâm"][:3]] == ["9", "2", "0"]
    assert [c.strip() for c in cells["Lê Văn Dũng"][:3]] == ["5", "6", "0"]
    assert [c.strip() for c in cells["Thôn Ba Lòng"][:2]] == ["11", "0"]
    assert "1 bằng văn bản" in rows["Thôn Ba Lòng"]          # thanhvien9's written opinion
    assert cells["Thôn Ba Lòng"][3].startswith("100,0") and cells["Hồ Văn Lâm"][3].startswith("90,0")
    # ranking in the Giấy khen group: by weighted score; those who failed have no rank
    order = [n for n in rows if nomination(n).form.code == "GK_HUYEN"]
    assert order[:2] == ["Thôn Ba Lòng", "Hồ Văn Lâm"] and order[-1] == "Lê Văn Dũng"
    ranks = {name: rank for rank, name in re.findall(r'data-label="Thứ tự">([^<]*)</td>\s*<th scope="row"'
                                                     r'[^>]*>([^<]+)<', page)}
    assert (ranks["Thôn Ba Lòng"], ranks["Hồ Văn Lâm"], ranks["Pả Hồ Thị Xuân"], ranks["Lê Văn Dũng"]) == \
        ("1", "2", "3", "—")


RESULTS = "voting/_results_groups.html"


@contextmanager
def watched(app):
    """The templates rendered and the SQL statements sent while the block runs."""
    templates, statements = [], []

    def rendered(sender, template, context, **extra):
        templates.append(template.name)

    def sent(conn, cursor, statement, *args):
        statements.append(statement)

    template_rendered.connect(rendered, app)
    event.listen(db.engine, "before_cursor_execute", sent)
    try:
        yield templates, statements
    finally:
        template_rendered.disconnect(rendered, app)
        event.remove(db.engine, "before_cursor_execute", sent)


def tables_of(page: str) -> str:
    return page[page.index("<section"):page.rindex("</section>")]


def test_closed_results_are_worked_out_once_until_a_rule_they_depend_on_changes(board_day, as_user):
    session, secretary = closed_session(as_user)
    url = f"/sessions/{session.id}/results"
    with watched(board_day) as (templates, _statements):
        chair_page = text(as_user("chutich").get(url))
    assert templates.count(RESULTS) == 1

    # Another reader: the tally is not run again, the tables are the same, the page around them is his.
    member = as_user("thanhvien5")
    with watched(board_day) as (templates, statements):
        member_page = text(member.get(url))
    assert "voting/results.html" in templates and RESULTS not in templates
    assert not [s for s in statements if "FROM ballot" in s]
    assert tables_of(member_page) == tables_of(chair_page)
    button = "Lập danh sách đề nghị khen thưởng từ kết quả này"
    assert button in chair_page and button not in member_page

    # The secretary raises the Giấy khen's threshold to at least 90 %: the results follow at once.
    giay_khen = db.session.execute(db.select(AwardForm).filter_by(code="GK_HUYEN")).scalar_one()
    raised = post(secretary, f"/board-config/forms/{giay_khen.id}", award_form_data(
        code="GK_HUYEN", name=giay_khen.name, collective="y", threshold_percent="90", threshold_strict="ge",
        coefficient="0,3", legal_basis=giay_khen.legal_basis, sort_order=str(giay_khen.sort_order)))
    assert raised.status_code == 302
    with watched(board_day) as (templates, _statements):
        page = text(member.get(url))
    assert templates.count(RESULTS) == 1
    assert "Không đạt: 9/11 thành viên đồng ý = 81,8 % không ≥ 90 %" in page  # Hồ Văn Lâm
    assert "Đạt: 9/11 thành viên đồng ý = 81,8 % &gt; 50 %" not in page

    # In English the tables are rendered in English, not served from the Vietnamese ones.
    assert post(member, "/lang", {"lang": "en"}).status_code == 302
    with watched(board_day) as (templates, _statements):
        english = text(member.get(url))
    assert templates.count(RESULTS) == 1 and 'data-label="Order"' in english


def test_the_results_of_2000_candidates_show_every_one_and_a_bar_per_number_of_votes(board_day, as_user):
    from ntm_intranet.demo.scale import seed_session

    large = seed_session(2000, members=15, criteria=5)
    page = as_user("noivu").get(f"/sessions/{large}/results")
    html = text(page)
    assert page.status_code == 200
    assert html.count('<th scope="row"') == 2000 and "Người được đề nghị 2000" in html  # every one, to print
    chart = html[html.index("<svg"):html.index("</svg>")]
    assert 'aria-label="Số hồ sơ theo số phiếu đồng ý"' in chart
    assert chart.count("<rect") == 16  # 15 agree votes down to none, not 2,000 bars
    assert sum(int(n) for n in re.findall(r'class="chart-value">(\d+) hồ sơ<', chart)) == 2000
    # About 0.6 KB a candidate (a bar and a row of 1 KB before): the weight of the page is its rows.
    assert len(page.data) < 2000 * 700, len(page.data)


def test_a_member_gets_no_ballot_on_himself(board_day, as_user):
    session, _secretary = open_demo_session(as_user)
    son_item = agenda(session)["Nguyễn Văn Sơn"]
    member = as_user("thanhvien3")
    page = text(member.get(f"/sessions/{session.id}/ballot"))
    assert "Nguyễn Văn Sơn" in page and "Không biểu quyết cho chính mình." in page
    assert f'name="c{son_item}"' not in page and f'name="s{son_item}_' not in page
    assert f'name="c{agenda(session)["Thôn Ba Lòng"]}"' in page
    # his own unit's collective nomination is only flagged (the council's rule: members of the unit still vote)
    assert "Lưu ý: hồ sơ do đơn vị của đồng chí đề nghị." in page

    sheet = sheet_of("thanhvien3", session)
    assert f"c{son_item}" in sheet  # posted anyway, by hand: ignored
    assert cast(member, session, sheet).status_code == 302
    assert post(as_user("noivu"), f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    assert db.session.scalar(db.select(db.func.count(Ballot.id)).filter_by(item_id=son_item)) == 0
    assert ballots() == 9


def test_a_second_sheet_from_the_same_member_is_refused_and_counts_once(board_day, as_user):
    session, _secretary = open_demo_session(as_user)
    member = as_user("thanhvien4")
    sheet = sheet_of("thanhvien4", session)
    assert cast(member, session, sheet).status_code == 302
    again = post(member, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"})
    assert again.status_code == 409 and alert(again) == ALREADY_VOTED
    assert member.get(f"/sessions/{session.id}/ballot").status_code == 409
    # a second browser tab, logged in separately, is refused just the same
    other_tab = as_user("thanhvien4")
    assert post(other_tab, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"}).status_code == 409
    assert count(VoteRecord) == 1 and sealed() == 1
    page = text(member.get(f"/sessions/{session.id}"))
    assert "Đồng chí đã bỏ phiếu trong phiên họp này." in page


def test_who_may_not_vote(board_day, as_user):
    session, _secretary = open_demo_session(as_user)
    sheet = sheet_of("thanhvien1", session)
    # not a board member at all (the finance officer): not even the sheet
    finance = as_user("tckh")
    assert finance.get(f"/sessions/{session.id}/ballot").status_code == 403
    assert post(finance, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"}).status_code == 403
    # holds the member role, but is not on this campaign's board
    factories.user("uyvienmoi", roles=("member",), password="dakrong2015")
    outsider = as_user("uyvienmoi")
    refused = outsider.get(f"/sessions/{session.id}/ballot")
    assert refused.status_code == 409 and alert(refused) == "Chỉ thành viên Hội đồng mới được bỏ phiếu."
    assert post(outsider, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"}).status_code == 409
    # a member who is not recorded present
    absent = as_user("thanhvien9")
    refused = absent.get(f"/sessions/{session.id}/ballot")
    assert refused.status_code == 409
    assert alert(refused) == "Đồng chí chưa được ghi nhận có mặt tại phiên họp: hãy báo thư ký Hội đồng."
    assert post(absent, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"}).status_code == 409
    assert f'href="/sessions/{session.id}/ballot"' not in text(absent.get(f"/sessions/{session.id}"))
    assert count(VoteRecord) == 0 and sealed() == 0


@pytest.mark.parametrize(("change", "message"), [
    (lambda s, items, crit: s.update({f"s{items['Thôn Ba Lòng']}_{crit}": "11"}),
     "Điểm “Mức độ đóng góp cho phong trào” của Thôn Ba Lòng phải là số nguyên từ 0 đến 10."),
    (lambda s, items, crit: s.update({f"s{items['Hồ Văn Lâm']}_{crit}": "-1"}),
     "Điểm “Mức độ đóng góp cho phong trào” của Hồ Văn Lâm phải là số nguyên từ 0 đến 10."),
    (lambda s, items, crit: s.update({f"s{items['Hồ Văn Lâm']}_{crit}": "7,5"}),
     "Điểm “Mức độ đóng góp cho phong trào” của Hồ Văn Lâm phải là số nguyên từ 0 đến 10."),
    (lambda s, items, crit: s.pop(f"c{items['Lê Văn Dũng']}"),
     "Chưa chọn Đồng ý hay Không đồng ý cho Lê Văn Dũng."),
    (lambda s, items, crit: s.update({f"c{items['Lê Văn Dũng']}": "abstain"}),
     "Chưa chọn Đồng ý hay Không đồng ý cho Lê Văn Dũng."),
])
def test_a_bad_sheet_is_refused_in_vietnamese_and_nothing_is_stored(board_day, as_user, change, message):
    session, _secretary = open_demo_session(as_user)
    member = as_user("thanhvien2")
    sheet = sheet_of("thanhvien2", session)
    first = db.session.execute(db.select(ScoringCriterion.id).order_by(ScoringCriterion.sort_order)).scalars().first()
    change(sheet, agenda(session), first)
    for action in ("review", "cast"):
        refused = post(member, f"/sessions/{session.id}/ballot", {**sheet, "action": action})
        assert refused.status_code == 422 and message in alert(refused)
    assert count(VoteRecord) == 0 and sealed() == 0 and count(BallotScore) == 0
    # what was typed is kept: the member corrects and casts
    page = text(refused)
    assert 'value="agree" checked' in page


def test_no_ballot_after_the_session_is_closed(board_day, as_user):
    session, secretary = open_demo_session(as_user)
    member = as_user("thanhvien6")
    sheet = sheet_of("thanhvien6", session)
    assert post(member, f"/sessions/{session.id}/ballot", {**sheet, "action": "review"}).status_code == 200
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    late = post(member, f"/sessions/{session.id}/ballot", {**sheet, "action": "cast"})
    assert late.status_code == 409 and "Phiên họp không mở bỏ phiếu điện tử." in alert(late)
    assert count(VoteRecord) == 0 and sealed() == 0
    assert post(secretary, f"/sessions/{session.id}/open", OPEN_FORM).status_code == 422  # closed is final
    assert take_attendance(secretary, session, MEMBERS).status_code == 422


def test_the_secretary_enters_an_absent_members_written_opinion(board_day, as_user):
    session, secretary = open_demo_session(as_user)
    page = text(secretary.get(f"/sessions/{session.id}"))
    assert "Nhập ý kiến của Hoàng Văn Nam" in page and "Nhập ý kiến của Hồ Thị Hoa" not in page
    # a present member votes himself
    present_url = f"/sessions/{session.id}/written/{user_id('thanhvien1')}"
    refused = post(secretary, present_url, {**sheet_of("thanhvien1", session), "action": "cast"})
    assert refused.status_code == 409 and "ý kiến bằng văn bản chỉ dành cho thành viên vắng mặt" in alert(refused)
    assert count(VoteRecord) == 0
    # "review" shows the opinion back and records nothing yet; an incomplete one is refused
    url = f"/sessions/{session.id}/written/{user_id('thanhvien9')}"
    incomplete = sheet_of("thanhvien9", session)
    incomplete.pop(f"c{agenda(session)['Hồ Văn Lâm']}")
    refused = post(secretary, url, {**incomplete, "action": "cast"})
    assert refused.status_code == 422 and alert(refused) == "Chưa chọn Đồng ý hay Không đồng ý cho Hồ Văn Lâm."
    assert count(VoteRecord) == 0 and sealed() == 0
    review = post(secretary, url, {**sheet_of("thanhvien9", session), "action": "review"})
    assert review.status_code == 200 and "Xem lại toàn bộ phiếu." in text(review) and count(VoteRecord) == 0
    assert written_opinion(secretary, session).status_code == 302
    record = db.session.execute(db.select(VoteRecord)).scalar_one()
    assert record.user_id == user_id("thanhvien9") and record.written
    assert sealed() == 1 and ballots() == 0
    again = post(secretary, url, {**sheet_of("thanhvien9", session), "action": "cast"})
    assert again.status_code == 409 and alert(again) == ALREADY_VOTED
    assert sealed() == 1
    # only the secretary enters them; a member has no such page
    assert as_user("chutich").get(url).status_code == 403
    summary = db.session.execute(db.select(AuditEvent.summary).filter_by(action="ballot_sheet_cast")).scalar_one()
    assert summary == "10 ballots (written opinion)"
    # opened at close like any sheet, and counted as written
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    assert ballots() == 10 and sealed() == 0
    # counted per candidate; no ballot row says which one came from the absent member
    assert not any(db.session.execute(db.select(Ballot.written)).scalars())
    assert {i.written_ballots for i in session.items} == {1}


def test_who_has_voted_shows_names_and_counts_never_choices(board_day, as_user):
    session, _secretary = open_demo_session(as_user)
    everyone_votes(as_user, session, ["thanhvien1", "thanhvien2", "chutich"])
    fragment = text(as_user("thanhvien5").get(f"/sessions/{session.id}/live"))
    assert "Đã bỏ phiếu: 3 / 10 thành viên có mặt" in fragment
    voted = re.findall(r"✓ đã bỏ phiếu</span>\s*([^<]+?)\s*</li>", fragment)
    assert sorted(voted) == sorted(["Hồ Thị Hoa", "Lê Văn Minh", "Phạm Văn Hùng"])
    assert re.search(r"vắng mặt</span>\s*Hoàng Văn Nam", fragment)
    assert fragment.count("chưa bỏ phiếu") == 7
    for choice in ("Đồng ý", "Không đồng ý", "agree", "disagree", "Hồ Văn Lâm", "Lê Văn Dũng"):
        assert choice not in fragment
    assert 'hx-trigger="every 5s"' in fragment
    # not for people outside the board
    assert as_user("bc-19567").get(f"/sessions/{session.id}/live").status_code == 403


# The award list -----------------------------------------------------------------------------------


def test_the_chair_approves_the_award_list_and_the_money_follows_the_coefficient(board_day, as_user):
    session, secretary = closed_session(as_user)
    chair, member = as_user("chutich"), as_user("thanhvien1")
    assert post(chair, "/awards/propose").status_code == 302
    draft = db.session.execute(db.select(AwardList)).scalar_one()
    assert (draft.revision, draft.status, draft.session_id) == (1, "draft", session.id)
    names = {e.nomination.name for e in draft.entries}
    assert "Lê Văn Dũng" not in names and "Chi hội Phụ nữ thôn A Sóc" not in names  # failed the vote
    assert {"Thôn Ba Lòng", "Hồ Văn Lâm", "Nguyễn Văn Sơn", "UBND xã Triệu Nguyên"} <= names and len(names) == 8
    assert entry(draft, "Hồ Văn Lâm").result_text == "Đạt: 9/11 thành viên đồng ý = 81,8 % > 50 %"
    # proposing again gives the same draft
    assert post(secretary, "/awards/propose").status_code == 302 and count(AwardList) == 1

    na = entry(draft, "Hộ bà Hồ Thị Na")
    for outsider in (member, secretary):
        assert post(outsider, f"/awards/entries/{na.id}/strike", {"struck": "1", "reason": "x"}).status_code == 403
        assert post(outsider, f"/awards/{draft.id}/approve", {"decision_number": "1/QĐ-UBND",
                                                              "decision_date": "10/07/2015"}).status_code == 403
    no_reason = post(chair, f"/awards/entries/{na.id}/strike", {"struck": "1", "reason": "  "})
    assert no_reason.status_code == 422 and alert(no_reason) == "Hãy ghi lý do khi gạch tên khỏi danh sách."
    db.session.refresh(na)
    assert not na.struck
    assert post(chair, f"/awards/entries/{na.id}/strike",
                {"struck": "1", "reason": "Trùng với khen thưởng của tỉnh năm 2014"}).status_code == 302
    db.session.refresh(na)
    assert na.struck and na.strike_reason == "Trùng với khen thưởng của tỉnh năm 2014"

    no_number = post(chair, f"/awards/{draft.id}/approve", {"decision_number": "", "decision_date": "10/07/2015"})
    assert no_number.status_code == 422 and "Hãy nhập số quyết định." in alert(no_number)
    approved = post(chair, f"/awards/{draft.id}/approve", {"decision_number": "1234/QĐ-UBND",
                                                           "decision_date": "10/07/2015"})
    assert approved.status_code == 302
    db.session.refresh(draft)
    assert (draft.status, draft.decision_number, draft.base_salary) == ("approved", "1234/QĐ-UBND", 1_150_000)
    assert draft.approved_by_id == user_id("chutich") and draft.decision_date == date(2015, 7, 10)
    giay_khen = db.session.execute(db.select(AwardForm).filter_by(code="GK_HUYEN")).scalar_one()
    assert giay_khen.coefficient == Decimal("0.3")
    assert entry(draft, "Hồ Văn Lâm").amount == 350_000        # 0,3 × 1.150.000 = 345.000, rounded up
    assert entry(draft, "Thôn Ba Lòng").amount == 690_000      # a collective: twice 345.000
    assert entry(draft, "Hộ ông Lê Văn Bình").amount == 350_000
    assert entry(draft, "UBND xã Triệu Nguyên").amount == 2_300_000  # Bằng khen tỉnh 1,0 × 2
    assert entry(draft, "Nguyễn Văn Sơn").amount == 1_150_000
    assert entry(draft, "Hộ bà Hồ Thị Na").amount == 0          # struck
    total = sum(e.amount for e in draft.entries)
    assert total == 2 * 690_000 + 3 * 350_000 + 2_300_000 + 1_150_000 == 5_880_000

    # a commune's reporter reads the approved list, its money and its total; never the strike forms
    page = text(as_user("bc-19567").get("/awards"))
    assert "Kèm theo Quyết định số 1234/QĐ-UBND ngày 10/07/2015" in page
    assert "Bản số 1" in page and "lương cơ sở 1.150.000 đồng" in page
    assert "350.000" in page and "690.000" in page and "5.880.000" in page
    assert "Hộ bà Hồ Thị Na" not in page and "Lý do gạch tên" not in page and "Trùng với khen thưởng" not in page

    # approved is locked
    locked = post(chair, f"/awards/entries/{entry(draft, 'Hồ Văn Lâm').id}/strike", {"struck": "1", "reason": "x"})
    assert locked.status_code == 422 and "Danh sách đã được phê duyệt và khoá" in alert(locked)
    again = post(chair, f"/awards/{draft.id}/approve", {"decision_number": "9/QĐ-UBND", "decision_date": "11/07/2015"})
    assert again.status_code == 422 and alert(again) == "Danh sách này đã được phê duyệt."
    db.session.refresh(draft)
    assert draft.decision_number == "1234/QĐ-UBND" and not entry(draft, "Hồ Văn Lâm").struck


def test_a_revision_replaces_the_approved_list_only_once_approved(board_day, as_user):
    closed_session(as_user)
    chair = as_user("chutich")
    post(chair, "/awards/propose")
    first = db.session.execute(db.select(AwardList)).scalar_one()
    post(chair, f"/awards/{first.id}/approve", {"decision_number": "1234/QĐ-UBND", "decision_date": "10/07/2015"})
    assert post(as_user("thanhvien1"), f"/awards/{first.id}/revise").status_code == 403

    assert post(chair, f"/awards/{first.id}/revise").status_code == 302
    second = db.session.execute(db.select(AwardList).filter_by(revision=2)).scalar_one()
    db.session.refresh(first)
    assert (first.status, second.status) == ("approved", "draft")
    assert len(second.entries) == len(first.entries) and all(e.amount == 0 for e in second.entries)
    reader = as_user("bc-19567")
    assert "Bản số 1" in text(reader.get("/awards")) and "Hộ bà Hồ Thị Na" in text(reader.get("/awards"))
    assert post(chair, f"/awards/{first.id}/revise").status_code == 302 and count(AwardList) == 2  # same draft

    na = entry(second, "Hộ bà Hồ Thị Na")
    assert post(chair, f"/awards/entries/{na.id}/strike", {"struck": "1", "reason": "Đã khen cấp tỉnh"}) \
        .status_code == 302
    db.session.refresh(first)
    assert not entry(first, "Hộ bà Hồ Thị Na").struck  # revision 1 is untouched
    assert post(chair, f"/awards/{second.id}/approve", {"decision_number": "1250/QĐ-UBND",
                                                        "decision_date": "15/07/2015"}).status_code == 302
    db.session.refresh(first)
    db.session.refresh(second)
    assert (first.status, second.status) == ("superseded", "approved")
    assert entry(first, "Hộ bà Hồ Thị Na").amount == 350_000 and entry(second, "Hộ bà Hồ Thị Na").amount == 0
    page = text(reader.get("/awards"))
    assert "Quyết định số 1250/QĐ-UBND" in page and "Bản số 2" in page and "Hộ bà Hồ Thị Na" not in page
    assert "5.880.000" in page and "6.230.000" not in page  # 6.230.000 without the 350.000 struck
    revised = db.session.execute(db.select(AuditEvent).filter_by(action="award_list_revised")).scalar_one()
    assert revised.after == {"revision": 2, "from": 1}


def test_a_tie_at_the_edge_of_a_quota_is_left_to_the_chair(board_day, as_user):
    bang_khen = db.session.execute(db.select(AwardForm).filter_by(code="BK_TINH")).scalar_one()
    bang_khen.quota = 1
    db.session.commit()
    session, secretary = open_demo_session(as_user)
    # the commune and Nguyễn Văn Sơn both end with 10 agree votes and the same scores
    for username in PRESENT:
        form = ballot_form(session, choose=lambda name, u=username: "disagree" if (
            name == "UBND xã Triệu Nguyên" and u == "chutich") else "agree")
        assert cast(as_user(username), session, form).status_code == 302
    post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM)
    page = text(as_user("chutich").get(f"/sessions/{session.id}/results"))
    assert "Có các hồ sơ ngang điểm ở vị trí cuối hạn mức: Chủ tịch quyết định khi phê duyệt danh sách." in page
    assert page.count("Ngang điểm ở vị trí cuối hạn mức (1): Chủ tịch quyết định.") == 2
    post(as_user("chutich"), "/awards/propose")
    draft = db.session.execute(db.select(AwardList)).scalar_one()
    for name in ("UBND xã Triệu Nguyên", "Nguyễn Văn Sơn"):  # both on the list, flagged; nobody cut silently
        assert entry(draft, name).strike_reason == "Ngang điểm ở vị trí cuối hạn mức (1): Chủ tịch quyết định."
        assert not entry(draft, name).struck


def test_every_state_change_leaves_an_audit_event(board_day, as_user):
    closed_session(as_user)
    chair = as_user("chutich")
    post(chair, "/awards/propose")
    award_list = db.session.execute(db.select(AwardList)).scalar_one()
    post(chair, f"/awards/entries/{entry(award_list, 'Hộ bà Hồ Thị Na').id}/strike", {"struck": "1", "reason": "x"})
    post(chair, f"/awards/entries/{entry(award_list, 'Hộ bà Hồ Thị Na').id}/strike", {"struck": "0"})
    post(chair, f"/awards/{award_list.id}/approve", {"decision_number": "1/QĐ-UBND", "decision_date": "10/07/2015"})
    post(chair, f"/awards/{award_list.id}/revise")
    done = actions()
    for action in ("attendance_recorded", "session_opened", "ballot_sheet_cast", "session_closed",
                   "award_list_proposed", "award_entry_struck", "award_entry_restored", "award_list_approved",
                   "award_list_revised"):
        assert action in done, action
    assert done.count("ballot_sheet_cast") == 11
    opened = db.session.execute(db.select(AuditEvent).filter_by(action="session_opened")).scalar_one()
    assert opened.actor_name == "noivu" and opened.after == {"members_total": 11, "present": 10}
    approved = db.session.execute(db.select(AuditEvent).filter_by(action="award_list_approved")).scalar_one()
    assert approved.actor_name == "chutich" and approved.after["total"] == 6_230_000


# Paper ballots ------------------------------------------------------------------------------------


def paper_counts(items, **rows):
    data = {}
    for name, (issued, returned, valid, agree, disagree) in rows.items():
        item = items[name]
        data.update({f"issued_{item}": str(issued), f"returned_{item}": str(returned), f"valid_{item}": str(valid),
                     f"agree_{item}": str(agree), f"disagree_{item}": str(disagree)})
    return data


def test_a_paper_session_the_secretary_enters_the_counts(board_day, as_user):
    secretary = as_user("noivu")
    assert secretary.get("/sessions/new").status_code == 200
    ids = [str(nomination(n).id) for n in ("Hồ Văn Lâm", "Thôn Ba Lòng")]
    created = post(secretary, "/sessions/new", {"title": "Phiên họp bỏ phiếu giấy", "held_on": "08/07/2015",
                                                "time_text": "8 giờ", "place": "Hội trường", "paper": "y",
                                                "chair_id": str(user_id("chutich")), "nomination": ids})
    assert created.status_code == 302
    session = board_session("Phiên họp bỏ phiếu giấy")
    assert session.paper and len(session.items) == 2
    take_attendance(secretary, session, PRESENT)
    post(secretary, f"/sessions/{session.id}/open", OPEN_FORM)
    items = agenda(session)
    # members do not vote on the screen in a paper session
    refused = as_user("thanhvien1").get(f"/sessions/{session.id}/ballot")
    assert refused.status_code == 409 and "Phiên họp không mở bỏ phiếu điện tử." in alert(refused)
    written = post(secretary, f"/sessions/{session.id}/written/{user_id('thanhvien9')}",
                   {**ballot_form(session), "action": "cast"})
    assert written.status_code == 409 and count(Ballot) == 0

    valid_over_returned = post(secretary, f"/sessions/{session.id}/paper", paper_counts(
        items, **{"Hồ Văn Lâm": (10, 9, 10, 8, 2)}))
    assert valid_over_returned.status_code == 422
    assert alert(valid_over_returned) == "Hồ Văn Lâm: cần có hợp lệ ≤ thu về ≤ phát ra ≤ 11 thành viên."
    sum_off = post(secretary, f"/sessions/{session.id}/paper", paper_counts(
        items, **{"Hồ Văn Lâm": (10, 10, 10, 7, 2), "Thôn Ba Lòng": (10, 10, 9, 9, 0)}))
    assert sum_off.status_code == 422
    assert alert(sum_off) == "Hồ Văn Lâm: đồng ý + không đồng ý phải bằng số phiếu hợp lệ."
    over_board = post(secretary, f"/sessions/{session.id}/paper", paper_counts(
        items, **{"Thôn Ba Lòng": (12, 12, 12, 12, 0)}))
    assert over_board.status_code == 422 and "≤ 11 thành viên" in alert(over_board)
    words = post(secretary, f"/sessions/{session.id}/paper", {**paper_counts(
        items, **{"Thôn Ba Lòng": (10, 10, 10, 10, 0)}), f"agree_{items['Thôn Ba Lòng']}": "mười"})
    assert words.status_code == 422 and alert(words) == "Số phiếu phải là số nguyên không âm."
    assert count(PaperCount) == 0

    good = post(secretary, f"/sessions/{session.id}/paper", paper_counts(
        items, **{"Hồ Văn Lâm": (10, 10, 9, 6, 3), "Thôn Ba Lòng": (10, 10, 10, 10, 0)}))
    assert good.status_code == 302 and count(PaperCount) == 2
    assert "paper_counts_entered" in actions()
    # the counts can be corrected while the session is open
    post(secretary, f"/sessions/{session.id}/paper", paper_counts(items, **{"Hồ Văn Lâm": (10, 10, 9, 5, 4)}))
    assert count(PaperCount) == 2
    post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM)
    page = text(secretary.get(f"/sessions/{session.id}/results"))
    assert "Không đạt: 5/11 thành viên đồng ý = 45,5 % không &gt; 50 %" in page
    assert "Đạt: 10/11 thành viên đồng ý = 90,9 % &gt; 50 %" in page
    assert count(Ballot) == 0 and count(VoteRecord) == 0
    late = post(secretary, f"/sessions/{session.id}/paper", paper_counts(items, **{"Hồ Văn Lâm": (10, 10, 9, 9, 0)}))
    assert late.status_code == 422 and "Chỉ nhập kết quả kiểm phiếu khi phiên họp đang mở." in alert(late)


def test_a_session_needs_an_eligible_nomination(board_day, as_user):
    secretary = as_user("noivu")
    draft_id = str(nomination("Lê Thị Hồng").id)  # a draft, never on an agenda
    refused = post(secretary, "/sessions/new", {"title": "Phiên họp thử", "held_on": "08/07/2015",
                                                "chair_id": str(user_id("chutich")), "nomination": [draft_id]})
    assert refused.status_code == 422
    assert alert(refused) == "Chọn ít nhất một hồ sơ đủ điều kiện để đưa vào chương trình họp."
    assert count(BoardSession) == 1
    assert post(as_user("thanhvien1"), "/sessions/new", {"title": "x"}).status_code == 403


# Nominations --------------------------------------------------------------------------------------


def new_nomination(client, **fields):
    form_id = db.session.execute(db.select(AwardForm.id).filter_by(code="GK_HUYEN")).scalar_one()
    data = {"kind": "household", "name": "Hộ ông Hồ Văn Chiến", "position": "", "address": "Thôn An Hưng",
            "summary": "Hiến 400 m² đất làm đường thôn", "money": "40.000.000", "labour_days": "90",
            "land_m2": "400", "trees": "0", "proposed_form_id": str(form_id), **fields}
    return post(client, "/nominations/new", data)


def test_a_unit_nominates_uploads_submits_and_withdraws(board_day, as_user):
    reporter = as_user("bc-19567")
    assert reporter.get("/nominations/new").status_code == 200
    missing = new_nomination(reporter, name="", money="-5")
    assert missing.status_code == 422 and "Vui lòng nhập tên." in text(missing)
    created = new_nomination(reporter)
    assert created.status_code == 302
    n = nomination("Hộ ông Hồ Văn Chiến")
    assert (n.status, n.money, n.land_m2, n.unit.code) == ("draft", 40_000_000, 400, "19567")
    assert created.headers["Location"].endswith(f"/nominations/{n.id}")

    # another commune's reporter never learns it exists; the secretary does not see drafts
    assert as_user("bc-19555").get(f"/nominations/{n.id}").status_code == 404
    assert post(as_user("bc-19555"), f"/nominations/{n.id}/submit", {"version": n.version}).status_code == 404
    assert as_user("noivu").get(f"/nominations/{n.id}").status_code == 404

    uploaded = post(reporter, f"/nominations/{n.id}/files",
                    {"kind": "to_trinh", "version": str(n.version), "file": (io.BytesIO(PDF), "Tờ trình.pdf")},
                    content_type="multipart/form-data")
    assert uploaded.status_code == 302
    stored = db.session.execute(db.select(NominationFile).filter_by(nomination_id=n.id)).scalar_one()
    assert (stored.kind, stored.original_name) == ("to_trinh", "Tờ trình.pdf")
    assert reporter.get(f"/nominations/files/{stored.id}").status_code == 200
    assert as_user("bc-19555").get(f"/nominations/files/{stored.id}").status_code == 404
    bad = post(reporter, f"/nominations/{n.id}/files", {"kind": "to_trinh", "file": (io.BytesIO(b"MZ..."), "a.exe")},
               content_type="multipart/form-data")
    assert bad.status_code == 422
    no_file = post(reporter, f"/nominations/{n.id}/files", {"kind": "to_trinh"}, content_type="multipart/form-data")
    assert no_file.status_code == 422 and alert(no_file) == "Hãy chọn tệp để tải lên."

    db.session.refresh(n)
    assert post(reporter, f"/nominations/{n.id}/submit", {"version": str(n.version)}).status_code == 302
    db.session.refresh(n)
    assert n.status == "submitted" and n.submitted_at is not None
    page = text(as_user("noivu").get(f"/nominations/{n.id}"))
    assert "Hộ ông Hồ Văn Chiến" in page and "Hồ sơ thiếu báo cáo thành tích." in page
    # sent: no more edits or files
    late = post(reporter, f"/nominations/{n.id}/files",
                {"kind": "thanh_tich", "version": str(n.version), "file": (io.BytesIO(PDF), "Báo cáo.pdf")},
                content_type="multipart/form-data")
    assert late.status_code == 422 and "Hồ sơ đã gửi" in alert(late)

    assert post(reporter, f"/nominations/{n.id}/withdraw", {"version": str(n.version)}).status_code == 302
    db.session.refresh(n)
    assert n.status == "withdrawn"
    assert post(reporter, f"/nominations/{n.id}/withdraw", {"version": str(n.version)}).status_code == 422
    assert {"nomination_created", "nomination_file_uploaded", "nomination_submitted", "nomination_withdrawn"} \
        <= set(actions())


def test_a_stale_version_is_refused(board_day, as_user):
    reporter = as_user("bc-19567")
    new_nomination(reporter)
    n = nomination("Hộ ông Hồ Văn Chiến")
    stale = post(reporter, f"/nominations/{n.id}/submit", {"version": str(n.version + 5)})
    assert stale.status_code == 422 and "vừa được thay đổi ở nơi khác" in alert(stale)
    db.session.refresh(n)
    assert n.status == "draft"


def screen(client, n, **fields):
    data = {"decision": "eligible", "form_id": str(n.form_id), "candidate_user_id": "0", "note": "",
            "version": str(n.version), **fields}
    return post(client, f"/nominations/{n.id}/screen", data)


def test_the_secretary_screens_with_the_automatic_checks_in_sight(board_day, as_user):
    screened_by_the_demo = actions().count("nomination_screened")  # the demo's own screenings, through the service
    secretary = as_user("noivu")
    tu = nomination("Hộ ông Nguyễn Văn Tư")  # submitted for a Bằng khen tỉnh with 80 million, minimum 100 million
    page = text(secretary.get(f"/nominations/{tu.id}"))
    assert "Kiểm tra tự động" in page
    assert "Đóng góp của hộ (80.000.000 đồng) thấp hơn mức tối thiểu của hình thức này (100.000.000 đồng)." in page
    ka = nomination("Hồ Văn Ka")
    assert "Kiểm tra tự động: không phát hiện vấn đề." in text(secretary.get(f"/nominations/{ka.id}"))

    no_reason = screen(secretary, tu, decision="returned", note="")
    assert no_reason.status_code == 422 and alert(no_reason) == "Khi trả lại hồ sơ, hãy ghi rõ lý do."
    no_decision = screen(secretary, tu, decision="")
    assert no_decision.status_code == 422 and alert(no_decision) == "Chọn kết quả thẩm định."
    cờ = db.session.execute(db.select(AwardForm).filter_by(code="CO_TINH")).scalar_one()
    wrong_kind = screen(secretary, tu, form_id=str(cờ.id))
    assert wrong_kind.status_code == 422 and "không áp dụng cho đối tượng này" in alert(wrong_kind)
    db.session.refresh(tu)
    assert tu.status == "submitted" and tu.form.code == "BK_TINH"

    # the secretary moves it to a Giấy khen, which has no minimum, and finds it eligible
    giay_khen = db.session.execute(db.select(AwardForm).filter_by(code="GK_HUYEN")).scalar_one()
    assert screen(secretary, tu, form_id=str(giay_khen.id), note="Chuyển sang Giấy khen").status_code == 302
    db.session.refresh(tu)
    assert (tu.status, tu.form_id, tu.proposed_form.code) == ("eligible", giay_khen.id, "BK_TINH")
    page = text(secretary.get(f"/nominations/{tu.id}"))
    assert "(Phòng Nội vụ đổi)" in page and "thấp hơn mức tối thiểu" not in page

    assert screen(secretary, ka, decision="returned", note="Bổ sung báo cáo thành tích có xác nhận").status_code == 302
    db.session.refresh(ka)
    assert ka.status == "returned"
    page = text(as_user("bc-19558").get(f"/nominations/{ka.id}"))
    assert "Phòng Nội vụ trả lại" in page and "Bổ sung báo cáo thành tích có xác nhận" in page
    # only the secretary screens
    assert screen(as_user("chutich"), tu).status_code == 403
    assert actions().count("nomination_screened") - screened_by_the_demo == 2


# The board's configuration ------------------------------------------------------------------------


def award_form_data(**fields):
    return {"code": "GK_XA", "name": "Giấy khen của Chủ tịch UBND xã", "level": "Xã", "individual": "y",
            "household": "y", "threshold_percent": "50", "threshold_strict": "gt", "quota": "",
            "coefficient": "0,15", "min_household_contribution": "", "legal_basis": "Nghị định 91/2017, Điều 76",
            "sort_order": "9", **fields}


def test_the_secretary_configures_the_board(board_day, as_user):
    secretary = as_user("noivu")
    assert "Cấu hình Hội đồng Thi đua – Khen thưởng" in text(secretary.get("/board-config"))
    assert as_user("chutich").get("/board-config").status_code == 403

    forms = count(AwardForm)
    for bad, message in ((award_form_data(threshold_percent="0"), "Từ 1 đến 100."),
                         (award_form_data(threshold_percent="150"), "Từ 1 đến 100."),
                         (award_form_data(individual="", household=""), "Chọn ít nhất một loại đối tượng."),
                         (award_form_data(name=""), "Nhập tên hình thức."),
                         (award_form_data(min_household_contribution="-1"), "Số liệu không được âm.")):
        refused = post(secretary, "/board-config/forms/new", bad)
        assert refused.status_code == 422 and message in text(refused), message
    assert count(AwardForm) == forms
    assert post(secretary, "/board-config/forms/new", award_form_data(quota="3")).status_code == 302
    added = db.session.execute(db.select(AwardForm).filter_by(code="GK_XA")).scalar_one()
    assert (added.kinds, added.coefficient, added.quota, added.threshold_strict) == \
        (["individual", "household"], Decimal("0.150"), 3, True)
    assert "Giấy khen của Chủ tịch UBND xã" in text(secretary.get("/board-config"))
    edit = post(secretary, f"/board-config/forms/{added.id}", award_form_data(threshold_percent="90",
                                                                              threshold_strict="ge"))
    assert edit.status_code == 302
    db.session.refresh(added)
    assert (added.threshold_percent, added.threshold_strict) == (90, False)

    criteria = count(ScoringCriterion)
    refused = post(secretary, "/board-config/criteria", {"name": "", "max_points": "0", "weight": "1"},
                   follow_redirects=True)
    assert "Nhập tên tiêu chí." in text(refused) and count(ScoringCriterion) == criteria
    assert post(secretary, "/board-config/criteria", {"name": "Sáng kiến", "description": "", "max_points": "5",
                                                      "weight": "2"}).status_code == 302
    assert count(ScoringCriterion) == criteria + 1

    campaign = db.session.execute(db.select(Campaign).filter_by(doc_number="76/KH-UBND")).scalar_one()
    keep = [user_id(u) for u in MEMBERS if u != "thanhvien9"] + [user_id("tckh")]  # tckh holds no member role
    assert post(secretary, "/board-config/members", {"member": [str(i) for i in keep]}).status_code == 302
    board = set(db.session.execute(db.select(BoardMember.user_id).filter_by(campaign_id=campaign.id)).scalars())
    assert board == {user_id(u) for u in MEMBERS if u != "thanhvien9"}

    settings = {"quorum_numerator": "3", "quorum_denominator": "4", "scoring_enabled": "y", "score_method": "median",
                "money_rounding": "1000"}
    for bad in ({**settings, "quorum_numerator": "5"}, {**settings, "money_rounding": "0"},
                {**settings, "score_method": "mode"}, {**settings, "quorum_denominator": ""}):
        page = text(post(secretary, "/board-config/settings", bad, follow_redirects=True))
        assert "Quy định chưa hợp lệ" in page
    db.session.refresh(campaign)
    assert (campaign.quorum_numerator, campaign.quorum_denominator, campaign.money_rounding) == (2, 3, 10_000)
    assert post(secretary, "/board-config/settings", settings).status_code == 302
    db.session.refresh(campaign)
    assert (campaign.quorum_numerator, campaign.quorum_denominator, campaign.score_method, campaign.money_rounding,
            campaign.same_unit_abstains) == (3, 4, "median", 1000, False)
    assert {"award_form_created", "award_form_updated", "scoring_criterion_saved", "board_members_set"} \
        <= set(actions())


def test_saving_the_board_with_nobody_ticked_keeps_the_members(board_day, as_user):
    secretary = as_user("noivu")
    before = count(BoardMember)
    page = post(secretary, "/board-config/members", {}, follow_redirects=True)
    assert "Chưa chọn thành viên nào" in text(page)
    assert count(BoardMember) == before == 11


def test_the_secretary_edits_a_scoring_criterion_from_the_board_page(board_day, as_user):
    secretary = as_user("noivu")
    page = text(secretary.get("/board-config"))
    action = re.search(r'action="(/board-config/criteria/\d+)"', page).group(1)
    response = post(secretary, action, {"name": "Mức độ đóng góp", "description": "", "max_points": "20",
                                        "weight": "4"})
    assert response.status_code == 302
    edited = db.session.get(ScoringCriterion, int(action.rsplit("/", 1)[1]))
    db.session.refresh(edited)
    assert (edited.name, edited.max_points, edited.weight) == ("Mức độ đóng góp", 20, 4)
    assert "scoring_criterion_saved" in text(as_user("admin").get("/admin/audit"))


def test_the_award_list_and_the_minutes_download_as_office_documents(board_day, as_user):
    import io

    from docx import Document
    from openpyxl import load_workbook

    session, secretary = closed_session(as_user)
    chair, reporter = as_user("chutich"), as_user("bc-19567")
    post(chair, "/awards/propose")
    draft = db.session.execute(db.select(AwardList)).scalar_one()
    draft_docx = chair.get(f"/awards/{draft.id}.docx")
    assert draft_docx.status_code == 200 and "du-thao" in draft_docx.headers["Content-Disposition"]
    assert "DỰ THẢO" in "\n".join(p.text for s in Document(io.BytesIO(draft_docx.data)).sections
                                 for p in s.header.paragraphs)
    assert reporter.get(f"/awards/{draft.id}.pdf").status_code == 404  # a draft is not everybody's

    post(chair, f"/awards/{draft.id}/approve", {"decision_number": "1234/QĐ-UBND", "decision_date": "15/07/2015"})
    word = reporter.get(f"/awards/{draft.id}.docx")
    assert word.status_code == 200
    assert "2015-07-15_danh-sach-khen-thuong_76-kh-ubnd.docx" in word.headers["Content-Disposition"]
    body = Document(io.BytesIO(word.data))
    texts = "\n".join(p.text for p in body.paragraphs) + "\n".join(
        c.text for t in body.tables for r in t.rows for c in r.cells)
    assert "1234/QĐ-UBND" in texts and "Hồ Văn Lâm" in texts and "Tổng cộng" in texts
    sheet = load_workbook(io.BytesIO(reporter.get(f"/awards/{draft.id}.xlsx").data)).active
    assert "Hộ ông Lê Văn Bình" in [c for row in sheet.iter_rows(values_only=True) for c in row]
    pdf = reporter.get(f"/awards/{draft.id}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert reporter.get(f"/awards/{draft.id}.exe").status_code == 404

    minutes = secretary.get(f"/sessions/{session.id}/minutes.docx")
    assert minutes.status_code == 200
    minutes_text = "\n".join(p.text for p in Document(io.BytesIO(minutes.data)).paragraphs)
    assert "BIÊN BẢN" in minutes_text.upper()
    assert secretary.get(f"/sessions/{session.id}/minutes.pdf").data.startswith(b"%PDF")


def test_the_proposal_list_and_the_submission_carry_the_sessions_results_to_the_chairman(board_day, as_user):
    from docx import Document
    from openpyxl import load_workbook

    prepared = board_session()
    refused = as_user("noivu").get(f"/sessions/{prepared.id}/submission.docx")
    assert refused.status_code == 409 and "Tờ trình chỉ lập được khi phiên họp đã kết thúc." in alert(refused)

    session, secretary = closed_session(as_user)
    page = text(secretary.get(f"/sessions/{session.id}/results"))
    assert "Danh sách đề nghị (Excel)" in page and "Tờ trình (Word)" in page

    sheet = secretary.get(f"/sessions/{session.id}/proposal.xlsx")
    assert sheet.status_code == 200
    assert "2015-07-08_danh-sach-de-nghi-khen-thuong_76-kh-ubnd.xlsx" in sheet.headers["Content-Disposition"]
    rows = [row for row in load_workbook(io.BytesIO(sheet.data)).active.iter_rows(values_only=True)
            if isinstance(row[0], int)]
    assert len(rows) == len(session.items) == 10
    verdicts = {row[1].rsplit(" (", 1)[0]: (row[8], row[9]) for row in rows}
    assert verdicts["Lê Văn Dũng"] == ("Không đề nghị", 0)  # 5/11 agree: not more than half
    assert verdicts["Hộ ông Lê Văn Bình"] == ("Đề nghị khen thưởng", 350_000)  # 0,3 × 1.150.000, rounded up

    # The board proposes exactly whom the chair's draft list will hold.
    post(as_user("chutich"), "/awards/propose")
    draft = db.session.execute(db.select(AwardList)).scalar_one()
    assert {name for name, (verdict, _) in verdicts.items() if verdict == "Đề nghị khen thưởng"} \
        == {e.nomination.name for e in draft.entries}

    word = as_user("thanhvien3").get(f"/sessions/{session.id}/submission.docx")
    assert word.status_code == 200 and "_to-trinh-de-nghi-khen-thuong_" in word.headers["Content-Disposition"]
    paragraphs = [p.text for p in Document(io.BytesIO(word.data)).paragraphs]
    assert "TỜ TRÌNH" in paragraphs and "Kính gửi: Chủ tịch UBND huyện Đakrông." in paragraphs
    total = sum(amount for _, amount in verdicts.values())
    assert any(p.startswith(f"Tổng số tiền thưởng dự kiến: {total:,} đồng.".replace(",", ".")) for p in paragraphs)
    assert as_user("bc-19567").get(f"/sessions/{session.id}/proposal.xlsx").status_code == 403
