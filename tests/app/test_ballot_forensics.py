"""Forensics of the secret ballot: whoever copies every file of the database (and its backups, and the logs) at
any moment must not learn how any member voted.

A session of the demo's 11 members (ten present, thanhvien9's written opinion entered by the secretary) runs
through the pages on a database of its own. The artifacts are copied at three moments: mid-session (every sheet
cast, not yet closed), just after the close, and after `flask ntm backup` and `flask ntm restore` into a fresh
instance. Then every linking attack we know is tried on them:

- SQLite: the -wal file parsed into frames and commits; the database replayed commit by commit and read with
  SQL, so that the ballots that appear in a commit are tied to the members whose vote_record rows appear in it;
  every page image (main file, WAL frames, -journal, the backup's file) carved for ballot rows, live or freed;
- PostgreSQL: the rows' xmin (shared by what one transaction wrote), dead tuples read with pageinspect, and the
  server's own WAL read with pg_walinspect (which transactions wrote into the ballot and vote_record tables);
- both: the order rows are stored in and the order of their ids against the order of casting (vote_record and
  the audit log), timestamps, the audit log, and the app's log at DEBUG (SQL statements included).

An attack yields links: "these readable ballots were cast by one of these members". The test passes only if
no link narrows a readable ballot to fewer members than all who voted in the session. Each attack is sound (a
link that leaves out the true voter would be the attack's mistake and is not counted), and the test states
what it found, so that the same file run on the code before ballot encryption says how it fails there.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import struct
import tarfile
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from ntm_intranet.extensions import db

from ..conftest import make_app, post
from .test_migrations import _drop_database, _empty_database

BOARD_DAY = date(2015, 7, 8)
PASSPHRASE = "Bỏ phiếu kín: không ai biết ai bầu ai"
OPEN = {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE}
CLOSE = {"passphrase": PASSPHRASE}
PRESENT = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 9)]
ABSENT = "thanhvien9"  # his written opinion is entered by the secretary
VOTERS = PRESENT + [ABSENT]
HEX32 = re.compile(rb"[0-9a-f]{32}")


# Running the session --------------------------------------------------------------------------------------


def _choose(voter: int, position: int) -> str:
    return "disagree" if (voter + position) % 3 == 0 else "agree"


def _sheet(app, session_id: int, voter: int) -> dict:
    """Voter number `voter` gives every candidate on the first criterion `voter` points: the test (not the
    attacker) can tell whose a readable ballot is, to check that an attack's inference is right."""
    with app.app_context():
        items = db.session.execute(sa.text("SELECT id, position FROM agenda_item WHERE session_id = :s "
                                           "ORDER BY position"), {"s": session_id}).all()
        criteria = db.session.execute(sa.text("SELECT id FROM scoring_criterion ORDER BY sort_order, id")) \
            .scalars().all()
    form = {"action": "cast"}
    for item_id, position in items:
        form[f"c{item_id}"] = _choose(voter, position)
        for n, criterion in enumerate(criteria):
            form[f"s{item_id}_{criterion}"] = str(voter if n == 0 else (voter + position + n) % 11)
    return form


def _client(app, username):
    from ntm_intranet.demo import DEMO_PASSWORD

    client = app.test_client()
    assert post(client, "/login", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


@dataclass
class Run:
    app: object
    kind: str
    url: str
    session_id: int
    user_ids: dict[str, int]            # username -> user id
    truth: dict[tuple, str] = field(default_factory=dict)  # (item, points on the first criterion) -> username
    log: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self, sink: list[str]):
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record):
        try:
            self.sink.append(record.getMessage())
        except Exception:  # noqa: BLE001  (a record that cannot be formatted is no evidence either way)
            self.sink.append(str(record.msg))


@pytest.fixture
def instance(tmp_path):
    """A database of the suite's kind for this test alone, brought to the current schema, with the demo."""
    from ntm_intranet.demo import seed_demo as load_demo

    url, cleanup = _empty_database(tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI=url, NTM_UPLOAD_DIR=str(tmp_path / "uploads"), NTM_TODAY=date(2015, 6, 27))
    with app.app_context():
        upgrade()
        load_demo(with_reports=True)
        db.session.remove()
    app.config["NTM_TODAY"] = BOARD_DAY
    yield app, url
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    _drop_database(cleanup)


