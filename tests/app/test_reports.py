"""A unit's report from upload to acceptance, the deadline board, reminders, extensions, totals."""

from __future__ import annotations

import io
import re
import socket
from contextlib import contextmanager
from datetime import date, datetime
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from ntm_intranet.audit import AuditEvent
from ntm_intranet.extensions import db
from ntm_intranet.notifications.models import Notification
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import Reminder, Submission

from .. import factories
from ..conftest import PASSWORD, REPORTS_DAY, post, without_tokens

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIGURES = {"fig-money_state": "25.000.000.000", "fig-money_people": "350.000.000", "fig-money_other": "1.600.000.000",
           "fig-labour_days": "8.200", "fig-land_m2": "12500", "fig-trees": "1.200", "fig-structures_moved": "14",
           "fig-road_m": "12,5"}


def unit(code) -> Unit:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()


def version_of(client, unit_id) -> str:
    page = client.get(f"/units/{unit_id}/report").get_data(as_text=True)
    match = re.search(r'name="version" type="hidden" value="(\d*)"', page)
    return match.group(1) if match else ""


def upload(client, unit_id, data=PDF, name="Báo cáo tổng kết.pdf"):
    return post(client, f"/units/{unit_id}/report/files?kind=report", {"file": (io.BytesIO(data), name)},
                content_type="multipart/form-data")


def prepare(client, unit_id, criteria_end=(1, 2, 4)):
    assert upload(client, unit_id).status_code == 302
    criteria = {f"fig-c{c}_end": "y" for c in _criterion_ids(criteria_end)}
    assert post(client, f"/units/{unit_id}/report/figures", {**FIGURES, **criteria}).status_code == 302


