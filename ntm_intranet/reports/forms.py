from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..forms import NOT_NEGATIVE, NUMBER_MESSAGE, BaseForm, DecimalCommaField, MoneyField, VersionedForm, choices
from .models import FIGURES


class UploadForm(VersionedForm):
    file = FileField(_l("Tệp báo cáo tổng kết"), validators=[FileRequired(_l("Hãy chọn tệp để tải lên."))])


class MeetingForm(VersionedForm):
    held_on = VnDateField(_l("Ngày tổ chức hội nghị tổng kết"), validators=[DataRequired(DATE_MESSAGE)])
    minutes = FileField(_l("Biên bản hội nghị (không bắt buộc)"))


KM_MESSAGE = _l("Hãy nhập số km, ví dụ 12,5.")


class KmField(DecimalCommaField):
    """A length in km (12,5)."""

    message = KM_MESSAGE


def _figure_field(name, label):
    if name == "road_m":
        return KmField(_l("Đường giao thông làm mới, sửa chữa (km)"), places=3, default=0,
                       validators=[InputRequired(KM_MESSAGE), NOT_NEGATIVE,
                                   NumberRange(max=100_000, message=_l("Số quá lớn."))],
                       render_kw={"inputmode": "decimal"})
    return MoneyField(label, default=0, validators=[InputRequired(NUMBER_MESSAGE), NOT_NEGATIVE,
                                                    NumberRange(max=10**15, message=_l("Số quá lớn."))],
                      render_kw={"inputmode": "numeric"})


class FiguresForm(VersionedForm):
    pass


for _name, _label in FIGURES:
    setattr(FiguresForm, _name, _figure_field(_name, _label))


def criteria_form(criteria, results):
    """The figures form plus, for a commune, two boxes per criterion (met in 2010, met in 2015)."""

    class Form(FiguresForm):
        pass

    for criterion in criteria:
        start, end = results.get(criterion.id, (False, False))
        setattr(Form, f"c{criterion.id}_start", BooleanField(default=start))
        setattr(Form, f"c{criterion.id}_end", BooleanField(default=end))
    return Form


class SubmitForm(VersionedForm):
    pass


class ReviewForm(VersionedForm):
    decision = RadioField(_l("Kết quả xem xét"), choices=choices([("accept", _l("Duyệt báo cáo")),
                                                                  ("return", _l("Trả lại để bổ sung"))]),
                          validators=[InputRequired(_l("Hãy chọn Duyệt hoặc Trả lại."))])
    comment = TextAreaField(_l("Nhận xét / nội dung cần bổ sung"), validators=[Length(max=5000)])


class ExtensionForm(BaseForm):
    milestone_id = SelectField(_l("Mốc"), coerce=int)
    due_date = VnDateField(_l("Gia hạn đến ngày"), validators=[DataRequired(DATE_MESSAGE)])
    reason = TextAreaField(_l("Lý do"), validators=[Optional(), Length(max=2000)])


class RemindForm(BaseForm):
    which = SelectField(_l("Mốc"), choices=choices([("report", _l("Nộp báo cáo")), ("meeting", _l("Hội nghị"))]))
