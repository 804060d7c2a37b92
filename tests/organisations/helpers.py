"""Reading the account emails the portal queued, and the links inside them."""

import re

from notifications.models import OutboundEmail

LINK_PATTERN = re.compile(r"https?://\S+")


def emails_to(address: str) -> list[OutboundEmail]:
    return [email for email in OutboundEmail.objects.order_by("pk") if address in email.to]


def link_path(email: OutboundEmail, marker: str) -> str:
    """The path of the first link in ``email`` containing ``marker``, without the portal's host."""
    for link in LINK_PATTERN.findall(email.body):
        if marker in link:
            return "/" + link.split("://", 1)[1].split("/", 1)[1]
    raise AssertionError(f"No link containing {marker!r} in: {email.body}")
