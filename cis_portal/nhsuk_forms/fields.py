"""NHS.UK form widgets and fields: the three-box date input, tel input and default input widths."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from organisations.validators import validate_single_line

# The design system sizes inputs to the expected answer; full width is the default for text.
WIDGET_WIDTH_CLASSES: dict[type[forms.Widget], str] = {
    forms.NumberInput: "nhsuk-input--width-5",
    forms.EmailInput: "nhsuk-input--width-30",
    forms.URLInput: "nhsuk-input--width-30",
    forms.PasswordInput: "nhsuk-input--width-20",
}

DATE_PARTS = ("day", "month", "year")


class TelInput(forms.TextInput):
    input_type = "tel"


WIDGET_WIDTH_CLASSES[TelInput] = "nhsuk-input--width-20"


def width_class_for(widget: forms.Widget) -> str:
    """The default ``nhsuk-input--width-*`` class for a widget, or "" for full width."""
    for widget_class in type(widget).__mro__:
        if widget_class in WIDGET_WIDTH_CLASSES:
            return WIDGET_WIDTH_CLASSES[widget_class]
    return ""


class NHSDateInput(forms.Widget):
    """Three text boxes (day, month, year) named ``<name>_day``, ``<name>_month``, ``<name>_year``.

    The value it reads back is the raw ``[day, month, year]`` strings so a form with errors shows
    people exactly what they typed. ``NHSDateField`` sets ``error_parts`` when only some boxes are
    wrong so just those boxes are outlined in red.
    """

    use_fieldset = True
    widths = {"day": "nhsuk-input--width-2", "month": "nhsuk-input--width-2", "year": "nhsuk-input--width-4"}

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.error_parts: set[str] = set()

    def id_for_label(self, id_):
        return f"{id_}_day" if id_ else ""

    def value_from_datadict(self, data, files, name):
        return [(data.get(f"{name}_{part}") or "").strip() for part in DATE_PARTS]

    def value_omitted_from_data(self, data, files, name):
        return all(f"{name}_{part}" not in data for part in DATE_PARTS)

    def format_value(self, value) -> list[str]:
        if value in (None, ""):
            return ["", "", ""]
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [str(part) for part in list(value)[:3]]

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        base_id = attrs.get("id", f"id_{name}")
        field_has_error = "nhsuk-input--error" in attrs.get("class", "").split()
        values = dict(zip(DATE_PARTS, self.format_value(value), strict=True))
        items = []
        for part in DATE_PARTS:
            classes = ["nhsuk-input", "nhsuk-date-input__input", self.widths[part]]
            if field_has_error and (not self.error_parts or part in self.error_parts):
                classes.append("nhsuk-input--error")
            extra = mark_safe(" disabled") if attrs.get("disabled") else ""
            items.append(
                format_html(
                    '<div class="nhsuk-date-input__item">'
                    '<div class="nhsuk-form-group">'
                    '<label class="nhsuk-label nhsuk-date-input__label" for="{id}_{part}">{label}</label>'
                    '<input class="{classes}" id="{id}_{part}" name="{name}_{part}" type="text" '
                    'inputmode="numeric" value="{value}"{extra}>'
                    "</div></div>",
                    id=base_id,
                    part=part,
                    label=part.capitalize(),
                    classes=" ".join(classes),
                    name=name,
                    value=values[part],
                    extra=extra,
                )
            )
        return format_html(
            '<div class="nhsuk-date-input" id="{}">{}</div>',
            base_id,
            format_html_join("", "{}", ((item,) for item in items)),
        )


class NHSDateField(forms.Field):
    """A date typed into three boxes, validated with the design system's messages.

    ``allow_past=False`` rejects dates before today ("... must be today or in the future");
    ``allow_future=False`` rejects dates after today. Messages start with the field's label, so
    give the field a label that reads well at the start of a sentence ("Date needed by").
    """

    widget = NHSDateInput

    def __init__(self, *, allow_past: bool = True, allow_future: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.allow_past = allow_past
        self.allow_future = allow_future
        self._field_label = ""

    def get_bound_field(self, form, field_name):
        self._field_label = str(self.label) if self.label else pretty_name(field_name)
        return super().get_bound_field(form, field_name)

    @property
    def _name(self) -> str:
        return self._field_label or (str(self.label) if self.label else "Date")

    def _fail(self, message: str, code: str, parts: Iterable[str] = ()):
        self.widget.error_parts = set(parts)
        raise ValidationError(message, code=code)

    def to_python(self, value):
        if isinstance(value, datetime.date):
            return value
        if isinstance(value, str) and value.strip():
            # An ISO date that came from somewhere other than the three boxes (initial data, a
            # stored wizard step): accept it, and treat anything else as a date that is not real.
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                self._fail(f"{self._name} must be a real date", "invalid")
        parts = list(value) if isinstance(value, list | tuple) else ["", "", ""]
        if not any(parts):
            return None
        day, month, year = ([*parts, "", "", ""])[:3]
        missing = [name for name, part in zip(DATE_PARTS, (day, month, year), strict=True) if not part]
        if missing:
            wording = " and ".join(missing) if len(missing) == 2 else missing[0]
            self._fail(f"{self._name} must include a {wording}", "incomplete", missing)
        if not all(part.isdigit() for part in (day, month, year)):
            wrong = [n for n, p in zip(DATE_PARTS, (day, month, year), strict=True) if not p.isdigit()]
            self._fail(f"{self._name} must be a real date", "invalid", wrong)
        if len(year) != 4:
            self._fail(f"{self._name} year must include 4 numbers", "invalid_year", ["year"])
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            self._fail(f"{self._name} must be a real date", "invalid")

    def validate(self, value):
        if value in self.empty_values and self.required:
            message = self.error_messages["required"]
            if message == forms.Field.default_error_messages["required"]:
                message = f"Enter {self._name[0].lower()}{self._name[1:]}"
            self._fail(message, "required")
        if value in self.empty_values:
            return
        today = timezone.localdate()
        if not self.allow_past and value < today:
            self._fail(f"{self._name} must be today or in the future", "past")
        if not self.allow_future and value > today:
            self._fail(f"{self._name} must be today or in the past", "future")

    def clean(self, value):
        self.widget.error_parts = set()
        return super().clean(value)

    def has_changed(self, initial, data):
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return initial != data


class SingleLineCharField(forms.CharField):
    """Text that belongs on one line (names, titles, phone numbers): refuses line breaks, tabs and
    other control characters, so typed text cannot pose as extra paragraphs in a page or email."""

    default_validators = [validate_single_line]
