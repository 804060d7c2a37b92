"""Accounts: sign-up of an organisation's first admin, email confirmation, admin-created users and
lifting a lockout.

A password is only ever chosen by someone who has proved they own the email address: sign-up
creates an inactive account with no usable password, and the confirmation link (or an invitation
link) is where the password is set. Unconfirmed sign-ups expire after
``settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS`` and are then treated as absent (and deleted by
``delete_expired_sign_ups``).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from .. import emails
from ..models import Membership, Organisation, RAProvider, Role, User
from ..validators import normalise_ods_code, validate_ods_code, validate_single_line
from .directory import create_organisation
from .links import (
    CONFIRMATION_SALT,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_USED,
    _normalise_email,
    _unsign,
    make_confirmation_token,
    matches_account_state,
)
from .memberships import add_membership, organisation_admin_exists


def unconfirmed_sign_ups() -> QuerySet[User]:
    """Accounts created by sign-up whose owner has not yet confirmed the email address."""
    return User.objects.filter(
        email_confirmed_at__isnull=True, is_active=False, is_staff=False, is_superuser=False
    )


def _sign_up_cutoff():
    return timezone.now() - timedelta(seconds=settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS)


def expired_sign_ups() -> QuerySet[User]:
    return unconfirmed_sign_ups().filter(date_joined__lt=_sign_up_cutoff())


def is_unconfirmed_sign_up(user: User) -> bool:
    return unconfirmed_sign_ups().filter(pk=user.pk).exists()


def has_confirmed_account(email: str) -> bool:
    """True if ``email`` belongs to an account that must sign in (not an unconfirmed sign-up)."""
    users = User.objects.filter(email__iexact=_normalise_email(email))
    return users.exclude(pk__in=unconfirmed_sign_ups().values("pk")).exists()


@transaction.atomic
def delete_expired_sign_ups() -> int:
    """Delete unconfirmed sign-ups past their lifetime (and their memberships). Safe to repeat.

    Returns how many accounts were deleted.
    """
    expired = list(expired_sign_ups().select_for_update().values_list("pk", flat=True))
    User.objects.filter(pk__in=expired).delete()
    return len(expired)


def _save_new_account(user: User) -> None:
    """Insert ``user``; a ValidationError on the email if a simultaneous request took the address."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise ValidationError(
            {
                "email": "An account was created for this email address a moment ago. "
                "Sign in, or check your email"
            }
        ) from error


def set_password_of_address_owner(user: User, *, password: str, first_name=None, last_name=None) -> User:
    """Set the password (and names) chosen by someone who has just proved they own ``user.email``,
    and mark the address confirmed. Call inside the caller's transaction."""
    if first_name is not None:
        user.first_name = first_name.strip()
    if last_name is not None:
        user.last_name = last_name.strip()
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    user.email_confirmed_at = timezone.now()
    user.is_active = True
    if user.pk is None:
        _save_new_account(user)
    else:
        user.save()
    return user


def _queue_confirmation_email(user: User, organisation: Organisation | None) -> None:
    token = make_confirmation_token(user)
    subject, body = emails.confirmation_email(
        full_name=user.get_full_name(),
        organisation_name=organisation.name if organisation else "",
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
    ods_code: str,
    organisation_name: str,
    organisation_type: str,
    icb: RAProvider,
) -> User:
    """Sign up the first admin of an organisation.

    Creates the organisation if it is new, an inactive user with no usable password (they choose
    one when they open the confirmation link), their admin membership, and queues the confirmation
    email (sent after commit). An expired unconfirmed sign-up for the address is replaced. Refuses,
    changing nothing, when the email already has an account or the organisation already has an
    admin (who must invite instead).
    """
    email = _normalise_email(email)
    for name in (first_name, last_name):
        validate_single_line(name)
    expired_sign_ups().filter(email__iexact=email).delete()
    if unconfirmed_sign_ups().filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": "An account for this email address is waiting for the address to be confirmed. "
                "Use the link in the email we sent, or ask for a new link"
            }
        )
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
    user.set_unusable_password()
    _save_new_account(user)
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


def check_confirmation_token(token: str, *, for_update: bool = False) -> User:
    """The unconfirmed account a confirmation link was made for.

    Raises ValidationError with code ``expired`` (the link or the sign-up is too old), ``used``
    (the account is confirmed, or its password changed, since the link was sent) or ``invalid``.
    """
    payload = _unsign(token, salt=CONFIRMATION_SALT)
    users = User.objects.select_for_update() if for_update else User.objects
    user = users.filter(pk=payload.get("user"), email=payload.get("email")).first()
    if user is None:
        raise ValidationError("This link is not valid.", code=LINK_INVALID)
    if not matches_account_state(user, payload.get("state")) or not is_unconfirmed_sign_up(user):
        raise ValidationError("This link has already been used.", code=LINK_USED)
    if user.date_joined < _sign_up_cutoff():
        raise ValidationError("This link has expired.", code=LINK_EXPIRED)
    return user


@transaction.atomic
def confirm_email(token: str, *, password: str) -> User:
    """Confirm the address a link was sent to, set the password its owner chose, and activate.

    The link works once: afterwards it raises ValidationError with code ``used``. Raises
    ValidationError (on ``password1``) for a password the validators refuse, changing nothing.
    """
    user = check_confirmation_token(token, for_update=True)
    return set_password_of_address_owner(user, password=password)


@transaction.atomic
def resend_confirmation(*, email: str) -> User | None:
    """Queue a fresh confirmation link if ``email`` has an unconfirmed, unexpired sign-up.

    Returns the user, or None (and sends nothing) for an unknown, expired or already confirmed
    address; callers show the same message either way so the answer reveals nothing.
    """
    user = (
        unconfirmed_sign_ups()
        .filter(email__iexact=_normalise_email(email), date_joined__gte=_sign_up_cutoff())
        .first()
    )
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
