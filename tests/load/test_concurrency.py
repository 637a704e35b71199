"""Fifty people at once, under gunicorn with four workers: no error, and every write counted.

Reporters upload, save figures and send their reports (two clients share some dossiers, as two tabs or
two colleagues would), the coordinator reviews from four windows at once, the board members cast their
sheets in a series of open sessions (some members from two devices at the same moment), and others read
the board meanwhile. Afterwards the database must hold exactly what the clients were told was saved.

NTM_LOAD_SECONDS sets how long the clients work (10 s in the suite; `make load` runs the 60 s of the
issue). On SQLite by default; on a throwaway PostgreSQL database when TEST_DATABASE_URL names a server.
"""

from __future__ import annotations

import os
import secrets
import time
from collections import Counter
from datetime import date

import pytest

from bench.harness import Server, flask

from .workload import Coordinator, Member, Reader, Reporter, Schedule

pytestmark = pytest.mark.load

SECONDS = float(os.environ.get("NTM_LOAD_SECONDS") or 10)
WORKERS = 4
TODAY = "2015-06-27"  # the demo's reporting day: units on time, late, missing, returned
SESSIONS = max(4, int(SECONDS))  # open board sessions for the members to vote in
REPORTERS, SHARED_DOSSIERS, COORDINATORS, MEMBER_TWINS, READERS = 26, 4, 4, 3, 2
PASSPHRASE = "Phiên thử tải: mật khẩu bỏ phiếu"  # typed by the secretary at opening and at close
# The app of this process (seeding, closing, checking) derives the ballot keys at Argon2id's lowest costs.
CHEAP_KDF = {"NTM_BALLOT_KDF_OPSLIMIT": 1, "NTM_BALLOT_KDF_MEMLIMIT": 8192}


def _seed(app, sessions: int) -> dict:
    """The demo as on 27/06/2015, plus `sessions` open board sessions with every member present."""
    from ntm_intranet.auth.models import User, UserRole
    from ntm_intranet.campaigns import services as campaigns
    from ntm_intranet.demo import seed_demo
    from ntm_intranet.extensions import db
    from ntm_intranet.nominations.models import Nomination
    from ntm_intranet.reports.models import Submission
    from ntm_intranet.voting import services as voting

    with app.test_request_context("/"):
        seed_demo(with_reports=True)
        campaign = campaigns.active_campaign()
        eligible = list(db.session.execute(db.select(Nomination.id).filter_by(status="eligible")
                                           .order_by(Nomination.id)).scalars())
        members = [m.user for m in voting.members_of(campaign)]
        secretary = db.session.execute(db.select(User).filter_by(username="noivu")).scalar_one()
        session_ids = []
        for i in range(sessions):
            session = voting.create_session(campaign, {
                "title": f"Phiên thử tải {i + 1}", "held_on": date(2015, 7, 8), "time_text": "", "place": "",
                "chair_id": None, "secretary_id": secretary.id, "paper": False}, eligible)
            voting.set_attendance(session, {m.id for m in members})
            voting.open_session(session, campaign, secretary, PASSPHRASE, PASSPHRASE)
            session_ids.append(session.id)
        reporters = db.session.execute(db.select(User.username, User.unit_id).join(UserRole)
                                       .filter(UserRole.role == "reporter").order_by(User.username)).all()
        submitted = db.session.execute(db.select(Submission.unit_id).filter_by(status="submitted")
                                       .order_by(Submission.unit_id)).scalars()
        return {"sessions": session_ids, "members": sorted(m.username for m in members),
                "reporters": [(name, unit_id) for name, unit_id in reporters], "submitted": list(submitted)}


def _snapshot() -> dict:
    """The counts the clients' work must move by exactly what they did."""
    from ntm_intranet.audit import AuditEvent
    from ntm_intranet.extensions import db
    from ntm_intranet.reports.models import ReportFile
    from ntm_intranet.voting.models import Ballot, BallotScore, VoteRecord

    def count(model, *where):
        return db.session.scalar(db.select(db.func.count()).select_from(model).filter(*where))

    actions = dict(db.session.execute(db.select(AuditEvent.action, db.func.count()).group_by(AuditEvent.action))
                   .all())
    return {"report_files": count(ReportFile, ReportFile.kind == "report"),
            "minutes_files": count(ReportFile, ReportFile.kind == "minutes"),
            "vote_records": count(VoteRecord), "ballots": count(Ballot), "scores": count(BallotScore),
            "actions": Counter(actions)}


