"""The award list: proposed from a closed session, struck and approved by the chair, then locked."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func
from sqlalchemy.orm import joinedload, lazyload, selectinload

from .. import audit, clock
from ..campaigns.models import Campaign
from ..extensions import db
from ..nominations import services as nominations
from ..nominations.models import KIND_ORDER, Kind
from ..voting import results as voting_results
from ..voting.models import BoardSession, SessionStatus
from . import rules
from .models import AwardEntry, AwardList, AwardStatus


class AwardError(Exception):
    """Refused, with a message for the user."""


# What the list's page, its documents and the conference read of an entry: the nomination's own columns
# and the award form. The nomination's unit (with its parent), proposed form and account stay unloaded
# until asked for: with them, 2,000 entries brought 32,000 objects and half the award page's time.
@functools.cache
def _entries():
    """Built on first use, not at import: building a loader option configures every mapper, and at import
    time not every model is known yet (make bench imported this module first and failed on 'Unit')."""
    return selectinload(AwardList.entries).options(
        joinedload(AwardEntry.nomination).options(lazyload("*")), joinedload(AwardEntry.form))


def current_list(campaign: Campaign) -> AwardList | None:
    """The latest revision (draft or approved)."""
    return db.session.execute(db.select(AwardList).filter_by(campaign_id=campaign.id).options(_entries())
                              .order_by(AwardList.revision.desc())).scalars().first()


def approved_list(campaign: Campaign) -> AwardList | None:
    return db.session.execute(db.select(AwardList).filter_by(campaign_id=campaign.id, status=AwardStatus.APPROVED.value)
                              .options(_entries()).order_by(AwardList.revision.desc())).scalars().first()


def latest_closed_session(campaign: Campaign) -> BoardSession | None:
    """The session a list is proposed from; its agenda (thousands of items) is loaded only if asked for."""
    return db.session.execute(db.select(BoardSession).filter_by(campaign_id=campaign.id,
                                                                status=SessionStatus.CLOSED.value)
                              .options(lazyload(BoardSession.items))
                              .order_by(BoardSession.closed_at.desc())).scalars().first()


def propose(campaign: Campaign, user) -> AwardList:
    """A draft list from the latest closed session: every candidate who passed and is within the quota;
    candidates tied at the quota's edge are included and flagged for the chair to decide."""
    if (existing := current_list(campaign)) is not None and existing.status == AwardStatus.DRAFT:
        return existing
    session = latest_closed_session(campaign)
    if session is None:
        raise AwardError(_("Chưa có phiên họp nào của Hội đồng đã kết thúc."))
    approved = approved_list(campaign)
    if approved is not None and approved.session_id == session.id:
        raise AwardError(_("Danh sách từ phiên họp này đã được phê duyệt: muốn thay đổi, hãy dùng “Tạo bản sửa đổi”."))
    revision = (db.session.execute(db.select(func.max(AwardList.revision)).filter_by(campaign_id=campaign.id))
                .scalar() or 0) + 1
    award_list = AwardList(campaign_id=campaign.id, session_id=session.id, revision=revision,
                           status=AwardStatus.DRAFT.value)
    position = 0
    for group in voting_results.results(session, campaign):
        for r in group.items:
            if r.proposed:
                award_list.entries.append(AwardEntry(nomination_id=r.item.nomination_id, form_id=group.form.id,
                                                     position=position, result_text=r.explanation,
                                                     strike_reason=r.quota_note if r.tied_at_cut else ""))
                position += 1
    db.session.add(award_list)
    db.session.flush()
    audit.record("award_list_proposed", award_list, after={"revision": revision, "entries": position},
                 summary=f"revision {revision} from session {session.id}")
    db.session.commit()
    return award_list


def strike(entry: AwardEntry, struck: bool, reason: str, user) -> None:
    award_list = db.session.get(AwardList, entry.list_id)
    if award_list.status != AwardStatus.DRAFT:
        raise AwardError(_("Danh sách đã được phê duyệt và khoá: hãy tạo bản sửa đổi để thay đổi."))
    if struck and not reason:
        raise AwardError(_("Hãy ghi lý do khi gạch tên khỏi danh sách."))
    before = {"struck": entry.struck, "reason": entry.strike_reason}
    entry.struck, entry.strike_reason = struck, (reason if struck else "")
    audit.record("award_entry_struck" if struck else "award_entry_restored", entry, before=before,
                 after={"struck": entry.struck, "reason": entry.strike_reason}, summary=entry.nomination.name)
    db.session.commit()


