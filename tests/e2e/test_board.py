"""The Emulation and Commendation Board in the browser: nominations, the session's secret ballot, the list.

On the whole demo, with the clock on 08/07/2015 (the day of the demo's prepared session). A commune
nominates a person and a household and the secretary screens them and puts them on a new session's
agenda; on the demo's session the secretary takes attendance (a quorum is needed), members vote at
once from a phone and two desktops while the secretary watches who has voted, the results are counted
on all eleven members, and the chair approves the award list that a commune then reads. A member also
votes with the keyboard alone, and another without JavaScript.

What a flow only needs, and is not about, is arranged through the app's routes with the test client
(tests/e2e/arrange.py): the session opened for the keyboard and no-JavaScript ballots, and the sheets
of the members who vote after the three at once.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import BrowserContext, Locator, Page, expect

from ntm_intranet.demo.world import DEMO_PASSWORD, DEMO_STAFF

from ..conftest import BALLOT_PASSPHRASE
from ..factories import board_session
from .arrange import cast_sheet, opened_demo_session
from .conftest import log_in

pytestmark = pytest.mark.e2e

BOARD_DAY = date(2015, 7, 8)
NAMES = {username: full_name for username, full_name, *_rest in DEMO_STAFF}
BOARD = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 10)]  # the demo's eleven members
DEMO_SESSION = re.compile(r"^Phiên họp Hội đồng Thi đua – Khen thưởng huyện xét khen thưởng")
GK_HUYEN = "Giấy khen của Chủ tịch UBND huyện"
ALREADY_VOTED = "Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được."
WRONG_PASSPHRASE = ("Mật khẩu bỏ phiếu không đúng: phiên họp vẫn đang mở, chưa phiếu nào được mở. "
                    "Hãy nhập đúng mật khẩu đã đặt khi khai mạc.")


@pytest.fixture
def board_day(demo_reports):
    """The whole demo, on the day of its prepared board session."""
    demo_reports.config["NTM_TODAY"] = BOARD_DAY
    return demo_reports


# Helpers ----------------------------------------------------------------------------------------


def word_file(path: Path, heading: str, body: str) -> Path:
    document = Document()
    document.add_paragraph("UBND XÃ TRIỆU NGUYÊN")
    document.add_heading(heading, level=1)
    document.add_paragraph(body)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def signed_in(context: BrowserContext, username: str) -> Page:
    page = context.new_page()
    page.goto("/login")
    log_in(page, username, DEMO_PASSWORD)
    return page


def go(page: Page, label: str) -> None:
    """Follow a link of the main navigation."""
    page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name=label, exact=True).click()


def open_demo_session(page: Page) -> None:
    go(page, "Phiên họp")
    expect(page.get_by_role("heading", name="Phiên họp Hội đồng Thi đua – Khen thưởng", level=1)).to_be_visible()
    page.get_by_role("link", name=DEMO_SESSION).click()
    expect(page.get_by_role("heading", name=DEMO_SESSION, level=1)).to_be_visible()


def type_passphrase(page: Page) -> None:
    """The secretary sets the session's passphrase, twice, as the hint under the fields asks."""
    page.get_by_label("Mật khẩu bỏ phiếu", exact=True).fill(BALLOT_PASSPHRASE)
    page.get_by_label("Nhập lại mật khẩu bỏ phiếu").fill(BALLOT_PASSPHRASE)


def take_attendance(page: Page, present: list[str]) -> None:
    """The secretary ticks exactly these members (usernames) as present and saves."""
    roll = page.get_by_role("group", name="Điểm danh: thành viên có mặt")
    boxes = roll.get_by_role("checkbox")
    expect(boxes).to_have_count(len(BOARD))
    # Read the roll once; then click only the boxes that must change, as a person does.
    ticked = set(boxes.evaluate_all("boxes => boxes.filter(b => b.checked).map(b => b.labels[0].textContent.trim())"))
    for username in BOARD:
        if (NAMES[username] in ticked) != (username in present):
            roll.get_by_role("checkbox", name=NAMES[username], exact=True).set_checked(username in present)
    page.get_by_role("button", name="Lưu điểm danh").click()
    expect(page.get_by_text("Đã ghi nhận điểm danh.")).to_be_visible()


