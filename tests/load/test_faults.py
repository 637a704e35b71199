"""SIGKILL in the middle of an upload and of a ballot, then a restart: nothing half done is left.

gunicorn (two sync workers, as in production) serves a real instance: the demo as of 27/06/2015 in a
database file (or a throwaway PostgreSQL database when TEST_DATABASE_URL names a server), its upload folder,
one open board session. The whole server (master and workers, one process group) is killed with SIGKILL
at a chosen moment and started again on the same instance. Then:

- the database is consistent: SQLite's `PRAGMA integrity_check` says ok and no foreign key dangles (on
  PostgreSQL the same row-level invariants are checked: a killed connection's transaction is rolled back);
- nothing of the interrupted work is left: no row of the upload (not even its dossier), no file in the
  store that no row refers to, nothing in <upload dir>/tmp once the restarted app has swept it; no ballot,
  score or who-has-voted row of the sheet;
- the work can simply be done again, and then counts once.

The moments: an upload killed while its 30 MB body is still arriving, once it is written to its
temporary file (before it is checked and moved to its content address), and once it is at its content
address but its row is not committed (the file is marked pending: uploads.sweep_pending); a ballot killed
after its rows are written in the transaction, before the commit. The paused moments are reached by the
test-only pause of ntm_intranet/faults.py (NTM_TEST_FAULT_PAUSE), set only on the server that is killed.
"""

from __future__ import annotations

import hashlib
import os
import random
import secrets
import signal
import socket
import threading
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import requests

from bench.harness import Server, flask

from .test_concurrency import CHEAP_KDF, _seed, close_sessions
from .workload import Client, form_to

pytestmark = pytest.mark.load

APP = "ntm_intranet:create_app()"
WORKERS = 2
TODAY = "2015-06-27"
MB = 1024 * 1024
REPORT_NAME = "Báo cáo tổng kết giai đoạn 2011–2015.pdf"
ABANDONED = 2 * 3600  # how old the killed upload's temporary file is made to look: past the sweep's hour


class Instance:
    """One deployment's database and upload folder, migrated and seeded; `app` reads them in this process."""

    def __init__(self, tmp_path: Path, database_url: str):
        from ntm_intranet import create_app
        from ntm_intranet.config import normalise_database_url

        self.tmp_path = tmp_path
        self.uploads = tmp_path / "uploads"
        self.env = {"NTM_INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
                    "NTM_UPLOAD_DIR": str(self.uploads), "SECRET_KEY": secrets.token_hex(16), "NTM_TODAY": TODAY,
                    "RATELIMIT_STORAGE_URI": "memory://"}
        flask(["db", "upgrade"], self.env, tmp_path / "setup.log")
        # This process never sweeps the folder (an infinite age): only the restarted server may.
        self.app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
                               "NTM_UPLOAD_DIR": str(self.uploads), "NTM_TODAY": date.fromisoformat(TODAY),
                               "SERVER_NAME": "localhost", "NTM_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                               "NTM_TMP_MAX_AGE_SECONDS": float("inf"), **CHEAP_KDF})
        with self.app.app_context():
            self.seeded = _seed(self.app, 1)
        self.servers = 0

    def serve(self, **extra_env) -> Server:
        self.servers += 1
        return Server(APP, {**self.env, **extra_env}, WORKERS, self.tmp_path / f"gunicorn-{self.servers}.log")

    def query(self, function):
        """function() inside an app context of this process, its session closed after."""
        from ntm_intranet.extensions import db

        with self.app.app_context():
            try:
                return function()
            finally:
                db.session.remove()
                db.engine.dispose()

    def tmp_files(self) -> list[Path]:
        """The files under <upload dir>/tmp: uploads being written, and markers of stored files not yet committed."""
        tmp = self.uploads / "tmp"
        return sorted(p for p in tmp.rglob("*") if p.is_file()) if tmp.exists() else []


def kill(server: Server) -> None:
    """SIGKILL to the master and every worker at once, as a power cut or the OOM killer would."""
    workers = server.worker_pids()
    assert workers, "no worker to kill"
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in workers):
        assert time.monotonic() < deadline, "a worker outlived SIGKILL"
        time.sleep(0.05)
    server.stop()  # only closes its log: the process is gone


def _state(pid: int) -> str:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie"
    return next((line for line in status.splitlines() if line.startswith("State:")), "").lower()


