from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q

from organisations.models import Organisation, TimeStampedModel


class StepState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


class ReadinessJourney(TimeStampedModel):
    """One organisation's answers to the readiness wizard, saved on every Continue.

    ``answers`` holds each step's answers keyed by the step's slug; ``step_states`` records which
    steps are completed. ``version`` goes up by one on every save: a save that was started from an
    older version is refused (see ``services.save_step``) so two admins never overwrite each other.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="readiness_journey"
    )
    answers = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    step_states = models.JSONField(default=dict, blank=True)
    current_step = models.CharField(max_length=40, blank=True)
    version = models.PositiveIntegerField(default=1)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(version__gte=1), name="readinessjourney_version_positive"),
        ]

    def __str__(self):
        return f"Readiness journey for {self.organisation}"

    def answers_for(self, slug: str) -> dict:
        return dict(self.answers.get(slug) or {})

    def is_step_completed(self, slug: str) -> bool:
        return self.step_states.get(slug) == StepState.COMPLETED

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class ReadinessStatus(models.TextChoices):
    READY = "ready", "Ready"
    NEARLY_READY = "nearly_ready", "Nearly ready"
    NOT_READY = "not_ready", "Not ready"


class ReadinessEventQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)

    def status_changes(self):
        return self.filter(kind=ReadinessEvent.Kind.STATUS_CHANGED)


class ReadinessEvent(models.Model):
    """Something that happened to an organisation's readiness, for its timeline."""

    class Kind(models.TextChoices):
        STEP_SAVED = "step_saved", "Wizard step saved"
        SUBMITTED = "submitted", "Wizard submitted"
        STATUS_CHANGED = "status_changed", "Readiness status changed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="readiness_events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=ReadinessStatus.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(db_index=True)

    objects = ReadinessEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="status_changed") | ~Q(status=""),
                name="readinessevent_status_change_has_status",
            ),
        ]

    def __str__(self):
        return self.title


class ReadinessRecord(models.Model):
    """One organisation's readiness as last worked out, so lists of thousands read rows, not compute.

    Written only by ``services.refresh_readiness_record`` and ``record_readiness_statuses`` (the wizard's own
    writes for the organisation concerned), always from ``overview.readiness_of_organisations`` —
    the live computation the readiness summary uses — so it can lag the live figure by at most one
    run of the job and never holds anything the live rule would not give. ``name``, ``ods_code``,
    ``organisation_type`` and ``icb`` are copies of the organisation's, for indexed filters and order.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="readiness_record"
    )
    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=6)
    organisation_type = models.CharField(max_length=30, choices=Organisation.OrganisationType.choices)
    icb = models.ForeignKey(
        "organisations.RAProvider", on_delete=models.CASCADE, related_name="+", verbose_name="ICB"
    )
    # The provider holding the organisation's latest open RA request, if any ("supported by" also
    # covers organisations outside an ICB's area that asked it for help).
    open_request_provider = models.ForeignKey(
        "organisations.RAProvider", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=ReadinessStatus.choices)
    ra_state = models.CharField(max_length=20)
    plan_state = models.CharField(max_length=20)
    training_state = models.CharField(max_length=20)
    cis1_state = models.CharField(max_length=20)
    # RA support in words, with every open request's status and who it waits for: no fixed length.
    ra_detail = models.TextField()
    active_staff = models.PositiveIntegerField(default=0)
    fully_compliant_staff = models.PositiveIntegerField(default=0)
    percent_trained = models.FloatField(null=True, blank=True)
    cis1_applications = models.JSONField(default=list, blank=True)
    cis1_count = models.PositiveIntegerField(default=0)
    uncovered_applications = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(help_text="When any of these values last changed.")
    refreshed_at = models.DateTimeField(help_text="When the values were last worked out.")

    class Meta:
        ordering = ["name", "organisation_id"]
        indexes = [
            models.Index(fields=["icb", "status", "name"], name="readiness_icb_status_name"),
            models.Index(fields=["icb", "name"], name="readiness_icb_name"),
            models.Index(fields=["status", "name"], name="readiness_status_name"),
            models.Index(fields=["name", "organisation"], name="readiness_name"),
        ]

    def __str__(self):
        return f"Readiness of {self.name} ({self.ods_code})"

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label

    @property
    def status_tag_class(self) -> str:
        from .readiness import TAG_CLASSES

        return TAG_CLASSES[self.status]

    @property
    def plan_label(self) -> str:
        """The plan column's words, the same on the overview, the organisation page and the CSV."""
        if self.plan_state == "met":
            return "Covers every application"
        if self.plan_state == "partly_met":
            count = len(self.uncovered_applications)
            return f"Leaves {count} application{'s' if count != 1 else ''} without a way to sign in"
        return "No plan"

    @property
    def trained_staff(self):
        """The stored training figure as ``training.compliance.TrainedStaff``, the one definition."""
        from training.compliance import TrainedStaff

        return TrainedStaff(trained=self.fully_compliant_staff, staff=self.active_staff)


class ReadinessSupport(models.Model):
    """One row for each RA provider that supports an organisation: the provider its ICB's requests
    route to, and the provider holding its latest open request if that is another one.

    Written with the organisation's ``ReadinessRecord`` and carrying copies of the fields an
    overview filters and sorts on, so "organisations this provider supports" is one index range
    (provider, then name), however large the national tables grow.
    """

    provider = models.ForeignKey("organisations.RAProvider", on_delete=models.CASCADE, related_name="+")
    record = models.ForeignKey(ReadinessRecord, on_delete=models.CASCADE, related_name="supports")
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=30, choices=Organisation.OrganisationType.choices)
    status = models.CharField(max_length=20, choices=ReadinessStatus.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "record"], name="readinesssupport_once_per_provider")
        ]
        indexes = [
            models.Index(fields=["provider", "name", "record"], name="support_provider_name"),
            models.Index(fields=["provider", "status", "name", "record"], name="support_provider_status"),
            models.Index(
                fields=["provider", "organisation_type", "name", "record"], name="support_provider_type"
            ),
        ]

    def __str__(self):
        return f"{self.name} supported by provider {self.provider_id}"
