"""The units' summary reports in the browser, on the demo as it stood on 27/06/2015.

A commune's reporter uploads, fills and sends the dossier while the coordinator watches the board;
the coordinator sends it back, then accepts it, and the district totals count it. The coordinator
reminds the late units; another unit's dossier and files stay out of reach; an upload over the cap is
refused in the browser and by the server; and without JavaScript the dossier still works.
"""

from __future__ import annotations

import base64
import random
import re
import threading
import unicodedata
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.part import Part
from flask import current_app
from playwright.sync_api import Page, expect
from sqlalchemy import func

from ntm_intranet.auth.models import User
from ntm_intranet.demo import DEMO_PASSWORD
from ntm_intranet.extensions import db
from ntm_intranet.notifications.models import Notification
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import ReportFile, Submission

from .conftest import log_in

pytestmark = pytest.mark.e2e

MB = 1024 * 1024
REPORT_NAME = unicodedata.normalize("NFC", "Báo cáo tổng kết Hướng Hiệp.docx")
RETURN_COMMENT = "Đề nghị bổ sung biểu tổng hợp vốn nhân dân đóng góp theo từng thôn và ký, đóng dấu báo cáo."


# Helpers ----------------------------------------------------------------------------------------


def word_file(path: Path, heading: str, padding_mb: float = 0) -> Path:
    """A real .docx; `padding_mb` adds a custom XML part of incompressible text so the file weighs that much."""
    document = Document()
    document.add_paragraph("UBND HUYỆN ĐAKRÔNG")
    document.add_heading(heading, level=1)
    document.add_paragraph("Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn 2011–2015.")
    if padding_mb:
        noise = base64.b64encode(random.Random(76).randbytes(int(padding_mb * MB)))
        blob = b'<?xml version="1.0" encoding="UTF-8"?><padding xmlns="urn:ntm-dakrong:e2e">' + noise + b"</padding>"
        package = document.part.package
        part = Part(package.next_partname("/customXml/item%d.xml"), "application/xml", blob, package)
        document.part.relate_to(part, RT.CUSTOM_XML)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


class HeldUploads:
    """WSGI middleware: a report upload waits at the server's door until `release()`, like a slow link.

    While it waits the browser has sent what the sockets hold and no more, so the progress bar stands
    part way; nothing is timed. Once released, every later upload goes straight through.
    """

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app
        self._open = threading.Event()

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"].endswith("/report/files"):
            self._open.wait(timeout=60)
        return self.wsgi_app(environ, start_response)

    def release(self) -> None:
        self._open.set()


@pytest.fixture
def held_uploads(app):
    held = HeldUploads(app.wsgi_app)
    app.wsgi_app = held  # looked up per request, so the running live server uses it too
    yield held
    held.release()


def unit_id(code: str) -> int:
    return db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()


def stored_files(code: str) -> int:
    """Report files recorded for the unit (read fresh: the live server commits in its own threads)."""
    db.session.rollback()
    return db.session.execute(db.select(func.count(ReportFile.id)).join(Submission).join(Unit)
                              .filter(Unit.code == code)).scalar_one()


def files_on_disk() -> set[Path]:
    return {p for p in Path(current_app.config["NTM_UPLOAD_DIR"]).rglob("*") if p.is_file()}


def unread_of(username: str) -> int:
    db.session.rollback()
    return db.session.execute(db.select(func.count(Notification.id)).join(User, User.id == Notification.user_id)
                              .filter(User.username == username, Notification.read_at.is_(None))).scalar_one()


def amount(text: str) -> int:
    """'1.234.567 đ' -> 1234567."""
    return int(re.sub(r"\D", "", text))


def open_dossier_from_home(page: Page, unit_name: str) -> None:
    expect(page.get_by_role("heading", name=unit_name, level=1)).to_be_visible()
    page.get_by_role("button", name="Báo cáo tổng kết").click()
    expect(page.get_by_role("heading", name=f"Báo cáo tổng kết của {unit_name}", level=1)).to_be_visible()


