"""Form pieces every room may use: the base form (every text field NFC-normalised and trimmed before
validation, every number and date held within the house's ranges), the versioned form (a lost race is told,
not overwritten), and number fields that read what Vietnamese people type (money as 1.150.000, decimals
with a comma)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, HiddenField, IntegerField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange
from wtforms.widgets import TextInput

from . import ranges
from .letterhead import dmy, money
from .text import clean, clean_multiline


class BaseForm(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            extra = ()
            if issubclass(field_class, TextAreaField):
                extra = (clean_multiline,)
            elif issubclass(field_class, StringField) and "Password" not in field_class.__name__:
                extra = (clean,)
            if extra:
                options["filters"] = tuple(unbound_field.kwargs.get("filters", ())) + extra
            return unbound_field.bind(form=form, **options)

    def __init__(self, *args, campaign=None, **kwargs):
        """`campaign`: a form about a campaign's events holds its dates within the campaign's years (from
        1 January of its first year to the end of the year after its last, when the summary is held)."""
        super().__init__(*args, **kwargs)
        self.date_window = None
        if campaign is not None and getattr(campaign, "period_start", None) and getattr(campaign, "period_end", None):
            self.date_window = (date(campaign.period_start, 1, 1), date(campaign.period_end + 1, 12, 31))

    def validate(self, extra_validators=None) -> bool:
        """The field's own rules, then the house's ranges (ranges.py) on every number and date, whatever the
        field's author remembered: nothing out of range ever reaches a service or the database."""
        valid = super().validate(extra_validators)
        for field in self:
            problem = out_of_range(field, self.date_window)
            if problem:
                field.errors = [*field.errors, problem] if isinstance(field.errors, list) else [problem]
                valid = False
        return valid


def out_of_range(field, window: tuple[date, date] | None = None) -> str | None:
    """The Vietnamese message for a number or date outside the house's ranges (and a date outside the
    campaign's `window`, when the form has one), or None."""
    data = field.data
    if isinstance(field, IntegerField | DecimalField) and isinstance(data, int | Decimal | float) \
            and not isinstance(data, bool):
        # Money and figures (MoneyField, decimals) go to BIGINT and NUMERIC columns, other whole numbers
        # to INTEGER ones.
        limit = ranges.MAX_MAGNITUDE if isinstance(field, MoneyField | DecimalField) else ranges.MAX_INTEGER
        if abs(data) > limit:
            return str(_l("Số quá lớn: tối đa %(max)s.", max=money(limit)))
    if isinstance(field, DateField) and isinstance(data, date | datetime):
        day = data.date() if isinstance(data, datetime) else data
        if not ranges.FIRST_DAY <= day <= ranges.LAST_DAY:
            return str(_l("Ngày phải trong khoảng %(a)s – %(b)s.", a=dmy(ranges.FIRST_DAY), b=dmy(ranges.LAST_DAY)))
        if window and not window[0] <= day <= window[1]:
            return str(_l("Ngày phải trong thời gian của kế hoạch (%(a)s – %(b)s).", a=dmy(window[0]),
                          b=dmy(window[1])))
    return None


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class VersionedForm(BaseForm):
    """A form that edits a record carrying a version: the version the page was drawn from comes back with
    the form, so the service can refuse a change made to a record someone else changed meanwhile."""

    version = HiddenField()

    @property
    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


NOT_NEGATIVE = NumberRange(min=0, message=_l("Số liệu không được âm."))
NUMBER_MESSAGE = _l("Hãy nhập một số nguyên, ví dụ 1.500.000.")


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
