from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from .validators import RA_PROVIDER_CODE_PATTERN, normalise_ods_code, validate_ods_code


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their work email address."""

    username = None
    email = models.EmailField("email address", unique=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class RAProviderQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=RAProvider.Status.ACTIVE)

    def icbs(self):
        return self.filter(kind=RAProvider.Kind.ICB)

    def national(self):
        return self.filter(kind=RAProvider.Kind.NATIONAL)

    def missing_contact_email(self):
        return self.filter(ra_contact_email="")


class ContactSource(models.TextChoices):
    RA_TEAM = "ra_team", "The provider's RA team"
    NATIONAL_TEAM = "national_team", "The national RA team (unconfirmed by the provider)"
    ADMINISTRATOR = "administrator", "A national administrator (unconfirmed by the provider)"


class RAProvider(TimeStampedModel):
    """An ICB, CSU or the national RA team: somewhere an organisation can get RA support."""

    class Kind(models.TextChoices):
        ICB = "icb", "Integrated care board (ICB)"
        CSU = "csu", "Commissioning support unit (CSU)"
        NATIONAL = "national", "National RA team"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    ods_code = models.CharField("ODS code", max_length=6, unique=True, validators=[validate_ods_code])
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    region = models.CharField("NHS England region", max_length=100, blank=True)
    region_code = models.CharField(max_length=10, blank=True)
    ons_code = models.CharField("ONS code", max_length=12, blank=True)
    ra_contact_email = models.EmailField(
        "RA contact email",
        blank=True,
        help_text="Left empty where no source gives it. Requests route around a provider without one.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        symmetrical=False,
        related_name="predecessors",
        blank=True,
        help_text="The providers that took over this one's organisations when it closed.",
    )
    ra_support_provider = models.ForeignKey(
        "self",
        verbose_name="RA support provider",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supported_icbs",
        help_text="Who actually gives RA support for this ICB's organisations: a CSU or the "
        "national RA team. Leave empty when the ICB gives RA support itself.",
    )
    ra_contact_phone = models.CharField("RA contact phone", max_length=40, blank=True)
    ra_web_page = models.URLField("RA web page", blank=True)
    ra_opening_hours = models.CharField("Opening hours", max_length=200, blank=True)
    ra_services_offered = models.TextField(
        "What the RA team supports",
        blank=True,
        help_text="For example: new smartcards, unlocks, role changes.",
    )
    ra_services_not_offered = models.TextField("What the RA team does not support", blank=True)
    ra_charging_note = models.TextField(
        "Charges", blank=True, help_text="Whether the RA team charges for its support, and for what."
    )
    contact_given_by = models.CharField(
        max_length=20, choices=ContactSource.choices, blank=True, help_text="Who gave the contact details."
    )
    contact_confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the provider's own RA team last confirmed its contact details."
    )
    contact_confirmed_by = models.ForeignKey(
        "User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_bouncing_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set when an email to the RA contact address failed permanently; cleared when it changes.",
    )
    acknowledge_within_working_days = models.PositiveSmallIntegerField(default=2)
    resolve_within_working_days = models.PositiveSmallIntegerField(default=10)
    source_note = models.TextField(
        blank=True, help_text="Where the reference data came from and what it leaves uncertain."
    )

    history = HistoricalRecords()
    objects = RAProviderQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = "RA provider"
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True) | Q(status="closed"),
                name="raprovider_only_closed_has_closed_on",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.ods_code = normalise_ods_code(self.ods_code)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def has_own_targets(self) -> bool:
        """Whether its reply targets differ from the portal's defaults (2 and 10 working days), which no
        RA team chose: pages then call them the portal's, not the provider's."""
        fields = ("acknowledge_within_working_days", "resolve_within_working_days")
        return any(getattr(self, name) != self._meta.get_field(name).default for name in fields)

    @property
    def has_contact_email(self) -> bool:
        return bool(self.ra_contact_email)


class Organisation(TimeStampedModel):
    """A health or care organisation getting ready for CIS."""

    class OrganisationType(models.TextChoices):
        GP_PRACTICE = "gp_practice", "GP practice"
        COMMUNITY_PHARMACY = "community_pharmacy", "Community pharmacy"
        DENTAL_PRACTICE = "dental_practice", "Dental practice"
        OPTOMETRY = "optometry", "Optometry"
        NHS_TRUST = "nhs_trust", "NHS trust"
        SOCIAL_CARE_PROVIDER = "social_care_provider", "Social care provider"
        INDEPENDENT_PROVIDER = "independent_provider", "Independent provider"
        OTHER = "other", "Other"

    ods_code = models.CharField("ODS code", max_length=6, unique=True, validators=[validate_ods_code])
    name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=30, choices=OrganisationType.choices)
    icb = models.ForeignKey(
        RAProvider,
        on_delete=models.PROTECT,
        related_name="organisations",
        limit_choices_to={"kind": RAProvider.Kind.ICB},
        verbose_name="ICB",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"

    def save(self, *args, **kwargs):
        self.ods_code = normalise_ods_code(self.ods_code)
        super().save(*args, **kwargs)

    def clean(self):
        # Forms (the admin's included) refuse an RA provider's code; services.create_organisation does too.
        code = normalise_ods_code(self.ods_code)
        if RA_PROVIDER_CODE_PATTERN.match(code) or RAProvider.objects.filter(ods_code=code).exists():
            raise ValidationError({"ods_code": f"{code} is an RA provider's ODS code, not an organisation's"})


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "Organisation admin"
    IT_LEAD = "it_lead", "IT lead"


class Membership(TimeStampedModel):
    """A user's role in an organisation. One user may hold several roles in several organisations."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"


