import dataclasses

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisations.models import Organisation, TimeStampedModel

from . import rules

# The columns behind the engine's specs, for reads that build specs from rows rather than models.
# AuthenticatorSpec and rules.EstateFacts use the models' field names; ApplicationSpec takes
# Application's columns in this order.
AUTHENTICATOR_SPEC_FIELDS = tuple(field.name for field in dataclasses.fields(rules.AuthenticatorSpec))
ESTATE_FIELDS = tuple(field.name for field in dataclasses.fields(rules.EstateFacts))
APPLICATION_SPEC_COLUMNS = ("slug", "name", "cis_generation", "min_aal", "confidence")


def authenticator_spec(values: dict) -> rules.AuthenticatorSpec:
    """The spec from ``AUTHENTICATOR_SPEC_FIELDS`` values (a model's or a row's)."""
    return rules.AuthenticatorSpec(
        **{**values, "hardware": tuple(values["hardware"]), "software": tuple(values["software"])}
    )


def application_spec(slug, name, cis_generation, min_aal, confidence) -> rules.ApplicationSpec:
    """The spec from ``APPLICATION_SPEC_COLUMNS`` values, in that order."""
    return rules.ApplicationSpec(
        slug=slug, name=name, generation=cis_generation, min_aal=min_aal, confidence=confidence
    )


class AAL(models.TextChoices):
    AAL2 = rules.AAL2, "AAL2 (high confidence)"
    AAL3 = rules.AAL3, "AAL3 (very high confidence)"


class Generation(models.TextChoices):
    CIS2 = rules.CIS2, "CIS2"
    CIS1 = rules.CIS1, "CIS1 (legacy, smartcard over HSCN only)"


class Confidence(models.TextChoices):
    STATED = "", "Stated by a source"
    MEDIUM = "medium", "Medium: strongly evidenced"
    LOW = "low", "Low: inferred, unconfirmed"


