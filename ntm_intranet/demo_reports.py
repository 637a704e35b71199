"""The demo's reports as they stood on 27/06/2015: on time, late, missing, sent back, extended.

Figures are invented but shaped on the district's real ones (DOMAIN.md §3): about 500 billion đồng
mobilised in 2011–2015, nine tenths of it state budget, about 1 % from the people; criteria met per
commune 1.2 on average in 2010 and 6.6 in 2015, Triệu Nguyên 10. The report files are real Word
documents, written here, stored like any upload.
"""

from __future__ import annotations

import io
import random
from datetime import UTC, date, datetime, time

from werkzeug.datastructures import FileStorage

from . import audit, clock, uploads
from .auth.models import User
from .campaigns.models import Campaign, Criterion, Milestone
from .extensions import db
from .notifications import services as notifications
from .org.models import Unit
from .reports.models import CriterionResult, Extension, Reminder, ReportFile, Status, Submission

DEMO_DAY = date(2015, 6, 27)

# code: (report sent on, status, meeting held on) — None = not (yet)
AGENCY_STATE = {
    "VP": (date(2015, 6, 17), "accepted", date(2015, 6, 19)),
    "NV": (date(2015, 6, 18), "accepted", date(2015, 6, 22)),
    "TP": (date(2015, 6, 19), "accepted", date(2015, 6, 23)),
    "TCKH": (date(2015, 6, 20), "accepted", date(2015, 6, 24)),
    "TNMT": (date(2015, 6, 20), "submitted", date(2015, 6, 24)),
    "LDTBXH": (date(2015, 6, 19), "returned", date(2015, 6, 25)),
    "VHTT": (date(2015, 6, 16), "accepted", date(2015, 6, 18)),
    "GDDT": (date(2015, 6, 22), "submitted", date(2015, 6, 25)),
    "YT": (date(2015, 6, 24), "submitted", date(2015, 6, 26)),
    "TTR": (None, None, None),
    "NNPTNT": (date(2015, 6, 15), "accepted", date(2015, 6, 19)),
    "KTHT": (date(2015, 6, 20), "submitted", date(2015, 6, 25)),
    "DT": (None, None, date(2015, 6, 24)),
    "MTTQ": (date(2015, 6, 18), "accepted", date(2015, 6, 23)),
    "HDOAN": (date(2015, 6, 23), "submitted", None),
    "HLHPN": (date(2015, 6, 19), "submitted", date(2015, 6, 24)),
    "HND": (date(2015, 6, 20), "submitted", date(2015, 6, 25)),
    "HCCB": (None, "draft", None),
    "LDLD": (None, None, None),
}
COMMUNE_STATE = {
    "19555": (date(2015, 6, 24), "accepted", date(2015, 6, 26)),
    "19558": (date(2015, 6, 25), "submitted", None),
    "19561": (None, None, None),
    "19564": (date(2015, 6, 23), "submitted", None),
    "19567": (date(2015, 6, 22), "accepted", date(2015, 6, 26)),
    "19570": (date(2015, 6, 26), "submitted", None),
    "19573": (date(2015, 6, 24), "returned", None),
    "19576": (None, "draft", None),
    "19579": (date(2015, 6, 25), "submitted", None),
    "19582": (None, None, None),
    "19585": (date(2015, 6, 27), "submitted", None),
    "19588": (date(2015, 6, 25), "accepted", date(2015, 6, 27)),
    "19591": (None, None, None),
    "19594": (date(2015, 6, 24), "submitted", None),
}
# Criteria met (2010, 2015) per commune; Triệu Nguyên met 10 (DOMAIN.md §3).
CRITERIA_MET = {
    "19555": ({4, 8}, {1, 2, 4, 5, 8, 14, 15, 18, 19}), "19558": ({8}, {1, 4, 8, 18, 19}),
    "19561": ({4}, {1, 4, 8, 19}), "19564": ({8}, {1, 4, 8, 15, 18, 19}),
    "19567": ({4, 8}, {1, 2, 3, 4, 8, 14, 15, 16, 18, 19}), "19570": ({8}, {1, 4, 8, 14, 18, 19}),
    "19573": ({4}, {1, 4, 8, 15, 19}), "19576": (set(), {1, 8, 19}), "19579": ({8}, {1, 4, 8, 19}),
    "19582": (set(), {1, 8, 19}), "19585": ({8}, {1, 4, 8, 15, 19}), "19588": ({4}, {1, 4, 8, 14, 18, 19}),
    "19591": (set(), {1, 8, 19}), "19594": ({8}, {1, 4, 8, 19}),
}
RETURN_COMMENTS = {
    "LDTBXH": "Đề nghị bổ sung số liệu hộ nghèo thoát nghèo giai đoạn 2011–2015 và ký, đóng dấu báo cáo.",
    "19573": "Số liệu vốn nhân dân đóng góp chưa khớp với biểu tổng hợp; đề nghị rà soát và gửi lại kèm biểu chi "
             "tiết theo từng thôn.",
}
EXTENSIONS = {"TTR": (date(2015, 6, 30), "Đơn vị đang thanh tra theo kế hoạch, xin gia hạn báo cáo đến 30/6.")}


