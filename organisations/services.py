"""Every change to organisations, memberships, accounts and the RA directory goes through here.

Account links (email confirmation, invitations) are ``TimestampSigner`` tokens that expire after
``settings.ACCOUNT_LINK_MAX_AGE_SECONDS``; their emails go through the notifications outbox.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.models import Group
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from . import emails, roles
from .models import Invitation, Membership, Organisation, RAProvider, RATeamMembership, Role, User
from .validators import normalise_ods_code, validate_ods_code

ROLE_GROUPS = {Role.ORG_ADMIN: roles.ORG_ADMINS, Role.IT_LEAD: roles.IT_LEADS}


@transaction.atomic
def create_organisation(*, ods_code: str, name: str, organisation_type: str, icb: RAProvider) -> Organisation:
    ods_code = normalise_ods_code(ods_code)
    validate_ods_code(ods_code)
    if icb.kind != RAProvider.Kind.ICB:
        raise ValidationError({"icb": "Select an integrated care board"})
    if Organisation.objects.filter(ods_code=ods_code).exists():
        raise ValidationError({"ods_code": "An organisation with this ODS code is already registered"})
    return Organisation.objects.create(
        ods_code=ods_code, name=name.strip(), organisation_type=organisation_type, icb=icb
    )


@transaction.atomic
def update_organisation_icb(organisation: Organisation, *, icb: RAProvider, acting_user=None) -> Organisation:
    """Move an organisation to another ICB, e.g. to one of the successors of a split ICB."""
    if icb.kind != RAProvider.Kind.ICB:
        raise ValidationError("Select an integrated care board")
    if not icb.is_active:
        raise ValidationError(f"{icb.name} closed on {icb.closed_on:%-d %B %Y}: select an active ICB")
    organisation.icb = icb
    if acting_user is not None:
        organisation._history_user = acting_user
    organisation.save(update_fields=["icb", "updated_at"])
    return organisation


@transaction.atomic
def add_membership(organisation: Organisation, *, user: User, role: str) -> Membership:
    """Give ``user`` ``role`` in ``organisation`` (and the matching group). Idempotent."""
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])[0])
    return membership


@transaction.atomic
def add_ra_team_member(provider: RAProvider, *, user: User) -> RATeamMembership:
    """Make ``user`` a member of ``provider``'s RA team, with access to the admin triage site."""
    membership, _ = RATeamMembership.objects.update_or_create(user=user, defaults={"provider": provider})
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=roles.RA_TEAM_MEMBERS)[0])
    return membership


@transaction.atomic
def make_national_admin(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=roles.NATIONAL_ADMINISTRATORS)[0])
    return user


# --- Accounts: sign-up, email confirmation, invitations, team roles ------------------------------

CONFIRMATION_SALT = "organisations.confirm-email"
INVITATION_SALT = "organisations.invitation"

LINK_EXPIRED = "expired"
LINK_INVALID = "invalid"


def _signer(salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=salt)


