"""The district summary conference: details and agenda, budget estimate and its appraisal, invitations
and replies, the honours programme (run sheet) and the certificates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, letterhead
from ..auth.access import roles
from ..auth.roles import Role
from ..awards import services as awards
from ..campaigns import services as campaigns
from ..extensions import db
from ..web import active_campaign as _campaign
from ..web import send_document
from . import documents, rules, services
from . import estimate as budget
from . import invitations as invites
from . import programme as honours
from .forms import AdjustForm, AgendaItemForm, AppraisalForm, ConferenceForm, GuestForm, LayoutForm, LineForm, ReplyForm
from .models import BudgetLine, ConferenceAgendaItem, Invitation

bp = Blueprint("conference", __name__, url_prefix="/conference")

# The offices that prepare, fund, chair and co-organise the conference read all of it.
OFFICES = (Role.COORDINATOR, Role.FINANCE, Role.CHAIR, Role.SECRETARY, Role.ADMIN)


@bp.app_template_global()
def unit_invitations(unit):
    """For the unit page: the conference's sent invitations this unit answers, or None."""
    return invites.unit_invitations(unit)


def _conference(campaign=None):
    conference = services.conference_of(campaign or _campaign())
    if conference is None:
        abort(404)
    return conference


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


def _is(role: Role) -> bool:
    return current_user.has_role(role)


# The conference and its agenda ----------------------------------------------------------------


def _index(status: int = 200, error: str | None = None, agenda_form=None):
    campaign = _campaign()
    conference = services.conference_of(campaign)
    context = {"campaign": campaign, "conference": conference, "error": error,
               "is_coordinator": _is(Role.COORDINATOR)}
    if conference is not None:
        context["schedule"] = rules.schedule(conference.starts_at, [i.minutes for i in conference.agenda])
        context["agenda_form"] = agenda_form or AgendaItemForm(formdata=None)
        context["approved"] = awards.approved_list(campaign)
        view = budget.estimate_view(conference.estimate, context["approved"])
        context["totals"] = view.totals
        context["estimate"] = conference.estimate
        _groups, context["tally"] = invites.grouped_invitations(invites.invitations_of(conference))
    return make_response(render_template("conference/index.html", **context), status)


@bp.route("")
@roles(*OFFICES)
def index():
    return _index()


@bp.route("/edit", methods=["GET", "POST"])
@roles(Role.COORDINATOR)
def edit():
    campaign = _campaign()
    conference = services.conference_of(campaign)
    form = ConferenceForm(obj=conference)
    if request.method == "GET" and conference is None:
        form.title.data = services.default_title(campaign)
        form.chair.data = f"Đồng chí {campaign.signer} – Chủ tịch UBND huyện" if campaign.signer else ""
    error = None
    if form.validate_on_submit():
        data = {"title": form.title.data, "held_on": form.held_on.data, "starts_at": form.starts_at.data,
                "place": form.place.data, "chair": form.chair.data or "",
                "invitation_number": form.invitation_number.data or "", "reply_by": form.reply_by.data}
        try:
            services.save_conference(campaign, conference, data, current_user)
        except services.ConferenceError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Đã lưu thông tin hội nghị."), "success")
            return redirect(url_for("conference.index"))
    status = 422 if error or (request.method == "POST" and form.errors) else 200
    return render_template("conference/edit.html", form=form, conference=conference, error=error), status


@bp.route("/agenda", methods=["POST"])
@roles(Role.COORDINATOR)
def agenda_add():
    conference = _conference()
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return _index(422, _errors(form), agenda_form=form)
    services.add_agenda_item(conference, {"content": form.content.data, "speaker": form.speaker.data or "",
                                          "minutes": form.minutes.data})
    flash(_("Đã thêm nội dung vào chương trình hội nghị."), "success")
    return redirect(url_for("conference.index") + "#agenda")


@bp.route("/agenda/<int:item_id>", methods=["POST"])
@roles(Role.COORDINATOR)
def agenda_item(item_id: int):
    """One agenda item: save (action=save), delete, or move up / down."""
    conference = _conference()
    item = db.session.get(ConferenceAgendaItem, item_id)
    if item is None or item.conference_id != conference.id:
        abort(404)
    action = request.form.get("action", "save")
    try:
        if action == "delete":
            services.delete_agenda_item(conference, item)
        elif action in ("up", "down"):
            services.move_agenda_item(conference, item, action)
        else:
            form = AgendaItemForm()
            if not form.validate_on_submit():
                return _index(422, _errors(form))
            services.update_agenda_item(item, {"content": form.content.data, "speaker": form.speaker.data or "",
                                               "minutes": form.minutes.data})
    except services.ConferenceError as exc:
        db.session.rollback()
        return _index(409, str(exc))
    return redirect(url_for("conference.index") + "#agenda")


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


# Invitations ----------------------------------------------------------------------------------


