"""The nhsuk crispy template pack, the error summary include and the NHS date field."""

import datetime

import pytest
from crispy_forms.layout import HTML, Button, Div, Fieldset, Layout, Submit
from django import forms
from django.template import Context, Template
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from cis_portal.nhsuk_forms import NHSDateField, NHSFormHelper, TelInput

from .html import attrs_of, classes_of, elements

TITLE_SUFFIX = "\N{EN DASH} CIS onboarding portal"

pytestmark = pytest.mark.urls("tests.ui.urls")


class EveryWidgetForm(forms.Form):
    full_name = forms.CharField(label="Full name", help_text="As it appears on your smartcard")
    email = forms.EmailField(label="Email address")
    staff_affected = forms.IntegerField(label="Staff affected")
    password = forms.CharField(label="Password", widget=forms.PasswordInput)
    phone = forms.CharField(label="Phone number", widget=TelInput)
    website = forms.URLField(label="Website", required=False, assume_scheme="https")
    notes = forms.CharField(
        label="What have you tried", widget=forms.Textarea, max_length=500, required=False
    )
    role = forms.ChoiceField(label="Role", choices=[("", "Choose a role"), ("admin", "Admin"), ("it", "IT")])
    help_needed = forms.ChoiceField(
        label="What do you need help with?",
        widget=forms.RadioSelect,
        choices=[("smartcards", "Smartcards"), ("roles", "Roles")],
        help_text="Choose one",
    )
    authenticators = forms.MultipleChoiceField(
        label="Which authenticators do you use?",
        widget=forms.CheckboxSelectMultiple,
        choices=[("smartcard", "Smartcard"), ("windows_hello", "Windows Hello for Business")],
    )
    charge_acknowledged = forms.BooleanField(
        label="I understand a charge may apply", help_text="Your ICB will confirm the amount"
    )
    evidence = forms.FileField(label="Upload evidence", required=False)
    needed_by = NHSDateField(label="Date needed by", help_text="For example, 15 3 2027", allow_past=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == "it" and not cleaned.get("email", "").endswith(".nhs.uk"):
            raise forms.ValidationError("IT leads must use an nhs.uk email address")
        return cleaned


VALID_DATA = {
    "full_name": "Sam Patel",
    "email": "sam@example.nhs.uk",
    "staff_affected": "4",
    "password": "a long secret phrase",
    "phone": "01632 960000",
    "role": "admin",
    "help_needed": "roles",
    "authenticators": ["smartcard"],
    "charge_acknowledged": "on",
    "needed_by_day": "1",
    "needed_by_month": "1",
    "needed_by_year": str(timezone.localdate().year + 1),
}


def render(template: str, **context) -> str:
    return Template("{% load crispy_forms_tags %}" + template).render(Context(context))


def render_crispy(form) -> str:
    form.helper = NHSFormHelper(form, submit_text="Save and continue")
    return render("{% crispy form %}", form=form)


def test_pack_text_input_label_and_hint_are_tied_to_the_input():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    assertInHTML('<label class="nhsuk-label" for="id_full_name">Full name</label>', html)
    assertInHTML('<div class="nhsuk-hint" id="id_full_name-hint">As it appears on your smartcard</div>', html)
    assert attrs_of(html, "id_full_name")["aria-describedby"] == "id_full_name-hint"
    assert classes_of(html, "id_full_name") == {"nhsuk-input"}
    assert "nhsuk-form-group--error" not in html


def test_pack_inputs_get_types_and_width_classes():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    expected = {
        "id_email": ("email", "nhsuk-input--width-30"),
        "id_staff_affected": ("number", "nhsuk-input--width-5"),
        "id_password": ("password", "nhsuk-input--width-20"),
        "id_phone": ("tel", "nhsuk-input--width-20"),
        "id_website": ("url", "nhsuk-input--width-30"),
    }
    for element_id, (input_type, width) in expected.items():
        assert attrs_of(html, element_id)["type"] == input_type
        assert classes_of(html, element_id) == {"nhsuk-input", width}


def test_pack_keeps_a_width_class_set_on_the_widget():
    class ShortForm(forms.Form):
        ods_code = forms.CharField(
            label="ODS code", widget=forms.TextInput(attrs={"class": "nhsuk-input--width-10"})
        )

    html = render("{{ form|crispy }}", form=ShortForm())

    assert classes_of(html, "id_ods_code") == {"nhsuk-input", "nhsuk-input--width-10"}


def test_pack_field_with_error_shows_message_and_links_it_with_aria_describedby():
    form = EveryWidgetForm(data={**VALID_DATA, "full_name": ""})
    assert not form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assert classes_of(html, "div_id_full_name") == {"nhsuk-form-group", "nhsuk-form-group--error"}
    assertInHTML(
        '<span class="nhsuk-error-message" id="id_full_name-error">'
        '<span class="nhsuk-u-visually-hidden">Error: </span>This field is required.</span>',
        html,
    )
    full_name = attrs_of(html, "id_full_name")
    assert full_name["aria-describedby"] == "id_full_name-hint id_full_name-error"
    assert set(full_name["class"].split()) == {"nhsuk-input", "nhsuk-input--error"}
    assert "nhsuk-input--error" not in attrs_of(html, "id_email")["class"]


def test_pack_radios_are_a_fieldset_with_legend_hint_and_labelled_options():
    form = EveryWidgetForm(data={**VALID_DATA, "help_needed": ""})
    form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assertInHTML('<legend class="nhsuk-fieldset__legend">What do you need help with?</legend>', html)
    fieldsets = [attrs for _, attrs in elements(html, "fieldset")]
    assert {
        "class": "nhsuk-fieldset",
        "aria-describedby": "id_help_needed-hint id_help_needed-error",
    } in fieldsets
    assertInHTML(
        '<div class="nhsuk-radios__item">'
        '<input class="nhsuk-radios__input" id="id_help_needed_0" name="help_needed" type="radio"'
        ' value="smartcards">'
        '<label class="nhsuk-label nhsuk-radios__label" for="id_help_needed_0">Smartcards</label></div>',
        html,
    )
    assert attrs_of(html, "id_help_needed_1")["value"] == "roles"


def test_pack_radios_keep_the_chosen_option_checked():
    form = EveryWidgetForm(data={**VALID_DATA, "full_name": ""})
    form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assert "checked" in attrs_of(html, "id_help_needed_1")
    assert "checked" not in attrs_of(html, "id_help_needed_0")


def test_pack_checkboxes_are_a_fieldset_with_legend_and_labelled_options():
    form = EveryWidgetForm(data={**VALID_DATA, "authenticators": []})
    form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assertInHTML('<legend class="nhsuk-fieldset__legend">Which authenticators do you use?</legend>', html)
    assertInHTML(
        '<div class="nhsuk-checkboxes__item">'
        '<input class="nhsuk-checkboxes__input" id="id_authenticators_1" name="authenticators"'
        ' type="checkbox"'
        ' value="windows_hello">'
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_authenticators_1">'
        "Windows Hello for Business</label></div>",
        html,
    )
    fieldsets = [attrs for _, attrs in elements(html, "fieldset")]
    assert {"class": "nhsuk-fieldset", "aria-describedby": "id_authenticators-error"} in fieldsets


def test_pack_single_boolean_is_one_checkbox_with_its_hint():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    checkbox = attrs_of(html, "id_charge_acknowledged")
    assert checkbox["type"] == "checkbox"
    assert checkbox["class"] == "nhsuk-checkboxes__input"
    assert checkbox["aria-describedby"] == "id_charge_acknowledged-hint"
    assertInHTML(
        '<label class="nhsuk-label nhsuk-checkboxes__label" for="id_charge_acknowledged">'
        "I understand a charge may apply</label>",
        html,
    )
    assertInHTML(
        '<div class="nhsuk-hint nhsuk-checkboxes__hint" id="id_charge_acknowledged-hint">'
        "Your ICB will confirm the amount</div>",
        html,
    )


def test_pack_textarea_with_max_length_gets_a_character_count_without_a_hard_limit():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    wrapper = attrs_of(html, "div_id_notes")
    assert wrapper["data-module"] == "nhsuk-character-count"
    assert wrapper["data-maxlength"] == "500"
    textarea = attrs_of(html, "id_notes")
    assert set(textarea["class"].split()) == {"nhsuk-textarea", "nhsuk-js-character-count"}
    assert textarea["aria-describedby"] == "id_notes-info"
    assert "maxlength" not in textarea
    assertInHTML(
        '<div class="nhsuk-hint nhsuk-character-count__message" id="id_notes-info">'
        "You can enter up to 500 characters</div>",
        html,
    )


def test_pack_select_and_file_input_use_nhs_classes():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    assert classes_of(html, "id_role") == {"nhsuk-select"}
    assertInHTML('<label class="nhsuk-label" for="id_role">Role</label>', html)
    assert classes_of(html, "id_evidence") == {"nhsuk-file-upload__input"}
    assert attrs_of(html, "div_id_evidence")["data-module"] == "nhsuk-file-upload"


def test_pack_date_input_is_a_group_of_three_labelled_boxes():
    html = render(
        "{{ form|crispy }}", form=EveryWidgetForm(initial={"needed_by": datetime.date(2027, 3, 15)})
    )

    fieldsets = [attrs for _, attrs in elements(html, "fieldset")]
    assert {"class": "nhsuk-fieldset", "role": "group", "aria-describedby": "id_needed_by-hint"} in fieldsets
    assertInHTML('<legend class="nhsuk-fieldset__legend">Date needed by</legend>', html)
    for part, value, width in (("day", "15", "2"), ("month", "3", "2"), ("year", "2027", "4")):
        box = attrs_of(html, f"id_needed_by_{part}")
        assert box["name"] == f"needed_by_{part}"
        assert box["value"] == value
        assert box["inputmode"] == "numeric"
        assert set(box["class"].split()) == {
            "nhsuk-input",
            "nhsuk-date-input__input",
            f"nhsuk-input--width-{width}",
        }
        assertInHTML(
            f'<label class="nhsuk-label nhsuk-date-input__label" for="id_needed_by_{part}">'
            f"{part.capitalize()}</label>",
            html,
        )


def test_pack_date_input_outlines_only_the_missing_box():
    form = EveryWidgetForm(data={**VALID_DATA, "needed_by_month": ""})
    form.is_valid()

    html = render("{{ form|crispy }}", form=form)

    assert "nhsuk-input--error" in classes_of(html, "id_needed_by_month")
    assert "nhsuk-input--error" not in classes_of(html, "id_needed_by_day")
    assert "nhsuk-input--error" not in classes_of(html, "id_needed_by_year")
    assert attrs_of(html, "id_needed_by_day")["value"] == "1"


def test_pack_crispy_tag_renders_form_with_csrf_novalidate_and_button():
    form = EveryWidgetForm()

    html = render_crispy(form)

    form_attrs = attrs_of(html.replace("<form", '<form id="the-form"', 1), "the-form")
    assert form_attrs["method"] == "post"
    assert "novalidate" in form_attrs
    assert form_attrs["enctype"] == "multipart/form-data"
    assertInHTML(
        '<button type="submit" class="nhsuk-button" data-module="nhsuk-button" name="submit"'
        ' value="Save and continue" id="submit-id-submit">Save and continue</button>',
        html,
    )


def test_pack_renders_layout_objects():
    class DetailsForm(forms.Form):
        contact_name = forms.CharField(label="Contact name")
        contact_phone = forms.CharField(label="Contact phone", widget=TelInput)

    form = DetailsForm()
    form.helper = NHSFormHelper(form, submit_text=None)
    form.helper.layout = Layout(
        Fieldset("Who should the RA team contact?", "contact_name", css_class="app-contact"),
        Div("contact_phone", HTML("<p class='nhsuk-body'>We only call in working hours</p>"), css_id="extra"),
        Submit("save", "Save"),
        Button("cancel", "Cancel"),
    )

    html = render("{% crispy form %}", form=form)

    assertInHTML(
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">'
        "Who should the RA team contact?</legend>",
        html,
    )
    assert classes_of(html, "div_id_contact_name") == {"nhsuk-form-group"}
    assert {"class": "nhsuk-fieldset app-contact"} in [attrs for _, attrs in elements(html, "fieldset")]
    assertInHTML('<p class="nhsuk-body">We only call in working hours</p>', html)
    assert attrs_of(html, "id_contact_phone")["type"] == "tel"
    assertInHTML(
        '<button type="submit" class="nhsuk-button" data-module="nhsuk-button" name="save" value="Save"'
        ' id="submit-id-save">Save</button>',
        html,
    )
    assertInHTML(
        '<button type="button" class="nhsuk-button nhsuk-button--secondary" data-module="nhsuk-button"'
        ' name="cancel" value="Cancel" id="button-id-cancel">Cancel</button>',
        html,
    )


def test_pack_crispy_filter_renders_fields_without_a_form_tag():
    html = render("{{ form|crispy }}", form=EveryWidgetForm())

    assert "<form" not in html
    assert "<button" not in html
    assert attrs_of(html, "id_full_name")["name"] == "full_name"


def test_pack_shows_non_field_errors_inside_the_form():
    form = EveryWidgetForm(data={**VALID_DATA, "role": "it", "email": "sam@example.org"})
    form.is_valid()

    html = render_crispy(form)

    assertInHTML(
        '<span class="nhsuk-error-message" id="form-non-field-errors">'
        '<span class="nhsuk-u-visually-hidden">Error: </span>'
        "IT leads must use an nhs.uk email address</span>",
        html,
    )


# --- Error summary ----------------------------------------------------------------------------


def summary_links(html: str) -> list[tuple[str, str]]:
    """(href, text) of each link in the error summary, in order."""
    start = html.index("nhsuk-error-summary__list")
    end = html.index("</ul>", start)
    section = html[start:end]
    hrefs = [attrs["href"] for _, attrs in elements(section, "a")]
    texts = [chunk.split("</a>")[0].split(">", 1)[1] for chunk in section.split("<a ")[1:]]
    return list(zip(hrefs, texts, strict=True))


def test_error_summary_lists_non_field_errors_first_then_each_field_linking_to_its_input():
    form = EveryWidgetForm(
        data={
            **VALID_DATA,
            "role": "it",
            "email": "sam@example.org",
            "help_needed": "",
            "authenticators": [],
            "needed_by_day": "",
            "staff_affected": "",
        }
    )
    form.is_valid()

    html = render('{% include "includes/error_summary.html" with form=form %}', form=form)

    assert summary_links(html) == [
        ("#id_full_name", "IT leads must use an nhs.uk email address"),
        ("#id_staff_affected", "This field is required."),
        ("#id_help_needed_0", "This field is required."),
        ("#id_authenticators_0", "This field is required."),
        ("#id_needed_by_day", "Date needed by must include a day"),
    ]
    assertInHTML('<h2 class="nhsuk-error-summary__heading">There is a problem</h2>', html)
    root = attrs_of(html.replace('class="nhsuk-error-summary"', 'id="s" class="nhsuk-error-summary"'), "s")
    assert root["data-module"] == "nhsuk-error-summary"
    assert root["tabindex"] == "-1"
    assert '<div role="alert">' in html


def test_error_summary_renders_nothing_when_there_are_no_errors():
    html = render('{% include "includes/error_summary.html" with form=form %}', form=EveryWidgetForm())

    assert html.strip() == ""


def test_error_summary_accepts_a_list_of_forms_and_formsets():
    class StaffForm(forms.Form):
        full_name = forms.CharField(label="Full name")
        email = forms.EmailField(label="Email address", required=False)

    staff_formset_class = forms.formset_factory(StaffForm, extra=0)
    formset = staff_formset_class(
        data={
            "staff-TOTAL_FORMS": "2",
            "staff-INITIAL_FORMS": "0",
            "staff-0-full_name": "Ada",
            "staff-1-full_name": "",
            "staff-1-email": "bo@example.org",
        },
        prefix="staff",
    )
    form = EveryWidgetForm(data={**VALID_DATA, "phone": ""})
    form.is_valid()
    formset.is_valid()

    html = render('{% include "includes/error_summary.html" with forms=forms %}', forms=[form, formset])

    assert summary_links(html) == [
        ("#id_phone", "This field is required."),
        ("#id_staff-1-full_name", "This field is required."),
    ]


def test_page_title_gets_error_prefix_only_when_the_form_has_errors():
    page = '{% extends "base.html" %}{% block title %}Request RA help{% endblock %}'
    invalid = EveryWidgetForm(data={})
    invalid.is_valid()

    with_errors = Template(page).render(Context({"form": invalid}))
    without_errors = Template(page).render(Context({"form": EveryWidgetForm()}))

    assert f"<title>Error: Request RA help {TITLE_SUFFIX}</title>" in with_errors
    assert f"<title>Request RA help {TITLE_SUFFIX}</title>" in without_errors


# --- NHSDateField -----------------------------------------------------------------------------


class DateForm(forms.Form):
    needed_by = NHSDateField(label="Date needed by", allow_past=False)
    started_on = NHSDateField(required=False, allow_future=False)


def date_errors(day: str, month: str, year: str) -> list[str]:
    form = DateForm(data={"needed_by_day": day, "needed_by_month": month, "needed_by_year": year})
    form.is_valid()
    return form.errors.get("needed_by", [])


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("", "", "", "Enter date needed by"),
        ("3", "", "2027", "Date needed by must include a month"),
        ("", "4", "2027", "Date needed by must include a day"),
        ("3", "4", "", "Date needed by must include a year"),
        ("", "", "2027", "Date needed by must include a day and month"),
        ("3", "", "", "Date needed by must include a month and year"),
        ("31", "2", "2030", "Date needed by must be a real date"),
        ("3", "13", "2030", "Date needed by must be a real date"),
        ("3", "March", "2030", "Date needed by must be a real date"),
        ("3", "4", "30", "Date needed by year must include 4 numbers"),
        ("1", "1", "2020", "Date needed by must be today or in the future"),
    ],
)
def test_date_field_explains_what_is_wrong(day, month, year, message):
    assert date_errors(day, month, year) == [message]


