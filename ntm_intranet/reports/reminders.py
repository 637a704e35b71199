"""Reminders (đôn đốc): one unit at a time or every overdue unit at once, by hand or on the campaign's
schedule; never the same reminder twice on one day; in the app and by e-mail when SMTP is set."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from .. import audit, clock, letterhead, mail
from ..campaigns.models import Campaign, Milestone
from ..extensions import db
from ..notifications import services as notifications
from ..org.models import Unit
from . import rules
from .deadline_board import BoardRow, board
from .models import Reminder

# ---------------------------------------------------------------------------------------------
# Reminders


def _reminder_text(unit_name: str, milestone: Milestone, state: rules.MilestoneState) -> str:
    due = state.due.strftime("%d/%m/%Y")
    if state.code == rules.OVERDUE:
        return _("Đề nghị %(u)s khẩn trương thực hiện: %(t)s. Hạn %(d)s đã quá %(n)d ngày.", u=unit_name,
                 t=milestone.title, d=due, n=state.days_overdue)
    return _("Đề nghị %(u)s thực hiện: %(t)s, hạn %(d)s (còn %(n)d ngày).", u=unit_name, t=milestone.title, d=due,
             n=state.days_left or 0)


def send_reminder(unit: Unit, milestone: Milestone, state: rules.MilestoneState, kind: str, actor=None,
                  today: date | None = None) -> Reminder | None:
    """Remind one unit of one milestone; None when it was already reminded of it today."""
    today = today or clock.today()
    already = db.session.execute(db.select(Reminder.id).filter_by(
        unit_id=unit.id, milestone_id=milestone.id, sent_on=today)).first()
    if already is not None:
        return None
    text = _reminder_text(unit.name, milestone, state)
    reminder = Reminder(unit_id=unit.id, milestone_id=milestone.id, kind=kind, sent_on=today, sent_at=clock.now(),
                        sent_by_id=getattr(actor, "id", None), message=text)
    db.session.add(reminder)
    reporters = notifications.unit_reporters(unit.id)
    link = url_for("main.unit", unit_id=unit.id)
    notifications.notify(reporters, _("Đôn đốc: %(t)s", t=milestone.title), text, link)
    db.session.flush()
    audit.record("reminder_sent", reminder, actor=actor, summary=f"{unit.code} ({kind}): {milestone.title}")
    db.session.commit()
    emails = [u.email for u in reporters if u.email]
    if emails:
        subject = _("[NTM %(place)s] Đôn đốc: %(t)s", place=letterhead.house(milestone.campaign).place,
                    t=milestone.title)
        reminder.emailed = mail.send(emails, subject, text)
        db.session.commit()
    return reminder


def _send(campaign: Campaign, due: list[tuple[BoardRow, str, str]], actor, today: date) -> tuple[int, int]:
    """Send (row, which, kind) reminders, loading just the units concerned. Returns (sent, skipped)."""
    milestones = {m.id: m for m in campaign.milestones}
    wanted = {row.unit_id for row, _which, _kind in due}
    units = {u.id: u for u in db.session.execute(db.select(Unit).filter(Unit.id.in_(wanted))).scalars()} \
        if wanted else {}
    sent = skipped = 0
    for row, which, kind in due:
        if send_reminder(units[row.unit_id], milestones[row.milestone_id(which)], row.state(which), kind, actor,
                         today):
            sent += 1
        else:
            skipped += 1
    return sent, skipped


def remind_units(campaign: Campaign, unit_ids: list[int] | None, which: str, actor, kind: str = "manual",
                 only_late: bool = True) -> tuple[int, int]:
    """Remind the given units (or every late or missing one) of a milestone kind. Returns (sent, skipped)."""
    today = clock.today()
    due = [(row, which, kind) for row in board(campaign, today, which=which, paginate=False).rows
           if row.state(which) is not None and row.state(which).done_on is None
           and (unit_ids is None or row.unit_id in unit_ids)
           and not (only_late and row.state(which).code != rules.OVERDUE)]
    return _send(campaign, due, actor, today)


def scheduled_reminders(today: date | None = None) -> tuple[int, int]:
    """What `flask ntm remind` sends: N days before each due date, then daily while overdue."""
    today = today or clock.today()
    sent = skipped = 0
    for campaign in db.session.execute(db.select(Campaign).filter_by(active=True)).scalars().all():
        before_sent = {(unit_id, milestone_id) for unit_id, milestone_id in db.session.execute(
            db.select(Reminder.unit_id, Reminder.milestone_id).join(Milestone)
            .filter(Milestone.campaign_id == campaign.id, Reminder.kind == "before"))}
        due = []
        for row in board(campaign, today, paginate=False).rows:
            for which in ("report", "meeting"):
                state = row.state(which)
                kind = state and rules.reminder_kind(state, campaign.remind_days_before,
                                                     (row.unit_id, row.milestone_id(which)) in before_sent)
                if kind:
                    due.append((row, which, kind))
        counts = _send(campaign, due, None, today)
        sent, skipped = sent + counts[0], skipped + counts[1]
    return sent, skipped


