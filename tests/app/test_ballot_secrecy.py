"""The secret ballot is secret in the schema and in the data: who voted (vote_record) and what was voted
(ballot, ballot_score) share no key, no time, no order; and a sheet counts once even when sent eight times at once.
"""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from ntm_intranet.audit import AuditEvent
from ntm_intranet.auth.models import User
from ntm_intranet.demo import DEMO_PASSWORD
from ntm_intranet.extensions import db
from ntm_intranet.voting.models import Attendance, Ballot, BallotScore, SealedSheet, VoteRecord

from ..conftest import CLOSE_FORM, OPEN_FORM, post
from ..factories import agenda, ballot_form, board_session, count, user_id

BOARD_DAY = date(2015, 7, 8)
SECRET_TABLES = ("ballot", "ballot_score")
IDENTIFYING_TABLES = {"user", "vote_record", "attendance", "board_member", "audit_event"}
# Everything a ballot may refer to: its session, the candidate on the agenda, its own scores' criteria.
ALLOWED_REFERENCES = {"board_session", "agenda_item", "ballot", "scoring_criterion"}
PRESENT = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 9)]
HEX32 = re.compile(r"^[0-9a-f]{32}$")


@pytest.fixture
def board_day(demo_board):
    demo_board.config["NTM_TODAY"] = BOARD_DAY
    return demo_board


def open_session(as_user, present=PRESENT):
    session, secretary = board_session(), as_user("noivu")
    assert post(secretary, f"/sessions/{session.id}/attendance",
                {"present": [str(user_id(u)) for u in present]}).status_code == 302
    assert post(secretary, f"/sessions/{session.id}/open", OPEN_FORM).status_code == 302
    db.session.refresh(session)
    return session, secretary


def vote(as_user, session, username, choose=lambda name: "agree"):
    client = as_user(username)
    response = post(client, f"/sessions/{session.id}/ballot",
                    {**ballot_form(session, choose=choose, points=lambda name: len(name) % 11), "action": "cast"})
    assert response.status_code == 302, username
    return client


# The schema -------------------------------------------------------------------------------------


@pytest.mark.parametrize("table", SECRET_TABLES)
def test_a_ballot_refers_to_no_person_no_vote_record_no_attendance(app, table):
    """Both in the models' metadata and in the database the tests run on."""
    model = db.metadata.tables[table]
    referred = {fk.column.table.name for fk in model.foreign_keys}
    assert referred <= ALLOWED_REFERENCES and not referred & IDENTIFYING_TABLES
    inspector = sa.inspect(db.engine)
    in_database = {fk["referred_table"] for fk in inspector.get_foreign_keys(table)}
    assert in_database == referred
    for column in inspector.get_columns(table):
        name = column["name"].lower()
        assert not any(word in name for word in ("user", "member", "voter", "actor", "record", "attendance",
                                                  "person", "by", "ip", "session_token")), name
        if name.endswith("_id"):
            assert name in {"session_id", "item_id", "ballot_id", "criterion_id"}, name


@pytest.mark.parametrize("table", SECRET_TABLES)
def test_a_ballot_has_no_time_and_a_random_text_key(app, table):
    inspector = sa.inspect(db.engine)
    columns = {c["name"]: c for c in inspector.get_columns(table)}
    for column in columns.values():
        kind = column["type"]
        assert not isinstance(kind, sa.DateTime | sa.Date | sa.Time), column["name"]
        assert not re.search("DATE|TIME", str(kind).upper()), column["name"]
        assert not re.search("_at$|_on$|date|time|created|updated", column["name"]), column["name"]
    primary_key = inspector.get_pk_constraint(table)["constrained_columns"]
    assert primary_key == ["id"]
    assert not isinstance(columns["id"]["type"], sa.Integer)
    assert isinstance(columns["id"]["type"], sa.String) and columns["id"]["type"].length == 32
    model_id = db.metadata.tables[table].c.id
    assert model_id.autoincrement is not True and model_id.default is not None  # filled by secrets.token_hex


def test_who_voted_says_nothing_about_what(app):
    """vote_record: the member and the session only; no time, no choice, no key to a ballot."""
    vote_record = db.metadata.tables["vote_record"]
    assert {c.name for c in vote_record.columns} == {"id", "session_id", "user_id", "written"}
    assert {fk.column.table.name for fk in vote_record.foreign_keys} == {"board_session", "user"}
    attendance = db.metadata.tables["attendance"]
    assert {fk.column.table.name for fk in attendance.foreign_keys} == {"board_session", "user"}
    assert not any(fk.column.table.name in SECRET_TABLES for t in (vote_record, attendance) for fk in t.foreign_keys)


# The data ---------------------------------------------------------------------------------------