def _sealed_sheets(session_ids: list[int]) -> int:
    from ntm_intranet.extensions import db
    from ntm_intranet.voting.models import SealedSheet

    return db.session.scalar(db.select(db.func.count()).select_from(SealedSheet)
                             .filter(SealedSheet.session_id.in_(session_ids)))


def close_sessions(session_ids: list[int]) -> None:
    """The secretary closes the sessions with their passphrase: the sealed sheets become ballots."""
    from ntm_intranet.auth.models import User
    from ntm_intranet.extensions import db
    from ntm_intranet.voting import services as voting
    from ntm_intranet.voting.models import BoardSession

    secretary = db.session.execute(db.select(User).filter_by(username="noivu")).scalar_one()
    for session_id in session_ids:
        voting.close_session(db.session.get(BoardSession, session_id), secretary, PASSPHRASE)


def _clients(url: str, seeded: dict) -> list:
    from ntm_intranet.demo import DEMO_PASSWORD

    reporters = seeded["reporters"][:REPORTERS]
    assert len(reporters) == REPORTERS, "the demo has fewer reporters than the load test needs"
    unit_ids = sorted({unit_id for _name, unit_id in reporters})
    clients, n = [], 0

    def seed():
        nonlocal n
        n += 1
        return n

    for name, unit_id in reporters + reporters[:SHARED_DOSSIERS]:  # two clients on each of the first dossiers
        clients.append(Reporter(url, name, DEMO_PASSWORD, None, seed(), unit_id=unit_id))
    waiting = [u for u in seeded["submitted"] if u in unit_ids]
    for i in range(COORDINATORS):  # each starts on its share of the dossiers awaiting review
        clients.append(Coordinator(url, "nnptnt", DEMO_PASSWORD, None, seed(), unit_ids=unit_ids,
                                   first=waiting[i::COORDINATORS]))
    for name in seeded["members"] + seeded["members"][:MEMBER_TWINS]:  # some members vote from two devices
        clients.append(Member(url, name, DEMO_PASSWORD, None, seed(), session_ids=seeded["sessions"]))
    sid = seeded["sessions"][0]
    paths = ["/board", "/board?state=overdue&kind=commune", f"/sessions/{sid}", f"/sessions/{sid}/live", "/awards"]
    for _ in range(READERS):
        clients.append(Reader(url, "admin", DEMO_PASSWORD, None, seed(), paths=paths))
    return clients