def _invitations_page(status: int = 200, error: str | None = None, guest_form=None):
    campaign = _campaign()
    conference = _conference(campaign)
    groups, tally = invites.grouped_invitations(invites.invitations_of(conference))
    return make_response(render_template(
        "conference/invitations.html", campaign=campaign, conference=conference, groups=groups, tally=tally,
        error=error, is_coordinator=_is(Role.COORDINATOR), guest_form=guest_form or GuestForm(formdata=None),
        approved=awards.approved_list(campaign), past=conference.held_on < clock.today()), status)


@bp.route("/invitations")
@roles(*OFFICES)
def invitations():
    return _invitations_page()


@bp.route("/invitations/build", methods=["POST"])
@roles(Role.COORDINATOR)
def invitations_build():
    campaign = _campaign()
    added, removed = invites.build_invitations(_conference(campaign), campaign, current_user)
    flash(_("Đã lập danh sách khách mời: thêm %(a)d, bỏ %(r)d.", a=added, r=removed), "success")
    return redirect(url_for("conference.invitations"))


@bp.route("/invitations/send", methods=["POST"])
@roles(Role.COORDINATOR)
def invitations_send():
    try:
        units = invites.send_invitations(_conference(), current_user)
    except services.ConferenceError as exc:
        db.session.rollback()
        return _invitations_page(409, str(exc))
    flash(_("Đã gửi giấy mời: %(n)d đơn vị thấy giấy mời trên trang của mình.", n=units), "success")
    return redirect(url_for("conference.invitations"))


@bp.route("/invitations/add", methods=["POST"])
@roles(Role.COORDINATOR)
def invitation_add():
    conference = _conference()
    form = GuestForm()
    if not form.validate_on_submit():
        return _invitations_page(422, _errors(form), guest_form=form)
    invites.add_guest(conference, form.name.data, form.detail.data or "")
    flash(_("Đã thêm %(n)s vào danh sách khách mời.", n=form.name.data), "success")
    return redirect(url_for("conference.invitations"))


def _invitation(invitation_id: int, conference) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.conference_id != conference.id:
        abort(404)
    return invitation


@bp.route("/invitations/<int:invitation_id>/delete", methods=["POST"])
@roles(Role.COORDINATOR)
def invitation_delete(invitation_id: int):
    invitation = _invitation(invitation_id, _conference())
    try:
        invites.delete_invitation(invitation)
    except services.ConferenceError as exc:
        db.session.rollback()
        return _invitations_page(409, str(exc))
    flash(_("Đã xoá khỏi danh sách khách mời."), "success")
    return redirect(url_for("conference.invitations"))


@bp.route("/invitations/<int:invitation_id>/reply", methods=["POST"])
@roles(Role.COORDINATOR, Role.REPORTER)
def invitation_reply(invitation_id: int):
    """A unit answers its invitation (or one of its honourees'); the coordinator records an answer given
    on the phone. Another unit's invitation, or one not sent yet, does not exist for a unit (404)."""
    conference = _conference()
    invitation = _invitation(invitation_id, conference)
    coordinator = _is(Role.COORDINATOR)
    if not coordinator and (invitation.unit_id is None or invitation.unit_id != current_user.unit_id
                            or conference.invitations_sent_at is None):
        abort(404)
    form = ReplyForm()
    back = url_for("conference.invitations") if coordinator else url_for("main.index")
    if form.validate_on_submit():
        try:
            invites.reply(conference, invitation, form.attending.data == "yes", form.count.data or "",
                           form.names.data or "", current_user, for_unit=not coordinator)
        except services.ConferenceError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Đã ghi nhận trả lời giấy mời của %(n)s.", n=invitation.name), "success")
            return redirect(back + f"#invitation-{invitation.id}")
    else:
        error = _errors(form)
    if coordinator:
        return _invitations_page(422, error)
    flash(error, "error")
    return redirect(back + f"#invitation-{invitation.id}"), 303


@bp.route("/invitation.docx")
@roles(*OFFICES)
def invitation_docx():
    campaign = _campaign()
    conference = _conference(campaign)
    groups, _tally = invites.grouped_invitations(invites.invitations_of(conference))
    data = documents.invitation_doc(conference, campaign, groups, clock.today())
    return send_document(documents.invitation_docx(data), "docx", "giay-moi-hoi-nghi", campaign)


@bp.route("/guests.docx")
@roles(*OFFICES)
def guests_docx():
    campaign = _campaign()
    conference = _conference(campaign)
    groups, tally = invites.grouped_invitations(invites.invitations_of(conference))
    data = documents.guest_list_doc(conference, groups, tally, clock.today(),
                                    campaigns.office_issuer(campaign, Role.COORDINATOR))
    return send_document(documents.guest_list_docx(data), "docx", "danh-sach-khach-moi", campaign)


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