def fill_figures(page: Page) -> None:
    page.get_by_label("Vốn ngân sách nhà nước (đồng)").fill("1.500.000.000")
    page.get_by_label("Nhân dân đóng góp (đồng)").fill("250.000.000")
    page.get_by_label("Ngày công lao động đóng góp").fill("3.200")
    page.get_by_label("Đất hiến (m²)").fill("4.500")
    page.get_by_label("Đường giao thông làm mới, sửa chữa (km)").fill("12,5")


def remind_all(board: Page) -> None:
    board.once("dialog", lambda dialog: dialog.accept())
    board.get_by_role("button", name="Đôn đốc tất cả đơn vị quá hạn").click()


# 1. A commune's report, from upload to the district totals ---------------------------------------


def test_commune_report_is_sent_returned_completed_and_counted(demo_reports, held_uploads, new_context, tmp_path,
                                                                 done):
    # 12 MB: well over what the sockets take in while the server holds the upload (about 4 MB on
    # Linux), so the progress bar stops part way (about 30 %).
    first = word_file(tmp_path / "v1" / REPORT_NAME, "BÁO CÁO TỔNG KẾT – XÃ HƯỚNG HIỆP", padding_mb=12)
    second = word_file(tmp_path / "v2" / REPORT_NAME, "BÁO CÁO TỔNG KẾT – XÃ HƯỚNG HIỆP (bổ sung)")

    # The coordinator notes the district total so far, then keeps the board open (its clock is
    # Playwright's, so the board's 20-second refresh can be brought forward).
    coordinator = new_context().new_page()
    coordinator.clock.install()
    coordinator.goto("/login")
    log_in(coordinator, "nnptnt", DEMO_PASSWORD)
    nav = coordinator.get_by_role("navigation", name="Điều hướng chính")
    nav.get_by_role("link", name="Tổng hợp").click()
    expect(coordinator.get_by_role("heading", name="Tổng hợp số liệu toàn huyện", level=1)).to_be_visible()
    money_row = coordinator.get_by_role("row").filter(
        has=coordinator.get_by_role("rowheader", name="Tổng vốn huy động", exact=True))
    accepted_before = amount(money_row.get_by_role("cell").first.inner_text())

    nav.get_by_role("link", name="Tiến độ báo cáo").click()
    expect(coordinator.get_by_role("heading", name="Tiến độ nộp báo cáo tổng kết", level=1)).to_be_visible()
    board_row = coordinator.get_by_role("row").filter(has=coordinator.get_by_role("link", name="Xã Hướng Hiệp"))
    expect(board_row).to_contain_text("quá hạn 2 ngày")
    expect(board_row).to_contain_text("chưa mở")
    coordinator.evaluate("() => { window.boardLoadedOnce = true; }")

    # The reporter sees the overdue report on the unit's page and opens the dossier.
    reporter = new_context().new_page()
    reporter.goto("/login")
    log_in(reporter, "bc-19561", DEMO_PASSWORD)
    expect(reporter.get_by_role("heading", name="Xã Hướng Hiệp", level=1)).to_be_visible()
    report_milestone = reporter.get_by_role("row").filter(
        has=reporter.get_by_role("cell", name="Gửi báo cáo tổng kết về Phòng Nông nghiệp và PTNT"))
    expect(report_milestone.get_by_text("quá hạn 2 ngày")).to_be_visible()
    open_dossier_from_home(reporter, "Xã Hướng Hiệp")
    expect(reporter.get_by_text("Chưa bắt đầu")).to_be_visible()

    # The upload: the server holds it, so the progress bar is seen part way, then it goes through.
    files = reporter.get_by_role("region", name="1. Tệp báo cáo tổng kết")
    expect(files.get_by_text("Chưa có tệp nào.")).to_be_visible()
    files.get_by_label("Tải lên báo cáo tổng kết").set_input_files(first)
    files.get_by_role("button", name="Tải lên", exact=True).click()
    progress = files.get_by_role("progressbar", name="Tiến độ tải lên")
    expect(progress).to_be_visible()
    expect(progress).to_have_attribute("value", re.compile(r"^[1-9]\d?$"))  # moved, not yet finished
    expect(files.get_by_text(re.compile(r"^[1-9]\d?%$"))).to_be_visible()
    # No done() screenshot here: Playwright hides the caret by styling every input, leaving style=""
    # behind, which htmx's settling would copy into the swapped page (a CSP violation of the test's own).
    held_uploads.release()
    expect(reporter.get_by_text(f"Đã tải lên “{REPORT_NAME}” (phiên bản 1).")).to_be_visible()
    versions = files.get_by_role("listitem")
    expect(versions).to_have_count(1)
    expect(versions.first.get_by_role("link", name=REPORT_NAME, exact=True)).to_be_visible()
    expect(versions.first).to_contain_text("phiên bản 1")
    expect(progress).to_have_count(0)

    # The figures, typed the Vietnamese way, and five criteria met in 2015 (one already in 2010).
    fill_figures(reporter)
    reporter.get_by_role("checkbox", name="Tiêu chí 4 đạt năm 2010", exact=True).check()
    for number in (1, 4, 8, 15, 19):
        reporter.get_by_role("checkbox", name=f"Tiêu chí {number} đạt năm 2015", exact=True).check()
    reporter.get_by_role("button", name="Lưu số liệu").click()
    expect(reporter.get_by_text("Đã lưu số liệu.")).to_be_visible()
    expect(reporter.get_by_role("checkbox", name="Tiêu chí 15 đạt năm 2015", exact=True)).to_be_checked()
    expect(reporter.get_by_role("checkbox", name="Tiêu chí 2 đạt năm 2015", exact=True)).not_to_be_checked()

    reporter.get_by_role("button", name="Gửi báo cáo", exact=True).click()
    expect(reporter.get_by_text("Đã gửi báo cáo tổng kết đến Phòng Nông nghiệp và PTNT.")).to_be_visible()
    expect(reporter.get_by_text("Đã gửi, chờ duyệt", exact=True)).to_be_visible()
    figures = reporter.get_by_role("region", name=re.compile(r"^3\. Số liệu tổng hợp"))
    expect(figures).to_contain_text("1.750.000.000 đ")
    expect(figures).to_contain_text("12,5 km")
    expect(figures).to_contain_text("Số tiêu chí đạt: 1 (năm 2010) → 5 (năm 2015).")
    expect(reporter.get_by_role("button", name="Gửi báo cáo")).to_have_count(0)  # locked until reviewed
    done(reporter, "submitted")

    # The coordinator's board, left open, shows it at its next refresh, without reloading the page.
    coordinator.clock.fast_forward(21_000)
    expect(board_row).to_contain_text("Đã gửi, chờ duyệt")
    expect(board_row).to_contain_text("nộp muộn 2 ngày")
    assert coordinator.evaluate("() => window.boardLoadedOnce === true"), "the board was reloaded"
    done(coordinator, "board-refreshed")

    # The coordinator reads the report (its name keeps the diacritics) and sends it back.
    board_row.get_by_role("link", name="Xã Hướng Hiệp").click()
    expect(coordinator.get_by_role("heading", name="Báo cáo tổng kết của Xã Hướng Hiệp", level=1)).to_be_visible()
    with coordinator.expect_download() as download_info:
        coordinator.get_by_role("link", name=REPORT_NAME, exact=True).click()
    download = download_info.value
    assert unicodedata.normalize("NFC", download.suggested_filename) == REPORT_NAME
    assert Path(download.path()).read_bytes() == first.read_bytes()

    review = coordinator.get_by_role("region", name="Xem xét của Phòng NN&PTNT")
    review.get_by_role("radio", name="Trả lại để bổ sung").check()
    review.get_by_label("Nhận xét / nội dung cần bổ sung").fill(RETURN_COMMENT)
    review.get_by_role("button", name="Ghi kết quả").click()
    expect(coordinator.get_by_text("Đã trả lại báo cáo của Xã Hướng Hiệp để bổ sung.")).to_be_visible()
    expect(board_row).to_contain_text("Cần bổ sung")

    # The reporter reads why, adds a second version and sends it again.
    reporter.reload()
    expect(reporter.get_by_text("Cần bổ sung", exact=True)).to_be_visible()
    returned = reporter.get_by_role("region", name="Phòng NN&PTNT đề nghị bổ sung")
    expect(returned.get_by_text(RETURN_COMMENT)).to_be_visible()
    files.get_by_label("Tải lên báo cáo tổng kết").set_input_files(second)
    files.get_by_role("button", name="Tải lên", exact=True).click()
    expect(reporter.get_by_text(f"Đã tải lên “{REPORT_NAME}” (phiên bản 2).")).to_be_visible()
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("phiên bản 2")
    expect(versions.first).to_contain_text("mới nhất")
    expect(versions.nth(1)).to_contain_text("phiên bản 1")
    reporter.get_by_role("button", name="Gửi lại báo cáo đã bổ sung").click()
    expect(reporter.get_by_text("Đã gửi, chờ duyệt", exact=True)).to_be_visible()
    done(reporter, "sent-again")

    # The coordinator accepts it, and the district totals count Hướng Hiệp.
    board_row.get_by_role("link", name="Xã Hướng Hiệp").click()
    review.get_by_role("radio", name="Duyệt báo cáo").check()
    review.get_by_role("button", name="Ghi kết quả").click()
    expect(coordinator.get_by_text("Đã duyệt báo cáo của Xã Hướng Hiệp.")).to_be_visible()

    nav.get_by_role("link", name="Tổng hợp").click()
    expect(coordinator.get_by_role("heading", name="Tổng hợp số liệu toàn huyện", level=1)).to_be_visible()
    expect(money_row.get_by_role("cell").first).to_have_text(
        f"{accepted_before + 1_750_000_000:,} đ".replace(",", "."))
    commune = coordinator.get_by_role("row").filter(
        has=coordinator.get_by_role("rowheader", name=re.compile(r"^Xã Hướng Hiệp")))
    expect(commune.get_by_role("rowheader")).to_have_text("Xã Hướng Hiệp")  # no longer "(chưa nộp)"
    expect(commune.get_by_text("✓")).to_have_count(5)
    expect(commune.get_by_role("cell").nth(-2)).to_have_text("1")
    expect(commune.get_by_role("cell").last).to_have_text("5")
    done(coordinator, "totals")