def _at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    """A Vietnamese wall-clock moment, stored (like every time) in UTC."""
    return datetime.combine(day, time(hour, minute), tzinfo=clock.VN).astimezone(UTC)


def _report_docx(unit: Unit, campaign: Campaign, sub: Submission) -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph(unit.name.upper())
    document.add_heading("BÁO CÁO", level=1)
    document.add_paragraph(f"Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn "
                           f"{campaign.period_start}–{campaign.period_end} (theo Kế hoạch {campaign.doc_number})")
    for title in ("I. Công tác lãnh đạo, chỉ đạo, tuyên truyền", "II. Kết quả thực hiện 19 tiêu chí",
                  "III. Tác động của phong trào", "IV. Tồn tại, hạn chế, bài học kinh nghiệm",
                  "V. Phương hướng giai đoạn 2016–2020", "VI. Đề xuất khen thưởng"):
        document.add_heading(title, level=2)
        document.add_paragraph("(Nội dung báo cáo của đơn vị.)")
    document.add_paragraph(f"Tổng vốn huy động: {sub.money_total:,} đồng; ngày công: {sub.labour_days:,}; "
                           f"đất hiến: {sub.land_m2:,} m².".replace(",", "."))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _figures(rng: random.Random, commune: bool) -> dict[str, int]:
    if commune:
        return {"money_state": rng.randrange(18, 42) * 1_000_000_000 + rng.randrange(0, 1000) * 1_000_000,
                "money_people": rng.randrange(120, 650) * 1_000_000, "money_other": rng.randrange(1, 4) * 800_000_000,
                "labour_days": rng.randrange(2_000, 12_000), "land_m2": rng.randrange(3_000, 25_000),
                "trees": rng.randrange(200, 3_000), "structures_moved": rng.randrange(5, 60),
                "road_m": rng.randrange(3_000, 18_000)}
    return {"money_state": rng.randrange(0, 6) * 500_000_000, "money_people": rng.randrange(0, 50) * 1_000_000,
            "money_other": rng.randrange(0, 20) * 10_000_000, "labour_days": rng.randrange(100, 1_500),
            "land_m2": 0, "trees": rng.randrange(0, 500), "structures_moved": 0, "road_m": rng.randrange(0, 2) * 1_000}


