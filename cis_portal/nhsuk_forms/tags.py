"""The ``nhsuk`` template library (``{% load nhsuk %}``, registered in settings) behind the
``nhsuk`` crispy template pack in ``templates/nhsuk/`` and ``templates/includes/error_summary.html``."""

from __future__ import annotations

import copy

from django import forms, template
from django.forms.boundfield import BoundField
from django.forms.formsets import BaseFormSet
from django.utils.safestring import mark_safe

from .fields import NHSDateInput, width_class_for
from .widget_html import render_widget

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


def _as_widget(field: BoundField, widget: forms.Widget | None = None, attrs: dict | None = None) -> str:
    """``field.as_widget(widget, attrs)``, drawing Django's stock widgets without their templates."""
    widget = widget or _widget(field)
    if field.field.localize:
        widget.is_localized = True
    attrs = field.build_widget_attrs(attrs or {}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    return render_widget(widget, field.html_name, field.value(), attrs, field.form.renderer)


@register.simple_tag
def nhsuk_widget(field: BoundField, show_errors=True, describedby=None):
    """Render a field's widget with NHS.UK classes, error styling and ``aria-describedby``.

    Classes set on the widget (``attrs={"class": "nhsuk-input--width-10"}``) are kept and replace
    the default width. Radios and checkbox groups are rendered option by option by the pack.
    """
    widget = _widget(field)
    kind = field_kind(field)
    if kind == "hidden":
        return str(field) if field.field.show_hidden_initial else _as_widget(field)
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
        return _as_widget(field, widget, attrs)
    return _as_widget(field, attrs=attrs)


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


@register.simple_tag(takes_context=True)
def nhsuk_field(context, field: BoundField):
    """A field in the pack's markup (``nhsuk/field.html``), with the crispy options in the context."""
    from .field_html import FIELD_OPTIONS, render_field  # it builds on this module's filters

    return render_field(field, **{name: context.get(name) for name in FIELD_OPTIONS})


@register.filter
def as_nhsuk_field(field):
    """``{{ field|as_nhsuk_field }}``: what ``{{ field|as_crispy_field }}`` gives with this pack, without
    rendering ``nhsuk/field.html`` around the tag it calls. A form with a helper (which may name
    another template and options) goes through crispy as before."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

    from .field_html import render_field

    if not isinstance(field, BoundField) or getattr(field.form, "helper", None) is not None:
        return as_crispy_field(field)
    return render_field(field, form_show_errors=True, form_show_labels=True, label_class="")


def _non_field_errors(form) -> str:
    """``nhsuk/errors.html``."""
    errors = form.non_field_errors()
    if not errors:
        return "\n"
    from .widget_html import _text

    messages = "<br>".join(
        f'<span class="nhsuk-u-visually-hidden">Error: </span>{_text(error)}' for error in errors
    )
    prefix = _text(form.prefix) if form.prefix else "form"
    return (
        '\n<div class="nhsuk-form-group nhsuk-form-group--error">\n'
        f'  <span class="nhsuk-error-message" id="{prefix}-non-field-errors">{messages}</span>\n</div>\n\n'
    )


@register.filter
def as_nhsuk_form(form):
    """``{{ form|as_nhsuk_form }}``: what ``{{ form|crispy }}`` gives with this pack (the form's
    non-field errors, then each field), without rendering ``nhsuk/uni_form.html`` and its include
    around the fields. Formsets go through crispy as before."""
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    from .field_html import render_field

    if not isinstance(form, forms.BaseForm):
        return as_crispy_form(form)
    fields = "".join(
        render_field(field, form_show_errors=True, form_show_labels=True, label_class="") for field in form
    )
    return mark_safe(f"\n{_non_field_errors(form)}\n{fields}\n")  # noqa: S308 -- escaped as the templates did
