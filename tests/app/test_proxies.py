"""Behind a reverse proxy the limiter and the audit log see the real client; without one, nobody can
claim another address with a header."""

from __future__ import annotations

import pytest

from ntm_intranet import proxies
from ntm_intranet.audit import AuditEvent
from ntm_intranet.extensions import db

from .. import factories
from ..conftest import PASSWORD, csrf_token

PROXY = "10.0.0.1"


def _login(client, username: str, password: str, remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": remote}, headers=headers)


@pytest.mark.config(NTM_LOGIN_LIMIT="3 per minute", NTM_TRUSTED_PROXIES=PROXY)
def test_two_people_behind_one_trusted_proxy_are_limited_apart(app, client):
    factories.user("lan")
    for attempt in range(3):  # a different wrong name each time: only the address limit can bite
        assert _login(client, f"doan-{attempt}", "sai-mat-khau-9", PROXY, "203.0.113.5").status_code == 200
    assert _login(client, "doan-x", "sai-mat-khau-9", PROXY, "203.0.113.5").status_code == 429
    other = app.test_client()
    assert _login(other, "lan", PASSWORD, PROXY, "203.0.113.6").status_code == 302  # the colleague logs in


@pytest.mark.config(NTM_LOGIN_LIMIT="3 per minute")
def test_without_a_trusted_proxy_a_forged_forwarded_for_changes_nothing(app, client):
    for attempt in range(3):
        forged = f"198.51.100.{attempt}"
        assert _login(client, f"doan-{attempt}", "sai-mat-khau-9", "192.0.2.7", forged).status_code == 200
    assert _login(client, "doan-x", "sai-mat-khau-9", "192.0.2.7", "198.51.100.99").status_code == 429


@pytest.mark.config(NTM_LOGIN_LIMIT="3 per minute", NTM_TRUSTED_PROXIES=PROXY)
def test_a_client_cannot_forge_past_the_proxy_by_prepending_addresses(app, client):
    """The proxy appends the address it saw; whatever the client wrote before it is not believed."""
    for attempt in range(3):
        forged = f"198.51.100.{attempt}, 203.0.113.5"
        assert _login(client, f"doan-{attempt}", "sai-mat-khau-9", PROXY, forged).status_code == 200
    assert _login(client, "doan-x", "sai-mat-khau-9", PROXY, "1.2.3.4, 203.0.113.5").status_code == 429


@pytest.mark.config(NTM_TRUSTED_PROXIES="10.0.0.0/24")
def test_the_audit_log_records_the_clients_address_not_the_proxys(app, client):
    factories.user("lan")
    assert _login(client, "lan", PASSWORD, "10.0.0.9", "203.0.113.5").status_code == 302
    addresses = set(db.session.execute(db.select(AuditEvent.ip).filter(AuditEvent.ip.is_not(None))).scalars())
    assert addresses == {"203.0.113.5"}


def test_the_setting_reads_a_count_addresses_and_networks_and_refuses_garbage():
    assert proxies.parse("") == 0 and proxies.parse("2") == 2
    networks = proxies.parse("127.0.0.1, 10.0.0.0/24 ::1")
    assert [str(n) for n in networks] == ["127.0.0.1/32", "10.0.0.0/24", "::1/128"]
    with pytest.raises(proxies.ProxySettingError, match="không phải địa chỉ IP"):
        proxies.parse("nginx.local")
