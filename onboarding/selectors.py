"""Reads for the readiness wizard, summary, timeline and ICB overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from organisations.timeline import TimelineEvent

from . import readiness, sources
from .models import ReadinessEvent, ReadinessJourney, ReadinessRecord, ReadinessStatus


def journey_for_organisation(organisation: Organisation) -> ReadinessJourney:
    """The organisation's journey; an unsaved empty one (version 1) if nobody has started it."""
    journey = ReadinessJourney.objects.filter(organisation=organisation).first()
    if journey is None:
        journey = ReadinessJourney(organisation=organisation)
    return journey


def timeline_events_for_organisation(organisation: Organisation) -> list[TimelineEvent]:
    """The readiness wizard's own events: steps saved, submissions and status changes."""
    events = ReadinessEvent.objects.for_organisation(organisation).select_related("actor")
    return [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="readiness",
            title=event.title,
            detail=event.detail,
            actor=event.actor.display_name if event.actor else "",
        )
        for event in events
    ]


# --- Live readiness summary ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReadinessSummary:
    organisation: Organisation
    status: str
    items: tuple[readiness.ReadinessItem, ...]
    plan: object | None
    cis1_applications: tuple[str, ...]
    days_to_cis1_retirement: int
    computed_at: datetime.datetime

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label

    @property
    def actions(self) -> list[readiness.ReadinessItem]:
        return [item for item in self.items if not item.is_met]

    @property
    def chosen_authenticators_by_group(self) -> list[tuple[object, str]]:
        """(staff group, names of its chosen authenticators, "" if none chosen yet) from the plan."""
        if self.plan is None:
            return []
        return [
            (
                group,
                ", ".join(self.plan.authenticator_name(slug) for slug in group.chosen)
                if group.has_chosen
                else "",
            )
            for group in self.plan.groups
        ]


def _step_url(organisation, slug: str) -> str:
    return reverse("onboarding:step", args=[organisation.ods_code, slug])


# The four checks' states from the parts' own read models. ``readiness_summary`` (one organisation)
# and ``overview.icb_overview`` (thousands, from the parts' bulk selectors) both go through these,
# so an organisation's status is the same on its summary page and in its ICB's overview.


def has_own_ra_support(answers: dict) -> bool:
    """The organisation told the wizard (step "ra-support") it already has RA support."""
    return answers.get("has_ra_support") == "yes"


def organisations_with_own_ra_support(organisation_ids) -> set[int]:
    """Ids of the given organisations whose answers say they have RA support (one query)."""
    return set(
        ReadinessJourney.objects.filter(
            organisation__in=organisation_ids, **{"answers__ra-support__has_ra_support": "yes"}
        ).values_list("organisation_id", flat=True)
    )


def ra_check_state(*, has_own_support: bool, ra_status) -> str:
    """``ra_status``: the ``ra_requests.selectors.RAStatus`` of the organisation (never None)."""
    return readiness.ra_state(
        has_own_support=has_own_support,
        has_open_request=ra_status.has_open_request,
        has_resolved_request=ra_status.has_resolved_request,
    )


def plan_check_states(coverage, *, today: datetime.date) -> tuple[str, str]:
    """(plan state, CIS1 state) from an ``authenticators.selectors.PlanCoverage``."""
    plan = readiness.plan_state(
        has_plan=coverage.has_plan, covers_every_application=coverage.covers_every_application
    )
    cis1 = readiness.cis1_state(
        applications_known=coverage.has_inventory,
        cis1_application_count=len(coverage.cis1_applications),
        today=today,
    )
    return plan, cis1


def training_check_state(*, active_staff: int, fully_compliant_staff: int) -> str:
    return readiness.training_state(
        active_staff=active_staff, percent_trained=percent_of(fully_compliant_staff, active_staff)
    )


