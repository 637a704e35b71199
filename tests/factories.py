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


# The board (voting) ---------------------------------------------------------------------------------


def board_session(title_start="Phiên họp Hội đồng Thi đua"):
    """The demo's prepared board session (or the first whose title starts so)."""
    from ntm_intranet.voting.models import BoardSession

    return db.session.execute(db.select(BoardSession).filter(BoardSession.title.startswith(title_start))
                              .order_by(BoardSession.id)).scalars().first()


def agenda(session) -> dict[str, int]:
    """Candidate name -> agenda item id of a board session."""
    return {item.nomination.name: item.id for item in session.items}


def user_id(username) -> int:
    from ntm_intranet.auth.models import User

    return db.session.execute(db.select(User.id).filter_by(username=username)).scalar_one()


def ballot_form(session, choose=lambda name: "agree", points=lambda name: 8, skip=()) -> dict[str, str]:
    """A filled ballot sheet as the browser posts it: c<item> = agree/disagree, s<item>_<criterion> = points."""
    from ntm_intranet.nominations.models import ScoringCriterion

    criteria = db.session.execute(db.select(ScoringCriterion.id).filter_by(campaign_id=session.campaign_id)) \
        .scalars().all()
    form = {}
    for name, item_id in agenda(session).items():
        if name in skip:
            continue
        form[f"c{item_id}"] = choose(name)
        for criterion_id in criteria:
            form[f"s{item_id}_{criterion_id}"] = str(points(name))
    return form
