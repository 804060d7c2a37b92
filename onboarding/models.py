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
