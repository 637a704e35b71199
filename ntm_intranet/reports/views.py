"""The unit's report dossier, the deadline board, reminders, extensions, totals, notifications."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock, uploads
from ..auth.access import any_user, roles
from ..auth.roles import Role
from ..campaigns import services as campaigns
from ..campaigns.models import Campaign, Milestone
from ..extensions import db, htmx
from ..org import services as org
from ..org.models import Unit
from . import notifications, rules, services
from .forms import (
    ExtensionForm,
    FiguresForm,
    MeetingForm,
    RemindForm,
    ReviewForm,
    SubmitForm,
    UploadForm,
    criteria_form,
)
from .models import FIGURE_NAMES, STATUS_LABELS, FileKind, ReportFile

bp = Blueprint("reports", __name__)

STATE_LABELS = {
    rules.OVERDUE: _l("Quá hạn"), rules.RETURNED: _l("Cần bổ sung"), rules.PENDING: _l("Chưa nộp, còn hạn"),
    rules.EXTENDED: _l("Được gia hạn"), rules.LATE: _l("Nộp muộn"), rules.ON_TIME: _l("Đúng hạn"),
    rules.ACCEPTED: _l("Đã duyệt"),
}

READERS = (Role.ADMIN, Role.COORDINATOR, Role.CHAIR, Role.REPORTER)
BOARD_READERS = (Role.ADMIN, Role.COORDINATOR, Role.CHAIR)


def _campaign() -> Campaign:
    campaign = campaigns.active_campaign()
    if campaign is None:
        abort(404)
    return campaign


def _own_unit_only(unit):
    """Only the unit's own reporters change its dossier (the coordinator reviews, never edits)."""
    if not (current_user.has_role(Role.REPORTER) and current_user.unit_id == unit.id):
        abort(403)


def _criteria_results(sub) -> dict[int, tuple[bool, bool]]:
    return {r.criterion_id: (r.met_start, r.met_end) for r in (sub.criteria if sub else [])}


def _figures_form(campaign, unit, sub, formdata=None):
    criteria = campaigns.criteria_of(campaign) if unit.kind in services.COMMUNE_KINDS else []
    form_class = criteria_form(criteria, _criteria_results(sub)) if criteria else FiguresForm
    form = form_class(formdata=formdata, prefix="fig")
    if formdata is None and sub is not None:
        for name in FIGURE_NAMES:
            value = getattr(sub, name)
            getattr(form, name).data = value / 1000 if name == "road_m" else value
    return form, criteria


def _dossier(unit_id: int, status: int = 200, **forms):
    unit = org.unit_for(current_user, unit_id)
    campaign = _campaign()
    sub = services.submission_for(campaign, unit)
    version = sub.version if sub else ""
    upload_form = forms.get("upload_form") or UploadForm(formdata=None, version=version)
    meeting_form = forms.get("meeting_form") or MeetingForm(formdata=None, version=version)
    if forms.get("meeting_form") is None and sub and sub.meeting_held_on:
        meeting_form.held_on.data = sub.meeting_held_on
    figures_form, criteria = forms.get("figures_form") or _figures_form(campaign, unit, sub)
    review_form = forms.get("review_form") or ReviewForm(formdata=None, version=version)
    if sub:
        # A form shown again keeps what was typed but carries the dossier's current version: a refusal may
        # follow a change (the meeting is saved before its minutes are refused), and the page shows the newest.
        for form in (upload_form, meeting_form, figures_form, review_form):
            form.version.data = sub.version
    extension_form = forms.get("extension_form") or ExtensionForm(formdata=None)
    extension_form.milestone_id.choices = [(m.id, m.title) for m in campaign.milestones_for(unit.kind)
                                           if m.kind in ("report", "meeting")]
    is_owner = current_user.has_role(Role.REPORTER) and current_user.unit_id == unit.id
    response = make_response(render_template(
        "reports/dossier.html", unit=unit, campaign=campaign, sub=sub, states=services.unit_states(campaign, unit, sub),
        upload_form=upload_form, meeting_form=meeting_form, figures_form=figures_form, criteria=criteria,
        submit_form=SubmitForm(formdata=None, version=version), review_form=review_form,
        extension_form=extension_form, remind_form=RemindForm(formdata=None),
        is_owner=is_owner, is_coordinator=current_user.has_role(Role.COORDINATOR),
        reminders=services.reminders_of(unit), max_bytes=uploads.max_bytes(), accept=uploads.ACCEPT_ATTR,
        error=forms.get("error")), status)
    return response