def ballot_items(page: Page) -> list[tuple[str, Locator]]:
    """(candidate, fieldset) for each candidate this member votes on, in the sheet's order."""
    expect(page.get_by_role("heading", name="Phiếu biểu quyết kín", level=1)).to_be_visible()
    groups = page.get_by_role("radiogroup", name=re.compile(r"^Biểu quyết cho "))
    labels = groups.evaluate_all("groups => groups.map(g => g.getAttribute('aria-label'))")  # one round trip
    result = []
    for label in labels:
        fieldset = page.get_by_role("group").filter(has=page.get_by_role("radiogroup", name=label, exact=True))
        result.append((label.removeprefix("Biểu quyết cho "), fieldset))
    return result


def fill_ballot(page: Page, disagree: set[str] = frozenset(), undecided: str | None = None) -> None:
    """Đồng ý for every candidate but those in `disagree` (and no choice at all for `undecided`);
    each of the three criteria scored (a box left empty, or a fourth criterion, fails the review)."""
    for name, fieldset in ballot_items(page):
        against = name in disagree
        if name != undecided:
            fieldset.get_by_role("radio", name="Không đồng ý" if against else "Đồng ý", exact=True).check()
        boxes = fieldset.get_by_role("spinbutton")
        for index, score in enumerate((3, 2, 4) if against else (9, 8, 7)):
            boxes.nth(index).fill(str(score))


def review(page: Page) -> None:
    page.get_by_role("button", name="Xem lại phiếu trước khi gửi").click()
    expect(page.get_by_role("status").filter(has_text="Xem lại toàn bộ phiếu.")).to_be_visible()


def cast(page: Page) -> None:
    page.get_by_role("button", name="Bỏ phiếu", exact=True).click()


def expect_cast(page: Page) -> None:
    expect(page.get_by_text("Đã bỏ phiếu. Phiếu được giữ kín")).to_be_visible()
    expect(page.get_by_text("Đồng chí đã bỏ phiếu trong phiên họp này.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Bỏ phiếu", exact=True)).to_have_count(0)


def expect_no_sideways_scroll(page: Page) -> None:
    """The page fits the phone's width (a wide table scrolls inside its own box, never the page)."""
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"), \
        f"{page.url} scrolls sideways at {page.viewport_size}"


