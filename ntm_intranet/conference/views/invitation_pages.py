"""The invitations' pages: the list, sending, guests added by hand, replies, the letter and the list in Word."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ... import clock
from ...auth.access import roles
from ...auth.roles import Role
from ...awards import services as awards
from ...campaigns import services as campaigns
from ...extensions import db
from ...web import active_campaign as _campaign
from ...web import send_document
from .. import documents, services
from .. import invitations as invites
from ..forms import (
    GuestForm,
    ReplyForm,
)
from ..models import Invitation
from . import OFFICES, _conference, _errors, _is, bp

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


