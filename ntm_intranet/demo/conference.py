"""The demo's district conference as Phòng NN&PTNT has it on 27/06/2015: planned for 17/07/2015, with its
programme, a budget estimate still being drawn up (not yet sent to Phòng TC&KH) and the invitation list
built but not sent. The award list is not approved yet on that day, so the estimate has no award line
and its page says so; it appears by itself once the chair approves the list.

Prices follow the ceilings of Circular 97/2010/TT-BTC for conference spending (as data, editable).
"""

from __future__ import annotations

from datetime import date, time

from ..conference import estimate as budget
from ..conference import invitations as invites
from ..conference import services
from .steps import on_day
from .world import people, the_campaign

PLANNED_ON = date(2015, 6, 27)  # Phòng NN&PTNT drafts the conference the day the session is prepared

SOURCE = "Ngân sách huyện năm 2015"
AGENDA = [
    ("Đón tiếp đại biểu, văn nghệ chào mừng", "Văn phòng HĐND và UBND huyện", 20),
    ("Tuyên bố lý do, giới thiệu đại biểu", "Lãnh đạo Văn phòng HĐND và UBND huyện", 10),
    ("Khai mạc hội nghị", "Chủ tịch UBND huyện", 10),
    ("Báo cáo tổng kết phong trào thi đua “Chung sức xây dựng nông thôn mới” giai đoạn 2011–2015",
     "Trưởng phòng Nông nghiệp và PTNT", 30),
    ("Tham luận: kinh nghiệm huy động nhân dân hiến đất làm đường", "Chủ tịch UBND xã Triệu Nguyên", 15),
    ("Tham luận: phụ nữ tham gia giữ gìn môi trường nông thôn", "Chủ tịch Hội Liên hiệp Phụ nữ huyện", 15),
    ("Công bố quyết định khen thưởng", "Trưởng phòng Nội vụ", 10),
    ("Trao khen thưởng cho các tập thể, cá nhân, hộ gia đình", "Lãnh đạo UBND huyện", 30),
    ("Phát biểu chỉ đạo và bế mạc hội nghị", "Chủ tịch UBND huyện", 20),
]
# item, unit of measure, quantity, unit price (đồng), note
LINES = [
    ("Trang trí hội trường (phông, khẩu hiệu, hoa tươi)", "gói", 1, 3_500_000, ""),
    ("In ấn, phô tô tài liệu hội nghị", "bộ", 150, 25_000, ""),
    ("Nước uống, giải khát giữa giờ", "người", 150, 20_000, "Thông tư 97/2010/TT-BTC: tối đa 20.000 đ/người/buổi"),
    ("Hỗ trợ tiền ăn đại biểu không hưởng lương (thôn, hộ gia đình)", "người", 40, 50_000, ""),
    ("In giấy khen và khung giấy khen", "bộ", 30, 45_000, ""),
    ("Hoa tặng tập thể, cá nhân, hộ gia đình được khen thưởng", "bó", 30, 50_000, ""),
    ("Thuê âm thanh, ánh sáng", "buổi", 1, 1_500_000, ""),
]


def load_demo_conference() -> int:
    """Create the demo conference once; returns the number of budget lines created (0 when already there)."""
    campaign = the_campaign()
    if services.conference_of(campaign) is not None:
        return 0
    coordinator = people().get("nnptnt")
    with on_day(PLANNED_ON, coordinator):
        _plan(campaign, coordinator)
    return len(LINES)


def _plan(campaign, coordinator) -> None:
    conference = services.save_conference(campaign, None, {
        "title": services.default_title(campaign), "held_on": date(2015, 7, 17), "starts_at": time(7, 30),
        "place": "Hội trường UBND huyện Đakrông", "chair": f"Đồng chí {campaign.signer} – Chủ tịch UBND huyện",
        "invitation_number": "", "reply_by": date(2015, 7, 14)}, coordinator)
    for content, speaker, minutes in AGENDA:
        services.add_agenda_item(conference, {"content": content, "speaker": speaker, "minutes": minutes})
    for item, unit, quantity, price, note in LINES:
        budget.add_line(conference.estimate, {"item": item, "unit": unit, "quantity": quantity, "unit_price": price,
                                              "source": SOURCE, "note": note})
    invites.build_invitations(conference, campaign, coordinator)
