"""Who may see what: organisation members see their organisations; RA team members their provider.

The one place that says which membership roles may use each part of an organisation's pages. Views
declare ``allowed_roles`` from the ``*_ROLES`` below; pages decide which links to show through
``OrganisationAccess``, which asks the same question, so a link is shown only if its page opens.
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.urls import Resolver404, resolve

from cis_portal.compiled_queries import PLACEHOLDER, CompiledQuery

from .models import Membership, Organisation, RAProvider, RATeamMembership, Role
from .roles import NATIONAL_ADMINISTRATORS
from .validators import normalise_ods_code

# The readiness wizard and the team page: the organisation admin's.
WIZARD_ROLES = (Role.ORG_ADMIN,)
TEAM_ROLES = (Role.ORG_ADMIN,)
# Asking the RA for help and following the requests.
RA_REQUEST_ROLES = (Role.ORG_ADMIN,)
# Recording applications, staff groups and estate facts and planning authenticators: IT leads too (README).
PLAN_ROLES = (Role.ORG_ADMIN, Role.IT_LEAD)
TRAINING_ROLES = (Role.ORG_ADMIN, Role.IT_LEAD)
# The readiness summary and the organisation's timeline.
REPORT_ROLES = (Role.ORG_ADMIN, Role.IT_LEAD)


@dataclass(frozen=True)
class OrganisationAccess:
    """What one user may use for one organisation, from the roles they hold in it."""

    organisation: Organisation
    roles: frozenset

    def allows(self, allowed_roles) -> bool:
        return not self.roles.isdisjoint(allowed_roles)

    @property
    def wizard(self) -> bool:
        return self.allows(WIZARD_ROLES)

    @property
    def team(self) -> bool:
        return self.allows(TEAM_ROLES)

    @property
    def ra_requests(self) -> bool:
        return self.allows(RA_REQUEST_ROLES)

    @property
    def plan(self) -> bool:
        return self.allows(PLAN_ROLES)

    @property
    def training(self) -> bool:
        return self.allows(TRAINING_ROLES)

    @property
    def reports(self) -> bool:
        return self.allows(REPORT_ROLES)

    def may_open(self, url: str) -> bool:
        """Whether the organisation page at ``url`` lets this user in, by the view's own ``allowed_roles``.

        For links the page builds from data (an action plan, a timeline entry). Another organisation's
        page and a path that resolves to nothing are False; pages outside any organisation are True.
        """
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            return False
        allowed_roles = view_allowed_roles(match.func)
        if allowed_roles is None:
            return True
        if normalise_ods_code(match.kwargs.get("ods_code", "")) != self.organisation.ods_code:
            return False
        return self.allows(allowed_roles)


def view_allowed_roles(view) -> tuple | None:
    """The membership roles an organisation view admits, or None for a view outside any organisation."""
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return view_class.allowed_roles if issubclass(view_class, OrganisationMemberMixin) else None
    return getattr(view, "allowed_roles", None)


def organisation_access(user, organisation: Organisation) -> OrganisationAccess:
    roles = organisation.memberships.filter(user=user).values_list("role", flat=True)
    return OrganisationAccess(organisation, frozenset(roles) if user.is_authenticated else frozenset())


ODS_CODE_PLACEHOLDER = "ods-code-placeholder"
# One compiled membership query for each set of relations a view asks for (a class attribute each).
_MEMBERSHIP_QUERIES: dict[tuple[str, ...], CompiledQuery] = {}


def _membership_query(organisation_related: tuple[str, ...]) -> CompiledQuery:
    if organisation_related not in _MEMBERSHIP_QUERIES:
        related = ["organisation__icb", *(f"organisation__{name}" for name in organisation_related)]
        _MEMBERSHIP_QUERIES[organisation_related] = CompiledQuery(
            lambda user_id, ods_code: Membership.objects.filter(
                user_id=user_id, organisation__ods_code=ods_code
            ).select_related(*related),
            (PLACEHOLDER, ODS_CODE_PLACEHOLDER),
        )
    return _MEMBERSHIP_QUERIES[organisation_related]


def access_for_ods_code(
    user, ods_code: str, allowed_roles, *, organisation_related: tuple[str, ...] = ()
) -> OrganisationAccess:
    """``user``'s access to the organisation with ``ods_code`` if one of ``allowed_roles`` is theirs there.

    One query, which also loads the organisation's ICB: the organisation pages name it (and find the
    RA support through it), and any other single-valued relations of the organisation the page
    names in ``organisation_related``. Another organisation's code gives the same 404 as a code
    that does not exist, so a tampered URL tells nothing about what exists. Every organisation
    page asks this first, so the query is compiled once per connection (``CompiledQuery``).
    """
    memberships = _membership_query(tuple(organisation_related)).instances(
        user.pk, normalise_ods_code(ods_code)
    )
    if not memberships:
        raise Http404("No such organisation")
    access = OrganisationAccess(memberships[0].organisation, frozenset(m.role for m in memberships))
    if not access.allows(allowed_roles):
        raise Http404("No such organisation")
    return access


# Asked on every admin page and several portal pages: compiled once per connection.
TEAM_MEMBERSHIP = CompiledQuery(
    lambda user_id: RATeamMembership.objects.filter(user_id=user_id).select_related("provider")
)
NATIONAL_ADMINISTRATORS_GROUP = CompiledQuery(
    lambda user_id: Group.objects.filter(user=user_id, name=NATIONAL_ADMINISTRATORS).values_list("pk")
)


def ra_provider_for_user(user) -> RAProvider | None:
    """The RA provider whose team the user works in. RA team work is staff work (the triage list is
    in the admin site, and adding someone to a team makes them staff), so an account whose staff flag
    was taken away acts for no provider anywhere, not on some pages and not others."""
    if not (user.is_authenticated and user.is_staff):
        return None
    accessor = RATeamMembership._meta.get_field("user").remote_field
    if not accessor.is_cached(user):
        # Kept on the user as the ``ra_team_membership`` accessor keeps it, for the rest of the request.
        memberships = TEAM_MEMBERSHIP.instances(user.pk)
        accessor.set_cached_value(user, memberships[0] if memberships else None)
    membership = getattr(user, "ra_team_membership", None)
    return membership.provider if membership else None


def is_national_admin(user) -> bool:
    """Asked several times a request (admin scoping, the admin's app list, pages' links): the answer
    is kept on the user object, for as long as Django keeps its permissions there (``_perm_cache``)."""
    if not (user.is_authenticated and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_national_admin"):
        user._is_national_admin = bool(NATIONAL_ADMINISTRATORS_GROUP.rows(user.pk))
    return user._is_national_admin


def can_manage_account(actor, account) -> bool:
    """Whether ``actor`` may change or delete ``account`` in the admin.

    Superusers manage everyone. Anyone else manages only ordinary (non-staff) accounts and their
    own: a national administrator cannot take over a superuser, another national administrator or
    an RA team member by changing their password, email, flags or groups.
    """
    if actor.is_superuser:
        return True
    if account is None or account.pk == actor.pk:
        return True
    return not (account.is_staff or account.is_superuser)


class OrganisationMemberMixin(LoginRequiredMixin):
    """For views under ``<str:ods_code>/``: sets ``self.organisation`` or answers 404.

    ``allowed_roles`` lists the membership roles that may use the view.
    """

    allowed_roles: tuple[str, ...] = (Role.ORG_ADMIN,)
    # The organisation's one-to-one relations the view reads, loaded with the membership.
    organisation_related: tuple[str, ...] = ()
    organisation: Organisation

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.access = access_for_ods_code(
            request.user,
            kwargs["ods_code"],
            self.allowed_roles,
            organisation_related=self.organisation_related,
        )
        self.organisation = self.access.organisation
        request.organisation = self.organisation
        request.organisation_access = self.access
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["organisation"] = self.organisation
        return context


def organisation_member_required(*allowed_roles):
    """Function-view twin of OrganisationMemberMixin: passes ``organisation`` to the view."""
    roles = allowed_roles or (Role.ORG_ADMIN,)

    def decorator(view):
        @wraps(view)
        def wrapped(request, ods_code, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            access = access_for_ods_code(request.user, ods_code, roles)
            request.organisation = access.organisation
            request.organisation_access = access
            return view(request, access.organisation, *args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
