"""The checkbox and radio options the authenticator pages draw through ``authenticator_controls``."""

from django.template import Context, Template

CHECKBOXES = Template("{% load authenticator_controls %}{{ options|checkbox_items:'applications' }}")


def test_checkbox_items_escape_user_entered_names_and_values():
    option = {
        "value": 'x"><script>',
        "label": "<b>Ours</b> & co",
        "hint": "<i>",
        "checked": True,
        "id": "id_a_0",
    }

    html = CHECKBOXES.render(Context({"options": [option]}))

    for raw in ("<script>", "<b>", "<i>"):
        assert raw not in html
    assert 'value="x&quot;&gt;&lt;script&gt;" checked aria-describedby="id_a_0-hint">' in html
    assert ">&lt;b&gt;Ours&lt;/b&gt; &amp; co</label>" in html
    assert '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="id_a_0-hint">&lt;i&gt;</div>' in html


def test_checkbox_items_mark_unconfirmed_and_local_options_and_leave_the_rest_plain():
    options = [
        {
            "value": "a",
            "label": "A",
            "hint": "",
            "unconfirmed": True,
            "local": True,
            "checked": False,
            "id": "id_a",
        },
        {"value": "b", "label": "B", "checked": False, "id": "id_b"},
    ]

    html = CHECKBOXES.render(Context({"options": options}))

    assert html.count('<div class="nhsuk-checkboxes__item">') == 2
    assert (
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_a">A'
        ' <strong class="nhsuk-tag nhsuk-tag--orange">Unconfirmed</strong>'
        ' <strong class="nhsuk-tag nhsuk-tag--grey">Added by you</strong></label>'
    ) in html
    assert "NHS England's pages suggest this but do not say it." in html
    assert 'id="id_b" name="applications" type="checkbox" value="b">' in html
    assert 'id="id_b-hint"' not in html
