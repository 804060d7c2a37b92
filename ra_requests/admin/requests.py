"""The RA request admin: triage list, change form with named actions, bulk actions."""

import functools
import re

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, F, Q, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin

from organisations.access import ra_provider_for_user
from organisations.models import Organisation

from .. import services
from ..emails import lower_first
from ..models import OPEN_STATUSES, UNACKNOWLEDGED_STATUSES, RARequest
from ..selectors import request_timeline
from .changelist import TriageChangeList, describe_age, help_summary, sla_due_html
from .filters import AssignmentFilter, HelpNeededFilter, RegionFilter, SLAStateFilter, StatusFilter
from .forms import RARequestAdminForm
from .paginator import TableEstimatePaginator
from .scoping import ProviderScopedAdminMixin
from .triage_cache import can_cache, serve

REFERENCE_PATTERN = re.compile(r"(?:RA-?)?0*(\d{1,12})", re.IGNORECASE)


def pk_from_reference(term: str) -> int | None:
    """The id in a reference as people quote it ("RA-000005", "ra-5", "000005", "5"), else None."""
    match = REFERENCE_PATTERN.fullmatch(term.strip())
    return int(match.group(1)) if match else None


def heading_for(ra_request: RARequest) -> str:
    return f"{ra_request.reference} — {ra_request.organisation.name}"


# The deadline that matters now (RARequest.sla_due_at), for sorting by it: an expression, so the
# database computes it only when the list is sorted that way.
SLA_DUE_ORDER = Case(
    When(status__in=UNACKNOWLEDGED_STATUSES, then=F("acknowledge_due_at")),
    When(status__in=OPEN_STATUSES, then=F("resolve_due_at")),
    default=None,
)