# 2. Reminders ---------------------------------------------------------------------------------


def test_coordinator_reminds_the_late_units_once_a_day(demo_reports, page: Page, new_context, done):
    unread_before = unread_of("bc-dt")

    page.goto("/login")
    log_in(page, "nnptnt", DEMO_PASSWORD)
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Tiến độ báo cáo").click()
    expect(page.get_by_role("heading", name="Tiến độ nộp báo cáo tổng kết", level=1)).to_be_visible()
    counts = page.get_by_role("list", name="Số đơn vị theo tình trạng")
    overdue_badge = counts.get_by_role("link", name=re.compile(r"^Quá hạn: \d+$"))
    overdue = int(overdue_badge.inner_text().rsplit(":", 1)[1])
    assert overdue > 0

    remind_all(page)
    expect(page.get_by_text(f"Đã gửi nhắc nhở đến {overdue} đơn vị quá hạn.")).to_be_visible()
    late_agency = page.get_by_role("row").filter(has=page.get_by_role("link", name="Phòng Dân tộc"))
    expect(late_agency).to_contain_text("27/06/2015")  # the last reminder
    done(page, "reminded")

    # The late agency's reporter sees the notification in the header, then reads it.
    theirs = new_context().new_page()
    theirs.goto("/login")
    log_in(theirs, "bc-dt", DEMO_PASSWORD)
    expect(theirs.get_by_role("heading", name="Phòng Dân tộc", level=1)).to_be_visible()
    bell = theirs.get_by_role("link", name="Thông báo")
    expect(bell).to_contain_text(f"{unread_before + 1} chưa đọc")
    bell.click()
    expect(theirs.get_by_role("heading", name="Thông báo", level=1)).to_be_visible()
    reminder = theirs.get_by_role("listitem").filter(has_text="đã quá 7 ngày")
    expect(reminder.get_by_role("link", name="Đôn đốc: Gửi báo cáo tổng kết về Phòng Nông nghiệp và PTNT"))\
        .to_be_visible()
    expect(reminder).to_contain_text("Đề nghị Phòng Dân tộc khẩn trương thực hiện: Gửi báo cáo tổng kết về "
                                     "Phòng Nông nghiệp và PTNT. Hạn 20/06/2015 đã quá 7 ngày.")
    expect(reminder.get_by_text("mới", exact=True)).to_be_visible()
    done(theirs, "notifications")

    # Read now; the reminder is also on the unit's dossier.
    reminder.get_by_role("link", name=re.compile(r"^Đôn đốc:")).click()
    expect(bell.get_by_text(re.compile(r"chưa đọc"))).to_have_count(0)
    open_dossier_from_home(theirs, "Phòng Dân tộc")
    sent = theirs.get_by_role("region", name="Nhắc nhở đã gửi đến đơn vị").get_by_role("listitem").first
    expect(sent).to_contain_text("27/06/2015")
    expect(sent).to_contain_text("do Phòng NN&PTNT gửi (Hồ Văn Điều Phối)")
    expect(sent).to_contain_text("Hạn 20/06/2015 đã quá 7 ngày.")
    done(theirs, "dossier-reminders")

    # A second click the same day sends nothing more.
    remind_all(page)
    expect(page.get_by_text(f"{overdue} đơn vị đã được nhắc hôm nay nên không gửi thêm.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Đã gửi nhắc nhở"))).to_have_count(0)
    assert unread_of("bc-dt") == 0
    done(page, "reminded-again")