def approve(award_list: AwardList, campaign: Campaign, decision_number: str, decision_date: date, user) -> None:
    if award_list.status != AwardStatus.DRAFT:
        raise AwardError(_("Danh sách này đã được phê duyệt."))
    if not decision_number.strip():
        raise AwardError(_("Hãy nhập số quyết định."))
    salary = nominations.base_salary_on(decision_date)
    if salary is None:
        raise AwardError(_("Chưa có mức lương cơ sở áp dụng vào ngày %(d)s.", d=decision_date.strftime("%d/%m/%Y")))
    for entry in award_list.entries:
        entry.amount = 0 if entry.struck else rules.award_amount(
            entry.form.coefficient, salary.amount, entry.nomination.kind == Kind.COLLECTIVE, campaign.money_rounding)
    previous = approved_list(campaign)
    if previous is not None:
        previous.status = AwardStatus.SUPERSEDED.value
    award_list.status = AwardStatus.APPROVED.value
    award_list.decision_number, award_list.decision_date = decision_number.strip(), decision_date
    award_list.base_salary = salary.amount
    award_list.approved_by_id, award_list.approved_at = user.id, clock.now()
    db.session.flush()
    audit.record("award_list_approved", award_list,
                 after={"revision": award_list.revision, "decision": award_list.decision_number,
                        "date": decision_date.isoformat(), "base_salary": salary.amount,
                        "total": sum(e.amount for e in award_list.entries)},
                 summary=f"{award_list.decision_number} (revision {award_list.revision})")
    db.session.commit()


def revise(award_list: AwardList, user) -> AwardList:
    """A new draft revision of an approved list (the approved one stays as it is until the new one is)."""
    if award_list.status != AwardStatus.APPROVED:
        raise AwardError(_("Chỉ tạo bản sửa đổi từ danh sách đã phê duyệt."))
    if (latest := current_list(db.session.get(Campaign, award_list.campaign_id))) is not None \
            and latest.status == AwardStatus.DRAFT:
        return latest
    draft = AwardList(campaign_id=award_list.campaign_id, session_id=award_list.session_id,
                      revision=award_list.revision + 1, status=AwardStatus.DRAFT.value)
    for entry in award_list.entries:
        draft.entries.append(AwardEntry(nomination_id=entry.nomination_id, form_id=entry.form_id,
                                        position=entry.position, struck=entry.struck,
                                        strike_reason=entry.strike_reason, result_text=entry.result_text))
    db.session.add(draft)
    db.session.flush()
    audit.record("award_list_revised", draft, after={"revision": draft.revision, "from": award_list.revision})
    db.session.commit()
    return draft


@dataclass
class Section:
    kind: str
    forms: list[tuple] = field(default_factory=list)  # (AwardForm, [AwardEntry], subtotal)
    total: int = 0


def grouped(award_list: AwardList, include_struck: bool = False) -> tuple[list[Section], int]:
    """I. Tập thể, II. Cá nhân, III. Hộ gia đình; inside each, by award form; with totals."""
    sections, grand = [], 0
    for kind in KIND_ORDER:
        entries = [e for e in award_list.entries if e.nomination.kind == kind and (include_struck or not e.struck)]
        if not entries:
            continue
        section = Section(kind.value)
        forms: dict[int, list[AwardEntry]] = {}
        for e in entries:
            forms.setdefault(e.form_id, []).append(e)
        for _form_id, rows in sorted(forms.items(), key=lambda kv: (kv[1][0].form.sort_order, kv[0])):
            subtotal = sum(e.amount for e in rows if not e.struck)
            section.forms.append((rows[0].form, rows, subtotal))
            section.total += subtotal
        grand += section.total
        sections.append(section)
    return sections, grand
