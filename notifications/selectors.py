"""Reads of the email outbox."""

from .models import OutboundEmail


def emails_for_topic(topic: str):
    """Every email queued for ``topic`` (e.g. "ra_request:42"), oldest first, for a timeline."""
    return OutboundEmail.objects.for_topic(topic).order_by("created_at", "pk")


def emails_for_organisation(organisation):
    """Every email queued about ``organisation``, newest first."""
    return OutboundEmail.objects.filter(organisation=organisation).order_by("-created_at", "-pk")