def load_demo_reports() -> int:
    """Create the 27/06/2015 state once; returns how many dossiers were created (0 if already there)."""
    campaign = db.session.execute(db.select(Campaign).filter_by(doc_number="76/KH-UBND")).scalar_one()
    if db.session.execute(db.select(Submission.id).filter_by(campaign_id=campaign.id).limit(1)).first():
        return 0
    rng = random.Random(76)
    units = {u.code: u for u in db.session.execute(db.select(Unit)).scalars()}
    reporters = {u.unit_id: u for u in db.session.execute(db.select(User).filter(User.username.like("bc-%"))).scalars()}
    coordinator = db.session.execute(db.select(User).filter_by(username="nnptnt")).scalar_one_or_none()
    criteria = {c.number: c for c in db.session.execute(
        db.select(Criterion).filter_by(set_code=campaign.criteria_set)).scalars()}
    created = 0
    for code, (sent_on, status, meeting_on) in {**AGENCY_STATE, **COMMUNE_STATE}.items():
        unit = units[code]
        commune = code in COMMUNE_STATE
        if status is None and meeting_on is None:
            continue
        sub = Submission(campaign_id=campaign.id, unit_id=unit.id, status=status or Status.DRAFT.value)
        for name, value in _figures(rng, commune).items():
            setattr(sub, name, value)
        if status not in (None, "draft"):
            sub.figures_saved_at = _at(sent_on, 8)
            sub.first_submitted_at = sub.submitted_at = _at(sent_on)
        if meeting_on:
            sub.meeting_held_on, sub.meeting_recorded_at = meeting_on, _at(meeting_on, 16)
        if status in ("accepted", "returned"):
            sub.reviewed_at = _at(min(DEMO_DAY, date.fromordinal(sent_on.toordinal() + 2)), 14)
            sub.reviewed_by_id = coordinator.id if coordinator else None
            sub.review_comment = RETURN_COMMENTS.get(code, "")
        if commune:
            start, end = CRITERIA_MET[code]
            for number, criterion in criteria.items():
                sub.criteria.append(CriterionResult(criterion_id=criterion.id, met_start=number in start,
                                                    met_end=number in end))
        db.session.add(sub)
        db.session.flush()
        reporter = reporters.get(unit.id)
        if status not in (None,) and (sent_on or status == "draft"):
            upload_day = sent_on or DEMO_DAY
            stored = uploads.store(FileStorage(io.BytesIO(_report_docx(unit, campaign, sub)),
                                               filename=f"Báo cáo tổng kết NTM 2011-2015 – {unit.name}.docx"))
            db.session.add(ReportFile(submission_id=sub.id, kind="report", version=1,
                                      original_name=stored.original_name, sha256=stored.sha256, size=stored.size,
                                      content_type=stored.content_type, uploaded_at=_at(upload_day, 9, 10),
                                      uploaded_by_id=reporter.id if reporter else None))
        created += 1
    for code, (due, reason) in EXTENSIONS.items():
        milestone = campaign.milestone_for(units[code].kind, "report")
        db.session.add(Extension(milestone_id=milestone.id, unit_id=units[code].id, due_date=due, reason=reason,
                                 granted_by_id=coordinator.id if coordinator else None,
                                 granted_at=_at(date(2015, 6, 21))))
    _demo_reminders(campaign, units, coordinator)
    audit.record("demo_reports_loaded", object_type="campaign", object_id=campaign.id,
                 summary=f"{created} dossiers as of {DEMO_DAY:%d/%m/%Y}")
    db.session.commit()
    return created


def _demo_reminders(campaign: Campaign, units: dict[str, Unit], coordinator) -> None:
    """The coordinator reminded the late agencies on 22/06 and the late communes on 26/06."""
    batches = [(date(2015, 6, 22), [c for c, (s, _st, _m) in AGENCY_STATE.items() if not s or s > date(2015, 6, 20)]),
               (date(2015, 6, 26), [c for c, (s, _st, _m) in COMMUNE_STATE.items() if not s or s > date(2015, 6, 25)])]
    for day, codes in batches:
        for code in codes:
            unit = units[code]
            milestone: Milestone = campaign.milestone_for(unit.kind, "report")
            overdue = (day - milestone.due_date).days
            text = (f"Đề nghị {unit.name} khẩn trương thực hiện: {milestone.title}. Hạn "
                    f"{milestone.due_date:%d/%m/%Y} đã quá {overdue} ngày.")
            db.session.add(Reminder(unit_id=unit.id, milestone_id=milestone.id, kind="manual", sent_on=day,
                                    sent_at=_at(day, 8, 15), sent_by_id=coordinator.id if coordinator else None,
                                    message=text))
            users = notifications.unit_reporters(unit.id)
            notifications.notify(users, f"Đôn đốc: {milestone.title}", text, f"/units/{unit.id}")
