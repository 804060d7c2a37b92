"""The pack draws each field in Python: the markup must be exactly what its template gave.

``reference_templates/nhsuk/`` keeps the template (and its two includes) as they were when the
fields moved to ``cis_portal/nhsuk_forms/field_html.py``; every case renders both ways.
"""

import itertools
from pathlib import Path

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context
from django.template.engine import Engine
from django.template.loader import get_template
from django.utils.functional import lazy
from django.utils.safestring import mark_safe

from cis_portal.nhsuk_forms import NHSDateField, NHSFormHelper, TelInput
from cis_portal.nhsuk_forms.field_html import render_field

from .test_nhsuk_forms import VALID_DATA, EveryWidgetForm, render

lazy_text = lazy(lambda text: text, str)

REFERENCE = Engine(
    dirs=[str(Path(__file__).parent / "reference_templates")],
    libraries={"nhsuk": "cis_portal.nhsuk_forms.tags"},
    autoescape=True,
).get_template("nhsuk/field.html")


class EdgeCasesForm(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    lazy_label = forms.CharField(label=lazy_text("Name & <title>"), help_text=lazy_text("A <b>lazy</b> hint"))
    no_label = forms.CharField(label="", required=False)
    safe_label = forms.CharField(label=mark_safe("<abbr>ODS</abbr> code"), required=False)
    counted = forms.CharField(widget=forms.Textarea(attrs={"maxlength": 1200}), required=False)
    long_count = forms.CharField(widget=forms.Textarea, max_length=12000, help_text="Hint", required=False)
    plain_text = forms.CharField(widget=forms.Textarea, required=False)
    inline = forms.ChoiceField(
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        choices=[(1, "One & only"), (2, lazy_text("Two <2>"))],
    )
    grouped_checks = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple,
        choices=[("a", "A"), ("b", mark_safe("<i>B</i>"))],
        required=False,
        disabled=True,
    )
    consent = forms.BooleanField(label="I agree", required=True)
    moment = forms.SplitDateTimeField(label="When", required=False, help_text="Date and time")
    version = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    tracked = forms.CharField(initial="before", show_hidden_initial=True, widget=forms.HiddenInput)
    phone = forms.CharField(widget=TelInput(attrs={"class": "nhsuk-input--width-20"}), required=False)
    upload = forms.FileField(required=False)
    born = NHSDateField(label="Date of birth", required=False)


EDGE_DATA = {
    "no_label": "x",
    "counted": "<script>",
    "long_count": "y" * 12001,
    "inline": "3",
    "grouped_checks": ["a"],
    "moment_0": "not a date",
    "version": "three",
    "born_day": "40",
    "born_month": "2",
    "born_year": "2020",
}


def _error_form():
    form = EdgeCasesForm(data=EDGE_DATA, files={"upload": SimpleUploadedFile("a.pdf", b"%PDF")})
    form.is_valid()
    form.add_error("lazy_label", lazy_text("Enter a name <not markup>"))
    form.add_error("lazy_label", "And a second message & more")
    return form


FORMS = {
    "every widget, unbound": lambda: EveryWidgetForm(),
    "every widget, valid": lambda: EveryWidgetForm(data=VALID_DATA),
    "every widget, with errors": lambda: EveryWidgetForm(
        data={
            **VALID_DATA,
            "full_name": "",
            "role": "",
            "notes": "x" * 501,
            "email": "no",
            "needed_by_day": "x",
        }
    ),
    "edge cases, unbound": lambda: EdgeCasesForm(auto_id="field-%s"),
    "edge cases, with errors": _error_form,
    "edge cases, no ids": lambda: EdgeCasesForm(auto_id=False, data=EDGE_DATA),
}

# Every combination of the crispy options; a missing key is a variable the context does not have.
OPTION_VALUES = {
    "form_show_errors": [None, True, False],
    "form_show_labels": [None, True, False],
    "label_class": [None, "nhsuk-label--l nhsuk-u-margin-0"],
    "label_is_page_heading": [None, True],
    "wrapper_class": [None, 'extra "wrapped"'],
    "tag": [None, "section"],
}
OPTIONS = [
    {name: value for name, value in zip(OPTION_VALUES, values, strict=True) if value is not None}
    for values in itertools.product(*OPTION_VALUES.values())
]


@pytest.mark.parametrize("make_form", FORMS.values(), ids=FORMS.keys())
def test_python_field_markup_is_exactly_the_templates(make_form):
    form = make_form()
    form.is_valid()
    kinds_seen = set()
    for field in form:
        for options in OPTIONS:
            expected = REFERENCE.render(Context({**options, "field": field}))

            assert render_field(field, **options) == expected, (field.name, options)
        kinds_seen.add(type(field.field.widget).__name__)
    assert len(kinds_seen) >= 10


