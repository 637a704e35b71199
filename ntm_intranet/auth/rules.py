"""Account rules as plain functions: the password policy (forms, the CLI and the import apply the same rule)
and where a login may send a person next."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _

from ..text import fold

MIN_LENGTH = 10


def password_problems(password: str, username: str = "") -> list[str]:
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(_("Mật khẩu phải có ít nhất %(n)d ký tự.", n=MIN_LENGTH))
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        problems.append(_("Mật khẩu phải có cả chữ và số."))
    if username and fold(username) in fold(password):
        problems.append(_("Mật khẩu không được chứa tên đăng nhập."))
    if len(set(password)) < 4:
        problems.append(_("Mật khẩu quá đơn giản (lặp lại ít ký tự)."))
    return problems


def safe_next(target: str | None) -> str | None:
    """Only a local path may be a redirect target after login (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") \
            or "\\" in target:
        return None
    return target
