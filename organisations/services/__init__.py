"""Every change to organisations, memberships, accounts and the RA directory goes through here.

Split by sub-domain: ``directory`` (organisations, ICBs, RA teams, national administrators),
``memberships`` (roles and invitations), ``accounts`` (sign-up, email confirmation, admin-created
users) and ``links`` (the signed account links). Account links are ``TimestampSigner`` tokens that
expire after ``settings.ACCOUNT_LINK_MAX_AGE_SECONDS``; their emails go through the notifications
outbox. Every public name stays importable from ``organisations.services``.
"""

# Callers catch ``services.ValidationError`` and ``services.PermissionDenied``: Django's own
# exceptions, re-exported for them as the single module used to offer.
from django.core.exceptions import PermissionDenied, ValidationError

from .accounts import (
    check_confirmation_token,
    clear_failed_sign_ins,
    confirm_email,
    create_user_by_admin,
    delete_expired_sign_ups,
    expired_sign_ups,
    has_confirmed_account,
    register_organisation,
    register_organisation_admin,
    resend_confirmation,
)
from .directory import (
    add_ra_team_member,
    create_organisation,
    make_national_admin,
    remove_ra_team_member,
    update_organisation_icb,
)
from .links import (
    CONFIRMATION_SALT,
    INVITATION_SALT,
    LINK_EXPIRED,
    LINK_INVALID,
    LINK_USED,
    make_confirmation_token,
    make_invitation_token,
)
from .memberships import (
    ROLE_GROUPS,
    ROLE_PHRASES,
    accept_invitation,
    add_membership,
    cancel_invitation,
    delete_membership,
    invitation_for_token,
    invite_member,
    organisation_admin_exists,
    remove_membership,
    role_phrase,
)

__all__ = [
    "CONFIRMATION_SALT",
    "INVITATION_SALT",
    "LINK_EXPIRED",
    "LINK_INVALID",
    "LINK_USED",
    "ROLE_GROUPS",
    "ROLE_PHRASES",
    "PermissionDenied",
    "ValidationError",
    "accept_invitation",
    "add_membership",
    "add_ra_team_member",
    "cancel_invitation",
    "check_confirmation_token",
    "clear_failed_sign_ins",
    "confirm_email",
    "create_organisation",
    "create_user_by_admin",
    "delete_expired_sign_ups",
    "delete_membership",
    "expired_sign_ups",
    "has_confirmed_account",
    "invitation_for_token",
    "invite_member",
    "make_confirmation_token",
    "make_invitation_token",
    "make_national_admin",
    "organisation_admin_exists",
    "register_organisation",
    "register_organisation_admin",
    "remove_membership",
    "remove_ra_team_member",
    "resend_confirmation",
    "role_phrase",
    "update_organisation_icb",
]
