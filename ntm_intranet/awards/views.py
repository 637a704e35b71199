"""The award list: proposed, struck and approved by the chair; the approved list for everyone."""

from __future__ import annotations

import io

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .. import clock
from ..auth.access import any_user, roles
from ..auth.roles import Role
from ..campaigns import services as campaigns
from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..extensions import db
from ..forms import BaseForm
from ..nominations.models import KIND_LABELS
from . import services
from .models import AwardEntry, AwardList

bp = Blueprint("awards", __name__)


class ApproveForm(BaseForm):
    decision_number = StringField(_l("Số quyết định"), validators=[DataRequired(_l("Hãy nhập số quyết định.")),
                                                                  Length(max=40)])
    decision_date = VnDateField(_l("Ngày quyết định"), validators=[DataRequired(DATE_MESSAGE)])


def _campaign():
    campaign = campaigns.active_campaign()
    if campaign is None:
        abort(404)
    return campaign


def _page(status: int = 200, error: str | None = None):
    campaign = _campaign()
    current = services.current_list(campaign)
    # The latest revision is the approved one unless a revision is being drawn up: one load, not two.
    approved = current if current is not None and current.status == "approved" else services.approved_list(campaign)
    draft = current if current is not None and current.status == "draft" else None
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
    form = ApproveForm()
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


FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def export_name(kind: str, campaign, ext: str, day=None) -> str:
    """`YYYY-MM-DD_<kind>_<campaign>.<ext>`: no diacritics in the name, full Vietnamese inside."""
    from ..text import fold

    stem = "".join(ch if ch.isalnum() else "-" for ch in fold(campaign.doc_number)).strip("-")
    return f"{(day or clock.today()):%Y-%m-%d}_{kind}_{stem}.{ext}"


@bp.route("/awards/<int:list_id>.<ext>")
@any_user
def export(list_id: int, ext: str):
    from ..exports import award_list as writer

    campaign = _campaign()
    award_list = db.session.get(AwardList, list_id)
    if award_list is None or award_list.campaign_id != campaign.id or ext not in FORMATS:
        abort(404)
    if award_list.status != "approved" and not current_user.roles & {Role.CHAIR, Role.SECRETARY}:
        abort(404)  # a draft is the chair's and the secretary's working paper
    signer = campaign.signer or ""
    data = writer.from_award_list(award_list, campaign, signer)
    content = {"docx": writer.award_list_docx, "xlsx": writer.award_list_xlsx, "pdf": writer.award_list_pdf}[ext](data)
    kind = "danh-sach-khen-thuong" if award_list.status == "approved" else "du-thao-danh-sach-khen-thuong"
    return send_file(io.BytesIO(content), mimetype=FORMATS[ext], as_attachment=True,
                     download_name=export_name(kind, campaign, ext, award_list.decision_date), max_age=0)
