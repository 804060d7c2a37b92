"""Two organisations, two RA providers and one person per role, built once per test module.

The authorisation matrix and the links-you-can-follow tests ask hundreds of questions of the same
small world; building it once per module (inside a transaction rolled back at the end) keeps them fast.
Each role signs in once: ``World.session_keys`` holds a session per role for the test client's cookie.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from authenticators import reference_data as authenticator_reference_data
from authenticators import services as plan_services
from authenticators.models import AAL, Authenticator, EstateFacts, Generation, PlanEvent
from notifications.models import OutboundEmail
from onboarding import selectors as wizard_selectors
from onboarding import services as wizard_services
from onboarding.models import ReadinessEvent, ReadinessJourney, ReadinessStatus
from organisations import roles, services
from organisations.models import Role
from organisations.services.links import make_invitation_token
from ra_requests import services as ra_services
from ra_requests.models import DeclineReason
from tests.factories import NationalRATeamFactory, OrganisationFactory, RAProviderFactory, UserFactory
from training import services as training_services
from training.models import CompletionMethod, EmploymentType, StaffRole

ANON = "anonymous"
ADMIN_A = "org admin A"
IT_LEAD_A = "IT lead A"
ADMIN_B = "org admin B"
RA_1 = "RA team 1"
RA_2 = "RA team 2"
NATIONAL = "national admin"
SUPERUSER = "superuser"
ROLES = (ANON, ADMIN_A, IT_LEAD_A, ADMIN_B, RA_1, RA_2, NATIONAL, SUPERUSER)


@dataclass
class Side:
    """One organisation (A or B) and everything it owns."""

    organisation: object
    provider: object
    objects: dict = field(default_factory=dict)


@dataclass
class World:
    a: Side
    b: Side
    users: dict
    session_keys: dict
    admin_objects: dict
    claim: object

    def client_for(self, role: str) -> Client:
        client = Client()
        if role != ANON:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.session_keys[role]
        return client


def _ra_request(organisation, user):
    return ra_services.submit_ra_request(
        organisation,
        submitted_by=user,
        help_needed=["issue_smartcards"],
        staff_affected=3,
        needed_by=timezone.localdate() + datetime.timedelta(days=30),
        contact_name="Sam Taylor",
        contact_phone="01632 960001",
        contact_email=user.email,
        already_tried="Asked the practice next door.",
        charge_acknowledged=True,
    )


def _side(organisation, provider, admin, it_lead, module_version) -> Side:
    code = organisation.ods_code.lower()
    plan_services.save_application_inventory(organisation, catalogue_slugs=["ncrs"], acting_user=admin)
    local = plan_services.add_local_application(
        organisation,
        name=f"Rota app {code}",
        supplier="Local",
        cis_generation=Generation.CIS2,
        min_aal=AAL.AAL3,
        acting_user=admin,
    )
    group = plan_services.save_user_group(
        organisation, name="Reception", head_count=3, application_slugs=["ncrs"], acting_user=admin
    )
    plan_services.save_estate_facts(organisation, acting_user=admin, hscn=True)
    wizard_services.save_step(
        organisation,
        step_slug="organisation-details",
        answers={
            "icb": provider.pk,
            "contact_name": "Sam Taylor",
            "contact_job_title": "Practice manager",
            "contact_phone": "01632 960 001",
            "cis_user_count": 14,
        },
        expected_version=wizard_selectors.journey_for_organisation(organisation).version,
        acting_user=admin,
    )
    wizard_services.record_readiness_status(organisation, status=ReadinessStatus.NOT_READY)
    staff = training_services.add_staff_member(
        organisation,
        full_name="Alex Active",
        email=f"alex@{code}.example.org",
        role=StaffRole.DESKSIDE,
        employment_type=EmploymentType.IN_HOUSE,
        acting_user=it_lead,
    )
    leaver = training_services.add_staff_member(
        organisation,
        full_name="Lee Leaver",
        email=f"lee@{code}.example.org",
        role=StaffRole.DESKSIDE,
        employment_type=EmploymentType.IN_HOUSE,
        acting_user=it_lead,
    )
    training_services.mark_staff_member_left(leaver, left_on=timezone.localdate(), acting_user=it_lead)
    completion = training_services.record_completion(
        staff,
        module_version=module_version,
        completed_on=timezone.localdate(),
        method=CompletionMethod.E_LEARNING,
        evidence_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate", content_type="application/pdf"),
        acting_user=it_lead,
    )
    invitation = services.invite_member(
        organisation, email=f"new.person@{code}.example.org", role=Role.IT_LEAD, invited_by=admin
    )
    return Side(
        organisation,
        provider,
        {
            "ra_request": _ra_request(organisation, admin),
            "local_application": local,
            "group": group,
            "staff": staff,
            "leaver": leaver,
            "completion": completion,
            "invitation": invitation,
            "invitation_token": make_invitation_token(invitation),
        },
    )


def build_world() -> World:
    roles.sync_role_group_permissions()
    authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)
    NationalRATeamFactory()
    module = training_services.create_module(
        slug="cis-foundations", title="CIS foundations", covers="What CIS is", refresh_months=12
    )
    module_version = module.versions.get()

    provider_1 = RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria ICB")
    provider_2 = RAProviderFactory(ods_code="QWO", name="NHS West Yorkshire ICB", region_code="Y63")
    organisation_a = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=provider_1)
    organisation_b = OrganisationFactory(ods_code="B82002", name="Hillside Surgery", icb=provider_2)

    users = {
        ADMIN_A: UserFactory(email="admin@a.example.org"),
        IT_LEAD_A: UserFactory(email="itlead@a.example.org"),
        ADMIN_B: UserFactory(email="admin@b.example.org"),
        RA_1: UserFactory(email="ra@one.example.org"),
        RA_2: UserFactory(email="ra@two.example.org"),
        NATIONAL: services.make_national_admin(UserFactory(email="national@example.org")),
        SUPERUSER: UserFactory(email="root@example.org", is_staff=True, is_superuser=True),
    }
    it_lead_b = UserFactory(email="itlead@b.example.org")
    services.add_membership(organisation_a, user=users[ADMIN_A], role=Role.ORG_ADMIN)
    services.add_membership(organisation_a, user=users[IT_LEAD_A], role=Role.IT_LEAD)
    services.add_membership(organisation_b, user=users[ADMIN_B], role=Role.ORG_ADMIN)
    services.add_membership(organisation_b, user=it_lead_b, role=Role.IT_LEAD)
    ra_membership = services.add_ra_team_member(provider_1, user=users[RA_1])
    services.add_ra_team_member(provider_2, user=users[RA_2])

    a = _side(organisation_a, provider_1, users[ADMIN_A], users[IT_LEAD_A], module_version)
    b = _side(organisation_b, provider_2, users[ADMIN_B], it_lead_b, module_version)

    # Organisation B's admin asks to run a new practice in provider 1's ICB: provider 1's team decides it.
    claim = services.submit_claim(
        users[ADMIN_B],
        ods_code="A81999",
        organisation_name="New Practice",
        organisation_type="gp_practice",
        icb=provider_1,
    )

    now = timezone.now()
    attempt = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "x@example.org"}
    admin_objects = {
        "ra_requests.rarequest": a.objects["ra_request"],
        "authenticators.application": a.objects["local_application"],
        "authenticators.authenticator": Authenticator.objects.order_by("pk").first(),
        "authenticators.usergroup": a.objects["group"],
        "authenticators.estatefacts": EstateFacts.objects.get(organisation=organisation_a),
        "authenticators.planevent": PlanEvent.objects.filter(organisation=organisation_a).first(),
        "organisations.raprovider": provider_1,
        "organisations.organisation": organisation_a,
        "organisations.user": users[ADMIN_A],
        "organisations.user (superuser)": users[SUPERUSER],
        "organisations.rateammembership": ra_membership,
        "organisations.invitation": a.objects["invitation"],
        "organisations.organisationclaim": claim,
        "ra_requests.declinereason": DeclineReason.objects.create(
            code="no-capacity-test",
            label="We have no capacity",
            next_step="Ask again",
            next_step_guidance="Later.",
        ),
        "notifications.outboundemail": OutboundEmail.objects.filter(organisation=organisation_a).first(),
        "onboarding.readinessjourney": ReadinessJourney.objects.get(organisation=organisation_a),
        "onboarding.readinessevent": ReadinessEvent.objects.filter(organisation=organisation_a).first(),
        "training.trainingmodule": module,
        "training.moduleversion": module_version,
        "auth.group": Group.objects.get(name=roles.RA_TEAM_MEMBERS),
        "axes.accessattempt": AccessAttempt.objects.create(
            attempt_time=now, failures_since_start=1, **attempt
        ),
        "axes.accesslog": AccessLog.objects.create(attempt_time=now, **attempt),
        "axes.accessfailurelog": AccessFailureLog.objects.create(attempt_time=now, **attempt),
    }

    session_keys = {}
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        session_keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return World(a=a, b=b, users=users, session_keys=session_keys, admin_objects=admin_objects, claim=claim)