def _unsign(token: str, *, salt: str) -> dict:
    """The payload of a signed account link; ValidationError (code expired/invalid) otherwise."""
    try:
        return _signer(salt).unsign_object(token, max_age=settings.ACCOUNT_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise ValidationError("This link has expired.", code=LINK_EXPIRED) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError("This link is not valid.", code=LINK_INVALID) from error


def make_confirmation_token(user: User) -> str:
    # The email is part of the token, so a link stops working if the address changes.
    return _signer(CONFIRMATION_SALT).sign_object({"user": user.pk, "email": user.email})


def make_invitation_token(invitation: Invitation) -> str:
    return _signer(INVITATION_SALT).sign_object({"invitation": invitation.pk, "email": invitation.email})


def _queue_confirmation_email(user: User, organisation: Organisation | None) -> None:
    token = make_confirmation_token(user)
    subject, body = emails.confirmation_email(
        first_name=user.first_name or user.email,
        organisation_name=organisation.name if organisation else "your organisation",
        link=emails.absolute_url(reverse("organisations:confirm_email", args=[token])),
    )
    emails.queue_account_email(
        kind="confirm", secret=token, to=user.email, subject=subject, body=body, organisation=organisation
    )


def _queue_invitation_email(invitation: Invitation) -> None:
    token = make_invitation_token(invitation)
    inviter = invitation.invited_by.display_name if invitation.invited_by else "An organisation admin"
    subject, body = emails.invitation_email(
        organisation_name=invitation.organisation.name,
        role_phrase=role_phrase(invitation.role),
        invited_by_name=inviter,
        link=emails.absolute_url(reverse("organisations:accept_invitation", args=[token])),
    )
    emails.queue_account_email(
        kind="invite",
        secret=token,
        to=invitation.email,
        subject=subject,
        body=body,
        organisation=invitation.organisation,
    )


ROLE_PHRASES = {Role.ORG_ADMIN: "an organisation admin", Role.IT_LEAD: "an IT lead"}


def role_phrase(role: str) -> str:
    """The role as it reads in a sentence: "an IT lead", "an organisation admin"."""
    return ROLE_PHRASES[Role(role)]


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()


def organisation_admin_exists(organisation: Organisation) -> bool:
    return organisation.memberships.filter(role=Role.ORG_ADMIN).exists()


def _organisation_for_new_admin(
    *, ods_code: str, organisation_name: str, organisation_type: str, icb: RAProvider
) -> tuple[Organisation | None, dict]:
    """The existing organisation a new admin would join (None if it is new), after the checks.

    Raises ValidationError when the organisation already has an admin or the ICB has closed.
    Returns the arguments ``create_organisation`` needs when it is new.
    """
    ods_code = normalise_ods_code(ods_code)
    validate_ods_code(ods_code)
    organisation = Organisation.objects.select_for_update().filter(ods_code=ods_code).first()
    if organisation is not None and organisation_admin_exists(organisation):
        raise ValidationError(
            {
                "ods_code": f"{organisation.name} ({organisation.ods_code}) already has an organisation "
                "admin on this portal. Ask them to invite you from their team page"
            }
        )
    if organisation is None and not icb.is_active:
        closed = f"{icb.name} closed on {icb.closed_on:%-d %B %Y}"
        raise ValidationError({"icb": f"{closed}. Select the ICB that took over your area"})
    new_organisation = {
        "ods_code": ods_code,
        "name": organisation_name,
        "organisation_type": organisation_type,
        "icb": icb,
    }
    return organisation, new_organisation


@transaction.atomic
def register_organisation_admin(
    *,
    email: str,
    first_name: str,
    last_name: str,
    password: str,
    ods_code: str,
    organisation_name: str,
    organisation_type: str,
    icb: RAProvider,
) -> User:
    """Sign up the first admin of an organisation.

    Creates the organisation if it is new, an inactive user, their admin membership, and queues
    the confirmation email (sent after commit). Refuses, changing nothing, when the email already
    has an account or the organisation already has an admin (who must invite instead).
    """
    email = _normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "An account already exists for this email address. Sign in, or reset "
                "your password if you have forgotten it"
            }
        )
    organisation, new_organisation = _organisation_for_new_admin(
        ods_code=ods_code, organisation_name=organisation_name, organisation_type=organisation_type, icb=icb
    )
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    if organisation is None:
        organisation = create_organisation(**new_organisation)
    user.set_password(password)
    user.save()
    add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    _queue_confirmation_email(user, organisation)
    return user


@transaction.atomic
def register_organisation(
    user: User, *, ods_code: str, organisation_name: str, organisation_type: str, icb: RAProvider
) -> Membership:
    """Make a signed-in ``user`` the first admin of another organisation (created if new).

    Same refusals as sign-up: an organisation with an admin must invite instead.
    """
    organisation, new_organisation = _organisation_for_new_admin(
        ods_code=ods_code, organisation_name=organisation_name, organisation_type=organisation_type, icb=icb
    )
    if organisation is None:
        organisation = create_organisation(**new_organisation)
    return add_membership(organisation, user=user, role=Role.ORG_ADMIN)


def check_confirmation_token(token: str) -> User:
    """The user a confirmation link was made for; ValidationError (expired/invalid) otherwise."""
    payload = _unsign(token, salt=CONFIRMATION_SALT)
    user = User.objects.filter(pk=payload.get("user"), email=payload.get("email")).first()
    if user is None:
        raise ValidationError("This link is not valid.", code=LINK_INVALID)
    return user


@transaction.atomic
def confirm_email(token: str) -> User:
    """Activate the account a confirmation link was made for. Safe to repeat.

    Raises ValidationError with code ``expired`` or ``invalid`` for a bad link.
    """
    user = User.objects.select_for_update().get(pk=check_confirmation_token(token).pk)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    return user


@transaction.atomic
def resend_confirmation(*, email: str) -> User | None:
    """Queue a fresh confirmation link if ``email`` has an unconfirmed account.

    Returns the user, or None (and sends nothing) for an unknown or already confirmed address;
    callers show the same message either way so the answer reveals nothing.
    """
    user = User.objects.filter(email__iexact=_normalise_email(email), email_confirmed_at__isnull=True).first()
    if user is None:
        return None
    membership = user.memberships.select_related("organisation").filter(role=Role.ORG_ADMIN).first()
    _queue_confirmation_email(user, membership.organisation if membership else None)
    return user


def _require_org_admin(organisation: Organisation, user: User) -> None:
    if not Membership.objects.filter(organisation=organisation, user=user, role=Role.ORG_ADMIN).exists():
        raise PermissionDenied("Only this organisation's admins can manage its team")


