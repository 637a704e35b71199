"""Every number, date and text has its range in the forms and in the database, so no input reaches an
OverflowError and no stored value falls outside its bounds; a column added later inherits the rule, and a
migration that forgets its check fails here."""

from __future__ import annotations

from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.exc import DataError, IntegrityError

from ntm_intranet import models  # noqa: F401  (every table registered, with its checks)
from ntm_intranet.extensions import db
from ntm_intranet.ranges import MAX_MAGNITUDE, bounded_columns, constraint_name

from ..conftest import make_app, post
from .test_migrations import _drop_database, _empty_database


def _checks_in(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        return {c["name"] for table in inspector.get_table_names() for c in inspector.get_check_constraints(table)}
    finally:
        engine.dispose()


def test_every_bounded_column_has_its_check_in_a_migrated_database(tmp_path):
    url, cleanup = _empty_database(tmp_path)
    try:
        app = make_app(SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            upgrade()
            db.engine.dispose()
        expected = {constraint_name(t.name, c.name) for t, c, _rule in bounded_columns(db.metadata)}
        assert len(expected) > 150
        missing = expected - _checks_in(url)
        assert not missing, f"columns without their range check in the migrations: {sorted(missing)}"
    finally:
        _drop_database(cleanup)


@pytest.mark.parametrize(("column", "value"), [("sort_order", 10**15), ("sort_order", -(10**15)),
                                              ("name", "x" * 161), ("code", "y" * 21)])
def test_the_database_itself_refuses_a_value_out_of_range(app, column, value):
    """Whatever path writes (a script, a future form that forgets its bound), the database holds."""
    db.session.execute(text("INSERT INTO unit (code, name, kind, active, sort_order, version) "
                            "VALUES ('T1', 'Xã thử', 'commune', true, 0, 1)"))
    db.session.commit()
    with pytest.raises((IntegrityError, DataError)):  # PostgreSQL's own types refuse some first
        db.session.execute(text(f'UPDATE unit SET "{column}" = :v WHERE code = \'T1\''), {"v": value})  # noqa: S608
        db.session.commit()
    db.session.rollback()
    assert MAX_MAGNITUDE == 999_999_999_999_999


def test_a_far_date_is_refused_by_the_database(app):
    db.session.execute(text("INSERT INTO base_salary (effective_from, amount, legal_basis) "
                            "VALUES ('2013-07-01', 1150000, 'Nghị định 66/2013/NĐ-CP')"))
    db.session.commit()
    with pytest.raises((IntegrityError, DataError)):  # PostgreSQL's own types refuse some first
        db.session.execute(text("UPDATE base_salary SET effective_from = :d"), {"d": date(1, 1, 1)})
        db.session.commit()
    db.session.rollback()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("fig-money_state", "1" + "0" * 20, "quá lớn"),
    ("fig-labour_days", str(2**63), "quá lớn"),
    ("fig-land_m2", "-5", "không được âm"),
])
def test_a_huge_or_negative_figure_gets_a_clear_message_and_nothing_is_saved(demo_reports, as_user, field, value,
                                                                              message):
    from ntm_intranet.org.models import Unit
    from ntm_intranet.reports.models import Submission

    reporter = as_user("bc-19576")
    unit = db.session.execute(db.select(Unit).filter_by(code="19576")).scalar_one()
    before = db.session.execute(db.select(Submission).filter_by(unit_id=unit.id)).scalar_one()
    figures_before = (before.money_state, before.labour_days, before.land_m2, before.version)
    page = reporter.get(f"/units/{unit.id}/report").get_data(as_text=True)
    from ..html_forms import form_to

    form = form_to(page, "/report/figures", having=field)
    response = post(reporter, form.action, form.data(**{field: value}))
    assert response.status_code in (200, 409, 422)
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    after = db.session.get(Submission, before.id)
    assert (after.money_state, after.labour_days, after.land_m2, after.version) == figures_before


def test_an_id_too_large_for_the_database_is_no_page(demo, as_user):
    admin = as_user("admin")
    assert admin.get(f"/admin/units/{10**20}/edit").status_code == 404
    assert admin.get(f"/admin/users/{2**63}/edit").status_code == 404


@pytest.mark.parametrize("field", ["money", "labour_days", "land_m2", "trees"])
def test_a_nomination_figure_of_two_to_the_63_gets_a_message_not_an_overflow(demo_reports, as_user, field):
    from ntm_intranet.nominations.models import Nomination

    from ..html_forms import form_to

    reporter = as_user("bc-19576")
    before = db.session.execute(db.select(db.func.count(Nomination.id))).scalar_one()
    page = reporter.get("/nominations/new").get_data(as_text=True)
    form = form_to(page, "/nominations/new", having=field, page="/nominations/new")
    response = post(reporter, form.action, form.data(**{field: str(2**63), "name": "Hộ ông Hồ Văn Thử",
                                                        "address": "thôn A Vao", "kind": "household"}))
    assert response.status_code in (200, 422)
    assert "Số quá lớn: tối đa 999.999.999.999.999." in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Nomination.id))).scalar_one() == before


def test_a_meeting_held_in_the_year_one_is_refused_with_the_range(demo_reports, as_user):
    from ntm_intranet.org.models import Unit
    from ntm_intranet.reports.models import Submission

    from ..html_forms import form_to

    reporter = as_user("bc-19576")
    unit = db.session.execute(db.select(Unit).filter_by(code="19576")).scalar_one()
    page = reporter.get(f"/units/{unit.id}/report").get_data(as_text=True)
    form = form_to(page, "/report/meeting")
    held_field = next(name for name in form.names if name.endswith("held_on"))
    response = post(reporter, form.action, form.data(**{held_field: "01/01/0001"}))
    assert "Ngày phải trong khoảng 01/01/2000 – 31/12/2100." in response.get_data(as_text=True)
    db.session.expire_all()
    sub = db.session.execute(db.select(Submission).filter_by(unit_id=unit.id)).scalar_one()
    assert sub.meeting_held_on is None or sub.meeting_held_on.year >= 2000


def test_a_meeting_date_outside_the_campaigns_years_is_refused_with_them(demo_reports, as_user):
    from ntm_intranet.org.models import Unit

    from ..html_forms import form_to

    reporter = as_user("bc-19576")
    unit = db.session.execute(db.select(Unit).filter_by(code="19576")).scalar_one()
    form = form_to(reporter.get(f"/units/{unit.id}/report").get_data(as_text=True), "/report/meeting")
    held_field = next(name for name in form.names if name.endswith("held_on"))
    response = post(reporter, form.action, form.data(**{held_field: "26/06/2030"}))
    assert "Ngày phải trong thời gian của kế hoạch (01/01/2011 – 31/12/2016)." in response.get_data(as_text=True)
