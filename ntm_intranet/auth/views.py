from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ..extensions import htmx, limiter
from . import services
from .access import any_user, public
from .forms import ChangePasswordForm, LoginForm
from .rules import safe_next

bp = Blueprint("auth", __name__)


def _login_limit() -> str:
    return current_app.config["NTM_LOGIN_LIMIT"]


def _username_key() -> str:
    return "login-user:" + (request.form.get("username") or "").strip().lower()[:80]


def _failed(response) -> bool:
    # Only failed attempts count: a successful login redirects.
    return response.status_code != 302


def unauthorized_response():
    """Not logged in (or the session ended): back to the login page, also from an htmx request."""
    login_url = url_for("auth.login", next=request.full_path.rstrip("?") if request.method == "GET" else None)
    if htmx:
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = login_url
        return response
    flash(_("Vui lòng đăng nhập để tiếp tục."), "info")
    return redirect(login_url)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed, key_func=_username_key)
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user, reason = services.authenticate(form.username.data, form.password.data)
        if user is not None:
            _fresh_session()  # a fresh session at login: no fixation
            login_user(user)
            session.permanent = True
            services.logged_in(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.index"))
        if reason == "inactive":
            error = _("Tài khoản này đã ngừng hoạt động. Vui lòng liên hệ quản trị hệ thống.")
        else:
            error = _("Tên đăng nhập hoặc mật khẩu không đúng.")
    return render_template("auth/login.html", form=form, error=error)


def _fresh_session() -> None:
    """Forget everything of the old session but the language the person chose (no secret in it)."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def login_throttled():
    """The login page again, saying why the attempt was refused (HTTP 429)."""
    form = LoginForm()
    error = _("Bạn đã đăng nhập sai quá nhiều lần. Vui lòng đợi một phút rồi thử lại.")
    response = current_app.make_response((render_template("auth/login.html", form=form, error=error), 429))
    response.headers["Retry-After"] = "60"
    return response


@bp.route("/logout", methods=["POST"])
@any_user
def logout():
    services.logged_out(current_user._get_current_object())
    logout_user()
    _fresh_session()
    flash(_("Bạn đã đăng xuất."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@any_user
def change_password():
    user = current_user._get_current_object()
    form = ChangePasswordForm(user.username)
    if form.validate_on_submit():
        if not user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Mật khẩu hiện tại không đúng."))
        else:
            services.change_password(user, form.new_password.data)
            _fresh_session()
            login_user(user)  # this session goes on; every other one has ended
            session.permanent = True
            flash(_("Đã đổi mật khẩu."), "success")
            return redirect(url_for("main.index"))
    return render_template("auth/password.html", form=form, forced=user.must_change_password)
