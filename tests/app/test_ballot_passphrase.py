"""The passphrase of an electronic session: typed twice at opening, again at close; a wrong one changes nothing; it
and the private key it gives never reach the database, the logs, the cookie or a page; a lost one voids the session,
which is then re-run; the results opened at close are those of a plaintext tally of the sheets as cast."""

from __future__ import annotations

import logging
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from ntm_intranet.audit import AuditEvent
from ntm_intranet.extensions import db
from ntm_intranet.voting import sealing
from ntm_intranet.voting.models import Ballot, BallotScore, BoardSession, SealedSheet, VoteRecord

from ..conftest import BALLOT_PASSPHRASE, CLOSE_FORM, OPEN_FORM, post
from ..factories import agenda, ballot_form, board_session, count, user_id

BOARD_DAY = date(2015, 7, 8)
PRESENT = ["chutich", "noivu"] + [f"thanhvien{i}" for i in range(1, 9)]
WRONG = "Mật khẩu sai rồi, không phải cái này"
WRONG_MESSAGE = ("Mật khẩu bỏ phiếu không đúng: phiên họp vẫn đang mở, chưa phiếu nào được mở. "
                 "Hãy nhập đúng mật khẩu đã đặt khi khai mạc.")


@pytest.fixture
def board_day(demo_reports):
    demo_reports.config["NTM_TODAY"] = BOARD_DAY
    return demo_reports


def alert(response) -> str:
    import re

    match = re.search(r'role="alert"[^>]*>([^<]+)<', response.get_data(as_text=True))
    return match.group(1) if match else ""


def prepared(as_user):
    session, secretary = board_session(), as_user("noivu")
    assert post(secretary, f"/sessions/{session.id}/attendance",
                {"present": [str(user_id(u)) for u in PRESENT]}).status_code == 302
    return session, secretary


def opened(as_user):
    session, secretary = prepared(as_user)
    assert post(secretary, f"/sessions/{session.id}/open", OPEN_FORM).status_code == 302
    db.session.refresh(session)
    return session, secretary


def choose_for(voter: int):
    return lambda name: "disagree" if (len(name) + voter) % 3 == 0 else "agree"


def points_for(voter: int):
    return lambda name: (len(name) * (voter + 1)) % 11


def cast(as_user, session, username, voter):
    form = {**ballot_form(session, choose=choose_for(voter), points=points_for(voter)), "action": "cast"}
    assert post(as_user(username), f"/sessions/{session.id}/ballot", form).status_code == 302, username
    return form


# Opening ---------------------------------------------------------------------------------------------------


def test_opening_an_electronic_session_needs_the_same_long_enough_passphrase_twice(board_day, as_user):
    session, secretary = prepared(as_user)
    page = secretary.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert '<label for="passphrase">Mật khẩu bỏ phiếu</label>' in page
    assert '<label for="passphrase_again">Nhập lại mật khẩu bỏ phiếu</label>' in page
    assert "Hệ thống KHÔNG lưu mật khẩu" in page and "phải nhập lại đúng mật khẩu này" in page
    cases = [({}, "Mật khẩu bỏ phiếu cần ít nhất 10 ký tự (nên là một câu dễ nhớ)."),
             ({"passphrase": "ngắn quá", "passphrase_again": "ngắn quá"},
              "Mật khẩu bỏ phiếu cần ít nhất 10 ký tự (nên là một câu dễ nhớ)."),
             ({"passphrase": BALLOT_PASSPHRASE, "passphrase_again": BALLOT_PASSPHRASE + "!"},
              "Hai lần nhập mật khẩu bỏ phiếu không giống nhau. Hãy nhập lại.")]
    for form, message in cases:
        refused = post(secretary, f"/sessions/{session.id}/open", form)
        assert refused.status_code == 422 and alert(refused) == message
        assert BALLOT_PASSPHRASE not in refused.get_data(as_text=True)  # never echoed back into a page
        db.session.refresh(session)
        assert session.status == "prepared" and session.seal_public_key is None
    # typed with a keyboard that sends decomposed Vietnamese (NFD), with spaces around: the same passphrase
    nfd = " " + unicodedata.normalize("NFD", BALLOT_PASSPHRASE) + " "
    assert post(secretary, f"/sessions/{session.id}/open", {"passphrase": nfd, "passphrase_again": nfd}) \
        .status_code == 302
    db.session.refresh(session)
    assert session.status == "open" and len(session.seal_public_key) == 32 and len(session.seal_salt) == 16
    assert (session.seal_opslimit, session.seal_memlimit) == (1, 8192)  # the costs configured, kept with the session
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302


