"""Two people edit the same record from pages drawn at the same moment: the first save wins, the second is
told someone else changed it and sees the current values; nobody's change is silently overwritten and
nothing answers 5xx. Every editable record, through the forms the pages really show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from ntm_intranet.auth.models import User
from ntm_intranet.campaigns.models import Campaign, Milestone
from ntm_intranet.conference.models import BudgetLine, Conference, ConferenceAgendaItem
from ntm_intranet.extensions import db
from ntm_intranet.nominations.models import AwardForm, ScoringCriterion
from ntm_intranet.org.models import Unit

from ..html_forms import form_to

MESSAGE = "Người khác vừa thay đổi hoặc xóa dữ liệu này trước bạn"


def _first(model, **where):
    return db.session.execute(db.select(model).filter_by(**where).order_by(model.id)).scalars().first()


@dataclass
class Record:
    name: str
    user: str
    page: Callable[[], str]
    action: Callable[[], str]
    field: str
    read: Callable[[], object]
    values: tuple[str, str]
    having: str | None = None


RECORDS = [
    Record("campaign", "admin", lambda: f"/admin/campaigns/{_first(Campaign).id}/edit",
           lambda: f"/admin/campaigns/{_first(Campaign).id}/edit", "title",
           lambda: _first(Campaign).title, ("Kế hoạch tổng kết (sửa lần A)", "Kế hoạch tổng kết (sửa lần B)")),
    Record("milestone", "admin",
           lambda: f"/admin/campaigns/{_first(Campaign).id}/milestones/{_first(Milestone).id}/edit",
           lambda: f"/milestones/{_first(Milestone).id}/edit", "title",
           lambda: _first(Milestone).title, ("Nộp báo cáo (A)", "Nộp báo cáo (B)")),
    Record("unit", "admin", lambda: f"/admin/units/{_first(Unit, code='19567').id}/edit",
           lambda: f"/admin/units/{_first(Unit, code='19567').id}/edit", "name",
           lambda: _first(Unit, code="19567").name, ("Xã Triệu Nguyên (A)", "Xã Triệu Nguyên (B)")),
    Record("account", "admin", lambda: f"/admin/users/{_first(User, username='bc-19567').id}/edit",
           lambda: f"/admin/users/{_first(User, username='bc-19567').id}/edit", "full_name",
           lambda: _first(User, username="bc-19567").full_name, ("Nguyễn Văn A", "Nguyễn Văn B")),
    Record("award form", "noivu", lambda: f"/board-config/forms/{_first(AwardForm).id}",
           lambda: f"/board-config/forms/{_first(AwardForm).id}", "name",
           lambda: _first(AwardForm).name, ("Giấy khen (A)", "Giấy khen (B)")),
    Record("scoring criterion", "noivu", lambda: "/board-config",
           lambda: f"/board-config/criteria/{_first(ScoringCriterion).id}", "name",
           lambda: _first(ScoringCriterion).name, ("Tiêu chí (A)", "Tiêu chí (B)")),
    Record("board settings", "noivu", lambda: "/board-config", lambda: "/board-config/settings", "money_rounding",
           lambda: _first(Campaign).money_rounding, ("1000", "100")),
    Record("conference", "nnptnt", lambda: "/conference/edit", lambda: "/conference/edit", "place",
           lambda: _first(Conference).place, ("Hội trường A", "Hội trường B")),
    Record("agenda item", "nnptnt", lambda: "/conference",
           lambda: f"/conference/agenda/{_first(ConferenceAgendaItem).id}", "content",
           lambda: _first(ConferenceAgendaItem).content, ("Khai mạc (A)", "Khai mạc (B)"), having="content"),
    Record("budget line", "nnptnt", lambda: "/conference/estimate",
           lambda: f"/conference/estimate/lines/{_first(BudgetLine, kind='item').id}", "item",
           lambda: _first(BudgetLine, kind="item").item, ("Hoa tươi (A)", "Hoa tươi (B)"), having="item"),
    Record("certificate layout", "nnptnt", lambda: "/conference/programme", lambda: "/certificates/layout",
           "cert_name_x", lambda: _first(Conference).cert_name_x, ("70", "80")),
]


@pytest.mark.parametrize("record", RECORDS, ids=[r.name for r in RECORDS])
def test_the_second_of_two_simultaneous_edits_is_told_and_overwrites_nothing(demo_reports, as_user, record):
    first, second = as_user(record.user), as_user(record.user)
    page = record.page()
    drawn_first = form_to(first.get(page).get_data(as_text=True), record.action(), record.having, page)
    drawn_second = form_to(second.get(page).get_data(as_text=True), record.action(), record.having, page)
    assert drawn_first.data().get("version"), f"the {record.name} form carries no version"

    saved = first.post(drawn_first.action, data=drawn_first.data(**{record.field: record.values[0]}),
                       headers={"Referer": f"http://localhost{page}"})
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    late = second.post(drawn_second.action, data=drawn_second.data(**{record.field: record.values[1]}),
                       headers={"Referer": f"http://localhost{page}"})
    assert late.status_code == 303 and late.location.endswith(page)
    again = second.get(late.location)
    assert again.status_code == 200 and MESSAGE in again.get_data(as_text=True)

    db.session.expire_all()
    assert str(record.read()) == record.values[0]  # the first change stands, the second changed nothing
