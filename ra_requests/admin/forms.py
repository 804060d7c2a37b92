"""The RA request change form: the version it was loaded at and one named action."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from organisations.models import RAProvider

from .. import services
from ..models import DeclineReason, RARequest
from ..selectors import ra_team_for_request


class AssigneeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class RARequestAdminForm(forms.ModelForm):
    """The change form carries the version it was loaded at and one named action."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(label="Action", required=False, widget=forms.RadioSelect)
    decline_reason_choice = forms.ChoiceField(
        label="Reason for declining",
        required=False,
        help_text="Each reason tells the organisation what it can do next.",
    )
    comment = forms.CharField(
        label="Note to the organisation",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=(
            'Shown on the timeline and emailed to the organisation\'s contact. With "No change" '
            "selected it is sent as a note on its own."
        ),
    )
    assignee = AssigneeChoiceField(
        label="Assigned to",
        required=False,
        queryset=get_user_model().objects.none(),
        empty_label="Nobody",
        help_text="A member of the RA team the request is routed to. They are emailed when you assign them.",
    )
    new_provider = forms.ModelChoiceField(
        label="Re-route to",
        required=False,
        queryset=RAProvider.objects.active(),
        help_text="National administrators only. The SLA clock restarts with the new provider.",
    )
    routing_note = forms.CharField(label="Why re-route?", required=False, max_length=500)
    local_contact_email = forms.EmailField(
        label="Forward to the local RA provider at",
        required=False,
        help_text="National administrators only, for a request that reached the national team because its "
        "local provider had no contact. Records this address as the provider's RA contact (unconfirmed, "
        "given by the national team) and sends the request there.",
        error_messages={"invalid": "Enter the local RA team's email address, like ra.team@example.nhs.uk"},
    )

    can_reroute = False

    class Meta:
        model = RARequest
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        # Only the request's own provider's team: any other id posted is "not one of the choices".
        self.fields["assignee"].queryset = ra_team_for_request(self.instance)
        self.fields["assignee"].initial = self.instance.assigned_to_id
        self.fields["decline_reason_choice"].choices = [
            ("", "---------"),
            *DeclineReason.objects.active().values_list("code", "label"),
        ]
        self.fields["action"].choices = [("", "No change")] + [
            (name, services.TRANSITION_LABELS[name]) for name in services.allowed_transitions(self.instance)
        ]
        if not self.can_reroute:
            del self.fields["new_provider"]
            del self.fields["routing_note"]
        if self.can_reroute and services.can_forward_to_local_provider(self.instance):
            local = services.local_provider_for(self.instance)
            self.fields["local_contact_email"].label = f"Forward to {local.name} at"
        else:
            del self.fields["local_contact_email"]

    def clean(self):
        data = super().clean()
        if data.get("version") != self.instance.version:
            raise ValidationError(
                "Someone else changed this request after you opened it. Your changes have not been "
                "saved: reload the page, check the timeline and try again."
            )
        action = data.get("action")
        if action == "decline" and not data.get("decline_reason_choice"):
            self.add_error("decline_reason_choice", "Select why you are declining the request")
        if action == "ask_organisation" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what you need from the organisation")
        if data.get("new_provider") and not data.get("routing_note", "").strip():
            self.add_error("routing_note", "Say why the request is being re-routed")
        if data.get("new_provider") and action:
            raise ValidationError("Re-route the request or take an action, not both at once.")
        if data.get("local_contact_email") and (action or data.get("new_provider")):
            raise ValidationError("Forward the request or take another action, not both at once.")
        return data
