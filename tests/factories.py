"""Tiny factories: build test data through the services, never by hand-written SQL."""

from __future__ import annotations

import itertools

from ntm_intranet.extensions import db
from ntm_intranet.org import services as org
from ntm_intranet.org.models import Unit

from .conftest import PASSWORD

_seq = itertools.count(1)


def unit(code=None, name=None, kind="commune", parent=None, active=True) -> Unit:
    n = next(_seq)
    return org.save_unit(Unit(), {"code": code or f"U{n}", "name": name or f"Xã Thử Nghiệm {n}", "kind": kind,
                                  "parent": parent, "active": active, "sort_order": n})


def user(username=None, roles=("reporter",), unit=None, password=PASSWORD, must_change=False, active=True,
         full_name=None):
    n = next(_seq)
    account, _ = org.create_user(username=username or f"user{n}", full_name=full_name or f"Nguyễn Văn {n}",
                                 roles=roles, unit=unit, password=password, active=active,
                                 must_change_password=must_change)
    return account


def count(model) -> int:
    """How many rows of this model the database holds."""
    return db.session.scalar(db.select(db.func.count()).select_from(model))