@bp.route("/units/<int:unit_id>/report")
@roles(*READERS)
def dossier(unit_id: int):
    return _dossier(unit_id)


def _refused(unit_id: int, message: str, **forms):
    """Re-render the dossier with the message; what the user typed is kept in the forms."""
    return _dossier(unit_id, status=422, error=message, **forms)


def _writable(unit_id: int):
    unit = org.unit_for(current_user, unit_id)
    _own_unit_only(unit)
    campaign = _campaign()
    return unit, campaign, services.submission_for(campaign, unit, create=True)


@bp.route("/units/<int:unit_id>/report/files", methods=["POST"])
@roles(Role.REPORTER)
def upload(unit_id: int):
    unit, _campaign_, sub = _writable(unit_id)
    kind = request.args.get("kind", FileKind.REPORT.value)
    form = UploadForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _refused(unit_id, " ".join(str(e) for e in form.file.errors) or _("Hãy chọn tệp để tải lên."),
                        upload_form=form)
    try:
        row = services.add_file(sub, kind, form.file.data, current_user, form.expected_version)
    except (services.ReportError, uploads.UploadRefused) as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc))
    flash(_("Đã tải lên “%(n)s” (phiên bản %(v)d).", n=row.original_name, v=row.version), "success")
    return redirect(url_for("reports.dossier", unit_id=unit.id) + "#files")


@bp.route("/units/<int:unit_id>/report/meeting", methods=["POST"])
@roles(Role.REPORTER)
def meeting(unit_id: int):
    unit, _campaign_, sub = _writable(unit_id)
    form = MeetingForm()
    if not form.validate_on_submit():
        db.session.rollback()
        return _refused(unit_id, _("Kiểm tra lại ngày tổ chức hội nghị."), meeting_form=form)
    try:
        services.record_meeting(sub, form.held_on.data, form.minutes.data, current_user, form.expected_version)
    except (services.ReportError, uploads.UploadRefused) as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc), meeting_form=form)
    flash(_("Đã ghi nhận hội nghị tổng kết ngày %(d)s.", d=form.held_on.data.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("reports.dossier", unit_id=unit.id) + "#meeting")


@bp.route("/units/<int:unit_id>/report/figures", methods=["POST"])
@roles(Role.REPORTER)
def figures(unit_id: int):
    unit, campaign, sub = _writable(unit_id)
    form, criteria = _figures_form(campaign, unit, sub, formdata=request.form)
    if not form.validate_on_submit():
        db.session.rollback()
        return _refused(unit_id, _("Số liệu chưa hợp lệ: xem các ô được đánh dấu."), figures_form=(form, criteria))
    values = {name: getattr(form, name).data for name in FIGURE_NAMES}
    values["road_m"] = int(round((values["road_m"] or 0) * 1000))
    results = {c.id: (getattr(form, f"c{c.id}_start").data, getattr(form, f"c{c.id}_end").data)
               for c in criteria} if criteria else None
    try:
        services.save_figures(sub, values, results, current_user, form.expected_version)
    except services.ReportError as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc), figures_form=(form, criteria))
    flash(_("Đã lưu số liệu."), "success")
    return redirect(url_for("reports.dossier", unit_id=unit.id) + "#figures")


