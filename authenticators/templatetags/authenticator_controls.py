"""The authenticator pages' checkbox groups and the chooser's list of authenticators, written in Python.

The chooser alone draws 40-odd options; through ``{% for %}`` and a dozen ``{% if %}`` and variable
lookups each, they were most of its template time. The markup is what the templates drew
(``tests/authenticators/test_chooser_markup.py`` and ``test_plan_page_markup.py`` compare the pages
with them). Values are escaped as the template engine escapes them (``html.escape``, which
Django's ``escape`` calls, leaving safe strings alone), without ``format_html``'s lazy-string
wrappers, which cost as much as the loop they replace.
"""

import html

from django import template
from django.utils.safestring import SafeData, mark_safe
from django.utils.text import slugify

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


@register.simple_tag
def checkbox_group(name, legend, options, errors=None, hint="", legend_class=""):
    """``{% checkbox_group name legend options errors=... hint=... legend_class=... %}``: a checkbox
    group in an NHS.UK fieldset, with its legend, optional hint and error messages, and the options
    of ``checkbox_items``. It was an include, which cost the chooser (three groups) as much as the
    forty options in them."""
    name = _e(name)
    hint_id = f"{name}-{slugify(legend)}-hint"
    described = (hint_id if hint else "") + (f" {name}-error" if errors else "")
    described = f' aria-describedby="{described}"' if described else ""
    legend_class = _e(legend_class) if legend_class else "nhsuk-fieldset__legend--s"
    hint = f'<div class="nhsuk-hint" id="{hint_id}">{_e(hint)}</div>' if hint else ""
    if errors:
        messages = "<br>".join(f'<span class="nhsuk-u-visually-hidden">Error:</span> {_e(e)}' for e in errors)
        errors = f'<span class="nhsuk-error-message" id="{name}-error">{messages}</span>'
    group_class = "nhsuk-form-group nhsuk-form-group--error" if errors else "nhsuk-form-group"
    return mark_safe(  # noqa: S308 -- every value is escaped
        f'\n<div class="{group_class}">\n'
        f'  <fieldset class="nhsuk-fieldset"{described}>\n'
        f'    <legend class="nhsuk-fieldset__legend {legend_class}">{_e(legend)}</legend>\n'
        f"    {hint}\n    {errors or ''}\n"
        '    <div class="nhsuk-checkboxes" data-module="nhsuk-checkboxes">\n'
        f"      {checkbox_items(options, name)}\n"
        "    </div>\n  </fieldset>\n</div>\n"
    )


def _authenticator_details(facts: dict) -> str:
    links = "".join(f'<li><a href="{_e(link["url"])}">{_e(link["text"])}</a></li>' for link in facts["links"])
    rows = (
        ("Assurance level", _e(facts["aal_display"])),
        ("Works with CIS1", "Yes, over HSCN" if facts["cis1_supported"] else "No"),
        ("Who issues it", _e(facts["issued_by"])),
        ("Cost", _e(facts["cost_notes"]) if facts["cost_notes"] else "Not stated in the sources"),
        ("Notes", _e(facts["notes"])),
        ("Sources", f'<ul class="nhsuk-list">{links}</ul>'),
    )
    return (
        '\n<details class="nhsuk-details">\n'
        '  <summary class="nhsuk-details__summary"><span class="nhsuk-details__summary-text">'
        f"{_e(facts['label'])} ({_e(facts['aal'])})</span></summary>\n"
        '  <div class="nhsuk-details__text">\n    <dl class="nhsuk-summary-list">\n'
        + "".join(
            f'      <div class="nhsuk-summary-list__row"><dt class="nhsuk-summary-list__key">{key}</dt>'
            f'<dd class="nhsuk-summary-list__value">{value}</dd></div>\n'
            for key, value in rows
        )
        + "    </dl>\n  </div>\n</details>\n"
    )


@register.filter
def authenticator_details(authenticators):
    """``{{ catalogue_authenticators|authenticator_details }}``: an NHS.UK details element for each
    authenticator (``presentation.authenticator_facts``), saying what it is, who issues it, its cost
    and its sources."""
    return mark_safe("".join(_authenticator_details(facts) for facts in authenticators))  # noqa: S308
