"""The budget estimate's pages: lines, submission, appraisal by finance, approval or return, exports."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock, letterhead
from ...auth.access import roles
from ...auth.roles import Role
from ...awards import services as awards
from ...campaigns import services as campaigns
from ...extensions import db
from ...web import active_campaign as _campaign
from ...web import send_document
from .. import documents, rules, services
from .. import estimate as budget
from ..forms import (
    AdjustForm,
    AppraisalForm,
    LineForm,
)
from ..models import BudgetLine
from . import OFFICES, _conference, _errors, _is, bp

# The budget estimate --------------------------------------------------------------------------


def _estimate_page(status: int = 200, error: str | None = None, line_form=None):
    campaign = _campaign()
    conference = _conference(campaign)
    approved = awards.approved_list(campaign)
    view = budget.estimate_view(conference.estimate, approved)
    return make_response(render_template(
        "conference/estimate.html", campaign=campaign, conference=conference, view=view, approved=approved,
        estimate=conference.estimate, error=error, line_form=line_form or LineForm(formdata=None),
        is_coordinator=_is(Role.COORDINATOR), is_finance=_is(Role.FINANCE),
        money_words=letterhead.amount_in_words), status)


@bp.route("/estimate")
@roles(*OFFICES)
def estimate():
    return _estimate_page()


def _line(line_id: int) -> tuple:
    conference = _conference()
    line = db.session.get(BudgetLine, line_id)
    if line is None or line.estimate_id != conference.estimate.id:
        abort(404)
    return conference.estimate, line


def _refused(estimate, appraising: bool = False):
    """The page with the reason, when the estimate's state refuses the change whatever its content (409)."""
    message = budget.state_refusal(estimate, appraising)
    return _estimate_page(409, message) if message else None


def _failed(exc: services.ConferenceError):
    db.session.rollback()
    return _estimate_page(409 if isinstance(exc, budget.StateRefused) else 422, str(exc))


@bp.route("/estimate/lines", methods=["POST"])
@roles(Role.COORDINATOR)
def line_add():
    estimate = _conference().estimate
    if (refused := _refused(estimate)) is not None:
        return refused
    form = LineForm()
    if not form.validate_on_submit():
        return _estimate_page(422, _errors(form), line_form=form)
    try:
        budget.add_line(estimate, form.data_dict())
    except services.ConferenceError as exc:
        return _failed(exc)
    flash(_("Đã thêm khoản chi vào dự toán."), "success")
    return redirect(url_for("conference.estimate") + "#lines")


@bp.route("/estimate/lines/<int:line_id>", methods=["POST"])
@roles(Role.COORDINATOR)
def line_edit(line_id: int):
    """Save a line's new figures (action=save) or delete it (action=delete)."""
    estimate, line = _line(line_id)
    if (refused := _refused(estimate)) is not None:
        return refused
    try:
        if request.form.get("action") == "delete":
            budget.delete_line(estimate, line)
            flash(_("Đã xoá khoản chi khỏi dự toán."), "success")
        else:
            form = LineForm()
            if not form.validate_on_submit():
                return _estimate_page(422, _errors(form))
            budget.update_line(estimate, line, form.data_dict())
            flash(_("Đã sửa khoản chi."), "success")
    except services.ConferenceError as exc:
        return _failed(exc)
    return redirect(url_for("conference.estimate") + "#lines")


@bp.route("/estimate/submit", methods=["POST"])
@roles(Role.COORDINATOR)
def estimate_submit():
    campaign = _campaign()
    estimate = _conference(campaign).estimate
    try:
        budget.submit(estimate, campaign, current_user)
    except services.ConferenceError as exc:
        return _failed(exc)
    flash(_("Đã gửi dự toán để Phòng Tài chính – Kế hoạch thẩm định."), "success")
    return redirect(url_for("conference.estimate"))


@bp.route("/estimate/lines/<int:line_id>/adjust", methods=["POST"])
@roles(Role.FINANCE)
def line_adjust(line_id: int):
    estimate, line = _line(line_id)
    if (refused := _refused(estimate, appraising=True)) is not None:
        return refused
    form = AdjustForm()
    if not form.validate_on_submit():
        return _estimate_page(422, _errors(form))
    try:
        budget.adjust_line(estimate, line, form.quantity.data, form.unit_price.data, form.comment.data,
                             current_user)
    except services.ConferenceError as exc:
        return _failed(exc)
    flash(_("Đã điều chỉnh khoản chi “%(i)s”.", i=line.item), "success")
    return redirect(url_for("conference.estimate") + f"#line-{line.id}")


@bp.route("/estimate/approve", methods=["POST"])
@roles(Role.FINANCE)
def estimate_approve():
    estimate = _conference().estimate
    form = AppraisalForm()
    if not form.validate_on_submit():
        return _estimate_page(422, _errors(form))
    try:
        budget.approve(estimate, form.comment.data or "", current_user)
    except services.ConferenceError as exc:
        return _failed(exc)
    flash(_("Đã thẩm định, phê duyệt dự toán: tổng kinh phí %(m)s đồng.", m=letterhead.money(
        estimate.approved_total or 0)), "success")
    return redirect(url_for("conference.estimate"))


@bp.route("/estimate/return", methods=["POST"])
@roles(Role.FINANCE)
def estimate_return():
    estimate = _conference().estimate
    form = AppraisalForm()
    if not form.validate_on_submit():
        return _estimate_page(422, _errors(form))
    try:
        budget.return_estimate(estimate, form.comment.data or "", current_user)
    except services.ConferenceError as exc:
        return _failed(exc)
    flash(_("Đã trả lại dự toán cho Phòng Nông nghiệp và PTNT."), "success")
    return redirect(url_for("conference.estimate"))


@bp.route("/estimate.<ext>")
@roles(*OFFICES)
def estimate_export(ext: str):
    if ext not in ("docx", "xlsx"):
        abort(404)
    campaign = _campaign()
    conference = _conference(campaign)
    view = budget.estimate_view(conference.estimate, awards.approved_list(campaign))
    data = documents.estimate_doc(conference, view, clock.today(), campaigns.office_issuer(campaign, Role.COORDINATOR),
                                  campaigns.office_name(Role.FINANCE) or "")
    content = documents.estimate_docx(data) if ext == "docx" else documents.estimate_xlsx(data)
    approved = conference.estimate.status == rules.APPROVED
    kind = "du-toan-kinh-phi" if approved else "du-thao-du-toan-kinh-phi"
    return send_document(content, ext, kind, campaign, data.day if approved else None)


