from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from ..extensions import db
from .roles import HOME_PRIORITY, Role


def hash_password(password: str) -> str:
    """scrypt with Werkzeug's strong defaults; tests may set a cheaper NTM_PASSWORD_HASH_METHOD."""
    return generate_password_hash(password, method=current_app.config.get("NTM_PASSWORD_HASH_METHOD", "scrypt"))


class User(db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(120))
    position: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The version an administrator's edit page was drawn from (versioning.check in org.services.update_user).
    # Counted by the edits alone, not by SQLAlchemy on every UPDATE: a login writes this row too, and two
    # logins of one account at the same moment must not refuse each other.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1", nullable=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated at logout and password change: every session of the account ends with it.
    session_token: Mapped[str] = mapped_column(String(64), unique=True,
                                                default=lambda: secrets.token_urlsafe(32))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    unit = relationship("Unit", lazy="joined")
    role_rows = relationship("UserRole", lazy="selectin", cascade="all, delete-orphan",
                             order_by="UserRole.role")

    # Flask-Login protocol -------------------------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return self.session_token

    # Passwords -------------------------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session(self) -> None:
        self.session_token = secrets.token_urlsafe(32)

    # Roles -----------------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(Role(r.role) for r in self.role_rows)

    def set_roles(self, roles) -> None:
        wanted = {Role(r) for r in roles}
        for row in list(self.role_rows):
            if Role(row.role) not in wanted:
                self.role_rows.remove(row)
        have = self.roles
        for role in sorted(wanted - have):
            self.role_rows.append(UserRole(role=role.value))

    def has_role(self, *roles) -> bool:
        return bool(self.roles & {Role(r) for r in roles})

    @property
    def home_role(self) -> Role | None:
        for role in HOME_PRIORITY:
            if role in self.roles:
                return role
        return None

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
