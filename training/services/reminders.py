"""Reminders to staff (30 days before expiry, when overdue, after a new version) and IT lead digests."""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from notifications.services import queue_emails
from notifications.user_text import one_line, quoted
from organisations.models import Membership, Role

from .. import selectors
from ..compliance import Status

REMINDER_KINDS = {
    Status.EXPIRING: "expiring",
    Status.OVERDUE: "overdue",
    Status.REFRESHER_DUE: "refresher",
}


@transaction.atomic
def send_training_reminders(*, today: datetime.date | None = None) -> int:
    """Queue a reminder to each active person whose training expires within 30 days, is overdue or needs
    a refresher for a new version. Returns how many new emails were queued.

    Safe to run repeatedly: each reminder's dedupe key names the person, module and due date, so it
    goes once per due date; a renewal moves the due date, so the next cycle gets its own reminder.
    """
    emails = []
    for due in selectors.dues_for_reminders(today=today):
        kind = REMINDER_KINDS[due.status.status]
        key = f"training:{kind}:{due.staff.pk}:{due.module.pk}:{due.status.due_on.isoformat()}"
        emails.append(
            {
                "dedupe_key": key,
                "to": [due.staff.email],
                "subject": _reminder_subject(kind, due),
                "body": _reminder_body(kind, due, due.staff.organisation),
                "topic": f"training:staff:{due.staff.pk}",
                "organisation": due.staff.organisation,
            }
        )
    return queue_emails(emails)


def _reminder_subject(kind: str, due) -> str:
    title = due.module.title
    if kind == "expiring":
        return f"Training expires on {due.status.due_on:%-d %B %Y}: {title}"
    if kind == "overdue":
        return f"Training overdue: {title}"
    return f"Refresher needed: {title} has a new version"


def _reminder_body(kind: str, due, organisation) -> str:
    first_line = {
        "expiring": (
            f'Your training in "{due.module.title}" is in date until the end of '
            f"{due.status.due_on:%-d %B %Y}: do the refresher by then."
        ),
        "overdue": f'Your refresher in "{due.module.title}" was due by {due.status.due_on:%-d %B %Y}.',
        "refresher": (
            f'A new version of "{due.module.title}" was published on {due.status.due_on:%-d %B %Y}: '
            "you were trained on an earlier version."
        ),
    }[kind]
    return (
        f"Dear {one_line(due.staff.full_name)},\n\n{first_line}\n\n"
        f"Please arrange a refresher and tell your IT lead at {quoted(organisation.name)} once it is done, "
        "so they can record it in the CIS onboarding portal.\n"
    )


@transaction.atomic
def send_training_digests(*, today: datetime.date | None = None) -> int:
    """Queue this week's compliance digest to each IT lead (one per lead per ISO week; safe to rerun)."""
    today = today or timezone.localdate()
    year, week, _ = today.isocalendar()
    iso_week = f"{year}-W{week:02d}"
    by_user = {}
    memberships = (
        Membership.objects.filter(role=Role.IT_LEAD, user__is_active=True)
        .select_related("user", "organisation")
        .order_by("organisation__name")
    )
    for membership in memberships:
        by_user.setdefault(membership.user, []).append(membership.organisation)
    emails = []
    for user, organisations in by_user.items():
        sections = []
        for organisation in organisations:
            summary = selectors.compliance_summary(organisation, today=today)
            if summary.active_staff:
                sections.append(_digest_section(organisation, summary))
        if not sections:
            continue
        emails.append(
            {
                "dedupe_key": f"training:digest:{user.pk}:{iso_week}",
                "to": [user.email],
                "subject": f"Training compliance digest for the week of {today:%-d %B %Y}",
                "body": f"Dear {user.display_name},\n\n" + "\n".join(sections),
                "topic": f"training:digest:{user.pk}",
                "organisation": organisations[0] if len(organisations) == 1 else None,
            }
        )
    return queue_emails(emails)


def _format_percent(value) -> str:
    return "no staff in scope" if value is None else f"{value:g}%"


def _digest_section(organisation, summary) -> str:
    url = settings.PORTAL_BASE_URL + reverse("training:dashboard", args=[organisation.ods_code])
    lines = [
        f"{organisation.name} ({organisation.ods_code})",
        f"- Staff in date for every module that applies to them: {summary.trained_staff.description}",
        f"- Modules in date, counting each person's modules: {_format_percent(summary.percent_in_date)} "
        f"({summary.rag.label})",
        f"- Overdue: {summary.overdue_count}",
        f"- Refresher due after a new version: {summary.refresher_due_count}",
        f"- Expiring within 30 days: {summary.due_within_30_days}",
        f"- Never completed: {summary.never_completed_count}",
        f"Dashboard: {url}",
        "",
    ]
    return "\n".join(lines)
