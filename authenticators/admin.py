from django.contrib import admin
from django.db.models import Q
from simple_history.admin import SimpleHistoryAdmin

from organisations.admin import (
    HistoryVersionGuardMixin,
    OrganisationScopedAdminMixin,
    supported_organisations,
)

from .models import Application, Authenticator, EstateFacts, PlanEvent, UserGroup


@admin.register(Authenticator)
class AuthenticatorAdmin(HistoryVersionGuardMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "aal", "cis1_supported", "issued_by", "needs_purchase"]
    list_filter = ["aal", "cis1_supported", "issued_by"]
    search_fields = ["name", "slug"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "aal", "cis1_supported", "needs_hscn", "issued_by"]}),
        (
            "What it needs",
            {"fields": ["personal_item", "hardware", "software", "needs_purchase", "cost_notes"]},
        ),
        (
            "Estate rules",
            {
                "fields": [
                    "requires_smartphone",
                    "requires_tpm",
                    "requires_ipad",
                    "personal_device_only",
                    "bound_to_one_device",
                ]
            },
        ),
        ("Source", {"fields": ["notes", "source_url"]}),
    ]


class CatalogueFilter(admin.SimpleListFilter):
    title = "origin"
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("catalogue", "Catalogue"), ("local", "Added by an organisation")]

    def queryset(self, request, queryset):
        if self.value() == "catalogue":
            return queryset.catalogue()
        if self.value() == "local":
            return queryset.filter(organisation__isnull=False)
        return queryset


@admin.register(Application)
class ApplicationAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "slug", "cis_generation", "min_aal", "confidence_column", "organisation"]
    list_filter = ["cis_generation", "min_aal", "confidence", CatalogueFilter]
    list_select_related = ["organisation"]
    search_fields = ["name", "slug", "supplier"]
    raw_id_fields = ["organisation"]

    def scope_to_provider(self, queryset, provider):
        # The catalogue is the same for everyone; local applications stay with their organisation.
        return queryset.filter(
            Q(organisation__isnull=True) | supported_organisations(provider, via="organisation__")
        )

    @admin.display(description="Source confidence", ordering="confidence")
    def confidence_column(self, application):
        return "⚠ unconfirmed" if application.is_unconfirmed else application.get_confidence_display()


@admin.register(UserGroup)
class UserGroupAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "organisation", "head_count", "plan_chosen_at"]
    list_select_related = ["organisation"]
    search_fields = ["name", "organisation__name", "organisation__ods_code"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["applications", "chosen_authenticators"]


@admin.register(EstateFacts)
class EstateFactsAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "hscn", "windows_tpm", "ipads", "smartphones", "shared_workstations"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    raw_id_fields = ["organisation"]


@admin.register(PlanEvent)
class PlanEventAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "organisation", "title", "actor"]
    list_select_related = ["organisation", "actor"]
    search_fields = ["organisation__name", "organisation__ods_code", "title"]
    readonly_fields = ["organisation", "occurred_at", "title", "detail", "actor"]
