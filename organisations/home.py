"""What the home page offers a signed-in user, as lists of card links the template renders in one loop."""

from dataclasses import dataclass

from django.urls import reverse

from .access import (
    PLAN_ROLES,
    RA_REQUEST_ROLES,
    REPORT_ROLES,
    TEAM_ROLES,
    TRAINING_ROLES,
    WIZARD_ROLES,
    OrganisationAccess,
)


@dataclass(frozen=True)
class CardLink:
    href: str
    heading: str
    description: str


# The parts of an organisation, in the guidance's order (RA support, authenticators, training): the
# roles that open each (the same tuples its view admits), its URL name, heading and description.
ORGANISATION_PARTS = (
    (WIZARD_ROLES, "onboarding:task_list", "Readiness tasks",
     "Work through RA support, authenticators and training, step by step."),
    (REPORT_ROLES, "onboarding:summary", "Readiness summary",
     "See how ready {name} is, and what is left to do."),
    (RA_REQUEST_ROLES, "ra_requests:list", "RA requests",
     "Ask for Registration Authority support and follow your requests."),
    (PLAN_ROLES, "authenticators:plan", "Authenticator plan",
     "Record your applications and staff groups, and choose authenticators for each."),
    (TRAINING_ROLES, "training:dashboard", "Training",
     "How many technical support staff are trained and in date."),
    (TRAINING_ROLES, "training:staff_list", "Technical support staff",
     "Add staff and suppliers, and record the training they complete."),
    (REPORT_ROLES, "onboarding:timeline", "Timeline",
     "RA requests, plan changes and training, newest first."),
    (TEAM_ROLES, "organisations:team", "Team",
     "See who can use the portal for {name} and invite colleagues."),
)  # fmt: skip


def organisation_links(access: OrganisationAccess) -> list[CardLink]:
    """The parts of ``access.organisation`` the user's roles there open."""
    organisation = access.organisation
    return [
        CardLink(
            reverse(url_name, args=[organisation.ods_code]),
            heading,
            description.format(name=organisation.name),
        )
        for roles, url_name, heading, description in ORGANISATION_PARTS
        if access.allows(roles)
    ]


def ra_team_links() -> list[CardLink]:
    return [
        CardLink(
            reverse("admin:ra_requests_rarequest_changelist") + "?status=open",
            "Triage RA requests",
            "Acknowledge and resolve the requests routed to your team, in the administration site.",
        ),
        CardLink(
            reverse("onboarding:icb_overview"),
            "Readiness of the organisations you support",
            "See which organisations have RA support, an authenticator plan and trained staff.",
        ),
        CardLink(
            reverse("organisations:directory_entry"),
            "Your directory entry",
            "Keep the contact details organisations see on Find your RA current, "
            "and confirm them every 6 months.",
        ),
    ]


def national_admin_links() -> list[CardLink]:
    return [
        CardLink(
            reverse("admin:index"),
            "Administration site",
            "Keep the RA directory up to date, create RA team members and see every request.",
        ),
        CardLink(
            reverse("onboarding:icb_overview"),
            "Readiness of organisations in England",
            "See each organisation's readiness by region, ICB and type, and download it.",
        ),
        CardLink(
            reverse("finder:health"),
            "RA directory health",
            "Which RA providers have no contact, an unconfirmed or stale one, or a bouncing address, "
            "and who depends on them.",
        ),
    ]
