"""Imports every model so that `db.metadata` (and Alembic) see all tables."""

from .audit import AuditEvent
from .auth.models import User, UserRole
from .campaigns.models import Campaign, Criterion, Milestone
from .org.models import Unit

__all__ = ["AuditEvent", "Campaign", "Criterion", "Milestone", "Unit", "User", "UserRole"]
