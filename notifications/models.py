from django.db import models
from django.utils import timezone

from organisations.models import TimeStampedModel


class OutboundEmailQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=OutboundEmail.Status.PENDING)

    def sent(self):
        return self.filter(status=OutboundEmail.Status.SENT)

    def for_topic(self, topic: str):
        return self.filter(topic=topic)

    def queued_before(self, moment):
        return self.filter(queued_at__lt=moment)


class OutboundEmail(TimeStampedModel):
    """One email the portal has decided to send, written in the same transaction as the decision.

    A worker hands it to SMTP and marks it sent only once SMTP has accepted it, so nothing is sent
    twice (``dedupe_key`` is unique) and nothing is lost while Redis or SMTP is down (the sweeper
    re-queues pending rows).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    dedupe_key = models.CharField(
        max_length=255,
        unique=True,
        help_text='What this email is about and why, e.g. "ra_request:42:escalation:3". One email per key.',
    )
    to = models.JSONField("recipients", default=list)
    subject = models.CharField(max_length=255)
    body = models.TextField(help_text="Plain text.")
    holds_account_link = models.BooleanField(
        default=False,
        help_text="The body holds a personal account link (email confirmation, invitation, password "
        "reset) that works like a password: it is sent, and never shown in the admin.",
    )
    topic = models.CharField(
        max_length=100,
        blank=True,
        db_index=True,
        help_text='Groups emails for a timeline, e.g. "ra_request:42".',
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="outbound_emails",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    queued_at = models.DateTimeField(
        default=timezone.now, help_text="When the email was last handed to the task queue."
    )
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "outbound email"
        indexes = [
            models.Index(fields=["status", "queued_at"], name="outboundemail_status_queued"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="outboundemail_sent_has_sent_at",
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {', '.join(self.to)}"
