"""A unit downloads its report outline and a nomination's achievement report as Word drafts."""

from __future__ import annotations

import io

from docx import Document

from ntm_intranet.campaigns.models import Campaign
from ntm_intranet.extensions import db
from ntm_intranet.letterhead import money
from ntm_intranet.nominations.models import Nomination
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import Submission


def _unit(code) -> Unit:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()


def _texts(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return texts


def test_a_reporter_downloads_the_own_units_outline_with_its_figures(demo_reports, as_user):
    client = as_user("bc-19567")  # Triệu Nguyên
    own = _unit("19567")
    campaign = db.session.execute(db.select(Campaign)).scalars().first()
    sub = db.session.execute(db.select(Submission).filter_by(campaign_id=campaign.id, unit_id=own.id)).scalar_one()
    assert sub.money_total > 0

    assert f"/units/{own.id}/report/outline.docx" in client.get(f"/units/{own.id}/report").get_data(as_text=True)
    response = client.get(f"/units/{own.id}/report/outline.docx")
    assert response.status_code == 200
    assert "2015-06-27_de-cuong-bao-cao_19567.docx" in response.headers["Content-Disposition"]
    texts = _texts(response.data)
    assert "BÁO CÁO" in texts
    assert money(sub.money_total) in texts
    assert money(sub.money_state) in texts
    assert sum(1 for t in texts if t == "✓") >= sum(1 for r in sub.criteria if r.met_end)

    other = _unit("19558")  # Mò Ó
    assert client.get(f"/units/{other.id}/report/outline.docx").status_code == 404


def test_a_reporter_downloads_the_achievement_report_of_an_own_nomination(demo_reports, as_user):
    client = as_user("bc-19567")
    own = _unit("19567")
    nomination = db.session.execute(db.select(Nomination).filter_by(unit_id=own.id)).scalars().first()
    page = client.get(f"/nominations/{nomination.id}").get_data(as_text=True)
    assert f"/nominations/{nomination.id}/achievement.docx" in page
    response = client.get(f"/nominations/{nomination.id}/achievement.docx")
    assert response.status_code == 200
    texts = _texts(response.data)
    assert "BÁO CÁO THÀNH TÍCH" in texts
    assert f"Đề nghị tặng (truy tặng) {nomination.form.name}" in texts

    foreign = db.session.execute(db.select(Nomination).filter(Nomination.unit_id != own.id)).scalars().first()
    assert client.get(f"/nominations/{foreign.id}/achievement.docx").status_code == 404
