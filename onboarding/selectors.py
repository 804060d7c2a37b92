"""Reads for the readiness wizard, summary, timeline and ICB overview."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from organisations.models import Organisation
from organisations.timeline import ActorNames, TimelineEvent

from . import readiness, sources
from .models import ReadinessEvent, ReadinessJourney, ReadinessRecord, ReadinessStatus, ReadinessSupport


def journey_for_organisation(organisation: Organisation) -> ReadinessJourney:
    """The organisation's journey; an unsaved empty one (version 1) if nobody has started it."""
    return _or_unstarted(organisation, ReadinessJourney.objects.filter(organisation=organisation).first())


def journey_loaded_with(organisation: Organisation) -> ReadinessJourney:
    """``journey_for_organisation`` for an organisation read in this request with
    ``select_related("readiness_journey")`` (the wizard's pages): no query of its own. Not for an
    organisation kept longer, whose cached journey a save elsewhere would leave behind."""
    try:
        journey = organisation.readiness_journey
    except ReadinessJourney.DoesNotExist:
        journey = None
    return _or_unstarted(organisation, journey)


def _or_unstarted(organisation: Organisation, journey: ReadinessJourney | None) -> ReadinessJourney:
    return journey if journey is not None else ReadinessJourney(organisation=organisation)


def national_administrator_emails() -> list[str]:
    """Where a request to correct an organisation's record goes: every active national administrator."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from organisations.roles import NATIONAL_ADMINISTRATORS

    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return sorted(
        set(
            users.filter(Q(is_superuser=True) | Q(groups__name=NATIONAL_ADMINISTRATORS)).values_list(
                "email", flat=True
            )
        )
    )


def timeline_events_for_organisation(organisation: Organisation) -> list[TimelineEvent]:
    """The readiness wizard's own events: steps saved, submissions and status changes."""
    events = ReadinessEvent.objects.for_organisation(organisation).select_related("actor")
    actor_name = ActorNames(organisation)
    return [
        TimelineEvent(
            occurred_at=event.occurred_at,
            category="readiness",
            title=event.title,
            detail=event.detail,
            actor=actor_name(event.actor),
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
    # When an RA request's reply falls overdue with no write, changing the words (the day is ``today``'s).
    valid_until: datetime.datetime | None = None

    @property
    def status_label(self) -> str:
        return ReadinessStatus(self.status).label

    @property
    def status_tag_class(self) -> str:
        return readiness.TAG_CLASSES[self.status]

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


def _plan_url(organisation) -> str:
    return reverse("authenticators:plan", args=[organisation.ods_code])


# The four checks' states from the parts' own read models. ``readiness_summary`` (one organisation)
# and ``overview.icb_overview`` (thousands, from the parts' bulk selectors) both go through these,
# so an organisation's status is the same on its summary page and in its ICB's overview.


def declared_ra_provider(answers: dict) -> str:
    """The RA the organisation told the wizard (step "ra-support") it has, "" if it said it has none."""
    return (answers.get("provider_name") or "").strip() if answers.get("has_ra_support") == "yes" else ""


def declared_ra_providers(organisation_ids) -> dict[int, str]:
    """{organisation id: the RA it told the wizard it has}, for the given ids that named one (one query)."""
    journeys = ReadinessJourney.objects.filter(
        organisation__in=organisation_ids, **{"answers__ra-support__has_ra_support": "yes"}
    ).values_list("organisation_id", "answers")
    return {
        organisation_id: provider
        for organisation_id, answers in journeys
        if (provider := declared_ra_provider(answers.get("ra-support", {})))
    }


def declared_ra_provider_for(organisation: Organisation) -> str:
    """``declared_ra_provider`` of the organisation's journey, reading only that step's answers
    (the whole journey is never loaded for it): one query."""
    answers = (
        ReadinessJourney.objects.filter(organisation=organisation)
        .values_list("answers__ra-support", flat=True)
        .first()
    )
    return declared_ra_provider(answers or {})


def ra_support_for_organisation(organisation: Organisation, journey: ReadinessJourney | None = None):
    """``ra_requests.selectors.ra_support_status`` with the RA the organisation told the wizard it has.

    The wizard's RA step, the readiness summary and its action plan read RA support through this;
    the ICB overview through ``ra_support_for_organisations``; the rule is the same. Without
    ``journey``, only the RA step's answers are read.
    """
    declared = (
        declared_ra_provider(journey.answers_for("ra-support"))
        if journey is not None
        else declared_ra_provider_for(organisation)
    )
    return sources.ra_support_status(organisation, declared_provider=declared)


def ra_support_for_organisations(organisation_ids) -> dict:
    """{organisation id: RASupportStatus}, as ``ra_support_for_organisation`` gives, in two queries."""
    return sources.ra_support_statuses(
        organisation_ids, declared_providers=declared_ra_providers(organisation_ids)
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


def training_check_state(trained_staff) -> str:
    """``trained_staff``: the organisation's ``training.compliance.TrainedStaff`` figure."""
    return readiness.training_state(active_staff=trained_staff.staff, percent_trained=trained_staff.percent)


def _ra_item(organisation, support) -> readiness.ReadinessItem:
    state = readiness.ra_state(support.state)
    if support.is_arranged:
        detail = (
            f"{support.confirmed_by} resolved your request {support.confirmed_by_reference}."
            if support.confirmed_by_reference
            else f"You told us you have RA support from {support.confirmed_by}."
        )
    elif support.state == "declined":
        declined = support.latest_declined
        detail = f"{declined.provider_name} declined your request {declined.reference}."
        if declined.next_step_label:
            detail += f" Next step: {declined.next_step_label}."
    elif support.blocking and support.confirmed_by:
        detail = f"{support.confirmed_by} is your RA, but your requests to get set up are not finished."
    elif support.blocking:
        detail = "You asked for RA support: it is not arranged yet."
    else:
        detail = "You have not arranged RA support or asked for it."
    for request in support.open_requests:
        detail += f" {_describe_open_request(request)}"

    action, url, label = "", "", ""
    if state == readiness.ItemState.PARTLY_MET:
        waiting = [r for r in support.blocking if r.waiting_for == "organisation"]
        if waiting:
            action = f"The RA team is waiting for your reply to {', '.join(r.reference for r in waiting)}."
            request = waiting[0]
            label = f"Reply to {request.reference}"
        else:
            action = "Wait for the RA team to finish your request, and answer any questions they ask."
            request = support.blocking[0]
            label = f"Follow {request.reference}"
        url = reverse("ra_requests:detail", args=[organisation.ods_code, request.request_id])
    elif support.state == "declined":
        action = "Read the RA team's reply, then take the next step they suggest or ask again."
        url = reverse("ra_requests:detail", args=[organisation.ods_code, support.latest_declined.request_id])
        label = f"See {support.latest_declined.reference}"
    elif state == readiness.ItemState.MISSING:
        action = "Tell us who gives you RA support, or ask for it."
        url, label = _step_url(organisation, "ra-support"), "Arrange RA support"
    if not url and support.open_requests:
        url, label = reverse("ra_requests:list", args=[organisation.ods_code]), "See your RA requests"
    return readiness.ReadinessItem("ra", "Registration Authority support", state, detail, action, url, label)


def _describe_open_request(request) -> str:
    """E.g. "Request RA-000002 to X is submitted: waiting for the RA team. A reply is due by …"."""
    if request.waiting_for == "organisation":
        return (
            f"Request {request.reference} to {request.provider_name}: the RA team is waiting for your reply."
        )
    text = f"Request {request.reference} to {request.provider_name} is {request.status_label.lower()}"
    text += ": waiting for the RA team."
    if request.sla_due_at:
        due = f"{timezone.localtime(request.sla_due_at):%-d %B %Y, %H:%M}"
        text += (
            f" A reply was due by {due}: it is overdue."
            if request.is_overdue
            else f" A reply is due by {due}."
        )
    return text


def _plan_items(organisation, today) -> tuple[list[readiness.ReadinessItem], object | None, tuple[str, ...]]:
    plan = sources.plan_summary(organisation)
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
        url, label = _plan_url(organisation), "Change your authenticator plan"
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
        url, label = _plan_url(organisation), "See your authenticator plan"
    else:
        detail = "None of your applications uses CIS1."
        action = url = label = ""
    cis1_item = readiness.ReadinessItem(
        "cis1", f"No CIS1 applications after {deadline}", cis1_state, detail, action, url, label
    )
    return [plan_item, cis1_item], plan, cis1


def _training_item(organisation, today) -> readiness.ReadinessItem:
    title = "Technical support staff trained and in date"
    compliance = sources.training_figure(organisation, today=today)
    trained = compliance.trained_staff
    state = training_check_state(trained)
    if not trained.staff:
        detail = "You have not named any technical support staff."
        action, url, label = (
            "Name your technical support staff.",
            _step_url(organisation, "technical-support"),
            "Name your technical support staff",
        )
    else:
        detail = f"{trained.description}: in date for every module that applies to their role."
        if compliance.overdue_count:
            detail += f" {compliance.overdue_count} training modules are overdue."
        if state == readiness.ItemState.MET:
            action = url = label = ""
        else:
            action = "Record the training your staff have done, and book what is missing."
            url = reverse("training:dashboard", args=[organisation.ods_code])
            label = "Go to the training dashboard"
    return readiness.ReadinessItem("training", title, state, detail, action, url, label)


def readiness_summary(organisation: Organisation, *, today: datetime.date | None = None) -> ReadinessSummary:
    """Readiness computed now from the RA, authenticator and training parts, with an action plan."""
    today = today or timezone.localdate()
    support = ra_support_for_organisation(organisation)
    ra_item = _ra_item(organisation, support)
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
        valid_until=support.next_turns_overdue_after,
    )


# --- For RA teams and national administrators ------------------------------------------------


def organisation_for_overview_viewer(ods_code: str, *, provider) -> Organisation | None:
    """The organisation with ``ods_code`` if ``provider`` supports it (any, when ``provider`` is None:
    a national administrator); None otherwise.

    "Supports" is what the overview lists (the stored rows, up to an hour old) or what routing says
    today, so every row the overview links to opens, and a newly routed organisation does too.
    """
    from organisations.validators import normalise_ods_code

    organisation = (
        Organisation.objects.select_related("icb").filter(ods_code=normalise_ods_code(ods_code)).first()
    )
    if organisation is None or provider is None:
        return organisation
    listed = ReadinessSupport.objects.filter(provider=provider, record__organisation=organisation).exists()
    if listed or sources.organisations_supported_by(provider).filter(pk=organisation.pk).exists():
        return organisation
    return None


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
