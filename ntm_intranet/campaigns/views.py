"""The campaign (plan) pages: everyone reads them; the administrator edits them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.access import any_user, roles
from ..auth.roles import Role
from ..extensions import db
from . import services
from .forms import CampaignForm, MilestoneForm
from .models import Campaign, Milestone

bp = Blueprint("campaigns", __name__)


def _campaign_or_404(campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


@bp.route("/campaigns")
@any_user
def index():
    campaigns = list(db.session.execute(db.select(Campaign).order_by(Campaign.doc_date.desc())).scalars())
    return render_template("campaigns/index.html", campaigns=campaigns)


@bp.route("/campaigns/<int:campaign_id>")
@any_user
def detail(campaign_id: int):
    campaign = _campaign_or_404(campaign_id)
    return render_template("campaigns/detail.html", campaign=campaign, criteria=services.criteria_of(campaign),
                           unit_counts=services.active_unit_counts())


@bp.route("/admin/campaigns/new", methods=["GET", "POST"])
@bp.route("/admin/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def campaign_form(campaign_id: int | None = None):
    campaign = _campaign_or_404(campaign_id) if campaign_id else Campaign()
    form = CampaignForm(obj=campaign if campaign_id else None)
    if request.method == "GET" and not campaign_id:
        form.criteria_set.data = "491/2009"
    if form.validate_on_submit():
        clash = db.session.execute(
            db.select(Campaign).filter(Campaign.doc_number == form.doc_number.data, Campaign.id != campaign_id)
        ).scalar_one_or_none()
        if clash:
            form.doc_number.errors.append(_("Đã có kế hoạch mang số văn bản này."))
        else:
            data = {name: getattr(form, name).data for name in (
                "title", "doc_number", "doc_date", "issuer", "signer", "legal_bases", "period_start",
                "period_end", "criteria_set", "active", "remind_days_before")}
            data["remind_days_before"] = data["remind_days_before"] or 3
            services.save_campaign(campaign, data, form.expected_version)
            flash(_("Đã lưu kế hoạch %(n)s.", n=campaign.doc_number), "success")
            return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/form.html", form=form, campaign=campaign if campaign_id else None)


@bp.route("/admin/campaigns/<int:campaign_id>/milestones/new", methods=["GET", "POST"])
@bp.route("/admin/campaigns/<int:campaign_id>/milestones/<int:milestone_id>/edit", methods=["GET", "POST"])
@roles(Role.ADMIN)
def milestone_form(campaign_id: int, milestone_id: int | None = None):
    campaign = _campaign_or_404(campaign_id)
    milestone = Milestone()
    if milestone_id:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or milestone.campaign_id != campaign.id:
            abort(404)
    form = MilestoneForm(obj=milestone if milestone_id else None, campaign=campaign)
    if request.method == "GET" and milestone_id:
        form.unit_kinds.data = milestone.kinds
    if form.validate_on_submit():
        services.save_milestone(milestone, {
            "campaign_id": campaign.id, "kind": form.kind.data, "title": form.title.data,
            "unit_kinds": ",".join(form.unit_kinds.data), "due_date": form.due_date.data,
        }, form.expected_version)
        flash(_("Đã lưu mốc thời gian."), "success")
        return redirect(url_for("campaigns.detail", campaign_id=campaign.id))
    return render_template("campaigns/milestone_form.html", form=form, campaign=campaign,
                           milestone=milestone if milestone_id else None)


@bp.route("/admin/campaigns/<int:campaign_id>/milestones/<int:milestone_id>/delete", methods=["POST"])
@roles(Role.ADMIN)
def milestone_delete(campaign_id: int, milestone_id: int):
    milestone = db.session.get(Milestone, milestone_id)
    if milestone is None or milestone.campaign_id != campaign_id:
        abort(404)
    services.delete_milestone(milestone)
    flash(_("Đã xoá mốc “%(t)s”.", t=milestone.title), "success")
    return redirect(url_for("campaigns.detail", campaign_id=campaign_id))
