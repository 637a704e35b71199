"""Nominations (units), screening and the board's configuration (the secretary)."""

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
from flask_login import current_user

from .. import clock, uploads
from ..auth.access import roles
from ..auth.roles import Role
from ..campaigns import services as campaigns
from ..extensions import db
from ..forms import choices
from ..web import active_campaign as _campaign
from ..web import send_bytes
from . import documents, services
from .forms import AwardFormForm, BoardSettingsForm, CriterionForm, NominationFileForm, NominationForm, ScreenForm
from .models import (
    KIND_LABELS,
    NOMINATION_STATUS_LABELS,
    AwardForm,
    Nomination,
    NominationFile,
    NominationStatus,
    ScoringCriterion,
)

bp = Blueprint("nominations", __name__)

READERS = (Role.REPORTER, Role.SECRETARY, Role.CHAIR, Role.ADMIN)


def _visible(nomination_id: int) -> Nomination:
    """The nomination if this user may see it; 404 otherwise (another unit's existence never leaks)."""
    nomination = db.session.execute(services.nominations_query(_campaign(), current_user)
                                    .filter(Nomination.id == nomination_id)).scalar_one_or_none()
    if nomination is None:
        abort(404)
    return nomination


def _own(nomination_id: int) -> Nomination:
    nomination = _visible(nomination_id)
    if not (current_user.has_role(Role.REPORTER) and nomination.unit_id == current_user.unit_id):
        abort(403)
    return nomination


def _form_choices(campaign):
    return choices((f.id, f.name) for f in services.award_forms(campaign))


@bp.route("/nominations")
@roles(*READERS)
def index():
    campaign = _campaign()
    status = request.args.get("status") or ""
    query = services.nominations_query(campaign, current_user)
    if status in {s.value for s in NominationStatus}:
        query = query.filter(Nomination.status == status)
    items = list(db.session.execute(query.order_by(Nomination.kind, Nomination.id)).scalars())
    return render_template("nominations/index.html", items=items, status=status,
                           status_labels=NOMINATION_STATUS_LABELS, kind_labels=KIND_LABELS,
                           can_create=current_user.has_role(Role.REPORTER) and current_user.unit_id is not None)


@bp.route("/nominations/new", methods=["GET", "POST"])
@bp.route("/nominations/<int:nomination_id>/edit", methods=["GET", "POST"])
@roles(Role.REPORTER)
def edit(nomination_id: int | None = None):
    campaign = _campaign()
    if current_user.unit_id is None:
        abort(403)
    nomination = _own(nomination_id) if nomination_id else Nomination(campaign_id=campaign.id,
                                                                      unit_id=current_user.unit_id)
    form = NominationForm(obj=nomination if nomination_id else None)
    form.proposed_form_id.choices = _form_choices(campaign)
    if request.method == "GET" and nomination_id:
        form.version.data = nomination.version
    status = 200
    if form.validate_on_submit():
        data = {name: getattr(form, name).data for name in (
            "kind", "name", "position", "address", "summary", "money", "labour_days", "land_m2", "trees",
            "proposed_form_id")}
        try:
            services.save_nomination(nomination, data, current_user, form.expected_version if nomination_id else None)
        except services.NominationError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            status = 422
        else:
            flash(_("Đã lưu hồ sơ đề nghị “%(n)s”.", n=nomination.name), "success")
            return redirect(url_for("nominations.detail", nomination_id=nomination.id))
    elif request.method == "POST":
        status = 422
    return render_template("nominations/edit.html", form=form, nomination=nomination if nomination_id else None), \
        status


def _detail(nomination: Nomination, status: int = 200, error: str | None = None, **forms):
    campaign = _campaign()
    file_form = forms.get("file_form") or NominationFileForm(formdata=None, version=nomination.version)
    screen_form = forms.get("screen_form") or ScreenForm(formdata=None, version=nomination.version,
                                                         form_id=nomination.form_id,
                                                         candidate_user_id=nomination.candidate_user_id or 0)
    screen_form.form_id.choices = _form_choices(campaign)
    screen_form.candidate_user_id.choices = choices(
        [(0, _("— Không —"))] + [(m.user_id, m.user.full_name) for m in services.board_members(campaign)])
    is_owner = current_user.has_role(Role.REPORTER) and nomination.unit_id == current_user.unit_id
    return make_response(render_template(
        "nominations/detail.html", n=nomination, file_form=file_form, screen_form=screen_form, is_owner=is_owner,
        is_secretary=current_user.has_role(Role.SECRETARY), checks=services.automatic_checks(nomination),
        error=error, accept=uploads.ACCEPT_ATTR, max_bytes=uploads.max_bytes()), status)


