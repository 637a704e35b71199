"""Friendly error pages in Vietnamese; never a stack trace to a user."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .auth.views import login_throttled
from .extensions import db

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Máy chủ không hiểu yêu cầu này. Vui lòng quay lại và thử lại."),
    403: ("Không có quyền truy cập", "Tài khoản của bạn không được phép xem trang này. Nếu bạn cho rằng đây là "
          "nhầm lẫn, hãy liên hệ quản trị hệ thống (Văn phòng HĐND và UBND huyện)."),
    404: ("Không tìm thấy trang", "Trang hoặc hồ sơ bạn tìm không tồn tại, hoặc đã được chuyển đi."),
    405: ("Thao tác không được hỗ trợ", "Trang này không nhận thao tác vừa gửi."),
    413: ("Tệp quá lớn", "Tệp bạn gửi vượt quá dung lượng cho phép. Vui lòng giảm dung lượng (ví dụ quét "
          "ở độ phân giải thấp hơn) rồi gửi lại."),
    429: ("Quá nhiều lần thử", "Bạn đã thử quá nhiều lần trong thời gian ngắn. Vui lòng đợi một lát rồi thử lại."),
    500: ("Đã xảy ra lỗi", "Hệ thống gặp sự cố khi xử lý yêu cầu. Dữ liệu chưa được lưu thay đổi nào. "
          "Vui lòng thử lại; nếu lỗi lặp lại, hãy báo quản trị hệ thống."),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if request.path.startswith("/healthz") or request.accept_mimetypes.best == "application/json":
        return jsonify({"status": "error", "code": code, "message": _(title)}), code
    # A whole page for htmx requests too: forms swap its #main (hx-select), and a message is never lost.
    return render_template("errors/error.html", code=code, title=_(title), message=detail or _(message)), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_exc):
        return _render(400, _("Biểu mẫu đã hết hạn hoặc thiếu mã bảo mật (CSRF). Dữ liệu chưa được lưu: "
                              "hãy tải lại trang rồi gửi lại."))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code is None or exc.code < 400:
            return exc
        if exc.code == 429 and request.endpoint == "auth.login":
            return login_throttled()
        return _render(exc.code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500)
