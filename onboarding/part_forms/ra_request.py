"""The RA request step: what the organisation needs from an RA. Saving it submits a real request."""

from __future__ import annotations

from django import forms

from cis_portal.nhsuk_forms import NHSDateField

from ..forms import StepForm, display_answer


class RARequestForm(StepForm):
    """What the organisation needs from an RA. Saving it submits a real RA request, once."""

    help_needed = forms.MultipleChoiceField(
        label="What do you need help with?",
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
        error_messages={"required": "Select what you need help with"},
    )
    staff_affected = forms.IntegerField(
        label="How many staff need this help?",
        min_value=1,
        max_value=100000,
        error_messages={
            "required": "Enter how many staff need this help",
            "invalid": "Enter a whole number, like 5",
            "min_value": "Enter a number of staff of 1 or more",
            "max_value": "Enter a number of staff of 100,000 or fewer",
        },
    )
    needed_by = NHSDateField(
        label="Date you need RA support by",
        allow_past=False,
        help_text="For example, 27 3 2027",
    )
    contact_email = forms.EmailField(
        label="Contact email address",
        help_text="The RA team will reply to this address. Your name and phone number come from "
        "your organisation's details.",
        error_messages={
            "required": "Enter a contact email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    already_tried = forms.CharField(
        label="What has your organisation already tried?",
        help_text="For example, who you have already contacted about RA support.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Tell us what your organisation has already tried"},
    )
    charge_acknowledged = forms.BooleanField(
        label="I understand that whoever gives us RA support may charge for it",
        error_messages={"required": "Confirm that you understand RA support may be charged for"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ra_requests.models import HelpNeeded

        self.fields["help_needed"].choices = HelpNeeded.choices
        self.submitted = bool(self.journey.answers_for("ra-request").get("request_id"))
        if self.submitted:
            # The request exists: nothing more to ask, the page shows where it is.
            for name in list(self.fields):
                if name != "version":
                    del self.fields[name]

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict) -> dict:
        initial = dict(answers)
        initial.setdefault(
            "staff_affected", journey.answers_for("organisation-details").get("cis_user_count")
        )
        return initial

    @classmethod
    def can_change(cls, answers: dict) -> bool:
        """A request already sent is followed on the RA request pages, not changed here."""
        return not answers.get("request_id")

    def to_answers(self) -> dict:
        if self.submitted:
            return self.journey.answers_for("ra-request")
        return super().to_answers()

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        rows = []
        if answers.get("request_reference"):
            rows.append(
                ("RA request", f"{answers['request_reference']}, sent to {answers.get('provider_name', '')}")
            )
        fresh = RARequestForm(organisation=self.organisation, journey=_Unsubmitted(self.journey))
        for name, field in fresh.fields.items():
            if name != "version":
                rows.append((str(field.label), display_answer(field, answers.get(name))))
        return rows

    def page_context(self) -> dict:
        from ra_requests.selectors import ra_status_for_organisation
        from ra_requests.services import route_for_organisation

        return {
            "route": None if self.submitted else route_for_organisation(self.organisation),
            "ra_status": ra_status_for_organisation(self.organisation),
            "request_answers": self.journey.answers_for("ra-request"),
            "contact": self.journey.answers_for("organisation-details"),
        }


class _Unsubmitted:
    """Lets check-your-answers build the full question list of an already submitted request."""

    def __init__(self, journey):
        self._journey = journey

    def answers_for(self, slug):
        return {} if slug == "ra-request" else self._journey.answers_for(slug)
