"""The options of the authenticator pages' checkbox and radio groups, written in Python.

The chooser alone draws 40-odd options; through ``{% for %}`` and a dozen ``{% if %}`` and variable
lookups each, they were most of its template time. The markup is the same as the include templates
(``includes/checkboxes.html``, ``includes/radios.html``) drew; every value is escaped by ``format_html``.
"""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

CHECKED = SafeString(" checked")
UNCONFIRMED_TAG = SafeString(' <strong class="nhsuk-tag nhsuk-tag--orange">Unconfirmed</strong>')
LOCAL_TAG = SafeString(' <strong class="nhsuk-tag nhsuk-tag--grey">Added by you</strong>')
UNCONFIRMED_HINT = SafeString(
    ". Not confirmed: NHS England's pages suggest this but do not say it. Check with the supplier."
)


def _checkbox_item(name: str, option: dict) -> str:
    unconfirmed = option.get("unconfirmed", False)
    hint = option.get("hint", "")
    described = bool(hint or unconfirmed)
    return format_html(
        '<div class="nhsuk-checkboxes__item">\n'
        '<input class="nhsuk-checkboxes__input" id="{id}" name="{name}" type="checkbox" '
        'value="{value}"{checked}{describedby}>\n'
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="{id}">{label}{unconfirmed}{local}</label>\n'
        "{hint}\n"
        "</div>",
        id=option["id"],
        name=name,
        value=option["value"],
        checked=CHECKED if option.get("checked") else "",
        describedby=format_html(' aria-describedby="{}-hint"', option["id"]) if described else "",
        label=option["label"],
        unconfirmed=UNCONFIRMED_TAG if unconfirmed else "",
        local=LOCAL_TAG if option.get("local") else "",
        hint=format_html(
            '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="{}-hint">{}{}</div>',
            option["id"],
            hint,
            UNCONFIRMED_HINT if unconfirmed else "",
        )
        if described
        else "",
    )


@register.filter
def checkbox_items(options, name):
    """``{{ options|checkbox_items:name }}``: the ``nhsuk-checkboxes__item`` divs of a checkbox group,
    from ``presentation.checkbox_options``-style dicts."""
    # Every item comes from format_html, which escaped its values.
    return mark_safe("\n".join(_checkbox_item(name, option) for option in options))  # noqa: S308


@register.filter
def radio_items(group):
    """``{{ group|radio_items }}``: the ``nhsuk-radios__item`` divs of a ``presentation.radio_group``."""
    return format_html_join(
        "\n",
        '<div class="nhsuk-radios__item">\n'
        '<input class="nhsuk-radios__input" id="{}" name="{}" type="radio" value="{}"{}>\n'
        '<label class="nhsuk-label nhsuk-radios__label" for="{}">{}</label>\n'
        "</div>",
        (
            (
                option["id"],
                group["name"],
                option["value"],
                CHECKED if option["checked"] else "",
                option["id"],
                option["label"],
            )
            for option in group["options"]
        ),
    )