def test_a_paper_session_opens_and_closes_without_a_passphrase(board_day, as_user):
    session, secretary = prepared(as_user)
    session.paper = True
    db.session.commit()
    assert 'name="passphrase"' not in secretary.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert post(secretary, f"/sessions/{session.id}/open").status_code == 302
    assert post(secretary, f"/sessions/{session.id}/close").status_code == 302
    db.session.refresh(session)
    assert session.status == "closed" and session.seal_public_key is None


# Casting and closing ---------------------------------------------------------------------------------------


def test_every_sealed_sheet_has_the_same_length_whoever_cast_it(board_day, as_user):
    session, secretary = opened(as_user)
    cast(as_user, session, "thanhvien1", 1)
    cast(as_user, session, "thanhvien3", 3)  # no ballot on himself: a shorter sheet, padded the same
    form = {**ballot_form(session), "action": "cast"}
    assert post(secretary, f"/sessions/{session.id}/written/{user_id('thanhvien9')}", form).status_code == 302
    sizes = {len(box) for box in db.session.execute(db.select(SealedSheet.box)).scalars()}
    assert len(sizes) == 1 and count(SealedSheet) == 3
    assert count(Ballot) == 0 and count(BallotScore) == 0


def test_a_wrong_passphrase_at_close_is_refused_and_changes_nothing(board_day, as_user):
    session, secretary = opened(as_user)
    for number, username in enumerate(("thanhvien1", "thanhvien2", "chutich")):
        cast(as_user, session, username, number)
    boxes = sorted(db.session.execute(db.select(SealedSheet.id, SealedSheet.box)).all())
    events = count(AuditEvent)
    for form in ({"passphrase": WRONG}, {}, {"passphrase": BALLOT_PASSPHRASE.upper()}):
        refused = post(secretary, f"/sessions/{session.id}/close", form)
        assert refused.status_code == 422 and alert(refused) == WRONG_MESSAGE
        assert WRONG not in refused.get_data(as_text=True)
        db.session.expire_all()
        session = db.session.get(BoardSession, session.id)
        assert session.status == "open" and session.closed_at is None
        assert sorted(db.session.execute(db.select(SealedSheet.id, SealedSheet.box)).all()) == boxes
        assert count(Ballot) == 0 and count(AuditEvent) == events
    # members still vote, and the right passphrase closes
    cast(as_user, session, "thanhvien4", 4)
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    db.session.refresh(session)
    assert session.status == "closed" and count(SealedSheet) == 0 and count(Ballot) == 4 * 10


def test_the_results_opened_at_close_are_those_of_a_plaintext_tally_of_the_sheets_as_cast(board_day, as_user):
    session, secretary = opened(as_user)
    expected_choices, expected_points = Counter(), Counter()
    for number, username in enumerate(PRESENT):
        form = cast(as_user, session, username, number)
        excluded = agenda(session)["Nguyễn Văn Sơn"] if username == "thanhvien3" else None  # not on himself
        for key, value in form.items():
            if key.startswith("c") and int(key[1:]) != excluded:
                expected_choices[(int(key[1:]), value)] += 1
            elif key.startswith("s") and int(key[1:].split("_")[0]) != excluded:
                item, criterion = key[1:].split("_")
                expected_points[(int(item), int(criterion))] += int(value)
    written = {**ballot_form(session, choose=choose_for(20), points=points_for(20)), "action": "cast"}
    assert post(secretary, f"/sessions/{session.id}/written/{user_id('thanhvien9')}", written).status_code == 302
    for key, value in written.items():
        if key.startswith("c"):
            expected_choices[(int(key[1:]), value)] += 1
        elif key.startswith("s"):
            item, criterion = key[1:].split("_")
            expected_points[(int(item), int(criterion))] += int(value)

    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 302
    tallied = Counter({(item, choice): n for item, choice, n in db.session.execute(
        db.select(Ballot.item_id, Ballot.choice, sa.func.count()).group_by(Ballot.item_id, Ballot.choice))})
    summed = Counter({(item, criterion): int(total) for item, criterion, total in db.session.execute(
        db.select(Ballot.item_id, BallotScore.criterion_id, sa.func.sum(BallotScore.points))
        .join(BallotScore, BallotScore.ballot_id == Ballot.id).group_by(Ballot.item_id, BallotScore.criterion_id))})
    assert tallied == expected_choices and summed == expected_points
    page = as_user("chutich").get(f"/sessions/{session.id}/results").get_data(as_text=True)
    for nomination, item_id in agenda(session).items():
        agree = expected_choices[(item_id, "agree")]
        assert f"{agree}/11 thành viên đồng ý" in page, nomination


# What never reaches the disk -------------------------------------------------------------------------------