class Authenticator(TimeStampedModel):
    """One of the sign-in methods CIS accepts. Seeded from authenticators.json; editable in the admin."""

    class IssuedBy(models.TextChoices):
        RA = "RA", "Registration Authority only"
        SELF = "self", "Self-service"
        EITHER = "either", "Registration Authority or self-service"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    aal = models.CharField("assurance level", max_length=4, choices=AAL.choices)
    cis1_supported = models.BooleanField("works with CIS1", default=False)
    needs_hscn = models.BooleanField("needs HSCN (for CIS1)", default=False)
    hardware = models.JSONField(default=list, blank=True, help_text="One item per line of the list.")
    software = models.JSONField(default=list, blank=True)
    personal_item = models.CharField(
        max_length=200, blank=True, help_text="What each person needs one of, counted on the shopping list."
    )
    needs_purchase = models.BooleanField(
        "hardware must be bought", default=False, help_text="Used to break ties between equally small sets."
    )
    requires_smartphone = models.BooleanField(default=False)
    requires_tpm = models.BooleanField("requires Windows devices with TPM 2.0", default=False)
    requires_ipad = models.BooleanField(default=False)
    personal_device_only = models.BooleanField("for personal devices only", default=False)
    bound_to_one_device = models.BooleanField(default=False)
    issued_by = models.CharField(max_length=10, choices=IssuedBy.choices)
    cost_notes = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    source_url = models.TextField("sources", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.name

    @property
    def label(self) -> str:
        return self.name.split(" (", 1)[0]

    @property
    def source_links(self) -> list[str]:
        return [link.strip() for link in self.source_url.split(";") if link.strip()]

    def to_spec(self) -> rules.AuthenticatorSpec:
        return authenticator_spec({name: getattr(self, name) for name in AUTHENTICATOR_SPEC_FIELDS})


class ApplicationQuerySet(models.QuerySet):
    def catalogue(self):
        return self.filter(organisation__isnull=True)

    def local_to(self, organisation):
        return self.filter(organisation=organisation)

    def available_to(self, organisation):
        return self.filter(Q(organisation__isnull=True) | Q(organisation=organisation))


class Application(TimeStampedModel):
    """An application staff sign in to. Catalogue rows have no organisation; local ones belong to one."""

    slug = models.SlugField(max_length=80)
    name = models.CharField(max_length=200)
    supplier = models.CharField(max_length=200, blank=True)
    cis_generation = models.CharField("CIS generation", max_length=4, choices=Generation.choices)
    min_aal = models.CharField("minimum assurance level", max_length=4, choices=AAL.choices)
    # "Source confidence": how sure the catalogue's sources are, not an assurance level (AAL).
    confidence = models.CharField(
        "source confidence", max_length=10, choices=Confidence.choices, blank=True, default=""
    )
    notes = models.TextField(blank=True)
    source_url = models.TextField("sources", blank=True)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="local_applications",
        help_text="Set for an application one organisation added itself; empty for the catalogue.",
    )

    history = HistoricalRecords()
    objects = ApplicationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"],
                condition=Q(organisation__isnull=True),
                name="unique_catalogue_application_slug",
            ),
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_local_application_slug"),
            models.CheckConstraint(condition=Q(min_aal__in=AAL.values), name="application_min_aal_valid"),
            models.CheckConstraint(
                condition=Q(cis_generation__in=Generation.values), name="application_generation_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_local(self) -> bool:
        return self.organisation_id is not None

    @property
    def is_unconfirmed(self) -> bool:
        return self.confidence == Confidence.LOW

    @property
    def group_label(self) -> str:
        if self.cis_generation == Generation.CIS1:
            return "CIS1 (legacy)"
        return f"CIS2, {self.min_aal}"

    def to_spec(self) -> rules.ApplicationSpec:
        return application_spec(*(getattr(self, column) for column in APPLICATION_SPEC_COLUMNS))


class InventoryEntry(TimeStampedModel):
    """An application the organisation uses."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="application_inventory"
    )
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="inventory_entries")

    class Meta:
        verbose_name_plural = "inventory entries"
        constraints = [
            models.UniqueConstraint(fields=["organisation", "application"], name="unique_inventory_entry"),
        ]

    def __str__(self):
        return f"{self.organisation} uses {self.application}"


class EstateFacts(TimeStampedModel):
    """What the organisation has; an empty answer means "not sure" and rules nothing out."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="estate_facts")
    hscn = models.BooleanField("connected to HSCN", null=True, blank=True)
    windows_tpm = models.BooleanField("Windows devices with TPM 2.0", null=True, blank=True)
    ipads = models.BooleanField("organisation-owned iPads", null=True, blank=True)
    smartphones = models.BooleanField("staff have smartphones", null=True, blank=True)
    shared_workstations = models.BooleanField("shared workstations", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name_plural = "estate facts"

    def __str__(self):
        return f"Estate facts for {self.organisation}"

    def to_spec(self) -> rules.EstateFacts:
        return rules.EstateFacts(**{name: getattr(self, name) for name in ESTATE_FIELDS})


class UserGroup(TimeStampedModel):
    """Staff in one organisation who use the same applications, e.g. reception or clinicians."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="user_groups")
    name = models.CharField(max_length=100)
    head_count = models.PositiveIntegerField("number of staff")
    applications = models.ManyToManyField(Application, related_name="user_groups", blank=True)
    chosen_authenticators = models.ManyToManyField(Authenticator, related_name="user_groups", blank=True)
    plan_chosen_at = models.DateTimeField(
        null=True, blank=True, help_text="Empty until an admin chooses the group's authenticators."
    )

    history = HistoricalRecords(m2m_fields=[applications, chosen_authenticators])

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_user_group_name"),
            models.CheckConstraint(condition=Q(head_count__gte=1), name="user_group_head_count_positive"),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})"

    @property
    def has_chosen(self) -> bool:
        return self.plan_chosen_at is not None


class PlanEvent(models.Model):
    """A change to an organisation's authenticator plan, for its timeline."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="authenticator_plan_events"
    )
    occurred_at = models.DateTimeField(auto_now_add=True)
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["-occurred_at", "-pk"]

    def __str__(self):
        return self.title
