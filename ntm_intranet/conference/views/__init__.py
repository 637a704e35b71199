"""The district summary conference: details and agenda, budget estimate and its appraisal, invitations
and replies, the honours programme (run sheet) and the certificates."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...auth.access import roles
from ...auth.roles import Role
from ...awards import services as awards
from ...extensions import db
from ...web import active_campaign as _campaign
from .. import estimate as budget
from .. import invitations as invites
from .. import rules, services
from ..forms import AgendaItemForm, ConferenceForm
from ..models import ConferenceAgendaItem

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
    form = ConferenceForm(obj=conference, campaign=campaign)
    if request.method == "GET" and conference is None:
        form.title.data = services.default_title(campaign)
        form.chair.data = f"Đồng chí {campaign.signer} – Chủ tịch UBND huyện" if campaign.signer else ""
    error = None
    if form.validate_on_submit():
        data = {"title": form.title.data, "held_on": form.held_on.data, "starts_at": form.starts_at.data,
                "place": form.place.data, "chair": form.chair.data or "",
                "invitation_number": form.invitation_number.data or "", "reply_by": form.reply_by.data}
        try:
            services.save_conference(campaign, conference, data, current_user, form.expected_version)
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
                                               "minutes": form.minutes.data}, form.expected_version)
    except services.ConferenceError as exc:
        db.session.rollback()
        return _index(409, str(exc))
    return redirect(url_for("conference.index") + "#agenda")


# The routes of the estimate, the invitations and the programme join the blueprint from their own modules;
# imported last because they use `bp` and the helpers above (the usual Flask blueprint-package idiom).
from . import estimate_pages, invitation_pages, programme_pages  # noqa: E402,F401
