"""The pack draws Django's stock widgets in Python: the markup must be exactly Django's own."""

import datetime
import decimal
from pathlib import Path

import django
import pytest
from django import forms
from django.contrib.admin import widgets as admin_widgets
from django.forms.renderers import get_default_renderer
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from cis_portal.nhsuk_forms import NHSDateInput, TelInput, widget_html
from cis_portal.nhsuk_forms.tags import _as_widget
from cis_portal.nhsuk_forms.widget_html import render_widget, renders_in_python

from .test_nhsuk_forms import VALID_DATA, EveryWidgetForm, render

lazy_text = lazy(lambda text: text, str)

GROUPED_CHOICES = [
    ("", "Choose"),
    ("Regions", [("north", "North & East"), ("south", lazy_text("South <west>"))]),
    (3, 'Three "quoted"'),
    ("", [("blank-group", "In a group with no name")]),
]

CASES = [
    ("plain text, no value", forms.TextInput(), None, {"id": "id_a"}),
    ("text value to escape", forms.TextInput(), "O'Brien <b>&\"", {"id": "id_a", "class": "x y"}),
    ("safe text value", forms.TextInput(), mark_safe("<i>kept</i>"), {}),
    ("empty text value", forms.TextInput(), "", {}),
    (
        "attrs true false none int",
        forms.TextInput(attrs={"autocomplete": "name", "data-n": 5}),
        "v",
        {"required": True, "disabled": False, "data-none": None, "aria-describedby": "a b"},
    ),
    ("number", forms.NumberInput(), 12, {}),
    ("number localized decimal", forms.NumberInput(), decimal.Decimal("1234.50"), {}),
    ("email", forms.EmailInput(), "a@example.nhs.uk", {}),
    ("url", forms.URLInput(), "https://example.nhs.uk/?a=1&b=2", {}),
    ("password hides value", forms.PasswordInput(), "secret", {}),
    ("password shows value", forms.PasswordInput(render_value=True), "secret", {}),
    ("tel", TelInput(attrs={"autocomplete": "tel"}), "01632 960000", {}),
    ("search", forms.SearchInput(), "q", {}),
    ("hidden", forms.HiddenInput(), 7, {"id": "id_version"}),
    ("date", forms.DateInput(), datetime.date(2027, 3, 15), {}),
    ("date with format", forms.DateInput(format="%d/%m/%Y"), datetime.date(2027, 3, 15), {}),
    ("datetime", forms.DateTimeInput(), datetime.datetime(2027, 3, 15, 9, 30), {}),
    ("time", forms.TimeInput(), datetime.time(9, 30), {}),
    ("colour", forms.TextInput(attrs={"type": "color"}), "#ffffff", {}),
    ("file", forms.FileInput(), "ignored.pdf", {"accept": ".pdf"}),
    ("checkbox unchecked", forms.CheckboxInput(), False, {"id": "id_c"}),
    ("checkbox checked", forms.CheckboxInput(), True, {"id": "id_c"}),
    ("checkbox with value", forms.CheckboxInput(), "yes", {}),
    ("textarea empty", forms.Textarea(), None, {"id": "id_t"}),
    ("textarea blank", forms.Textarea(attrs={"rows": 5}), "", {}),
    ("textarea text", forms.Textarea(), "Line one\n<script>alert(1)</script> & more", {}),
    ("textarea leading newline", forms.Textarea(), "\n\nindented", {}),
    ("select", forms.Select(choices=[("", "Choose"), ("a", "A & B"), ("b", "B")]), "a", {"id": "id_s"}),
    ("select nothing chosen", forms.Select(choices=[("a", "A"), ("b", "B")]), None, {}),
    ("select grouped", forms.Select(choices=GROUPED_CHOICES), "south", {"class": "nhsuk-select"}),
    ("select int value", forms.Select(choices=[(1, "One"), (2, "Two")]), 2, {}),
    ("select multiple", forms.SelectMultiple(choices=GROUPED_CHOICES), ["north", "3"], {}),
    ("null boolean select", forms.NullBooleanSelect(), True, {}),
    ("select no choices", forms.Select(choices=[]), None, {}),
    (
        "select none values",
        forms.Select(choices=[(None, "Nothing"), ("Group", [(None, "None in a group"), ("x", "X")])]),
        "",
        {"id": "id_n"},
    ),
    ("select one of equal values", forms.Select(choices=[(1, "One"), ("1", "One again")]), "1", {}),
    (
        "select with own attrs",
        forms.Select(attrs={"class": "own", "disabled": True}, choices=[("a", "A")]),
        "a",
        {},
    ),
]