@bp.route("/units/<int:unit_id>/report/submit", methods=["POST"])
@roles(Role.REPORTER)
def submit(unit_id: int):
    unit, _campaign_, sub = _writable(unit_id)
    form = SubmitForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.submit(sub, current_user, form.expected_version)
    except services.ReportError as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc))
    flash(_("Đã gửi báo cáo tổng kết đến Phòng Nông nghiệp và PTNT."), "success")
    return redirect(url_for("reports.dossier", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/report/review", methods=["POST"])
@roles(Role.COORDINATOR)
def review(unit_id: int):
    unit = org.unit_for(current_user, unit_id)
    sub = services.submission_for(_campaign(), unit)
    if sub is None:
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _refused(unit_id, _("Hãy chọn Duyệt hoặc Trả lại."), review_form=form)
    try:
        services.review(sub, form.decision.data, form.comment.data, current_user, form.expected_version)
    except services.ReportError as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc), review_form=form)
    flash(_("Đã duyệt báo cáo của %(u)s.", u=unit.name) if form.decision.data == "accept"
          else _("Đã trả lại báo cáo của %(u)s để bổ sung.", u=unit.name), "success")
    return redirect(url_for("reports.board"))


@bp.route("/units/<int:unit_id>/extensions", methods=["POST"])
@roles(Role.COORDINATOR)
def extension(unit_id: int):
    unit = org.unit_for(current_user, unit_id)
    campaign = _campaign()
    form = ExtensionForm()
    form.milestone_id.choices = [(m.id, m.title) for m in campaign.milestones_for(unit.kind)]
    if not form.validate_on_submit():
        return _refused(unit_id, _("Kiểm tra lại mốc và ngày gia hạn."), extension_form=form)
    milestone = db.session.get(Milestone, form.milestone_id.data)
    try:
        services.grant_extension(milestone, unit, form.due_date.data, form.reason.data or "", current_user)
    except services.ReportError as exc:
        db.session.rollback()
        return _refused(unit_id, str(exc), extension_form=form)
    flash(_("Đã gia hạn cho %(u)s đến %(d)s.", u=unit.name, d=form.due_date.data.strftime("%d/%m/%Y")), "success")
    return redirect(url_for("reports.dossier", unit_id=unit.id))


@bp.route("/units/<int:unit_id>/remind", methods=["POST"])
@roles(Role.COORDINATOR)
def remind_unit(unit_id: int):
    unit = org.unit_for(current_user, unit_id)
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    sent, skipped = services.remind_units(_campaign(), [unit.id], form.which.data, current_user, only_late=False)
    if sent:
        flash(_("Đã gửi nhắc nhở đến %(u)s.", u=unit.name), "success")
    elif skipped:
        flash(_("%(u)s đã được nhắc về mốc này hôm nay: không gửi thêm.", u=unit.name), "info")
    else:
        flash(_("%(u)s đã hoàn thành mốc này: không cần nhắc.", u=unit.name), "info")
    back = url_for("reports.board") if request.form.get("back") == "board" else \
        url_for("reports.dossier", unit_id=unit.id)
    return redirect(back)


@bp.route("/files/<int:file_id>")
@roles(*READERS)
def download(file_id: int):
    row = db.session.get(ReportFile, file_id)
    if row is None:
        abort(404)
    org.unit_for(current_user, row.submission.unit_id)  # 404 for another unit's file
    return uploads.send(row)


# The deadline board -------------------------------------------------------------------------


def _board_args():
    return {"kind": request.args.get("kind") or None, "state": request.args.get("state") or None,
            "which": request.args.get("which") or "report", "sort": request.args.get("sort") or "name",
            "page": request.args.get("page", 1, type=int), "district": request.args.get("district", type=int)}


@bp.route("/board")
@roles(*BOARD_READERS)
def board():
    campaign = _campaign()
    data = services.board(campaign, clock.today(), **_board_args())
    district = db.session.get(Unit, data.filters["district"]) if data.filters["district"] else None
    context = {"campaign": campaign, "board": data, "state_codes": rules.ORDER, "state_labels": STATE_LABELS,
               "status_labels": STATUS_LABELS, "now_local": clock.to_local(clock.now()), "district": district}
    if htmx:
        return render_template("reports/_board.html", **context)
    return render_template("reports/board.html", **context)


