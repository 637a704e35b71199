from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..auth.roles import ROLE_LABELS, Role
from ..forms import BaseForm, VersionedForm, choices
from .models import UNIT_KIND_LABELS

CODE_RULE = Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Mã chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang."))
USERNAME_RULE = Regexp(r"^[a-z0-9_.-]+$",
                       message=_l("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UnitForm(VersionedForm):
    code = StringField(_l("Mã đơn vị"), validators=[DataRequired(_l("Vui lòng nhập mã đơn vị.")), Length(max=20),
                                                    CODE_RULE])
    name = StringField(_l("Tên đơn vị"), validators=[DataRequired(_l("Vui lòng nhập tên đơn vị.")),
                                                     Length(max=160)])
    kind = SelectField(_l("Loại đơn vị"), choices=choices((k.value, v) for k, v in UNIT_KIND_LABELS.items()))
    parent_id = SelectField(_l("Đơn vị cấp trên"), coerce=int, validators=[Optional()])
    sort_order = IntegerField(_l("Thứ tự hiển thị"), default=0, validators=[Optional()])
    active = BooleanField(_l("Đang hoạt động"), default=True)


class UserForm(VersionedForm):
    username = StringField(_l("Tên đăng nhập"),
                           validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")), Length(max=80),
                                       USERNAME_RULE],
                           filters=[lambda v: v.lower() if isinstance(v, str) else v])
    full_name = StringField(_l("Họ và tên"), validators=[DataRequired(_l("Vui lòng nhập họ và tên.")),
                                                         Length(max=120)])
    position = StringField(_l("Chức vụ"), validators=[Optional(), Length(max=120)])
    email = EmailField(_l("Thư điện tử"), validators=[Optional(), Email(_l("Địa chỉ thư điện tử không hợp lệ.")),
                                                      Length(max=120)])
    roles = MultiCheckboxField(_l("Vai trò"), choices=choices((r.value, label) for r, label in ROLE_LABELS.items()))
    unit_id = SelectField(_l("Đơn vị"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Đang hoạt động"), default=True)

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Chọn ít nhất một vai trò."))

    def validate_unit_id(self, field):
        if Role.REPORTER.value in (self.roles.data or []) and not field.data:
            raise ValidationError(_l("Cán bộ báo cáo phải thuộc một đơn vị."))


class ImportForm(BaseForm):
    file = FileField(_l("Tệp Excel (.xlsx) hoặc CSV"), validators=[FileRequired(_l("Vui lòng chọn tệp để nhập."))])