@pytest.mark.parametrize(
    ("widget", "value", "attrs"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_python_widget_markup_is_exactly_djangos(widget, value, attrs):
    renderer = get_default_renderer()
    assert renders_in_python(widget)

    drawn = render_widget(widget, "field_name", value, dict(attrs), renderer)

    assert drawn == widget.render("field_name", value, attrs=dict(attrs), renderer=renderer)


class OwnTemplateInput(forms.TextInput):
    template_name = "django/forms/widgets/input_option.html"


class OwnRenderInput(forms.TextInput):
    def render(self, name, value, attrs=None, renderer=None):
        return mark_safe("<custom>")


class OwnOptionSelect(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


@pytest.mark.parametrize(
    "widget",
    [
        NHSDateInput(),
        forms.RadioSelect(choices=[("a", "A")]),
        forms.CheckboxSelectMultiple(choices=[("a", "A")]),
        forms.ClearableFileInput(),
        forms.SplitDateTimeWidget(),
        admin_widgets.AdminSplitDateTime(),
        OwnTemplateInput(),
        OwnRenderInput(),
        OwnOptionSelect(choices=[("a", "A")]),
    ],
    ids=lambda widget: type(widget).__name__,
)
def test_other_widgets_still_render_through_django(widget):
    renderer = get_default_renderer()
    assert not renders_in_python(widget)

    assert render_widget(widget, "f", None, {}, renderer) == widget.render(
        "f", None, attrs={}, renderer=renderer
    )


def test_the_stock_widget_templates_are_djangos_own():
    """A project override of one of these would be ignored by the Python copy: there must be none."""
    django_templates = Path(django.__file__).parent / "forms" / "templates"
    for name in [*widget_html.PYTHON_TEMPLATES, widget_html.OPTION_TEMPLATE]:
        origin = Path(get_template(name).origin.name)
        assert origin.is_relative_to(django_templates), f"{name} is overridden at {origin}"


@pytest.mark.parametrize(
    "form",
    [
        EveryWidgetForm(),
        EveryWidgetForm(data=VALID_DATA),
        EveryWidgetForm(data={**VALID_DATA, "full_name": "", "role": "", "notes": "x" * 501, "email": "no"}),
    ],
    ids=["unbound", "valid", "with errors"],
)
def test_pack_markup_is_the_same_as_through_djangos_templates(form, monkeypatch):
    form.is_valid()
    drawn = render("{{ form|crispy }}", form=form)

    monkeypatch.setattr(widget_html, "renders_in_python", lambda widget: False)
    through_templates = render("{{ form|crispy }}", form=form)

    assert drawn == through_templates


class HiddenFieldsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    tracked = forms.CharField(initial="before", show_hidden_initial=True, widget=forms.HiddenInput)


def test_pack_hidden_fields_are_djangos_own_markup():
    form = HiddenFieldsForm()

    html = render("{{ form|crispy }}", form=form)

    assert str(form["version"]) == '<input type="hidden" name="version" value="3" id="id_version">'
    assert str(form["version"]) in html
    assert 'name="initial-tracked"' in str(form["tracked"])
    assert str(form["tracked"]) in html


@pytest.mark.parametrize("data", [None, VALID_DATA, {**VALID_DATA, "full_name": "", "notes": "<b>&</b>"}])
def test_pack_widget_call_gives_what_boundfield_as_widget_gives(data):
    form = EveryWidgetForm(data=data)
    form.is_valid()
    for field in form:
        attrs = {"class": "nhsuk-input", "aria-describedby": f"{field.auto_id}-hint"}

        assert _as_widget(field, attrs=dict(attrs)) == field.as_widget(attrs=dict(attrs)), field.name
        assert _as_widget(field) == field.as_widget(), field.name
