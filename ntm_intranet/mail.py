"""E-mail through SMTP when MAIL_SERVER is configured; without it, nothing is sent (in-app only)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from flask import current_app


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def send(recipients: list[str], subject: str, body: str) -> int:
    """Send one message to each address; returns how many were accepted. Failures are logged, not raised:
    a reminder must still be recorded in the app when the mail server is down."""
    recipients = [r for r in recipients if r]
    if not recipients or not configured():
        return 0
    cfg = current_app.config
    sent = 0
    try:
        smtp_class = smtplib.SMTP_SSL if cfg.get("MAIL_USE_SSL") else smtplib.SMTP
        with smtp_class(cfg["MAIL_SERVER"], int(cfg.get("MAIL_PORT") or 25), timeout=15) as smtp:
            if cfg.get("MAIL_USE_TLS"):
                smtp.starttls()
            if cfg.get("MAIL_USERNAME"):
                smtp.login(cfg["MAIL_USERNAME"], cfg.get("MAIL_PASSWORD", ""))
            for address in recipients:
                message = EmailMessage()
                message["From"] = cfg["MAIL_DEFAULT_SENDER"]
                message["To"] = address
                message["Subject"] = subject
                message.set_content(body)
                try:
                    smtp.send_message(message)
                    sent += 1
                except smtplib.SMTPException:
                    current_app.logger.warning("Mail to %s refused", address)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Mail server %s unavailable", cfg["MAIL_SERVER"])
    return sent
