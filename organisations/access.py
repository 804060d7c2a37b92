"""Who may see what: organisation members see their organisations; RA team members their provider."""

from functools import wraps

from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .models import Organisation, RAProvider, Role
from .validators import normalise_ods_code


def organisations_for_user(user, roles=None):
    """The organisations ``user`` belongs to, optionally only those where they hold one of ``roles``."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    memberships = {"memberships__user": user}
    if roles:
        memberships["memberships__role__in"] = list(roles)
    return Organisation.objects.filter(**memberships).distinct()


def get_organisation_for_user(user, ods_code: str, roles=None) -> Organisation:
    """The organisation with ``ods_code`` if ``user`` holds one of ``roles`` in it; 404 otherwise.

    Another organisation's code gives the same 404 as a code that does not exist, so a tampered
    URL tells nothing about what exists.
    """
    organisation = organisations_for_user(user, roles).filter(ods_code=normalise_ods_code(ods_code)).first()
    if organisation is None:
        raise Http404("No such organisation")
    return organisation


def is_org_admin(user, organisation: Organisation) -> bool:
    return organisation.memberships.filter(user=user, role=Role.ORG_ADMIN).exists()


def ra_provider_for_user(user) -> RAProvider | None:
    if not user.is_authenticated:
        return None
    membership = getattr(user, "ra_team_membership", None)
    return membership.provider if membership else None


def is_national_admin(user) -> bool:
    from .roles import NATIONAL_ADMINISTRATORS

    return bool(
        user.is_authenticated
        and user.is_staff
        and (user.is_superuser or user.groups.filter(name=NATIONAL_ADMINISTRATORS).exists())
    )


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
    organisation: Organisation

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.organisation = get_organisation_for_user(request.user, kwargs["ods_code"], self.allowed_roles)
        request.organisation = self.organisation
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
            organisation = get_organisation_for_user(request.user, ods_code, roles)
            request.organisation = organisation
            return view(request, organisation, *args, **kwargs)

        return wrapped

    return decorator
