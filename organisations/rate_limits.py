"""Rate limits on the requests that send account emails, counted by django-ratelimit in the cache.

Each request that would send a sign-up confirmation, a resent confirmation, a password reset or an
invitation counts once against the address it would go to (one count shared by all four, so an
address cannot be flooded by mixing them) and once against the client IP. Counts live in the
default cache (see CACHES in settings); nothing is written to the database.
"""

import ipaddress
import logging
import math
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)

ADDRESS_GROUP = "account-emails:address"
IP_GROUPS = {
    "account-emails": ("account-emails:ip", "ACCOUNT_EMAILS_PER_IP"),
    "invitations": ("invitations:ip", "INVITATIONS_PER_IP"),
}


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused, in words for the person who made it."""

    retry_after_seconds: int

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after_seconds / 60))
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
        return f"You have asked for too many emails in a short time. Wait {wait}, then try again"


def client_ip(request) -> str:
    """The client's IP address as django-axes resolves it (so one proxy setting serves both), or the
    connecting address when that gives nothing usable."""
    for candidate in (get_client_ip_address(request), request.META.get("REMOTE_ADDR")):
        try:
            return str(ipaddress.ip_address((candidate or "").strip()))
        except ValueError:
            continue
    return "0.0.0.0"  # noqa: S104 - a key for requests with no address at all, never bound to


def _count(request, *, group: str, value: str, rate: str) -> dict | None:
    try:
        return get_usage(request, group=group, key=lambda _group, _request: value, rate=rate, increment=True)
    except Exception:
        # A cache outage must not stop people resetting passwords: count nothing and say so.
        logger.exception("Rate limit cache unavailable; %s not counted", group)
        return None


def count_account_email(request, *, address: str, kind: str = "account-emails") -> Refusal | None:
    """Count one request to email ``address``; a Refusal if the address or the client IP is over
    its limit (the request must then send nothing), else None."""
    ip_group, ip_rate_setting = IP_GROUPS[kind]
    usages = [
        _count(
            request,
            group=ADDRESS_GROUP,
            value=(address or "").strip().lower(),
            rate=settings.ACCOUNT_EMAILS_PER_ADDRESS,
        ),
        _count(request, group=ip_group, value=client_ip(request), rate=getattr(settings, ip_rate_setting)),
    ]
    over = [usage for usage in usages if usage and usage["should_limit"]]
    if not over:
        return None
    return Refusal(retry_after_seconds=max(max(usage["time_left"], 1) for usage in over))
