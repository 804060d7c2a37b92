"""The words of every RA request email, and the one place they are handed to the outbox.

Each email is queued with a dedupe key unique per (request, kind, cycle/level or event), so the
same decision can never produce two emails however often the code that makes it runs.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from notifications.user_text import one_line, quoted, quoted_block

from .models import RARequest, RARequestEvent, Status


def topic_for(request: RARequest) -> str:
    return f"ra_request:{request.pk}"


def _email(
    request: RARequest, *, dedupe_key: str, to: str | list[str], subject: str, body: str
) -> dict | None:
    """One outbox row's fields (``queue_email``'s keyword arguments), or None without an address."""
    if not to:
        # The provider has no address on record (routing only chooses such a provider as the
        # national fallback); the request still waits in the admin queue.
        return None
    return {
        "dedupe_key": dedupe_key,
        "to": to if isinstance(to, list) else [to],
        "subject": f"{subject} [{request.reference}]",
        "body": body,
        "topic": topic_for(request),
        "organisation": request.organisation,
    }


def _queue(request: RARequest, **fields) -> None:
    from notifications.services import queue_email

    if (email := _email(request, **fields)) is not None:
        queue_email(**email)


def _admin_link(request: RARequest) -> str:
    return settings.PORTAL_BASE_URL + reverse("admin:ra_requests_rarequest_change", args=[request.pk])


def _portal_link(request: RARequest) -> str:
    return settings.PORTAL_BASE_URL + reverse(
        "ra_requests:detail", args=[request.organisation.ods_code, request.pk]
    )


def request_details(request: RARequest, *, with_timeline: bool = False) -> str:
    organisation = request.organisation
    lines = [
        f"Organisation: {quoted(organisation.name)} (ODS code {organisation.ods_code})",
        f"Type: {organisation.get_organisation_type_display()}",
        f"ICB: {organisation.icb.name}",
        f"Help needed: {'; '.join(request.help_needed_labels)}",
        f"Staff affected: {request.staff_affected}",
        f"Needed by: {request.needed_by:%-d %B %Y}",
        f"Contact: {quoted(request.contact_name)}, {one_line(request.contact_phone)}, "
        f"{request.contact_email}",
        "",
        "What the organisation has already tried, as they wrote it:",
        quoted_block(request.already_tried),
        "",
        f"Routed to {request.provider.name} because {request.routing_reason}",
    ]
    if with_timeline:
        lines += ["", "Timeline:"]
        for event in request.events.select_related("actor").order_by("occurred_at", "pk"):
            who = f" by {one_line(event.actor.display_name)}" if event.actor else ""
            comment = f": {quoted(event.comment)}" if event.comment else ""
            lines.append(f"- {event.occurred_at:%-d %b %Y %H:%M} {event.title}{who}{comment}")
    return "\n".join(lines)


def queue_routed_to_provider(request: RARequest) -> None:
    """Tells the provider a request has arrived (on submission, re-routing and reopening)."""
    national = request.provider.kind == request.provider.Kind.NATIONAL and request.sla_cycle > 1
    intro = (
        "A request for RA support that a local provider could not handle has been passed to the "
        "national RA team. It includes the organisation's details and its timeline so far."
        if national
        else "A request for Registration Authority support has been routed to your team."
    )
    acknowledge_by = (
        f"Please acknowledge it by {_when(request.acknowledge_due_at)}." if request.acknowledge_due_at else ""
    )
    body = "\n\n".join(
        [intro, request_details(request, with_timeline=national), acknowledge_by, _admin_link(request)]
    )
    _queue(
        request,
        dedupe_key=f"ra_request:{request.pk}:routed:{request.sla_cycle}",
        to=request.provider.ra_contact_email,
        subject=f"RA support request from {one_line(request.organisation.name)}",
        body=body,
    )


def queue_declined_to_national(request: RARequest, national) -> None:
    """A local provider declined and there is no local alternative: tell the national RA team."""
    intro = (
        f"{request.provider.name} has declined this request "
        f"({lower_first(request.decline_reason_label)}), and no other local provider can take it. "
        "The organisation has been offered to send it to the national RA team."
    )
    _queue(
        request,
        dedupe_key=f"ra_request:{request.pk}:declined_no_alternative:{request.sla_cycle}",
        to=national.ra_contact_email if national else "",
        subject="Declined locally with no alternative: RA support request from "
        f"{one_line(request.organisation.name)}",
        body="\n\n".join([intro, request_details(request, with_timeline=True), _admin_link(request)]),
    )


def status_change_body(request: RARequest, event: RARequestEvent) -> str:
    """What the organisation's contact reads about a status change: each fact once."""
    provider = request.provider.name
    if event.to_status == Status.DECLINED:
        lines = [
            f"{provider} has declined your request for RA support because: "
            f"{lower_first(request.decline_reason_label)}."
        ]
    elif event.to_status == Status.RESOLVED:
        lines = [f"{provider} has resolved your request for RA support."]
    else:
        status = event.get_to_status_display().lower()
        lines = [f"Your request for RA support is now {status}. It is with {provider}."]
    if event.comment:
        lines.append(f"Their note, as they wrote it:\n{quoted_block(event.comment)}")
    if event.to_status == Status.DECLINED and request.next_step_guidance:
        lines.append(f"What you can do next: {request.next_step_guidance}")
    lines.append(f"See the request and its timeline: {_portal_link(request)}")
    return "\n\n".join(lines)


