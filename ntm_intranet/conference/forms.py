"""Forms of the conference pages: details, agenda, budget lines, appraisal, replies, certificate layout."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from .. import letterhead
from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..forms import BaseForm, choices
from . import rules


class WholeField(StringField):
    """A whole number as people type it ("1.150.000", "150"), required; a blank box, a negative number, a
    decimal or words are refused with a sentence that names the field ("Số lượng không được âm.")."""

    def __init__(self, label=None, validators=None, what: str = "", example: str = "1.150.000", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.what, self.example = what, example
        self.render_kw = {"inputmode": "numeric", **(self.render_kw or {})}

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return letterhead.money(self.data) if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not valuelist[0].strip():
            return  # pre_validate says what is missing
        try:
            self.data = rules.parse_whole(valuelist[0], self.what, self.example)
        except rules.RuleError as exc:
            raise ValueError(str(exc)) from exc

    def pre_validate(self, form):
        if self.data is None and not self.process_errors:
            raise StopValidation(f"Hãy nhập {self.what}.")


class TimeTextField(StringField):
    """A time of day as "7:30", "7h30" or "7 giờ 30"."""

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist:
            try:
                self.data = rules.parse_time(valuelist[0])
            except rules.RuleError as exc:
                raise ValueError(str(exc)) from exc


class ConferenceForm(BaseForm):
    title = StringField(_l("Tên hội nghị"), validators=[DataRequired(_l("Hãy nhập tên hội nghị.")), Length(max=300)])
    held_on = VnDateField(_l("Ngày tổ chức"), validators=[DataRequired(DATE_MESSAGE)])
    starts_at = TimeTextField(_l("Giờ bắt đầu"), render_kw={"placeholder": "7:30"})
    place = StringField(_l("Địa điểm"), validators=[DataRequired(_l("Hãy nhập địa điểm.")), Length(max=200)])
    chair = StringField(_l("Chủ trì hội nghị"), validators=[Length(max=200)],
                        render_kw={"placeholder": "Đồng chí Phạm Văn Hùng – Chủ tịch UBND huyện"})
    invitation_number = StringField(_l("Số giấy mời"), validators=[Length(max=40)],
                                    render_kw={"placeholder": "…/GM-UBND"})
    reply_by = VnDateField(_l("Đơn vị xác nhận tham dự trước ngày"), validators=[Optional()])

    def validate_reply_by(self, field):
        if field.data and self.held_on.data and field.data > self.held_on.data:
            raise ValidationError(_l("Hạn xác nhận phải trước ngày hội nghị."))


class AgendaItemForm(BaseForm):
    content = StringField(_l("Nội dung"), validators=[DataRequired(_l("Hãy nhập nội dung.")), Length(max=300)])
    speaker = StringField(_l("Người trình bày"), validators=[Length(max=200)])
    minutes = WholeField(_l("Thời lượng (phút)"), default=15, what="thời lượng (phút)", example="15",
                         validators=[NumberRange(1, 600, _l("Thời lượng từ 1 đến 600 phút."))])


class LineForm(BaseForm):
    item = StringField(_l("Nội dung chi"), validators=[DataRequired(_l("Hãy nhập nội dung chi.")), Length(max=300)])
    unit = StringField(_l("Đơn vị tính"), validators=[DataRequired(_l("Hãy nhập đơn vị tính.")), Length(max=40)],
                       render_kw={"placeholder": "người, bộ, gói"})
    quantity = WholeField(_l("Số lượng"), what="số lượng", example="150")
    unit_price = WholeField(_l("Đơn giá (đồng)"), what="đơn giá")
    source = StringField(_l("Nguồn kinh phí"), validators=[DataRequired(_l("Hãy ghi nguồn kinh phí.")),
                                                           Length(max=200)])
    note = TextAreaField(_l("Ghi chú"), validators=[Length(max=1000)], render_kw={"rows": 2})

    def data_dict(self) -> dict:
        return {"item": self.item.data, "unit": self.unit.data, "quantity": self.quantity.data,
                "unit_price": self.unit_price.data, "source": self.source.data, "note": self.note.data or ""}


class AdjustForm(BaseForm):
    quantity = WholeField(_l("Số lượng thẩm định"), what="số lượng", example="150")
    unit_price = WholeField(_l("Đơn giá thẩm định (đồng)"), what="đơn giá")
    comment = TextAreaField(_l("Ý kiến thẩm định"),
                            validators=[DataRequired(_l("Hãy ghi ý kiến thẩm định khi điều chỉnh một khoản chi.")),
                                        Length(max=1000)], render_kw={"rows": 2})


class AppraisalForm(BaseForm):
    comment = TextAreaField(_l("Ý kiến của Phòng Tài chính – Kế hoạch"), validators=[Length(max=2000)],
                            render_kw={"rows": 3})


class ReplyForm(BaseForm):
    attending = RadioField(_l("Trả lời"), choices=choices([("yes", _l("Tham dự")), ("no", _l("Không tham dự"))]),
                           validators=[InputRequired(_l("Chọn tham dự hay không tham dự."))])
    count = StringField(_l("Số người tham dự"), validators=[Length(max=10)], render_kw={"inputmode": "numeric"})
    names = TextAreaField(_l("Họ tên, chức vụ người tham dự (mỗi dòng một người)"), validators=[Length(max=3000)],
                          render_kw={"rows": 3})


class GuestForm(BaseForm):
    name = StringField(_l("Đại biểu / cơ quan được mời"), validators=[DataRequired(_l("Hãy nhập tên đại biểu hoặc "
                                                                                     "cơ quan được mời.")),
                                                                      Length(max=300)],
                       render_kw={"placeholder": "Thường trực Huyện ủy"})
    detail = StringField(_l("Chức vụ, ghi chú"), validators=[Length(max=300)])


def _mm(label):
    return WholeField(label, what="số mm", example="80", validators=[NumberRange(0, 297, _l("Từ 0 đến 297 mm."))])


class LayoutForm(BaseForm):
    cert_name_x = _mm(_l("Tên: cách mép trái (mm)"))
    cert_name_y = _mm(_l("Tên: cách mép trên (mm)"))
    cert_line_x = _mm(_l("Dòng thành tích: cách mép trái (mm)"))
    cert_line_y = _mm(_l("Dòng thành tích: cách mép trên (mm)"))
    cert_decision_x = _mm(_l("Số quyết định: cách mép trái (mm)"))
    cert_decision_y = _mm(_l("Số quyết định: cách mép trên (mm)"))
