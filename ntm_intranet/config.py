"""Settings from environment variables, with safe embedded defaults.

Everything a deployment may change is read here, once, in `load_config()`; the rest of the code
reads `current_app.config`.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from pathlib import Path


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'ntm.sqlite3'}"
    return normalise_database_url(url)


def normalise_database_url(url: str) -> str:
    """`postgres://` and `postgresql://` (as Heroku-style tools write them) mean psycopg 3 here."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _secret_key(instance_path: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into instance/secret_key.

    Keeping the generated key on disk lets sessions survive a restart without anyone having to
    invent a key; the file is readable by its owner only.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def parse_today(value: str | None) -> date | None:
    if not value or not value.strip():
        return None
    return date.fromisoformat(value.strip())


def load_config(instance_path: Path) -> dict:
    instance_path.mkdir(parents=True, exist_ok=True)
    upload_dir = Path(os.environ.get("NTM_UPLOAD_DIR") or instance_path / "uploads")
    max_upload_mb = int(os.environ.get("NTM_MAX_UPLOAD_MB", "50"))
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "NTM_UPLOAD_DIR": str(upload_dir),
        "NTM_MAX_UPLOAD_MB": max_upload_mb,
        # Whole request cap: the largest upload plus room for the other form fields.
        "MAX_CONTENT_LENGTH": (max_upload_mb + 1) * 1024 * 1024,
        "NTM_TODAY": parse_today(os.environ.get("NTM_TODAY")),
        "NTM_TIMEZONE": "Asia/Ho_Chi_Minh",
        "BABEL_DEFAULT_LOCALE": "vi",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Ho_Chi_Minh",
        "NTM_LANGUAGES": {"vi": "Tiếng Việt", "en": "English"},
        # Sessions: a working day, HttpOnly, SameSite=Lax; Secure when served over HTTPS.
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=int(os.environ.get("NTM_SESSION_HOURS", "10"))),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("NTM_SECURE_COOKIES"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A CSRF token lives as long as the session, so a form left open over lunch still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        "NTM_LOGIN_LIMIT": os.environ.get("NTM_LOGIN_LIMIT", "5 per minute;30 per hour"),
        # Whom to believe about the client's address: nobody, a count of proxies, or their addresses.
        "NTM_TRUSTED_PROXIES": os.environ.get("NTM_TRUSTED_PROXIES", ""),
        "NTM_IMPORT_MAX_BYTES": 5 * 1024 * 1024,
        # What a killed upload left in <upload dir>/tmp goes at start once untouched this long (storage.sweep_tmp).
        "NTM_TMP_MAX_AGE_SECONDS": float(os.environ.get("NTM_TMP_MAX_AGE_SECONDS", "3600")),
        # Tests only (faults.py): pause at these points so a test can kill the server there. Never in production.
        "NTM_TEST_FAULT_PAUSE": os.environ.get("NTM_TEST_FAULT_PAUSE", ""),
        "NTM_TEST_FAULT_PAUSE_SECONDS": float(os.environ.get("NTM_TEST_FAULT_PAUSE_SECONDS", "60")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "ntm-intranet@localhost"),
    }
