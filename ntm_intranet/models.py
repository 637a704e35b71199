"""Imports every model so that `db.metadata` (and Alembic) see all tables."""

from .audit import AuditEvent
from .auth.models import User, UserRole
from .awards.models import AwardEntry, AwardList
from .campaigns.models import Campaign, Criterion, Milestone
from .conference.models import BudgetEstimate, BudgetLine, Conference, ConferenceAgendaItem, HonourOrder, Invitation
from .nominations.models import AwardForm, BaseSalary, BoardMember, Nomination, NominationFile, ScoringCriterion
from .notifications.models import Notification
from .org.models import Unit
from .reports.models import CriterionResult, Extension, Reminder, ReportFile, Submission
from .voting.models import AgendaItem, Attendance, Ballot, BallotScore, BoardSession, PaperCount, VoteRecord

__all__ = ["BudgetEstimate", "BudgetLine", "Conference", "ConferenceAgendaItem", "HonourOrder", "Invitation",
           "AgendaItem", "Attendance", "AwardEntry", "AwardForm", "AwardList", "Ballot", "BallotScore",
           "BaseSalary", "BoardMember", "BoardSession", "Nomination", "NominationFile", "PaperCount",
           "ScoringCriterion", "VoteRecord",
           "AuditEvent", "Campaign", "Criterion", "CriterionResult", "Extension", "Milestone", "Notification",
           "Reminder", "ReportFile", "Submission", "Unit", "User", "UserRole"]
