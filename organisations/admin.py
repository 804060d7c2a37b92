from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import Invitation, Membership, Organisation, RAProvider, RATeamMembership, User


class MissingContactFilter(admin.SimpleListFilter):
    title = "RA contact email"
    parameter_name = "contact"

    def lookups(self, request, model_admin):
        return [("missing", "Missing (flagged)"), ("present", "Present")]

    def queryset(self, request, queryset):
        if self.value() == "missing":
            return queryset.missing_contact_email()
        if self.value() == "present":
            return queryset.exclude(ra_contact_email="")
        return queryset


@admin.register(RAProvider)
class RAProviderAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "ods_code",
        "kind",
        "region",
        "status",
        "contact_email_column",
        "ra_support_provider",
    ]
    list_filter = ["kind", "status", "region", MissingContactFilter]
    list_select_related = ["ra_support_provider"]
    search_fields = ["name", "ods_code"]
    filter_horizontal = ["successors"]
    autocomplete_fields = ["ra_support_provider"]
    readonly_fields = ["source_note", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "ods_code", "kind", "region", "region_code", "ons_code"]}),
        (
            "RA support",
            {
                "fields": [
                    "ra_contact_email",
                    "ra_support_provider",
                    "acknowledge_within_working_days",
                    "resolve_within_working_days",
                ]
            },
        ),
        ("Status", {"fields": ["status", "closed_on", "successors"]}),
        ("Source", {"fields": ["source_note", "created_at", "updated_at"]}),
    ]

    @admin.display(description="RA contact email", ordering="ra_contact_email")
    def contact_email_column(self, provider):
        return provider.ra_contact_email or "⚠ missing"


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "organisation_type", "icb"]
    list_filter = ["organisation_type", "icb__region"]
    list_select_related = ["icb"]
    search_fields = ["name", "ods_code"]
    autocomplete_fields = ["icb"]
    inlines = [MembershipInline]


class RATeamMembershipInline(admin.StackedInline):
    model = RATeamMembership
    extra = 0
    autocomplete_fields = ["provider"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "email_confirmed_at"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal details", {"fields": ["first_name", "last_name", "email_confirmed_at"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "password1", "password2"]},
        )
    ]
    inlines = [RATeamMembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name", "organisation__ods_code"]