def test_date_field_returns_the_date_and_accepts_today():
    today = timezone.localdate()
    form = DateForm(
        data={
            "needed_by_day": f" {today.day} ",
            "needed_by_month": f"{today.month:02d}",
            "needed_by_year": str(today.year),
        }
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"needed_by": today, "started_on": None}


def test_date_field_can_refuse_future_dates_and_names_itself_from_the_field():
    next_year = timezone.localdate().year + 1
    form = DateForm(
        data={
            "needed_by_day": "1",
            "needed_by_month": "1",
            "needed_by_year": str(next_year),
            "started_on_day": "1",
            "started_on_month": "1",
            "started_on_year": str(next_year),
        }
    )

    assert not form.is_valid()
    assert form.errors == {"started_on": ["Started on must be today or in the past"]}


def test_date_field_uses_a_custom_required_message():
    class CustomForm(forms.Form):
        go_live = NHSDateField(label="Go-live date", error_messages={"required": "Enter your go-live date"})

    form = CustomForm(data={})

    assert not form.is_valid()
    assert form.errors == {"go_live": ["Enter your go-live date"]}


def test_pack_crispy_tag_renders_a_formset_with_management_form_and_prefixed_ids():
    class StaffForm(forms.Form):
        full_name = forms.CharField(label="Full name")

    formset = forms.formset_factory(StaffForm, extra=2)(prefix="staff")
    helper = NHSFormHelper(submit_text="Save staff")

    html = render("{% crispy formset helper %}", formset=formset, helper=helper)

    assert attrs_of(html, "id_staff-TOTAL_FORMS")["value"] == "2"
    assertInHTML('<label class="nhsuk-label" for="id_staff-1-full_name">Full name</label>', html)
    assert classes_of(html, "id_staff-0-full_name") == {"nhsuk-input"}
    assert "Save staff</button>" in html