# 3. What a reporter may not do -----------------------------------------------------------------


def test_a_commune_reporter_cannot_open_another_communes_dossier_or_file(demo_reports, page: Page, browser_log,
                                                                          done):
    other_unit = unit_id("19558")  # Xã Mò Ó, submitted
    other_file = db.session.execute(db.select(ReportFile.id).join(Submission)
                                    .filter(Submission.unit_id == other_unit)).scalars().first()
    assert other_file is not None

    page.goto("/login")
    log_in(page, "bc-19567", DEMO_PASSWORD)
    open_dossier_from_home(page, "Xã Triệu Nguyên")
    expect(page.get_by_text("Đã duyệt", exact=True)).to_be_visible()
    own = page.get_by_role("region", name="1. Tệp báo cáo tổng kết").get_by_role("link").first
    with page.expect_download() as own_download:
        own.click()
    assert own_download.value.suggested_filename.endswith("Xã Triệu Nguyên.docx")

    browser_log.allow_http_error(404)
    for url in (f"/units/{other_unit}/report", f"/files/{other_file}"):
        response = page.goto(url)
        assert response is not None and response.status == 404, url
        expect(page.get_by_role("heading", name="Không tìm thấy trang", level=1)).to_be_visible()
        expect(page.get_by_text("Mã lỗi: 404")).to_be_visible()
        expect(page.get_by_text("Xã Mò Ó")).to_have_count(0)
    done(page, "other-commune")


