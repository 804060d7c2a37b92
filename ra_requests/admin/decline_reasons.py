"""Decline reasons and their next steps: national administrators edit them, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from organisations.access import is_national_admin

from ..models import DeclineReason


@admin.register(DeclineReason)
class DeclineReasonAdmin(SimpleHistoryAdmin):
    list_display = ["label", "next_step", "offers_national_reroute", "is_active", "position"]
    list_filter = ["is_active", "offers_national_reroute"]
    search_fields = ["label", "next_step", "code"]
    fields = [
        "code",
        "label",
        "next_step",
        "next_step_guidance",
        "offers_national_reroute",
        "is_active",
        "position",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Declined requests store the code: changing it would orphan them.
        return ["code"] if obj is not None else []

    def _national_only(self, request) -> bool:
        return is_national_admin(request.user)

    def has_module_permission(self, request):
        return self._national_only(request)

    def has_view_permission(self, request, obj=None):
        return self._national_only(request)

    def has_add_permission(self, request):
        return self._national_only(request)

    def has_change_permission(self, request, obj=None):
        return self._national_only(request)

    def has_delete_permission(self, request, obj=None):
        return False  # withdraw a reason instead ("offered to RA teams")
