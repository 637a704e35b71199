"""The campaign of plan 76/KH-UBND: read by everyone, edited by the administrator."""

from __future__ import annotations

from ntm_intranet.audit import AuditEvent
from ntm_intranet.campaigns.models import Campaign, Milestone
from ntm_intranet.extensions import db

from ..conftest import post


def _campaign():
    return db.session.execute(db.select(Campaign).filter_by(doc_number="76/KH-UBND")).scalar_one()


def test_the_campaign_page_shows_the_plan_its_bases_deadlines_and_criteria(demo, as_user):
    html = as_user("bc-19567").get(f"/campaigns/{_campaign().id}").get_data(as_text=True)
    assert "76/KH-UBND" in html and "19/05/2015" in html
    assert "260/HD-BTĐKT" in html and "1405/KH-UBND" in html
    for due in ("20/06/2015", "25/06/2015", "30/06/2015", "10/07/2015"):
        assert due in html
    assert "19 tiêu chí" in html and "Hệ thống tổ chức chính trị – xã hội vững mạnh" in html
    assert "Sửa kế hoạch" not in html  # a reporter reads, does not edit


def test_milestone_table_counts_the_units_each_deadline_applies_to(demo, as_user):
    html = as_user("admin").get(f"/campaigns/{_campaign().id}").get_data(as_text=True)
    # 19 agencies report by 20/06; 13 communes and the town by 25/06
    row_agencies = html.split("20/06/2015")[1].split("</tr>")[0]
    row_communes = html.split("25/06/2015")[2].split("</tr>")[0]  # [1] is the agencies' meeting
    assert ">19<" in row_agencies
    assert ">14<" in row_communes


def test_admin_creates_a_campaign_with_a_dd_mm_yyyy_date(demo, as_user):
    client = as_user("admin")
    response = post(client, "/admin/campaigns/new", {
        "title": "Tổng kết phong trào giai đoạn 2016–2020", "doc_number": "12/KH-UBND", "doc_date": "05/03/2020",
        "issuer": "UBND huyện Đakrông", "signer": "Nguyễn Văn A", "legal_bases": "Căn cứ 1\nCăn cứ 2",
        "period_start": "2016", "period_end": "2020", "criteria_set": "1980/2016", "active": "y"})
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "05/03/2020" in page and "2016–2020" in page
    # (the demo's own campaign was created through the same service, so it has its event too)
    assert db.session.execute(db.select(AuditEvent).filter_by(action="campaign_created", summary="12/KH-UBND")) \
        .scalar_one()


def test_a_bad_date_or_period_is_explained_and_nothing_is_saved(demo, as_user):
    client = as_user("admin")
    html = post(client, "/admin/campaigns/new", {
        "title": "Kế hoạch thử", "doc_number": "13/KH-UBND", "doc_date": "31/02/2020",
        "period_start": "2020", "period_end": "2016"}).get_data(as_text=True)
    assert "Ngày không hợp lệ (dd/mm/yyyy)." in html
    assert "Năm kết thúc phải sau năm bắt đầu." in html
    assert 'value="Kế hoạch thử"' in html  # what was typed is kept
    assert db.session.execute(db.select(db.func.count(Campaign.id))).scalar_one() == 1


def test_a_duplicate_document_number_is_refused(demo, as_user):
    html = post(as_user("admin"), "/admin/campaigns/new", {
        "title": "Trùng số", "doc_number": "76/KH-UBND", "doc_date": "19/05/2015",
        "period_start": "2011", "period_end": "2015"}).get_data(as_text=True)
    assert "Đã có kế hoạch mang số văn bản này." in html


def test_admin_adds_moves_and_deletes_a_milestone_and_each_change_is_audited(demo, as_user):
    client = as_user("admin")
    campaign = _campaign()
    response = post(client, f"/admin/campaigns/{campaign.id}/milestones/new", {
        "kind": "report", "title": "Báo cáo bổ sung số liệu", "unit_kinds": ["commune", "town"],
        "due_date": "05/07/2015"})
    assert response.status_code == 302
    milestone = db.session.execute(db.select(Milestone).filter_by(title="Báo cáo bổ sung số liệu")).scalar_one()
    assert milestone.kinds == ["commune", "town"]

    post(client, f"/admin/campaigns/{campaign.id}/milestones/{milestone.id}/edit", {
        "kind": "report", "title": "Báo cáo bổ sung số liệu", "unit_kinds": ["commune"], "due_date": "2015-07-06"})
    html = client.get(f"/campaigns/{campaign.id}").get_data(as_text=True)
    assert "06/07/2015" in html

    post(client, f"/admin/campaigns/{campaign.id}/milestones/{milestone.id}/delete")
    assert db.session.get(Milestone, milestone.id) is None
    actions = set(db.session.execute(db.select(AuditEvent.action)).scalars())
    assert {"milestone_created", "milestone_updated", "milestone_deleted"} <= actions


def test_a_milestone_needs_at_least_one_kind_of_unit(demo, as_user):
    html = post(as_user("admin"), f"/admin/campaigns/{_campaign().id}/milestones/new", {
        "kind": "report", "title": "X", "due_date": "05/07/2015"}).get_data(as_text=True)
    assert "Chọn ít nhất một loại đơn vị." in html


def test_a_milestone_of_another_campaign_is_not_found(demo, as_user):
    client = as_user("admin")
    post(client, "/admin/campaigns/new", {"title": "Khác", "doc_number": "1/KH", "doc_date": "01/01/2020",
                                          "period_start": "2016", "period_end": "2020"})
    other = db.session.execute(db.select(Campaign).filter_by(doc_number="1/KH")).scalar_one()
    milestone = _campaign().milestones[0]
    assert client.get(f"/admin/campaigns/{other.id}/milestones/{milestone.id}/edit").status_code == 404
    assert post(client, f"/admin/campaigns/{other.id}/milestones/{milestone.id}/delete").status_code == 404