# The request cap follows the file cap as config.py derives it: the file plus 1 MB for the other fields.
@pytest.mark.config(NTM_MAX_UPLOAD_MB=1, MAX_CONTENT_LENGTH=2 * MB)
def test_a_file_over_the_cap_is_refused_before_and_without_javascript(demo_reports, page: Page, new_context,
                                                                       browser_log, tmp_path, done):
    big = word_file(tmp_path / "Báo cáo tổng kết Húc Nghì (bản quét).docx", "BÁO CÁO TỔNG KẾT – XÃ HÚC NGHÌ",
                    padding_mb=3)
    assert big.stat().st_size > 2 * MB
    on_disk = files_on_disk()

    # With JavaScript: refused as soon as it is chosen, nothing sent.
    page.goto("/login")
    log_in(page, "bc-19582", DEMO_PASSWORD)
    open_dossier_from_home(page, "Xã Húc Nghì")
    files = page.get_by_role("region", name="1. Tệp báo cáo tổng kết")
    expect(files.get_by_text("tối đa 1 MB")).to_be_visible()
    chooser = files.get_by_label("Tải lên báo cáo tổng kết")
    chooser.set_input_files(big)
    expect(files.get_by_text("Tệp lớn hơn 1 MB: không tải lên được.")).to_be_visible()
    expect(chooser).to_have_value("")
    expect(chooser).to_have_attribute("aria-invalid", "true")
    expect(files.get_by_role("progressbar")).to_have_count(0)
    done(page, "too-big-in-browser")
    assert stored_files("19582") == 0

    # Without JavaScript the file is sent, and the server refuses it whole.
    browser_log.allow_http_error(413)
    plain = new_context(java_script_enabled=False).new_page()
    plain.goto("/login")
    log_in(plain, "bc-19582", DEMO_PASSWORD)
    open_dossier_from_home(plain, "Xã Húc Nghì")
    plain.get_by_label("Tải lên báo cáo tổng kết").set_input_files(big)
    with plain.expect_response(lambda r: r.request.method == "POST") as answer:
        plain.get_by_role("button", name="Tải lên", exact=True).click()
    assert answer.value.status == 413
    expect(plain.get_by_role("heading", name="Tệp quá lớn", level=1)).to_be_visible()
    expect(plain.get_by_text("Mã lỗi: 413")).to_be_visible()
    done(plain, "too-big-no-js")
    assert stored_files("19582") == 0
    assert files_on_disk() == on_disk


