from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from cis_portal.admin_autocomplete import SafeAutocompleteAdminMixin

from . import services
from .access import can_manage_account, is_national_admin, ra_provider_for_user
from .forms import AdminUserChangeForm, AdminUserCreationForm
from .models import (
    ContactSource,
    Invitation,
    Membership,
    Organisation,
    RAProvider,
    RATeamMembership,
    Role,
    User,
)


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


def supported_organisations(provider, *, via: str = "") -> Q:
    """Organisations whose RA support ``provider`` gives: its own ICB's, and those of ICBs it supports.

    ``via`` is the path from the admin's model to the organisation, e.g. "organisation__".
    """
    return Q(**{f"{via}icb": provider}) | Q(**{f"{via}icb__ra_support_provider": provider})


class OrganisationScopedAdminMixin(RATeamScopedAdminMixin):
    """Scopes rows that belong to an organisation (``organisation_lookup``) to that provider's ones."""

    organisation_lookup = "organisation"

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(supported_organisations(provider, via=f"{self.organisation_lookup}__"))


class RegionFilter(admin.SimpleListFilter):
    """NHS England region, with a named choice for providers whose region is blank (Django's own
    filter offered those as a link with no text)."""

    title = "region"
    parameter_name = "region"
    NO_REGION = "none"
    region_lookup = "region"  # the lookup from the listed model to the provider's region

    def lookups(self, request, model_admin):
        regions = set(RAProvider.objects.values_list("region", flat=True).distinct())
        choices = [(region, region) for region in sorted(regions - {""})]
        if "" in regions:
            choices.append((self.NO_REGION, "No region recorded"))
        return choices

    def queryset(self, request, queryset):
        if self.value() == self.NO_REGION:
            return queryset.filter(**{self.region_lookup: ""})
        if self.value():
            return queryset.filter(**{self.region_lookup: self.value()})
        return queryset


class OrganisationRegionFilter(RegionFilter):
    region_lookup = "icb__region"


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
class RAProviderAdmin(SafeAutocompleteAdminMixin, RATeamScopedAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "name",
        "ods_code",
        "kind",
        "region",
        "status_column",
        "contact_email_column",
        "ra_support_provider",
    ]
    list_filter = ["kind", "status", RegionFilter, MissingContactFilter]
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
    CSU_STATUS_CAVEAT = "unconfirmed: CSUs are being closed, so check before relying on it"

    def save_model(self, request, obj, form, change):
        """A contact address typed here goes through the directory service, so the entry shows as
        unconfirmed (given by an administrator) and a bouncing flag on the old address goes."""
        if "ra_contact_email" not in form.changed_data:
            return super().save_model(request, obj, form, change)
        new_email = obj.ra_contact_email
        obj.ra_contact_email = form.initial.get("ra_contact_email", "")
        super().save_model(request, obj, form, change)
        services.record_contact_from_national_team(
            obj, email=new_email, acting_user=request.user, given_by=ContactSource.ADMINISTRATOR
        )
        obj.refresh_from_db()
        return None

    @admin.display(description="Status", ordering="status")
    def status_column(self, provider):
        if provider.kind == RAProvider.Kind.CSU and provider.is_active:
            return f"{provider.get_status_display()} ({self.CSU_STATUS_CAVEAT})"
        return provider.get_status_display()

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.kind != RAProvider.Kind.CSU:
            return fieldsets
        caveat = (
            "The government has said CSUs are being closed, so this status is unconfirmed: check it first."
        )
        return [
            (name, {**options, "description": caveat}) if name == "Status" else (name, options)
            for name, options in fieldsets
        ]

    @admin.display(description="RA contact email", ordering="ra_contact_email")
    def contact_email_column(self, provider):
        return provider.ra_contact_email or "⚠ missing"

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(pk=provider.pk)


class MembershipInlineFormSet(BaseInlineFormSet):
    """Refuses a save that would leave an organisation with members but no admin.

    The services check again with the organisation locked, for two people saving at once.
    """

    def clean(self):
        super().clean()
        kept_roles = [
            form.cleaned_data.get("role")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("user")
        ]
        if kept_roles and Role.ORG_ADMIN not in kept_roles:
            raise ValidationError(
                "An organisation with members needs at least one organisation admin. "
                "Keep or add an admin before removing or changing this one"
            )


class MembershipInline(SafeAutocompleteAdminMixin, admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(SafeAutocompleteAdminMixin, RATeamScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "ods_code", "organisation_type", "icb"]
    list_filter = ["organisation_type", OrganisationRegionFilter]
    list_select_related = ["icb"]
    search_fields = ["name", "ods_code"]
    autocomplete_fields = ["icb"]
    inlines = [MembershipInline]

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(supported_organisations(provider))

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        memberships = formset.save(commit=False)
        changed = {membership.pk: fields for membership, fields in formset.changed_objects}
        # New and changed roles first, removals last, so replacing one admin with another in one
        # save never passes through "no admin". The services refuse a last admin's removal. A row
        # given another person is that person's new membership and the old one's removal.
        # All or nothing: a refusal part-way leaves every row as it was.
        try:
            with transaction.atomic():
                removals = list(formset.deleted_objects)
                for membership in memberships:
                    if membership.pk is None or "user" in changed.get(membership.pk, ()):
                        services.add_membership(
                            membership.organisation, user=membership.user, role=membership.role
                        )
                        if membership.pk is not None:
                            removals.append(Membership.objects.get(pk=membership.pk))
                    else:
                        services.change_membership_role(membership, role=membership.role)
                for membership in removals:
                    services.delete_membership(membership)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), level=messages.ERROR)
        return None


class RATeamMembershipInline(SafeAutocompleteAdminMixin, admin.StackedInline):
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
            # Only superusers hand out admin access, superuser status or arbitrary groups; national
            # administrators make RA staff through the RA team inline.
            readonly += ["is_staff", "is_superuser", "groups"]
        return readonly

    # One rule for the change form, the password form, the delete page and the delete action
    # (Django asks these per object on each of them): see access.can_manage_account.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_manage_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and can_manage_account(request.user, obj)

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
class RATeamMembershipAdmin(SafeAutocompleteAdminMixin, RATeamScopedAdminMixin, admin.ModelAdmin):
    list_display = ["user", "provider", "created_at"]
    list_select_related = ["user", "provider"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "provider__name"]
    autocomplete_fields = ["user", "provider"]

    def scope_to_provider(self, queryset, provider):
        return queryset.filter(provider=provider)

    def get_readonly_fields(self, request, obj=None):
        # Moving a membership to another person is a removal and a new membership.
        return ["user"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:
            return form
        actor = request.user

        class NewMembershipForm(form):
            # Joining a team changes the account's groups: the staff-account rule applies.
            def clean_user(self):
                user = self.cleaned_data["user"]
                if not can_manage_account(actor, user):
                    raise ValidationError("Only a superuser can add a staff account to an RA team.")
                return user

        return NewMembershipForm

    def save_model(self, request, obj, form, change):
        services.add_ra_team_member(obj.provider, user=obj.user)

    def delete_model(self, request, obj):
        services.remove_ra_team_member(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.remove_ra_team_member(membership)


@admin.register(Invitation)
class InvitationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "invited_by", "created_at", "accepted_at"]
    list_select_related = ["organisation", "invited_by"]
    search_fields = ["email", "organisation__name", "organisation__ods_code"]

    # Invitations are made on the team page (services.invite_member), which also sends the link;
    # one added or edited here would have no email behind it.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The organisation claims admin lives in its own module; importing it here registers it.
from . import claim_admin  # noqa: E402, F401
