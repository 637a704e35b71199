"""Health check, error pages, secure headers, language choice."""

from __future__ import annotations

import pytest

from ..conftest import login, make_app, post


def test_healthz_answers_ok_with_the_database_state(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["database"] == "ok"


def test_healthz_answers_503_when_the_database_is_down(_schema):
    broken = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["status"] == "error"


def test_unknown_page_gets_a_vietnamese_404(demo, as_user):
    response = as_user("nnptnt").get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_forbidden_page_explains_in_vietnamese(demo, as_user):
    response = as_user("nnptnt").get("/admin/users")
    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.get_data(as_text=True)


@pytest.mark.config(MAX_CONTENT_LENGTH=1024)
def test_an_oversized_request_gets_a_clear_413(demo, as_user):
    client = as_user("admin")
    response = post(client, "/admin/units/import", {"file": (__import__("io").BytesIO(b"x" * 5000), "a.csv")},
                    content_type="multipart/form-data")
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)


def test_an_unexpected_error_shows_a_friendly_page_without_a_trace(app):
    from ntm_intranet.auth.access import public

    @app.route("/boom-test")
    @public
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-test")
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "Đã xảy ra lỗi" in html and "secret internals" not in html and "Traceback" not in html


def test_every_page_carries_the_secure_headers(app, client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "HX-Request" in response.headers["Vary"]


def test_session_cookie_is_httponly_and_lax(app, client):
    from .. import factories

    factories.user("lan")
    login(client, "lan")
    cookie = client.get_cookie("session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_pages_hold_no_inline_script_or_style(demo, as_user):
    html = as_user("admin").get("/home/admin").get_data(as_text=True)
    assert "<script>" not in html and "style=" not in html and "<style" not in html


def test_the_interface_can_be_switched_to_english(app, client):
    assert '<html lang="vi"' in client.get("/login").get_data(as_text=True)
    post(client, "/lang", {"lang": "en", "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "<h1>Log in</h1>" in html
    post(client, "/lang", {"lang": "vi", "next": "/login"})
    assert "<h1>Đăng nhập</h1>" in client.get("/login").get_data(as_text=True)


def test_language_switch_refuses_an_unknown_language(app, client):
    assert post(client, "/lang", {"lang": "fr"}).status_code == 400


def test_the_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch):
    from ntm_intranet.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    assert load_config(tmp_path)["SECRET_KEY"] == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert load_config(tmp_path)["SECRET_KEY"] == "from-the-environment"


def test_passwords_are_stored_as_strong_scrypt_hashes_by_default(app):
    from ntm_intranet.auth.models import hash_password

    app.config.pop("NTM_PASSWORD_HASH_METHOD")
    stored = hash_password("Ruong-bac-thang-7")
    assert stored.startswith("scrypt:32768:8:1$") and "Ruong" not in stored


def test_the_chosen_language_survives_logging_in_and_out(app, client):
    from .. import factories

    factories.user("lan")
    post(client, "/lang", {"lang": "en", "next": "/login"})
    assert login(client, "lan").status_code == 302
    assert '<html lang="en"' in client.get("/campaigns").get_data(as_text=True)
    post(client, "/logout")
    assert "<h1>Log in</h1>" in client.get("/login").get_data(as_text=True)
