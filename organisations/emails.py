"""The words of the account emails, and the one place they are handed to the outbox.

Each ``*_email`` function returns ``(subject, body)``; ``queue_account_email`` writes the outbox row
inside the caller's transaction (the notifications outbox sends it after commit). Anything a person
typed (names, organisation names) is shown quoted and defanged (notifications.user_text), so it
cannot pass for our words or carry a clickable link; the only link is the one we add.
"""

import hashlib

from django.conf import settings

from notifications.user_text import quoted

SIGNATURE = "CIS onboarding portal\nThis is an automated message: replies to it are not read."


def _link_lifetime() -> str:
    hours = settings.ACCOUNT_LINK_MAX_AGE_SECONDS // 3600
    if hours >= 48 and hours % 24 == 0:
        return f"{hours // 24} days"
    return f"{hours} hours" if hours != 1 else "1 hour"


def confirmation_email(*, full_name: str, organisation_name: str, link: str) -> tuple[str, str]:
    subject = "Confirm your email address for the CIS onboarding portal"
    body = (
        "Hello,\n\n"
        "Someone asked to create an organisation admin account on the CIS onboarding portal with "
        "this email address. These are the details they typed, shown exactly as entered (we have not "
        "checked them):\n\n"
        f"Name: {quoted(full_name)}\n"
        f"Organisation: {quoted(organisation_name)}\n\n"
        "If this was you, open this link to confirm your email address and create your password:\n\n"
        f"{link}\n\n"
        f"The link works once, for {_link_lifetime()}. If it has stopped working, open it anyway and "
        "ask for a new one.\n\n"
        "If it was not you, ignore this email: no account is created and nobody can sign in with "
        "this address unless the link is opened.\n\n"
        f"{SIGNATURE}\n"
    )
    return subject, body


def invitation_email(
    *, organisation_name: str, role_phrase: str, invited_by_name: str, link: str
) -> tuple[str, str]:
    subject = f"Invitation to join {quoted(organisation_name)} on the CIS onboarding portal"
    body = (
        "Hello,\n\n"
        f"You have been invited to join an organisation on the CIS onboarding portal as {role_phrase}. "
        "These names were typed by the person who invited you, shown exactly as entered:\n\n"
        f"Organisation: {quoted(organisation_name)}\n"
        f"Invited by: {quoted(invited_by_name)}\n\n"
        "The portal helps health and care organisations get ready for the Care Identity Service: "
        "finding Registration Authority support, choosing authenticators and training technical "
        "staff.\n\n"
        "Accept the invitation by opening this link:\n\n"
        f"{link}\n\n"
        f"The link works for {_link_lifetime()}. If you already have an account, you will be asked to "
        "sign in; if not, you will choose a password.\n\n"
        "If you were not expecting this, you can ignore this email.\n\n"
        f"{SIGNATURE}\n"
    )
    return subject, body


def password_reset_email(*, link: str) -> tuple[str, str]:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    subject = "Reset your password for the CIS onboarding portal"
    body = (
        "Hello,\n\n"
        "Someone asked to reset the password for your account on the CIS onboarding portal.\n\n"
        "Choose a new password by opening this link:\n\n"
        f"{link}\n\n"
        f"The link works once, for {minutes} minutes.\n\n"
        "If you did not ask for this, you can ignore this email: your password stays the same.\n\n"
        f"{SIGNATURE}\n"
    )
    return subject, body


def absolute_url(path: str) -> str:
    return f"{settings.PORTAL_BASE_URL}{path}"


def dedupe_key(kind: str, secret: str) -> str:
    """A short, stable key for one email: the same link is never queued twice."""
    digest = hashlib.sha256(secret.encode()).hexdigest()[:32]
    return f"account:{kind}:{digest}"


def queue_account_email(
    *, kind: str, secret: str, to: str, subject: str, body: str, organisation=None
) -> None:
    """Write the email to the outbox in the current transaction; it is sent after commit.

    Every account email carries a link that works like a password, so the row is marked
    ``holds_account_link`` and the admin never shows its body.
    """
    from notifications.services import queue_email

    queue_email(
        dedupe_key=dedupe_key(kind, secret),
        to=[to],
        subject=subject,
        body=body,
        topic=f"account:{kind}",
        organisation=organisation,
        holds_account_link=True,
    )