class RATeamMembership(TimeStampedModel):
    """Makes a user a member of one RA provider's team."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="ra_team_membership")
    provider = models.ForeignKey(RAProvider, on_delete=models.CASCADE, related_name="team_members")

    class Meta:
        verbose_name = "RA team membership"

    def __str__(self):
        return f"{self.user} — {self.provider}"


class Invitation(TimeStampedModel):
    """An invitation, sent by an organisation admin, to join the organisation in a role."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} at {self.organisation}"

    @property
    def is_accepted(self) -> bool:
        return self.accepted_at is not None


class OrganisationClaimQuerySet(models.QuerySet):
    def open(self, now):
        """Claims still in play: awaiting approval, or unconfirmed with their link still live."""
        return self.filter(
            Q(status=OrganisationClaim.Status.AWAITING_APPROVAL)
            | Q(status=OrganisationClaim.Status.UNCONFIRMED, expires_at__gt=now)
        )

    def awaiting_approval(self):
        return self.filter(status=OrganisationClaim.Status.AWAITING_APPROVAL)


class OrganisationClaim(TimeStampedModel):
    """Someone asking to become an organisation's admin, by its ODS code.

    An unconfirmed claim (its claimant has not confirmed their email yet) creates nothing and
    expires with the confirmation link. Once confirmed, a claim the directory can confirm for a
    new organisation is approved at once; any other waits for the organisation's RA team (or the
    national team) to approve or refuse it in the admin. Only an approved claim gives a role.
    """

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", "Email not confirmed yet"
        AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        EXPIRED = "expired", "Expired"
        WITHDRAWN = "withdrawn", "Withdrawn by the claimant"

    claimant = models.ForeignKey(User, on_delete=models.CASCADE, related_name="organisation_claims")
    ods_code = models.CharField("ODS code", max_length=6, validators=[validate_ods_code])
    organisation_name = models.CharField(max_length=200)
    organisation_type = models.CharField(max_length=30, choices=Organisation.OrganisationType.choices)
    icb = models.ForeignKey(
        RAProvider, on_delete=models.PROTECT, related_name="+", verbose_name="ICB given by the claimant"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The organisation already on the portal with this code, or the one made on approval.",
    )
    reviewing_provider = models.ForeignKey(
        RAProvider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_to_review",
        verbose_name="RA team reviewing",
    )
    approval_reason = models.CharField(
        "why it needs approval", max_length=200, blank=True, help_text="Empty when approved by the directory."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UNCONFIRMED)
    expires_at = models.DateTimeField(help_text="When an unconfirmed claim lapses.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    refusal_reason = models.TextField(blank=True)

    objects = OrganisationClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "organisation claim"
        constraints = [
            models.UniqueConstraint(
                fields=["claimant", "ods_code"],
                condition=Q(status__in=["unconfirmed", "awaiting_approval"]),
                name="one_open_claim_per_claimant_and_code",
            ),
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(refusal_reason=""),
                name="refused_claim_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.claimant} for {self.organisation_name} ({self.ods_code})"

    @property
    def is_awaiting_approval(self) -> bool:
        return self.status == self.Status.AWAITING_APPROVAL


class KnownOrganisation(models.Model):
    """An organisation listed in an open ODS data file (reference_data/ods/): its name and ICB as published.

    Not a registered organisation: this is what the portal can tell about an ODS code before anyone signs up.
    """

    ods_code = models.CharField("ODS code", max_length=6, unique=True)
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, blank=True)
    organisation_type = models.CharField(max_length=30, choices=Organisation.OrganisationType.choices)
    icb = models.ForeignKey(
        RAProvider, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="ICB as published"
    )
    likely_icb = models.ForeignKey(
        RAProvider,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Where the published ICB was split: the successor its sub-ICB location suggests "
        "(an inference).",
    )
    sub_icb_code = models.CharField("sub-ICB location", max_length=6, blank=True)
    source = models.CharField(max_length=100, help_text="The file in reference_data/ods/ the row came from.")
    # Upper-case name and postcode without spaces: what the public search matches against.
    search_text = models.CharField(max_length=220)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.ods_code})"


from .data_versions import DataVersion  # noqa: E402, F401  (defined beside the triggers that write it)