def test_error_summary_links_hidden_field_errors_to_the_first_visible_field():
    class StepForm(forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput)
        answer = forms.CharField(label="Answer")

    form = StepForm(data={"version": "x", "answer": "yes"})
    form.is_valid()

    html = render('{% include "includes/error_summary.html" with form=form %}', form=form)

    assert summary_links(html) == [("#id_answer", "Enter a whole number.")]


def test_pack_one_question_page_makes_the_legend_the_page_heading():
    class QuestionForm(forms.Form):
        has_ra_support = forms.ChoiceField(
            label="Do you already have RA support?",
            widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
            choices=[("yes", "Yes"), ("no", "No")],
        )

    form = QuestionForm()
    form.helper = NHSFormHelper(form, label_is_page_heading=True)
    form.helper.label_class = "nhsuk-label--l"

    html = render("{% crispy form %}", form=form)

    assertInHTML(
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">'
        '<h1 class="nhsuk-fieldset__heading">Do you already have RA support?</h1></legend>',
        html,
    )
    assert 'class="nhsuk-radios nhsuk-radios--inline"' in html


def test_pack_one_question_page_wraps_a_label_in_the_page_heading():
    class QuestionForm(forms.Form):
        staff_count = forms.IntegerField(label="How many staff need a Care Identity?")

    form = QuestionForm()
    form.helper = NHSFormHelper(form, label_is_page_heading=True)
    form.helper.label_class = "nhsuk-label--l"

    html = render("{% crispy form %}", form=form)

    assertInHTML(
        '<h1 class="nhsuk-label-wrapper"><label class="nhsuk-label nhsuk-label--l" for="id_staff_count">'
        "How many staff need a Care Identity?</label></h1>",
        html,
    )


def test_date_field_accepts_an_iso_date_string_from_stored_data():
    field = NHSDateField(label="Date needed by")

    assert field.clean("2027-03-15") == datetime.date(2027, 3, 15)
    with pytest.raises(forms.ValidationError, match="Date needed by must be a real date"):
        field.clean("2027-02-30")
