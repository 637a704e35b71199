"""Two people changing one dossier at the same instant: the second is refused like a stale page, never a 500.

Each test lets another writer commit through its own connection at the worst moment (after the request
has read the dossier and checked its version, before it writes), as a second tab or a colleague would.
tests/load/test_concurrency.py provokes the same races with real concurrent clients under gunicorn.
"""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from sqlalchemy import event, insert, update
from sqlalchemy.orm import Session

from ntm_intranet.audit import AuditEvent
from ntm_intranet.campaigns.services import active_campaign
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit
from ntm_intranet.reports import services
from ntm_intranet.reports.models import ReportFile, Submission

from .. import factories
from ..conftest import post

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STALE = "Hồ sơ vừa được thay đổi ở nơi khác"


pytestmark = pytest.mark.usefixtures("upload_dir")  # each test its own upload folder (tests/conftest.py)


def unit_id(code: str) -> int:
    return db.session.execute(db.select(Unit.id).filter_by(code=code)).scalar_one()


def version_of(client, uid: int, action: str) -> str:
    page = client.get(f"/units/{uid}/report").get_data(as_text=True)
    return re.search(rf'action="[^"]*{action}[^"]*".*?name="version" type="hidden" value="(\d*)"', page, re.S) \
        .group(1)


def alert(response) -> str:
    match = re.search(r'role="alert"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return unescape(match.group(1)) if match else ""


def someone_else_meanwhile(monkeypatch, change):
    """Run `change(connection, submission)` in another connection, committed, right after the request has
    passed its version check."""
    checked = services._check_version

    def racing(sub, expected):
        checked(sub, expected)
        with db.engine.begin() as connection:
            change(connection, sub)

    monkeypatch.setattr(services, "_check_version", racing)


def audited(action: str) -> int:
    return db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(action=action))


def test_a_review_that_races_another_change_of_the_dossier_is_refused_as_stale(demo, as_user, monkeypatch):
    factories.submission(db.session.execute(db.select(Unit).filter_by(code="19558")).scalar_one())
    coordinator, uid = as_user("nnptnt"), unit_id("19558")  # a commune's report awaiting review
    version = version_of(coordinator, uid, "/report/review")
    someone_else_meanwhile(monkeypatch, lambda connection, sub: connection.execute(
        update(Submission).where(Submission.id == sub.id).values(version=Submission.version + 1)))

    response = post(coordinator, f"/units/{uid}/report/review", {"decision": "accept", "comment": "",
                                                                 "version": version})

    assert response.status_code == 422
    assert STALE in alert(response)
    db.session.expire_all()
    assert db.session.execute(db.select(Submission.status).filter_by(unit_id=uid)).scalar_one() == "submitted"
    assert audited("report_accepted") == 0


def test_an_upload_whose_version_number_was_just_taken_is_refused_and_leaves_no_file(demo, as_user, monkeypatch,
                                                                                    upload_dir):
    reporter, uid = as_user("bc-19567"), unit_id("19567")
    url = f"/units/{uid}/report/files?kind=report"
    assert post(reporter, url, {"file": (io.BytesIO(PDF), "v1.pdf")}).status_code == 302
    first = set(upload_dir.rglob("*"))

    def other_tab_uploads_version_2(connection, sub):
        user_id = db.session.scalar(db.select(ReportFile.uploaded_by_id))
        connection.execute(insert(ReportFile).values(
            submission_id=sub.id, kind="report", version=2, original_name="v2 từ tab khác.pdf", sha256="ab" * 32,
            size=10, content_type="application/pdf", uploaded_at=db.func.now(), uploaded_by_id=user_id))

    someone_else_meanwhile(monkeypatch, other_tab_uploads_version_2)
    response = post(reporter, url, {"file": (io.BytesIO(PDF + b"% v2\n"), "v2.pdf")})

    assert response.status_code == 422
    assert STALE in alert(response)
    db.session.expire_all()
    names = db.session.execute(db.select(ReportFile.version, ReportFile.original_name).order_by(ReportFile.version))
    assert [tuple(r) for r in names] == [(1, "v1.pdf"), (2, "v2 từ tab khác.pdf")]
    assert {p for p in upload_dir.rglob("*") if p.is_file()} == {p for p in first if p.is_file()}
    assert audited("report_file_uploaded") == 1


def test_a_dossier_created_at_the_same_instant_by_a_colleague_is_used_not_duplicated(demo, as_user):
    reporter, uid = as_user("bc-19567"), unit_id("19567")
    campaign_id = active_campaign().id
    rivals = []

    def colleague_creates_it_first(session, _context, _instances):
        if rivals or not any(isinstance(o, Submission) for o in session.new):
            return
        with db.engine.begin() as connection:
            rivals.append(connection.execute(insert(Submission).values(
                campaign_id=campaign_id, unit_id=uid, status="draft", version=1, review_comment="",
                money_state=0, money_people=0, money_other=0, labour_days=0, land_m2=0, trees=0,
                structures_moved=0, road_m=0)).inserted_primary_key[0])

    event.listen(Session, "before_flush", colleague_creates_it_first)
    try:
        response = post(reporter, f"/units/{uid}/report/files?kind=report", {"file": (io.BytesIO(PDF), "v1.pdf")})
    finally:
        event.remove(Session, "before_flush", colleague_creates_it_first)

    assert response.status_code == 302, alert(response)
    db.session.expire_all()
    assert db.session.execute(db.select(Submission.id).filter_by(unit_id=uid)).scalars().all() == rivals
    assert db.session.execute(db.select(ReportFile.submission_id)).scalars().all() == rivals
