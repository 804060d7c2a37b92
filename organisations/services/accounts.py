"""Accounts: sign-up of an organisation's first admin, email confirmation, admin-created users and
lifting a lockout."""

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import emails
from ..models import OrganisationClaim, RAProvider, User
from .claims import check_claimable, forward_confirmed_claims, submit_claim
from .links import CONFIRMATION_SALT, LINK_INVALID, _normalise_email, _unsign, make_confirmation_token


def _queue_confirmation_email(user: User, organisation_name: str) -> None:
    token = make_confirmation_token(user)
    subject, body = emails.confirmation_email(
        first_name=user.first_name or user.email,
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
    password: str,
    ods_code: str,
    organisation_name: str,
    organisation_type: str,
    icb: RAProvider,
) -> User:
    """Sign up someone asking to become an organisation's admin.

    Creates an inactive user and their claim to the organisation (``submit_claim``), and queues
    the confirmation email (sent after commit). No organisation or role is created until the
    email is confirmed and the claim approved. Refuses, changing nothing, when the email already
    has an account or the code cannot be claimed (an RA provider's code, or an organisation that
    already has an admin, who must invite instead).
    """
    email = _normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise _account_exists()
    check_claimable(ods_code=ods_code, icb=icb)
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), is_active=False)
    try:
        password_validation.validate_password(password, user=user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    try:
        # A savepoint: two sign-ups with one address at the same moment give the loser a message.
        with transaction.atomic():
            user.save()
    except IntegrityError as error:
        raise _account_exists() from error
    claim = submit_claim(
        user,
        ods_code=ods_code,
        organisation_name=organisation_name,
        organisation_type=organisation_type,
        icb=icb,
    )
    _queue_confirmation_email(user, claim.organisation_name)
    return user


def _account_exists() -> ValidationError:
    return ValidationError(
        {
            "email": "An account already exists for this email address. Sign in, or reset "
            "your password if you have forgotten it"
        }
    )


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
    forward_confirmed_claims(user)
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
    claim = user.organisation_claims.first()
    _queue_confirmation_email(user, claim.organisation_name if claim else "your organisation")
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
