from django import forms

from cis_portal.nhsuk_forms import SingleLineCharField
from organisations.directory_entries import EntryState
from organisations.models import RAProvider


class HealthFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", choices=[("", "Any state"), *EntryState.choices], required=False)
    kind = forms.ChoiceField(
        label="Kind of provider", choices=[("", "Any kind"), *RAProvider.Kind.choices], required=False
    )
    region = forms.ChoiceField(label="NHS England region", required=False)

    def __init__(self, *args, regions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Any region"), *[(region, region) for region in regions]]


class InviteRATeamMemberForm(forms.Form):
    provider = forms.ModelChoiceField(
        label="RA provider",
        queryset=RAProvider.objects.active(),
        empty_label="Choose a provider",
        error_messages={
            "required": "Choose the RA provider",
            "invalid_choice": "Choose an RA provider from the list",
        },
    )
    first_name = SingleLineCharField(
        label="First name", max_length=150, error_messages={"required": "Enter their first name"}
    )
    last_name = SingleLineCharField(
        label="Last name", max_length=150, error_messages={"required": "Enter their last name"}
    )
    email = forms.EmailField(
        label="Work email address",
        error_messages={
            "required": "Enter their work email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
    )
