"""Several app servers, one state: what two workers (or two hosts) must share lives outside them.

The login limit is counted in Redis when RATELIMIT_STORAGE_URI points there, so failures at one worker
count at another; here a second, separate Python process plays the second worker.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid

import pytest

from .. import factories
from ..conftest import DATABASE_URL, PASSWORD, login

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        import redis  # noqa: F401
    except ImportError:
        return False
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
PREFIX = f"ntm-test-{uuid.uuid4().hex[:8]}"

SECOND_WORKER = r"""
import json, os, re, sys
from ntm_intranet import create_app
app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": os.environ["DB"], "SERVER_NAME": "localhost",
                  "RATELIMIT_STORAGE_URI": os.environ["REDIS"], "RATELIMIT_KEY_PREFIX": os.environ["PREFIX"],
                  "NTM_LOGIN_LIMIT": "3 per minute"})
client = app.test_client()
page = client.get("/login").get_data(as_text=True)
token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf-token" content="([^"]+)"', page)
token = next(group for group in token.groups() if group)
response = client.post("/login", data={"username": "lan", "password": os.environ["PASSWORD"], "csrf_token": token})
print(json.dumps({"status": response.status_code, "body": response.get_data(as_text=True)}))
"""


@pytest.mark.config(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=PREFIX, NTM_LOGIN_LIMIT="3 per minute")
def test_failed_logins_at_one_worker_count_at_another_through_redis(app, client):
    factories.user("lan")
    for _ in range(3):
        assert login(client, "lan", "sai-mat-khau-9").status_code == 200
    env = {**os.environ, "DB": DATABASE_URL, "REDIS": REDIS, "PREFIX": PREFIX, "PASSWORD": PASSWORD,
           "NTM_INSTANCE_PATH": app.instance_path}
    out = subprocess.run([sys.executable, "-c", SECOND_WORKER], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    answer = json.loads(out.stdout.strip().splitlines()[-1])
    # Even the right password waits: the other worker has seen the three failures.
    assert answer["status"] == 429 and "quá nhiều lần" in answer["body"]


@pytest.mark.config(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=PREFIX + "-ok", NTM_LOGIN_LIMIT="3 per minute")
def test_a_second_worker_lets_in_a_user_with_no_failures(app, client):
    factories.user("lan")
    env = {**os.environ, "DB": DATABASE_URL, "REDIS": REDIS, "PREFIX": PREFIX + "-ok", "PASSWORD": PASSWORD,
           "NTM_INSTANCE_PATH": app.instance_path}
    out = subprocess.run([sys.executable, "-c", SECOND_WORKER], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert json.loads(out.stdout.strip().splitlines()[-1])["status"] == 302
