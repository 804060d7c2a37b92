"""Roles in an organisation: adding and removing them, and inviting people to take them."""

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import emails, roles
from ..models import Invitation, Membership, Organisation, OrganisationClaim, Role, User
from ..validators import validate_single_line
from .links import INVITATION_SALT, LINK_INVALID, _normalise_email, _unsign, make_invitation_token

ROLE_GROUPS = {Role.ORG_ADMIN: roles.ORG_ADMINS, Role.IT_LEAD: roles.IT_LEADS}


@transaction.atomic
def add_membership(organisation: Organisation, *, user: User, role: str) -> Membership:
    """Give ``user`` ``role`` in ``organisation`` (and the matching group). Idempotent."""
    membership, _ = Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    user.groups.add(Group.objects.get_or_create(name=ROLE_GROUPS[Role(role)])[0])
    return membership


ROLE_PHRASES = {Role.ORG_ADMIN: "an organisation admin", Role.IT_LEAD: "an IT lead"}


def role_phrase(role: str) -> str:
    """The role as it reads in a sentence: "an IT lead", "an organisation admin"."""
    return ROLE_PHRASES[Role(role)]


def organisation_admin_exists(organisation: Organisation) -> bool:
    return organisation.memberships.filter(role=Role.ORG_ADMIN).exists()


def _require_org_admin(organisation: Organisation, user: User) -> None:
    if not Membership.objects.filter(organisation=organisation, user=user, role=Role.ORG_ADMIN).exists():
        raise PermissionDenied("Only this organisation's admins can manage its team")


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
    """Accept an invitation: add the role to the signed-in ``user``, or to the invited person.

    With ``user``, their email must be the invited address. Without it, the link proves they own
    the address: a new, active account is created with the given name and password, or an
    unconfirmed sign-up for the address is confirmed and given that name and password (whatever
    password its sign-up chose is never kept, nor the roles it asked for). A confirmed account must
    sign in instead.
    """
    from .accounts import is_unconfirmed_sign_up, set_password_of_address_owner

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
        if user.email_confirmed_at is None:
            # Opening the link proves they own the address.
            user.email_confirmed_at = timezone.now()
            user.save(update_fields=["email_confirmed_at"])
    else:
        for name in (first_name, last_name):
            validate_single_line(name)
        user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
        if user is not None and not is_unconfirmed_sign_up(user):
            raise ValidationError(
                f"An account already exists for {invitation.email}. Sign in to accept the invitation",
                code="existing_user",
            )
        if user is not None:
            # Roles the unconfirmed sign-up asked for were never confirmed by whoever owns the
            # address (it may have been someone else): the invitation is all they accept here.
            for unconfirmed_membership in user.memberships.all():
                delete_membership(unconfirmed_membership)
            user.organisation_claims.filter(status=OrganisationClaim.Status.UNCONFIRMED).update(
                status=OrganisationClaim.Status.EXPIRED
            )
        user = set_password_of_address_owner(
            user or User(email=invitation.email),
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
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


def lock_organisation(organisation: Organisation) -> Organisation:
    """Lock ``organisation``'s row until the transaction ends, and return it fresh.

    Every change that can take away an admin takes this lock first, so two such changes to one
    organisation run one after the other and the second sees what the first did. (A
    ``select_for_update().count()`` locks nothing: PostgreSQL cannot lock rows for an aggregate.)
    """
    return Organisation.objects.select_for_update().get(pk=organisation.pk)


def _check_an_admin_remains(organisation: Organisation, *, losing: Membership) -> None:
    """Refuse when ``losing`` is the last admin of an organisation that keeps other members.

    Call with the organisation locked (``lock_organisation``).
    """
    if losing.role != Role.ORG_ADMIN:
        return
    memberships = Membership.objects.filter(organisation=organisation).exclude(pk=losing.pk)
    if not memberships.exists():
        return  # the organisation is left with no members at all, so no one is left without an admin
    if not memberships.filter(role=Role.ORG_ADMIN).exists():
        raise ValidationError(
            f"{losing.user.display_name} is the only organisation admin at {organisation.name}. "
            "Make someone else an admin first",
            code="last_admin",
        )


@transaction.atomic
def remove_membership(membership: Membership, *, acting_user: User) -> None:
    """Take a role away from a member. The organisation always keeps at least one admin.

    Locks the organisation first, then checks the acting user is still an admin and the role is
    still there, so two admins removing each other at the same moment cannot both succeed.
    Removes the matching role group when the user no longer holds that role anywhere.
    """
    organisation = lock_organisation(membership.organisation)
    _require_org_admin(organisation, acting_user)
    membership = Membership.objects.select_related("user").filter(pk=membership.pk).first()
    if membership is None or membership.organisation_id != organisation.pk:
        raise ValidationError("That person no longer has this role", code="gone")
    if membership.role == Role.ORG_ADMIN:
        admins = Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN)
        if not admins.exclude(pk=membership.pk).exists():
            if membership.user_id == acting_user.pk:
                message = (
                    "You are the only organisation admin, so you cannot remove your own admin role. "
                    "Invite another admin first"
                )
            else:
                message = f"{membership.user.display_name} is the only organisation admin"
            raise ValidationError(message, code="last_admin")
    _delete_membership(membership)


@transaction.atomic
def delete_membership(membership: Membership) -> None:
    """Delete a membership, and its role group when the user no longer holds that role anywhere.

    For the admin site (national administrators and superusers): no organisation-admin check,
    but the last admin of an organisation that keeps other members is never deleted
    (ValidationError), checked with the organisation locked.
    """
    organisation = lock_organisation(membership.organisation)
    membership = Membership.objects.select_related("user").filter(pk=membership.pk).first()
    if membership is None:
        return
    _check_an_admin_remains(organisation, losing=membership)
    _delete_membership(membership)


@transaction.atomic
def change_membership_role(membership: Membership, *, role: str) -> Membership:
    """Move a membership to another role (the admin site). Demoting the last admin is refused.

    When the person already holds ``role`` there, the old membership simply goes.
    """
    role = Role(role)
    organisation = lock_organisation(membership.organisation)
    membership = Membership.objects.select_related("user").get(pk=membership.pk)
    if membership.role == role:
        return membership
    _check_an_admin_remains(organisation, losing=membership)
    user = membership.user
    new_membership = add_membership(organisation, user=user, role=role)
    _delete_membership(membership)
    return new_membership


def _delete_membership(membership: Membership) -> None:
    user, role = membership.user, membership.role
    membership.delete()
    if not Membership.objects.filter(user=user, role=role).exists():
        group = Group.objects.filter(name=ROLE_GROUPS[Role(role)]).first()
        if group is not None:
            user.groups.remove(group)
