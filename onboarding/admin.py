from django.contrib import admin

from organisations.admin import OrganisationScopedAdminMixin

from .models import ReadinessEvent, ReadinessJourney


@admin.register(ReadinessJourney)
class ReadinessJourneyAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    """Read-only: answers change only through the wizard, which guards against overwrites."""

    list_display = ["organisation", "current_step", "version", "submitted_at", "updated_at"]
    list_select_related = ["organisation"]
    search_fields = ["organisation__name", "organisation__ods_code"]
    readonly_fields = [f.name for f in ReadinessJourney._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReadinessEvent)
class ReadinessEventAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "organisation", "kind", "title", "actor"]
    list_filter = ["kind", "status"]
    list_select_related = ["organisation", "actor"]
    search_fields = ["organisation__name", "organisation__ods_code", "title"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
