"""Imports every model so that `db.metadata` (and Alembic) see all tables, each with its range checks."""

from .audit import AuditEvent
from .auth.models import User, UserRole
from .awards.models import AwardEntry, AwardList
from .campaigns.models import Campaign, Criterion, Milestone
from .conference.models import BudgetEstimate, BudgetLine, Conference, ConferenceAgendaItem, HonourOrder, Invitation
from .extensions import db
from .nominations.models import AwardForm, BaseSalary, BoardMember, Nomination, NominationFile, ScoringCriterion
from .notifications.models import Notification
from .org.models import Unit
from .ranges import constrain
from .reports.models import CriterionResult, Extension, Reminder, ReportFile, Submission
from .voting.models import AgendaItem, Attendance, Ballot, BallotScore, BoardSession, PaperCount, VoteRecord

__all__ = ["BudgetEstimate", "BudgetLine", "Conference", "ConferenceAgendaItem", "HonourOrder", "Invitation",
           "AgendaItem", "Attendance", "AwardEntry", "AwardForm", "AwardList", "Ballot", "BallotScore",
           "BaseSalary", "BoardMember", "BoardSession", "Nomination", "NominationFile", "PaperCount",
           "ScoringCriterion", "VoteRecord",
           "AuditEvent", "Campaign", "Criterion", "CriterionResult", "Extension", "Milestone", "Notification",
           "Reminder", "ReportFile", "Submission", "Unit", "User", "UserRole"]

# Every number, date and text of every table has its range in the database too (ranges.py).
constrain(db.metadata)
