"""The options of the authenticator pages' checkbox groups, written in Python.

The chooser alone draws 40-odd options; through ``{% for %}`` and a dozen ``{% if %}`` and variable
lookups each, they were most of its template time. The markup is what ``includes/checkboxes.html``
drew in that loop. Values are escaped as the template engine escapes them (``html.escape``, which
Django's ``escape`` calls, leaving safe strings alone), without ``format_html``'s lazy-string
wrappers, which cost as much as the loop they replace.
"""

import html

from django import template
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

UNCONFIRMED_TAG = ' <strong class="nhsuk-tag nhsuk-tag--orange">Unconfirmed</strong>'
LOCAL_TAG = ' <strong class="nhsuk-tag nhsuk-tag--grey">Added by you</strong>'
UNCONFIRMED_HINT = (
    ". Not confirmed: NHS England's pages suggest this but do not say it. Check with the supplier."
)


def _e(value) -> str:
    return value if isinstance(value, SafeData) else html.escape(str(value))


def _checkbox_item(name: str, option: dict) -> str:
    id_ = _e(option["id"])
    unconfirmed = option.get("unconfirmed", False)
    hint = option.get("hint", "")
    described = bool(hint or unconfirmed)
    describedby = f' aria-describedby="{id_}-hint"' if described else ""
    return (
        '<div class="nhsuk-checkboxes__item">\n'
        f'<input class="nhsuk-checkboxes__input" id="{id_}" name="{name}" type="checkbox" '
        f'value="{_e(option["value"])}"{" checked" if option.get("checked") else ""}'
        f"{describedby}>\n"
        f'<label class="nhsuk-label nhsuk-checkboxes__label" for="{id_}">{_e(option["label"])}'
        f"{UNCONFIRMED_TAG if unconfirmed else ''}{LOCAL_TAG if option.get('local') else ''}</label>\n"
        + (
            f'<div class="nhsuk-hint nhsuk-checkboxes__hint" id="{id_}-hint">{_e(hint)}'
            f"{UNCONFIRMED_HINT if unconfirmed else ''}</div>\n"
            if described
            else ""
        )
        + "</div>"
    )


@register.filter
def checkbox_items(options, name):
    """``{{ options|checkbox_items:name }}``: the ``nhsuk-checkboxes__item`` divs of a checkbox group,
    from ``presentation.checkbox_options``-style dicts."""
    name = _e(name)
    return mark_safe("\n".join(_checkbox_item(name, option) for option in options))  # noqa: S308