def _ra_item(organisation, journey) -> readiness.ReadinessItem:
    answers = journey.answers_for("ra-support")
    status = sources.ra_support_for_organisations([organisation.pk])[organisation.pk]
    resolved = status.last_resolved
    has_own = has_own_ra_support(answers)
    state = ra_check_state(has_own_support=has_own, ra_status=status)
    if has_own:
        detail = f"You told us you have RA support from {answers.get('provider_name')}."
    elif resolved is not None:
        detail = f"{resolved.provider_name} resolved your request {resolved.reference}."
    elif status.has_open_request:
        due = ""
        if status.sla_due_at:
            due_text = f"{timezone.localtime(status.sla_due_at):%-d %B %Y, %H:%M}"
            due = (
                f" A reply was due by {due_text}: it is overdue."
                if status.is_overdue
                else f" A reply is due by {due_text}."
            )
        detail = (
            f"Request {status.reference} to {status.provider.name} is {status.status_label.lower()}.{due}"
        )
    else:
        detail = "You have not arranged RA support or asked for it."
    action, url, label = "", "", ""
    if state == readiness.ItemState.PARTLY_MET:
        action = "Wait for the RA team to finish your request, and answer any questions they ask."
        url, label = (
            reverse("ra_requests:detail", args=[organisation.ods_code, status.request_id]),
            "Follow your RA request",
        )
    elif state == readiness.ItemState.MISSING and journey.answers_for("ra-request").get("request_id"):
        # The wizard already sent a request and it was closed without support: ask again.
        detail = "Your RA request was closed without RA support being arranged."
        action = "Read the RA team's reply, then ask again or try the next step they suggest."
        url, label = reverse("ra_requests:list", args=[organisation.ods_code]), "See your RA requests"
    elif state == readiness.ItemState.MISSING:
        action = "Tell us who gives you RA support, or ask for it."
        url, label = _step_url(organisation, "ra-support"), "Arrange RA support"
    return readiness.ReadinessItem("ra", "Registration Authority support", state, detail, action, url, label)


def _plan_items(organisation, today) -> tuple[list[readiness.ReadinessItem], object | None, tuple[str, ...]]:
    plan = sources.plan_summary(organisation)
    plan_url = reverse("authenticators:plan", args=[organisation.ods_code])
    state, cis1_state = plan_check_states(plan.coverage, today=today)
    if not plan.has_plan:
        detail = "You have not chosen authenticators for every staff group yet."
        action = "List your applications and staff groups, then choose authenticators for each group."
        url, label = _step_url(organisation, "applications"), "Make your authenticator plan"
    elif not plan.covers_every_application:
        gaps = list(plan.uncovered_applications) + [
            f"{name} (in no staff group)" for name in plan.unassigned_applications
        ]
        detail = "Your plan leaves these applications without a way to sign in: " + ", ".join(gaps) + "."
        action = "Add an authenticator that works with these applications, or put them in a staff group."
        url, label = plan_url, "Change your authenticator plan"
    else:
        detail = "Every staff group has authenticators that sign in to all of its applications."
        action = url = label = ""
    plan_item = readiness.ReadinessItem(
        "plan", "Authenticator plan covers every application", state, detail, action, url, label
    )

    # Facts the sources could not confirm (e.g. which CIS generation a GP system uses) are shown
    # as such, never as fact.
    unconfirmed = {application.name for application in plan.inventory if application.is_unconfirmed}
    cis1 = tuple(f"{name} (unconfirmed)" if name in unconfirmed else name for name in plan.cis1_applications)
    deadline = f"{readiness.CIS1_RETIREMENT_DATE:%-d %B %Y}"
    if not plan.inventory:
        detail = "We cannot tell until you list the applications your staff use."
        action, url, label = (
            "List your applications.",
            _step_url(organisation, "applications"),
            "List your applications",
        )
    elif cis1:
        detail = f"Still on CIS1: {', '.join(cis1)}. CIS1 stops working after {deadline}."
        if any(name in unconfirmed for name in plan.cis1_applications):
            detail += " Where it says unconfirmed, our sources could not confirm it: check with the supplier."
        action = "Ask each supplier when they move to CIS2; until then these need smartcards over HSCN."
        url, label = plan_url, "See your authenticator plan"
    else:
        detail = "None of your applications uses CIS1."
        action = url = label = ""
    cis1_item = readiness.ReadinessItem(
        "cis1", f"No CIS1 applications after {deadline}", cis1_state, detail, action, url, label
    )
    return [plan_item, cis1_item], plan, cis1


