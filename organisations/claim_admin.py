"""The organisation claims admin: an RA team approves or refuses claims sent to it.

Kept apart from the directory and user admins in ``admin.py``. RA team members see only the
claims sent to their own team (``RATeamScopedAdminMixin``); national administrators see all.
Decisions go through ``services.approve_claim`` / ``services.refuse_claim``, which email the claimant.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect

from . import services
from .admin import RATeamScopedAdminMixin
from .models import OrganisationClaim

APPROVE, REFUSE = "approve", "refuse"


class ClaimStatusFilter(admin.SimpleListFilter):
    """Every status but "email not confirmed yet": those claims are not in the admin at all."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [choice for choice in OrganisationClaim.Status.choices if choice[0] != "unconfirmed"]

    def queryset(self, request, queryset):
        return queryset.filter(status=self.value()) if self.value() else queryset


class OrganisationClaimDecisionForm(forms.ModelForm):
    decision = forms.ChoiceField(
        label="Decision",
        required=False,
        widget=forms.RadioSelect,
        choices=[
            ("", "Not decided yet"),
            (APPROVE, "Approve: make them the organisation admin"),
            (REFUSE, "Refuse"),
        ],
    )
    refusal_reason_text = forms.CharField(
        label="Reason for refusing",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Emailed to the claimant. Needed to refuse.",
    )

    class Meta:
        model = OrganisationClaim
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("decision") == REFUSE and not (data.get("refusal_reason_text") or "").strip():
            self.add_error("refusal_reason_text", "Say why the claim is refused: the claimant is told")
        return data


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(RATeamScopedAdminMixin, admin.ModelAdmin):
    form = OrganisationClaimDecisionForm
    list_display = ["ods_code", "organisation_name", "claimant", "status", "reviewing_provider", "created_at"]
    list_select_related = ["claimant", "reviewing_provider"]
    list_filter = [ClaimStatusFilter]
    search_fields = ["=ods_code", "organisation_name", "claimant__email"]
    search_help_text = "Search by ODS code, organisation name or the claimant's email address."
    ordering = ["-created_at"]
    actions = ["approve_selected"]
    readonly_fields = [
        "claimant",
        "claimant_email",
        "ods_code",
        "organisation_name",
        "organisation_type",
        "icb",
        "organisation",
        "approval_reason",
        "reviewing_provider",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "refusal_reason",
    ]

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(reviewing_provider=provider)

    def get_queryset(self, request):
        # Unconfirmed claims are nobody's to decide yet and stay out of the RA teams' way.
        return super().get_queryset(request).exclude(status=OrganisationClaim.Status.UNCONFIRMED)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            ("Who is asking", {"fields": ["claimant", "claimant_email", "created_at"]}),
            (
                "The organisation they claim",
                {"fields": ["ods_code", "organisation_name", "organisation_type", "icb", "organisation"]},
            ),
            ("Review", {"fields": ["approval_reason", "reviewing_provider", "status"]}),
        ]
        if obj is not None and obj.is_awaiting_approval:
            fieldsets.append(("Your decision", {"fields": ["decision", "refusal_reason_text"]}))
        else:
            fieldsets.append(("Decision", {"fields": ["decided_at", "decided_by", "refusal_reason"]}))
        return fieldsets

    @admin.display(description="Claimant's email address")
    def claimant_email(self, claim):
        return claim.claimant.email

    def has_add_permission(self, request):
        return False  # claims are made by the claimants themselves

    def has_delete_permission(self, request, obj=None):
        return False  # a decided claim is the record of who let whom in

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == APPROVE:
                services.approve_claim(obj, acting_user=request.user)
            elif decision == REFUSE:
                services.refuse_claim(
                    obj, acting_user=request.user, reason=form.cleaned_data["refusal_reason_text"]
                )
        except (ValidationError, PermissionDenied) as error:
            request._claim_error = " ".join(getattr(error, "messages", [str(error)]))

    def save_related(self, request, form, formsets, change):
        """Nothing related is edited here."""

    def response_change(self, request, obj):
        error = getattr(request, "_claim_error", None)
        if error:
            self.message_user(request, f"Nothing was changed: {error}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    @admin.action(description="Approve selected claims", permissions=["change"])
    def approve_selected(self, request, queryset):
        approved, problems = 0, []
        for claim in queryset.filter(status=OrganisationClaim.Status.AWAITING_APPROVAL):
            try:
                services.approve_claim(claim, acting_user=request.user)
            except (ValidationError, PermissionDenied) as error:
                problems.append(f"{claim.ods_code}: {' '.join(getattr(error, 'messages', [str(error)]))}")
            else:
                approved += 1
        self.message_user(
            request, f"Approved {approved} claim{'s' if approved != 1 else ''}.", messages.SUCCESS
        )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)
