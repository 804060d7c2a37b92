from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .access import is_national_admin, ra_provider_for_user
from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import Invitation, Membership, Organisation, RAProvider, RATeamMembership, User


class HistoryVersionGuardMixin:
    """For SimpleHistoryAdmin: its history version page saves a POST after checking only view permission,
    so someone who may only view an object could change it there. Only those who may change it may post."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class RATeamScopedAdminMixin(HistoryVersionGuardMixin):
    """RA team members see only their own provider's rows; national admins and superusers see all.

    Subclasses say how a queryset narrows to one provider in ``scope_to_provider``.
    """

    def sees_everything(self, request) -> bool:
        return request.user.is_superuser or is_national_admin(request.user)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self.sees_everything(request):
            return queryset
        provider = ra_provider_for_user(request.user)
        if provider is None:
            return queryset.none()
        return self.scope_to_provider(queryset, provider)

    def scope_to_provider(self, queryset, provider):
        raise NotImplementedError

    def _check_visible(self, request, object_id):
        # simple_history's history pages read the history table, not get_queryset: guard them too.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404("Not found")

    def history_view(self, request, object_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)


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
class RAProviderAdmin(RATeamScopedAdminMixin, SimpleHistoryAdmin):
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

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(pk=provider.pk)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(RATeamScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "organisation_type", "icb"]
    list_filter = ["organisation_type", "icb__region"]
    list_select_related = ["icb"]
    search_fields = ["name", "ods_code"]
    autocomplete_fields = ["icb"]
    inlines = [MembershipInline]

    def scope_to_provider(self, queryset, provider):
        # The ICB's own organisations, and those of ICBs whose RA support this provider gives.
        return queryset.filter(Q(icb=provider) | Q(icb__ra_support_provider=provider))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.delete_membership(membership)
        for membership in memberships:
            services.add_membership(membership.organisation, user=membership.user, role=membership.role)
        return None


class RATeamMembershipInline(admin.StackedInline):
    model = RATeamMembership
    extra = 0
    autocomplete_fields = ["provider"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """National administrators create people here; adding an RA team inline makes them RA staff."""

    form = AdminUserChangeForm
    add_form = AdminUserCreationForm
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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only superusers hand out superuser status or arbitrary groups.
            readonly += ["is_superuser", "groups"]
        return readonly

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            services.create_user_by_admin(obj, acting_user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RATeamMembership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        for membership in formset.deleted_objects:
            services.remove_ra_team_member(membership)
        for membership in memberships:
            services.add_ra_team_member(membership.provider, user=form.instance)
        return None


@admin.register(RATeamMembership)
class RATeamMembershipAdmin(RATeamScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "provider", "created_at"]
    list_select_related = ["user", "provider"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "provider__name"]
    autocomplete_fields = ["user", "provider"]

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(provider=provider)

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another person is a removal and a new membership.
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        services.add_ra_team_member(obj.provider, user=obj.user)

    def delete_model(self, request, obj):
        services.remove_ra_team_member(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.remove_ra_team_member(membership)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name", "organisation__ods_code"]

    # Invitations are made on the team page (services.invite_member), which also sends the link;
    # one added or edited here would have no email behind it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
