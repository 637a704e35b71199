"""View plumbing every room shares: the active campaign or 404, file responses and their names.

A room's views import this module, never another room's views. It sits just above the campaigns
floor (it reads the active campaign) and below every room that serves pages.
"""

from __future__ import annotations

import io
from datetime import date

from flask import abort, send_file

from . import clock
from .campaigns import services as campaigns
from .campaigns.models import Campaign
from .text import fold

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def active_campaign() -> Campaign:
    """The campaign people work on now, or 404 when there is none."""
    campaign = campaigns.active_campaign()
    if campaign is None:
        abort(404)
    return campaign


def export_name(kind: str, campaign: Campaign, ext: str, day: date | None = None) -> str:
    """`YYYY-MM-DD_<kind>_<campaign>.<ext>`: no diacritics in the name, full Vietnamese inside."""
    stem = "".join(ch if ch.isalnum() else "-" for ch in fold(campaign.doc_number)).strip("-")
    return f"{(day or clock.today()):%Y-%m-%d}_{kind}_{stem}.{ext}"


def send_document(content: bytes, ext: str, kind: str, campaign: Campaign, day: date | None = None):
    """A generated document as a download, named by `export_name`."""
    return send_bytes(content, ext, export_name(kind, campaign, ext, day))


def send_bytes(content: bytes, ext: str, name: str):
    """A generated file as a download under `name`, never cached."""
    return send_file(io.BytesIO(content), mimetype=FORMATS[ext], as_attachment=True, download_name=name, max_age=0)
