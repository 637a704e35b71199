"""The unit's report dossier, the deadline board, reminders, extensions, totals."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock, uploads
from ..auth.access import roles
from ..auth.roles import Role
from ..campaigns import services as campaigns
from ..campaigns.models import Milestone
from ..extensions import db, htmx
from ..letterhead import house
from ..org import services as org
from ..org.models import COMMUNE_KINDS, Unit
from ..web import active_campaign as _campaign
from ..web import send_bytes, send_document
from . import deadline_board, district_totals, reminders, rules, services
from .documents import district_report, outline, sheets
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
from .texts import said

bp = Blueprint("reports", __name__)

STATE_LABELS = {
    rules.OVERDUE: _l("Quá hạn"), rules.RETURNED: _l("Cần bổ sung"), rules.PENDING: _l("Chưa nộp, còn hạn"),
    rules.EXTENDED: _l("Được gia hạn"), rules.LATE: _l("Nộp muộn"), rules.ON_TIME: _l("Đúng hạn"),
    rules.ACCEPTED: _l("Đã duyệt"),
}

@bp.app_template_filter("state_text")
def state_text(state, kind: str = "report") -> str:
    """A unit's state on a milestone in words ("quá hạn 3 ngày"), the same words as the exports."""
    return said(state, kind)


READERS = (Role.ADMIN, Role.COORDINATOR, Role.CHAIR, Role.REPORTER)
BOARD_READERS = (Role.ADMIN, Role.COORDINATOR, Role.CHAIR)


def _own_unit_only(unit):
    """Only the unit's own reporters change its dossier (the coordinator reviews, never edits)."""
    if not (current_user.has_role(Role.REPORTER) and current_user.unit_id == unit.id):
        abort(403)


def _criteria_results(sub) -> dict[int, tuple[bool, bool]]:
    return {r.criterion_id: (r.met_start, r.met_end) for r in (sub.criteria if sub else [])}


def _figures_form(campaign, unit, sub, formdata=None):
    criteria = campaigns.criteria_of(campaign) if unit.kind in COMMUNE_KINDS else []
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
    unit, campaign, sub = _writable(unit_id)
    form = MeetingForm(campaign=campaign)
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
    form = ExtensionForm(campaign=campaign)
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
    sent, skipped = reminders.remind_units(_campaign(), [unit.id], form.which.data, current_user, only_late=False)
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
    data = deadline_board.board(campaign, clock.today(), **_board_args())
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
    data = deadline_board.rollup(campaign, clock.today(), request.args.get("which") or "report")
    return render_template("reports/districts.html", campaign=campaign, rollup=data)


@bp.route("/board/remind", methods=["POST"])
@roles(Role.COORDINATOR)
def remind_all():
    form = RemindForm()
    if not form.validate_on_submit():
        abort(400)
    sent, skipped = reminders.remind_units(_campaign(), None, form.which.data, current_user)
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
    campaign = _campaign()
    args = _board_args()
    args.pop("page")
    data = deadline_board.board(campaign, clock.today(), paginate=False, **args)
    return send_document(sheets.board_xlsx(data, campaign, clock.today()), "xlsx", "tien-do-bao-cao", campaign)


# District totals -----------------------------------------------------------------------------


@bp.route("/totals")
@roles(*BOARD_READERS)
def totals():
    campaign = _campaign()
    data = district_totals.totals(campaign, page=request.args.get("page", 1, type=int))
    return render_template("reports/totals.html", campaign=campaign, totals=data)


@bp.route("/totals.xlsx")
@roles(*BOARD_READERS)
def totals_xlsx():
    campaign = _campaign()
    content = sheets.totals_xlsx(district_totals.totals(campaign, paginate=False), campaign, clock.today())
    return send_document(content, "xlsx", "tong-hop-so-lieu", campaign)


@bp.route("/totals.docx")
@roles(*BOARD_READERS)
def totals_docx():
    campaign = _campaign()
    content = district_report.totals_docx(district_totals.totals(campaign, paginate=False), campaign, clock.today(),
                                          campaigns.office_issuer(campaign, Role.COORDINATOR))
    return send_document(content, "docx", "du-thao-bao-cao-tong-hop", campaign)


# The unit's own report outline ---------------------------------------------------------------


@bp.route("/units/<int:unit_id>/report/outline.docx")
@roles(*READERS)
def outline_docx(unit_id: int):
    """The unit's summary report as a Word draft: the six sections of the plan, its figures filled in."""
    unit = org.unit_for(current_user, unit_id)
    campaign = _campaign()
    sub = services.submission_for(campaign, unit)
    criteria = campaigns.criteria_of(campaign) if unit.kind in COMMUNE_KINDS else []
    data = outline.outline_from(unit, campaign, sub, criteria, house(campaign),
                                campaigns.office_name(Role.COORDINATOR) or "",
                                campaigns.office_name(Role.SECRETARY) or "")
    content = outline.report_outline_docx(data)
    return send_bytes(content, "docx", f"{clock.today():%Y-%m-%d}_de-cuong-bao-cao_{unit.code}.docx")
