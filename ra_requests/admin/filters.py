"""List filters for the RA request admin: status, SLA state, request type and region."""

from django.contrib import admin
from django.utils import timezone

from organisations.models import RAProvider

from ..models import OPEN_STATUSES, HelpNeeded, Status, sla_due_before


class StatusFilter(admin.SimpleListFilter):
    """Each status, and "Open" for every request not yet resolved or declined (the home page's link)."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open (not resolved or declined)"), *Status.choices]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(status__in=OPEN_STATUSES)
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", "Assigned to me"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class SLAStateFilter(admin.SimpleListFilter):
    title = "SLA state"
    parameter_name = "sla"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("due_soon", "Due within 1 day"),
            ("on_track", "On track"),
            ("paused", "Paused (waiting for organisation)"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        soon = now + timezone.timedelta(days=1)
        if self.value() == "overdue":
            return queryset.overdue(now)
        if self.value() == "due_soon":
            return queryset.filter(sla_due_before(soon)).exclude(sla_due_before(now))
        if self.value() == "on_track":
            return (
                queryset.filter(status__in=OPEN_STATUSES)
                .exclude(status=Status.WAITING_FOR_ORGANISATION)
                .exclude(sla_due_before(soon))
            )
        if self.value() == "paused":
            return queryset.filter(status=Status.WAITING_FOR_ORGANISATION)
        return queryset


class HelpNeededFilter(admin.SimpleListFilter):
    title = "request type"
    parameter_name = "help"

    def lookups(self, request, model_admin):
        return HelpNeeded.choices

    def queryset(self, request, queryset):
        if self.value() in HelpNeeded.values:
            return queryset.with_help_needed(self.value())
        return queryset


class RegionFilter(admin.SimpleListFilter):
    """Regions come from the small provider table, never from a scan of the requests."""

    title = "region"
    parameter_name = "region"

    def lookups(self, request, model_admin):
        regions = (
            RAProvider.objects.icbs().exclude(region="").order_by("region").values_list("region", flat=True)
        )
        return [(region, region) for region in regions.distinct()]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(organisation__icb__region=self.value())
        return queryset
