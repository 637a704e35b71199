"""`flask ntm ...`: the commands operations scripts rely on."""

from __future__ import annotations

from sqlalchemy import func

from ntm_intranet.auth.models import User
from ntm_intranet.campaigns.models import Campaign, Criterion, Milestone
from ntm_intranet.extensions import db
from ntm_intranet.org.models import Unit

from ..conftest import login


def _counts():
    return {model.__name__: db.session.execute(db.select(func.count()).select_from(model)).scalar_one()
            for model in (Unit, User, Campaign, Milestone, Criterion)}


def test_seed_demo_loads_the_plan_and_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ntm", "seed-demo"])
    assert first.exit_code == 0, first.output
    counts = _counts()
    assert counts == {"Unit": 34, "User": 47, "Campaign": 1, "Milestone": 6, "Criterion": 19}
    assert db.session.execute(db.select(Unit).filter_by(code="19567")).scalar_one().name == "Xã Triệu Nguyên"
    second = runner.invoke(args=["ntm", "seed-demo"])
    assert second.exit_code == 0
    assert _counts() == counts


def test_seed_demo_if_empty_leaves_a_real_database_alone(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["ntm", "create-user", "quantri", "--password", "Mat-khau-2015", "--role", "admin"])
    result = runner.invoke(args=["ntm", "seed-demo", "--if-empty"])
    assert "not empty" in result.output
    assert _counts()["Unit"] == 0


def test_seed_demo_does_not_undo_what_an_admin_changed(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["ntm", "seed-demo"])
    unit = db.session.execute(db.select(Unit).filter_by(code="19567")).scalar_one()
    unit.name = "Xã Triệu Nguyên (đổi tên)"
    db.session.commit()
    runner.invoke(args=["ntm", "seed-demo"])
    db.session.expire_all()
    assert db.session.get(Unit, unit.id).name == "Xã Triệu Nguyên (đổi tên)"


def test_create_user_makes_an_account_that_must_change_its_password(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["ntm", "seed-demo"])
    result = runner.invoke(args=["ntm", "create-user", "NguyenVanB", "--password", "Mat-khau-2015",
                                 "--role", "reporter", "--role", "member", "--unit", "19567"])
    assert result.exit_code == 0, result.output
    user = db.session.execute(db.select(User).filter_by(username="nguyenvanb")).scalar_one()
    assert user.roles == {"reporter", "member"} and user.unit.code == "19567" and user.must_change_password
    login(client, "nguyenvanb")
    assert client.get("/", follow_redirects=True).request.path == "/password"


def test_create_user_explains_each_mistake(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["ntm", "seed-demo"])
    cases = [
        (["ntm", "create-user", "x1", "--password", "Mat-khau-2015", "--role", "boss"], "Unknown role"),
        (["ntm", "create-user", "x2", "--password", "Mat-khau-2015", "--role", "reporter", "--unit", "99999"],
         "Unknown unit code"),
        (["ntm", "create-user", "x3", "--password", "Mat-khau-2015", "--role", "reporter"], "needs --unit"),
        (["ntm", "create-user", "admin", "--password", "Mat-khau-2015", "--role", "admin"], "already exists"),
        (["ntm", "create-user", "x4", "--password", "123", "--role", "admin"], "Password refused"),
    ]
    before = _counts()["User"]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)
    assert _counts()["User"] == before


def test_seed_scale_builds_a_province_with_dossiers_in_every_state_versions_and_a_voted_session(app):
    from ntm_intranet.reports.models import ReportFile, Submission
    from ntm_intranet.voting.models import Ballot, BoardSession

    result = app.test_cli_runner().invoke(args=["ntm", "seed-scale", "--units", "200", "--nominations", "30",
                                                "--members", "7"])
    assert result.exit_code == 0, result.output
    assert "reporting_units: 200" in result.output and "ballots: 210" in result.output

    kinds = dict(db.session.execute(db.select(Unit.kind, func.count()).group_by(Unit.kind)).all())
    assert kinds["province"] == 1 and kinds["district"] == 7  # 33 reporting units per district
    assert kinds.get("agency", 0) + kinds.get("town", 0) + kinds.get("commune", 0) == 200
    communes = db.session.execute(db.select(Unit).filter_by(kind="commune")).scalars().all()
    assert all(u.parent is not None and u.parent.kind == "district" for u in communes)

    statuses = set(db.session.execute(db.select(Submission.status)).scalars())
    assert {"draft", "submitted", "returned", "accepted"} <= statuses
    versions = db.session.execute(db.select(func.max(ReportFile.version))).scalar()
    assert versions >= 2
    session = db.session.execute(db.select(BoardSession)).scalar_one()
    assert session.status == "closed" and len(session.items) == 30
    assert db.session.execute(db.select(func.count(Ballot.id))).scalar() == 30 * 7

    # The synthetic files are real: the coordinator downloads one.
    from ntm_intranet.org.services import create_user

    create_user(username="dieuphoi", full_name="Điều phối", roles=("coordinator",), unit=None,
                password="Mat-khau-2015", active=True, must_change_password=False)
    client = app.test_client()
    login(client, "dieuphoi")
    one = db.session.execute(db.select(ReportFile.id)).scalars().first()
    download = client.get(f"/files/{one}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