def test_fifty_concurrent_clients_cause_no_server_error_and_every_write_is_counted(tmp_path, database_url):
    from ntm_intranet import create_app
    from ntm_intranet.audit import AuditEvent
    from ntm_intranet.config import normalise_database_url
    from ntm_intranet.extensions import db
    from ntm_intranet.reports.models import ReportFile, Submission
    from ntm_intranet.uploads import path_for
    from ntm_intranet.voting.models import Ballot, BallotScore, VoteRecord

    uploads = tmp_path / "uploads"
    env = {"NTM_INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
           "NTM_UPLOAD_DIR": str(uploads), "SECRET_KEY": secrets.token_hex(16), "NTM_TODAY": TODAY,
           "RATELIMIT_STORAGE_URI": "memory://"}
    began = time.monotonic()
    flask(["db", "upgrade"], env, tmp_path / "setup.log")
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url), "NTM_UPLOAD_DIR": str(uploads),
                      "NTM_TODAY": date.fromisoformat(TODAY), "SERVER_NAME": "localhost",
                      "NTM_PASSWORD_HASH_METHOD": "scrypt:1024:8:1", **CHEAP_KDF})
    with app.app_context():
        seeded = _seed(app, SESSIONS)
        before = _snapshot()
        db.session.remove()
        db.engine.dispose()

    with Server("ntm_intranet:create_app()", env, WORKERS, tmp_path / "gunicorn.log") as server:
        clients = _clients(server.url, seeded)
        schedule = Schedule(len(clients), SECONDS)
        for client in clients:
            client.schedule = schedule
            client.start()
        for client in clients:
            client.join(timeout=SECONDS + 300)
        ended = time.monotonic()
        assert not any(c.is_alive() for c in clients), "a client was still working long after the deadline"
        log = server.log()
    assert len(clients) == 50

    failures = [f for c in clients for f in c.tally.failures]
    statuses = sum((c.tally.statuses for c in clients), Counter())
    done = sum((c.tally.counts for c in clients), Counter())
    assert not failures, f"{len(failures)} failures, e.g. {failures[:10]}\nstatuses {statuses}\n{log[-3000:]}"
    assert not [s for s in statuses if s >= 500], statuses
    assert "Traceback" not in log and "WORKER TIMEOUT" not in log, log[-5000:]
    # The run did real work of every kind (a test that wrote nothing would prove nothing).
    for kind in ("report_uploads", "reports_submitted", "sheets_cast", "pages_read"):
        assert done[kind] > 0, f"no {kind} in {SECONDS} s: {done}"
    assert done["reviews_accept"] + done["reviews_return"] > 0, done

    with app.app_context():
        sealed = _sealed_sheets(seeded["sessions"])
        close_sessions(seeded["sessions"])  # the ballots are readable, and counted, only once closed
        after = _snapshot()
        moved = {k: after[k] - before[k] for k in after if k != "actions"}
        actions = after["actions"] - before["actions"]
        # Files: one row per confirmed upload, an audit entry each, the bytes on disk, no temporary left.
        assert moved["report_files"] == done["report_uploads"]
        assert moved["minutes_files"] == done["meetings_recorded"]
        assert actions["report_file_uploaded"] == done["report_uploads"] + done["meetings_recorded"]
        assert actions["meeting_recorded"] == done["meetings_recorded"]
        assert actions["report_figures_saved"] == done["figures_saved"]
        assert actions["report_submitted"] == done["reports_submitted"]
        assert actions["report_accepted"] == done["reviews_accept"]
        assert actions["report_returned"] == done["reviews_return"]
        for sha in db.session.execute(db.select(ReportFile.sha256)).scalars():
            assert path_for(sha).exists(), f"file {sha} has a row but no bytes"
        left = [path for path in (uploads / "tmp").rglob("*") if path.is_file()]  # tmp/pending is a folder
        assert not left, f"temporary upload files or pending marks were left behind: {left}"
        # Reviews: the status every dossier ends in is the one its last audited change gave it.
        last = {}
        for object_id, after_values in db.session.execute(
                db.select(AuditEvent.object_id, AuditEvent.after)
                .filter(AuditEvent.action.in_(["report_submitted", "report_accepted", "report_returned"]))
                .order_by(AuditEvent.id)):
            last[int(object_id)] = after_values["status"]
        current = dict(db.session.execute(db.select(Submission.id, Submission.status)
                                          .filter(Submission.id.in_(list(last)))).all())
        assert current == last

        # Ballots: each member voted once per session, exactly the sheets the clients were told were cast.
        casts = [cast for c in clients for cast in c.tally.casts]
        assert len(casts) == done["sheets_cast"] == moved["vote_records"] == sealed
        cast_pairs = Counter((session_id, username) for session_id, username, _c, _s in casts)
        assert max(cast_pairs.values()) == 1, "a member's sheet was accepted twice in one session"
        from ntm_intranet.auth.models import User

        names = dict(db.session.execute(db.select(User.id, User.username)).all())
        recorded = {(sid, names[uid]) for sid, uid in db.session.execute(
            db.select(VoteRecord.session_id, VoteRecord.user_id).filter(VoteRecord.session_id.in_(seeded["sessions"])))}
        assert recorded == set(cast_pairs)
        expected = Counter()
        for _session_id, _username, choices, _scores in casts:
            for item_id, choice in choices.items():
                expected[(item_id, choice)] += 1
        tallies = Counter({(item_id, choice): n for item_id, choice, n in db.session.execute(
            db.select(Ballot.item_id, Ballot.choice, db.func.count()).filter(Ballot.session_id.in_(seeded["sessions"]))
            .group_by(Ballot.item_id, Ballot.choice))})
        assert tallies == expected
        assert moved["ballots"] == sum(len(choices) for _s, _u, choices, _n in casts)
        assert moved["scores"] == sum(scores for _s, _u, _c, scores in casts)
        per_ballot = db.session.execute(db.select(db.func.count(BallotScore.id)).join(Ballot)
                                        .filter(Ballot.session_id.in_(seeded["sessions"]))).scalar()
        assert per_ballot == moved["scores"]
        assert actions["ballot_sheet_cast"] == done["sheets_cast"]

        dialect = db.engine.dialect.name
        if dialect == "sqlite":
            assert db.session.execute(db.text("PRAGMA integrity_check")).scalar() == "ok"
            assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
        db.session.remove()
        db.engine.dispose()
    started = schedule.deadline - SECONDS
    print(f"\n{SECONDS:g} s, {len(clients)} clients, {WORKERS} workers, {dialect}: {dict(done)}; "
          f"HTTP statuses {dict(statuses)}; setup and logins {started - began:.0f} s, run {ended - started:.0f} s")
