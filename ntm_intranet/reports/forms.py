from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DecimalField, HiddenField, IntegerField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..forms import BaseForm, choices
from .models import FIGURES

NOT_NEGATIVE = NumberRange(min=0, message=_l("Số liệu không được âm."))
NUMBER_MESSAGE = _l("Hãy nhập một số nguyên, ví dụ 1.500.000.")


class VersionedForm(BaseForm):
    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class UploadForm(VersionedForm):
    file = FileField(_l("Tệp báo cáo tổng kết"), validators=[FileRequired(_l("Hãy chọn tệp để tải lên."))])


class MeetingForm(VersionedForm):
    held_on = VnDateField(_l("Ngày tổ chức hội nghị tổng kết"), validators=[DataRequired(DATE_MESSAGE)])
    minutes = FileField(_l("Biên bản hội nghị (không bắt buộc)"))


class MoneyField(IntegerField):
    """A whole number; people type 1.150.000 or 1,150,000 or 1150000 (or "1.150.000 đ") alike."""

    # A text box: a browser's number box refuses "1.150.000" (and drops what it cannot read).
    widget = TextInput()

    def _value(self):
        """1500000000 shows as "1.500.000.000", as it was typed."""
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:,}".replace(",", ".") if isinstance(self.data, int) else ""

    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [v.replace(".", "").replace(",", "").replace(" ", "").replace("đ", "") for v in valuelist]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(NUMBER_MESSAGE) from exc


class DecimalCommaField(DecimalField):
    """A decimal number as Vietnamese write it (2,5 or 0,15); a point (2.5) works too."""

    widget = TextInput()  # a number box refuses the decimal comma
    message = _l("Hãy nhập một số, ví dụ 0,3.")

    def _value(self):
        """12.5 km shows as "12,5" (not "12.500", which reads as twelve thousand five hundred)."""
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{Decimal(self.data):.3f}".rstrip("0").rstrip(".").replace(".", ",")

    def process_formdata(self, valuelist):
        if valuelist:
            text = valuelist[0].strip().replace(" ", "")
            text = text.replace(".", "").replace(",", ".") if "," in text else text
            valuelist = [text]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.message) from exc


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
