"""Password policy as a plain function, so forms, the CLI and the import all apply the same rule."""

from __future__ import annotations

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
