"""National administrators bring RA team members into the portal."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from .. import emails
from ..access import is_national_admin
from ..models import RAProvider, RATeamMembership, User
from .accounts import is_unconfirmed_sign_up
from .directory import add_ra_team_member
from .links import _normalise_email


def _invitation_body(*, provider: RAProvider, invited_by: User, new_account: bool) -> str:
    if new_account:
        reset = emails.absolute_url(reverse("organisations:password_reset"))
        next_step = (
            "To sign in, first choose a password: go to this page, enter this email address and follow "
            f"the link we send you:\n\n{reset}\n\n"
        )
    else:
        login = emails.absolute_url(reverse("organisations:login"))
        next_step = f"Sign in with your existing account:\n\n{login}\n\n"
    return (
        "Hello,\n\n"
        f"{invited_by.display_name}, a national administrator, has added you to {provider.name}'s RA team "
        "on the CIS onboarding portal. You can triage the RA requests routed to your team and keep its "
        "entry in the Find-your-RA directory current.\n\n"
        f"{next_step}"
        "If you were not expecting this, tell the national RA team.\n\n"
        f"{emails.SIGNATURE}\n"
    )


@transaction.atomic
def invite_ra_team_member(
    provider: RAProvider, *, email: str, first_name: str, last_name: str, acting_user: User
) -> RATeamMembership:
    """Add a person to ``provider``'s RA team, creating their account if needed, and email them.

    A new account gets a random password nobody knows: the person chooses their own through
    "Forgotten your password", which proves they control the address. The email itself carries no
    live link.
    """
    if not is_national_admin(acting_user):
        raise PermissionDenied("Only national administrators add RA team members.")
    email = _normalise_email(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is not None and is_unconfirmed_sign_up(user):
        # Inactive, with no usable password: they could neither sign in nor reset it.
        raise ValidationError(
            {
                "email": f"{email} has signed up but not confirmed the address yet. Ask them to use the "
                "link in their confirmation email first, then add them"
            }
        )
    if user is not None:
        current = RATeamMembership.objects.filter(user=user).select_related("provider").first()
        if current is not None and current.provider_id != provider.pk:
            raise ValidationError({"email": f"{email} is already in {current.provider.name}'s RA team"})
        if current is not None:
            raise ValidationError({"email": f"{email} is already in this RA team"})
        if user.is_superuser:
            raise ValidationError({"email": "Choose someone who is not a superuser"})
        new_account = False
    else:
        user = User.objects.create_user(
            email=email,
            password=secrets.token_urlsafe(32),
            first_name=first_name.strip(),
            last_name=last_name.strip(),
        )
        new_account = True
    membership = add_ra_team_member(provider, user=user)
    emails.queue_account_email(
        kind="ra-team-invitation",
        secret=f"{user.pk}:{provider.pk}:{membership.pk}",
        to=user.email,
        subject=f"You have been added to {provider.name}'s RA team on the CIS onboarding portal",
        body=_invitation_body(provider=provider, invited_by=acting_user, new_account=new_account),
    )
    return membership