def _start(app, url) -> Run:
    with app.app_context():
        session_id = db.session.execute(sa.text("SELECT min(id) FROM board_session")).scalar_one()
        users = dict(db.session.execute(sa.text("SELECT username, id FROM \"user\"")).all())
    run = Run(app, sa.engine.make_url(url).get_backend_name(), url, session_id, users)
    secretary = _client(app, "noivu")
    assert post(secretary, f"/sessions/{session_id}/attendance",
                {"present": [str(users[u]) for u in PRESENT]}).status_code == 302
    assert post(secretary, f"/sessions/{session_id}/open", OPEN).status_code == 302
    return run


def _cast_all(run: Run) -> None:
    secretary = _client(run.app, "noivu")
    for number, username in enumerate(VOTERS):
        form = _sheet(run.app, run.session_id, number)
        if username == ABSENT:
            response = post(secretary, f"/sessions/{run.session_id}/written/{run.user_ids[username]}", form)
        else:
            response = post(_client(run.app, username), f"/sessions/{run.session_id}/ballot", form)
        assert response.status_code == 302, username
        for key in form:
            if key.startswith("c"):
                run.truth[(int(key[1:]), number)] = username


def _close(run: Run) -> None:
    response = post(_client(run.app, "noivu"), f"/sessions/{run.session_id}/close", CLOSE)
    assert response.status_code == 302


# What an attack finds -------------------------------------------------------------------------------------


Content = tuple  # (item_id, choice, ((criterion, points), ...)): a readable ballot


@dataclass
class Findings:
    voters: set[str]                                        # everyone who voted in the session
    truth: dict[tuple, str]
    smallest: dict[str, tuple[int, str]] = field(default_factory=dict)  # voter -> (anonymity set size, how)
    families: dict[str, dict[str, int]] = field(default_factory=dict)  # attack -> voter -> smallest set
    notes: list[str] = field(default_factory=list)

    def owner(self, content: Content) -> str | None:
        item, _choice, scores = content
        return self.truth.get((item, scores[0][1])) if scores else None

    def link(self, how: str, candidates: set[str], ballots) -> None:
        """`ballots` (readable) were cast by one of `candidates`: kept where the inference is right."""
        family = re.sub(r" \d+", " N", how)
        for content in ballots:
            voter = self.owner(content)
            if voter is None or voter not in candidates:
                continue
            size = len(candidates & self.voters)
            if size < self.smallest.get(voter, (len(self.voters) + 1, ""))[0]:
                self.smallest[voter] = (size, how)
            if size < len(self.voters):
                hits = self.families.setdefault(family, {})
                hits[voter] = min(size, hits.get(voter, size))

    def narrowed(self) -> dict[str, tuple[int, str]]:
        return {v: s for v, s in self.smallest.items() if s[0] < len(self.voters)}

    def sentence(self) -> str:
        total = len(self.voters)
        if not self.families:
            return f"no artifact narrows the anonymity set of any of the {total} voters"
        parts = []
        for family, hits in sorted(self.families.items()):
            alone = sum(1 for size in hits.values() if size == 1)
            parts.append(f"links {alone} of {total} voters to their own ballots ({len(hits)} narrowed) via {family}")
        return "; ".join(parts)


def _ballots_sql(connection_execute, session_id: int) -> dict[str, Content]:
    """Readable ballots of the session, by id: {id: (item, choice, ((criterion, points), ...))}."""
    rows = connection_execute("SELECT b.id, b.item_id, b.choice, s.criterion_id, s.points FROM ballot b "
                              "LEFT JOIN ballot_score s ON s.ballot_id = b.id WHERE b.session_id = ?", (session_id,))
    ballots: dict[str, list] = {}
    for ballot_id, item, choice, criterion, points in rows:
        entry = ballots.setdefault(ballot_id, [item, choice, []])
        if criterion is not None:
            entry[2].append((criterion, points))
    return {bid: (item, choice, tuple(scores)) for bid, (item, choice, scores) in ballots.items()}


def _first_criterion_first(content: Content, first: int) -> Content:
    item, choice, scores = content
    return item, choice, tuple(sorted(scores, key=lambda cp: (cp[0] != first, cp[0])))


