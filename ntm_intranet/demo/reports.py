"""The demo's reports as they stood on 27/06/2015: on time, late, missing, sent back, extended.

The units and the coordinator live through the campaign's days (15/06–27/06/2015) through the services
their clicks call: figures saved, the report uploaded and sent, reviewed (accepted or sent back), the
meeting recorded, an extension granted, the late units reminded. A draft holds the report its unit
uploaded and nothing typed yet (figures are saved on the day a unit sends its dossier).

Figures are invented but shaped on the district's real ones (DOMAIN.md §3): about 500 billion đồng
mobilised in 2011–2015, nine tenths of it state budget, about 1 % from the people; criteria met per
commune 1.2 on average in 2010 and 6.6 in 2015, Triệu Nguyên 10. The report files are real Word
documents, written here, stored like any upload.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import partial

from flask_login import current_user
from sqlalchemy import func

from ..campaigns import services as campaigns
from ..campaigns.models import Campaign
from ..extensions import db
from ..org.models import Unit
from ..reports import reminders, services
from ..reports.models import FileKind, Submission
from .steps import docx_upload, on_day
from .world import people, reporter_username, the_campaign, units_by_code

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


def _report(unit: Unit, campaign: Campaign, figures: dict[str, int]):
    money = figures["money_state"] + figures["money_people"] + figures["money_other"]
    return docx_upload(
        f"Báo cáo tổng kết NTM 2011-2015 – {unit.name}.docx", "BÁO CÁO",
        [f"Tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn "
         f"{campaign.period_start}–{campaign.period_end} (theo Kế hoạch {campaign.doc_number})"]
        + [text for title in ("I. Công tác lãnh đạo, chỉ đạo, tuyên truyền", "II. Kết quả thực hiện 19 tiêu chí",
                              "III. Tác động của phong trào", "IV. Tồn tại, hạn chế, bài học kinh nghiệm",
                              "V. Phương hướng giai đoạn 2016–2020", "VI. Đề xuất khen thưởng")
           for text in (f"## {title}", "(Nội dung báo cáo của đơn vị.)")]
        + [f"Tổng vốn huy động: {money:,} đồng; ngày công: {figures['labour_days']:,}; "
           f"đất hiến: {figures['land_m2']:,} m².".replace(",", ".")],
        title=unit.name.upper())


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


def _events(campaign: Campaign, units: dict[str, Unit]) -> list[tuple[date, int, str, object]]:
    """What each unit and the coordinator did, as (day, order within the day, who, action)."""
    rng = random.Random(76)
    coordinator = "nnptnt"
    criteria = {c.number: c.id for c in campaigns.criteria_of(campaign)}
    events: list[tuple[date, int, str, object]] = []
    for code, (sent_on, status, meeting_on) in {**AGENCY_STATE, **COMMUNE_STATE}.items():
        if status is None and meeting_on is None:
            continue
        unit, reporter = units[code], reporter_username(code)
        figures = _figures(rng, code in COMMUNE_STATE)  # drawn for every dossier, so each keeps its figures
        met = None
        if code in COMMUNE_STATE:
            start, end = CRITERIA_MET[code]
            met = {cid: (number in start, number in end) for number, cid in criteria.items()}
        if status == "draft":
            events.append((DEMO_DAY, 1, reporter, partial(_upload, campaign, unit, figures)))
        elif status is not None:
            events.append((sent_on, 1, reporter, partial(_send, campaign, unit, figures, met)))
        if status in ("accepted", "returned"):
            decision = "accept" if status == "accepted" else "return"
            events.append((min(DEMO_DAY, sent_on + timedelta(days=2)), 2, coordinator,
                           partial(_review, campaign, unit, decision, RETURN_COMMENTS.get(code, ""))))
        if meeting_on:
            events.append((meeting_on, 3, reporter, partial(_meeting, campaign, unit, meeting_on)))
    for code, (due, reason) in EXTENSIONS.items():
        events.append((date(2015, 6, 21), 0, coordinator, partial(_extend, campaign, units[code], due, reason)))
    # The coordinator reminded the late agencies on 22/06 and the late communes on 26/06, first thing.
    agencies = [units[code].id for code in AGENCY_STATE]
    communes = [units[code].id for code in COMMUNE_STATE]
    events.append((date(2015, 6, 22), 0, coordinator, partial(_remind, campaign, agencies)))
    events.append((date(2015, 6, 26), 0, coordinator, partial(_remind, campaign, communes)))
    return sorted(events, key=lambda e: (e[0], e[1]))


def _dossier(campaign: Campaign, unit: Unit):
    return services.submission_for(campaign, unit, create=True)


def _upload(campaign: Campaign, unit: Unit, figures: dict[str, int]) -> None:
    services.add_file(_dossier(campaign, unit), FileKind.REPORT.value, _report(unit, campaign, figures), current_user)


def _send(campaign: Campaign, unit: Unit, figures: dict[str, int], met) -> None:
    """Figures saved, the report uploaded, the dossier sent: what a unit does on the day it reports."""
    services.save_figures(_dossier(campaign, unit), figures, met, current_user)
    _upload(campaign, unit, figures)
    services.submit(_dossier(campaign, unit), current_user)


def _review(campaign: Campaign, unit: Unit, decision: str, comment: str) -> None:
    services.review(_dossier(campaign, unit), decision, comment, current_user)


def _meeting(campaign: Campaign, unit: Unit, held_on: date) -> None:
    services.record_meeting(_dossier(campaign, unit), held_on, None, current_user)


def _extend(campaign: Campaign, unit: Unit, due: date, reason: str) -> None:
    services.grant_extension(campaign.milestone_for(unit.kind, "report"), unit, due, reason, current_user)


def _remind(campaign: Campaign, unit_ids: list[int]) -> None:
    reminders.remind_units(campaign, unit_ids, "report", current_user)


def load_demo_reports() -> int:
    """Live through 15/06–27/06/2015 once; returns how many dossiers there are (0 if they were already there)."""
    campaign = the_campaign()
    if db.session.execute(db.select(Submission.id).filter_by(campaign_id=campaign.id).limit(1)).first():
        return 0
    units, accounts = units_by_code(), people()
    for day, _order, username, act in _events(campaign, units):
        with on_day(day, accounts[username]):
            act()
    return db.session.scalar(db.select(func.count(Submission.id)).filter_by(campaign_id=campaign.id))
