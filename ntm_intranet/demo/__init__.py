"""The demo of plan 76/KH-UBND as it stood on 27/06/2015, built the way its people would have built it.

Every row comes from the services a user's clicks call (`steps.on_day` moves the frozen clock through
the campaign's days and logs the right person in), so the demo can only hold states the product can
reach, and the audit log tells its story:

- `world`      units, the national criteria, the campaign and its milestones, one account per role and unit
- `reports`    the units' dossiers: on time, late, missing, sent back, extended, reminded (15–27/06)
- `board`      award forms, scoring criteria, eleven members, nominations screened, the 08/07 session prepared
- `conference` the 17/07 conference: programme, a draft estimate of seven lines, invitations built, not sent
- `scale`      a synthetic 10,000-unit province for the benchmarks (bulk inserts: see its docstring)

`seed_demo()` is idempotent: the world is completed where something is missing; the dossiers, the board
and the conference are built once. The demo accounts share one published password and are exempt from
the forced password change, so a real installation must never load them.
"""

from __future__ import annotations

from .world import DEMO_PASSWORD, build_world, reporter_username

__all__ = ["DEMO_PASSWORD", "reporter_username", "seed_demo"]


def seed_demo(with_reports: bool = True) -> dict[str, int]:
    """Add what is missing of the demo; returns how many rows of each kind were added.

    With `with_reports`, also the units' dossiers, the board and the conference as on 27/06/2015 (once).
    """
    from .board import load_demo_board  # python-docx and the upper rooms load only when the story is told
    from .conference import load_demo_conference
    from .reports import load_demo_reports

    added = build_world()
    if with_reports:
        added["reports"] = load_demo_reports()
        added["nominations"] = load_demo_board()
        added["conference"] = load_demo_conference()
    return added
