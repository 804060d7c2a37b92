from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, TimeStampedModel


class StaffRole(models.TextChoices):
    """Kinds of technical support staff; a module may apply to only some of them."""

    DESKSIDE = "deskside", "Desk-side and workstation support"
    SERVICE_DESK = "service_desk", "Service desk (first-line support)"
    RA_FACING = "ra_facing", "RA-facing support (works alongside the RA)"
    INFRASTRUCTURE = "infrastructure", "Network and infrastructure"
    IT_MANAGER = "it_manager", "IT manager"


class EmploymentType(models.TextChoices):
    IN_HOUSE = "in_house", "In-house"
    OUTSOURCED = "outsourced", "Outsourced (supplier staff)"


class TrainingModuleQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class TrainingModule(TimeStampedModel):
    """A training topic. Its content changes by publishing a new ModuleVersion."""

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    covers = models.TextField(help_text="What the module covers, one topic a line.")
    refresh_months = models.PositiveSmallIntegerField(
        "refresher period (months)",
        help_text="How long a completion stays in date. Loaded values are proposals, not NHS requirements.",
    )
    refresh_period_confidence = models.CharField(
        max_length=10,
        default="low",
        help_text='"low" while the refresher period is a proposal nobody has confirmed.',
    )
    notes = models.TextField(blank=True, help_text="Why this refresher period was proposed.")
    applies_to_roles = models.JSONField(
        default=list,
        blank=True,
        help_text="Staff roles the module applies to. Empty means every member of staff.",
    )
    audience_confidence = models.CharField(
        max_length=10,
        default="low",
        help_text='"low" while who the module applies to is a proposal nobody has confirmed.',
    )
    is_active = models.BooleanField(default=True, help_text="Retired modules drop out of compliance.")

    history = HistoricalRecords()
    objects = TrainingModuleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def covers_list(self) -> list[str]:
        return [line.strip() for line in self.covers.splitlines() if line.strip()]

    @property
    def is_refresh_period_proposal(self) -> bool:
        return self.refresh_period_confidence == "low"

    @property
    def is_audience_proposal(self) -> bool:
        return self.audience_confidence == "low"

    def applies_to(self, role: str) -> bool:
        return not self.applies_to_roles or role in self.applies_to_roles

    def applies_to_labels(self) -> list[str]:
        labels = dict(StaffRole.choices)
        return [labels.get(role, role) for role in self.applies_to_roles]


class ModuleVersion(TimeStampedModel):
    """One published version of a module; the highest number is current."""

    module = models.ForeignKey(TrainingModule, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    change_note = models.TextField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["module__title", "number"]
        constraints = [
            models.UniqueConstraint(fields=["module", "number"], name="unique_module_version_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="module_version_number_positive"),
        ]

    def __str__(self):
        return f"{self.module.title}, version {self.number}"


class StaffMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(left_on__isnull=True)

    def leavers(self):
        return self.filter(left_on__isnull=False)

    def for_organisation(self, organisation):
        return self.filter(organisation=organisation)


class StaffMember(TimeStampedModel):
    """A member of technical support staff, in-house or from a supplier."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="training_staff")
    full_name = models.CharField(max_length=200)
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=StaffRole.choices)
    employment_type = models.CharField(max_length=20, choices=EmploymentType.choices)
    supplier_name = models.CharField(max_length=200, blank=True)
    left_on = models.DateField("leaving date", null=True, blank=True)

    history = HistoricalRecords()
    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="unique_staff_email_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(employment_type="in_house", supplier_name="")
                | (Q(employment_type="outsourced") & ~Q(supplier_name="")),
                name="staff_supplier_name_only_when_outsourced",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "left_on"])]

    def __str__(self):
        return self.full_name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class CompletionMethod(models.TextChoices):
    E_LEARNING = "e_learning", "E-learning"
    SUPPLIER_COURSE = "supplier_course", "Supplier course"
    IN_HOUSE_SESSION = "in_house_session", "In-house session"


def evidence_upload_to(completion, filename: str) -> str:
    # The stored name never uses the uploader's file name, so nothing they choose becomes a path.
    import uuid
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()
    return f"training/evidence/{completion.staff.organisation_id}/{uuid.uuid4().hex}{suffix}"


class Completion(TimeStampedModel):
    """A record that someone completed a module version. Never changed once written."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="completions")
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    module_version = models.ForeignKey(ModuleVersion, on_delete=models.PROTECT, related_name="completions")
    # A copy of module_version.number (neither ever changes), so compliance is counted from one index.
    version_number = models.PositiveIntegerField(default=1)
    completed_on = models.DateField()
    method = models.CharField(max_length=20, choices=CompletionMethod.choices)
    evidence_note = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to=evidence_upload_to, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [
            models.Index(
                fields=["staff", "module", "completed_on", "version_number"],
                name="training_completion_standing",
            )
        ]

    def __str__(self):
        return f"{self.staff} completed {self.module_version} on {self.completed_on:%-d %B %Y}"


class RecordsStamp(models.Model):
    """Changes (a new random ``token``) in the same transaction as every write to an organisation's
    staff or completions, so a cached compliance summary is checked with one primary-key read."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="training_records_stamp"
    )
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField()

    def __str__(self):
        return f"Training records of {self.organisation_id} last changed {self.changed_at:%Y-%m-%d %H:%M:%S}"
