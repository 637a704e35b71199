"""Imports every model so that `db.metadata` (and Alembic) see all tables."""

from .audit import AuditEvent
from .auth.models import User, UserRole
from .campaigns.models import Campaign, Criterion, Milestone
from .org.models import Unit
from .reports.models import CriterionResult, Extension, Notification, Reminder, ReportFile, Submission

__all__ = ["AuditEvent", "Campaign", "Criterion", "CriterionResult", "Extension", "Milestone", "Notification",
           "Reminder", "ReportFile", "Submission", "Unit", "User", "UserRole"]
