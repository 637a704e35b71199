"""After `flask ntm seed-scale`: the accounts the benchmark logs in with, and the approved award list.

Run by bench/run.py with the instance's environment (DATABASE_URL, NTM_INSTANCE_PATH, ...). Prints one
JSON line: the usernames, their password, the reporter's unit, the closed session and the award list.
The accounts get the production password hash (scrypt at its default cost): logging in is measured.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ntm_intranet import create_app  # noqa: E402

ACCOUNTS = {  # username -> roles
    "bench-coordinator": ["coordinator"],
    "bench-reporter": ["reporter"],
    "bench-chair": ["chair", "member", "secretary"],
}


def main() -> None:
    from ntm_intranet.auth.models import User
    from ntm_intranet.awards import services as awards
    from ntm_intranet.campaigns import services as campaigns
    from ntm_intranet.extensions import db
    from ntm_intranet.nominations.models import BaseSalary
    from ntm_intranet.org import services as org
    from ntm_intranet.org.models import Unit
    from ntm_intranet.reports.models import Submission

    app = create_app()
    password = "Bench-" + secrets.token_urlsafe(12)
    with app.test_request_context("/"):
        campaign = campaigns.active_campaign()
        # The reporter's unit: a commune whose dossier is still open (draft or returned), so its home page
        # shows what a reporter sees and the upload is accepted.
        unit = db.session.execute(db.select(Unit).join(Submission, Submission.unit_id == Unit.id)
                                  .filter(Unit.kind == "commune", Submission.status.in_(["draft", "returned"]))
                                  .order_by(Unit.id)).scalars().first()
        users = {}
        for username, roles in ACCOUNTS.items():
            user, _pw = org.create_user(username=username, full_name=f"Tài khoản đo tải {username}", roles=roles,
                                        unit=unit if "reporter" in roles else None, password=password,
                                        must_change_password=False)
            users[username] = user
        session = awards.latest_closed_session(campaign)
        award_list_id = None
        if session is not None:
            if not db.session.execute(db.select(BaseSalary.id).limit(1)).first():
                db.session.add(BaseSalary(effective_from=date(2013, 7, 1), amount=1_150_000,
                                          legal_basis="Nghị định 66/2013/NĐ-CP"))
                db.session.commit()
            chair = db.session.get(User, users["bench-chair"].id)
            award_list = awards.propose(campaign, chair)
            awards.approve(award_list, campaign, "01/QĐ-BENCH", date(2015, 7, 15), chair)
            award_list_id = award_list.id
        print(json.dumps({"password": password, "reporter_unit": unit.id if unit else None,
                          "session": session.id if session else None, "award_list": award_list_id,
                          "users": list(ACCOUNTS)}))


if __name__ == "__main__":
    main()
