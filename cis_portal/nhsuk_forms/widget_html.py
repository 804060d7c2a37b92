"""Django's stock ``<input>``, ``<textarea>`` and ``<select>`` widget markup, written in Python.

Why: the pack renders every field's widget, and Django renders a widget through templates: an
``<input>`` is three of them (its own, ``input.html``, ``attrs.html``) and a ``<select>`` two more
per option, so a select of 40 ICBs cost more than the rest of its page. These functions produce
byte for byte what those templates produce (``tests/ui/test_nhsuk_widget_html.py`` checks
each against Django's own rendering) and apply only to widgets that would render exactly those
templates; anything else (custom widgets, other templates, overridden ``render``) goes through
Django as before.
"""

from __future__ import annotations

import html

from django import forms
from django.template.base import render_value_in_context
from django.template.context import Context
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

_WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    _WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "email.html",
        "number.html",
        "password.html",
        "url.html",
        "tel.html",
        "search.html",
        "hidden.html",
        "date.html",
        "datetime.html",
        "time.html",
        "color.html",
        "file.html",
    )
)
# checkbox.html includes input.html, so one more (stripped) newline; the renderer strips both.
CHECKBOX_TEMPLATE = _WIDGETS + "checkbox.html"
TEXTAREA_TEMPLATE = _WIDGETS + "textarea.html"
SELECT_TEMPLATE = _WIDGETS + "select.html"
OPTION_TEMPLATE = _WIDGETS + "select_option.html"
PYTHON_TEMPLATES = INPUT_TEMPLATES | {CHECKBOX_TEMPLATE, TEXTAREA_TEMPLATE, SELECT_TEMPLATE}

# What ``{{ value }}`` does in an autoescaping template without {% localize %} or {% timezone %}.
_TEMPLATE_CONTEXT = Context(autoescape=True)


def _text(value) -> str:
    """``{{ value }}``."""
    if type(value) is str:  # most names, types and labels: what the template does to them, directly
        return html.escape(value)
    return render_value_in_context(value, _TEMPLATE_CONTEXT)


def _string_s(value) -> str:
    """``{{ value|stringformat:'s' }}``: not localised, and escaped unless the value is already safe."""
    if type(value) is str:
        return html.escape(value)
    if type(value) is int:  # ids of model choices: digits need no escaping
        return str(value)
    if isinstance(value, tuple):
        value = str(value)
    try:
        formatted = "%s" % value  # noqa: UP031 -- exactly what the stringformat filter does
    except (ValueError, TypeError):
        formatted = ""
    return formatted if isinstance(value, SafeData) else escape(formatted)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_string_s(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_string_s(widget["value"])}"'
    name = _text(widget["name"])
    return f'<input type="{_text(widget["type"])}" name="{name}"{value}{_attrs(widget["attrs"])}>'


def _textarea(widget: dict) -> str:
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _option(option: dict) -> str:
    value, label = _string_s(option["value"]), _text(option["label"])
    # select_option.html ends with a newline, which the include keeps.
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'


def _select(widget: dict) -> str:
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        parts.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _plain_select(widget: forms.Select, name: str, value, attrs: dict) -> str:
    """``_select(widget.get_context(name, value, attrs)["widget"])`` for Django's own ``Select``,
    without an option dict (and a copy of its attrs) for each of its options."""
    values = widget.format_value(value)
    parts = [f'<select name="{_text(name)}"{_attrs(widget.build_attrs(widget.attrs, attrs))}>']
    has_selected = False
    for option_value, option_label in widget.choices:
        option_value = "" if option_value is None else option_value
        if isinstance(option_label, list | tuple):
            group_name, choices = option_value, option_label
        else:
            group_name, choices = None, ((option_value, option_label),)
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for choice_value, choice_label in choices:
            selected = not has_selected and str(choice_value) in values
            has_selected |= selected
            parts.append(
                f'\n  <option value="{_string_s(choice_value)}"{" selected" if selected else ""}>'
                f"{_text(choice_label)}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def renders_in_python(widget: forms.Widget) -> bool:
    """Whether ``render_widget`` draws this widget itself rather than through its template."""
    return (
        getattr(widget, "template_name", None) in PYTHON_TEMPLATES
        and type(widget).render is forms.Widget.render
        and type(widget)._render is forms.Widget._render
        and getattr(widget, "option_template_name", OPTION_TEMPLATE) == OPTION_TEMPLATE
    )


def render_widget(widget: forms.Widget, name: str, value, attrs: dict, renderer) -> SafeString:
    """``widget.render(name, value, attrs, renderer)``, without templates where they are Django's own."""
    if not renders_in_python(widget):
        return widget.render(name=name, value=value, attrs=attrs, renderer=renderer)
    if type(widget) is forms.Select:
        return mark_safe(_plain_select(widget, name, value, attrs).strip())  # noqa: S308
    context = widget.get_context(name, value, attrs)["widget"]
    if widget.template_name == TEXTAREA_TEMPLATE:
        html = _textarea(context)
    elif widget.template_name == SELECT_TEMPLATE:
        html = _select(context)
    else:
        html = _input(context)
    # Every value above is escaped as the templates escape it. The form renderer strips its output.
    return mark_safe(html.strip())  # noqa: S308
