"""Factories: one builder per model, through the services a user's clicks call, never hand-written SQL.

CTFd's `gen_*` style: small defaults, keyword overrides, each builder returns the row it made and builds
what it needs and was not given (a nomination makes its unit, campaign and award form when none is passed).
A test builds only what it checks, so it neither waits for the whole demo nor depends on its story.

    campaign()  milestone()  criteria()                       the plan
    unit()  user()                                            the ground floor
    submission(state=draft|submitted|accepted|returned)       a unit's dossier, with its file and figures
    extension()  reminder()
    award_form()  scoring_criterion()  board()  base_salary() the board's configuration
    nomination(status=draft|submitted|eligible|returned|withdrawn)
    session(status=prepared|open|closed, votes=...)           a board session, its attendance and ballots
    award_list(approved=False)                                the list proposed from a closed session
    conference(lines=..., agenda=...)                         the district conference and its estimate
"""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from werkzeug.datastructures import FileStorage

from ntm_intranet import models  # noqa: F401  every table mapped before a service's import-time query options
from ntm_intranet.awards import services as awards
from ntm_intranet.campaigns import services as campaigns
from ntm_intranet.campaigns.models import Campaign, Milestone
from ntm_intranet.conference import estimate as budget
from ntm_intranet.conference import invitations as invites
from ntm_intranet.conference import services as conferences
from ntm_intranet.extensions import db
from ntm_intranet.nominations import services as nominations
from ntm_intranet.nominations.models import AwardForm, Nomination, ScoringCriterion
from ntm_intranet.org import services as org
from ntm_intranet.org.models import Unit
from ntm_intranet.reports import services as reports
from ntm_intranet.voting import services as voting

from .conftest import PASSWORD

_seq = itertools.count(1)


def unit(code=None, name=None, kind="commune", parent=None, active=True) -> Unit:
    n = next(_seq)
    return org.save_unit(Unit(), {"code": code or f"U{n}", "name": name or f"Xã Thử Nghiệm {n}", "kind": kind,
                                  "parent": parent, "active": active, "sort_order": n})


def user(username=None, roles=("reporter",), unit=None, password=PASSWORD, must_change=False, active=True,
         full_name=None):
    n = next(_seq)
    account, _ = org.create_user(username=username or f"user{n}", full_name=full_name or f"Nguyễn Văn {n}",
                                 roles=roles, unit=unit, password=password, active=active,
                                 must_change_password=must_change)
    return account


def coordinator(**overrides):
    return user(roles=("coordinator",), **overrides)


def secretary(**overrides):
    return user(roles=("secretary", "member"), **overrides)


def chair(**overrides):
    return user(roles=("chair", "member"), **overrides)


def count(model) -> int:
    """How many rows of this model the database holds."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))


# The board (voting) ---------------------------------------------------------------------------------


def board_session(title_start="Phiên họp Hội đồng Thi đua"):
    """The demo's prepared board session (or the first whose title starts so)."""
    from ntm_intranet.voting.models import BoardSession

    return db.session.execute(db.select(BoardSession).filter(BoardSession.title.startswith(title_start))
                              .order_by(BoardSession.id)).scalars().first()


def agenda(session) -> dict[str, int]:
    """Candidate name -> agenda item id of a board session."""
    return {item.nomination.name: item.id for item in session.items}


def user_id(username) -> int:
    from ntm_intranet.auth.models import User

    return db.session.execute(db.select(User.id).filter_by(username=username)).scalar_one()


def ballot_form(session, choose=lambda name: "agree", points=lambda name: 8, skip=()) -> dict[str, str]:
    """A filled ballot sheet as the browser posts it: c<item> = agree/disagree, s<item>_<criterion> = points."""
    from ntm_intranet.nominations.models import ScoringCriterion

    criteria = db.session.execute(db.select(ScoringCriterion.id).filter_by(campaign_id=session.campaign_id)) \
        .scalars().all()
    form = {}
    for name, item_id in agenda(session).items():
        if name in skip:
            continue
        form[f"c{item_id}"] = choose(name)
        for criterion_id in criteria:
            form[f"s{item_id}_{criterion_id}"] = str(points(name))
    return form


# The plan -------------------------------------------------------------------------------------------

MILESTONES = (("report", "Gửi báo cáo tổng kết", "agency", date(2015, 6, 20)),
              ("report", "Gửi báo cáo tổng kết", "commune,town", date(2015, 6, 25)),
              ("meeting", "Tổ chức hội nghị tổng kết cấp xã", "commune,town", date(2015, 6, 30)))


def campaign(milestones=MILESTONES, criteria_count=3, **overrides) -> Campaign:
    """An active campaign with (kind, title, unit kinds, due date) milestones and a small criteria set."""
    n = next(_seq)
    data = {"doc_number": f"{n}/KH-UBND", "title": f"Kế hoạch thử nghiệm {n}", "doc_date": date(2015, 5, 19),
            "issuer": "Ủy ban nhân dân huyện Thử Nghiệm", "signer": "Nguyễn Văn Ký", "legal_bases": "",
            "period_start": 2011, "period_end": 2015, "criteria_set": f"SET{n}", "active": True}
    data.update(overrides)
    made = campaigns.save_campaign(Campaign(), data)
    for kind, title, kinds, due in milestones:
        milestone(made, kind=kind, title=title, unit_kinds=kinds, due_date=due)
    if criteria_count:
        criteria(made.criteria_set, criteria_count)
    db.session.refresh(made)
    return made


