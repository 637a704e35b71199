"""A synthetic campaign at province or nation scale, for the benchmark and the query-count tests.

`seed_scale(units=N)` writes N reporting units (a province of districts, each with its agencies and
communes) and their dossiers in every state, with bulk inserts so 10,000 units take seconds.

Unlike the rest of `demo/`, which builds the demo world by calling the services a user's clicks call,
this module keeps its bulk inserts on purpose: going through the services (one transaction and one
audit record per change) would take hours for 10,000 units, and a benchmark needs volume, not a story.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import func, insert

from ..campaigns.models import Campaign, Milestone
from ..extensions import db
from ..org.models import Unit, UnitKind
from ..reports.models import Extension, Status, Submission

AGENCIES_PER_DISTRICT = 19
COMMUNES_PER_DISTRICT = 14
_JUNE_20 = datetime(2015, 6, 20, 2, 0, tzinfo=UTC)


def _ensure_campaign() -> Campaign:
    campaign = db.session.execute(db.select(Campaign).filter_by(active=True)).scalars().first()
    if campaign is not None:
        return campaign
    from .world import CAMPAIGN, MILESTONES

    campaign = Campaign(**CAMPAIGN)
    for kind, title, kinds, due in MILESTONES:
        campaign.milestones.append(Milestone(kind=kind, title=title, unit_kinds=kinds, due_date=due))
    db.session.add(campaign)
    db.session.commit()
    return campaign


def seed_scale(units: int, seed: int = 2015) -> dict[str, int]:
    rng = random.Random(seed)
    campaign = _ensure_campaign()
    start = (db.session.execute(db.select(func.max(Unit.id))).scalar() or 0) + 1
    per_district = AGENCIES_PER_DISTRICT + COMMUNES_PER_DISTRICT
    districts = max(1, -(-units // per_district))
    province_id = start
    rows = [{"id": province_id, "code": f"S{province_id}", "name": "Tỉnh tổng hợp (dữ liệu thử)",
             "kind": UnitKind.PROVINCE.value, "parent_id": None, "active": True, "sort_order": 0}]
    next_id = start + 1
    reporting = []
    for d in range(districts):
        district_id = next_id
        next_id += 1
        rows.append({"id": district_id, "code": f"S{district_id}", "name": f"Huyện thử nghiệm {d + 1}",
                     "kind": UnitKind.DISTRICT.value, "parent_id": province_id, "active": True, "sort_order": d})
        for i in range(per_district):
            if len(reporting) >= units:
                break
            kind = UnitKind.AGENCY if i < AGENCIES_PER_DISTRICT else (UnitKind.TOWN if i == AGENCIES_PER_DISTRICT
                                                                     else UnitKind.COMMUNE)
            label = "Phòng thử" if kind == UnitKind.AGENCY else ("Thị trấn thử" if kind == UnitKind.TOWN else "Xã thử")
            rows.append({"id": next_id, "code": f"S{next_id}", "name": f"{label} {d + 1}.{i + 1}", "kind": kind.value,
                         "parent_id": district_id, "active": True, "sort_order": i})
            reporting.append((next_id, kind.value))
            next_id += 1
    db.session.execute(insert(Unit), rows)

    milestones = {(k, mk): campaign.milestone_for(k, mk) for k in ("agency", "town", "commune")
                  for mk in ("report", "meeting")}
    subs, extensions = [], []
    for unit_id, kind in reporting:
        due = milestones[(kind, "report")].due_date
        roll = rng.random()
        if roll < 0.15:
            continue  # nothing at all
        if roll < 0.25:
            status, sent = Status.DRAFT.value, None
        else:
            status = rng.choice([Status.SUBMITTED, Status.ACCEPTED, Status.ACCEPTED, Status.RETURNED]).value
            sent = due + timedelta(days=rng.randint(-6, 5))
        moment = datetime.combine(sent, time(2, 30), tzinfo=UTC) if sent else None
        meeting_due = milestones[(kind, "meeting")].due_date
        meeting = meeting_due - timedelta(days=rng.randint(-3, 6)) if rng.random() < 0.6 else None
        subs.append({"campaign_id": campaign.id, "unit_id": unit_id, "status": status, "version": 1,
                     "first_submitted_at": moment, "submitted_at": moment, "meeting_held_on": meeting,
                     "review_comment": "Đề nghị bổ sung số liệu." if status == Status.RETURNED.value else "",
                     "money_state": rng.randrange(0, 40) * 1_000_000_000,
                     "money_people": rng.randrange(0, 600) * 1_000_000,
                     "money_other": rng.randrange(0, 3) * 800_000_000, "labour_days": rng.randrange(0, 12_000),
                     "land_m2": rng.randrange(0, 25_000), "trees": rng.randrange(0, 3_000),
                     "structures_moved": rng.randrange(0, 60), "road_m": rng.randrange(0, 18_000)})
        if rng.random() < 0.03:
            extensions.append({"milestone_id": milestones[(kind, "report")].id, "unit_id": unit_id,
                               "due_date": due + timedelta(days=7), "reason": "Gia hạn thử nghiệm",
                               "granted_at": datetime(2015, 6, 21, 2, 0, tzinfo=UTC)})
    if subs:
        db.session.execute(insert(Submission), subs)
    if extensions:
        db.session.execute(insert(Extension), extensions)
    files = _report_versions(campaign, rng, start)
    db.session.commit()
    return {"units": len(rows), "reporting_units": len(reporting), "submissions": len(subs),
            "extensions": len(extensions), "report_files": files}


def _report_versions(campaign: Campaign, rng: random.Random, first_unit_id: int) -> int:
    """One to three versions of the report for every dossier beyond a draft, as units re-upload after a
    send-back. All rows share one real stored PDF (the store is content-addressed), so a download works."""
    import io

    from werkzeug.datastructures import FileStorage

    from .. import uploads
    from ..reports.models import FileKind, ReportFile

    pdf = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
           b"trailer<</Root 1 0 R>>\n%%EOF\n")
    stored = uploads.store(FileStorage(io.BytesIO(pdf), filename="bao-cao-tong-ket.pdf"))
    rows = []
    for sub_id, status, sent in db.session.execute(
            db.select(Submission.id, Submission.status, Submission.submitted_at)
            .filter(Submission.campaign_id == campaign.id, Submission.unit_id >= first_unit_id,
                    Submission.status != Status.DRAFT.value)):
        versions = 1 + (rng.random() < 0.3) + (status == Status.RETURNED.value)
        for version in range(1, versions + 1):
            rows.append({"submission_id": sub_id, "kind": FileKind.REPORT.value, "version": version,
                         "original_name": f"Báo cáo tổng kết (bản {version}).pdf", "sha256": stored.sha256,
                         "size": stored.size, "content_type": stored.content_type,
                         "uploaded_at": (sent or _JUNE_20) - timedelta(days=versions - version)})
    if rows:
        db.session.execute(insert(ReportFile), rows)
    return len(rows)


__all__ = ["seed_scale"]


def seed_session(candidates: int, members: int = 15, criteria: int = 5, seed: int = 2015) -> int:
    """A closed board session with `candidates` × `members` anonymous ballots scored on `criteria` criteria.

    Returns the session id. Bulk inserts, for the results-page query count and the benchmark.
    """
    import secrets
    from datetime import date

    from ..auth.models import User, UserRole
    from ..nominations.models import AwardForm, BoardMember, Nomination, ScoringCriterion
    from ..voting.models import AgendaItem, Attendance, Ballot, BallotScore, BoardSession, VoteRecord

    rng = random.Random(seed)
    campaign = _ensure_campaign()
    unit_id = db.session.execute(db.select(Unit.id).filter(Unit.kind.in_(["commune", "agency", "town"]))).scalars() \
        .first()
    form = db.session.execute(db.select(AwardForm).filter_by(campaign_id=campaign.id)).scalars().first()
    if form is None:
        form = AwardForm(campaign_id=campaign.id, code="GK", name="Giấy khen", recipient_kinds="individual",
                         threshold_percent=50, threshold_strict=True, coefficient=0)
        db.session.add(form)
        db.session.flush()
    crits = [ScoringCriterion(campaign_id=campaign.id, name=f"Tiêu chí thử {i + 1}", max_points=10, weight=i + 1)
             for i in range(criteria)]
    db.session.add_all(crits)
    people = []
    for i in range(members):
        # "!" is no scrypt hash: these synthetic members can never log in.
        user = User(username=f"scale-m{secrets.token_hex(4)}-{i}", full_name=f"Thành viên thử {i + 1}",
                    password_hash="!", session_token=secrets.token_urlsafe(24),  # noqa: S106
                    must_change_password=False)
        user.role_rows.append(UserRole(role="member"))
        people.append(user)
    db.session.add_all(people)
    db.session.flush()
    for user in people:
        db.session.add(BoardMember(campaign_id=campaign.id, user_id=user.id))
    session = BoardSession(campaign_id=campaign.id, title=f"Phiên thử {candidates} hồ sơ", held_on=date(2015, 7, 8),
                           status="closed", members_total=members)
    db.session.add(session)
    db.session.flush()
    first = (db.session.execute(db.select(func.max(Nomination.id))).scalar() or 0) + 1
    db.session.execute(insert(Nomination), [
        {"id": first + i, "campaign_id": campaign.id, "unit_id": unit_id, "kind": "individual",
         "name": f"Người được đề nghị {i + 1}", "position": "", "address": "", "summary": "", "money": 0,
         "labour_days": 0, "land_m2": 0, "trees": 0, "proposed_form_id": form.id, "form_id": form.id,
         "status": "eligible", "screening_note": "", "version": 1} for i in range(candidates)])
    item_first = (db.session.execute(db.select(func.max(AgendaItem.id))).scalar() or 0) + 1
    db.session.execute(insert(AgendaItem), [
        {"id": item_first + i, "session_id": session.id, "nomination_id": first + i, "position": i}
        for i in range(candidates)])
    db.session.execute(insert(Attendance), [{"session_id": session.id, "user_id": u.id, "present": True}
                                            for u in people])
    db.session.execute(insert(VoteRecord), [{"session_id": session.id, "user_id": u.id, "written": False}
                                            for u in people])
    ballots, scores = [], []
    for i in range(candidates):
        for _member in range(members):
            ballot_id = secrets.token_hex(16)
            ballots.append({"id": ballot_id, "session_id": session.id, "item_id": item_first + i,
                            "choice": "agree" if rng.random() < 0.7 else "disagree", "written": False})
            scores.extend({"id": secrets.token_hex(16), "ballot_id": ballot_id, "criterion_id": c.id,
                           "points": rng.randint(0, 10)} for c in crits)
    db.session.execute(insert(Ballot), ballots)
    db.session.execute(insert(BallotScore), scores)
    db.session.commit()
    return session.id
