"""Board sessions: preparing, attendance, the secret ballot, written and paper votes, results."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import lazyload
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from .. import memo
from ..auth.access import roles
from ..auth.models import User
from ..auth.roles import Role
from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..extensions import db
from ..forms import BaseForm, choices
from ..nominations.models import KIND_LABELS, Nomination, NominationStatus
from ..nominations.services import base_salary_on, board_members
from ..web import active_campaign as _campaign
from ..web import send_document
from . import documents, sealing, services
from . import proposal as proposal_documents
from . import results as tally
from .models import BoardSession, SessionStatus

bp = Blueprint("voting", __name__)

BOARD = (Role.SECRETARY, Role.CHAIR, Role.MEMBER, Role.ADMIN)



class SessionForm(BaseForm):
    title = StringField(_l("Tên phiên họp"), validators=[DataRequired(_l("Nhập tên phiên họp.")), Length(max=200)])
    held_on = VnDateField(_l("Ngày họp"), validators=[DataRequired(DATE_MESSAGE)])
    time_text = StringField(_l("Giờ họp"), validators=[Length(max=40)])
    place = StringField(_l("Địa điểm"), validators=[Length(max=200)])
    chair_id = SelectField(_l("Chủ trì"), coerce=int)
    paper = BooleanField(_l("Bỏ phiếu giấy (thư ký nhập kết quả kiểm phiếu)"))


def _session(session_id: int, *options) -> BoardSession:
    session = db.session.get(BoardSession, session_id, options=options)
    if session is None or session.campaign_id != _campaign().id:
        abort(404)
    return session


@bp.route("/sessions")
@roles(*BOARD)
def index():
    campaign = _campaign()
    sessions = list(db.session.execute(db.select(BoardSession).filter_by(campaign_id=campaign.id)
                                       .order_by(BoardSession.held_on.desc(), BoardSession.id.desc())).scalars())
    return render_template("voting/index.html", sessions=sessions)


@bp.route("/sessions/new", methods=["GET", "POST"])
@roles(Role.SECRETARY)
def new():
    campaign = _campaign()
    form = SessionForm(campaign=campaign)
    members = board_members(campaign)
    form.chair_id.choices = choices((m.user_id, m.user.full_name) for m in members)
    eligible = list(db.session.execute(db.select(Nomination).filter_by(
        campaign_id=campaign.id, status=NominationStatus.ELIGIBLE.value).order_by(Nomination.form_id,
                                                                                   Nomination.kind)).scalars())
    error = None
    if form.validate_on_submit():
        ids = [int(v) for v in request.form.getlist("nomination") if v.isdigit()]
        try:
            session = services.create_session(campaign, {
                "title": form.title.data, "held_on": form.held_on.data, "time_text": form.time_text.data or "",
                "place": form.place.data or "", "chair_id": form.chair_id.data or None,
                "secretary_id": current_user.id, "paper": form.paper.data}, ids)
        except services.VotingError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(_("Đã chuẩn bị phiên họp “%(t)s”.", t=session.title), "success")
            return redirect(url_for("voting.detail", session_id=session.id))
    if request.method == "GET" and not form.title.data:
        form.title.data = _("Phiên họp xét khen thưởng phong trào “Chung sức xây dựng nông thôn mới”")
    return render_template("voting/new.html", form=form, eligible=eligible, members=members, error=error), \
        (422 if error or (request.method == "POST" and form.errors) else 200)


def _detail(session: BoardSession, status: int = 200, error: str | None = None):
    campaign = _campaign()
    attendance = services.attendance(session)
    voted = services.voters(session)
    is_member = services.is_member(campaign, current_user)
    present = any(a.user_id == current_user.id and a.present for a in attendance)
    return make_response(render_template(
        "voting/detail.html", s=session, campaign=campaign, attendance=attendance, voted=voted,
        quorum=services.quorum_of(session, campaign), is_secretary=current_user.has_role(Role.SECRETARY),
        may_vote=is_member and present and current_user.id not in voted and session.status == SessionStatus.OPEN
        and not session.paper, has_voted=current_user.id in voted, error=error,
        min_passphrase=sealing.MIN_PASSPHRASE), status)


@bp.route("/sessions/<int:session_id>")
@roles(*BOARD)
def detail(session_id: int):
    return _detail(_session(session_id))


@bp.route("/sessions/<int:session_id>/live")
@roles(*BOARD)
def live(session_id: int):
    session = _session(session_id)
    return render_template("voting/_live.html", s=session, attendance=services.attendance(session),
                           voted=services.voters(session))


def _secretary_action(session_id: int, run, done: str):
    session = _session(session_id)
    try:
        run(session)
    except services.VotingError as exc:
        db.session.rollback()
        return _detail(session, 422, str(exc))
    flash(done, "success")
    return redirect(url_for("voting.detail", session_id=session.id))


@bp.route("/sessions/<int:session_id>/attendance", methods=["POST"])
@roles(Role.SECRETARY)
def attendance(session_id: int):
    present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
    return _secretary_action(session_id, lambda s: services.set_attendance(s, present), _("Đã ghi nhận điểm danh."))


# The passphrase fields are read here and handed to the service within this request: never put in a form
# object that could be re-rendered, never echoed back into a page, never logged, never kept.


@bp.route("/sessions/<int:session_id>/open", methods=["POST"])
@roles(Role.SECRETARY)
def open_session(session_id: int):
    passphrase, repeated = request.form.get("passphrase", ""), request.form.get("passphrase_again", "")
    return _secretary_action(session_id,
                             lambda s: services.open_session(s, _campaign(), current_user, passphrase, repeated),
                             _("Đã khai mạc phiên họp: các thành viên có mặt có thể bỏ phiếu."))


@bp.route("/sessions/<int:session_id>/close", methods=["POST"])
@roles(Role.SECRETARY)
def close(session_id: int):
    passphrase = request.form.get("passphrase", "")
    return _secretary_action(session_id, lambda s: services.close_session(s, current_user, passphrase),
                             _("Đã kết thúc phiên họp. Kết quả đã được tính."))


@bp.route("/sessions/<int:session_id>/void", methods=["POST"])
@roles(Role.SECRETARY)
def void(session_id: int):
    """The passphrase is lost: void the session (its sealed sheets destroyed unread) so it can be re-run."""
    reason = request.form.get("reason", "")
    return _secretary_action(session_id, lambda s: services.void_session(s, current_user, reason),
                             _("Đã hủy phiên họp: các phiếu đã bỏ bị xóa mà không mở. Hãy chuẩn bị phiên bỏ phiếu "
                               "lại."))


@bp.route("/sessions/<int:session_id>/rerun", methods=["POST"])
@roles(Role.SECRETARY)
def rerun(session_id: int):
    session = _session(session_id)
    try:
        new = services.rerun_session(session, _campaign())
    except services.VotingError as exc:
        db.session.rollback()
        return _detail(session, 422, str(exc))
    flash(_("Đã chuẩn bị phiên bỏ phiếu lại “%(t)s”.", t=new.title), "success")
    return redirect(url_for("voting.detail", session_id=new.id))


# The ballot ----------------------------------------------------------------------------------------


def _sheet_page(session, member, values: dict, status: int = 200, error: str | None = None, confirm=False,
                action_url=None):
    campaign = _campaign()
    return make_response(render_template(
        "voting/ballot.html", s=session, sheet=services.sheet(session, campaign, member),
        criteria=services.criteria_of(campaign), values=values, error=error, confirm=confirm, member=member,
        action_url=action_url or url_for("voting.ballot", session_id=session.id)), status)


@bp.route("/sessions/<int:session_id>/ballot", methods=["GET", "POST"])
@roles(Role.MEMBER)
def ballot(session_id: int):
    session = _session(session_id)
    campaign = _campaign()
    if session.status != SessionStatus.OPEN or session.paper:
        return _detail(session, 409, _("Phiên họp không mở bỏ phiếu điện tử."))
    if current_user.id in services.voters(session):
        return _detail(session, 409, _("Đồng chí đã bỏ phiếu trong phiên họp này; phiếu đã bỏ không sửa được."))
    try:
        services.check_may_cast(session, campaign, current_user)
    except services.VotingError as exc:  # not on the board, or not recorded present: no sheet to fill in
        return _detail(session, 409, str(exc))
    if request.method == "GET":
        return _sheet_page(session, current_user, {})
    values = request.form.to_dict()
    action = request.form.get("action")
    if action == "edit":
        return _sheet_page(session, current_user, values)
    try:
        services.validate_sheet(session, campaign, current_user, values)
    except services.VotingError as exc:
        return _sheet_page(session, current_user, values, 422, str(exc))
    if action != "cast":
        return _sheet_page(session, current_user, values, confirm=True)
    try:
        services.cast(session, campaign, current_user, values)
    except services.VotingError as exc:
        db.session.rollback()
        return _detail(session, 409, str(exc))
    flash(_("Đã bỏ phiếu. Phiếu được giữ kín: không ai, kể cả đồng chí, xem lại được phiếu đã bỏ."), "success")
    return redirect(url_for("voting.detail", session_id=session.id))


@bp.route("/sessions/<int:session_id>/written/<int:user_id>", methods=["GET", "POST"])
@roles(Role.SECRETARY)
def written(session_id: int, user_id: int):
    session = _session(session_id)
    campaign = _campaign()
    member = db.session.get(User, user_id)
    if member is None or not services.is_member(campaign, member):
        abort(404)
    url = url_for("voting.written", session_id=session.id, user_id=member.id)
    if request.method == "GET":
        return _sheet_page(session, member, {}, action_url=url)
    try:
        services.check_may_enter_written(session, member)
    except services.VotingError as exc:  # present, already entered, or the session is not open
        return _detail(session, 409, str(exc))
    values = request.form.to_dict()
    action = request.form.get("action")
    if action == "edit":
        return _sheet_page(session, member, values, action_url=url)
    try:
        services.validate_sheet(session, campaign, member, values)
    except services.VotingError as exc:
        return _sheet_page(session, member, values, 422, str(exc), action_url=url)
    if action != "cast":  # "Xem lại": the secretary reads the whole opinion back before it is recorded
        return _sheet_page(session, member, values, confirm=True, action_url=url)
    try:
        services.enter_written(session, campaign, member, values)
    except services.VotingError as exc:
        db.session.rollback()
        return _sheet_page(session, member, values, 422, str(exc), action_url=url)
    flash(_("Đã nhập ý kiến bằng văn bản của %(n)s.", n=member.full_name), "success")
    return redirect(url_for("voting.detail", session_id=session.id))


@bp.route("/sessions/<int:session_id>/paper", methods=["POST"])
@roles(Role.SECRETARY)
def paper(session_id: int):
    session = _session(session_id)
    counts, bad = {}, False
    for item in session.items:
        row = {}
        for key in ("issued", "returned", "valid", "agree", "disagree"):
            raw = (request.form.get(f"{key}_{item.id}") or "").strip()
            if not raw:
                row = None
                break
            if not raw.isdigit():
                bad = True
                break
            row[key] = int(raw)
        if row:
            counts[item.id] = row
    if bad:
        return _detail(session, 422, _("Số phiếu phải là số nguyên không âm."))
    return _secretary_action(session_id, lambda s: services.enter_paper_counts(s, counts, current_user),
                             _("Đã lưu kết quả kiểm phiếu."))


_RESULTS_CACHE = "ntm_results_cache"
_RESULTS_CACHE_SIZE = 8
CHART_ROWS = 40  # up to this many candidates in a form, the chart has a bar each


@bp.route("/sessions/<int:session_id>/results")
@roles(*BOARD)
def results(session_id: int):
    # The agenda (thousands of items with their nominations) is loaded only if the results are worked out.
    session = _session(session_id, lazyload(BoardSession.items))
    if session.status != SessionStatus.CLOSED:
        return _detail(session, 409, _("Kết quả chỉ được tính và công bố khi thư ký kết thúc phiên họp."))
    campaign = _campaign()
    return render_template("voting/results.html", s=session, campaign=campaign,
                           groups_html=_results_html(session, campaign), quorum=services.quorum_of(session, campaign))


def _results_html(session: BoardSession, campaign) -> Markup:
    """The tables and charts of a closed session, rendered once per state of the data and kept by the process.

    A closed session's ballots never change, and what else the results depend on is in the stamp (one
    query of milliseconds): 2,000 candidates are tallied and rendered once, not at every visit. The page
    around them (who is logged in, the buttons, the form's token) is rendered at every request.
    """
    def draw() -> Markup:
        return Markup(render_template(  # noqa: S704  (a template's output, escaped by Jinja's autoescape)
            "voting/_results_groups.html", s=session, groups=tally.results(session, campaign),
            kinds={kind.value: str(label) for kind, label in KIND_LABELS.items()}, chart_rows=CHART_ROWS))

    return memo.kept(_RESULTS_CACHE, (session.id, str(get_locale())), tally.results_stamp(session, campaign),
                     draw, _RESULTS_CACHE_SIZE)



@bp.route("/sessions/<int:session_id>/minutes.<ext>")
@roles(*BOARD)
def minutes(session_id: int, ext: str):
    if ext not in ("docx", "pdf"):
        abort(404)
    session, campaign = _closed_for_documents(session_id, _("Biên bản chỉ lập được khi phiên họp đã kết thúc."))
    data = documents.from_session(session, campaign, services.attendance(session),
                                  tally.results(session, campaign), services.quorum_of(session, campaign),
                                  services.voters(session))
    content = documents.minutes_docx(data) if ext == "docx" else documents.minutes_pdf(data)
    return send_document(content, ext, "bien-ban-hop-hoi-dong", campaign, session.held_on)


@bp.route("/sessions/<int:session_id>/proposal.xlsx")
@roles(*BOARD)
def proposal(session_id: int):
    """What the board voted on, with the results: the list sent with the tờ trình, before approval."""
    session, campaign = _closed_for_documents(session_id,
                                              _("Danh sách đề nghị chỉ lập được khi phiên họp đã kết thúc."))
    content = proposal_documents.proposal_xlsx(_proposal_data(session, campaign))
    return send_document(content, "xlsx", "danh-sach-de-nghi-khen-thuong", campaign, session.held_on)


@bp.route("/sessions/<int:session_id>/submission.docx")
@roles(*BOARD)
def submission(session_id: int):
    """The tờ trình to the chairman listing the session's results."""
    session, campaign = _closed_for_documents(session_id, _("Tờ trình chỉ lập được khi phiên họp đã kết thúc."))
    content = proposal_documents.submission_docx(_proposal_data(session, campaign))
    return send_document(content, "docx", "to-trinh-de-nghi-khen-thuong", campaign, session.held_on)


def _closed_for_documents(session_id: int, refusal: str):
    session = _session(session_id)
    if session.status != SessionStatus.CLOSED:
        abort(_detail(session, 409, refusal))
    return session, _campaign()


def _proposal_data(session, campaign):
    salary = base_salary_on(session.held_on) if session.held_on else None
    return proposal_documents.from_session(session, campaign, tally.results(session, campaign), salary)
