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
from ..models import OrganisationClaim, RAProvider, User
from ..validators import validate_single_line
from .claims import check_claimable, forward_confirmed_claims, submit_claim
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


def _queue_confirmation_email(user: User, organisation_name: str) -> None:
    token = make_confirmation_token(user)
    subject, body = emails.confirmation_email(
        full_name=user.get_full_name(),
        organisation_name=organisation_name,
        link=emails.absolute_url(reverse("organisations:confirm_email", args=[token])),
    )
    emails.queue_account_email(kind="confirm", secret=token, to=user.email, subject=subject, body=body)


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
    """Sign up someone asking to become an organisation's admin.

    Creates an inactive user with no usable password (they choose one when they open the
    confirmation link) and their claim to the organisation (``submit_claim``), and queues the
    confirmation email (sent after commit). No organisation or role is created until the email is
    confirmed and the claim approved. An expired unconfirmed sign-up for the address is replaced.
    Refuses, changing nothing, when the email already has an account or the code cannot be claimed
    (an RA provider's code, or an organisation that already has an admin, who must invite instead).
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
    check_claimable(ods_code=ods_code, icb=icb)
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False)
    user.set_unusable_password()
    _save_new_account(user)
    claim = submit_claim(
        user,
        ods_code=ods_code,
        organisation_name=organisation_name,
        organisation_type=organisation_type,
        icb=icb,
    )
    _queue_confirmation_email(user, claim.organisation_name)
    return user


@transaction.atomic
def register_organisation(
    user: User, *, ods_code: str, organisation_name: str, organisation_type: str, icb: RAProvider
) -> OrganisationClaim:
    """A signed-in ``user`` asks to become the admin of another organisation: ``submit_claim``."""
    return submit_claim(
        user,
        ods_code=ods_code,
        organisation_name=organisation_name,
        organisation_type=organisation_type,
        icb=icb,
    )


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
    """Confirm the address a link was sent to, set the password its owner chose, activate, and send
    the account's waiting organisation claims on (``forward_confirmed_claims``).

    The link works once: afterwards it raises ValidationError with code ``used``. Raises
    ValidationError (on ``password1``) for a password the validators refuse, changing nothing.
    """
    user = check_confirmation_token(token, for_update=True)
    set_password_of_address_owner(user, password=password)
    forward_confirmed_claims(user)
    return user


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
    claim = user.organisation_claims.first()
    _queue_confirmation_email(user, claim.organisation_name if claim else "")
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