def queue_status_change_to_organisation(request: RARequest, event: RARequestEvent) -> None:
    _queue(
        request,
        dedupe_key=f"ra_request:{request.pk}:status:{event.pk}",
        to=request.contact_email,
        subject=f"Your RA support request: {event.get_to_status_display().lower()}",
        body=status_change_body(request, event),
    )


def lower_first(text: str) -> str:
    """A label inside a sentence: "We have no RA capacity" -> "we have no RA capacity"."""
    return text[:1].lower() + text[1:]


def queue_note_to_organisation(request: RARequest, event: RARequestEvent) -> None:
    """A note the RA team added without changing the status: the organisation's contact gets it."""
    body = "\n\n".join(
        [
            f"{request.provider.name} added a note to your request for RA support, as they wrote it:",
            quoted_block(event.comment),
            f"The request's status has not changed: it is {request.get_status_display().lower()}.",
            f"See the request and its timeline: {_portal_link(request)}",
        ]
    )
    _queue(
        request,
        dedupe_key=f"ra_request:{request.pk}:note:{event.pk}",
        to=request.contact_email,
        subject=f"A note about your RA support request from {request.provider.name}",
        body=body,
    )


def queue_assigned_to_member(request: RARequest, event: RARequestEvent) -> None:
    """Tells an RA team member that a colleague assigned a request to them."""
    assignee = request.assigned_to
    assigned_by = one_line(event.actor.display_name) if event.actor else "Someone"
    body = "\n\n".join(
        [
            f"{assigned_by} assigned this request for RA "
            f"support to you. It is {request.get_status_display().lower()}"
            + (f"; its target is {_when(request.sla_due_at())}." if request.sla_due_at() else "."),
            request_details(request),
            _admin_link(request),
        ]
    )
    _queue(
        request,
        dedupe_key=f"ra_request:{request.pk}:assigned:{event.pk}",
        to=assignee.email,
        subject=f"Assigned to you: RA support request from {one_line(request.organisation.name)}",
        body=body,
    )


ESCALATION_SUBJECTS = {
    "ack_warning": "Acknowledge soon: RA support request from {org}",
    "ack_breach": "Not acknowledged in time: RA support request from {org}",
    "resolve_breach": "Not resolved in time: RA support request from {org}",
    "national": "Escalation to the national RA team: RA support request from {org}",
}


def _when(moment) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}"


def escalation_email(request: RARequest, *, kind: str, level: int, due_at, national) -> dict | None:
    """The outbox row for one escalation (a dict of OutboundEmail fields), or None with no address.

    Warnings and breaches go to the provider; the last level goes to the national RA team.
    """
    if kind == "national":
        to = national.ra_contact_email if national else ""
        intro = (
            f"This request has not been resolved by {request.provider.name}, well past its target "
            f"of {request.provider.resolve_within_working_days} working days. Please follow it up."
        )
        details = request_details(request, with_timeline=True)
    else:
        to = request.provider.ra_contact_email
        assignee = request.assigned_to.email if request.assigned_to else ""
        if kind == "ack_warning" and assignee:
            to = assignee  # the reminder goes to whoever has the request; the team hears only of a breach
        elif assignee and assignee != to:
            to = [to, assignee] if to else assignee
        target = {
            "ack_warning": f"It must be acknowledged by {_when(due_at)}.",
            "ack_breach": f"It should have been acknowledged by {_when(due_at)}.",
            "resolve_breach": f"It should have been resolved by {_when(due_at)}.",
        }[kind]
        intro = f"{target} If it stays unresolved it will be escalated to the national RA team."
        details = request_details(request)
    return _email(
        request,
        dedupe_key=f"ra_request:{request.pk}:{kind}:{request.sla_cycle}.{level}",
        to=to,
        subject=ESCALATION_SUBJECTS[kind].format(org=one_line(request.organisation.name)),
        body="\n\n".join([intro, details, _admin_link(request)]),
    )


def queue_escalation_emails(emails: list[dict]) -> int:
    """Write a batch of escalation emails to the outbox; send them after commit.

    Goes through the outbox's bulk path (``notifications.services.queue_emails``): the same
    dedupe keys and send task as ``queue_email``, in a handful of queries for the whole batch.
    Keys already in the outbox are skipped, so re-running a batch queues nothing twice.
    Returns how many rows were written.
    """
    from notifications.services import queue_emails

    return queue_emails(emails)