def test_python_field_markup_marks_errors_as_the_template_did():
    form = _error_form()

    html = render_field(form["lazy_label"], form_show_labels=True)

    group_classes = html.split('class="', 1)[1].split('"', 1)[0].split()
    assert group_classes[:2] == ["nhsuk-form-group", "nhsuk-form-group--error"]
    assert sorted(group_classes[2:]) == ["has-error", "required"]  # Django's order is a set's
    assert "Enter a name &lt;not markup&gt;<br>" in html
    assert 'aria-describedby="id_lazy_label-hint id_lazy_label-error"' in html


def test_the_field_template_and_the_crispy_filter_give_the_python_markup():
    """``uni_form.html`` calls the tag itself; ``nhsuk/field.html`` (layouts, formsets) calls it too."""
    form = _error_form()
    options = {"form_show_errors": True, "form_show_labels": True, "label_class": ""}

    whole_form = render("{{ form|crispy }}", form=form)

    for field in form:
        markup = render_field(field, **options)
        assert get_template("nhsuk/field.html").render({**options, "field": field}) == markup
        assert markup in whole_form
    assert whole_form.count('<div id="div_id_') == len(form.visible_fields()) == 13


@pytest.mark.parametrize("make_form", FORMS.values(), ids=FORMS.keys())
def test_the_nhsuk_field_filter_is_exactly_the_crispy_filter(make_form):
    form = make_form()
    form.is_valid()

    for field in form:
        expected = render("{{ field|as_crispy_field }}", field=field)

        assert render("{% load nhsuk %}{{ field|as_nhsuk_field }}", field=field) == expected, field.name


def test_the_nhsuk_field_filter_leaves_a_form_with_a_helper_to_crispy():
    form = EveryWidgetForm()
    form.helper = NHSFormHelper(form)
    form.helper.form_show_labels = False

    for field in form:
        expected = render("{{ field|as_crispy_field }}", field=field)

        assert render("{% load nhsuk %}{{ field|as_nhsuk_field }}", field=field) == expected, field.name
    assert "nhsuk-u-visually-hidden" in expected


def _non_field_errors_form(prefix=None):
    form = EveryWidgetForm(data={**VALID_DATA, "full_name": ""}, prefix=prefix)
    form.is_valid()
    form.add_error(None, "The whole form is wrong & <bad>")
    form.add_error(None, lazy_text("And again"))
    return form


@pytest.mark.parametrize(
    "make_form",
    [*FORMS.values(), _non_field_errors_form, lambda: _non_field_errors_form(prefix='p"x')],
    ids=[*FORMS.keys(), "non-field errors", "non-field errors, prefixed"],
)
def test_the_nhsuk_form_filter_is_exactly_the_crispy_filter(make_form):
    form = make_form()
    form.is_valid()

    expected = render("{{ form|crispy }}", form=form)

    assert render("{% load nhsuk %}{{ form|as_nhsuk_form }}", form=form) == expected
    assert ("-non-field-errors" in expected) == bool(form.non_field_errors())


class ChoicesForm(forms.Form):
    one = forms.ChoiceField(
        widget=forms.RadioSelect, choices=[(None, "None <0>"), (1, "One"), ("1", "One again")]
    )
    many = forms.MultipleChoiceField(
        widget=forms.CheckboxSelectMultiple(attrs={"id": "own-id", "disabled": True}),
        choices=[("a", "A"), ("b", lazy_text("B & b")), ("c", mark_safe("<i>C</i>"))],
    )
    grouped = forms.ChoiceField(widget=forms.RadioSelect, choices=[("Group", [("x", "X"), ("y", "Y")])])


@pytest.mark.parametrize(
    "form",
    [
        ChoicesForm(),
        ChoicesForm(initial={"one": 1, "many": ["a", "c"]}),
        ChoicesForm(data={"one": "1", "many": ["b", "nope"], "grouped": "y"}),
        ChoicesForm(auto_id=False, data={"many": ["a"]}),
    ],
)
def test_radios_and_checkboxes_drawn_without_bound_widgets_are_exactly_the_templates(form):
    form.is_valid()

    for field in form:
        for options in ({}, {"form_show_labels": True, "form_show_errors": True}):
            expected = REFERENCE.render(Context({**options, "field": field}))

            assert render_field(field, **options) == expected, field.name
