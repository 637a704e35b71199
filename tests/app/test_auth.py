"""Logging in and out, the forced password change, slowing down guessers, CSRF."""

from __future__ import annotations

import pytest

from ntm_intranet.auth.models import User
from ntm_intranet.extensions import db

from .. import factories
from ..conftest import PASSWORD, csrf_token, login, post

WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_login_lands_on_the_role_home_and_logout_ends_the_session(app, client):
    factories.user("lan", roles=("coordinator",))
    response = login(client, "lan")
    assert response.status_code == 302
    page = client.get("/", follow_redirects=True)
    assert page.request.path == "/home/coordinator"
    assert "Điều phối tổng kết phong trào" in page.get_data(as_text=True)

    post(client, "/logout")
    after = client.get("/home/coordinator")
    assert after.status_code == 302 and "/login" in after.location


def test_wrong_password_and_unknown_user_get_the_same_message(app, client):
    factories.user("lan")
    wrong_password = login(client, "lan", "khong-dung-1").get_data(as_text=True)
    unknown_user = login(client, "khong-co-ai", PASSWORD).get_data(as_text=True)
    assert WRONG in wrong_password
    assert WRONG in unknown_user


def test_username_is_case_and_space_insensitive(app, client):
    factories.user("lan")
    assert login(client, "  LAN ").status_code == 302


def test_deactivated_account_cannot_log_in(app, client):
    factories.user("cu", active=False)
    page = login(client, "cu").get_data(as_text=True)
    assert "ngừng hoạt động" in page


@pytest.mark.config(NTM_LOGIN_LIMIT="3 per minute")
def test_repeated_failures_are_slowed_down_with_a_clear_message(app, client):
    factories.user("lan")
    for _ in range(3):
        assert login(client, "lan", "sai-mat-khau-9").status_code == 200
    blocked = login(client, "lan", PASSWORD)  # even the right password waits now
    assert blocked.status_code == 429
    assert "quá nhiều lần" in blocked.get_data(as_text=True)
    assert blocked.headers["Retry-After"]


@pytest.mark.config(NTM_LOGIN_LIMIT="3 per minute")
def test_successful_logins_do_not_count_towards_the_limit(app, client):
    factories.user("lan")
    for _ in range(5):
        assert login(client, "lan").status_code == 302
        post(client, "/logout")


def test_account_created_by_admin_must_change_password_first(app, client):
    factories.user("moi", roles=("reporter",), unit=factories.unit(), must_change=True)
    login(client, "moi")
    page = client.get("/campaigns", follow_redirects=True)
    assert page.request.path == "/password"
    assert "Vui lòng đặt mật khẩu mới" in page.get_data(as_text=True)

    weak = post(client, "/password", {"current_password": PASSWORD, "new_password": "123",
                                      "confirm": "123"}).get_data(as_text=True)
    assert "ít nhất 10 ký tự" in weak

    done = post(client, "/password", {"current_password": PASSWORD, "new_password": "Ruong-bac-thang-7",
                                      "confirm": "Ruong-bac-thang-7"})
    assert done.status_code == 302
    assert client.get("/campaigns").status_code == 200
    assert db.session.execute(db.select(User).filter_by(username="moi")).scalar_one().must_change_password is False


def test_password_change_checks_the_current_password_and_the_confirmation(app, client):
    factories.user("lan")
    login(client, "lan")
    wrong_current = post(client, "/password", {"current_password": "khong-phai-9", "new_password": "Ruong-bac-thang-7",
                                               "confirm": "Ruong-bac-thang-7"}).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in wrong_current
    mismatch = post(client, "/password", {"current_password": PASSWORD, "new_password": "Ruong-bac-thang-7",
                                          "confirm": "Ruong-bac-thang-8"}).get_data(as_text=True)
    assert "không khớp" in mismatch
    assert login(client.application.test_client(), "lan").status_code == 302  # old password still valid


def test_changing_the_password_ends_the_other_sessions(app):
    factories.user("lan")
    office, phone = app.test_client(), app.test_client()
    login(office, "lan")
    login(phone, "lan")
    post(office, "/password", {"current_password": PASSWORD, "new_password": "Ruong-bac-thang-7",
                               "confirm": "Ruong-bac-thang-7"})
    assert office.get("/campaigns").status_code == 200
    assert phone.get("/campaigns").status_code == 302


def test_a_session_cookie_replayed_after_logout_is_refused(app):
    factories.user("lan")
    client = app.test_client()
    login(client, "lan")
    stolen = client.get_cookie("session").value
    post(client, "/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/campaigns").status_code == 302


def test_the_session_changes_at_login(app, client):
    factories.user("lan")
    csrf_token(client)
    before = client.get_cookie("session").value
    login(client, "lan")
    assert client.get_cookie("session").value != before


def test_login_never_redirects_off_site(app, client):
    factories.user("lan")
    response = post(client, "/login?next=https://evil.example/x", {"username": "lan", "password": PASSWORD})
    assert response.location.endswith("/")
    response = post(app.test_client(), "/login?next=/campaigns", {"username": "lan", "password": PASSWORD})
    assert response.location.endswith("/campaigns")


def test_a_form_without_csrf_token_is_refused_with_a_message(app, client):
    factories.user("lan")
    response = client.post("/login", data={"username": "lan", "password": PASSWORD})
    assert response.status_code == 400
    assert "hết hạn" in response.get_data(as_text=True)
    assert client.get("/campaigns").status_code == 302  # not logged in


def test_an_expired_session_on_an_htmx_request_redirects_to_login(app, client):
    response = client.get("/campaigns", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
