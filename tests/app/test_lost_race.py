"""A race lost to another person never answers 500: nothing of the request is saved, and the page comes
back with the current values and a message that says why."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm.exc import ObjectDeletedError, StaleDataError

from ntm_intranet.auth.access import public
from ntm_intranet.campaigns.models import Campaign
from ntm_intranet.extensions import db

MESSAGE = "Người khác vừa thay đổi hoặc xóa dữ liệu này trước bạn"


@pytest.mark.parametrize("error", [StaleDataError("0 rows matched"), ObjectDeletedError.__new__(ObjectDeletedError)])
def test_a_lost_race_goes_back_to_the_page_with_a_message_and_saves_nothing(app, client, error):
    campaign = Campaign(title="Tổng kết phong trào", doc_number="76/KH-UBND", doc_date=date(2015, 5, 19),
                        period_start=2011, period_end=2015)
    db.session.add(campaign)
    db.session.commit()

    @public
    def racing_edit():
        db.session.get(Campaign, campaign.id).title = "Đổi bởi người thua cuộc"
        db.session.flush()  # half of the change written in the transaction, then the race is lost
        raise error

    app.add_url_rule("/_test/race", "racing_edit", racing_edit, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/_test/race", headers={"Referer": "http://localhost/login?next=/campaigns"})
    assert response.status_code == 303
    assert response.location.endswith("/login?next=/campaigns")
    page = client.get(response.location).get_data(as_text=True)
    assert MESSAGE in page
    db.session.expire_all()
    assert db.session.get(Campaign, campaign.id).title == "Tổng kết phong trào"


def test_a_lost_race_never_sends_the_person_to_another_site(app, client):
    @public
    def racing():
        raise StaleDataError("0 rows matched")

    app.add_url_rule("/_test/race2", "racing", racing, methods=["POST"])
    app.config["WTF_CSRF_ENABLED"] = False
    response = client.post("/_test/race2", headers={"Referer": "https://evil.example/phish"})
    assert response.status_code == 303 and response.location.endswith("/")
