"""The awards room's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from ..campaigns.forms import DATE_MESSAGE, VnDateField
from ..forms import BaseForm


class ApproveForm(BaseForm):
    """The chair's approval: the decision's number and date."""

    decision_number = StringField(_l("Số quyết định"), validators=[DataRequired(_l("Hãy nhập số quyết định.")),
                                                                  Length(max=40)])
    decision_date = VnDateField(_l("Ngày quyết định"), validators=[DataRequired(DATE_MESSAGE)])
