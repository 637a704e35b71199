"""The base form: every text field is NFC-normalised and trimmed before validation."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

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


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