def _database_bytes() -> bytes:
    """Every byte the database holds: the SQLite files (main, -wal, -journal), or every PostgreSQL row as text."""
    if db.engine.dialect.name == "sqlite":
        path = Path(db.engine.url.database)
        return b"".join(Path(f"{path}{s}").read_bytes() for s in ("", "-wal", "-journal")
                        if Path(f"{path}{s}").exists())
    chunks = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for (row,) in connection.execute(sa.text(f'SELECT t::text FROM "{table.name}" t')):  # noqa: S608
                chunks.append(row.encode())
    return b"\n".join(chunks)


def test_the_passphrase_and_the_private_key_reach_no_database_file_log_cookie_or_page(board_day, as_user, caplog):
    caplog.set_level(logging.DEBUG)
    logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)  # every statement with its parameters
    try:
        session, secretary = prepared(as_user)
        pages = [post(secretary, f"/sessions/{session.id}/open", OPEN_FORM, follow_redirects=True)]
        db.session.refresh(session)
        cast(as_user, session, "thanhvien1", 1)
        pages.append(post(secretary, f"/sessions/{session.id}/close", {"passphrase": WRONG}))
        pages.append(post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM, follow_redirects=True))
    finally:
        logging.getLogger("sqlalchemy.engine").setLevel(logging.WARNING)
    db.session.refresh(session)
    assert session.status == "closed"
    key = sealing.unlock(BALLOT_PASSPHRASE, sealing.Lock(session.seal_public_key, session.seal_salt,
                                                         session.seal_opslimit, session.seal_memlimit))
    secrets_ = {"passphrase": BALLOT_PASSPHRASE.encode(), "passphrase (NFD)":
                unicodedata.normalize("NFD", BALLOT_PASSPHRASE).encode(), "wrong passphrase": WRONG.encode(),
                "private key": bytes(key), "private key (hex)": bytes(key).hex().encode()}
    assert bytes(key.public_key) == session.seal_public_key  # the right key is the one looked for

    places = {"database": _database_bytes(), "log": caplog.text.encode(),
              "pages": b"".join(p.get_data() for p in pages)}
    serializer = board_day.session_interface.get_signing_serializer(board_day)
    cookies = secretary._cookies.values() if hasattr(secretary, "_cookies") else []
    places["cookie"] = b"".join(repr(serializer.loads(c.value)).encode() + c.value.encode() for c in cookies
                                if c.key == board_day.config.get("SESSION_COOKIE_NAME", "session"))
    assert places["cookie"], "the secretary's session cookie was read"
    for place, data in places.items():
        for what, secret in secrets_.items():
            assert secret not in data, f"the {what} is in the {place}"
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert "session_opened" in actions and "session_closed" in actions


# A lost passphrase -----------------------------------------------------------------------------------------


def test_a_lost_passphrase_voids_the_session_unread_and_its_candidates_are_voted_on_again(board_day, as_user):
    session, secretary = opened(as_user)
    for number, username in enumerate(("thanhvien1", "thanhvien2", "chutich")):
        cast(as_user, session, username, number)
    page = secretary.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Hủy phiên (mất mật khẩu)" in page and '<label for="void-reason">Lý do hủy phiên họp</label>' in page

    refused = post(secretary, f"/sessions/{session.id}/void", {"reason": "quên"})
    assert refused.status_code == 422
    assert alert(refused) == "Ghi rõ lý do hủy phiên họp (ít nhất 10 ký tự), để đưa vào hồ sơ."
    assert post(as_user("chutich"), f"/sessions/{session.id}/void", {"reason": "x" * 20}).status_code == 403
    db.session.refresh(session)
    assert session.status == "open" and count(SealedSheet) == 3

    reason = "Thư ký đánh mất tờ giấy ghi mật khẩu bỏ phiếu"
    done = post(secretary, f"/sessions/{session.id}/void", {"reason": reason}, follow_redirects=True)
    assert "Đã hủy phiên họp: các phiếu đã bỏ bị xóa mà không mở." in done.get_data(as_text=True)
    db.session.refresh(session)
    assert session.status == "voided" and session.void_reason == reason and session.voided_at
    # destroyed unread: nothing to count, no partial result anywhere
    assert count(SealedSheet) == 0 and count(Ballot) == 0 and count(BallotScore) == 0
    assert count(VoteRecord) == 3  # who voted in the voided session stays on record
    member = as_user("thanhvien5")
    for url in (f"/sessions/{session.id}/results", f"/sessions/{session.id}/minutes.docx",
                f"/sessions/{session.id}/proposal.xlsx"):
        assert member.get(url).status_code == 409, url
    assert member.get(f"/sessions/{session.id}/ballot").status_code == 409
    assert post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM).status_code == 422
    assert post(as_user("chutich"), "/awards/propose", follow_redirects=True).status_code in (200, 409, 422)
    assert not db.session.execute(sa.text("SELECT count(*) FROM award_list")).scalar()
    event = db.session.execute(db.select(AuditEvent).filter_by(action="session_voided")).scalar_one()
    assert event.after == {"reason": reason, "sealed_sheets_destroyed": 3}
    page = member.get(f"/sessions/{session.id}").get_data(as_text=True)
    assert "Phiên họp đã hủy" in page and reason in page

    # The same candidates on a new session, voted and counted from scratch.
    rerun = post(secretary, f"/sessions/{session.id}/rerun")
    assert rerun.status_code == 302
    new = db.session.execute(db.select(BoardSession).filter(BoardSession.id != session.id)).scalar_one()
    assert new.status == "prepared" and new.title.endswith("(bỏ phiếu lại)")
    assert [i.nomination_id for i in new.items] == [i.nomination_id for i in session.items]
    assert post(secretary, f"/sessions/{new.id}/attendance",
                {"present": [str(user_id(u)) for u in PRESENT]}).status_code == 302
    assert post(secretary, f"/sessions/{new.id}/open", OPEN_FORM).status_code == 302
    db.session.refresh(new)
    for number, username in enumerate(PRESENT):
        cast(as_user, new, username, number)
    assert post(secretary, f"/sessions/{new.id}/close", CLOSE_FORM).status_code == 302
    assert count(Ballot) == 10 * 10 - 1
    assert member.get(f"/sessions/{new.id}/results").status_code == 200


