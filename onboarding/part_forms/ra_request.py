"""The RA request step: what the organisation needs from an RA. Saving it submits a real request."""

from __future__ import annotations

import copy

from ..forms import StepForm, display_answer

# The questions the RA requests part asks, reused so both pages ask (and validate) the same things.
# Contact name and phone come from the organisation details step.
RA_REQUEST_FIELDS = (
    "help_needed",
    "staff_affected",
    "needed_by",
    "contact_email",
    "already_tried",
    "charge_acknowledged",
)


class RARequestForm(StepForm):
    """What the organisation needs from an RA. Saving it submits a real RA request, once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from ra_requests.forms import RARequestForm as RARequestPartForm

        for name in RA_REQUEST_FIELDS:
            self.fields[name] = copy.deepcopy(RARequestPartForm.base_fields[name])
        self.fields["contact_email"].help_text = (
            "The RA team will reply to this address. Your name and phone number come from "
            "your organisation's details."
        )
        self.submitted = bool(self.journey.answers_for("ra-request").get("request_id"))
        if self.submitted:
            # The request exists: nothing more to ask, the page shows where it is.
            for name in list(self.fields):
                if name != "version":
                    del self.fields[name]

    @property
    def action_label(self) -> str:
        """Saving this step sends the request at once, so the button says so."""
        return "" if self.submitted else "Send request"

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        initial = dict(answers)
        initial.setdefault(
            "staff_affected", journey.answers_for("organisation-details").get("cis_user_count")
        )
        if user is not None and not initial.get("contact_email"):
            from ra_requests.selectors import contact_defaults

            initial["contact_email"] = contact_defaults(organisation, user)["contact_email"]
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
            from ..selectors import ra_support_for_organisation

            sent = f"Sent: {answers['request_reference']} to {answers.get('provider_name', '')}"
            standing = ra_support_for_organisation(self.organisation, self.journey).standing_of(
                answers.get("request_id")
            )
            if standing is not None:
                sent += f". Status now: {standing.status_label}"
            rows.append(("RA request", sent))
        # From the part's own fields: once the request is sent this form has none left to ask.
        from ra_requests.forms import RARequestForm as RARequestPartForm

        for name in RA_REQUEST_FIELDS:
            field = RARequestPartForm.base_fields[name]
            rows.append((str(field.label), display_answer(field, answers.get(name))))
        return rows

    def page_context(self) -> dict:
        from ra_requests.services import route_for_organisation

        from ..selectors import ra_support_for_organisation

        support = ra_support_for_organisation(self.organisation, self.journey)
        request_answers = self.journey.answers_for("ra-request")
        return {
            "route": None if self.submitted else route_for_organisation(self.organisation),
            "ra_support": support,
            # Where the request this wizard sent stands now, whatever happened to it since.
            "sent_request": support.standing_of(request_answers.get("request_id")),
            "request_answers": request_answers,
            "contact": self.journey.answers_for("organisation-details"),
        }
