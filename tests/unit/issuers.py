"""The issuing bodies the document tests print, from the same campaign data the demo holds."""

from ntm_intranet.letterhead import House

DAKRONG = House("Ủy ban nhân dân huyện Đakrông")
COMMITTEE = DAKRONG.committee()
BOARD = DAKRONG.board()
COORDINATOR = DAKRONG.office("Phòng Nông nghiệp và PTNT")
SECRETARY = DAKRONG.office("Phòng Nội vụ")