def milestone(of: Campaign, kind="report", title="Gửi báo cáo", unit_kinds="commune,town",
              due_date=date(2015, 6, 25)) -> Milestone:
    return campaigns.save_milestone(Milestone(campaign_id=of.id), {"kind": kind, "title": title,
                                                                    "unit_kinds": unit_kinds, "due_date": due_date})


def criteria(set_code: str, count_: int = 3) -> int:
    return campaigns.add_criteria(set_code, [(n, "I", "Nhóm I", f"Tiêu chí {n}") for n in range(1, count_ + 1)])


def _campaign(given):
    return given if given is not None else (campaigns.active_campaign() or campaign())


# A unit's dossier -----------------------------------------------------------------------------------

FIGURES = {"money_state": 1_000_000_000, "money_people": 50_000_000, "money_other": 0, "labour_days": 100,
           "land_m2": 200, "trees": 10, "structures_moved": 0, "road_m": 500}


def pdf_upload(name="Báo cáo tổng kết.pdf", extra: bytes = b"") -> FileStorage:
    """A small real PDF as the browser posts it (`extra` makes its bytes, and so its hash, differ)."""
    import io

    data = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"trailer<</Root 1 0 R>>\n%%EOF\n" + extra)
    return FileStorage(io.BytesIO(data), filename=name, content_type="application/pdf")


def submission(unit_=None, of: Campaign | None = None, state="submitted", figures=None, met=None, by=None,
               reviewer=None, comment="Đề nghị bổ sung số liệu."):
    """A unit's dossier in a state: a draft has its report file; a submitted one also its figures (and,
    for a commune, `met` = {criterion id: (met in 2010, met in 2015)}); accepted and returned were reviewed."""
    of = _campaign(of)
    unit_ = unit_ or unit()
    by = by or user(unit=unit_)
    sub = reports.submission_for(of, unit_, create=True)
    reports.add_file(sub, "report", pdf_upload(extra=f"{unit_.code}-{next(_seq)}".encode()), by)
    if state == "draft":
        return sub
    reports.save_figures(sub, {**FIGURES, **(figures or {})}, met, by)
    reports.submit(sub, by)
    if state in ("accepted", "returned"):
        reports.review(sub, "accept" if state == "accepted" else "return",
                       "" if state == "accepted" else comment, reviewer or coordinator())
    return sub


def extension(unit_, of: Campaign | None = None, due=date(2015, 6, 30), reason="Xin gia hạn", by=None):
    of = _campaign(of)
    return reports.grant_extension(of.milestone_for(unit_.kind, "report"), unit_, due, reason, by or coordinator())


# The board's configuration -------------------------------------------------------------------------


def award_form(of: Campaign | None = None, **overrides) -> AwardForm:
    of = _campaign(of)
    n = next(_seq)
    data = {"code": f"F{n}", "name": f"Giấy khen thử nghiệm {n}", "level": "Huyện",
            "recipient_kinds": "collective,individual,household", "threshold_percent": 50, "threshold_strict": True,
            "quota": None, "coefficient": Decimal("0.3"), "min_household_contribution": None, "legal_basis": "",
            "sort_order": n}
    data.update(overrides)
    return nominations.save_award_form(AwardForm(campaign_id=of.id), data)


def scoring_criterion(of: Campaign | None = None, **overrides) -> ScoringCriterion:
    of = _campaign(of)
    n = next(_seq)
    data = {"name": f"Tiêu chí chấm {n}", "description": "", "max_points": 10, "weight": 1}
    data.update(overrides)
    return nominations.save_criterion(ScoringCriterion(campaign_id=of.id, sort_order=n), data)


def board(of: Campaign | None = None, members=3, people=None):
    """The board: `people` (accounts holding the member role), or that many new members; returns them."""
    of = _campaign(of)
    people = list(people) if people is not None else [user(roles=("member",)) for _ in range(members)]
    nominations.set_board(of, [p.id for p in people])
    return people


def base_salary(effective_from=date(2013, 7, 1), amount=1_150_000, legal_basis="Nghị định 66/2013/NĐ-CP"):
    return nominations.add_base_salary(effective_from, amount, legal_basis)


# Nominations ---------------------------------------------------------------------------------------