def test_after_a_session_no_ballot_holds_an_identity(board_day, as_user):
    session, secretary = open_session(as_user)
    for username in PRESENT:
        vote(as_user, session, username,
             choose=lambda name, u=username: "disagree" if name.startswith("H") and u.endswith("1") else "agree")
    assert post(secretary, f"/sessions/{session.id}/written/{user_id('thanhvien9')}",
                {**ballot_form(session), "action": "cast"}).status_code == 302
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302

    record_ids = set(db.session.execute(db.select(VoteRecord.id)).scalars())
    user_ids = set(db.session.execute(db.select(User.id)).scalars())
    attendance_ids = set(db.session.execute(db.select(Attendance.id)).scalars())
    identities = record_ids | user_ids | attendance_ids
    assert len(record_ids) == 11
    items = set(agenda(session).values())

    rows = db.session.execute(sa.text("SELECT * FROM ballot")).mappings().all()
    assert len(rows) == 11 * 10 - 1  # thanhvien3 has no ballot on himself
    assert set(rows[0].keys()) == {"id", "session_id", "item_id", "choice", "written"}
    for row in rows:
        # the two integer columns are references to the session and the agenda, nothing else
        assert row["session_id"] == session.id and row["item_id"] in items
        for name, value in row.items():
            if name in ("session_id", "item_id"):
                continue
            assert isinstance(value, str | bool) or value in (0, 1), name  # SQLite stores booleans as 0/1
            if isinstance(value, str):
                assert value not in {str(i) for i in identities}, (name, value)
                assert not value.isdigit(), (name, value)
        assert HEX32.match(row["id"]) and row["choice"] in ("agree", "disagree")
    ids = [row["id"] for row in rows]
    assert len(set(ids)) == len(ids)

    scores = db.session.execute(sa.text("SELECT * FROM ballot_score")).mappings().all()
    assert len(scores) == len(rows) * 3
    assert set(scores[0].keys()) == {"id", "ballot_id", "criterion_id", "points"}
    score_ids = [s["id"] for s in scores]
    assert all(HEX32.match(i) for i in score_ids) and len(set(score_ids) | set(ids)) == len(score_ids) + len(ids)
    assert {s["ballot_id"] for s in scores} == set(ids)
    # the written opinion is counted per candidate, never marked on a ballot (that would name the absent member)
    assert sum(1 for r in rows if r["written"]) == 0
    db.session.refresh(session)
    assert {item.written_ballots for item in session.items} == {1}


def test_the_audit_log_says_that_a_sheet_was_cast_never_how(board_day, as_user):
    session, secretary = open_session(as_user)
    vote(as_user, session, "thanhvien1", choose=lambda name: "disagree")
    vote(as_user, session, "thanhvien2")
    assert post(secretary, f"/sessions/{session.id}/written/{user_id('thanhvien9')}",
                {**ballot_form(session), "action": "cast"}).status_code == 302

    events = db.session.execute(db.select(AuditEvent).filter_by(action="ballot_sheet_cast")
                                .order_by(AuditEvent.id)).scalars().all()
    assert len(events) == 3
    # WHO cast a sheet is recorded (as vote_record records it): the member, or the secretary for a written one
    assert [e.actor_name for e in events] == ["thanhvien1", "thanhvien2", "noivu"]
    assert [e.actor_id for e in events] == [user_id("thanhvien1"), user_id("thanhvien2"), user_id("noivu")]
    assert [e.summary for e in events] == ["10 ballots", "10 ballots", "10 ballots (written opinion)"]
    ballot_ids = set(db.session.execute(db.select(Ballot.id)).scalars())
    for event in events:
        assert (event.object_type, event.object_id) == ("session", str(session.id))
        assert event.before is None and event.after is None
        told = f"{event.summary} {event.before} {event.after}".lower()
        assert "agree" not in told and "đồng ý" not in told
        assert not any(b in told for b in ballot_ids)
        assert set(re.findall(r"\d+", told)) <= {"10"}  # how many ballots: no candidate, no ballot, no member
    # nor anywhere else in the log: no event mentions a ballot's id or a member's choice
    for event in db.session.execute(db.select(AuditEvent)).scalars():
        told = f"{event.summary} {event.before} {event.after}"
        assert not any(b in told for b in ballot_ids) and "'agree'" not in told and "disagree" not in told