def wait_for_log(server: Server, text: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while text not in server.log():
        assert server.process.poll() is None, f"the server died:\n{server.log()[-3000:]}"
        assert time.monotonic() < deadline, f"never logged {text!r}:\n{server.log()[-3000:]}"
        time.sleep(0.05)


def logged_in(server: Server, username: str) -> Client:
    from ntm_intranet.demo import DEMO_PASSWORD

    client = Client(server.url, username, DEMO_PASSWORD, None, seed=1)
    assert client.login(), client.tally.failures
    return client


def assert_consistent(instance: Instance) -> None:
    """The database and the upload folder agree, whatever was killed."""
    from ntm_intranet.extensions import db
    from ntm_intranet.nominations.models import NominationFile
    from ntm_intranet.reports.models import ReportFile
    from ntm_intranet.voting.models import Ballot, BallotScore, VoteRecord

    def check():
        if db.engine.dialect.name == "sqlite":
            assert db.session.execute(db.text("PRAGMA integrity_check")).scalars().all() == ["ok"]
            assert db.session.execute(db.text("PRAGMA foreign_key_check")).all() == []
        referenced = set(db.session.execute(db.select(ReportFile.sha256)).scalars())
        referenced |= set(db.session.execute(db.select(NominationFile.sha256)).scalars())
        tmp = instance.uploads / "tmp"
        stored = {p.name for p in instance.uploads.rglob("*") if p.is_file() and tmp not in p.parents}
        assert stored - referenced == set(), "files in the store that no row refers to"
        assert referenced - stored == set(), "rows whose bytes are missing"
        # A sheet is one who-has-voted row and at most one ballot per candidate: never more ballots for a
        # candidate than sheets recorded in the session, never a score without its ballot.
        scores = db.session.execute(db.select(db.func.count()).select_from(BallotScore)
                                    .outerjoin(Ballot, Ballot.id == BallotScore.ballot_id)
                                    .filter(Ballot.id.is_(None))).scalar()
        assert scores == 0, "scores of no ballot"
        records = dict(db.session.execute(db.select(VoteRecord.session_id, db.func.count())
                                          .group_by(VoteRecord.session_id)).all())
        for session_id, item_id, ballots in db.session.execute(
                db.select(Ballot.session_id, Ballot.item_id, db.func.count()).group_by(Ballot.session_id,
                                                                                        Ballot.item_id)):
            assert ballots <= records.get(session_id, 0), (session_id, item_id, ballots, records.get(session_id))

    instance.query(check)


# The upload ---------------------------------------------------------------------------------------------


def big_pdf(megabytes: int) -> bytes:
    """A scan-sized PDF: its pages' image data, incompressible, in one stream."""
    image = random.Random(megabytes).randbytes(megabytes * MB)
    head = b"%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /XObject /Subtype /Image /Length %d >>\nstream\n"
    return head % len(image) + image + b"\nendstream\nendobj\ntrailer\n<< >>\n%%EOF\n"


class RawUpload:
    """The dossier's upload form posted over a plain socket, so the test decides how much of it is sent."""

    def __init__(self, server: Server, client: Client, form: dict, data: bytes, filename: str):
        boundary = "----ntm-fault-" + secrets.token_hex(8)
        fields = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                         for name, value in form["fields"].items())
        head = (fields + f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
                "Content-Type: application/pdf\r\n\r\n").encode()
        self.body = head + data + f"\r\n--{boundary}--\r\n".encode()
        cookies = "; ".join(f"{c.name}={c.value}" for c in client.http.cookies)
        self.request = (f"POST {form['action']} HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nCookie: {cookies}\r\n"
                        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                        f"Content-Length: {len(self.body)}\r\nConnection: close\r\n\r\n").encode()
        self.sock = socket.create_connection(("127.0.0.1", server.port), timeout=60)
        self.sent = 0

    def send(self, up_to: int) -> None:
        """Headers, then the body up to byte `up_to`, in 256 KB pieces: `sendall` returns only once the
        kernel took them, so with the sockets' buffers full the worker has read all but a few MB."""
        if self.sent == 0:
            self.sock.sendall(self.request)
        while self.sent < min(up_to, len(self.body)):
            piece = self.body[self.sent:min(up_to, self.sent + 256 * 1024)]
            self.sock.sendall(piece)
            self.sent += len(piece)

    def close(self) -> None:
        self.sock.close()