# SQLite: the files --------------------------------------------------------------------------------------


def _copy_sqlite(path: Path, target: Path) -> dict[str, bytes]:
    """Every file of the database, as an IT officer with read access to instance/ copies them."""
    target.mkdir(parents=True, exist_ok=True)
    copied = {}
    for suffix in ("", "-wal", "-journal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            shutil.copyfile(source, target / (path.name + suffix))
            copied[suffix or "main"] = (target / (path.name + suffix)).read_bytes()
    return copied


def _wal_commits(wal: bytes) -> tuple[int, list[list[tuple[int, bytes]]]]:
    """The valid frames of a -wal file grouped by commit: [[(page number, page image), ...], ...]."""
    if len(wal) < 32:
        return 0, []
    magic, _version, page_size, _seq, salt1, salt2 = struct.unpack(">IIIIII", wal[:24])
    assert magic in (0x377F0682, 0x377F0683), "not a WAL file"
    commits, pending, offset = [], [], 32
    while offset + 24 + page_size <= len(wal):
        page_no, commit_size, s1, s2 = struct.unpack(">IIII", wal[offset:offset + 16])
        if (s1, s2) != (salt1, salt2):
            break  # a frame of an older generation of the log: not part of the database any more
        pending.append((page_no, wal[offset + 24:offset + 24 + page_size]))
        if commit_size:
            commits.append(pending)
            pending = []
        offset += 24 + page_size
    return page_size, commits


def _read_image(image: bytes, workdir: Path, session_id: int, first: int):
    """Open a database image with SQL: the session's voters (user ids) and readable ballots."""
    path = workdir / "replay.sqlite3"
    image = bytearray(image)
    if len(image) >= 100:
        image[18:20] = b"\x01\x01"  # read the image as a self-contained file: its log is already applied
    path.write_bytes(bytes(image))
    connection = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        voters = {row[0] for row in connection.execute("SELECT user_id FROM vote_record WHERE session_id = ?",
                                                       (session_id,))}
        ballots = _ballots_sql(lambda q, p: connection.execute(q, p).fetchall(), session_id)
        return voters, {k: _first_criterion_first(v, first) for k, v in ballots.items()}
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):  # a commit before the schema was complete
            return set(), {}
        return None
    except sqlite3.DatabaseError:
        return None
    finally:
        connection.close()


def _attack_sqlite_files(files: dict[str, bytes], run: Run, findings: Findings, workdir: Path, moment: str,
                         first: int, names: dict[int, str]) -> dict[str, Content]:
    """WAL replay commit by commit, then carving of every page image. Returns every readable ballot seen."""
    seen: dict[str, Content] = {}
    main = bytearray(files.get("main", b""))
    page_size, commits = _wal_commits(files.get("-wal", b""))
    state = _read_image(bytes(main), workdir, run.session_id, first) if main else None
    if state:
        seen.update(state[1])
    previous = state
    for number, frames in enumerate(commits, start=1):
        for page_no, image in frames:
            end = page_no * page_size
            if len(main) < end:
                main.extend(bytes(end - len(main)))
            main[end - page_size:end] = image
        state = _read_image(bytes(main), workdir, run.session_id, first)
        if state is None:
            findings.notes.append(f"{moment}: commit {number} of the WAL did not replay into a readable database")
            continue
        voters, ballots = state
        seen.update(ballots)
        if previous is not None:
            new_voters = voters - previous[0]
            new_ballots = [c for bid, c in ballots.items() if bid not in previous[1]]
            if new_ballots:
                candidates = new_voters or voters
                findings.link(f"{moment}: WAL commit {number} (frame order)", {names[u] for u in candidates},
                              new_ballots)
        previous = state
    # Carving: any page image, live or freed, holding a ballot id beside a choice.
    images = [files.get("main", b""), files.get("-journal", b"")] + [image for frames in commits
                                                                       for _page, image in frames]
    carved = set()
    for blob in images:
        for match in re.finditer(rb"([0-9a-f]{32}).{0,12}?(disagree|agree)|(disagree|agree).{0,12}?([0-9a-f]{32})",
                                 blob, re.S):
            carved.add((match.group(1) or match.group(4)).decode())
    stale = carved - set((state or ({}, {}))[1]) if state else carved
    if stale:
        findings.notes.append(f"{moment}: {len(stale)} ballot ids readable beside a choice in page images that are "
                              "not live rows (freed pages, old WAL frames)")
    return seen