# 4. Without JavaScript --------------------------------------------------------------------------


def test_the_dossier_works_without_javascript(demo_reports, new_context, tmp_path, done):
    report = word_file(tmp_path / "Báo cáo tổng kết xã A Bung.docx", "BÁO CÁO TỔNG KẾT – XÃ A BUNG")
    page = new_context(java_script_enabled=False).new_page()
    page.goto("/login")
    log_in(page, "bc-19591", DEMO_PASSWORD)
    open_dossier_from_home(page, "Xã A Bung")

    files = page.get_by_role("region", name="1. Tệp báo cáo tổng kết")
    files.get_by_label("Tải lên báo cáo tổng kết").set_input_files(report)
    files.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.get_by_text("Đã tải lên “Báo cáo tổng kết xã A Bung.docx” (phiên bản 1).")).to_be_visible()
    expect(files.get_by_role("link", name="Báo cáo tổng kết xã A Bung.docx", exact=True)).to_be_visible()
    expect(page.get_by_text("Đang soạn", exact=True)).to_be_visible()

    fill_figures(page)
    page.get_by_role("checkbox", name="Tiêu chí 19 đạt năm 2015", exact=True).check()
    page.get_by_role("button", name="Lưu số liệu").click()
    expect(page.get_by_text("Đã lưu số liệu.")).to_be_visible()
    expect(page.get_by_label("Vốn ngân sách nhà nước (đồng)")).to_have_value(re.compile(r"^1\.?500\.?000\.?000$"))
    expect(page.get_by_label("Đường giao thông làm mới, sửa chữa (km)")).to_have_value("12,5")
    expect(page.get_by_role("checkbox", name="Tiêu chí 19 đạt năm 2015", exact=True)).to_be_checked()
    expect(page.get_by_text(re.compile(r"^Lưu lần cuối 27/06/2015"))).to_be_visible()
    assert stored_files("19591") == 1
    done(page, "no-js-dossier")
