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
from .claims import (
    approve_claim,
    can_decide_claim,
    check_claimable,
    forward_confirmed_claims,
    refuse_claim,
    reviewing_team_for,
    submit_claim,
    withdraw_claim,
)
from .directory import (
    add_ra_team_member,
    create_organisation,
    is_ra_provider_code,
    make_national_admin,
    remove_ra_team_member,
    update_organisation_icb,
)
from .directory_entries import (
    confirm_directory_entry,
    flag_bouncing_contacts,
    record_contact_from_national_team,
    send_confirmation_reminders,
    update_directory_entry,
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
    change_membership_role,
    delete_membership,
    invitation_for_token,
    invite_member,
    lock_organisation,
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
    "approve_claim",
    "can_decide_claim",
    "cancel_invitation",
    "change_membership_role",
    "check_claimable",
    "check_confirmation_token",
    "clear_failed_sign_ins",
    "confirm_directory_entry",
    "confirm_email",
    "create_organisation",
    "create_user_by_admin",
    "delete_expired_sign_ups",
    "delete_membership",
    "expired_sign_ups",
    "flag_bouncing_contacts",
    "forward_confirmed_claims",
    "has_confirmed_account",
    "invitation_for_token",
    "invite_member",
    "is_ra_provider_code",
    "lock_organisation",
    "make_confirmation_token",
    "make_invitation_token",
    "make_national_admin",
    "organisation_admin_exists",
    "record_contact_from_national_team",
    "refuse_claim",
    "register_organisation",
    "register_organisation_admin",
    "remove_membership",
    "remove_ra_team_member",
    "resend_confirmation",
    "reviewing_team_for",
    "role_phrase",
    "send_confirmation_reminders",
    "submit_claim",
    "update_directory_entry",
    "update_organisation_icb",
    "withdraw_claim",
]
