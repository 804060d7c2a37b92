from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, RAProvider, TimeStampedModel


class HelpNeeded(models.TextChoices):
    REGISTER_USERS = "register_users", "Register new users"
    POSITIONS = "positions", "Set up role-based access positions"
    ISSUE_SMARTCARDS = "issue_smartcards", "Issue smartcards"
    UNLOCK_RENEW = "unlock_renew", "Unlock or renew smartcards"
    OTHER_AUTHENTICATORS = "other_authenticators", "Issue non-smartcard authenticators"
    LOCAL_RA_STAFF = "local_ra_staff", "Appoint or train local RA staff"
    OTHER = "other", "Something else"


class Status(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    IN_PROGRESS = "in_progress", "In progress"
    WAITING_FOR_ORGANISATION = "waiting", "Waiting for organisation"
    RESOLVED = "resolved", "Resolved"
    DECLINED = "declined", "Declined"
    REROUTED = "rerouted", "Re-routed"


OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.ACKNOWLEDGED,
    Status.IN_PROGRESS,
    Status.WAITING_FOR_ORGANISATION,
    Status.REROUTED,
)
UNACKNOWLEDGED_STATUSES = (Status.SUBMITTED, Status.REROUTED)
CLOSED_STATUSES = (Status.RESOLVED, Status.DECLINED)

# Built once: lists show the labels for every row.
HELP_NEEDED_LABELS = dict(HelpNeeded.choices)

# NHS.UK tag colour for each status; the tag always carries the status in words too.
STATUS_TAG_CLASSES = {
    Status.SUBMITTED: "nhsuk-tag--blue",
    Status.ACKNOWLEDGED: "nhsuk-tag--aqua-green",
    Status.IN_PROGRESS: "nhsuk-tag--purple",
    Status.WAITING_FOR_ORGANISATION: "nhsuk-tag--yellow",
    Status.RESOLVED: "nhsuk-tag--green",
    Status.DECLINED: "nhsuk-tag--red",
    Status.REROUTED: "nhsuk-tag--orange",
}


class DeclineReasonQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class DeclineReason(TimeStampedModel):
    """Why an RA team declines a request, and the one next step the organisation is offered.

    National administrators edit these in the admin. Requests store the ``code``, which never
    changes once made; a reason no longer used is withdrawn (``is_active``), never deleted.
    """

    code = models.SlugField(
        max_length=40, unique=True, help_text="Stored on each declined request; cannot be changed later."
    )
    label = models.CharField(max_length=200, help_text="The reason, as the organisation reads it.")
    next_step = models.CharField(
        max_length=200, help_text="What the organisation can do next, in a few words."
    )
    next_step_guidance = models.TextField(help_text="How to take that next step, shown and emailed after it.")
    offers_national_reroute = models.BooleanField(
        default=False,
        verbose_name="offers the national RA team",
        help_text="The organisation may send the declined request to the national RA team.",
    )
    is_active = models.BooleanField(default=True, verbose_name="offered to RA teams")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the RA teams' list.")

    history = HistoricalRecords()
    objects = DeclineReasonQuerySet.as_manager()

    class Meta:
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


def sla_due_before(moment) -> Q:
    """Requests whose current deadline (``RARequest.sla_due_at``) is before ``moment``; never paused ones."""
    return Q(status__in=UNACKNOWLEDGED_STATUSES, acknowledge_due_at__lt=moment) | Q(
        status__in=(Status.ACKNOWLEDGED, Status.IN_PROGRESS), resolve_due_at__lt=moment
    )


class RARequestQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def due_for_escalation(self, now):
        return self.filter(next_escalation_at__lte=now)

    def overdue(self, now):
        """The same requests ``RARequest.is_overdue(now)`` is true for."""
        return self.filter(sla_due_before(now))

    def with_help_needed(self, code: str):
        """Requests whose comma-separated ``help_needed`` includes ``code`` as a whole code
        (``other`` must not match ``other_authenticators``)."""
        return self.filter(
            Q(help_needed=code)
            | Q(help_needed__startswith=f"{code},")
            | Q(help_needed__endswith=f",{code}")
            | Q(help_needed__contains=f",{code},")
        )


