"""Signed account links (email confirmation, invitations) and the email address form they carry.

Links are ``TimestampSigner`` tokens that expire after ``settings.ACCOUNT_LINK_MAX_AGE_SECONDS``.
A confirmation link also carries a fingerprint of the account's state (password, confirmation
time, email), so it works once: confirming, or any change of password, ends it.
"""

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import Invitation, User

CONFIRMATION_SALT = "organisations.confirm-email"
INVITATION_SALT = "organisations.invitation"

LINK_EXPIRED = "expired"
LINK_INVALID = "invalid"
LINK_USED = "used"


def _signer(salt: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=salt)


def _unsign(token: str, *, salt: str) -> dict:
    """The payload of a signed account link; ValidationError (code expired/invalid) otherwise."""
    try:
        payload = _signer(salt).unsign_object(token, max_age=settings.ACCOUNT_LINK_MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise ValidationError("This link has expired.", code=LINK_EXPIRED) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise ValidationError("This link is not valid.", code=LINK_INVALID) from error
    if not isinstance(payload, dict):
        raise ValidationError("This link is not valid.", code=LINK_INVALID)
    return payload


def account_state(user: User) -> str:
    """A short fingerprint of what a confirmation link may act on; it changes once the link is used."""
    state = f"{user.pk}:{user.email}:{user.password}:{user.email_confirmed_at}:{user.is_active}"
    return salted_hmac(CONFIRMATION_SALT, state).hexdigest()[:24]


def matches_account_state(user: User, fingerprint) -> bool:
    return isinstance(fingerprint, str) and constant_time_compare(account_state(user), fingerprint)


def make_confirmation_token(user: User) -> str:
    # The email is part of the token, so a link stops working if the address changes.
    return _signer(CONFIRMATION_SALT).sign_object(
        {"user": user.pk, "email": user.email, "state": account_state(user)}
    )


def make_invitation_token(invitation: Invitation) -> str:
    return _signer(INVITATION_SALT).sign_object({"invitation": invitation.pk, "email": invitation.email})


def _normalise_email(email: str) -> str:
    return User.objects.normalize_email((email or "").strip()).lower()
