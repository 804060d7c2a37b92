"""One field of the ``nhsuk`` pack (form group, label or legend, hint, errors, widget) in Python.

Why: every form in the portal draws each field through this markup. As a template it was about
870 Python calls a field (dozens of ``{% if %}``, three filters, an include for the hint and
errors, another for the messages), half of a form page's time. ``render_field`` gives byte for
byte what that template gave; ``tests/ui/test_nhsuk_field_html.py`` keeps the template and
compares the two for every kind of field, with and without errors, hints, page-heading labels,
character counts and the crispy options.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .tags import field_kind, nhsuk_describedby, nhsuk_legend_class, nhsuk_maxlength, nhsuk_widget
from .widget_html import _string_s, _text

# The crispy context's options the markup reads.
FIELD_OPTIONS = (
    "form_show_errors",
    "form_show_labels",
    "label_class",
    "label_is_page_heading",
    "wrapper_class",
    "tag",
)
FIELDSET_KINDS = frozenset({"radios", "checkboxes", "date", "multi"})


def _widget(field: BoundField, show_errors: bool, **kwargs) -> str:
    return conditional_escape(nhsuk_widget(field, show_errors, **kwargs))


def _hint(field: BoundField, classes: str = "nhsuk-hint") -> str:
    # help_text is the form author's markup, shown as it is (``|safe``).
    help_text = field.help_text
    return f'<div class="{classes}" id="{_text(field.auto_id)}-hint">{help_text}</div>' if help_text else ""


def _error_message(field: BoundField) -> str:
    messages = "<br>".join(
        f'<span class="nhsuk-u-visually-hidden">Error: </span>{_text(error)}' for error in field.errors
    )
    return f'<span class="nhsuk-error-message" id="{_text(field.auto_id)}-error">{messages}</span>\n'


def _hint_and_errors(field: BoundField, has_errors: bool) -> str:
    return f"{_hint(field)}\n{_error_message(field) if has_errors else ''}\n"


def _plain_choices(field: BoundField):
    """``(id, name, input type, value, label, selected)`` of each option, as ``for choice in field``
    gives them, for Django's own radios and checkbox groups with flat choices (None otherwise):
    without a ``BoundWidget`` and an option dict each, which cost more than drawing them."""
    widget = field.field.widget
    if type(widget) not in (forms.RadioSelect, forms.CheckboxSelectMultiple) or type(field) is not BoundField:
        return None
    choices = list(widget.choices)
    if any(isinstance(label, list | tuple) for _, label in choices):
        return None
    id_ = widget.attrs.get("id") or field.auto_id
    selected_values = widget.format_value(field.value())
    options, has_selected = [], False
    for index, (value, label) in enumerate(choices):
        value = "" if value is None else value
        selected = (not has_selected or widget.allow_multiple_selected) and str(value) in selected_values
        has_selected |= selected
        options.append((f"{id_}_{index}" if id_ else None, value, label, selected))
    return field.html_name, widget.input_type, options


def _options(field: BoundField, kind: str) -> str:
    disabled = field.field.disabled
    items = []
    plain = _plain_choices(field)
    if plain is not None:
        name, input_type, options = plain
        off = " disabled" if disabled or field.field.widget.attrs.get("disabled") else ""
        choices = [
            (choice_id, name, input_type, value, label, selected, off)
            for choice_id, value, label, selected in options
        ]
    else:
        choices = [
            (
                choice.id_for_label,
                choice.data["name"],
                choice.data["type"],
                choice.data["value"],
                choice.choice_label,
                choice.data["selected"],
                " disabled" if choice.data["attrs"].get("disabled") or disabled else "",
            )
            for choice in field
        ]
    for choice_id, name, input_type, value, label, selected, off in choices:
        choice_id = _text(choice_id)
        checked = " checked" if selected else ""
        items.append(
            f'\n      <div class="nhsuk-{kind}__item">\n'
            f'        <input class="nhsuk-{kind}__input" id="{choice_id}" name="{_text(name)}" '
            f'type="{_text(input_type)}" value="{_string_s(value)}"{checked}{off}>\n'
            f'        <label class="nhsuk-label nhsuk-{kind}__label" for="{choice_id}">'
            f"{_text(label)}</label>\n      </div>\n      "
        )
    extra = field.field.widget.attrs.get("class")
    extra = f" {_text(extra)}" if extra else ""
    return (
        f'\n    <div class="nhsuk-{kind}{extra}" data-module="nhsuk-{kind}">\n      '
        f"{''.join(items)}\n    </div>\n    "
    )


def _fieldset(field: BoundField, kind: str, options: dict, has_errors: bool, describedby: str) -> str:
    role = ' role="group"' if kind == "date" else ""
    aria = f' aria-describedby="{_text(describedby)}"' if describedby else ""
    label_class = options["label_class"]
    legend_class = f" {_text(nhsuk_legend_class(label_class))}" if label_class else ""
    if not options["form_show_labels"]:
        legend_class += " nhsuk-u-visually-hidden"
    label = _text(field.label)
    if options["label_is_page_heading"]:
        label = f'<h1 class="nhsuk-fieldset__heading">{label}</h1>'
    if kind in {"radios", "checkboxes"}:
        inner = _options(field, kind)
    else:
        inner = f"\n    {_widget(field, options['show_errors'], describedby='')}\n    "
    return (
        f'\n  <fieldset class="nhsuk-fieldset"{role}{aria}>\n'
        f'    <legend class="nhsuk-fieldset__legend{legend_class}">{label}</legend>\n'
        f"    {_hint_and_errors(field, has_errors)}\n    {inner}\n  </fieldset>\n"
    )


def _checkbox(field: BoundField, options: dict, has_errors: bool) -> str:
    errors = _error_message(field) if has_errors else ""
    return (
        f'\n  {errors}\n  <div class="nhsuk-checkboxes">\n    <div class="nhsuk-checkboxes__item">\n'
        f"      {_widget(field, options['show_errors'])}\n"
        f'      <label class="nhsuk-label nhsuk-checkboxes__label" for="{_text(field.id_for_label)}">'
        f"{_text(field.label)}</label>\n"
        f"      {_hint(field, 'nhsuk-hint nhsuk-checkboxes__hint')}\n    </div>\n  </div>\n"
    )


def _single(field: BoundField, kind: str, options: dict, has_errors: bool, maxlength) -> str:
    label = ""
    if field.label:
        label_class = f" {_text(options['label_class'])}" if options["label_class"] else ""
        if not options["form_show_labels"]:
            label_class += " nhsuk-u-visually-hidden"
        label = (
            f'<label class="nhsuk-label{label_class}" for="{_text(field.id_for_label)}">'
            f"{_text(field.label)}</label>"
        )
        if options["label_is_page_heading"]:
            label = f'<h1 class="nhsuk-label-wrapper">{label}</h1>'
    count = ""
    if kind == "textarea" and maxlength:
        count = (
            f'<div class="nhsuk-hint nhsuk-character-count__message" id="{_text(field.auto_id)}-info">'
            f"You can enter up to {_text(maxlength)} characters</div>"
        )
    return (
        f"\n  {label}\n  {_hint_and_errors(field, has_errors)}\n"
        f"  {_widget(field, options['show_errors'])}\n  {count}\n"
    )


def render_field(field: BoundField, **options) -> SafeString:
    """The pack's markup for ``field``.

    Options are the crispy context's: ``form_show_errors`` (only ``False`` hides errors),
    ``form_show_labels`` (falsy: labels visually hidden), ``label_class``,
    ``label_is_page_heading``, ``wrapper_class`` and ``tag`` (the group's element, ``div`` if unset).
    """
    options["show_errors"] = show_errors = options.get("form_show_errors") is not False
    for name in FIELD_OPTIONS:
        options.setdefault(name, None)
    kind = field_kind(field)
    if kind == "hidden":
        return mark_safe(f"{_widget(field, True)}\n")  # noqa: S308 -- the widget's markup is escaped
    maxlength = nhsuk_maxlength(field)
    has_errors = bool(show_errors and field.errors)
    character_count = kind == "textarea" and maxlength
    classes = "nhsuk-form-group"
    if has_errors:
        classes += " nhsuk-form-group--error"
    if character_count:
        classes += " nhsuk-character-count"
    if kind == "file":
        classes += " nhsuk-file-upload"
    if options["wrapper_class"]:
        classes += f" {_text(options['wrapper_class'])}"
    css_classes = field.css_classes()
    if css_classes:
        classes += f" {_text(css_classes)}"
    module = ""
    if character_count:
        module = f' data-module="nhsuk-character-count" data-maxlength="{_text(maxlength)}"'
    elif kind == "file" and not field.value():
        module = ' data-module="nhsuk-file-upload"'
    tag = _text(options["tag"]) if options["tag"] else "div"
    if kind in FIELDSET_KINDS:
        body = _fieldset(field, kind, options, has_errors, nhsuk_describedby(field, show_errors))
    elif kind == "checkbox":
        body = _checkbox(field, options, has_errors)
    else:
        body = _single(field, kind, options, has_errors, maxlength)
    html = f'\n<{tag} id="div_{_text(field.auto_id)}" class="{classes}"{module}>\n{body}\n</{tag}>\n\n'
    # Labels, choices, errors and attributes are escaped above as the template escaped them.
    return mark_safe(html)  # noqa: S308
