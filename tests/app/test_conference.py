"""The district conference through its pages: details and agenda; the budget estimate, its appraisal by
finance and the lock; invitations and the units' replies; the honours programme and the certificates;
the documents read back (python-docx, openpyxl, pdftotext).

On the whole demo: its conference (17/07/2015) has a draft estimate of 7 lines worth 16.600.000 đ and an
invitation list built but not sent. `approved_list()` runs a paper session of the board and has the
chair approve its list, as the pages would, through the services.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from contextlib import contextmanager
from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import event

from ntm_intranet.audit import AuditEvent
from ntm_intranet.auth.models import User
from ntm_intranet.awards import services as awards
from ntm_intranet.campaigns import services as campaigns
from ntm_intranet.conference import estimate as budget
from ntm_intranet.conference import invitations as invites
from ntm_intranet.conference import programme as honours
from ntm_intranet.conference import services
from ntm_intranet.conference.models import BudgetLine, Conference, ConferenceAgendaItem, HonourOrder, Invitation
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import Nomination, NominationStatus
from ntm_intranet.notifications.models import Notification
from ntm_intranet.org.models import Unit
from ntm_intranet.voting import services as voting

from ..conftest import post
from ..factories import count

CONFERENCE_DAY = date(2015, 7, 10)   # the board met on 08/07, the chair approves on 10/07
DEMO_LINES_TOTAL = 3_500_000 + 150 * 25_000 + 150 * 20_000 + 40 * 50_000 + 30 * 45_000 + 30 * 50_000 + 1_500_000
NO_LIST = "Chưa có danh sách khen thưởng được phê duyệt"
LOCKED = "Dự toán đã được thẩm định, phê duyệt và đã khoá: không thay đổi được nữa."
WAITING = "Dự toán đang chờ Phòng Tài chính – Kế hoạch thẩm định: chưa sửa được."


@pytest.fixture
def conference_day(demo_conference):
    demo_conference.config["NTM_TODAY"] = CONFERENCE_DAY
    return demo_conference


# Helpers ----------------------------------------------------------------------------------------


def text(response) -> str:
    return response.get_data(as_text=True)


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>([^<]+)<', text(response))
    return match.group(1).strip() if match else ""


def user(username) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def unit(code) -> Unit:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()


def conference() -> Conference:
    db.session.expire_all()
    return services.conference_of(campaigns.active_campaign())


def lines() -> list[BudgetLine]:
    return sorted(conference().estimate.lines, key=lambda line: (line.position, line.id))


def line(item_start: str) -> BudgetLine:
    return next(li for li in lines() if li.item.startswith(item_start))


def notified(username) -> list[str]:
    return list(db.session.execute(db.select(Notification.title).filter_by(user_id=user(username).id)).scalars())


def actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def approved_list(strike: str | None = None, decision: str = "1234/QĐ-UBND", day: date = CONFERENCE_DAY):
    """A paper session of the board on every eligible nomination, all members agreeing; the chair approves the
    list it proposes (striking `strike` first, when given)."""
    campaign = campaigns.active_campaign()
    chair, secretary = user("chutich"), user("noivu")
    eligible = db.session.execute(db.select(Nomination.id).filter_by(
        campaign_id=campaign.id, status=NominationStatus.ELIGIBLE.value).order_by(Nomination.id)).scalars().all()
    session = voting.create_session(campaign, {"title": "Phiên họp bỏ phiếu giấy", "held_on": date(2015, 7, 8),
                                               "chair_id": chair.id, "secretary_id": secretary.id, "paper": True},
                                    list(eligible))
    members = {a.user_id for a in voting.attendance(session)}
    voting.set_attendance(session, members)
    voting.open_session(session, campaign, secretary)
    total = len(members)
    voting.enter_paper_counts(session, {item.id: {"issued": total, "returned": total, "valid": total, "agree": total,
                                                  "disagree": 0} for item in session.items}, secretary)
    voting.close_session(session, secretary)
    award_list = awards.propose(campaign, chair)
    if strike:
        awards.strike(next(e for e in award_list.entries if e.nomination.name == strike), True, "Trùng", chair)
    awards.approve(award_list, campaign, decision, day, chair)
    return award_list


def award_total(award_list) -> int:
    return sum(e.amount for e in award_list.entries if not e.struck)


def line_form(**fields) -> dict:
    data = {"item": "Thuê xe đưa đón đại biểu xã vùng cao", "unit": "chuyến", "quantity": "4",
            "unit_price": "1.150.000", "source": "Ngân sách huyện", "note": ""}
    data.update(fields)
    return data


@contextmanager
def count_queries():
    statements = []
    db.session.expunge_all()

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def docx_text(data: bytes) -> tuple[Document, str]:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in doc.sections for p in section.header.paragraphs]
    return doc, "\n".join(parts)


def flat(value: str) -> str:
    return " ".join(value.split())


# The conference and its agenda ------------------------------------------------------------------


def test_the_coordinator_creates_the_conference_and_its_agenda(demo, as_user):
    coordinator = as_user("nnptnt")
    empty = coordinator.get("/conference")
    assert empty.status_code == 200 and "Chưa có hội nghị tổng kết của Kế hoạch 76/KH-UBND." in text(empty)
    assert "Tạo hội nghị tổng kết" in text(empty)
    form = coordinator.get("/conference/edit")
    assert "Hội nghị tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn 2011–2015" in text(form)
    assert "Đồng chí Phạm Văn Hùng – Chủ tịch UBND huyện" in text(form)

    bad = post(coordinator, "/conference/edit", {"title": "Hội nghị tổng kết", "held_on": "31/02/2015",
                                                 "starts_at": "25 giờ", "place": "", "reply_by": ""})
    assert bad.status_code == 422
    for message in ("Ngày không hợp lệ (dd/mm/yyyy).", "Giờ không hợp lệ (ví dụ 7:30 hoặc 7 giờ 30).",
                    "Hãy nhập địa điểm."):
        assert message in text(bad)
    late_reply = post(coordinator, "/conference/edit", {"title": "Hội nghị", "held_on": "17/07/2015",
                                                        "place": "Hội trường", "reply_by": "20/07/2015"})
    assert late_reply.status_code == 422 and "Hạn xác nhận phải trước ngày hội nghị." in text(late_reply)
    assert count(Conference) == 0

    assert post(as_user("tckh"), "/conference/edit", {"title": "x", "held_on": "17/07/2015", "place": "x"}) \
        .status_code == 403
    created = post(coordinator, "/conference/edit", {"title": "Hội nghị tổng kết phong trào NTM 2011–2015",
                                                     "held_on": "17/07/2015", "starts_at": "7h30",
                                                     "place": "Hội trường UBND huyện", "chair": "Đồng chí Chủ tịch",
                                                     "reply_by": "14/07/2015"})
    assert created.status_code == 302
    held = conference()
    assert (held.held_on, held.starts_text, held.reply_by) == (date(2015, 7, 17), "7 giờ 30", date(2015, 7, 14))
    assert held.estimate.status == "draft" and held.estimate.lines == []
    nothing = post(coordinator, "/conference/estimate/submit")
    assert nothing.status_code == 422 and alert(nothing) == "Dự toán chưa có khoản chi nào."
    assert conference().estimate.status == "draft"
    assert post(coordinator, "/conference/edit", {"title": "Hội nghị", "held_on": "17/07/2015",
                                                  "place": "Hội trường"}).status_code == 302
    assert count(Conference) == 1 and conference().title == "Hội nghị" and conference().starts_at is None
    post(coordinator, "/conference/edit", {"title": "Hội nghị tổng kết phong trào NTM 2011–2015",
                                           "held_on": "17/07/2015", "starts_at": "7h30",
                                           "place": "Hội trường UBND huyện", "reply_by": "14/07/2015"})

    for content, minutes in (("Khai mạc", "10"), ("Báo cáo tổng kết", "30"), ("Bế mạc", "20")):
        assert post(coordinator, "/conference/agenda", {"content": content, "speaker": "Chủ tịch UBND huyện",
                                                        "minutes": minutes}).status_code == 302
    no_minutes = post(coordinator, "/conference/agenda", {"content": "Văn nghệ", "minutes": "mười"})
    assert no_minutes.status_code == 422 and "Thời lượng (phút) phải là số nguyên, ví dụ 15." in text(no_minutes)
    too_long = post(coordinator, "/conference/agenda", {"content": "Văn nghệ", "minutes": "900"})
    assert too_long.status_code == 422 and "Thời lượng từ 1 đến 600 phút." in text(too_long)
    assert len(conference().agenda) == 3
    page = text(coordinator.get("/conference"))
    assert "07:30–07:40" in page and "07:40–08:10" in page and "08:10–08:30" in page

    closing = next(i for i in conference().agenda if i.content == "Bế mạc")
    assert post(coordinator, f"/conference/agenda/{closing.id}", {"action": "up"}).status_code == 302
    assert [i.content for i in conference().agenda] == ["Khai mạc", "Bế mạc", "Báo cáo tổng kết"]
    assert post(coordinator, f"/conference/agenda/{closing.id}", {"action": "save", "content": "Phát biểu bế mạc",
                                                                  "speaker": "Chủ tịch", "minutes": "15"}) \
        .status_code == 302
    opening = next(i for i in conference().agenda if i.content == "Khai mạc")
    assert post(coordinator, f"/conference/agenda/{opening.id}", {"action": "delete"}).status_code == 302
    assert [(i.content, i.position) for i in conference().agenda] == [("Phát biểu bế mạc", 0),
                                                                      ("Báo cáo tổng kết", 1)]
    assert post(as_user("tckh"), f"/conference/agenda/{closing.id}", {"action": "delete"}).status_code == 403
    assert {"conference_created", "conference_agenda_added", "conference_agenda_moved", "conference_agenda_updated",
            "conference_agenda_deleted"} <= set(actions())


# The budget estimate ----------------------------------------------------------------------------


def test_the_demo_estimate_is_a_draft_without_award_money_until_the_list_is_approved(demo_conference, as_user):
    page = as_user("nnptnt").get("/conference/estimate")
    html = text(page)
    assert page.status_code == 200 and "Đang lập" in html
    assert NO_LIST in html
    assert len(lines()) == 7 and DEMO_LINES_TOTAL == 16_600_000
    assert "16.600.000" in html and "Mười sáu triệu sáu trăm nghìn đồng" in html
    assert "3.000.000" in html  # nước uống 150 × 20.000
    # everyone in the offices reads it; only the coordinator gets the forms
    chair_page = text(as_user("chutich").get("/conference/estimate"))
    assert "16.600.000" in chair_page and "Thêm khoản chi" not in chair_page and "Gửi thẩm định" not in chair_page


def test_a_line_costs_quantity_times_price_and_bad_figures_are_refused(demo_conference, as_user):
    coordinator = as_user("nnptnt")
    added = post(coordinator, "/conference/estimate/lines", line_form())
    assert added.status_code == 302
    bus = line("Thuê xe")
    assert (bus.quantity, bus.unit_price, bus.amount) == (4, 1_150_000, 4_600_000)
    cases = [
        ({"quantity": "-5"}, "Số lượng không được âm."),
        ({"quantity": "mười"}, "Số lượng phải là số nguyên, ví dụ 150."),
        ({"quantity": "0"}, "Số lượng phải lớn hơn 0."),
        ({"quantity": ""}, "Hãy nhập số lượng."),
        ({"quantity": "   "}, "Hãy nhập số lượng."),
        ({"unit_price": None}, "Hãy nhập đơn giá."),
        ({"unit_price": "-20.000"}, "Đơn giá không được âm."),
        ({"unit_price": "20,5"}, "Đơn giá phải là số nguyên, ví dụ 1.150.000."),
        ({"unit_price": "200.000.000.000"}, "Đơn giá quá lớn (tối đa 100.000.000.000 đồng)."),
        ({"item": ""}, "Hãy nhập nội dung chi."),
        ({"source": ""}, "Hãy ghi nguồn kinh phí."),
    ]
    for fields, message in cases:
        data = {k: v for k, v in line_form(**fields).items() if v is not None}  # None: the box is not sent
        refused = post(coordinator, "/conference/estimate/lines", data)
        assert refused.status_code == 422, fields
        assert message in text(refused), (fields, alert(refused))
    assert len(lines()) == 8

    edited = post(coordinator, f"/conference/estimate/lines/{bus.id}", line_form(quantity="3", unit_price="1.200.000"))
    assert edited.status_code == 302
    assert line("Thuê xe").amount == 3_600_000
    negative = post(coordinator, f"/conference/estimate/lines/{bus.id}", line_form(quantity="-3"))
    assert negative.status_code == 422 and "Số lượng không được âm." in text(negative)
    assert line("Thuê xe").quantity == 3
    page = text(coordinator.get("/conference/estimate"))
    assert f"{DEMO_LINES_TOTAL + 3_600_000:,}".replace(",", ".") in page  # 20.200.000

    # what a user types never runs: escaped in the page, text (not a formula) in the sheet
    hostile = post(coordinator, "/conference/estimate/lines", line_form(item='=HYPERLINK("http://x.invalid","Bấm")',
                                                                        note="<script>alert(1)</script>"))
    assert hostile.status_code == 302
    page = text(coordinator.get("/conference/estimate"))
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    sheet = load_workbook(io.BytesIO(coordinator.get("/conference/estimate.xlsx").data)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert "'=HYPERLINK(\"http://x.invalid\",\"Bấm\")" in cells
    assert not any(v.startswith("=HYPERLINK") for v in cells)
    post(coordinator, f"/conference/estimate/lines/{line('=HYPERLINK').id}", {"action": "delete"})

    assert post(coordinator, f"/conference/estimate/lines/{bus.id}", {"action": "delete"}).status_code == 302
    assert len(lines()) == 7
    other = as_user("tckh")
    for url in ("/conference/estimate/lines", f"/conference/estimate/lines/{lines()[0].id}",
                "/conference/estimate/submit"):
        assert post(other, url, line_form()).status_code == 403
    assert {"budget_line_added", "budget_line_updated", "budget_line_deleted"} <= set(actions())


def test_the_award_money_of_the_approved_list_is_its_own_line_while_the_estimate_is_a_draft(conference_day,
                                                                                           as_user):
    coordinator = as_user("nnptnt")
    first = approved_list()
    money = award_total(first)
    assert money > 0
    page = text(coordinator.get("/conference/estimate"))
    assert NO_LIST not in page
    assert "Tiền thưởng cho các tập thể, cá nhân, hộ gia đình được khen thưởng (Quyết định số 1234/QĐ-UBND ngày " \
           "10/07/2015)" in page
    assert "tự động theo danh sách khen thưởng đã phê duyệt" in page
    assert f"{DEMO_LINES_TOTAL + money:,}".replace(",", ".") in page
    assert not any(li.kind == "awards" for li in lines())  # computed, not stored, while being drawn up

    # a revision approved while the estimate is a draft: the line follows it
    revision = awards.revise(first, user("chutich"))
    struck = next(e for e in revision.entries if e.nomination.name == "Hộ bà Hồ Thị Na")
    awards.strike(struck, True, "Trùng khen thưởng", user("chutich"))
    awards.approve(revision, campaigns.active_campaign(), "1250/QĐ-UBND", CONFERENCE_DAY, user("chutich"))
    smaller = award_total(revision)
    assert smaller < money
    page = text(coordinator.get("/conference/estimate"))
    assert "1250/QĐ-UBND" in page and f"{DEMO_LINES_TOTAL + smaller:,}".replace(",", ".") in page

    # submitted: the line is fixed as it stood and stored
    assert post(coordinator, "/conference/estimate/submit").status_code == 302
    stored = next(li for li in lines() if li.kind == "awards")
    assert (stored.amount, stored.unit_price, stored.source) == (smaller, None, "Quỹ Thi đua – Khen thưởng huyện")
    assert stored.quantity == sum(1 for e in revision.entries if not e.struck and e.amount)
    submitted = db.session.execute(db.select(AuditEvent).filter_by(action="budget_estimate_submitted")).scalar_one()
    assert submitted.after["proposed"] == DEMO_LINES_TOTAL + smaller and submitted.after["award_money"] == smaller
    # neither office edits the award line by hand
    adjust = post(as_user("tckh"), f"/conference/estimate/lines/{stored.id}/adjust",
                  {"quantity": "1", "unit_price": "1", "comment": "Giảm"})
    assert adjust.status_code == 422 and "không sửa tay được" in alert(adjust)


def submitted_estimate(coordinator):
    assert post(coordinator, "/conference/estimate/submit").status_code == 302
    assert conference().estimate.status == "submitted"


def test_finance_adjusts_line_by_line_approves_and_the_estimate_is_locked(demo_conference, as_user):
    coordinator, finance = as_user("nnptnt"), as_user("tckh")
    submitted_estimate(coordinator)
    assert "Dự toán kinh phí hội nghị tổng kết chờ thẩm định" in notified("tckh")
    # under appraisal the coordinator waits
    water = line("Nước uống")
    waiting = post(coordinator, f"/conference/estimate/lines/{water.id}", line_form())
    assert waiting.status_code == 409 and alert(waiting) == WAITING
    assert post(coordinator, "/conference/estimate/submit").status_code == 409

    url = f"/conference/estimate/lines/{water.id}/adjust"
    no_reason = post(finance, url, {"quantity": "120", "unit_price": "20.000", "comment": " "})
    assert no_reason.status_code == 422 and "Hãy ghi ý kiến thẩm định khi điều chỉnh một khoản chi." in alert(no_reason)
    negative = post(finance, url, {"quantity": "-120", "unit_price": "20.000", "comment": "Giảm"})
    assert negative.status_code == 422 and "Số lượng không được âm." in alert(negative)
    words = post(finance, url, {"quantity": "một trăm", "unit_price": "20.000", "comment": "Giảm"})
    assert words.status_code == 422 and line("Nước uống").adjusted_amount is None
    assert post(finance, url, {"quantity": "120", "unit_price": "20.000",
                               "comment": "Số đại biểu dự kiến 120 người"}).status_code == 302
    flowers = line("Hoa tặng")
    assert post(finance, f"/conference/estimate/lines/{flowers.id}/adjust",
                {"quantity": "0", "unit_price": "50.000", "comment": "Đơn vị tự lo hoa"}).status_code == 302
    water = line("Nước uống")
    assert (water.quantity, water.unit_price, water.amount) == (150, 20_000, 3_000_000)  # the proposal kept
    assert (water.adjusted_quantity, water.adjusted_unit_price, water.adjusted_amount) == (120, 20_000, 2_400_000)
    assert water.adjustment_comment == "Số đại biểu dự kiến 120 người" and water.adjusted_by_id == user("tckh").id

    # the coordinator sees each change
    page = text(coordinator.get("/conference/estimate"))
    assert "120 × 20.000 = 2.400.000" in page and "Số đại biểu dự kiến 120 người" in page
    assert "Đơn vị tự lo hoa" in page and "Nguyễn Thị Tài Chính" in page
    approved_total = DEMO_LINES_TOTAL - 600_000 - 1_500_000
    assert "16.600.000" in page and f"{approved_total:,}".replace(",", ".") in page

    # finance-only actions refused to the coordinator, and the other way round
    assert post(coordinator, "/conference/estimate/approve").status_code == 403
    assert post(coordinator, "/conference/estimate/return", {"comment": "x"}).status_code == 403
    assert post(coordinator, url, {"quantity": "1", "unit_price": "1", "comment": "x"}).status_code == 403
    assert post(finance, "/conference/estimate/lines", line_form()).status_code == 403

    assert post(finance, "/conference/estimate/approve", {"comment": "Thống nhất."}).status_code == 302
    estimate = conference().estimate
    assert (estimate.status, estimate.approved_total, estimate.appraised_by_id) == ("approved", approved_total,
                                                                                    user("tckh").id)
    assert approved_total == 14_500_000
    page = text(coordinator.get("/conference/estimate"))
    assert "Dự toán đã được thẩm định, phê duyệt với tổng kinh phí 14.500.000 đồng và đã khoá." in page
    assert "Mười bốn triệu năm trăm nghìn đồng" in page and "Thêm khoản chi" not in page

    # locked: every change is refused, with the reason, and nothing moves
    before = [(li.id, li.quantity, li.unit_price, li.amount, li.adjusted_amount) for li in lines()]
    refusals = [
        post(coordinator, "/conference/estimate/lines", line_form()),
        post(coordinator, f"/conference/estimate/lines/{water.id}", line_form(quantity="1")),
        post(coordinator, f"/conference/estimate/lines/{water.id}", line_form(quantity="-1")),
        post(coordinator, f"/conference/estimate/lines/{water.id}", {"action": "delete"}),
        post(coordinator, "/conference/estimate/submit"),
        post(finance, url, {"quantity": "100", "unit_price": "20.000", "comment": "Giảm tiếp"}),
        post(finance, "/conference/estimate/approve"),
        post(finance, "/conference/estimate/return", {"comment": "Xem lại"}),
    ]
    for refused in refusals:
        assert refused.status_code == 409 and alert(refused) == LOCKED, alert(refused)
    assert [(li.id, li.quantity, li.unit_price, li.amount, li.adjusted_amount) for li in lines()] == before
    assert conference().estimate.approved_total == 14_500_000
    assert "Dự toán kinh phí hội nghị đã được thẩm định" in notified("nnptnt")
    approved = db.session.execute(db.select(AuditEvent).filter_by(action="budget_estimate_approved")).scalar_one()
    assert approved.actor_name == "tckh" and approved.after == {"status": "approved", "proposed": 16_600_000,
                                                                "approved": 14_500_000, "adjusted_lines": 2}
    assert actions().count("budget_line_adjusted") == 2


def test_finance_returns_the_estimate_with_a_reason_and_the_coordinator_sends_it_again(demo_conference, as_user):
    coordinator, finance = as_user("nnptnt"), as_user("tckh")
    assert post(finance, "/conference/estimate/approve").status_code == 409  # nothing submitted yet
    submitted_estimate(coordinator)
    decor = line("Trang trí")
    post(finance, f"/conference/estimate/lines/{decor.id}/adjust", {"quantity": "1", "unit_price": "2.500.000",
                                                                     "comment": "Theo định mức 2.500.000 đ"})
    silent = post(finance, "/conference/estimate/return", {"comment": ""})
    assert silent.status_code == 422 and alert(silent) == "Hãy ghi lý do trả lại dự toán."
    assert conference().estimate.status == "submitted"
    assert post(finance, "/conference/estimate/return",
                {"comment": "Bổ sung căn cứ đơn giá thuê âm thanh."}).status_code == 302
    assert conference().estimate.status == "returned"
    page = text(coordinator.get("/conference/estimate"))
    assert "Phòng Tài chính – Kế hoạch trả lại dự toán" in page and "Bổ sung căn cứ đơn giá thuê âm thanh." in page
    assert "Theo định mức 2.500.000 đ" in page
    assert post(finance, f"/conference/estimate/lines/{decor.id}/adjust",
                {"quantity": "1", "unit_price": "1", "comment": "x"}).status_code == 409

    # the coordinator takes finance's figure: the adjustment gives way to the new proposal
    assert post(coordinator, f"/conference/estimate/lines/{decor.id}",
                line_form(item="Trang trí hội trường", unit="gói", quantity="1", unit_price="2.500.000",
                          source="Ngân sách huyện")).status_code == 302
    decor = line("Trang trí")
    assert (decor.amount, decor.adjusted_amount, decor.adjustment_comment) == (2_500_000, None, "")
    assert post(coordinator, "/conference/estimate/submit").status_code == 302
    estimate = conference().estimate
    assert estimate.status == "submitted" and estimate.comment == ""
    assert {"budget_estimate_returned", "budget_estimate_submitted"} <= set(actions())
    assert actions().count("budget_estimate_submitted") == 2


def test_the_estimate_downloads_as_excel_and_word_in_the_official_layout(demo_conference, as_user):
    coordinator, finance = as_user("nnptnt"), as_user("tckh")
    draft = coordinator.get("/conference/estimate.docx")
    assert draft.status_code == 200 and "du-thao-du-toan-kinh-phi" in draft.headers["Content-Disposition"]
    _doc, draft_text = docx_text(draft.data)
    assert "DỰ THẢO" in draft_text and NO_LIST in draft_text

    submitted_estimate(coordinator)
    water = line("Nước uống")
    post(finance, f"/conference/estimate/lines/{water.id}/adjust",
         {"quantity": "120", "unit_price": "20.000", "comment": "Theo số đại biểu"})
    post(finance, "/conference/estimate/approve", {"comment": "Thống nhất."})

    response = finance.get("/conference/estimate.docx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("filename=2015-06-27_du-toan-kinh-phi_76-kh-ubnd.docx")
    doc, words = docx_text(response.data)
    section = doc.sections[0]
    assert section.page_width > section.page_height and round(section.left_margin.mm) == 30
    head = doc.tables[0]
    assert [p.text for p in head.cell(0, 0).paragraphs][:2] == ["UBND HUYỆN ĐAKRÔNG", "PHÒNG NÔNG NGHIỆP VÀ PTNT"]
    assert head.cell(0, 1).paragraphs[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    title = next(p for p in doc.paragraphs if p.text == "DỰ TOÁN KINH PHÍ")
    assert title.runs[0].bold
    assert any(p.text.startswith("Tổ chức Hội nghị tổng kết phong trào thi đua") for p in doc.paragraphs)
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Nội dung chi", "Đơn vị tính", "Số lượng", "Đơn giá",
                                                     "Thành tiền đề nghị", "Thành tiền thẩm định", "Nguồn kinh phí",
                                                     "Ghi chú"]
    water_row = next(r for r in table.rows if r.cells[1].text.startswith("Nước uống"))
    assert [c.text for c in water_row.cells][3:7] == ["150", "20.000", "3.000.000", "2.400.000"]
    assert "Thẩm định: 120 × 20.000 đ (đề nghị 150 × 20.000 đ). Theo số đại biểu" in water_row.cells[8].text
    total_row = table.rows[-1]
    assert [c.text for c in total_row.cells][4:7] == ["Tổng cộng", "16.600.000", "16.000.000"]  # 5 merged
    assert "Bằng chữ: Mười sáu triệu đồng./." in words
    assert "Ý kiến thẩm định của Phòng Tài chính – Kế hoạch: thống nhất tổng kinh phí 16.000.000 đồng (đề nghị " \
           "16.600.000 đồng). Thống nhất." in words
    for signature in ("TRƯỞNG PHÒNG TÀI CHÍNH – KẾ HOẠCH", "TRƯỞNG PHÒNG NÔNG NGHIỆP VÀ PTNT",
                      "(Đã thẩm định ngày 27/06/2015)", "Nguyễn Thị Tài Chính"):
        assert signature in words
    assert "DỰ THẢO" not in words and NO_LIST in words

    sheet = load_workbook(io.BytesIO(as_user("chutich").get("/conference/estimate.xlsx").data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[4][0] == "DỰ TOÁN KINH PHÍ" and rows[0][0] == "UBND HUYỆN ĐAKRÔNG"
    header = rows.index(next(r for r in rows if r[0] == "STT"))
    assert rows[header][5] == "Thành tiền đề nghị" and rows[header][8] == "Thành tiền thẩm định"
    body = rows[header + 1:header + 8]
    assert sum(r[5] for r in body) == 16_600_000 and sum(r[8] for r in body) == 16_000_000
    water_cells = next(r for r in body if r[1].startswith("Nước uống"))
    assert water_cells[3:9] == [150, 20_000, 3_000_000, 120, 20_000, 2_400_000]
    total = rows[header + 8]
    first, last = header + 2, header + 8
    assert total[1] == "Tổng cộng" and total[5] == f"=SUM(F{first}:F{last})" and total[8] == f"=SUM(I{first}:I{last})"
    assert any(r[1] == "Bằng chữ: Mười sáu triệu đồng./." for r in rows)


# Invitations ------------------------------------------------------------------------------------


def invitation_of(name: str) -> Invitation:
    db.session.expire_all()
    return db.session.execute(db.select(Invitation).filter_by(name=name)).scalars().first()


def test_the_invitation_list_the_units_replies_and_the_attendance_count(conference_day, as_user):
    coordinator, commune = as_user("nnptnt"), as_user("bc-19567")
    # the demo's list: the board, the agencies, the town and communes; not sent, so units see nothing
    assert count(Invitation) == 11 + 19 + 14
    assert "Giấy mời dự hội nghị tổng kết" not in text(commune.get("/"))
    own = invitation_of("Xã Triệu Nguyên")
    assert post(commune, f"/conference/invitations/{own.id}/reply", {"attending": "yes", "count": "2"}) \
        .status_code == 404

    approved_list()
    assert post(coordinator, "/conference/invitations/build").status_code == 302
    assert count(Invitation) == 11 + 19 + 14 + 10
    lam = invitation_of("Hồ Văn Lâm")
    assert (lam.category, lam.unit_id) == ("honouree", unit("19567").id)  # the unit that nominated him answers
    post(coordinator, "/conference/invitations/build")
    assert count(Invitation) == 54  # building again adds nobody twice
    assert post(coordinator, "/conference/invitations/add", {"name": "Thường trực Huyện ủy", "detail": "b/c"}) \
        .status_code == 302
    assert post(coordinator, "/conference/invitations/add", {"name": ""}).status_code == 422

    assert post(coordinator, "/conference/invitations/send").status_code == 302
    again = post(coordinator, "/conference/invitations/send")
    assert again.status_code == 409 and "Giấy mời đã được gửi ngày 10/07/2015." in alert(again)
    assert any(title.startswith("Giấy mời dự Hội nghị tổng kết") for title in notified("bc-19567"))

    home = text(commune.get("/", follow_redirects=True))
    assert "Giấy mời dự hội nghị tổng kết" in home and "7 giờ 30, ngày 17/07/2015" in home
    for name in ("Xã Triệu Nguyên", "Thôn Ba Lòng", "Hồ Văn Lâm", "Hộ ông Lê Văn Bình"):
        assert f"<strong>{name}</strong>" in home
    assert "Xã Mò Ó" not in home

    mismatch = post(commune, f"/conference/invitations/{own.id}/reply",
                    {"attending": "yes", "count": "3", "names": "Hồ Sỹ Hùng – Chủ tịch UBND xã\nLê Văn Nam"})
    assert mismatch.status_code == 303
    assert "Số người tham dự (3) không khớp với số họ tên đã ghi (2)." in text(commune.get("/", follow_redirects=True))
    assert invitation_of("Xã Triệu Nguyên").status == "pending"
    negative = post(commune, f"/conference/invitations/{own.id}/reply", {"attending": "yes", "count": "-2"})
    assert negative.status_code == 303 and invitation_of("Xã Triệu Nguyên").status == "pending"
    assert post(commune, f"/conference/invitations/{own.id}/reply",
                {"attending": "yes", "count": "", "names": "Hồ Sỹ Hùng – Chủ tịch UBND xã\nLê Văn Nam"}) \
        .status_code == 302
    own = invitation_of("Xã Triệu Nguyên")
    assert (own.status, own.attendee_count, own.names) == ("attending", 2, ["Hồ Sỹ Hùng – Chủ tịch UBND xã",
                                                                           "Lê Văn Nam"])
    assert own.replied_by_id == user("bc-19567").id
    assert post(commune, f"/conference/invitations/{lam.id}/reply", {"attending": "yes", "count": "1"}) \
        .status_code == 302
    # a unit never answers for another unit: that invitation does not exist for it
    other = invitation_of("Xã Mò Ó")
    assert post(commune, f"/conference/invitations/{other.id}/reply", {"attending": "yes", "count": "5"}) \
        .status_code == 404
    board_member = invitation_of("Lê Văn Minh")
    assert post(commune, f"/conference/invitations/{board_member.id}/reply", {"attending": "yes", "count": "1"}) \
        .status_code == 404
    assert invitation_of("Xã Mò Ó").status == "pending"
    assert post(as_user("bc-19558"), f"/conference/invitations/{other.id}/reply", {"attending": "no"}) \
        .status_code == 302
    # the coordinator records a board member's answer given on the phone
    assert post(coordinator, f"/conference/invitations/{board_member.id}/reply",
                {"attending": "yes", "names": "Lê Văn Minh"}).status_code == 302

    page = text(coordinator.get("/conference/invitations"))
    assert re.search(r'id="people-total">4<', page)  # 2 + 1 + 1 people
    counts = invites.grouped_invitations(invites.invitations_of(conference()))[1]
    assert (counts.invited, counts.attending, counts.people, counts.declined, counts.pending) == (55, 3, 4, 1, 51)
    assert "Hồ Sỹ Hùng – Chủ tịch UBND xã; Lê Văn Nam" in page and "mời qua Xã Triệu Nguyên" in page

    guest = invitation_of("Thường trực Huyện ủy")
    assert post(coordinator, f"/conference/invitations/{own.id}/delete").status_code == 409
    assert post(coordinator, f"/conference/invitations/{guest.id}/delete").status_code == 302
    assert {"invitations_built", "invitations_sent", "invitation_added", "invitation_replied",
            "invitation_deleted"} <= set(actions())
    replied = db.session.execute(db.select(AuditEvent).filter_by(action="invitation_replied")
                                 .order_by(AuditEvent.id)).scalars().first()
    assert replied.actor_name == "bc-19567" and replied.after["attendee_count"] == 2


def test_a_unit_cannot_answer_after_the_conference(conference_day, as_user):
    coordinator = as_user("nnptnt")
    post(coordinator, "/conference/invitations/send")
    conference_day.config["NTM_TODAY"] = date(2015, 7, 18)
    own = invitation_of("Xã Triệu Nguyên")
    commune = as_user("bc-19567")
    late = post(commune, f"/conference/invitations/{own.id}/reply", {"attending": "yes", "count": "2"})
    assert late.status_code == 303
    assert "Hội nghị đã diễn ra: không xác nhận được nữa." in text(commune.get("/", follow_redirects=True))
    assert invitation_of("Xã Triệu Nguyên").status == "pending"


def test_the_invitation_letter_and_the_guest_list_download_as_word(conference_day, as_user):
    coordinator = as_user("nnptnt")
    approved_list()
    post(coordinator, "/conference/invitations/build")
    post(coordinator, "/conference/invitations/send")
    own = invitation_of("Xã Triệu Nguyên")
    post(as_user("bc-19567"), f"/conference/invitations/{own.id}/reply", {"attending": "yes", "names": "Hồ Sỹ Hùng"})

    letter = coordinator.get("/conference/invitation.docx")
    assert letter.status_code == 200
    assert letter.headers["Content-Disposition"].endswith("filename=2015-07-10_giay-moi-hoi-nghi_76-kh-ubnd.docx")
    doc, words = docx_text(letter.data)
    assert doc.sections[0].page_height > doc.sections[0].page_width
    assert doc.tables[0].cell(1, 0).paragraphs[0].text == "Số:        /GM-UBND"
    assert "Đakrông, ngày 10 tháng 7 năm 2015" in words
    assert next(p for p in doc.paragraphs if p.text == "GIẤY MỜI").runs[0].bold
    body = [p.text for p in doc.paragraphs]
    assert "Ủy ban nhân dân huyện Đakrông trân trọng kính mời:" in body
    assert "- Các đồng chí thành viên Hội đồng Thi đua – Khen thưởng huyện;" in body
    assert "- Đại diện các tập thể, cá nhân, hộ gia đình được khen thưởng (có danh sách kèm theo)." in body
    assert "Thời gian: 7 giờ 30, thứ Sáu, ngày 17 tháng 7 năm 2015." in body
    assert "Địa điểm: Hội trường UBND huyện Đakrông." in body
    assert any(p.startswith("1. 7 giờ 30 – 7 giờ 50: Đón tiếp đại biểu") for p in body)
    assert any("trước ngày 14/07/2015" in p for p in body)
    for words_expected in ("Nơi nhận:", "- Như thành phần mời;", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Phạm Văn Hùng"):
        assert words_expected in words

    guests = as_user("noivu").get("/conference/guests.docx")
    assert guests.status_code == 200
    doc, words = docx_text(guests.data)
    assert "DANH SÁCH KHÁCH MỜI" in words
    table = doc.tables[1]
    assert [c.text for c in table.rows[0].cells] == ["STT", "Đại biểu, đơn vị được mời", "Chức vụ, đơn vị, ghi chú",
                                                     "Trả lời", "Số người", "Người tham dự"]
    first_cells = [r.cells[0].text for r in table.rows]
    assert "I. Thành viên Hội đồng Thi đua – Khen thưởng huyện (11)" in first_cells
    assert "IV. Các tập thể, cá nhân, hộ gia đình được khen thưởng (10)" in first_cells
    row = next(r for r in table.rows if r.cells[1].text == "Xã Triệu Nguyên")
    assert [c.text for c in row.cells][3:] == ["Tham dự", "1", "Hồ Sỹ Hùng"]
    lam = next(r for r in table.rows if r.cells[1].text == "Hồ Văn Lâm")
    assert "mời qua Xã Triệu Nguyên" in lam.cells[2].text
    assert "Tổng số: 54 giấy mời; 1 xác nhận tham dự (1 người), 0 không tham dự, 53 chưa trả lời." in words


# The honours programme and the certificates -----------------------------------------------------


def pdf_words(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def test_the_programme_calls_the_honourees_by_award_form_in_the_coordinators_order(conference_day, as_user):
    coordinator = as_user("nnptnt")
    empty = text(coordinator.get("/conference/programme"))
    assert "Chưa có danh sách khen thưởng được phê duyệt." in empty
    approved_list()
    page = text(coordinator.get("/conference/programme"))
    assert "Đợt 1. Giấy khen của Chủ tịch UBND huyện" in page
    assert "Đợt 2. Bằng khen của Chủ tịch UBND tỉnh (đề nghị)" in page
    assert "7 giờ 30, thứ Sáu, ngày 17/07/2015" in page and 'class="print-only"' in page

    groups = honours.programme(conference(), awards.approved_list(campaigns.active_campaign()))
    first = groups[0]
    names = [h.name for h in first.honourees]
    assert names[:2] == ["Thôn Ba Lòng", "Khóm 2, thị trấn Krông Klang"]  # collectives, individuals, households
    second_id = first.honourees[1].nomination_id
    assert post(coordinator, f"/conference/programme/{second_id}/move", {"direction": "up"}).status_code == 302
    assert post(coordinator, f"/conference/programme/{first.honourees[-1].nomination_id}/move",
                {"direction": "up"}).status_code == 302
    groups = honours.programme(conference(), awards.approved_list(campaigns.active_campaign()))
    moved = [h.name for h in groups[0].honourees]
    assert moved[:2] == ["Khóm 2, thị trấn Krông Klang", "Thôn Ba Lòng"]
    assert moved[-2] == names[-1] and moved[-1] == names[-2]
    assert count(HonourOrder) == len(names)
    page = text(coordinator.get("/conference/programme"))
    assert page.index("Khóm 2, thị trấn Krông Klang") < page.index("Thôn Ba Lòng")
    stranger = post(coordinator, "/conference/programme/999999/move", {"direction": "up"})
    assert stranger.status_code == 409
    assert post(as_user("noivu"), f"/conference/programme/{second_id}/move", {"direction": "up"}).status_code == 403
    assert "honour_order_changed" in actions()


def test_certificates_print_on_a4_landscape_at_the_measured_positions(conference_day, as_user):
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext is needed to read the positions back")
    coordinator = as_user("nnptnt")
    refused = coordinator.get("/conference/certificates.pdf")
    assert refused.status_code == 409 and "Chưa có danh sách khen thưởng được phê duyệt" in alert(refused)
    award_list = approved_list(strike="Hộ bà Hồ Thị Na")
    outside = post(coordinator, "/conference/certificates/layout", {
        "cert_name_x": "290", "cert_name_y": "90", "cert_line_x": "60", "cert_line_y": "112",
        "cert_decision_x": "40", "cert_decision_y": "172"})
    assert outside.status_code == 422 and "A4 ngang" in alert(outside)
    words = post(coordinator, "/conference/certificates/layout", {
        "cert_name_x": "một trăm", "cert_name_y": "90", "cert_line_x": "60", "cert_line_y": "112",
        "cert_decision_x": "40", "cert_decision_y": "172"})
    assert words.status_code == 422 and "Số mm phải là số nguyên, ví dụ 80." in alert(words)
    layout = {"cert_name_x": 100, "cert_name_y": 90, "cert_line_x": 50, "cert_line_y": 120, "cert_decision_x": 30,
              "cert_decision_y": 180}
    assert post(coordinator, "/conference/certificates/layout",
                {k: str(v) for k, v in layout.items()}).status_code == 302
    assert conference().layout() == layout
    assert "certificate_layout_updated" in actions()

    response = as_user("noivu").get("/conference/certificates.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert "2015-07-10_giay-khen_76-kh-ubnd.pdf" in response.headers["Content-Disposition"]
    boxes = pdf_words(response.data)
    pages = re.findall(r'<page width="([\d.]+)" height="([\d.]+)">', boxes)
    honourees = [e for e in award_list.entries if not e.struck]
    assert len(pages) == len(honourees) == 9
    width, height = map(float, pages[0])
    assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 210

    def box(word: str):
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" [^>]*>' + re.escape(word) + "</word>", boxes)
        assert match, word
        return float(match.group(1)) / 72 * 25.4, float(match.group(2)) / 72 * 25.4

    x, y = box("Lâm")  # "Hồ Văn Lâm": the last word of the name, to the right of the box's left edge
    first_x, first_y = box("Thôn")
    assert abs(first_x - 100) < 1.5 and 90 <= first_y <= 94
    assert x > 100 and abs(y - first_y) < 20
    line_x, line_y = box("Nhân")  # Thôn Ba Lòng's achievement: "Nhân dân góp 1.200 ngày công, ..."
    assert abs(line_x - 50) < 1.5 and 120 <= line_y <= 124
    decision_x, decision_y = box("Quyết")
    assert abs(decision_x - 30) < 1.5 and 180 <= decision_y <= 184
    plain = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=response.data, capture_output=True,
                           check=True).stdout.decode("utf-8")
    assert "Quyết định số 1234/QĐ-UBND ngày 10/07/2015" in flat(plain)
    assert "Hộ bà Hồ Thị Na" not in plain  # struck from the list, no certificate

    giay_khen = honours.programme(conference(), awards.approved_list(campaigns.active_campaign()))[0]
    one_form = coordinator.get(f"/conference/certificates.pdf?form={giay_khen.form_id}")
    assert one_form.status_code == 200
    assert len(re.findall(r"<page ", pdf_words(one_form.data))) == len(giay_khen.honourees)
    assert coordinator.get("/conference/certificates.pdf?form=999999").status_code == 404


# Costs and the audit ----------------------------------------------------------------------------


def test_the_conference_pages_cost_a_fixed_number_of_queries(demo_conference, as_user):
    coordinator = as_user("nnptnt")
    coordinator.get("/conference/estimate")
    with count_queries() as few_lines:
        assert coordinator.get("/conference/estimate").status_code == 200
    with count_queries() as few_guests:
        assert coordinator.get("/conference/invitations").status_code == 200
    estimate = conference().estimate
    for n in range(30):
        budget.add_line(estimate, {"item": f"Khoản chi {n}", "unit": "bộ", "quantity": 1 + n, "unit_price": 10_000,
                                     "source": "Ngân sách huyện", "note": ""})
        invites.add_guest(conference(), f"Đại biểu {n}", "")
    with count_queries() as many_lines:
        assert coordinator.get("/conference/estimate").status_code == 200
    with count_queries() as many_guests:
        page = coordinator.get("/conference/invitations")
    assert "Đại biểu 29" in text(page)
    assert len(many_lines) == len(few_lines), (len(few_lines), len(many_lines))
    assert len(many_guests) == len(few_guests), (len(few_guests), len(many_guests))


def test_the_demo_conference_is_audited_and_the_agenda_items_exist(demo_conference):
    assert count(ConferenceAgendaItem) == 9 and count(BudgetLine) == 7
    logged = actions()
    assert logged.count("budget_line_added") == 7 and "conference_created" in logged and "invitations_built" in logged