@bp.route("/nominations/<int:nomination_id>")
@roles(*READERS)
def detail(nomination_id: int):
    return _detail(_visible(nomination_id))


@bp.route("/nominations/<int:nomination_id>/files", methods=["POST"])
@roles(Role.REPORTER)
def upload(nomination_id: int):
    nomination = _own(nomination_id)
    form = NominationFileForm()
    if not form.validate_on_submit():
        return _detail(nomination, 422, " ".join(str(e) for e in form.file.errors) or _("Hãy chọn tệp để tải lên."),
                       file_form=form)
    try:
        row = services.add_file(nomination, form.kind.data, form.file.data, current_user)
    except (services.NominationError, uploads.UploadRefused) as exc:
        db.session.rollback()
        return _detail(nomination, 422, str(exc), file_form=form)
    flash(_("Đã tải lên “%(n)s”.", n=row.original_name), "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination.id))


def _action(nomination_id: int, run, done: str):
    nomination = _own(nomination_id)
    try:
        run(nomination, current_user, request.form.get("version", type=int))
    except services.NominationError as exc:
        db.session.rollback()
        return _detail(nomination, 422, str(exc))
    flash(done, "success")
    return redirect(url_for("nominations.detail", nomination_id=nomination.id))


@bp.route("/nominations/<int:nomination_id>/submit", methods=["POST"])
@roles(Role.REPORTER)
def submit(nomination_id: int):
    return _action(nomination_id, services.submit, _("Đã gửi hồ sơ đề nghị đến Phòng Nội vụ."))


@bp.route("/nominations/<int:nomination_id>/withdraw", methods=["POST"])
@roles(Role.REPORTER)
def withdraw(nomination_id: int):
    return _action(nomination_id, services.withdraw, _("Đã rút hồ sơ đề nghị."))


@bp.route("/nominations/<int:nomination_id>/screen", methods=["POST"])
@roles(Role.SECRETARY)
def screen(nomination_id: int):
    nomination = _visible(nomination_id)
    campaign = _campaign()
    form = ScreenForm()
    form.form_id.choices = _form_choices(campaign)
    form.candidate_user_id.choices = choices([(0, "")] + [(m.user_id, "") for m in services.board_members(campaign)])
    if not form.validate_on_submit():
        return _detail(nomination, 422, _("Chọn kết quả thẩm định."), screen_form=form)
    try:
        services.screen(nomination, form.decision.data, form.note.data, form.form_id.data, current_user,
                        form.expected_version, candidate_user_id=form.candidate_user_id.data or None)
    except services.NominationError as exc:
        db.session.rollback()
        return _detail(nomination, 422, str(exc), screen_form=form)
    flash(_("Đã ghi kết quả thẩm định hồ sơ “%(n)s”.", n=nomination.name), "success")
    return redirect(url_for("nominations.index", status="submitted"))


@bp.route("/nominations/files/<int:file_id>")
@roles(*READERS, Role.MEMBER)
def download(file_id: int):
    row = db.session.get(NominationFile, file_id)
    if row is None:
        abort(404)
    nomination = db.session.get(Nomination, row.nomination_id)
    if not current_user.roles & {Role.SECRETARY, Role.CHAIR, Role.ADMIN, Role.MEMBER}:
        _visible(nomination.id)
    elif nomination.status == NominationStatus.DRAFT:
        abort(404)
    return uploads.send(row)


# The board's configuration (the secretary) -------------------------------------------------------------


@bp.route("/board-config")
@roles(Role.SECRETARY)
def config():
    campaign = _campaign()
    settings = BoardSettingsForm(obj=campaign)
    return render_template("nominations/config.html", campaign=campaign, forms=services.award_forms(campaign),
                           criteria=services.scoring_criteria(campaign), members=services.board_members(campaign),
                           candidates=services.eligible_users(), settings=settings, criterion_form=CriterionForm())


@bp.route("/board-config/forms/new", methods=["GET", "POST"])
@bp.route("/board-config/forms/<int:form_id>", methods=["GET", "POST"])
@roles(Role.SECRETARY)
def award_form(form_id: int | None = None):
    campaign = _campaign()
    award = db.session.get(AwardForm, form_id) if form_id else AwardForm(campaign_id=campaign.id)
    if award is None or award.campaign_id != campaign.id:
        abort(404)
    form = AwardFormForm(obj=award if form_id else None)
    if request.method == "GET" and form_id:
        for kind in ("collective", "individual", "household"):
            getattr(form, kind).data = kind in award.kinds
        form.threshold_strict.data = "gt" if award.threshold_strict else "ge"
    if form.validate_on_submit():
        kinds = [k for k in ("collective", "individual", "household") if getattr(form, k).data]
        clash = db.session.execute(db.select(AwardForm).filter(
            AwardForm.campaign_id == campaign.id, AwardForm.code == form.code.data,
            AwardForm.id != (award.id or 0))).scalars().first()
        if clash is not None:
            form.code.errors.append(_("Mã này đã dùng cho hình thức “%(n)s”.", n=clash.name))
        elif not kinds:
            form.collective.errors.append(_("Chọn ít nhất một loại đối tượng."))
        else:
            services.save_award_form(award, {
                "code": form.code.data, "name": form.name.data, "level": form.level.data or "",
                "recipient_kinds": ",".join(kinds), "threshold_percent": form.threshold_percent.data,
                "threshold_strict": form.threshold_strict.data == "gt", "quota": form.quota.data,
                "coefficient": form.coefficient.data,
                "min_household_contribution": form.min_household_contribution.data,
                "legal_basis": form.legal_basis.data or "", "sort_order": form.sort_order.data or 0},
                form.expected_version)
            flash(_("Đã lưu hình thức “%(n)s”.", n=award.name), "success")
            return redirect(url_for("nominations.config"))
    return render_template("nominations/award_form.html", form=form, award=award if form_id else None), \
        (422 if request.method == "POST" else 200)


@bp.route("/board-config/criteria", methods=["POST"])
@bp.route("/board-config/criteria/<int:criterion_id>", methods=["POST"])
@roles(Role.SECRETARY)
def criterion(criterion_id: int | None = None):
    campaign = _campaign()
    item = db.session.get(ScoringCriterion, criterion_id) if criterion_id else ScoringCriterion(campaign_id=campaign.id)
    if item is None or item.campaign_id != campaign.id:
        abort(404)
    form = CriterionForm()
    if form.validate_on_submit():
        services.save_criterion(item, {"name": form.name.data, "description": form.description.data or "",
                                       "max_points": form.max_points.data, "weight": form.weight.data},
                              form.expected_version)
        flash(_("Đã lưu tiêu chí chấm điểm."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("nominations.config") + "#criteria")


@bp.route("/board-config/members", methods=["POST"])
@roles(Role.SECRETARY)
def members():
    campaign = _campaign()
    ids = [int(v) for v in request.form.getlist("member") if v.isdigit()]
    if not ids:
        flash(_("Chưa chọn thành viên nào: danh sách Hội đồng được giữ nguyên."), "error")
        return redirect(url_for("nominations.config") + "#members")
    services.set_board(campaign, ids)
    flash(_("Đã cập nhật thành viên Hội đồng (%(n)d người).", n=len(services.board_members(campaign))), "success")
    return redirect(url_for("nominations.config") + "#members")


@bp.route("/board-config/settings", methods=["POST"])
@roles(Role.SECRETARY)
def settings():
    campaign = _campaign()
    form = BoardSettingsForm()
    if form.validate_on_submit() and form.quorum_numerator.data <= form.quorum_denominator.data:
        campaigns.save_campaign(campaign, {name: getattr(form, name).data for name in (
            "quorum_numerator", "quorum_denominator", "scoring_enabled", "score_method", "same_unit_abstains",
            "money_rounding")}, form.expected_version)
        flash(_("Đã lưu quy định của Hội đồng."), "success")
    else:
        flash(_("Quy định chưa hợp lệ: tử số phải nhỏ hơn hoặc bằng mẫu số, các số phải dương."), "error")
    return redirect(url_for("nominations.config") + "#settings")




@bp.route("/nominations/<int:nomination_id>/achievement.docx")
@roles(*READERS)
def achievement_docx(nomination_id: int):
    """The achievement report (template no. 07) as a Word draft, filled in from the nomination."""
    nomination = _visible(nomination_id)
    content = documents.achievement_report_docx(documents.achievement_from(nomination, _campaign()))
    return send_bytes(content, "docx", f"{clock.today():%Y-%m-%d}_bao-cao-thanh-tich_{nomination.id}.docx")