def test_the_order_ballots_are_stored_in_does_not_follow_the_order_of_the_sheets(board_day, as_user):
    """Whoever reads the database sees the vote_record rows (and the audit log) in the order members voted.
    If the ballots are stored in that same order, the first sheet's ballots are the first rows: secrecy is gone.
    SQLite: a table WITHOUT ROWID is stored in the order of its random key. PostgreSQL: the physical
    position (ctid) of a row follows insertion."""
    session, secretary = open_session(as_user)
    vote(as_user, session, "thanhvien1", choose=lambda name: "agree")
    vote(as_user, session, "thanhvien2", choose=lambda name: "disagree")
    # The ballots are first written at the close, all at once, in a random order under fresh ids (while the
    # session is open only sealed sheets exist: tests/app/test_ballot_forensics.py).
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    if db.engine.dialect.name == "sqlite":
        for table in SECRET_TABLES:
            schema = db.session.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = :t"),
                                        {"t": table}).scalar_one()
            assert "WITHOUT ROWID" in schema.upper(), table
        stored = list(db.session.execute(sa.text("SELECT choice FROM ballot")).scalars())
    else:
        stored = list(db.session.execute(sa.text("SELECT choice FROM ballot ORDER BY ctid")).scalars())
    assert sorted(stored) == ["agree"] * 10 + ["disagree"] * 10
    # random keys scatter the two sheets: this exact split has a chance of 1 in 184 756
    assert stored != ["agree"] * 10 + ["disagree"] * 10, \
        "ballots are stored in the order the sheets were cast: the storage order links each ballot to its voter"


# Eight tabs at once ------------------------------------------------------------------------------


class LiveServer:
    """The app served by werkzeug's threaded server on 127.0.0.1 (the idea of tests/e2e/conftest.py)."""

    def __init__(self, app):
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, name="ballot-live-server", daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self._server.server_port}{path}"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._thread.join(timeout=10)
        self._server.server_close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser without JavaScript: a cookie jar, forms posted with the page's CSRF token."""

    TOKEN = re.compile(r'<meta name="csrf-token" content="([^"]+)"')

    def __init__(self, server: LiveServer):
        self.server = server
        self.jar = http.cookiejar.CookieJar()

    def _opener(self):
        return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self._opener().open(self.server.url(path), data=body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def token(self, path: str = "/campaigns") -> str:
        status, page = self.request(path)
        match = self.TOKEN.search(page)
        assert match, (status, page[:200])
        return match.group(1)

    def log_in(self, username: str) -> None:
        status, _page = self.request("/login", {"username": username, "password": DEMO_PASSWORD,
                                                "csrf_token": self.token("/login")})
        assert status == 302, f"login as {username} failed"


def fire_at_once(requests: list) -> list:
    """Run the callables on as many threads, released together; their results in order."""
    barrier = threading.Barrier(len(requests))
    results = [None] * len(requests)

    def run(index, call):
        barrier.wait(timeout=30)
        results[index] = call()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_the_same_sheet_sent_from_eight_tabs_at_once_counts_once(board_day, as_user):
    session, _secretary = open_session(as_user)
    sheet = {**ballot_form(session), "action": "cast"}
    with LiveServer(board_day) as server:
        browser = Browser(server)
        browser.log_in("thanhvien5")
        sheet["csrf_token"] = browser.token(f"/sessions/{session.id}/ballot")
        results = fire_at_once([lambda: browser.request(f"/sessions/{session.id}/ballot", sheet)] * 8)

    statuses = sorted(status for status, _page in results)
    assert statuses == [302] + [409] * 7, statuses
    for status, page in results:
        if status == 409:
            assert "Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được." in page
    member = user_id("thanhvien5")
    assert db.session.scalar(db.select(sa.func.count()).select_from(VoteRecord).filter_by(user_id=member)) == 1
    assert count(VoteRecord) == 1
    assert count(SealedSheet) == 1 and count(Ballot) == 0 and count(BallotScore) == 0
    assert db.session.scalar(db.select(sa.func.count()).select_from(AuditEvent)
                             .filter_by(action="ballot_sheet_cast")) == 1


def test_eight_members_voting_at_the_same_instant_are_all_counted(board_day, as_user):
    session, _secretary = open_session(as_user)
    voters = PRESENT[:8]
    with LiveServer(board_day) as server:
        calls = []
        for username in voters:
            browser = Browser(server)
            browser.log_in(username)
            sheet = {**ballot_form(session), "action": "cast",
                     "csrf_token": browser.token(f"/sessions/{session.id}/ballot")}
            calls.append(lambda b=browser, s=sheet: b.request(f"/sessions/{session.id}/ballot", s))
        results = fire_at_once(calls)
    assert [status for status, _page in results] == [302] * 8
    assert count(VoteRecord) == 8
    assert count(SealedSheet) == 8 and count(Ballot) == 0
    assert post(as_user("noivu"), f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    assert count(Ballot) == 8 * 10 - 1  # thanhvien3 is among them, without a ballot on himself
