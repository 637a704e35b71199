"""Who may reach which route: declared on every view, enforced in one place.

Every view carries an access declaration (`public`, `any_user` or `roles(...)`); a before-request
hook checks it for every request. A view without a declaration is refused (fail closed), and the
access-matrix test fails on it, so no route can slip in unguarded.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from .roles import Role

PUBLIC = "public"
ANY_USER = "any_user"
_ATTR = "_ntm_access"


def public(view):
    setattr(view, _ATTR, PUBLIC)
    return view


def any_user(view):
    setattr(view, _ATTR, ANY_USER)
    return view


def roles(*allowed: Role):
    allowed_set = frozenset(Role(r) for r in allowed)

    def decorate(view):
        setattr(view, _ATTR, allowed_set)
        return view

    return decorate


def access_of(view):
    return getattr(view, _ATTR, None)


# Routes a user who must change the password may still use.
_PASSWORD_CHANGE_ALLOWED = {"auth.change_password", "auth.logout", "static", "main.healthz",
                            "main.set_language"}


def enforce():
    """before_request: authenticate, force the password change, then check the role."""
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None  # 404 or a static file
    view = current_app.view_functions.get(endpoint)
    rule = access_of(view)
    if rule is None:
        current_app.logger.error("Route %s has no access declaration; refused", endpoint)
        abort(403)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.must_change_password and endpoint not in _PASSWORD_CHANGE_ALLOWED:
        return redirect(url_for("auth.change_password"))
    if rule == ANY_USER:
        return None
    if not (current_user.roles & rule):
        abort(403)
    return None