def test_a_sealed_sheet_removed_behind_the_applications_back_stops_the_count(board_day, as_user):
    session, secretary = opened(as_user)
    for number, username in enumerate(("thanhvien1", "thanhvien2")):
        cast(as_user, session, username, number)
    db.session.execute(sa.delete(SealedSheet).where(SealedSheet.id == db.session.execute(
        db.select(SealedSheet.id)).scalars().first()))
    db.session.commit()
    refused = post(secretary, f"/sessions/{session.id}/close", CLOSE_FORM)
    assert refused.status_code == 422
    assert alert(refused) == ("Số phiếu kín (1) không khớp số thành viên đã bỏ phiếu (2): không kiểm phiếu. "
                              "Hãy báo quản trị hệ thống.")
    db.session.refresh(session)
    assert session.status == "open" and count(Ballot) == 0 and count(SealedSheet) == 1


# The migration -----------------------------------------------------------------------------------------------


def test_migration_0007_moves_written_counts_off_the_ballots_and_refuses_an_open_session(tmp_path, capfd):
    """Upgrading a database of 0006: the written flags of closed sessions become counts per candidate (and leave
    the ballots); an electronic session still open (plaintext ballots) stops the upgrade with a message."""
    from flask_migrate import downgrade, upgrade

    from ntm_intranet.demo import seed_demo as load_demo

    from ..conftest import make_app
    from .test_migrations import _drop_database, _empty_database

    url, cleanup = _empty_database(tmp_path)
    app = make_app(SQLALCHEMY_DATABASE_URI=url, NTM_UPLOAD_DIR=str(tmp_path / "uploads"))
    try:
        with app.app_context():
            upgrade()
            load_demo(with_reports=True)
            session_id = db.session.execute(sa.text("SELECT min(id) FROM board_session")).scalar_one()
            items = db.session.execute(sa.text("SELECT id FROM agenda_item WHERE session_id = :s ORDER BY id"),
                                       {"s": session_id}).scalars().all()
            db.session.remove()
            downgrade(revision="0006_results_indexes")
            with db.engine.begin() as conn:  # a session closed under 0006: 3 written ballots on one candidate
                conn.execute(sa.text("UPDATE board_session SET status = 'closed' WHERE id = :s"), {"s": session_id})
                for n in range(5):
                    conn.execute(sa.text("INSERT INTO ballot (id, session_id, item_id, choice, written) VALUES "
                                         "(:id, :s, :i, 'agree', :w)"),
                                 {"id": f"{n:032x}", "s": session_id, "i": items[0], "w": n < 3})
            upgrade()
            with db.engine.connect() as conn:
                counts = dict(conn.execute(sa.text("SELECT id, written_ballots FROM agenda_item WHERE session_id = :s"),
                                           {"s": session_id}).all())
                flagged = conn.execute(sa.text("SELECT count(*) FROM ballot WHERE written")).scalar()
            assert counts[items[0]] == 3 and set(counts.values()) == {0, 3} and flagged == 0

            downgrade(revision="0006_results_indexes")
            with db.engine.begin() as conn:
                conn.execute(sa.text("UPDATE board_session SET status = 'open' WHERE id = :s"), {"s": session_id})
            with pytest.raises(SystemExit):  # Flask-Migrate logs the migration's message and exits
                upgrade()
            told = capfd.readouterr()
            assert "1 electronic board session(s) still open" in told.err + told.out
            with db.engine.connect() as conn:
                assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() \
                    == "0006_results_indexes"
            db.engine.dispose()
    finally:
        _drop_database(cleanup)
