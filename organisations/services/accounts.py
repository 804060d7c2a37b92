"""Accounts: sign-up of an organisation's first admin, email confirmation, admin-created users and
lifting a lockout."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .. import emails
from ..models import Membership, Organisation, RAProvider, Role, User
from ..validators import normalise_ods_code, validate_ods_code
from .directory import create_organisation
from .links import CONFIRMATION_SALT, LINK_INVALID, _normalise_email, _unsign, make_confirmation_token
from .memberships import add_membership, organisation_admin_exists


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


def _organisation_for_new_admin(
    *, ods_code: str, organisation_name: str, organisation_type: str, icb: RAProvider
) -> Organisation:
    """The organisation a new admin takes on: the existing one (locked), or a new one.

    Raises ValidationError when the organisation already has an admin or, for a new one, the ICB
    has closed. Call inside the caller's transaction, so a later refusal undoes the creation.
    """
    ods_code = normalise_ods_code(ods_code)
    validate_ods_code(ods_code)
    organisation = Organisation.objects.select_for_update().filter(ods_code=ods_code).first()
    if organisation is not None:
        if organisation_admin_exists(organisation):
            raise ValidationError(
                {
                    "ods_code": f"{organisation.name} ({organisation.ods_code}) already has an organisation "
                    "admin on this portal. Ask them to invite you from their team page"
                }
            )
        return organisation
    if not icb.is_active:
        closed = f"{icb.name} closed on {icb.closed_on:%-d %B %Y}"
        raise ValidationError({"icb": f"{closed}. Select the ICB that took over your area"})
    return create_organisation(
        ods_code=ods_code, name=organisation_name, organisation_type=organisation_type, icb=icb
    )


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
    organisation = _organisation_for_new_admin(
        ods_code=ods_code, organisation_name=organisation_name, organisation_type=organisation_type, icb=icb
    )
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        # Raised inside this transaction, so a new organisation is not kept either.
        raise ValidationError({"password1": error.messages}) from error
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
    organisation = _organisation_for_new_admin(
        ods_code=ods_code, organisation_name=organisation_name, organisation_type=organisation_type, icb=icb
    )
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
