"""The notification list, the count in the header (polled by htmx), and the count for the first render."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from ..auth.access import any_user
from . import services

bp = Blueprint("notifications", __name__)


@bp.app_template_global()
def unread_notifications() -> int:
    """The bell's count in the header of every page."""
    return services.unread_count(current_user) if getattr(current_user, "is_authenticated", False) else 0


@bp.route("/notifications")
@any_user
def index():
    items = services.latest(current_user)
    unread = {n.id for n in items if n.read_at is None}
    services.mark_all_read(current_user)
    return render_template("notifications/index.html", items=items, unread=unread)


@bp.route("/notifications/count")
@any_user
def count():
    return render_template("notifications/_count.html", count=services.unread_count(current_user))
