"""The honours programme (calling order) and the certificates."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...auth.access import roles
from ...auth.roles import Role
from ...awards import services as awards
from ...extensions import db
from ...web import active_campaign as _campaign
from ...web import send_document
from .. import documents, rules, services
from .. import programme as honours
from ..forms import (
    LayoutForm,
)
from . import OFFICES, _conference, _errors, _is, bp

# The honours programme and the certificates ---------------------------------------------------


def _programme_page(status: int = 200, error: str | None = None, layout_form=None):
    campaign = _campaign()
    conference = _conference(campaign)
    approved = awards.approved_list(campaign)
    return make_response(render_template(
        "conference/programme.html", campaign=campaign, conference=conference, approved=approved,
        groups=honours.programme(conference, approved), error=error, is_coordinator=_is(Role.COORDINATOR),
        schedule=rules.schedule(conference.starts_at, [i.minutes for i in conference.agenda]),
        layout_form=layout_form or LayoutForm(formdata=None, obj=conference),
        weekday=rules.weekday_name(conference.held_on)), status)


@bp.route("/programme")
@roles(*OFFICES)
def programme():
    return _programme_page()


@bp.route("/programme/<int:nomination_id>/move", methods=["POST"])
@roles(Role.COORDINATOR)
def programme_move(nomination_id: int):
    campaign = _campaign()
    conference = _conference(campaign)
    try:
        honours.move_honouree(conference, awards.approved_list(campaign), nomination_id,
                               request.form.get("direction", ""))
    except services.ConferenceError as exc:
        db.session.rollback()
        return _programme_page(409, str(exc))
    return redirect(url_for("conference.programme") + f"#honouree-{nomination_id}")


@bp.route("/certificates/layout", methods=["POST"])
@roles(Role.COORDINATOR)
def certificate_layout():
    conference = _conference()
    form = LayoutForm()
    if not form.validate_on_submit():
        return _programme_page(422, _errors(form), layout_form=form)
    try:
        services.save_layout(conference, {key: getattr(form, key).data for key in conference.layout()})
    except services.ConferenceError as exc:
        db.session.rollback()
        return _programme_page(422, str(exc), layout_form=form)
    flash(_("Đã lưu vị trí in trên giấy khen."), "success")
    return redirect(url_for("conference.programme") + "#certificates")


@bp.route("/certificates.pdf")
@roles(*OFFICES)
def certificates():
    campaign = _campaign()
    conference = _conference(campaign)
    approved = awards.approved_list(campaign)
    if approved is None:
        return _programme_page(409, _("Chưa có danh sách khen thưởng được phê duyệt: chưa in được giấy khen."))
    form_id = request.args.get("form", type=int)
    groups = honours.programme(conference, approved)
    if form_id is not None and not any(g.form_id == form_id for g in groups):
        abort(404)
    items = honours.certificates(groups, approved, campaign, form_id)
    content = documents.certificates_pdf(items, conference.layout())
    return send_document(content, "pdf", "giay-khen", campaign, approved.decision_date)

