from django import forms

from cis_portal.nhsuk_forms import NHSDateField, SingleLineCharField, TelInput
from organisations.models import RAProvider

from .models import HelpNeeded


class RARequestForm(forms.Form):
    # Made once per form shown (see the create view): posting the same form twice sends one request.
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, required=False)
    help_needed = forms.MultipleChoiceField(
        label="What help does your organisation need?",
        help_text="Select all that apply.",
        choices=HelpNeeded.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select the help your organisation needs"},
    )
    staff_affected = forms.IntegerField(
        label="How many staff are affected?",
        min_value=1,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many staff are affected",
            "invalid": "Number of staff affected must be a whole number, like 12",
            "min_value": "Number of staff affected must be 1 or more",
            "max_value": "Number of staff affected must be 100,000 or fewer",
        },
    )
    needed_by = NHSDateField(
        label="Date needed by",
        help_text="For example, 27 3 2027",
        allow_past=False,
        error_messages={"required": "Enter the date you need help by"},
    )
    contact_name = SingleLineCharField(
        label="Contact name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter a contact name"},
    )
    contact_phone = SingleLineCharField(
        label="Contact phone number",
        max_length=40,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        error_messages={"required": "Enter a contact phone number"},
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "required": "Enter a contact email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
    )
    already_tried = forms.CharField(
        label="What has your organisation already tried?",
        help_text="For example, who you have contacted and what they said, or self-service you have tried.",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Tell us what your organisation has already tried"},
    )
    charge_acknowledged = forms.BooleanField(
        label="I understand that whoever provides RA support may charge my organisation for it",
        error_messages={"required": "Confirm that you understand RA support may be charged for"},
    )


class ChooseICBForm(forms.Form):
    icb = forms.ModelChoiceField(
        label="Which ICB does your organisation now belong to?",
        queryset=RAProvider.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select the ICB your organisation now belongs to"},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = RAProvider.objects.filter(pk__in=[c.pk for c in choices]).order_by(
            "name"
        )


class CommentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)

    def __init__(self, *args, label, required_message, hint="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = label
        self.fields["comment"].help_text = hint
        self.fields["comment"].error_messages["required"] = required_message


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