def _sealed_left(boxes: list[bytes], files: dict[str, bytes]) -> int:
    """How many of the sealed sheets still have bytes in the files (slices: a long row spans overflow pages)."""
    blob = b"".join(files.values())
    return sum(1 for box in boxes if any(box[i:i + 40] in blob for i in range(64, len(box) - 40, 600)))


# Order, audit, logs: both databases -------------------------------------------------------------------------


def _attack_order(findings: Findings, ordered: list[Content], sheets_in_order: list[tuple[str, int]], how: str):
    """The ballots in storage (or id, or xmin) order, cut into consecutive runs the size of each sheet in the order
    the sheets were cast: a run that is one member's whole sheet ties it to the member cast at that place."""
    position = 0
    for voter, size in sheets_in_order:
        run = ordered[position:position + size]
        position += size
        owners = {findings.owner(c) for c in run}
        if len(run) == size and owners == {voter}:
            findings.link(how, {voter}, run)


def _cast_order(run: Run, execute) -> list[tuple[str, int]]:
    """Who cast a sheet, in the order of vote_record's ids, and how many candidates each sheet had."""
    names = {v: k for k, v in run.user_ids.items()}
    order = [names[u] for (u,) in execute("SELECT user_id FROM vote_record WHERE session_id = :s ORDER BY id",
                                          {"s": run.session_id})]
    # the audit log says, in the same order, how many ballots each sheet held ("10 ballots")
    sizes = [int(re.match(r"\d+", summary).group()) for (summary,) in execute(
        "SELECT summary FROM audit_event WHERE action = 'ballot_sheet_cast' ORDER BY id", {})]
    return list(zip(order, sizes, strict=True))


def _attack_written_flag(findings: Findings, run: Run, execute, readable: dict[str, Content], moment: str):
    """A ballot marked as written came from one of the members whose vote_record is marked written."""
    names = {v: k for k, v in run.user_ids.items()}
    writers = {names[u] for (u,) in execute("SELECT user_id FROM vote_record WHERE session_id = :s AND written",
                                            {"s": run.session_id})}
    marked = [readable[b] for (b,) in execute("SELECT id FROM ballot WHERE session_id = :s AND written",
                                              {"s": run.session_id}) if b in readable]
    if writers and marked:
        findings.link(f"{moment}: the written flag of a ballot", writers, marked)


def _attack_audit_and_logs(findings: Findings, run: Run, execute, readable: dict[str, Content], moment: str):
    ids = set(readable)
    events = execute("SELECT actor_id, action, summary, before, after FROM audit_event ORDER BY id", {})
    names = {v: k for k, v in run.user_ids.items()}
    for actor, action, summary, before, after in events:
        told = f"{action} {summary} {before} {after}"
        mentioned = [readable[i] for i in ids if i in told]
        if mentioned or re.search(r"\bdisagree\b|'agree'|\"agree\"", told):
            findings.link(f"{moment}: audit event {action}", {names.get(actor, "?")}, mentioned)
    # The log, cut into transactions at each COMMIT: who was recorded as voting beside which ballot ids.
    chunk_voters, chunk_ids = set(), set()
    for line in run.log:
        if "vote_record" in line and "INSERT" in line.upper():
            chunk_voters.add("pending")
        if chunk_voters and "pending" in chunk_voters:
            match = re.match(r"^\[[^\]]*\] \((\d+), (\d+), (?:0|1|True|False)\)", line)
            if match and int(match.group(1)) == run.session_id:
                chunk_voters.discard("pending")
                chunk_voters.add(names.get(int(match.group(2)), "?"))
        chunk_ids.update(i for i in ids if i in line)
        if line.strip() == "COMMIT":
            if chunk_ids and chunk_voters - {"pending"}:
                findings.link(f"{moment}: app log (SQL of one transaction)", chunk_voters - {"pending"},
                              [readable[i] for i in chunk_ids])
            chunk_voters, chunk_ids = set(), set()
    assert not any(PASSPHRASE in line for line in run.log), "the passphrase reached the log"