def _dossier_state(instance: Instance, unit_id: int) -> dict:
    from ntm_intranet.audit import AuditEvent
    from ntm_intranet.extensions import db
    from ntm_intranet.reports.models import ReportFile, Submission

    def state():
        submission = db.session.execute(db.select(Submission.id).filter_by(unit_id=unit_id)).scalar()
        files = db.session.execute(db.select(ReportFile.sha256, ReportFile.original_name).join(Submission)
                                   .filter(Submission.unit_id == unit_id).order_by(ReportFile.id)).all()
        uploads = db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                                     .filter_by(action="report_file_uploaded")).scalar()
        return {"submission": submission, "files": [tuple(f) for f in files],
                "audited_uploads": uploads}

    return instance.query(state)


def _editable_reporter(instance: Instance) -> tuple[str, int]:
    """A reporter whose unit has no dossier yet on the demo's day: the upload would create it."""
    from ntm_intranet.extensions import db
    from ntm_intranet.reports.models import Submission

    def pick():
        started = set(db.session.execute(db.select(Submission.unit_id)).scalars())
        return next((name, unit_id) for name, unit_id in instance.seeded["reporters"] if unit_id not in started)

    return instance.query(pick)


MOMENTS = {  # the moment of the kill -> the pause that holds the request there (none: mid-body)
    "while-the-body-arrives": None,
    "once-written-to-its-temporary-file": "upload",
    "once-in-the-store-before-its-row-commits": "stored",
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_sigkill_in_the_middle_of_an_upload_leaves_nothing_behind_and_the_upload_can_be_redone(
        tmp_path, database_url, moment):
    instance = Instance(tmp_path, database_url)
    username, unit_id = _editable_reporter(instance)
    dossier = f"/units/{unit_id}/report"
    before = _dossier_state(instance, unit_id)
    assert before["submission"] is None and before["files"] == []
    data = big_pdf(30)
    sha = hashlib.sha256(data).hexdigest()

    point = MOMENTS[moment]
    pause = {"NTM_TEST_FAULT_PAUSE": point} if point else {}
    server = instance.serve(**pause)
    try:
        reporter = logged_in(server, username)
        form = form_to(reporter.get(dossier) or "", r"/report/files")
        assert form is not None, "no upload form on the dossier"
        upload = RawUpload(server, reporter, form, data, REPORT_NAME)
        if pause:
            upload.send(len(upload.body))
            wait_for_log(server, f"NTM_TEST_FAULT_PAUSE: paused at {point}")
            if point == "upload":  # the whole file sits in its temporary file, not yet at its content address
                assert [p.stat().st_size for p in instance.tmp_files()] == [len(data)]
                assert not (instance.uploads / sha[:2] / sha).exists()
            else:  # at its content address, marked pending: its row is not committed yet
                assert (instance.uploads / sha[:2] / sha).stat().st_size == len(data)
                assert [p.name for p in instance.tmp_files()] == [sha]
        else:
            upload.send(len(upload.body) // 2)
        kill(server)
        upload.close()
    finally:
        server.stop()

    left = instance.tmp_files()
    if pause:
        assert len(left) == 1, "the kill should have left the temporary file or the pending marker"
    # The killed worker's temporary files look abandoned an hour ago, as after a night's outage (what is
    # younger than an hour may belong to a live upload, and a restart at once leaves it: tests/unit).
    for path in left:
        os.utime(path, (time.time() - ABANDONED, time.time() - ABANDONED))
    assert _dossier_state(instance, unit_id) == before

    with instance.serve() as restarted:
        reporter = logged_in(restarted, username)  # a worker has booted, and swept
        assert instance.tmp_files() == [], "the restart left the killed upload's temporary file"
        assert not (instance.uploads / sha[:2] / sha).exists(), "the restart left a stored file with no row"
        assert_consistent(instance)
        assert _dossier_state(instance, unit_id) == before

        # The reporter simply uploads again.
        form = form_to(reporter.get(dossier) or "", r"/report/files")
        status = reporter.post(form["action"], form["fields"], files={"file": (REPORT_NAME, data, "application/pdf")})
        assert status == 302, (status, reporter.tally.failures)
        page = reporter.get(dossier) or ""
        assert REPORT_NAME in page
        log = restarted.log()
    assert "Traceback" not in log, log[-3000:]

    after = _dossier_state(instance, unit_id)
    assert after["files"] == [(sha, REPORT_NAME)]
    assert after["audited_uploads"] == before["audited_uploads"] + 1
    assert (instance.uploads / sha[:2] / sha).stat().st_size == len(data)
    assert instance.tmp_files() == []
    assert_consistent(instance)


# The ballot ---------------------------------------------------------------------------------------------


def _ballot_rows(instance: Instance, session_id: int, username: str) -> dict:
    from ntm_intranet.audit import AuditEvent
    from ntm_intranet.auth.models import User
    from ntm_intranet.extensions import db
    from ntm_intranet.voting.models import Ballot, BallotScore, SealedSheet, VoteRecord

    def rows():
        user_id = db.session.execute(db.select(User.id).filter_by(username=username)).scalar_one()
        return {
            "voted": db.session.execute(db.select(db.func.count()).select_from(VoteRecord)
                                        .filter_by(session_id=session_id, user_id=user_id)).scalar(),
            "records": db.session.execute(db.select(db.func.count()).select_from(VoteRecord)
                                          .filter_by(session_id=session_id)).scalar(),
            "tally": Counter({(item_id, choice): n for item_id, choice, n in db.session.execute(
                db.select(Ballot.item_id, Ballot.choice, db.func.count()).filter(Ballot.session_id == session_id)
                .group_by(Ballot.item_id, Ballot.choice))}),
            "scores": db.session.execute(db.select(db.func.count()).select_from(BallotScore).join(Ballot)
                                         .filter(Ballot.session_id == session_id)).scalar(),
            "audited": db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                                          .filter_by(action="ballot_sheet_cast")).scalar(),
            "sealed": db.session.execute(db.select(db.func.count()).select_from(SealedSheet)
                                         .filter_by(session_id=session_id)).scalar(),
        }

    return instance.query(rows)


def _filled_sheet(member: Client, session_id: int, rng: random.Random) -> tuple[dict, dict[int, str], int]:
    page = member.get(f"/sessions/{session_id}/ballot")
    assert page is not None, "the member was not offered a sheet"
    sheet = form_to(page, rf"/sessions/{session_id}/ballot")
    choices = {name: rng.choice(values) for name, values in sheet["radios"].items()}
    scores = {name: str(rng.randint(0, top)) for name, top in sheet["numbers"].items()}
    assert choices, "a sheet with nothing to vote on"
    return ({**sheet["fields"], **choices, **scores, "action": "cast"},
            {int(name[1:]): choice for name, choice in choices.items()}, len(scores))


def test_sigkill_in_the_middle_of_a_ballot_leaves_no_partial_ballot_and_the_member_votes_again(tmp_path,
                                                                                               database_url):
    instance = Instance(tmp_path, database_url)
    session_id = instance.seeded["sessions"][0]
    username = instance.seeded["members"][0]
    before = _ballot_rows(instance, session_id, username)
    assert before["records"] == 0 and before["tally"] == Counter() and before["sealed"] == 0
    url = f"/sessions/{session_id}/ballot"

    server = instance.serve(NTM_TEST_FAULT_PAUSE="ballot")
    try:
        member = logged_in(server, username)
        form, _choices, _scores = _filled_sheet(member, session_id, random.Random(1))
        outcome = {}

        def cast():
            try:
                outcome["response"] = member.http.post(server.url + url, data=form, timeout=120,
                                                       allow_redirects=False)
            except requests.RequestException as exc:
                outcome["error"] = exc

        caster = threading.Thread(target=cast, daemon=True)
        caster.start()
        wait_for_log(server, "NTM_TEST_FAULT_PAUSE: paused at ballot")
        kill(server)
        caster.join(timeout=30)
    finally:
        server.stop()
    assert "response" not in outcome, "the sheet was answered: the kill came too late"
    assert isinstance(outcome.get("error"), requests.ConnectionError), outcome

    # Nothing of the sheet: no who-has-voted row, no ballot, no score, no audit entry.
    assert _ballot_rows(instance, session_id, username) == before
    assert_consistent(instance)

    with instance.serve() as restarted:
        member = logged_in(restarted, username)
        form, choices, scores = _filled_sheet(member, session_id, random.Random(2))
        assert member.post(url, form) == 302, member.tally.failures
        # Counted once: a second sheet is refused.
        assert member.request("GET", url).status_code == 409
        log = restarted.log()
    assert "Traceback" not in log, log[-3000:]

    assert _ballot_rows(instance, session_id, username)["sealed"] == 1  # one sheet, sealed until the close
    assert_consistent(instance)
    instance.query(lambda: close_sessions([session_id]))
    after = _ballot_rows(instance, session_id, username)
    assert after["voted"] == 1 and after["records"] == 1 and after["sealed"] == 0
    assert after["tally"] == Counter({(item_id, choice): 1 for item_id, choice in choices.items()})
    assert after["scores"] == scores  # one per criterion and candidate, as the sheet asked
    assert after["audited"] == before["audited"] + 1
    assert_consistent(instance)