@bp.route("/board/districts")
@roles(*BOARD_READERS)
def districts():
    """The board rolled up per district: completeness and timeliness, the least complete first, each
    district opening its own units' board."""
    campaign = _campaign()
    data = services.rollup(campaign, clock.today(), request.args.get("which") or "report")
    return render_template("reports/districts.html", campaign=campaign, rollup=data)


@bp.route("/board/remind", methods=["POST"])
@roles(Role.COORDINATOR)
def remind_all():
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    sent, skipped = services.remind_units(_campaign(), None, form.which.data, current_user)
    if sent:
        flash(_("Đã gửi nhắc nhở đến %(n)d đơn vị quá hạn.", n=sent), "success")
    if skipped:
        flash(_("%(n)d đơn vị đã được nhắc hôm nay nên không gửi thêm.", n=skipped), "info")
    if not sent and not skipped:
        flash(_("Không có đơn vị nào quá hạn cần nhắc."), "info")
    return redirect(url_for("reports.board", which=form.which.data))


@bp.route("/board.xlsx")
@roles(Role.ADMIN, Role.COORDINATOR, Role.CHAIR)
def board_xlsx():
    from ..exports.xlsx import board_xlsx as build

    campaign = _campaign()
    args = _board_args()
    args.pop("page")
    data = services.board(campaign, clock.today(), paginate=False, **args)
    return _attachment(build(data, campaign, clock.today()), _name("tien-do-bao-cao", campaign, "xlsx"),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _name(kind: str, campaign, ext: str) -> str:
    from ..awards.views import export_name

    return export_name(kind, campaign, ext)


def _attachment(data: bytes, name: str, mimetype: str):
    import io

    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


# District totals -----------------------------------------------------------------------------


@bp.route("/totals")
@roles(*BOARD_READERS)
def totals():
    campaign = _campaign()
    data = services.totals(campaign, page=request.args.get("page", 1, type=int))
    return render_template("reports/totals.html", campaign=campaign, totals=data)


@bp.route("/totals.xlsx")
@roles(*BOARD_READERS)
def totals_xlsx():
    from ..exports.xlsx import totals_xlsx as build

    campaign = _campaign()
    return _attachment(build(services.totals(campaign, paginate=False), campaign, clock.today()),
                       _name("tong-hop-so-lieu", campaign, "xlsx"),
                       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/totals.docx")
@roles(*BOARD_READERS)
def totals_docx():
    from ..exports.docx import totals_docx as build

    campaign = _campaign()
    return _attachment(build(services.totals(campaign, paginate=False), campaign, clock.today()),
                       _name("du-thao-bao-cao-tong-hop", campaign, "docx"),
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


# Notifications -------------------------------------------------------------------------------


@bp.route("/notifications")
@any_user
def notification_list():
    items = notifications.latest(current_user)
    unread = {n.id for n in items if n.read_at is None}
    notifications.mark_all_read(current_user)
    return render_template("reports/notifications.html", items=items, unread=unread)


@bp.route("/notifications/count")
@any_user
def notification_count():
    return render_template("reports/_notification_count.html", count=notifications.unread_count(current_user))




# The unit's own report outline ---------------------------------------------------------------


@bp.route("/units/<int:unit_id>/report/outline.docx")
@roles(*READERS)
def outline_docx(unit_id: int):
    """The unit's summary report as a Word draft: the six sections of the plan, its figures filled in."""
    from ..exports.unit_documents import outline_from, report_outline_docx

    unit = org.unit_for(current_user, unit_id)
    campaign = _campaign()
    sub = services.submission_for(campaign, unit)
    criteria = campaigns.criteria_of(campaign) if unit.kind in services.COMMUNE_KINDS else []
    return _attachment(report_outline_docx(outline_from(unit, campaign, sub, criteria)),
                       f"{clock.today():%Y-%m-%d}_de-cuong-bao-cao_{unit.code}.docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