def _training_item(organisation, today) -> readiness.ReadinessItem:
    title = "Technical support staff trained and in date"
    compliance = sources.compliance_summary(organisation, today=today)
    percent = percent_of(compliance.fully_compliant_staff, compliance.active_staff)
    state = training_check_state(
        active_staff=compliance.active_staff, fully_compliant_staff=compliance.fully_compliant_staff
    )
    dashboard = reverse("training:dashboard", args=[organisation.ods_code])
    if not compliance.active_staff:
        detail = "You have not named any technical support staff."
        action, url, label = (
            "Name your technical support staff.",
            _step_url(organisation, "technical-support"),
            "Name your technical support staff",
        )
    else:
        detail = (
            f"{compliance.fully_compliant_staff} of {compliance.active_staff} technical support staff "
            f"({percent:.0f}%) are trained and in date."
        )
        if compliance.overdue_count:
            detail += f" {compliance.overdue_count} training modules are overdue."
        if state == readiness.ItemState.MET:
            action = url = label = ""
        else:
            action = "Record the training your staff have done, and book what is missing."
            url, label = dashboard, "Go to the training dashboard"
    return readiness.ReadinessItem("training", title, state, detail, action, url, label)


def percent_of(part: int, whole: int) -> float | None:
    return None if not whole else 100.0 * part / whole


def readiness_summary(organisation: Organisation, *, today: datetime.date | None = None) -> ReadinessSummary:
    """Readiness computed now from the RA, authenticator and training parts, with an action plan."""
    today = today or timezone.localdate()
    journey = journey_for_organisation(organisation)
    ra_item = _ra_item(organisation, journey)
    plan_items, plan, cis1 = _plan_items(organisation, today)
    training_item = _training_item(organisation, today)
    items = (ra_item, plan_items[0], training_item, plan_items[1])
    return ReadinessSummary(
        organisation=organisation,
        status=readiness.overall_status(item.state for item in items),
        items=items,
        plan=plan,
        cis1_applications=cis1,
        days_to_cis1_retirement=readiness.days_until_cis1_retirement(today),
        computed_at=timezone.now(),
    )


# --- For RA teams and national administrators ------------------------------------------------


def organisation_for_overview_viewer(ods_code: str, *, provider) -> Organisation | None:
    """The organisation with ``ods_code`` if ``provider`` supports it today (any, when ``provider`` is
    None: a national administrator); None otherwise."""
    from organisations.validators import normalise_ods_code

    code = normalise_ods_code(ods_code)
    organisations = (
        Organisation.objects.all() if provider is None else sources.organisations_supported_by(provider)
    )
    return organisations.select_related("icb").filter(ods_code=code).first()


def stored_readiness(organisation: Organisation) -> ReadinessRecord | None:
    return ReadinessRecord.objects.filter(organisation=organisation).first()


# --- Organisation timeline ----------------------------------------------------------------------

TIMELINE_CATEGORIES = {
    "readiness": "Readiness",
    "ra_request": "RA request",
    "authenticator_plan": "Authenticator plan",
    "training": "Training",
}


def organisation_timeline(organisation: Organisation, *, category: str = "") -> list[TimelineEvent]:
    """Every part's events for the organisation and the wizard's own, newest first."""
    from authenticators.selectors import timeline_events_for_organisation as plan_events
    from ra_requests.selectors import timeline_events_for_organisation as ra_request_events
    from training.selectors import timeline_events_for_organisation as training_events

    events = [
        *timeline_events_for_organisation(organisation),
        *ra_request_events(organisation),
        *plan_events(organisation),
        *training_events(organisation),
    ]
    if category:
        events = [event for event in events if event.category == category]
    return sorted(events, key=lambda event: event.occurred_at, reverse=True)
