from django import forms

from cis_portal.nhsuk_forms import TelInput

from .models import RAProvider
from .validators import validate_single_line


class DirectoryEntryForm(forms.ModelForm):
    """What an RA team publishes about itself on the Find-your-RA pages."""

    ra_web_page = forms.URLField(
        label="Web page (optional)",
        required=False,
        assume_scheme="https",
        help_text="For example, https://www.example-icb.nhs.uk/registration-authority",
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://www.example.nhs.uk"
        },
    )

    class Meta:
        model = RAProvider
        fields = [
            "ra_contact_email",
            "ra_contact_phone",
            "ra_web_page",
            "ra_opening_hours",
            "ra_services_offered",
            "ra_services_not_offered",
            "ra_charging_note",
        ]
        labels = {
            "ra_contact_email": "Email address for RA requests",
            "ra_contact_phone": "Phone number (optional)",
            "ra_web_page": "Web page (optional)",
            "ra_opening_hours": "Opening hours (optional)",
            "ra_services_offered": "What your team supports (optional)",
            "ra_services_not_offered": "What your team does not support (optional)",
            "ra_charging_note": "Charges (optional)",
        }
        help_texts = {
            "ra_contact_email": "Requests from the organisations you support are emailed here. Use a team "
            "mailbox, not a personal address.",
            "ra_web_page": "For example, https://www.example-icb.nhs.uk/registration-authority",
            "ra_opening_hours": "For example, Monday to Friday, 9am to 5pm",
            "ra_services_offered": "For example, new smartcards, unlocks and role changes.",
            "ra_charging_note": "Say whether you charge, and for what. Leave empty if you do not charge.",
        }
        widgets = {
            "ra_contact_email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "ra_contact_phone": TelInput(attrs={"autocomplete": "tel"}),
            "ra_services_offered": forms.Textarea(attrs={"rows": 3}),
            "ra_services_not_offered": forms.Textarea(attrs={"rows": 3}),
            "ra_charging_note": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "ra_contact_email": {
                "required": "Enter the email address organisations should use",
                "invalid": "Enter an email address in the correct format, like ra.team@example.nhs.uk",
            },
            "ra_web_page": {
                "invalid": "Enter a web address in the correct format, like https://www.example.nhs.uk"
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ra_contact_email"].required = True
        for name in ("ra_contact_phone", "ra_opening_hours"):
            self.fields[name].validators.append(validate_single_line)
