from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import NOT_NEGATIVE, DecimalCommaField, MoneyField, VersionedForm, choices
from .models import KIND_LABELS


class NominationForm(VersionedForm):
    kind = RadioField(_l("Đối tượng"), choices=choices((k.value, v) for k, v in KIND_LABELS.items()),
                      validators=[InputRequired(_l("Chọn tập thể, cá nhân hay hộ gia đình."))])
    name = StringField(_l("Tên tập thể / Họ và tên / Tên chủ hộ"),
                       validators=[DataRequired(_l("Vui lòng nhập tên.")), Length(max=200)])
    position = StringField(_l("Chức vụ (nếu có)"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Đơn vị công tác, hoặc thôn, xã"), validators=[DataRequired(_l("Vui lòng nhập đơn vị "
                                                                                          "hoặc địa chỉ.")),
                                                                          Length(max=300)])
    summary = TextAreaField(_l("Tóm tắt thành tích (dòng in trong danh sách)"),
                            validators=[Length(max=600)], render_kw={"rows": 3,
                                                                     "placeholder": "hiến 350 m² đất, 120 ngày công"})
    money = MoneyField(_l("Tiền, tài sản đóng góp (đồng)"), default=0, validators=[InputRequired(), NOT_NEGATIVE],
                       render_kw={"inputmode": "numeric"})
    labour_days = MoneyField(_l("Ngày công"), default=0, validators=[InputRequired(), NOT_NEGATIVE],
                             render_kw={"inputmode": "numeric"})
    land_m2 = MoneyField(_l("Đất hiến (m²)"), default=0, validators=[InputRequired(), NOT_NEGATIVE],
                         render_kw={"inputmode": "numeric"})
    trees = MoneyField(_l("Cây trồng hiến (cây)"), default=0, validators=[InputRequired(), NOT_NEGATIVE],
                       render_kw={"inputmode": "numeric"})
    proposed_form_id = SelectField(_l("Hình thức khen thưởng đề nghị"), coerce=int,
                                   validators=[DataRequired(_l("Chọn hình thức khen thưởng."))])


class NominationFileForm(VersionedForm):
    kind = SelectField(_l("Loại tài liệu"), choices=choices([("to_trinh", _l("Tờ trình")),
                                                            ("thanh_tich", _l("Báo cáo thành tích")),
                                                            ("other", _l("Tài liệu khác"))]))
    file = FileField(_l("Tệp"), validators=[FileRequired(_l("Hãy chọn tệp để tải lên."))])


class ScreenForm(VersionedForm):
    decision = RadioField(_l("Kết quả thẩm định"), choices=choices([("eligible", _l("Đủ điều kiện trình Hội đồng")),
                                                                   ("returned", _l("Trả lại hồ sơ"))]),
                          validators=[InputRequired(_l("Chọn kết quả thẩm định."))])
    form_id = SelectField(_l("Hình thức khen thưởng (có thể đổi)"), coerce=int)
    candidate_user_id = SelectField(_l("Người được đề nghị là thành viên Hội đồng?"), coerce=int)
    note = TextAreaField(_l("Ghi chú / lý do trả lại"), validators=[Length(max=2000)])


class AwardFormForm(VersionedForm):
    code = StringField(_l("Mã"), validators=[DataRequired(_l("Nhập mã.")), Length(max=20)])
    name = StringField(_l("Tên hình thức"), validators=[DataRequired(_l("Nhập tên hình thức.")), Length(max=200)])
    level = StringField(_l("Cấp khen thưởng"), validators=[Length(max=60)])
    collective = BooleanField(_l("Tập thể"))
    individual = BooleanField(_l("Cá nhân"))
    household = BooleanField(_l("Hộ gia đình"))
    threshold_percent = IntegerField(_l("Ngưỡng đồng ý (% tổng số thành viên)"), default=50,
                                     validators=[InputRequired(), NumberRange(1, 100, _l("Từ 1 đến 100."))])
    threshold_strict = RadioField(_l("Cách tính ngưỡng"), choices=choices([("gt", _l("Trên (>)")),
                                                                          ("ge", _l("Từ (≥)"))]), default="gt")
    quota = IntegerField(_l("Hạn mức (số lượng tối đa, để trống nếu không giới hạn)"),
                         validators=[Optional(), NumberRange(1, 100_000)])
    coefficient = DecimalCommaField(_l("Hệ số tiền thưởng (× lương cơ sở)"), places=3, default=0,
                               validators=[InputRequired(), NumberRange(0, 100)])
    min_household_contribution = MoneyField(_l("Mức đóng góp tối thiểu của hộ (đồng, không bắt buộc)"),
                                            validators=[Optional(), NOT_NEGATIVE])
    legal_basis = TextAreaField(_l("Căn cứ"), validators=[Length(max=2000)])
    sort_order = IntegerField(_l("Thứ tự"), default=0, validators=[Optional()])


class CriterionForm(VersionedForm):
    name = StringField(_l("Tiêu chí chấm điểm"), validators=[DataRequired(_l("Nhập tên tiêu chí.")), Length(max=200)])
    description = TextAreaField(_l("Mô tả"), validators=[Length(max=2000)])
    max_points = IntegerField(_l("Điểm tối đa"), default=10, validators=[InputRequired(), NumberRange(1, 1000)])
    weight = IntegerField(_l("Trọng số"), default=1, validators=[InputRequired(), NumberRange(1, 100)])


class BoardSettingsForm(VersionedForm):
    quorum_numerator = IntegerField(_l("Số thành viên có mặt tối thiểu: tử số"), default=2,
                                    validators=[InputRequired(), NumberRange(1, 100)])
    quorum_denominator = IntegerField(_l("mẫu số"), default=3, validators=[InputRequired(), NumberRange(1, 100)])
    scoring_enabled = BooleanField(_l("Chấm điểm theo tiêu chí trên phiếu"))
    score_method = SelectField(_l("Cách tổng hợp điểm"), choices=choices([("mean", _l("Trung bình")),
                                                                         ("median", _l("Trung vị"))]))
    same_unit_abstains = BooleanField(_l("Thành viên không biểu quyết hồ sơ do đơn vị mình đề nghị"))
    money_rounding = IntegerField(_l("Làm tròn tiền thưởng lên (đồng)"), default=10_000,
                                  validators=[InputRequired(), NumberRange(1, 1_000_000)])