@admin.register(RARequest)
class RARequestAdmin(ProviderScopedAdminMixin, SimpleHistoryAdmin):
    form = RARequestAdminForm
    list_display = [
        "reference",
        "ods_code",
        "organisation_name",
        "status_tag",
        "help_summary",
        "provider",
        "age",
        "sla_due",
        "assigned_to",
    ]
    list_display_links = ["reference", "ods_code"]
    list_select_related = ["organisation", "provider", "assigned_to"]
    list_filter = [
        StatusFilter,
        AssignmentFilter,
        SLAStateFilter,
        HelpNeededFilter,
        "organisation__organisation_type",
        RegionFilter,
    ]
    search_fields = ["=organisation__ods_code", "organisation__name", "contact_name", "contact_email"]
    search_help_text = (
        "Search by reference (RA-000005 or 5), ODS code, organisation name, or the contact's name or email."
    )
    ordering = ["-created_at"]
    list_per_page = 50
    show_full_result_count = False
    paginator = TableEstimatePaginator
    actions = ["acknowledge_selected", "assign_to_me"]
    readonly_fields = [
        "reference",
        "organisation",
        "organisation_type",
        "help_needed_display",
        "staff_affected",
        "needed_by",
        "contact_name",
        "contact_phone",
        "contact_email",
        "already_tried",
        "provider",
        "routing_reason",
        "status",
        "decline_reason",
        "assigned_to",
        "sla_due",
        "acknowledge_due_at",
        "resolve_due_at",
        "created_at",
        "timeline",
    ]
    history_list_display = ["status", "provider"]

    class Media:
        css = {"all": ["css/ra_requests_admin.css"]}

    def get_search_results(self, request, queryset, search_term):
        """A reference (RA-000005, 000005 or 5) finds that request by its key alone. Otherwise each
        word must match the organisation (ODS code exactly, or name) or the contact's name or email.

        The organisation is matched in a subquery rather than through a join, so PostgreSQL reads
        the requests once with a hashed list of organisations instead of joining 250,000 rows.
        """
        pk = pk_from_reference(search_term)
        if pk is not None:
            return queryset.filter(pk=pk), False
        for word in search_term.split():
            organisations = Organisation.objects.filter(Q(ods_code__iexact=word) | Q(name__icontains=word))
            queryset = queryset.filter(
                Q(organisation__in=organisations.values("pk"))
                | Q(contact_name__icontains=word)
                | Q(contact_email__icontains=word)
            )
        return queryset, False

    def get_changelist(self, request, **kwargs):
        return TriageChangeList

    def changelist_view(self, request, extra_context=None):
        draw_page = functools.partial(
            super().changelist_view, request, {"title": "RA requests", **(extra_context or {})}
        )
        provider = None if self.sees_everything(request) else ra_provider_for_user(request.user)
        if provider is None or not can_cache(request):
            return draw_page()
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return serve(request, provider, draw_page)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        ra_request = self.get_object(request, object_id)
        if ra_request is not None:
            extra_context = {"title": heading_for(ra_request), "subtitle": None, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                "Request",
                {
                    "fields": [
                        "reference",
                        "organisation",
                        "organisation_type",
                        "help_needed_display",
                        "staff_affected",
                        "needed_by",
                        "already_tried",
                        "created_at",
                    ]
                },
            ),
            ("Contact", {"fields": ["contact_name", "contact_phone", "contact_email"]}),
            (
                "Status and SLA",
                {
                    "fields": [
                        "status",
                        "decline_reason",
                        "sla_due",
                        "acknowledge_due_at",
                        "resolve_due_at",
                    ]
                },
            ),
            ("Routing", {"fields": ["provider", "routing_reason"]}),
            (
                "Take an action",
                {"fields": ["version", "assignee", "action", "decline_reason_choice", "comment"]},
            ),
        ]
        if self.sees_everything(request):
            routing = ["new_provider", "routing_note"]
            if obj is not None and services.can_forward_to_local_provider(obj):
                routing.append("local_contact_email")
            fieldsets.append(("Change routing", {"fields": routing}))
        fieldsets.append(("Timeline", {"fields": ["timeline"]}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.can_reroute = self.sees_everything(request)
        return form

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Every change goes through the services, all or nothing; a race lost here is reported,
        never a 500. What was done is kept on the request for ``response_change`` to report."""
        try:
            with transaction.atomic():
                # A form posted without the field (not the admin's own) leaves the assignee alone.
                assign = "assignee" in form.changed_data and "assignee" in request.POST
                done = self._apply(request, obj, form.cleaned_data, assign=assign)
        except ValidationError as error:
            request._ra_request_error = " ".join(error.messages)
            return
        if done:
            request._ra_request_outcome = f"{obj.reference}: {lower_first(' '.join(done))}"

    def _apply(self, request, obj, data, *, assign: bool) -> list[str]:
        """Assign, then re-route or act or add a note; returns a sentence for each thing done."""
        version, comment, done = data["version"], data.get("comment", "").strip(), []
        if assign:
            assignee = data.get("assignee")
            obj = services.assign_ra_request(
                obj, assignee=assignee, acting_user=request.user, expected_version=version
            )
            version = obj.version
            if assignee is None:
                done.append("Unassigned.")
            elif assignee == request.user:
                done.append("Assigned to you.")
            else:
                done.append(f"Assigned to {assignee.display_name}, who has been emailed.")
        if data.get("local_contact_email"):
            moved = services.forward_to_local_provider(
                obj,
                contact_email=data["local_contact_email"],
                acting_user=request.user,
                expected_version=version,
            )
            done.append(
                f"Forwarded to {moved.provider.name}, whose RA contact {moved.provider.ra_contact_email} is "
                "recorded as unconfirmed and has been emailed the request."
            )
        elif data.get("new_provider"):
            services.change_route(
                obj,
                provider=data["new_provider"],
                reason=data["routing_note"],
                acting_user=request.user,
                expected_version=version,
            )
            done.append(f"Re-routed to {data['new_provider'].name}, whose RA team has been emailed.")
        elif data.get("action"):
            changed = services.transition_ra_request(
                obj,
                transition=data["action"],
                acting_user=request.user,
                comment=comment,
                decline_reason=data.get("decline_reason_choice", ""),
                expected_version=version,
            )
            done.append(
                f"{changed.get_status_display()}{', with your note' if comment else ''}. "
                f"The organisation's contact ({changed.contact_email}) has been emailed."
            )
        elif comment:
            services.add_note_to_ra_request(obj, acting_user=request.user, comment=comment)
            done.append(
                f"Your note was added to the timeline and emailed to {obj.contact_email}. "
                f"The status is unchanged ({obj.get_status_display()})."
            )
        return done

    def save_related(self, request, form, formsets, change):
        """The timeline inline is read-only; nothing related is saved from this form."""

    def response_change(self, request, obj):
        """Says exactly what happened (or that nothing did) instead of Django's "changed successfully"."""
        error = getattr(request, "_ra_request_error", None)
        if error:
            self.message_user(request, f"Nothing was changed: {error}", messages.ERROR)
            return HttpResponseRedirect(request.path)
        outcome = getattr(request, "_ra_request_outcome", None)
        if outcome is None:
            self.message_user(
                request,
                f"Nothing was changed on {obj.reference}: choose an action or write a note.",
                messages.WARNING,
            )
            return HttpResponseRedirect(request.path)
        self.message_user(request, outcome, messages.SUCCESS)
        if "_continue" in request.POST:
            return HttpResponseRedirect(request.path)
        changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
        return HttpResponseRedirect(
            add_preserved_filters(
                {"preserved_filters": self.get_preserved_filters(request), "opts": obj._meta}, changelist
            )
        )

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, obj):
        """Same markup as Django's, without a widget render per row (a third of the page's time)."""
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            obj.reference,
        )

    @admin.display(description="Reference", ordering="pk")
    def reference(self, obj):
        return obj.reference

    @admin.display(description="ODS code", ordering="organisation__ods_code")
    def ods_code(self, obj):
        return obj.organisation.ods_code

    @admin.display(description="Organisation", ordering="organisation__name")
    def organisation_name(self, obj):
        return obj.organisation.name

    @admin.display(description="Organisation type")
    def organisation_type(self, obj):
        return obj.organisation.get_organisation_type_display()

    @admin.display(description="Status", ordering="status")
    def status_tag(self, obj):
        return obj.get_status_display()

    @admin.display(description="Help needed")
    def help_summary(self, obj):
        return help_summary(obj)

    @admin.display(description="Help needed")
    def help_needed_display(self, obj):
        return format_html_join("", "<div>{}</div>", ((label,) for label in obj.help_needed_labels))

    @admin.display(description="Age", ordering="created_at")
    def age(self, obj):
        return describe_age(timezone.now() - obj.created_at)

    @admin.display(description="SLA due", ordering=SLA_DUE_ORDER)
    def sla_due(self, obj):
        return sla_due_html(obj, timezone.localtime())

    @admin.display(description="Status changes, replies, escalations and emails sent")
    def timeline(self, obj):
        rows = [
            (
                timezone.localtime(item.occurred_at).strftime("%-d %b %Y %H:%M"),
                item.title,
                f" by {item.actor}" if item.actor else "",
                f": {item.detail}" if item.detail else "",
            )
            for item in request_timeline(obj)
        ]
        return format_html_join("", "<div>{} {}{}{}</div>", rows)

    @admin.action(description="Acknowledge selected requests")
    def acknowledge_selected(self, request, queryset):
        done = 0
        for ra_request in queryset.filter(status__in=UNACKNOWLEDGED_STATUSES):
            try:
                services.acknowledge_ra_request(ra_request, acting_user=request.user)
            except ValidationError:
                continue  # moved on since the list was loaded: reported as skipped below
            done += 1
        skipped = queryset.count() - done
        self.message_user(
            request,
            f"{done} request(s) acknowledged."
            + (f" {skipped} skipped because they were already acknowledged or closed." if skipped else ""),
            messages.SUCCESS if done else messages.WARNING,
        )

    @admin.action(description="Assign selected requests to me")
    def assign_to_me(self, request, queryset):
        done = 0
        for ra_request in queryset.filter(status__in=OPEN_STATUSES):
            try:
                services.assign_ra_request(ra_request, assignee=request.user, acting_user=request.user)
            except ValidationError:
                continue  # routed to a team the user is not in: reported as skipped below
            done += 1
        skipped = queryset.count() - done
        self.message_user(
            request,
            f"{done} request(s) assigned to you."
            + (
                f" {skipped} skipped because they are closed or routed to another RA team." if skipped else ""
            ),
            messages.SUCCESS if done else messages.WARNING,
        )