def _criterion_ids(numbers):
    from ntm_intranet.campaigns.models import Criterion

    return [c.id for c in db.session.execute(db.select(Criterion).filter(Criterion.number.in_(numbers))).scalars()]


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def test_a_commune_uploads_fills_figures_and_submits(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    prepare(reporter, hn.id)
    response = post(reporter, f"/units/{hn.id}/report/submit", {"version": version_of(reporter, hn.id)})
    assert response.status_code == 302
    page = reporter.get(f"/units/{hn.id}/report").get_data(as_text=True)
    assert "Đã gửi, chờ duyệt" in page and "Báo cáo tổng kết.pdf" in page
    sub = db.session.execute(db.select(Submission).filter_by(unit_id=hn.id)).scalar_one()
    assert sub.money_state == 25_000_000_000 and sub.road_m == 12_500 and sub.labour_days == 8_200
    assert sum(r.met_end for r in sub.criteria) == 3
    # on 22/06 the commune deadline (25/06) is three days away: on time
    assert "đã nộp đúng hạn" in as_user("nnptnt").get("/board").get_data(as_text=True)


def test_submitting_without_a_report_or_figures_is_explained(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    assert "Chưa có tệp báo cáo" in alert(post(reporter, f"/units/{hn.id}/report/submit"))
    upload(reporter, hn.id)
    assert "Chưa lưu số liệu" in alert(post(reporter, f"/units/{hn.id}/report/submit"))
    assert db.session.execute(db.select(Submission.status).filter_by(unit_id=hn.id)).scalar_one() == "draft"


def test_bad_figures_are_explained_and_what_was_typed_is_kept(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    response = post(reporter, f"/units/{hn.id}/report/figures", {**FIGURES, "fig-money_people": "-5",
                                                                 "fig-trees": "nhiều", "fig-road_m": "abc"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Số liệu không được âm." in html and "Hãy nhập một số" in html and "Hãy nhập số km" in html
    assert 'value="25.000.000.000"' in html  # the good fields keep what was typed
    assert db.session.execute(db.select(Submission.figures_saved_at).filter_by(unit_id=hn.id)).scalar() is None


def test_sent_back_then_resubmitted_then_accepted(demo, as_user):
    reporter, coordinator, hn = as_user("bc-19567"), as_user("nnptnt"), unit("19567")
    prepare(reporter, hn.id)
    post(reporter, f"/units/{hn.id}/report/submit", {"version": version_of(reporter, hn.id)})

    returned = post(coordinator, f"/units/{hn.id}/report/review",
                    {"decision": "return", "comment": "Bổ sung biểu số liệu theo thôn.",
                     "version": version_of(coordinator, hn.id)})
    assert returned.status_code == 302
    page = reporter.get(f"/units/{hn.id}/report").get_data(as_text=True)
    assert "Cần bổ sung" in page and "Bổ sung biểu số liệu theo thôn." in page
    assert "Báo cáo tổng kết cần bổ sung" in reporter.get("/notifications").get_data(as_text=True)

    assert upload(reporter, hn.id, PDF + b"% v2\n", "Báo cáo tổng kết (bổ sung).pdf").status_code == 302
    assert post(reporter, f"/units/{hn.id}/report/submit", {"version": version_of(reporter, hn.id)}).status_code == 302
    accepted = post(coordinator, f"/units/{hn.id}/report/review",
                    {"decision": "accept", "comment": "", "version": version_of(coordinator, hn.id)})
    assert accepted.status_code == 302
    page = reporter.get(f"/units/{hn.id}/report").get_data(as_text=True)
    assert "Đã duyệt" in page and "phiên bản 2" in page and "phiên bản 1" in page

    # accepted is final: no new version, no resubmission
    assert "đã được duyệt" in alert(upload(reporter, hn.id, PDF + b"% v3\n"))
    assert "đã được duyệt" in alert(post(reporter, f"/units/{hn.id}/report/submit"))
    actions = set(db.session.execute(db.select(AuditEvent.action)).scalars())
    assert {"report_file_uploaded", "report_figures_saved", "report_submitted", "report_returned",
            "report_accepted"} <= actions


def test_returning_a_report_needs_a_comment(demo, as_user):
    reporter, coordinator, hn = as_user("bc-19567"), as_user("nnptnt"), unit("19567")
    prepare(reporter, hn.id)
    post(reporter, f"/units/{hn.id}/report/submit")
    response = post(coordinator, f"/units/{hn.id}/report/review", {"decision": "return", "comment": ""})
    assert "ghi rõ nội dung cần bổ sung" in alert(response)
    assert db.session.execute(db.select(Submission.status).filter_by(unit_id=hn.id)).scalar_one() == "submitted"


def test_a_double_submit_is_refused_as_stale_and_changes_nothing_twice(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    prepare(reporter, hn.id)
    version = version_of(reporter, hn.id)
    assert post(reporter, f"/units/{hn.id}/report/submit", {"version": version}).status_code == 302
    again = post(reporter, f"/units/{hn.id}/report/submit", {"version": version})
    assert again.status_code == 422
    assert "bấm gửi hai lần" in alert(again)
    assert db.session.execute(db.select(db.func.count(AuditEvent.id)).filter_by(action="report_submitted")) \
        .scalar_one() == 1


def test_a_submitted_report_is_locked_until_reviewed(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    prepare(reporter, hn.id)
    post(reporter, f"/units/{hn.id}/report/submit")
    refused = upload(reporter, hn.id, PDF + b"%x\n")
    assert refused.status_code == 422 and "đang chờ Phòng NN&PTNT duyệt" in unescape(alert(refused))
    assert len(db.session.execute(db.select(Submission).filter_by(unit_id=hn.id)).scalar_one().files) == 1


def test_a_unit_sees_nothing_of_another_units_dossier(app, as_user):
    factories.campaign()
    target = factories.unit(name="Xã Triệu Nguyên")
    factories.submission(target, state="accepted")
    intruder = as_user(factories.user(unit=factories.unit(name="Xã Mò Ó")).username, PASSWORD)
    file_id = db.session.execute(db.select(Submission).filter_by(unit_id=target.id)).scalar_one().files[0].id
    assert intruder.get(f"/units/{target.id}/report").status_code == 404
    assert intruder.get(f"/files/{file_id}").status_code == 404
    assert post(intruder, f"/units/{target.id}/report/figures", FIGURES).status_code == 404
    assert "Triệu Nguyên" not in intruder.get("/notifications").get_data(as_text=True)


def test_the_meeting_date_and_minutes_are_recorded(demo, as_user):
    reporter, hn = as_user("bc-19567"), unit("19567")
    response = post(reporter, f"/units/{hn.id}/report/meeting",
                    {"held_on": "20/06/2015", "minutes": (io.BytesIO(PDF), "Biên bản hội nghị.pdf")},
                    content_type="multipart/form-data")
    assert response.status_code == 302
    page = reporter.get(f"/units/{hn.id}/report").get_data(as_text=True)
    assert "Đã tổ chức ngày 20/06/2015." in page and "Biên bản hội nghị.pdf" in page
    assert "đã tổ chức đúng hạn" in page
    future = post(reporter, f"/units/{hn.id}/report/meeting", {"held_on": "01/07/2015"},
                  content_type="multipart/form-data")
    assert "không thể sau ngày hôm nay" in alert(future)


def test_board_shows_each_state_and_filters_and_sorts(demo_reports, as_user):
    coordinator = as_user("nnptnt")
    html = coordinator.get("/board").get_data(as_text=True)
    for text in ("đã duyệt", "cần bổ sung", "nộp muộn 2 ngày", "quá hạn 7 ngày", "quá hạn 2 ngày",
                 "gia hạn đến 30/06/2015", "đã nộp đúng hạn"):
        assert text in html, text
    assert "<svg" in html and "Đúng hạn" in html  # the chart

    communes_overdue = coordinator.get("/board?kind=commune&state=overdue").get_data(as_text=True)
    assert "Xã Hướng Hiệp" in communes_overdue and "Xã Triệu Nguyên" not in communes_overdue
    assert "Phòng Dân tộc" not in communes_overdue

    by_lateness = coordinator.get("/board?sort=late").get_data(as_text=True)
    first = re.search(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a>', by_lateness).group(1)
    assert first in ("Phòng Dân tộc", "Hội Cựu chiến binh huyện", "Liên đoàn Lao động huyện")  # 7 days overdue


def test_the_live_board_fragment_is_small_and_only_the_fragment(demo_reports, as_user):
    response = as_user("nnptnt").get("/board", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html and 'id="board-live"' in html
    assert "HX-Request" in response.headers["Vary"]
    assert len(response.data) < 60_000


@contextmanager
def count_queries():
    statements = []
    db.session.expunge_all()  # a cold identity map, as a real request has

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def test_the_board_costs_the_same_number_of_queries_for_35_or_700_units(demo_reports, as_user):
    from ntm_intranet.demo.scale import seed_scale

    coordinator = as_user("nnptnt")
    coordinator.get("/board")
    demo_reports.extensions.pop("ntm_board_cache", None)  # count the queries that work the states out
    with count_queries() as small:
        assert coordinator.get("/board").status_code == 200
    seed_scale(700)
    with count_queries() as large:
        page = coordinator.get("/board")
    assert page.status_code == 200 and "Trang 1/" in page.get_data(as_text=True)
    assert len(large) == len(small), (len(small), len(large))
    assert len(small) <= 13
    with count_queries() as again:  # nothing changed since: the states come from memory
        repeat = coordinator.get("/board")

    def table(response):
        html = without_tokens(response.get_data(as_text=True))
        return html[html.index("<tbody>"):html.index("</tbody>")]

    assert table(repeat) == table(page) and len(again) < len(large)


def test_the_board_kept_in_memory_shows_a_change_at_once(demo, as_user):
    reporter, coordinator, hn = as_user("bc-19567"), as_user("nnptnt"), unit("19567")
    assert "Xã Triệu Nguyên" not in coordinator.get("/board?state=on_time").get_data(as_text=True)
    coordinator.get("/board?state=on_time")  # kept in memory now
    prepare(reporter, hn.id)
    assert post(reporter, f"/units/{hn.id}/report/submit",
                {"version": version_of(reporter, hn.id)}).status_code == 302
    assert "Xã Triệu Nguyên" in coordinator.get("/board?state=on_time").get_data(as_text=True)
    returned = post(coordinator, f"/units/{hn.id}/report/review",
                    {"decision": "return", "comment": "Bổ sung biểu số liệu theo thôn.",
                     "version": version_of(coordinator, hn.id)})
    assert returned.status_code == 302
    assert "Xã Triệu Nguyên" in coordinator.get("/board?state=returned").get_data(as_text=True)
    assert "Xã Triệu Nguyên" not in coordinator.get("/board?state=on_time").get_data(as_text=True)


def test_the_totals_page_costs_a_fixed_number_of_queries(demo_reports, as_user):
    from ntm_intranet.demo.scale import seed_scale

    coordinator = as_user("nnptnt")
    with count_queries() as small:
        coordinator.get("/totals")
    seed_scale(300)
    with count_queries() as large:
        coordinator.get("/totals")
    assert len(large) == len(small) <= 15


def test_an_extension_changes_the_units_deadline(demo, as_user):
    coordinator, mo = as_user("nnptnt"), unit("19558")
    campaign_report = next(m for m in mo_campaign().milestones if m.kind == "report" and "commune" in m.kinds)
    response = post(coordinator, f"/units/{mo.id}/extensions",
                    {"milestone_id": campaign_report.id, "due_date": "02/07/2015", "reason": "Mưa lũ chia cắt"})
    assert response.status_code == 302
    html = coordinator.get("/board?kind=commune").get_data(as_text=True)
    row = html.split(">Xã Mò Ó</a>")[1].split("</tr>")[0]
    assert "gia hạn đến 02/07/2015" in row
    earlier = post(coordinator, f"/units/{mo.id}/extensions",
                   {"milestone_id": campaign_report.id, "due_date": "20/06/2015"})
    assert "phải sau hạn gốc" in alert(earlier)


def mo_campaign():
    from ntm_intranet.campaigns.services import active_campaign

    return active_campaign()


def test_remind_all_late_units_once_a_day(demo_reports, as_user):
    coordinator = as_user("nnptnt")
    first = post(coordinator, "/board/remind", {"which": "report"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã gửi nhắc nhở đến 7 đơn vị quá hạn." in first
    second = post(coordinator, "/board/remind", {"which": "report"}, follow_redirects=True).get_data(as_text=True)
    assert "7 đơn vị đã được nhắc hôm nay" in second
    reporter = as_user("bc-dt")
    assert "count-badge" in reporter.get("/notifications/count").get_data(as_text=True)
    assert "Đôn đốc" in reporter.get("/notifications").get_data(as_text=True)
    assert "count-badge" not in reporter.get("/notifications/count").get_data(as_text=True)  # read now
    dt = unit("DT")
    assert "Nhắc nhở đã gửi đến đơn vị" in reporter.get(f"/units/{dt.id}/report").get_data(as_text=True)


def test_scheduled_reminders_follow_the_campaign_setting_and_never_repeat_a_day(demo_reports, app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ntm", "remind"])
    assert first.exit_code == 0, first.output
    sent_first = db.session.execute(db.select(db.func.count(Reminder.id)).filter_by(sent_on=date(2015, 6, 27))) \
        .scalar_one()
    assert sent_first > 0
    assert "already sent today: 0" in first.output
    again = runner.invoke(args=["ntm", "remind"])
    assert "Reminders sent: 0" in again.output
    app.config["NTM_TODAY"] = date(2015, 6, 28)
    next_day = runner.invoke(args=["ntm", "remind"])
    overdue_kinds = set(db.session.execute(db.select(Reminder.kind).filter_by(sent_on=date(2015, 6, 28))).scalars())
    assert "Reminders sent: 0" not in next_day.output and overdue_kinds == {"overdue"}


def test_reminders_go_by_email_when_smtp_is_configured(demo_reports, app, as_user):
    from aiosmtpd.controller import Controller

    received = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802  (aiosmtpd's hook name)
            received.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        reporter = db.session.execute(db.select(Unit).filter_by(code="DT")).scalar_one()
        from ntm_intranet.auth.models import User

        user = db.session.execute(db.select(User).filter_by(unit_id=reporter.id)).scalars().first()
        user.email = "dantoc@dakrong.example"
        db.session.commit()
        post(as_user("nnptnt"), f"/units/{reporter.id}/remind", {"which": "report"})
    finally:
        controller.stop()
    assert received and received[0][0] == ["dantoc@dakrong.example"]
    assert "Phòng Dân tộc" in received[0][1] or "=?utf-8?" in received[0][1]
    assert db.session.execute(db.select(Reminder.emailed).filter_by(unit_id=reporter.id, sent_on=date(2015, 6, 27))) \
        .scalar_one() == 1


def test_totals_add_up_accepted_reports_and_mark_those_awaiting_review(demo_reports, as_user):
    coordinator = as_user("nnptnt")
    accepted = db.session.execute(db.select(db.func.sum(Submission.money_state)).filter_by(status="accepted")) \
        .scalar_one()
    html = coordinator.get("/totals").get_data(as_text=True)
    assert f"{accepted:,}".replace(",", ".") in html
    assert "Bình quân tiêu chí/xã" in html and "Xã Triệu Nguyên" in html
    row = html.split("<th scope=\"row\">Xã Triệu Nguyên")[1].split("</tr>")[0]
    assert "<strong>10</strong>" in row  # Triệu Nguyên met 10 criteria in 2015


def test_board_and_totals_export_to_excel_and_word(demo_reports, as_user):
    coordinator = as_user("nnptnt")
    board = coordinator.get("/board.xlsx")
    assert board.status_code == 200 and "attachment" in board.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(board.data)).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "Xã Triệu Nguyên" in values and "quá hạn 7 ngày" in values
    totals = coordinator.get("/totals.xlsx")
    assert load_workbook(io.BytesIO(totals.data)).sheetnames[:2] == ["Tổng hợp số liệu", "19 tiêu chí"]
    word = coordinator.get("/totals.docx")
    assert word.status_code == 200 and word.data[:2] == b"PK"


def test_demo_reports_are_loaded_once_with_real_files(demo_reports, app):
    from ntm_intranet.demo import seed_demo
    from ntm_intranet.uploads import path_for

    count = db.session.execute(db.select(db.func.count(Submission.id))).scalar_one()
    assert seed_demo()["reports"] == 0
    assert db.session.execute(db.select(db.func.count(Submission.id))).scalar_one() == count
    accepted = db.session.execute(db.select(Submission).join(Unit).filter(Unit.code == "19567")).scalar_one()
    assert accepted.status == "accepted" and path_for(accepted.files[0].sha256).exists()
    assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() > 0


@pytest.mark.parametrize("role_user", ["tckh", "noivu", "thanhvien1"])
def test_offices_without_a_part_in_reports_do_not_see_the_board(demo, as_user, role_user):
    assert as_user(role_user).get("/board").status_code == 403


def test_session_results_cost_a_fixed_number_of_queries_at_2000_candidates(app, as_user):
    from ntm_intranet.demo.scale import seed_session

    factories.campaign()
    factories.unit()
    secretary = as_user(factories.secretary().username, PASSWORD)
    small = seed_session(5, members=15, criteria=5)
    large = seed_session(2000, members=15, criteria=5)
    secretary.get(f"/sessions/{small}/results")
    app.extensions.pop("ntm_results_cache", None)  # count the queries that work the results out
    with count_queries() as few:
        assert secretary.get(f"/sessions/{small}/results").status_code == 200
    with count_queries() as many:
        page = secretary.get(f"/sessions/{large}/results")
    assert page.status_code == 200 and "Người được đề nghị 2000" in page.get_data(as_text=True)
    assert len(many) == len(few), (len(few), len(many))


def test_the_district_rollup_shows_each_districts_rates_and_drills_down_to_its_units(demo, as_user):
    from ntm_intranet.campaigns.models import Campaign
    from ntm_intranet.demo.scale import seed_scale
    from ntm_intranet.reports.deadline_board import rollup

    demo.config["NTM_TODAY"] = date(2015, 6, 19)  # the demo's world, one agency on time, one late, the rest missing
    factories.submission(unit("VP"))
    demo.config["NTM_TODAY"] = REPORTS_DAY
    factories.submission(unit("TP"))
    coordinator = as_user("nnptnt")
    with count_queries() as small:
        assert coordinator.get("/board/districts").status_code == 200
    seed_scale(700)
    with count_queries() as large:
        page = coordinator.get("/board/districts")
    html = unescape(page.get_data(as_text=True))
    assert page.status_code == 200 and len(large) == len(small) <= 12, (len(small), len(large))

    campaign = db.session.execute(db.select(Campaign)).scalars().first()
    data = rollup(campaign, date(2015, 6, 27))
    assert len(data.districts) == 1 + 22  # Đakrông and the 22 districts of the 700 synthetic units
    dakrong = next(d for d in data.districts if d.name == "UBND huyện Đakrông")
    reporting = db.session.execute(db.select(db.func.count(Unit.id)).filter(
        Unit.parent_id == dakrong.district_id, Unit.kind.in_(["agency", "town", "commune"]))).scalar()
    assert dakrong.expected == reporting
    assert dakrong.on_time + dakrong.late + dakrong.missing == dakrong.expected and dakrong.missing > 0
    assert data.total.expected == sum(d.expected for d in data.districts) == reporting + 700
    # The least complete first; each district's rates are on the page in Vietnamese numbers.
    assert [d.completeness for d in data.districts] == sorted(d.completeness for d in data.districts)
    row = html[html.index("UBND huyện Đakrông</a>"):]
    row = row[:row.index("</tr>")]
    completeness = f"{dakrong.completeness:.1f}".replace(".", ",").removesuffix(",0")
    assert f"{completeness} %" in row and f">{dakrong.expected}<" in row

    drill = coordinator.get(f"/board?district={dakrong.district_id}")
    text = unescape(drill.get_data(as_text=True))
    assert drill.status_code == 200 and "Tiến độ nộp báo cáo tổng kết: UBND huyện Đakrông" in text
    assert "Xã Triệu Nguyên" in text and "Phòng thử" not in text and "Xã thử" not in text
    assert as_user("bc-19567").get("/board/districts").status_code == 403


def test_the_award_list_page_costs_the_same_number_of_queries_for_5_or_2000_names(app, as_user):
    from ntm_intranet.auth.models import User
    from ntm_intranet.awards import services as awards
    from ntm_intranet.campaigns.services import active_campaign
    from ntm_intranet.demo.scale import seed_session
    from ntm_intranet.voting.models import BoardSession

    factories.campaign()
    factories.unit()
    factories.base_salary()
    chair = factories.chair()
    chair_id, reader = chair.id, as_user(chair.username, PASSWORD)

    def approved_from(candidates: int, number: str, hour: int) -> int:
        session = db.session.get(BoardSession, seed_session(candidates, members=15, criteria=5))
        session.closed_at = datetime(2015, 7, 10, hour)  # the latest closed session: the list comes from it
        db.session.commit()
        campaign, chair = active_campaign(), db.session.get(User, chair_id)
        award_list = awards.propose(campaign, chair)
        awards.approve(award_list, campaign, number, date(2015, 7, 15), chair)
        return len([e for e in award_list.entries if not e.struck])

    small = approved_from(5, "01/QĐ-UBND", 8)
    with count_queries() as few:
        assert reader.get("/awards").status_code == 200
    large = approved_from(2000, "02/QĐ-UBND", 9)
    with count_queries() as many:
        page = reader.get("/awards")
    assert page.status_code == 200 and "02/QĐ-UBND" in page.get_data(as_text=True)
    assert 0 < small < 10 and large > 100, (small, large)
    assert len(many) == len(few), (len(few), len(many))
