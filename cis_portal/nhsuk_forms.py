"""NHS.UK form building blocks shared by every app.

- ``NHSDateField`` / ``NHSDateInput``: the design system's three-box date input (day, month, year)
  with the design system's error messages ("Date needed by must include a month").
- ``TelInput``: ``<input type="tel">`` (Django has no tel widget).
- ``NHSFormHelper``: a crispy-forms helper with our defaults (POST, ``novalidate``, one
  ``nhsuk-button`` labelled "Continue" unless told otherwise).
- ``WIDGET_WIDTH_CLASSES``: the default width class for each kind of input.
- The ``nhsuk`` template library (``{% load nhsuk %}``, registered in settings) that the ``nhsuk``
  crispy template pack in ``templates/nhsuk/`` and ``templates/includes/error_summary.html`` use.

Ids the templates rely on (and tests may assert): a field's hint is ``<auto_id>-hint``, its error
message ``<auto_id>-error``; the error summary links to ``#<auto_id>`` for ordinary inputs, to the
first option (``#<auto_id>_0``) for radios and checkboxes, and to the day box
(``#<auto_id>_day``) for dates.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms, template
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

# --- Widgets and fields -----------------------------------------------------------------------

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


# --- Crispy helper ----------------------------------------------------------------------------


class NHSFormHelper(FormHelper):
    """Our crispy defaults: a POST form with ``novalidate`` (the server validates and the NHS
    error summary explains, instead of the browser's inaccessible bubbles) and one submit button.

    ``NHSFormHelper(form, submit_text="Save")``; ``submit_text=None`` adds no button (for layouts
    that place their own ``Submit``). ``label_is_page_heading=True`` with ``label_class =
    "nhsuk-label--l"`` makes a one-question form's label or legend the page heading.
    """

    def __init__(
        self,
        form=None,
        *,
        submit_text: str | None = "Continue",
        submit_name: str = "submit",
        label_is_page_heading: bool = False,
    ):
        super().__init__(form)
        # For one-question pages: the field's label or legend is the page's <h1>.
        self.label_is_page_heading = label_is_page_heading
        self.form_tag = True
        self.form_method = "post"
        self.attrs = {"novalidate": ""}
        if submit_text:
            self.add_input(Submit(submit_name, submit_text))


# --- Template library -------------------------------------------------------------------------

register = template.Library()


def _widget(field: BoundField) -> forms.Widget:
    return field.field.widget


def field_kind(field: BoundField) -> str:
    """What NHS.UK component a bound field renders as."""
    widget = _widget(field)
    if widget.is_hidden:
        return "hidden"
    if isinstance(widget, NHSDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.FileInput):
        return "file"
    if isinstance(widget, forms.MultiWidget):
        return "multi"
    return "input"


register.filter("nhsuk_kind", field_kind)


@register.filter
def nhsuk_anchor(field: BoundField) -> str:
    """The id the error summary links to for this field (without the ``#``)."""
    auto_id = field.auto_id
    if not auto_id:
        return ""
    kind = field_kind(field)
    if kind in {"radios", "checkboxes", "multi"}:
        return f"{auto_id}_0"
    if kind == "date":
        return f"{auto_id}_day"
    return field.id_for_label or auto_id


@register.filter
def nhsuk_maxlength(field: BoundField):
    """The character limit for a textarea's character count, or None."""
    return getattr(field.field, "max_length", None) or _widget(field).attrs.get("maxlength")


@register.filter
def nhsuk_describedby(field: BoundField, show_errors=True) -> str:
    """``aria-describedby`` for a field: its hint and error message ids, if it has them."""
    ids = []
    if field_kind(field) == "textarea" and nhsuk_maxlength(field):
        ids.append(f"{field.auto_id}-info")
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors and show_errors is not False:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


BASE_CLASSES = {
    "input": "nhsuk-input",
    "select": "nhsuk-select",
    "textarea": "nhsuk-textarea",
    "file": "nhsuk-file-upload__input",
    "checkbox": "nhsuk-checkboxes__input",
    "multi": "nhsuk-input",
    "date": "",
}
ERROR_CLASSES = {
    "input": "nhsuk-input--error",
    "select": "nhsuk-select--error",
    "textarea": "nhsuk-textarea--error",
    "multi": "nhsuk-input--error",
    "date": "nhsuk-input--error",
}


@register.simple_tag
def nhsuk_widget(field: BoundField, show_errors=True, describedby=None):
    """Render a field's widget with NHS.UK classes, error styling and ``aria-describedby``.

    Classes set on the widget (``attrs={"class": "nhsuk-input--width-10"}``) are kept and replace
    the default width. Radios and checkbox groups are rendered option by option by the pack.
    """
    widget = _widget(field)
    kind = field_kind(field)
    if kind == "hidden":
        return field.as_widget()
    own_classes = widget.attrs.get("class", "").split()
    classes = [BASE_CLASSES.get(kind, "")]
    if kind == "input" and not any("width" in name for name in own_classes):
        classes.append(width_class_for(widget))
    if kind == "textarea" and nhsuk_maxlength(field):
        classes.append("nhsuk-js-character-count")
    classes.extend(own_classes)
    if field.errors and show_errors is not False:
        classes.append(ERROR_CLASSES.get(kind, ""))
    attrs = {"class": " ".join(name for name in classes if name)}
    if describedby is None:
        describedby = "" if kind == "date" else nhsuk_describedby(field, show_errors)
    if describedby:
        attrs["aria-describedby"] = describedby
    if kind == "textarea" and "maxlength" in widget.attrs:
        # The character count tells people the limit; a hard maxlength would silently cut pasted text.
        widget = copy.copy(widget)
        widget.attrs = {key: value for key, value in widget.attrs.items() if key != "maxlength"}
        return field.as_widget(widget=widget, attrs=attrs)
    return field.as_widget(attrs=attrs)


@register.filter
def nhsuk_button_classes(field_classes: str) -> str:
    """Drop crispy's Bootstrap defaults (``btn btn-primary``) from a button's classes."""
    return " ".join(name for name in (field_classes or "").split() if not name.startswith("btn"))


def _first_anchor(form) -> str:
    for field in form.visible_fields():
        return nhsuk_anchor(field)
    return ""


def error_summary_items(forms_or_formsets) -> list[tuple[str, str]]:
    """``(message, "#anchor")`` pairs for every error in the given forms and formsets.

    Non-field errors come first (linked to the form's first field), then each field's errors in
    field order. Formsets contribute their own non-form errors, then each form's errors.
    """
    items: list[tuple[str, str]] = []
    for form in forms_or_formsets:
        if form is None or form == "":
            continue
        if isinstance(form, BaseFormSet):
            first = next(iter(form.forms), None)
            anchor = f"#{_first_anchor(first)}" if first is not None else ""
            items.extend((str(message), anchor) for message in form.non_form_errors())
            for member in form.forms:
                items.extend(error_summary_items([member]))
            continue
        if not getattr(form, "is_bound", False) or not form.errors:
            continue
        anchor = _first_anchor(form)
        items.extend((str(message), f"#{anchor}" if anchor else "") for message in form.non_field_errors())
        for field in form:
            if field.is_hidden:
                # A hidden field cannot be focused; its errors read as the form's own.
                items.extend((str(message), f"#{anchor}" if anchor else "") for message in field.errors)
                continue
            items.extend((str(message), f"#{nhsuk_anchor(field)}") for message in field.errors)
    return items


@register.simple_tag
def nhsuk_error_items(form=None, forms=None):
    """For ``includes/error_summary.html``: accepts ``form=`` (a form or formset) and/or ``forms=``."""
    collected = []
    if form not in (None, ""):
        collected.append(form)
    if forms not in (None, ""):
        collected.extend(forms)
    return error_summary_items(collected)


@register.filter
def nhsuk_has_errors(form_or_forms) -> bool:
    """True if a form, a formset, or a list of either has any error to show."""
    if form_or_forms in (None, ""):
        return False
    items = form_or_forms if isinstance(form_or_forms, list | tuple) else [form_or_forms]
    return bool(error_summary_items(items))


@register.filter
def nhsuk_not_false(value) -> bool:
    """True unless the value is exactly False (crispy's ``form_show_errors`` may be missing)."""
    return value is not False


@register.filter
def nhsuk_legend_class(label_class: str) -> str:
    """Turn a label size class (``nhsuk-label--l``) into the matching legend class."""
    return " ".join(
        name.replace("nhsuk-label--", "nhsuk-fieldset__legend--")
        for name in (label_class or "").split()
        if name.startswith("nhsuk-label--")
    )