def tab_to(page: Page, target: Locator, limit: int = 80) -> None:
    """Press Tab until `target` has the focus, as someone without a mouse does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {target}")


def open_ballot(page: Page) -> None:
    open_demo_session(page)
    page.get_by_role("button", name="Bỏ phiếu", exact=True).click()  # a link styled as a button


# 1. A commune nominates, the secretary screens and prepares a session ---------------------------


NEW_NOMINATIONS = [
    # kind, name, position, address, summary, money, labour days, land, trees
    ("Cá nhân", "Hồ Văn Bảy", "Trưởng ban công tác Mặt trận thôn", "Thôn Ba Lòng, xã Triệu Nguyên",
     "Vận động 45 hộ hiến 2.800 m² đất mở rộng đường liên thôn", "3.000.000", "75", "200", "0"),
    ("Hộ gia đình", "Hộ bà Nguyễn Thị Mai", "", "Thôn An Hưng, xã Triệu Nguyên",
     "Hiến 500 m² đất vườn, góp 15 triệu đồng làm đường bê tông thôn", "15.000.000", "40", "500", "30"),
]


def test_a_commune_nominates_and_the_secretary_screens_and_prepares_a_session(board_day, new_context, tmp_path,
                                                                              done):
    uploaded: dict[str, Path] = {}  # the tờ trình of each new nomination
    reporter = signed_in(new_context(), "bc-19567")
    go(reporter, "Đề nghị khen thưởng")
    expect(reporter.get_by_role("heading", name="Hồ sơ đề nghị khen thưởng", level=1)).to_be_visible()

    for kind, name, position, address, summary, money, days, land, trees in NEW_NOMINATIONS:
        reporter.get_by_role("button", name="Đề nghị khen thưởng mới").click()
        expect(reporter.get_by_role("heading", name="Đề nghị khen thưởng mới", level=1)).to_be_visible()
        reporter.get_by_role("radio", name=kind, exact=True).check()
        reporter.get_by_label("Tên tập thể / Họ và tên / Tên chủ hộ").fill(name)
        reporter.get_by_label("Chức vụ (nếu có)").fill(position)
        reporter.get_by_label("Đơn vị công tác, hoặc thôn, xã").fill(address)
        reporter.get_by_label("Tóm tắt thành tích (dòng in trong danh sách)").fill(summary)
        reporter.get_by_label("Tiền, tài sản đóng góp (đồng)").fill(money)
        reporter.get_by_label("Ngày công").fill(days)
        reporter.get_by_label("Đất hiến (m²)").fill(land)
        reporter.get_by_label("Cây trồng hiến (cây)").fill(trees)
        reporter.get_by_label("Hình thức khen thưởng đề nghị").select_option(label=GK_HUYEN)
        reporter.get_by_role("button", name="Lưu hồ sơ").click()
        expect(reporter.get_by_text(f"Đã lưu hồ sơ đề nghị “{name}”.")).to_be_visible()
        expect(reporter.get_by_role("heading", name=name, level=1)).to_be_visible()
        expect(reporter.get_by_text("Đang soạn", exact=True)).to_be_visible()

        files = reporter.get_by_role("region", name="Hồ sơ kèm theo")
        for file_kind, title in (("Tờ trình", "Tờ trình đề nghị khen thưởng"),
                                 ("Báo cáo thành tích", "Báo cáo thành tích")):
            document = word_file(tmp_path / f"{title} – {name}.docx", title.upper(), f"{name}: {summary}.")
            files.get_by_label("Loại tài liệu").select_option(label=file_kind)
            files.get_by_label("Tệp", exact=True).set_input_files(document)
            files.get_by_role("button", name="Tải lên", exact=True).click()
            expect(reporter.get_by_text(f"Đã tải lên “{document.name}”.")).to_be_visible()
            expect(files.get_by_role("listitem").filter(has=reporter.get_by_role("link", name=document.name))) \
                .to_contain_text(file_kind)
            uploaded.setdefault(name, document)
        expect(files.get_by_role("listitem")).to_have_count(2)

        reporter.get_by_role("button", name="Gửi hồ sơ đề nghị").click()
        expect(reporter.get_by_text("Đã gửi hồ sơ đề nghị đến Phòng Nội vụ.")).to_be_visible()
        expect(reporter.get_by_text("Đã gửi, chờ thẩm định", exact=True)).to_be_visible()
        expect(reporter.get_by_role("button", name="Gửi hồ sơ đề nghị")).to_have_count(0)
        reporter.get_by_role("link", name="Hồ sơ đề nghị khen thưởng").click()  # the breadcrumb, back to the list
    mine = reporter.get_by_role("row").filter(has=reporter.get_by_role("link", name="Hộ bà Nguyễn Thị Mai"))
    expect(mine).to_contain_text("Đã gửi, chờ thẩm định")
    done(reporter, "submitted")

    # The secretary screens them: the automatic checks find nothing missing, both go to the board.
    secretary = signed_in(new_context(), "noivu")
    go(secretary, "Đề nghị khen thưởng")
    expect(secretary.get_by_role("heading", name="Hồ sơ đề nghị khen thưởng", level=1)).to_be_visible()
    expect(secretary.get_by_role("link", name="Lê Thị Hồng")).to_have_count(0)  # the commune's draft stays its own

    # A demo nomination the checks do catch: the household gave less than the form requires.
    secretary.get_by_role("link", name="Hộ ông Nguyễn Văn Tư").click()
    screening = secretary.get_by_role("region", name="Thẩm định (Phòng Nội vụ)")
    expect(screening.get_by_text("Kiểm tra tự động")).to_be_visible()
    expect(screening).to_contain_text("Đóng góp của hộ (80.000.000 đồng) thấp hơn mức tối thiểu của hình thức này "
                                      "(100.000.000 đồng).")
    secretary.go_back()

    for _kind, name, *_rest in NEW_NOMINATIONS:
        secretary.get_by_role("link", name=name, exact=True).click()
        expect(secretary.get_by_role("heading", name=name, level=1)).to_be_visible()
        with secretary.expect_download() as download:
            secretary.get_by_role("link", name=uploaded[name].name).click()
        assert Path(download.value.path()).read_bytes() == uploaded[name].read_bytes()
        expect(screening.get_by_text("Kiểm tra tự động: không phát hiện vấn đề.")).to_be_visible()
        screening.get_by_role("radio", name="Đủ điều kiện trình Hội đồng").check()
        expect(screening.get_by_label("Hình thức khen thưởng (có thể đổi)").locator("option:checked")) \
            .to_have_text(GK_HUYEN)  # as proposed
        screening.get_by_role("button", name="Ghi kết quả thẩm định").click()
        expect(secretary.get_by_text(f"Đã ghi kết quả thẩm định hồ sơ “{name}”.")).to_be_visible()
        go(secretary, "Đề nghị khen thưởng")
        row = secretary.get_by_role("row").filter(has=secretary.get_by_role("link", name=name, exact=True))
        expect(row).to_contain_text("Đủ điều kiện trình Hội đồng")
    done(secretary, "screened")

    # A new session with every eligible nomination on the agenda, the two new ones among them.
    go(secretary, "Phiên họp")
    secretary.get_by_role("button", name="Chuẩn bị phiên họp mới").click()
    expect(secretary.get_by_role("heading", name="Chuẩn bị phiên họp Hội đồng", level=1)).to_be_visible()
    agenda = secretary.get_by_role("group", name=re.compile(r"^Chương trình: các hồ sơ đủ điều kiện"))
    expect(agenda).to_have_accessible_name("Chương trình: các hồ sơ đủ điều kiện (12)")
    for _kind, name, *_rest in NEW_NOMINATIONS:
        expect(agenda.get_by_role("checkbox", name=re.compile(rf"^{name} —"))).to_be_checked()
    secretary.get_by_label("Tên phiên họp").fill("Phiên họp Hội đồng xét khen thưởng bổ sung")
    secretary.get_by_label("Ngày họp").fill("15/07/2015")
    secretary.get_by_label("Giờ họp").fill("8 giờ 00")
    secretary.get_by_label("Địa điểm").fill("Phòng họp số 2, UBND huyện Đakrông")
    secretary.get_by_label("Chủ trì").select_option(label=NAMES["chutich"])
    secretary.get_by_role("button", name="Tạo phiên họp").click()
    expect(secretary.get_by_text("Đã chuẩn bị phiên họp “Phiên họp Hội đồng xét khen thưởng bổ sung”.")) \
        .to_be_visible()
    expect(secretary.get_by_role("heading", name="Phiên họp Hội đồng xét khen thưởng bổ sung", level=1)) \
        .to_be_visible()
    on_agenda = secretary.get_by_role("region", name="Chương trình: 12 hồ sơ")
    for _kind, name, *_rest in NEW_NOMINATIONS:
        expect(on_agenda.get_by_role("listitem").filter(has_text=name)).to_contain_text(GK_HUYEN)
    expect(secretary.get_by_text("8 giờ 00 ngày 15/07/2015")).to_be_visible()
    expect(secretary.get_by_text("Chuẩn bị", exact=True)).to_be_visible()
    done(secretary, "session-prepared")


# 2. The session: quorum, the secret ballot at once, results, the approved list ------------------

# What each present member votes against (the rest: Đồng ý). thanhvien9 is away; thanhvien3 is
# himself a candidate (Nguyễn Văn Sơn) and has no vote on his own nomination.
AGAINST = {
    "chutich": set(),
    "thanhvien1": {"Chi hội Phụ nữ thôn A Sóc"},
    "thanhvien2": {"Lê Văn Dũng"},
    "noivu": {"Lê Văn Dũng"},
    "thanhvien3": {"Hộ bà Hồ Thị Na", "Lê Văn Dũng"},
    "thanhvien4": {"Hộ bà Hồ Thị Na", "Lê Văn Dũng"},
    "thanhvien5": {"Hộ bà Hồ Thị Na", "Lê Văn Dũng"},
    "thanhvien6": {"Hộ bà Hồ Thị Na"},
    "thanhvien7": {"Hộ bà Hồ Thị Na"},
    "thanhvien8": {"Hộ bà Hồ Thị Na"},
}
VERDICTS = {
    "Thôn Ba Lòng": "Đạt: 10/11 thành viên đồng ý = 90,9 % > 50 %",
    "Hộ ông Lê Văn Bình": "Đạt: 10/11 thành viên đồng ý = 90,9 % > 50 %",
    "Hộ bà Hồ Thị Na": "Không đạt: 4/11 thành viên đồng ý = 36,4 % không > 50 %",
    # Half of those present, but the threshold counts all eleven members.
    "Lê Văn Dũng": "Không đạt: 5/11 thành viên đồng ý = 45,5 % không > 50 %",
    "Nguyễn Văn Sơn": "Đạt: 9/11 thành viên đồng ý = 81,8 % > 50 %",
    # 9 of the 10 present would be 90 %; on all eleven it is short of the flag's 90 %.
    "Chi hội Phụ nữ thôn A Sóc": "Không đạt: 9/11 thành viên đồng ý = 81,8 % không ≥ 90 %",
}
STRUCK = "Pả Hồ Thị Xuân"
STRIKE_REASON = "Đã được Chủ tịch UBND huyện tặng Giấy khen cùng thành tích năm 2014."


def vote(context: BrowserContext, username: str) -> Page:
    """A member signs in, opens the ballot from his home page, fills it and reviews it (not yet cast)."""
    page = signed_in(context, username)
    session = page.get_by_role("article").filter(has=page.get_by_role("heading", name=DEMO_SESSION, level=2))
    session.get_by_role("button", name="Bỏ phiếu", exact=True).click()  # a link styled as a button
    fill_ballot(page, AGAINST[username])
    review(page)
    return page


def test_the_board_votes_at_once_and_the_chair_approves_the_list(board_day, new_context, browser_log, as_user, done):
    browser_log.allow_http_error(422)  # opening without a quorum, closing with a wrong passphrase
    browser_log.allow_http_error(409)  # the second ballot

    # The secretary keeps the session open in a browser whose clock the test drives.
    secretary = new_context().new_page()
    secretary.clock.install()
    secretary.goto("/login")
    log_in(secretary, "noivu", DEMO_PASSWORD)
    open_demo_session(secretary)
    expect(secretary.get_by_role("region", name="Chương trình: 10 hồ sơ")).to_be_visible()

    # Five present: not enough to open (2/3 of 11 is 8), and the page says why.
    take_attendance(secretary, ["chutich", "noivu", "thanhvien1", "thanhvien2", "thanhvien3"])
    short = "Có mặt 5/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): chưa đủ điều kiện họp."
    expect(secretary.get_by_text(short, exact=True).first).to_be_visible()
    expect(secretary.get_by_text("Hệ thống KHÔNG lưu mật khẩu", exact=False)).to_be_visible()
    type_passphrase(secretary)
    secretary.get_by_role("button", name="Khai mạc, mở bỏ phiếu").click()
    expect(secretary.get_by_role("alert")).to_have_text(f"Chưa mở được phiên họp. {short}")
    expect(secretary.get_by_text("Chuẩn bị", exact=True)).to_be_visible()
    done(secretary, "no-quorum")

    # Ten present, thanhvien9 away: the session opens.
    take_attendance(secretary, list(AGAINST))
    expect(secretary.get_by_label("Mật khẩu bỏ phiếu", exact=True)).to_have_value("")  # never sent back to the page
    type_passphrase(secretary)
    secretary.get_by_role("button", name="Khai mạc, mở bỏ phiếu").click()
    expect(secretary.get_by_text("Đã khai mạc phiên họp: các thành viên có mặt có thể bỏ phiếu.")).to_be_visible()
    expect(secretary.get_by_text("Đang bỏ phiếu", exact=True)).to_be_visible()
    expect(secretary.get_by_text("Có mặt 10/11 thành viên; cần ít nhất 8 (2/3 tổng số thành viên): đủ điều kiện họp."))\
        .to_be_visible()
    who = secretary.get_by_role("region", name="Ai đã bỏ phiếu (không hiển thị bỏ phiếu thế nào)")
    expect(who.get_by_text("Đã bỏ phiếu: 0 / 10 thành viên có mặt")).to_be_visible()
    expect(who.get_by_role("listitem").filter(has_text=NAMES["thanhvien9"])).to_contain_text("vắng mặt")
    secretary.evaluate("() => { window.sessionPageLoadedOnce = true; }")

    # Three members at once: the chair on his phone, two on desktops. All three fill and review,
    # then cast one right after the other (a click does not wait for its answer: the three are sent together).
    phone = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    voters = {"chutich": vote(phone, "chutich"), "thanhvien1": vote(new_context(), "thanhvien1"),
              "thanhvien2": vote(new_context(), "thanhvien2")}
    on_phone = voters["chutich"]
    ballot_urls = {username: page.url for username, page in voters.items()}  # /sessions/<id>/ballot
    expect(on_phone.get_by_role("group", name=re.compile(r"^1\. Thôn Ba Lòng"))).to_contain_text("Đồng ý")
    a_soc = voters["thanhvien1"].get_by_role("group", name=re.compile(r"^10\. Chi hội Phụ nữ thôn A Sóc"))
    expect(a_soc).to_contain_text("Không đồng ý")
    expect_no_sideways_scroll(on_phone)
    done(on_phone, "review-on-phone")
    for page in voters.values():
        cast(page)
    for page in voters.values():
        expect_cast(page)
    done(on_phone, "cast-on-phone")
    voters["thanhvien2"].context.close()  # done: its page would go on asking who has voted

    # The secretary's page shows who has voted at its next refresh, without reloading.
    secretary.clock.fast_forward(6_000)
    expect(who.get_by_text("Đã bỏ phiếu: 3 / 10 thành viên có mặt")).to_be_visible()
    for username in voters:
        expect(who.get_by_role("listitem").filter(has_text=NAMES[username])).to_contain_text("✓ đã bỏ phiếu")
    expect(who.get_by_role("listitem").filter(has_text=NAMES["thanhvien4"])).to_contain_text("chưa bỏ phiếu")
    assert secretary.evaluate("() => window.sessionPageLoadedOnce === true"), "the session page was reloaded"
    done(secretary, "three-voted")

    # A second ballot is refused.
    again = voters["thanhvien1"]
    again.goto(ballot_urls["thanhvien1"])
    expect(again.get_by_role("alert")).to_have_text(ALREADY_VOTED)
    expect(again.get_by_role("heading", name="Phiếu biểu quyết kín")).to_have_count(0)
    done(again, "second-ballot-refused")

    again.context.close()

    # The other present members vote too, the secretary among them. Their sheets are the same form sent to
    # the same route, without a browser each: the ballot in the browser is what the three above prove (and the
    # keyboard and no-JavaScript tests, from the session page). The secretary's page counts them at its next
    # refresh, still without reloading.
    session = board_session()
    for username in ("thanhvien3", "thanhvien4", "thanhvien5", "thanhvien6", "thanhvien7", "thanhvien8", "noivu"):
        cast_sheet(as_user, username, session, AGAINST[username])
    secretary.clock.fast_forward(6_000)
    expect(who.get_by_text("Đã bỏ phiếu: 10 / 10 thành viên có mặt")).to_be_visible()
    expect(who.get_by_role("listitem").filter(has_text=NAMES["noivu"])).to_contain_text("✓ đã bỏ phiếu")
    assert secretary.evaluate("() => window.sessionPageLoadedOnce === true"), "the session page was reloaded"

    # The secretary closes the session with the passphrase: a wrong one changes nothing, the right one counts.
    secretary.get_by_label("Mật khẩu bỏ phiếu (đã đặt khi khai mạc)").fill("không phải mật khẩu này")
    secretary.once("dialog", lambda dialog: dialog.accept())
    secretary.get_by_role("button", name="Kết thúc phiên họp, tính kết quả").click()
    expect(secretary.get_by_role("alert")).to_have_text(WRONG_PASSPHRASE)
    expect(secretary.get_by_text("Đang bỏ phiếu", exact=True)).to_be_visible()
    asked = []
    secretary.get_by_label("Mật khẩu bỏ phiếu (đã đặt khi khai mạc)").fill(BALLOT_PASSPHRASE)
    secretary.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    secretary.get_by_role("button", name="Kết thúc phiên họp, tính kết quả").click()
    expect(secretary.get_by_text("Đã kết thúc phiên họp. Kết quả đã được tính.")).to_be_visible()
    assert asked == ["Kết thúc phiên họp? Sau đó không ai bỏ phiếu được nữa và kết quả sẽ được tính."]
    secretary.get_by_role("button", name="Xem kết quả").click()
    expect(secretary.get_by_role("heading", name="Kết quả biểu quyết", level=1)).to_be_visible()
    expect(secretary.get_by_text("Tỷ lệ tính trên tổng số 11 thành viên Hội đồng.")).to_be_visible()
    for name, verdict in VERDICTS.items():
        row = secretary.get_by_role("row").filter(has=secretary.get_by_role("rowheader", name=re.compile(f"^{name}")))
        expect(row).to_contain_text(verdict)
    charts = secretary.get_by_role("img", name="Tỷ lệ đồng ý trên tổng số thành viên")
    expect(charts).to_have_count(3)  # one per award form on the agenda
    expect(charts.first).to_be_visible()
    done(secretary, "results")

    # The chair draws up the list from the results, strikes one name with a reason and approves it.
    go(on_phone, "Danh sách khen thưởng")
    expect(on_phone.get_by_role("heading", name="Danh sách khen thưởng", level=1)).to_be_visible()
    expect(on_phone.get_by_text("Chưa có danh sách khen thưởng được phê duyệt.")).to_be_visible()
    on_phone.get_by_role("button", name="Lập danh sách đề nghị từ phiên họp 08/07/2015").click()
    expect(on_phone.get_by_text("Đã lập danh sách đề nghị từ kết quả phiên họp")).to_be_visible()
    draft = on_phone.get_by_role("region", name="Danh sách đề nghị (bản số 1) chờ Chủ tịch phê duyệt")
    for name in ("Hộ bà Hồ Thị Na", "Lê Văn Dũng", "Chi hội Phụ nữ thôn A Sóc"):  # did not pass
        expect(draft.get_by_text(name)).to_have_count(0)
    struck_row = draft.get_by_role("row").filter(has_text=STRUCK)
    struck_row.get_by_label("Lý do gạch tên").fill(STRIKE_REASON)
    struck_row.get_by_role("button", name="Gạch tên").click()
    expect(on_phone.get_by_text(f"Đã gạch tên {STRUCK} khỏi danh sách.")).to_be_visible()
    expect(struck_row).to_contain_text(f"Gạch tên: {STRIKE_REASON}")
    expect(struck_row.get_by_role("button", name="Đưa trở lại")).to_be_visible()
    draft.get_by_label("Số quyết định").fill("1234/QĐ-UBND")
    draft.get_by_label("Ngày quyết định (dd/mm/yyyy)").fill("15/07/2015")
    draft.get_by_role("button", name="Phê duyệt danh sách").click()
    expect(on_phone.get_by_text("Đã phê duyệt danh sách khen thưởng kèm Quyết định số 1234/QĐ-UBND.")).to_be_visible()
    expect_approved_list(on_phone)
    # Approved: a change now is a revision, not a second list from the same session.
    expect(on_phone.get_by_role("button", name="Tạo bản sửa đổi")).to_be_visible()
    expect(on_phone.get_by_role("button", name=re.compile(r"^Lập danh sách đề nghị"))).to_have_count(0)
    expect_no_sideways_scroll(on_phone)
    done(on_phone, "approved-on-phone")

    # A commune's reporter reads the approved list (from the link he was sent: the login leads him there).
    reporter = new_context().new_page()
    reporter.goto("/awards")
    log_in(reporter, "bc-19567", DEMO_PASSWORD)
    expect(reporter).to_have_url(re.compile(r"/awards$"))
    expect(reporter.get_by_role("navigation", name="Điều hướng chính")
           .get_by_role("link", name="Danh sách khen thưởng", exact=True)).to_have_attribute("aria-current", "page")
    expect_approved_list(reporter)
    expect(reporter.get_by_role("button", name="Gạch tên")).to_have_count(0)
    done(reporter, "approved-for-commune")


def expect_approved_list(page: Page) -> None:
    approved = page.get_by_role("region", name="Kèm theo Quyết định số 1234/QĐ-UBND ngày 15/07/2015 của Chủ tịch "
                                               "UBND huyện")
    expect(approved).to_be_visible()
    expect(approved).to_contain_text("lương cơ sở 1.150.000 đồng")
    sections = approved.get_by_role("rowheader")
    expect(sections).to_have_text(["I. TẬP THỂ", "II. CÁ NHÂN", "III. HỘ GIA ĐÌNH"])
    amounts = {  # coefficient × 1.150.000 đ, doubled for a collective, rounded up to 10.000 đ
        "Thôn Ba Lòng": "690.000", "Khóm 2, thị trấn Krông Klang": "690.000", "UBND xã Triệu Nguyên": "2.300.000",
        "Hồ Văn Lâm": "350.000", "Nguyễn Văn Sơn": "1.150.000", "Hộ ông Lê Văn Bình": "350.000",
    }
    for name, money in amounts.items():
        row = approved.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))
        expect(row.get_by_role("cell").last).to_have_text(money)
    expect(approved.get_by_text(STRUCK)).to_have_count(0)
    expect(approved.get_by_role("row").filter(has_text="Cộng Tập thể")).to_contain_text("3.680.000")
    expect(approved.get_by_role("row").filter(has_text="Tổng cộng")).to_contain_text("5.530.000")


# 3. The keyboard alone --------------------------------------------------------------------------


def test_a_member_votes_with_the_keyboard_alone(board_day, new_context, as_user, done):
    opened_demo_session(as_user)  # ten present, thanhvien9 away
    page = new_context().new_page()
    keyboard = page.keyboard

    page.goto("/login")
    tab_to(page, page.get_by_label("Tên đăng nhập"))
    keyboard.type("thanhvien3")  # Nguyễn Văn Sơn, himself on the agenda
    keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu", exact=True)).to_be_focused()
    keyboard.type(DEMO_PASSWORD)
    keyboard.press("Enter")

    sessions = page.get_by_role("navigation", name="Điều hướng chính").get_by_role("link", name="Phiên họp")
    expect(sessions).to_be_visible()
    tab_to(page, sessions)
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Phiên họp Hội đồng Thi đua – Khen thưởng", level=1)).to_be_visible()
    tab_to(page, page.get_by_role("link", name=DEMO_SESSION))
    keyboard.press("Enter")
    expect(page.get_by_role("heading", name=DEMO_SESSION, level=1)).to_be_visible()
    tab_to(page, page.get_by_role("button", name="Bỏ phiếu", exact=True))
    keyboard.press("Enter")

    # He has no vote on his own nomination: no choice, no score to tab through.
    himself = page.get_by_role("group", name=re.compile(r"^\d+\. Nguyễn Văn Sơn"))
    expect(himself).to_contain_text("Không biểu quyết cho chính mình.")
    expect(himself.get_by_role("radio")).to_have_count(0)
    expect(himself.get_by_role("spinbutton")).to_have_count(0)

    # Each other candidate: Tab into the choice, Space for Đồng ý or an arrow key for Không đồng ý, then
    # one Tab per criterion score. Nothing else takes the focus on the way.
    against = "Hộ bà Hồ Thị Na"
    items = ballot_items(page)
    for index, (name, fieldset) in enumerate(items):
        agree = fieldset.get_by_role("radio", name="Đồng ý", exact=True)
        if index == 0:
            tab_to(page, agree)
        else:
            keyboard.press("Tab")
        expect(agree).to_be_focused()
        if name == against:
            keyboard.press("ArrowRight")
            expect(fieldset.get_by_role("radio", name="Không đồng ý", exact=True)).to_be_checked()
        else:
            keyboard.press("Space")
            expect(agree).to_be_checked()
        for score, box in zip("978", fieldset.get_by_role("spinbutton").all(), strict=True):
            keyboard.press("Tab")
            expect(box).to_be_focused()
            keyboard.type(score)
    keyboard.press("Tab")
    expect(page.get_by_role("button", name="Xem lại phiếu trước khi gửi")).to_be_focused()
    keyboard.press("Enter")

    expect(page.get_by_role("status").filter(has_text="Xem lại toàn bộ phiếu.")).to_be_visible()
    expect(page.get_by_role("group", name=re.compile(f"^\\d+\\. {against}"))).to_contain_text("Không đồng ý")
    expect(page.get_by_role("group", name=re.compile(r"^1\. Thôn Ba Lòng"))).to_contain_text(
        "Đồng ý · Mức độ đóng góp cho phong trào: 9/10")
    tab_to(page, page.get_by_role("button", name="Bỏ phiếu", exact=True))
    keyboard.press("Enter")
    expect_cast(page)
    assert len(items) == 9 and "Nguyễn Văn Sơn" not in dict(items)  # ten on the agenda, less his own
    done(page, "cast")


# 4. Without JavaScript --------------------------------------------------------------------------


def test_a_member_votes_without_javascript(board_day, new_context, browser_log, as_user, done):
    browser_log.allow_http_error(422)  # the sheet sent with a choice missing
    opened_demo_session(as_user)  # ten present, thanhvien9 away
    page = signed_in(new_context(java_script_enabled=False), "thanhvien5")
    open_ballot(page)

    # One candidate left without a choice: the server says which, and keeps what was filled in.
    fill_ballot(page, {"Hộ bà Hồ Thị Na"}, undecided="Lê Văn Dũng")
    page.get_by_role("button", name="Xem lại phiếu trước khi gửi").click()
    expect(page.get_by_role("alert")).to_have_text("Chưa chọn Đồng ý hay Không đồng ý cho Lê Văn Dũng.")
    na = page.get_by_role("group", name=re.compile(r"^\d+\. Hộ bà Hồ Thị Na"))
    expect(na.get_by_role("radio", name="Không đồng ý", exact=True)).to_be_checked()
    expect(na.get_by_role("spinbutton").first).to_have_value("3")

    dung = page.get_by_role("group", name=re.compile(r"^\d+\. Lê Văn Dũng"))
    dung.get_by_role("radio", name="Không đồng ý", exact=True).check()
    review(page)
    expect(dung).to_contain_text("Không đồng ý")
    cast(page)
    expect_cast(page)
    done(page, "cast")
