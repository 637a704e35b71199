"""A unit downloads its report outline and a nomination's achievement report as Word drafts."""

from __future__ import annotations

import io

from docx import Document

from ntm_intranet.auth.models import User
from ntm_intranet.campaigns import services as campaigns
from ntm_intranet.campaigns.models import Campaign
from ntm_intranet.extensions import db
from ntm_intranet.letterhead import money
from ntm_intranet.nominations.models import Nomination
from ntm_intranet.org.models import Unit
from ntm_intranet.reports.models import Submission

from .. import factories
from ..conftest import REPORTS_DAY


def _unit(code) -> Unit:
    return db.session.execute(db.select(Unit).filter_by(code=code)).scalar_one()


def _reporter(username) -> User:
    return db.session.execute(db.select(User).filter_by(username=username)).scalar_one()


def _texts(data: bytes) -> list[str]:
    doc = Document(io.BytesIO(data))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts.extend(cell.text for row in table.rows for cell in row.cells)
    return texts


def test_a_reporter_downloads_the_own_units_outline_with_its_figures(demo, as_user):
    demo.config["NTM_TODAY"] = REPORTS_DAY
    own = _unit("19567")
    criteria = {c.id: (c.number < 3, c.number < 11) for c in campaigns.criteria_of(campaigns.active_campaign())}
    factories.submission(own, state="accepted", met=criteria, by=_reporter("bc-19567"))
    client = as_user("bc-19567")  # Triệu Nguyên
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


def test_a_reporter_downloads_the_achievement_report_of_an_own_nomination(demo, as_user):
    own = _unit("19567")
    factories.nomination(unit_=own, by=_reporter("bc-19567"), name="Hồ Văn Lâm", position="Trưởng thôn")
    factories.nomination(unit_=_unit("19588"))  # another commune's
    client = as_user("bc-19567")
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