@transaction.atomic
def invite_member(organisation: Organisation, *, email: str, role: str, invited_by: User) -> Invitation:
    """Invite ``email`` to ``organisation`` as ``role`` and queue the invitation email.

    Inviting the same address to the same role again re-sends the waiting invitation with a
    fresh link rather than creating a second one.
    """
    _require_org_admin(organisation, invited_by)
    email = _normalise_email(email)
    role = Role(role)
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email, role=role).exists():
        raise ValidationError({"email": f"{email} is already {role_phrase(role)} at {organisation.name}"})
    invitation = (
        Invitation.objects.filter(organisation=organisation, email__iexact=email, role=role, accepted_at=None)
        .order_by("-created_at")
        .first()
    )
    if invitation is None:
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=invited_by
        )
    _queue_invitation_email(invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation:
    """The waiting invitation a link was made for; ValidationError if the link is bad or used."""
    payload = _unsign(token, salt=INVITATION_SALT)
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=payload.get("invitation"), email=payload.get("email"))
        .first()
    )
    if invitation is None:
        raise ValidationError("This link is not valid.", code=LINK_INVALID)
    if invitation.is_accepted:
        raise ValidationError("This invitation has already been accepted.", code="accepted")
    return invitation


@transaction.atomic
def accept_invitation(
    token: str, *, user: User | None = None, first_name: str = "", last_name: str = "", password: str = ""
) -> Membership:
    """Accept an invitation: add the role to the signed-in ``user``, or create the invited person.

    With ``user``, their email must be the invited address. Without it, a new, active account is
    created with the given name and password (the link proves they own the address).
    """
    invitation = invitation_for_token(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_accepted:
        raise ValidationError("This invitation has already been accepted.", code="accepted")
    if user is not None:
        if user.email.lower() != invitation.email.lower():
            raise ValidationError(
                f"This invitation was sent to {invitation.email}. Sign out and sign in with that email "
                "address to accept it",
                code="wrong_user",
            )
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(
                f"An account already exists for {invitation.email}. Sign in to accept the invitation",
                code="existing_user",
            )
        user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip())
        try:
            password_validation.validate_password(password, user=user)
        except ValidationError as error:
            raise ValidationError({"password1": error.messages}) from error
        user.set_password(password)
        user.email_confirmed_at = timezone.now()
        user.save()
    if user.email_confirmed_at is None:
        # Opening the link proves they own the address.
        user.email_confirmed_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_confirmed_at", "is_active"])
    membership = add_membership(invitation.organisation, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    return membership


@transaction.atomic
def cancel_invitation(invitation: Invitation, *, acting_user: User) -> None:
    """Withdraw a waiting invitation; its link stops working."""
    _require_org_admin(invitation.organisation, acting_user)
    if invitation.is_accepted:
        raise ValidationError("This invitation has already been accepted and cannot be withdrawn")
    invitation.delete()


@transaction.atomic
def remove_membership(membership: Membership, *, acting_user: User) -> None:
    """Take a role away from a member. The organisation always keeps at least one admin.

    Removes the matching role group when the user no longer holds that role anywhere.
    """
    organisation = membership.organisation
    _require_org_admin(organisation, acting_user)
    if membership.role == Role.ORG_ADMIN:
        admins = Membership.objects.select_for_update().filter(organisation=organisation, role=Role.ORG_ADMIN)
        if admins.count() <= 1:
            if membership.user_id == acting_user.pk:
                message = (
                    "You are the only organisation admin, so you cannot remove your own admin role. "
                    "Invite another admin first"
                )
            else:
                message = f"{membership.user.display_name} is the only organisation admin"
            raise ValidationError(message)
    user, role = membership.user, membership.role
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        group = Group.objects.filter(name=ROLE_GROUPS[Role(role)]).first()
        if group is not None:
            user.groups.remove(group)


@transaction.atomic
def remove_ra_team_member(membership: RATeamMembership) -> None:
    """End a user's RA team membership; they keep admin access only if they are a national admin."""
    user = membership.user
    membership.delete()
    group = Group.objects.filter(name=roles.RA_TEAM_MEMBERS).first()
    if group is not None:
        user.groups.remove(group)
    if not user.is_superuser and not user.groups.filter(name=roles.NATIONAL_ADMINISTRATORS).exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])


@transaction.atomic
def create_user_by_admin(user: User, *, acting_user: User) -> User:
    """Save a user a national administrator created in the admin: active and already confirmed."""
    user.email = _normalise_email(user.email)
    user.is_active = True
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
    user._history_user = acting_user
    user.save()
    return user


def clear_failed_sign_ins(user: User) -> None:
    """Forget failed sign-ins for ``user`` (after a password reset), lifting any lockout."""
    from axes.utils import reset

    reset(username=user.email)
