"""The award list: proposed, struck and approved by the chair; the approved list for everyone."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import any_user, roles
from ..auth.roles import Role
from ..extensions import db
from ..nominations.models import KIND_LABELS
from ..web import FORMATS, send_document
from ..web import active_campaign as _campaign
from . import documents, services
from .forms import ApproveForm
from .models import AwardEntry, AwardList, AwardStatus

bp = Blueprint("awards", __name__)


def _page(status: int = 200, error: str | None = None):
    campaign = _campaign()
    current = services.current_list(campaign)
    # The latest revision is the approved one unless a revision is being drawn up: one load, not two.
    approved = current if current is not None and current.status == AwardStatus.APPROVED \
        else services.approved_list(campaign)
    draft = current if current is not None and current.status == AwardStatus.DRAFT else None
    is_chair = current_user.has_role(Role.CHAIR)
    sections, total = services.grouped(approved) if approved else ([], 0)
    draft_sections = services.grouped(draft, include_struck=True) if draft and current_user.roles & {
        Role.CHAIR, Role.SECRETARY} else None
    return make_response(render_template(
        "awards/index.html", campaign=campaign, approved=approved, sections=sections, total=total, draft=draft,
        draft_sections=draft_sections, is_chair=is_chair, kind_labels=KIND_LABELS, error=error,
        board_session=services.latest_closed_session(campaign)), status)


@bp.route("/awards")
@any_user
def index():
    return _page()


@bp.route("/awards/propose", methods=["POST"])
@roles(Role.CHAIR, Role.SECRETARY)
def propose():
    try:
        services.propose(_campaign(), current_user)
    except services.AwardError as exc:
        db.session.rollback()
        return _page(409, str(exc))
    flash(_("Đã lập danh sách đề nghị từ kết quả phiên họp: Chủ tịch xem xét và phê duyệt."), "success")
    return redirect(url_for("awards.index") + "#draft")


@bp.route("/awards/entries/<int:entry_id>/strike", methods=["POST"])
@roles(Role.CHAIR)
def strike(entry_id: int):
    entry = db.session.get(AwardEntry, entry_id)
    if entry is None or db.session.get(AwardList, entry.list_id).campaign_id != _campaign().id:
        abort(404)
    struck = request.form.get("struck") == "1"
    try:
        services.strike(entry, struck, (request.form.get("reason") or "").strip(), current_user)
    except services.AwardError as exc:
        db.session.rollback()
        return _page(422, str(exc))
    flash(_("Đã gạch tên %(n)s khỏi danh sách.", n=entry.nomination.name) if struck
          else _("Đã đưa %(n)s trở lại danh sách.", n=entry.nomination.name), "success")
    return redirect(url_for("awards.index") + "#draft")


@bp.route("/awards/<int:list_id>/approve", methods=["POST"])
@roles(Role.CHAIR)
def approve(list_id: int):
    campaign = _campaign()
    award_list = db.session.get(AwardList, list_id)
    if award_list is None or award_list.campaign_id != campaign.id:
        abort(404)
    form = ApproveForm(campaign=campaign)
    if not form.validate_on_submit():
        return _page(422, " ".join(str(e) for errors in form.errors.values() for e in errors))
    try:
        services.approve(award_list, campaign, form.decision_number.data, form.decision_date.data, current_user)
    except services.AwardError as exc:
        db.session.rollback()
        return _page(422, str(exc))
    flash(_("Đã phê duyệt danh sách khen thưởng kèm Quyết định số %(n)s.", n=award_list.decision_number), "success")
    return redirect(url_for("awards.index"))


@bp.route("/awards/<int:list_id>/revise", methods=["POST"])
@roles(Role.CHAIR)
def revise(list_id: int):
    award_list = db.session.get(AwardList, list_id)
    if award_list is None or award_list.campaign_id != _campaign().id:
        abort(404)
    try:
        services.revise(award_list, current_user)
    except services.AwardError as exc:
        db.session.rollback()
        return _page(409, str(exc))
    flash(_("Đã tạo bản sửa đổi; danh sách đã phê duyệt vẫn giữ nguyên cho đến khi bản mới được phê duyệt."),
          "success")
    return redirect(url_for("awards.index") + "#draft")


@bp.route("/awards/<int:list_id>.<ext>")
@any_user
def export(list_id: int, ext: str):
    campaign = _campaign()
    award_list = db.session.get(AwardList, list_id)
    if award_list is None or award_list.campaign_id != campaign.id or ext not in FORMATS:
        abort(404)
    if award_list.status != AwardStatus.APPROVED and not current_user.roles & {Role.CHAIR, Role.SECRETARY}:
        abort(404)  # a draft is the chair's and the secretary's working paper
    signer = campaign.signer or ""
    data = documents.from_award_list(award_list, campaign, signer)
    writer = {"docx": documents.award_list_docx, "xlsx": documents.award_list_xlsx, "pdf": documents.award_list_pdf}
    approved = award_list.status == AwardStatus.APPROVED
    kind = "danh-sach-khen-thuong" if approved else "du-thao-danh-sach-khen-thuong"
    return send_document(writer[ext](data), ext, kind, campaign, award_list.decision_date)