class RARequest(TimeStampedModel):
    """An organisation's request for Registration Authority support, routed to one provider."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="ra_requests")
    provider = models.ForeignKey(
        RAProvider, on_delete=models.PROTECT, related_name="ra_requests", verbose_name="routed to"
    )
    routing_reason = models.TextField(help_text="Why the request went to this provider, shown to both sides.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED)

    help_needed = models.CharField(
        max_length=200, help_text="Comma-separated HelpNeeded codes; use help_needed_list to read them."
    )
    staff_affected = models.PositiveIntegerField()
    needed_by = models.DateField()
    contact_name = models.CharField(max_length=200)
    contact_phone = models.CharField(max_length=40)
    contact_email = models.EmailField()
    already_tried = models.TextField()
    charge_acknowledged = models.BooleanField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A DeclineReason's code (see decline_reason_details), not a foreign key: the code is what
    # the request's history and the bulk loaders write, and reasons are never deleted.
    decline_reason = models.CharField(max_length=40, blank=True)
    # One request per form: a double click or a resent POST carries the same key and gets the first request.
    idempotency_key = models.UUIDField(null=True, blank=True, editable=False)

    # Optimistic lock: every transition bumps it, and a change made from a stale page is refused.
    version = models.PositiveIntegerField(default=1)

    # SLA clock. A "cycle" restarts on re-routing and reopening; escalation levels count within it.
    sla_cycle = models.PositiveSmallIntegerField(default=1)
    sla_started_at = models.DateTimeField()
    paused_at = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0, help_text="Working seconds spent paused.")
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    resolve_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    next_escalation_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["next_escalation_at", "escalation_level", "updated_at"])
    objects = RARequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "RA support request"
        verbose_name_plural = "RA requests"
        indexes = [
            # The escalation scan reads only this index: closed and paused requests have no entry.
            models.Index(
                fields=["next_escalation_at"],
                condition=Q(next_escalation_at__isnull=False),
                name="rareq_next_escalation_idx",
            ),
            # The triage changelist: one provider's requests, newest first, optionally by status. The
            # order includes the id Django's admin adds to break ties, so the first page is read
            # straight off the index however many requests share a moment (a bulk import).
            models.Index(fields=["provider", "-created_at", "-id"], name="rareq_provider_created_id_idx"),
            models.Index(fields=["provider", "status", "-created_at"], name="rareq_provider_status_idx"),
            models.Index(fields=["organisation", "-created_at"], name="rareq_org_created_idx"),
            models.Index(fields=["-created_at", "-id"], name="rareq_created_id_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(charge_acknowledged=True), name="rareq_charge_acknowledged"),
            models.CheckConstraint(condition=Q(staff_affected__gte=1), name="rareq_staff_affected_positive"),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decline_reason=""),
                name="rareq_declined_has_reason",
            ),
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="rareq_one_request_per_idempotency_key"
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.organisation.name}"

    @property
    def reference(self) -> str:
        return f"RA-{self.pk:06d}"

    @property
    def help_needed_list(self) -> list[str]:
        return [code for code in self.help_needed.split(",") if code]

    @property
    def help_needed_labels(self) -> list[str]:
        return [HELP_NEEDED_LABELS.get(code, code) for code in self.help_needed_list]

    @property
    def status_tag_class(self) -> str:
        return STATUS_TAG_CLASSES.get(self.status, "")

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_paused(self) -> bool:
        return self.status == Status.WAITING_FOR_ORGANISATION

    @cached_property
    def decline_reason_details(self) -> DeclineReason | None:
        """The reason this request was declined for (one query, once), or None."""
        if not self.decline_reason:
            return None
        return DeclineReason.objects.filter(code=self.decline_reason).first()

    @property
    def waiting_for(self) -> str:
        """Who has to act next: a ``support.WaitingFor`` value (the RA team, the organisation or nobody)."""
        from .support import waiting_for

        return waiting_for(self.status, has_next_step=bool(self.next_step))

    @property
    def decline_reason_label(self) -> str:
        reason = self.decline_reason_details
        return reason.label if reason else self.decline_reason

    @property
    def next_step(self) -> str:
        return self.decline_reason_details.next_step if self.decline_reason_details else ""

    @property
    def next_step_guidance(self) -> str:
        return self.decline_reason_details.next_step_guidance if self.decline_reason_details else ""

    @property
    def offers_national_reroute(self) -> bool:
        return bool(self.decline_reason_details and self.decline_reason_details.offers_national_reroute)

    @property
    def next_target(self) -> str:
        """What the provider must do next against the clock: "acknowledge" until the request is
        acknowledged, then "resolve"; "" once it is closed. Every page, the admin and the SLA ask this."""
        if self.status in UNACKNOWLEDGED_STATUSES:
            return "acknowledge"
        if self.status in OPEN_STATUSES:
            return "resolve"
        return ""

    @property
    def next_target_done(self) -> str:
        """``next_target`` in the past tense ("acknowledged", "resolved"), for "should have … by"."""
        return f"{self.next_target}d" if self.next_target else ""

    def sla_due_at(self):
        """The deadline that matters now: acknowledgement until acknowledged, then resolution."""
        return {"acknowledge": self.acknowledge_due_at, "resolve": self.resolve_due_at}.get(self.next_target)

    def is_overdue(self, now) -> bool:
        due = self.sla_due_at()
        return bool(due and not self.is_paused and due < now)


class RARequestEvent(models.Model):
    """One line of a request's timeline: a status change, a routing change, a reply or an escalation."""

    class Kind(models.TextChoices):
        STATUS = "status", "Status changed"
        ROUTING = "routing", "Routing changed"
        ASSIGNED = "assigned", "Assigned"
        NOTE = "note", "Note added"
        REPLY = "reply", "Organisation replied"
        ESCALATION = "escalation", "Escalated"

    request = models.ForeignKey(RARequest, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        indexes = [models.Index(fields=["request", "occurred_at"], name="rareq_event_request_idx")]
        verbose_name = "RA request event"

    def __str__(self):
        return f"{self.get_kind_display()} on {self.request_id} at {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def title(self) -> str:
        if self.kind == self.Kind.STATUS and self.from_status:
            return f"{Status(self.from_status).label} → {Status(self.to_status).label}"
        if self.kind == self.Kind.STATUS:
            return Status(self.to_status).label
        return self.get_kind_display()
