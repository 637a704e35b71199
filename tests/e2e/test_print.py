"""Printed, the deadline board and the award list are their table alone: no navigation, button, filter or form,
the table at the full width of the paper, black on white, nothing cut off (static/css/app.css, @media print).

The page is laid out at the width of an A4 sheet at 96 dpi, first on screen (where the menus and buttons are
there, so the test can tell), then as the print media; the board is also printed to a PDF.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from ntm_intranet.demo import DEMO_PASSWORD

from ..app.test_voting import BOARD_DAY
from .arrange import approve_award_list, close_demo_session, opened_demo_session
from .conftest import log_in

pytestmark = pytest.mark.e2e

A4 = {"width": 794, "height": 1123}  # 210 × 297 mm at 96 px per inch
BLACK, WHITE = "rgb(0, 0, 0)", "rgb(255, 255, 255)"


def expect_menus_and_buttons_on_screen(page: Page) -> None:
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_visible()
    expect(page.get_by_role("button").first).to_be_visible()


def expect_printed_as_a_table_alone(page: Page, table_name: str) -> None:
    page.emulate_media(media="print")
    assert page.evaluate("() => matchMedia('print').matches")
    expect(page.get_by_role("navigation", name="Điều hướng chính")).to_be_hidden()
    expect(page.get_by_role("button")).to_have_count(0)  # hidden ones are not counted: none is shown
    expect(page.get_by_role("search")).to_have_count(0)  # the filters
    expect(page.get_by_role("textbox")).to_have_count(0)
    expect(page.get_by_role("combobox")).to_have_count(0)
    expect(page.get_by_role("contentinfo")).to_be_hidden()  # the footer and its language buttons

    table = page.get_by_role("table").filter(has=page.get_by_role("columnheader", name=table_name))
    expect(table).to_be_visible()
    layout = table.evaluate("""table => {
        const page = document.documentElement.clientWidth;
        const box = table.getBoundingClientRect();
        const cut = [];
        for (let e = table.parentElement; e; e = e.parentElement) {
            const clips = getComputedStyle(e).overflowX !== 'visible';
            if (clips && e.scrollWidth > e.clientWidth + 1) cut.push(e.className || e.tagName);
        }
        const cells = [...table.querySelectorAll('th, td')].filter(c => c.offsetParent !== null);
        return {page, left: box.left, right: box.right, cut,
                colours: [...new Set(cells.map(c => getComputedStyle(c).color))],
                backgrounds: [...new Set(cells.map(c => getComputedStyle(c).backgroundColor))],
                ellipsis: cells.filter(c => getComputedStyle(c).textOverflow === 'ellipsis').length,
                body: getComputedStyle(document.body).backgroundColor};
    }""")
    width = layout["right"] - layout["left"]
    assert width >= 0.95 * layout["page"], f"the table is {width:.0f} px wide on a {layout['page']} px page: {layout}"
    assert layout["right"] <= layout["page"] + 1, f"the table runs off the page: {layout}"
    assert not layout["cut"], f"a box cuts the table off: {layout['cut']}"
    assert layout["ellipsis"] == 0, layout
    assert layout["colours"] == [BLACK], f"text not black: {layout['colours']}"
    assert layout["backgrounds"] == [WHITE], f"cells not white: {layout['backgrounds']}"
    assert layout["body"] in (WHITE, "rgba(0, 0, 0, 0)"), layout["body"]


def test_the_board_and_the_award_list_print_as_their_table_alone(demo_reports, new_context, as_user, done):
    page = new_context(viewport=A4).new_page()

    # The deadline board, as the coordinator prints it on 27/06/2015.
    page.goto("/login")
    log_in(page, "nnptnt", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/coordinator$"))
    page.goto("/board")
    expect(page.get_by_role("heading", name="Tiến độ nộp báo cáo tổng kết", level=1)).to_be_visible()
    expect_menus_and_buttons_on_screen(page)
    expect(page.get_by_role("search")).to_be_visible()
    expect_printed_as_a_table_alone(page, "Báo cáo tổng kết")
    expect(page.get_by_role("row").filter(has_text="Xã Triệu Nguyên")).to_be_visible()
    done(page, "board-printed")

    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF-") and len(pdf) > 20_000, len(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1

    # The approved award list, as the chair prints it after the session of 08/07/2015.
    demo_reports.config["NTM_TODAY"] = BOARD_DAY
    close_demo_session(as_user, opened_demo_session(as_user))
    approve_award_list(as_user)
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Đăng xuất").click()
    log_in(page, "chutich", DEMO_PASSWORD)
    expect(page).to_have_url(re.compile(r"/home/chair$"))
    page.goto("/awards")
    expect(page.get_by_role("region", name="Kèm theo Quyết định số 1234/QĐ-UBND")).to_be_visible()
    expect_menus_and_buttons_on_screen(page)
    expect_printed_as_a_table_alone(page, "Tóm tắt thành tích")
    expect(page.get_by_role("row").filter(has_text="Tổng cộng")).to_be_visible()
    done(page, "award-list-printed")
