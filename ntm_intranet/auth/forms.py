from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from ..forms import BaseForm
from .rules import password_problems


class LoginForm(BaseForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(_l("Vui lòng nhập tên đăng nhập.")),
                                                            Length(max=80)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(_l("Vui lòng nhập mật khẩu.")),
                                                        Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class ChangePasswordForm(BaseForm):
    current_password = PasswordField(_l("Mật khẩu hiện tại"),
                                     validators=[DataRequired(_l("Vui lòng nhập mật khẩu hiện tại."))],
                                     render_kw={"autocomplete": "current-password"})
    new_password = PasswordField(_l("Mật khẩu mới"),
                                 validators=[DataRequired(_l("Vui lòng nhập mật khẩu mới.")), Length(max=200)],
                                 render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Nhập lại mật khẩu mới"),
                            validators=[DataRequired(_l("Vui lòng nhập lại mật khẩu mới.")),
                                        EqualTo("new_password", _l("Hai lần nhập mật khẩu mới không khớp."))],
                            render_kw={"autocomplete": "new-password"})

    def __init__(self, username: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._username = username

    def validate_new_password(self, field):
        problems = password_problems(field.data or "", self._username)
        if problems:
            raise ValidationError(" ".join(problems))
        if field.data == self.current_password.data:
            raise ValidationError(_l("Mật khẩu mới phải khác mật khẩu hiện tại."))
