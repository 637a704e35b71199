from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import TextInput

from ..forms import VersionedForm, choices
from ..org.forms import MultiCheckboxField
from ..org.models import UNIT_KIND_LABELS
from .models import MILESTONE_KIND_LABELS

DATE_MESSAGE = _l("Ngày không hợp lệ (dd/mm/yyyy).")


class VnDateField(DateField):
    """A date typed as dd/mm/yyyy (yyyy-mm-dd is accepted too).

    A plain text box, not the browser's date picker: the picker shows the browser's locale format
    (mm/dd/yyyy on many office PCs) and cannot show a dd/mm/yyyy value at all.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"], **kwargs)
        self.render_kw = {"placeholder": "dd/mm/yyyy", "inputmode": "numeric", **(self.render_kw or {})}

    def _value(self):
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime("%d/%m/%Y") if self.data else ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(DATE_MESSAGE) from exc


class CampaignForm(VersionedForm):
    title = StringField(_l("Tên kế hoạch / phong trào"), validators=[DataRequired(_l("Vui lòng nhập tên.")),
                                                                     Length(max=300)])
    doc_number = StringField(_l("Số văn bản"), validators=[DataRequired(_l("Vui lòng nhập số văn bản.")),
                                                          Length(max=40)],
                             render_kw={"placeholder": "76/KH-UBND"})
    doc_date = VnDateField(_l("Ngày ban hành"), validators=[DataRequired(DATE_MESSAGE)])
    issuer = StringField(_l("Cơ quan ban hành"), validators=[Length(max=160)])
    signer = StringField(_l("Người ký"), validators=[Length(max=120)])
    legal_bases = TextAreaField(_l("Căn cứ pháp lý (mỗi dòng một văn bản)"), validators=[Length(max=5000)])
    period_start = IntegerField(_l("Giai đoạn từ năm"), validators=[DataRequired(_l("Nhập năm bắt đầu.")),
                                                                   NumberRange(1990, 2100)])
    period_end = IntegerField(_l("đến năm"), validators=[DataRequired(_l("Nhập năm kết thúc.")),
                                                        NumberRange(1990, 2100)])
    criteria_set = StringField(_l("Bộ tiêu chí NTM"), validators=[Length(max=40)])
    remind_days_before = IntegerField(_l("Nhắc trước hạn (số ngày)"), default=3,
                                      validators=[Optional(), NumberRange(1, 60, _l("Từ 1 đến 60 ngày."))])
    active = BooleanField(_l("Đang triển khai"), default=True)

    def validate_period_end(self, field):
        if self.period_start.data and field.data and field.data < self.period_start.data:
            raise ValidationError(_l("Năm kết thúc phải sau năm bắt đầu."))


class MilestoneForm(VersionedForm):
    kind = SelectField(_l("Loại mốc"), choices=choices((k.value, v) for k, v in MILESTONE_KIND_LABELS.items()))
    title = StringField(_l("Nội dung"), validators=[DataRequired(_l("Vui lòng nhập nội dung mốc.")),
                                                   Length(max=200)])
    unit_kinds = MultiCheckboxField(_l("Áp dụng cho"),
                                    choices=choices((k.value, v) for k, v in UNIT_KIND_LABELS.items()))
    due_date = VnDateField(_l("Hạn (dd/mm/yyyy)"), validators=[DataRequired(DATE_MESSAGE)])

    def validate_unit_kinds(self, field):
        if not field.data:
            raise ValidationError(_l("Chọn ít nhất một loại đơn vị."))


__all__ = ["CampaignForm", "MilestoneForm", "Optional"]
