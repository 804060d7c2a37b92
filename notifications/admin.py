from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from organisations.admin import OrganisationScopedAdminMixin

from . import services
from .models import OutboundEmail

# Account emails carry a link that signs someone in or sets a password; anyone who can read the
# outbox could use it. The row keeps the whole body (the worker sends it); the admin hides it.
ACCOUNT_LINK_HIDDEN = (
    "Hidden: this email holds a personal account link (email confirmation, invitation or password "
    "reset) that works like a password. Only the recipient sees it."
)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    list_display = [
        "subject",
        "recipients",
        "status_label",
        "attempts",
        "topic",
        "organisation",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status"]
    list_select_related = ["organisation"]
    search_fields = ["to", "subject", "topic", "dedupe_key"]
    date_hierarchy = "created_at"
    actions = ["retry_sending"]
    fieldsets = [
        (None, {"fields": ["subject", "to", "body_shown", "organisation", "topic", "dedupe_key"]}),
        (
            "Delivery",
            {
                "fields": [
                    "status",
                    "attempts",
                    "last_error",
                    "delivered_to",
                    "refused",
                    "queued_at",
                    "claimed_until",
                    "sent_at",
                    "created_at",
                ]
            },
        ),
    ]

    # The outbox is a record of what was sent: nothing in it is edited by hand.
    def get_readonly_fields(self, request, obj=None):
        return [field for fieldset in self.fieldsets for field in fieldset[1]["fields"]]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    # "change" only unlocks the retry action on the list; a single email is always view-only.
    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    @admin.display(description="Body")
    def body_shown(self, email):
        if email.holds_account_link:
            return ACCOUNT_LINK_HIDDEN
        return email.body

    @admin.display(description="Recipients", ordering="to")
    def recipients(self, email):
        return ", ".join(email.to)

    @admin.display(description="Status", ordering="status")
    def status_label(self, email):
        if email.status in {OutboundEmail.Status.FAILED, OutboundEmail.Status.PARTLY_SENT}:
            return f"{email.get_status_display()}: {email.last_error}"
        return email.get_status_display()

    @admin.action(description="Retry sending", permissions=["change"])
    def retry_sending(self, request, queryset):
        retried, refused = 0, []
        for email in queryset:
            try:
                services.retry_failed_email(email, acting_user=request.user)
            except ValidationError as error:
                refused.append(f"{email.subject}: {' '.join(error.messages)}")
            else:
                retried += 1
        if retried:
            self.message_user(request, f"Queued {retried} email{'' if retried == 1 else 's'} to send again.")
        for message in refused:
            self.message_user(request, message, level=messages.WARNING)
