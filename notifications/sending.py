"""Talking to SMTP for the outbox: the message, its stable Message-ID, per-recipient refusals,
which failures are worth retrying and how long to wait. No database writes here (see services)."""

import contextlib
import hashlib
import random
import smtplib
from dataclasses import dataclass, field
from email.utils import parseaddr

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.mail.message import sanitize_address


@dataclass
class Outcome:
    """What one SMTP conversation achieved: who was accepted, who was refused (address -> reply)."""

    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)


def message_id(email) -> str:
    """The Message-ID every copy of this outbox row carries, so mail systems and people can tell a
    re-send after a crash is the same message. Stable for the row's lifetime; unique across
    databases because the dedupe key is hashed in."""
    digest = hashlib.sha256(email.dedupe_key.encode()).hexdigest()[:16]
    return f"<outbox.{email.pk}.{digest}@{_message_id_domain()}>"


def _message_id_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "cis-portal.invalid"


def send(email, recipients: list[str]) -> Outcome:
    """Send ``email`` to ``recipients`` (a subset of ``email.to``, those not yet delivered).

    Over SMTP, recipients refused at RCPT come back in ``Outcome.refused`` rather than being
    ignored; any other failure raises. The To header always names every recipient of the row.
    """
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        headers={"Message-ID": message_id(email), "X-CIS-Portal-Email": str(email.pk)},
    )
    connection = get_connection(fail_silently=False)
    if not isinstance(connection, SMTPBackend):
        # Console and in-memory backends take everything; they have no envelope of their own.
        message.to = recipients
        connection.send_messages([message])
        return Outcome(accepted=list(recipients))
    return _send_over_smtp(connection, message, recipients)


def _send_over_smtp(backend: SMTPBackend, message: EmailMessage, recipients: list[str]) -> Outcome:
    encoding = message.encoding or settings.DEFAULT_CHARSET
    envelope = {sanitize_address(address, encoding): address for address in recipients}
    backend.open()
    try:
        try:
            refused = backend.connection.sendmail(
                sanitize_address(message.from_email, encoding),
                list(envelope),
                message.message().as_bytes(linesep="\r\n"),
            )
        except smtplib.SMTPRecipientsRefused as error:
            refused = error.recipients
        except BaseException:
            # No polite QUIT to a server that is failing or stuck: just drop the connection.
            backend.connection.close()
            backend.connection = None
            raise
        # The server has already taken (or refused) the message: a failed goodbye changes nothing.
        with contextlib.suppress(Exception):
            backend.connection.quit()
    finally:
        if backend.connection is not None:
            backend.connection.close()
            backend.connection = None
    refused_originals = {envelope.get(address, address): reply for address, reply in refused.items()}
    return Outcome(
        accepted=[address for address in recipients if address not in refused_originals],
        refused={address: _reply(code, text) for address, (code, text) in refused_originals.items()},
    )


def _reply(code: int, text) -> str:
    return f"{code} {_decode(text)}".strip()


def _decode(message) -> str:
    return message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)


def reply_is_transient(reply: str) -> bool:
    """True for a 4xx SMTP reply such as "450 4.2.0 Greylisted"."""
    return reply[:1] == "4"


def describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.__class__.__name__}: {error.smtp_code} {_decode(error.smtp_error)}"
    return f"{error.__class__.__name__}: {error}".strip().rstrip(":")


def is_transient_error(error: BaseException) -> bool:
    """True when retrying later may succeed: connection trouble, any timeout or time limit, 4xx replies."""
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        # The server was too slow for the task's time limit: a slow server is still a server.
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Wrong credentials are our configuration, not the email's fault: once fixed, it sends.
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    # Refused or reset connections, timeouts, TLS trouble, SMTPServerDisconnected, SMTPConnectError:
    # all OSError. Anything else (a bad header, an unencodable address) will fail the same way again.
    return isinstance(error, OSError)


def retry_delay(attempts: int) -> int:
    """Seconds to wait before the next try after ``attempts`` failed ones: exponential, with jitter
    so a recovering server is not hit by every waiting email at the same moment."""
    base = settings.OUTBOX_RETRY_BACKOFF_SECONDS
    ceiling = min(settings.OUTBOX_RETRY_BACKOFF_MAX_SECONDS, base * 2 ** max(attempts - 1, 0))
    return max(1, round(random.uniform(ceiling / 2, ceiling)))