def nomination(of: Campaign | None = None, unit_=None, kind="individual", status="submitted", form=None, by=None,
               screener=None, note="Đề nghị bổ sung", candidate=None, files=("to_trinh", "thanh_tich"),
               **fields) -> Nomination:
    """A nomination in a status, drafted by a reporter of its unit, with its papers, sent, screened."""
    of = _campaign(of)
    unit_ = unit_ or unit()
    by = by or user(unit=unit_)
    form = form or award_form(of)
    n = next(_seq)
    data = {"kind": kind, "name": f"Nguyễn Văn Đề Nghị {n}", "position": "", "address": "", "summary":
            f"Thành tích tiêu biểu {n}", "money": 0, "labour_days": 0, "land_m2": 0, "trees": 0,
            "proposed_form_id": form.id}
    data.update(fields)
    made = nominations.save_nomination(Nomination(campaign_id=of.id, unit_id=unit_.id), data, by)
    for file_kind in files:
        nominations.add_file(made, file_kind, pdf_upload(f"{file_kind}.pdf", f"{made.id}{file_kind}".encode()), by)
    if status == "draft":
        return made
    if status == "withdrawn":
        nominations.withdraw(made, by)
        return made
    nominations.submit(made, by)
    if status in ("eligible", "returned"):
        nominations.screen(made, status, note if status == "returned" else "", None, screener or secretary(),
                           candidate_user_id=getattr(candidate, "id", candidate))
    return made


# Board sessions ------------------------------------------------------------------------------------
# Opening, casting and closing each go through ONE helper below, so a change to what they take (a
# passphrase, encrypted ballots) is made in one place.


def _open(session_, of: Campaign, by) -> None:
    """Opened with the suite's ballot passphrase (tests/conftest.py), as the secretary types it."""
    from .conftest import BALLOT_PASSPHRASE

    voting.open_session(session_, of, by, passphrase=BALLOT_PASSPHRASE, repeated=BALLOT_PASSPHRASE)


def _cast(session_, of: Campaign, member, form: dict) -> None:
    voting.cast(session_, of, member, form)


def _close(session_, by) -> None:
    from .conftest import BALLOT_PASSPHRASE

    voting.close_session(session_, by, passphrase=BALLOT_PASSPHRASE)


def session(of: Campaign | None = None, items=None, members=None, status="prepared", present=None, votes=None,
            by=None, **fields):
    """A board session on `items` (eligible nominations; two are made when none are given), attended by the
    board `members` (three made when none). Open: `present` (default all) recorded, quorum met, opened.
    Closed: also `votes`, {member: ballot form} (default: every present member agrees, 8 points), cast."""
    of = _campaign(of)
    members = members if members is not None else (voting.members_of(of) and [m.user for m in voting.members_of(of)]
                                                   or board(of))
    items = items if items is not None else [nomination(of, status="eligible") for _ in range(2)]
    by = by or secretary()
    data = {"title": f"Phiên họp thử nghiệm {next(_seq)}", "held_on": date(2015, 7, 8), "time_text": "14 giờ 00",
            "place": "Hội trường", "chair_id": None, "secretary_id": by.id, "paper": False}
    data.update(fields)
    made = voting.create_session(of, data, [n.id for n in items])
    if status == "prepared":
        return made
    present = members if present is None else present
    voting.set_attendance(made, {p.id for p in present})
    _open(made, of, by)
    if status == "open":
        return made
    ballots = votes if votes is not None else {member: ballot_form(made) for member in present}
    for member, form in ballots.items():
        _cast(made, of, member, form)
    _close(made, by)
    return made


# Awards and the conference -------------------------------------------------------------------------


def award_list(of: Campaign | None = None, approved=False, by=None, decision_number="123/QĐ-UBND",
               decision_date=date(2015, 7, 10)):
    """The list proposed from the latest closed session (one is held when there is none); approved on asking."""
    of = _campaign(of)
    if awards.latest_closed_session(of) is None:
        session(of, status="closed")
    by = by or chair()
    made = awards.propose(of, by)
    if approved:
        if nominations.base_salary_on(decision_date) is None:
            base_salary()
        awards.approve(made, of, decision_number, decision_date, by)
    return made


def conference(of: Campaign | None = None, by=None, lines=(("Nước uống", "người", 100, 20_000),),
               agenda=(("Khai mạc hội nghị", "Chủ tịch UBND huyện", 10),), invitations=False, **fields):
    """The district conference with its programme and estimate lines (item, unit, quantity, unit price)."""
    from datetime import time

    of = _campaign(of)
    by = by or coordinator()
    data = {"title": conferences.default_title(of), "held_on": date(2015, 7, 17), "starts_at": time(7, 30),
            "place": "Hội trường UBND huyện", "chair": "Chủ tịch UBND huyện", "invitation_number": "",
            "reply_by": date(2015, 7, 14)}
    data.update(fields)
    made = conferences.save_conference(of, None, data, by)
    for content, speaker, minutes in agenda:
        conferences.add_agenda_item(made, {"content": content, "speaker": speaker, "minutes": minutes})
    for item, unit_name, quantity, price in lines:
        budget.add_line(made.estimate, {"item": item, "unit": unit_name, "quantity": quantity,
                                        "unit_price": price, "source": "Ngân sách huyện", "note": ""})
    if invitations:
        invites.build_invitations(made, of, by)
    return made