# PostgreSQL: xmin, dead tuples, the server's WAL ----------------------------------------------------------------


def _pg_tuples(execute, table: str) -> list[tuple[int, list]]:
    """Every tuple of a table's heap, live or dead, as (xmin, [raw attribute bytes]) through pageinspect."""
    pages = execute("SELECT pg_relation_size(CAST(:t AS regclass)) / current_setting('block_size')::int",
                    {"t": table})[0][0]
    tuples = []
    for page in range(pages):
        for xmin, attrs in execute(
                "SELECT t_xmin::text::bigint, tuple_data_split(CAST(:t AS regclass), t_data, t_infomask, t_infomask2, "
                "t_bits) FROM heap_page_items(get_raw_page(:t, :p)) WHERE t_data IS NOT NULL", {"t": table, "p": page}):
            tuples.append((xmin, attrs))
    return tuples


def _varlena(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    raw = bytes(raw)
    if raw[0] & 1:  # short header: one byte
        return raw[1:].decode(errors="replace")
    return raw[4:].decode(errors="replace")


def _int4(raw) -> int | None:
    return None if raw is None else struct.unpack("<i", bytes(raw))[0]


def _attack_postgres(findings: Findings, run: Run, execute, readable: dict[str, Content], moment: str, first: int,
                     wal_start: str | None):
    names = {v: k for k, v in run.user_ids.items()}
    # Shared xmin of live rows, and xmin order: a ballot can only come from a member recorded by its transaction.
    voter_xmin = {names[u]: x for u, x in execute("SELECT user_id, xmin::text::bigint FROM vote_record "
                                                  "WHERE session_id = :s", {"s": run.session_id})}
    ballot_xmin = {bid: x for bid, x in execute("SELECT id, xmin::text::bigint FROM ballot WHERE session_id = :s",
                                                {"s": run.session_id})}
    for bid, x in ballot_xmin.items():
        if bid in readable:
            same = {v for v, vx in voter_xmin.items() if vx == x}
            by_then = {v for v, vx in voter_xmin.items() if vx <= x}
            findings.link(f"{moment}: shared xmin", same or by_then, [readable[bid]])
    # Dead tuples (pageinspect): old versions of ballots with the xmin of the transaction that wrote them.
    try:
        execute("CREATE EXTENSION IF NOT EXISTS pageinspect", {})
        dead_ballots = defaultdict(list)
        for xmin, attrs in _pg_tuples(execute, "ballot"):
            bid, item, choice = _varlena(attrs[0]), _int4(attrs[2]), _varlena(attrs[3])
            dead_ballots[xmin].append((bid, item, choice))
        scores = defaultdict(list)
        for _xmin, attrs in _pg_tuples(execute, "ballot_score"):
            scores[_varlena(attrs[1])].append((_int4(attrs[2]), _int4(attrs[3])))
        tuple_voters = defaultdict(set)
        for xmin, attrs in _pg_tuples(execute, "vote_record"):
            if _int4(attrs[1]) == run.session_id:
                tuple_voters[xmin].add(names.get(_int4(attrs[2]), "?"))
        for xmin, rows in dead_ballots.items():
            contents = [_first_criterion_first((item, choice, tuple(scores.get(bid, ()))), first)
                        for bid, item, choice in rows if choice in ("agree", "disagree")]
            if tuple_voters.get(xmin):
                findings.link(f"{moment}: heap tuples sharing xmin (pageinspect, dead ones included)",
                              tuple_voters[xmin], contents)
    except sa.exc.DBAPIError as exc:  # no superuser: said, not hidden
        findings.notes.append(f"{moment}: pageinspect not available ({type(exc).__name__})")
    # The server's WAL (pg_walinspect): which transactions wrote into ballot and into vote_record.
    if wal_start is None:
        return
    try:
        execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect", {})
        nodes = {t: execute("SELECT pg_relation_filenode(CAST(:t AS regclass))", {"t": t})[0][0]
                 for t in ("ballot", "vote_record")}
        wrote = defaultdict(set)
        for xid, refs in execute("SELECT xid::text::bigint, block_ref FROM pg_get_wal_records_info("
                                 "CAST(:a AS pg_lsn), pg_current_wal_lsn()) WHERE resource_manager LIKE 'Heap%'",
                                 {"a": wal_start}):
            for table, node in nodes.items():
                if refs and re.search(rf"rel \d+/\d+/{node}\b", refs):
                    wrote[xid].add(table)
        for xid, tables in wrote.items():
            if {"ballot", "vote_record"} <= tables:
                voters = {v for v, vx in voter_xmin.items() if vx == xid}
                ballots = [readable[b] for b, bx in ballot_xmin.items() if bx == xid and b in readable]
                findings.link(f"{moment}: server WAL (one transaction wrote ballot and vote_record rows)",
                              voters or set(voter_xmin), ballots or list(readable.values()))
    except sa.exc.DBAPIError as exc:
        findings.notes.append(f"{moment}: pg_walinspect not available ({type(exc).__name__})")


# The test ------------------------------------------------------------------------------------------------------


def _executor(app):
    def execute(sql, params):
        with app.app_context(), db.engine.connect() as connection:
            result = connection.execute(sa.text(sql), params)
            rows = result.all() if result.returns_rows else []
            connection.commit()
            return rows
    return execute


def _live_ballots(app, session_id: int, first: int) -> dict[str, Content]:
    execute = _executor(app)
    rows = execute("SELECT b.id, b.item_id, b.choice, s.criterion_id, s.points FROM ballot b LEFT JOIN ballot_score s "
                   "ON s.ballot_id = b.id WHERE b.session_id = :s", {"s": session_id})
    ballots: dict[str, list] = {}
    for bid, item, choice, criterion, points in rows:
        entry = ballots.setdefault(bid, [item, choice, []])
        if criterion is not None:
            entry[2].append((criterion, points))
    return {b: _first_criterion_first((i, c, tuple(s)), first) for b, (i, c, s) in ballots.items()}


def _storage_orders(app, kind: str, session_id: int, first: int) -> dict[str, list[Content]]:
    execute = _executor(app)
    live = _live_ballots(app, session_id, first)
    orders = {"id order": [live[b] for (b,) in execute("SELECT id FROM ballot WHERE session_id = :s ORDER BY id",
                                                         {"s": session_id})]}
    if kind == "sqlite":  # a WITHOUT ROWID table is stored in key order; a rowid table in rowid order
        orders["storage order"] = [live[b] for (b,) in execute("SELECT id FROM ballot WHERE session_id = :s",
                                                               {"s": session_id})]
    else:
        orders["storage order (ctid)"] = [live[b] for (b,) in execute(
            "SELECT id FROM ballot WHERE session_id = :s ORDER BY ctid", {"s": session_id})]
        orders["xmin order"] = [live[b] for (b,) in execute(
            "SELECT id FROM ballot WHERE session_id = :s ORDER BY xmin::text::bigint, ctid", {"s": session_id})]
    return orders


def test_no_artifact_of_the_database_backups_or_logs_ties_a_readable_ballot_to_fewer_than_all_voters(
        instance, tmp_path):
    app, url = instance
    run = _start(app, url)
    kind = run.kind
    execute = _executor(app)
    first = execute("SELECT id FROM scoring_criterion ORDER BY sort_order, id", {})[0][0]
    names = {v: k for k, v in run.user_ids.items()}
    findings = Findings(set(VOTERS), run.truth)
    wal_start = execute("SELECT pg_current_wal_lsn()::text", {})[0][0] if kind == "postgresql" else None
    sqlite_path = Path(sa.engine.make_url(url).database) if kind == "sqlite" else None

    collector = _Collect(run.log)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(collector)
    root.setLevel(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # statements and their parameters
    try:
        _cast_all(run)
        # 1. Mid-session: every sheet cast, the session still open.
        readable: dict[str, Content] = {}
        if kind == "sqlite":
            files = _copy_sqlite(sqlite_path, tmp_path / "mid")
            readable.update(_attack_sqlite_files(files, run, findings, tmp_path / "mid", "mid-session", first, names))
        else:
            readable.update(_live_ballots(app, run.session_id, first))
            _attack_postgres(findings, run, execute, readable, "mid-session", first, wal_start)
        mid_readable = dict(readable)
        try:  # the sealed sheets as stored mid-session (the code before ballot encryption has none)
            boxes = [bytes(box) for (box,) in execute("SELECT box FROM sealed_sheet", {})]
        except sa.exc.DBAPIError:
            boxes = []
        if kind == "sqlite":  # the search finds them where they are: in the files copied mid-session
            assert _sealed_left(boxes, files) == len(boxes)
        _close(run)
    finally:
        root.removeHandler(collector)
        root.setLevel(old_level)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)

    # 2. Just after the close.
    readable.update(_live_ballots(app, run.session_id, first))
    if kind == "sqlite":
        files = _copy_sqlite(sqlite_path, tmp_path / "closed")
        left = _sealed_left(boxes, files)
        assert not left, f"after close, {left} of {len(boxes)} sealed sheets are still in the SQLite files"
        readable.update(_attack_sqlite_files(files, run, findings, tmp_path / "closed", "after close", first, names))
    else:
        _attack_postgres(findings, run, execute, readable, "after close", first, wal_start)
    for how, order in _storage_orders(app, kind, run.session_id, first).items():
        _attack_order(findings, order, _cast_order(run, execute), f"after close: {how}")
    _attack_audit_and_logs(findings, run, execute, readable, "after close")
    _attack_written_flag(findings, run, execute, readable, "after close")

    # 3. A backup, and its restore into a fresh instance.
    result = app.test_cli_runner().invoke(args=["ntm", "backup", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    archive = next((tmp_path / "backups").glob("ntm-backup-*.tar.gz"))
    (tmp_path / "fresh").mkdir()
    fresh_url, cleanup = _empty_database(tmp_path / "fresh")
    fresh = make_app(SQLALCHEMY_DATABASE_URI=fresh_url, NTM_UPLOAD_DIR=str(tmp_path / "fresh-uploads"))
    try:
        with fresh.app_context():
            upgrade()
            db.engine.dispose()
        if kind == "sqlite":
            with tarfile.open(archive, "r:gz") as tar:
                backup_db = tar.extractfile("database/ntm.sqlite3").read()
            assert not _sealed_left(boxes, {"main": backup_db}), "sealed sheets in the backup taken after close"
            _attack_sqlite_files({"main": backup_db}, run, findings, tmp_path, "backup archive", first, names)
        with fresh.app_context():
            restored = fresh.test_cli_runner().invoke(args=["ntm", "restore", str(archive)])
        assert restored.exit_code == 0, restored.output
        fresh_execute = _executor(fresh)
        restored_readable = _live_ballots(fresh, run.session_id, first)
        if kind == "sqlite":
            files = _copy_sqlite(Path(sa.engine.make_url(fresh_url).database), tmp_path / "restored")
            _attack_sqlite_files(files, run, findings, tmp_path / "restored", "after restore", first, names)
        else:
            _attack_postgres(findings, run, fresh_execute, restored_readable, "after restore", first, None)
        for how, order in _storage_orders(fresh, kind, run.session_id, first).items():
            _attack_order(findings, order, _cast_order(run, fresh_execute), f"after restore: {how}")
        _attack_audit_and_logs(findings, run, fresh_execute, restored_readable, "after restore")
        _attack_written_flag(findings, run, fresh_execute, restored_readable, "after restore")
    finally:
        with fresh.app_context():
            db.session.remove()
            db.engine.dispose()
        _drop_database(cleanup)

    # The result is the one of a plaintext tally, and every voter's ballots are there to be tallied.
    assert len(_live_ballots(app, run.session_id, first)) == len(run.truth) - 1  # thanhvien3 not on himself
    print(f"\nforensics ({kind}): {findings.sentence()}")
    for note in findings.notes:
        print(f"  note: {note}")
    assert not findings.narrowed(), findings.sentence() + "\n" + "\n".join(
        f"  {voter}: anonymity set {size} of {len(VOTERS)} via {how}"
        for voter, (size, how) in sorted(findings.narrowed().items()))
    # Mid-session, nothing of what was chosen is readable anywhere: only sealed sheets beside the voters.
    assert not mid_readable, f"{len(mid_readable)} ballots readable mid-session"
