"""The wizard's step registry: the order of the questions, their sections and what each depends on.

Why plain per-step views over this registry rather than django-formtools: every Continue must save
to the database (so another device resumes exactly there), a "Change" link from check-your-answers
must come back to check-your-answers without touching later answers, and some steps only apply
given an earlier answer. formtools' WizardView keeps the whole wizard in one storage blob and
revalidates every step at the end, so each of those needs overriding; a registry of ordered steps
with one view reading and writing ``ReadinessJourney`` keeps each rule a few lines long.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

from . import forms
from .models import ReadinessJourney, StepState


class SectionState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANNOT_START = "cannot_start"

    LABELS = {
        NOT_STARTED: "Not started",
        IN_PROGRESS: "In progress",
        COMPLETED: "Completed",
        CANNOT_START: "Cannot start yet",
    }


def _always(journey: ReadinessJourney) -> bool:
    return True


def _needs_ra_request(journey: ReadinessJourney) -> bool:
    return journey.answers_for("ra-support").get("has_ra_support") == "no"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    section: str
    form_class: type[forms.StepForm] | Callable[[], type[forms.StepForm]]
    prerequisites: tuple[str, ...] = ()
    applies: Callable[[ReadinessJourney], bool] = _always
    template_name: str = "onboarding/step.html"

    def get_form_class(self) -> type[forms.StepForm]:
        if isinstance(self.form_class, type):
            return self.form_class
        return self.form_class()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    steps: tuple[str, ...] = field(default_factory=tuple)


def _lazy(name: str):
    """The part-backed forms load on first use: importing them imports the other parts' selectors."""

    def load():
        return getattr(importlib.import_module("onboarding.part_forms"), name)

    return load


STEPS: tuple[Step, ...] = (
    Step(
        "organisation-details",
        "Your organisation's details",
        "organisation",
        forms.OrganisationDetailsForm,
        template_name="onboarding/step_organisation_details.html",
    ),
    Step(
        "ra-support",
        "Registration Authority support",
        "ra",
        forms.RASupportForm,
        template_name="onboarding/step_ra_support.html",
    ),
    Step(
        "ra-request",
        "Ask for RA support",
        "ra",
        _lazy("RARequestForm"),
        prerequisites=("organisation-details", "ra-support"),
        applies=_needs_ra_request,
        template_name="onboarding/step_ra_request.html",
    ),
    Step(
        "applications",
        "Applications your staff use",
        "applications",
        _lazy("ApplicationsForm"),
    ),
    Step(
        "staff-groups",
        "Staff groups and your estate",
        "applications",
        _lazy("StaffGroupsForm"),
        prerequisites=("applications",),
        template_name="onboarding/step_staff_groups.html",
    ),
    Step(
        "authenticators",
        "Choose authenticators",
        "authenticators",
        _lazy("AuthenticatorChoiceForm"),
        prerequisites=("applications", "staff-groups"),
        template_name="onboarding/step_authenticators.html",
    ),
    Step(
        "technical-support",
        "Technical support staff",
        "technical",
        _lazy("TechnicalSupportForm"),
        template_name="onboarding/step_technical_support.html",
    ),
)

SECTIONS: tuple[Section, ...] = (
    Section("organisation", "Check your organisation's details", ("organisation-details",)),
    Section("ra", "Arrange Registration Authority (RA) support", ("ra-support", "ra-request")),
    Section(
        "applications", "List your applications, staff groups and estate", ("applications", "staff-groups")
    ),
    Section("authenticators", "Choose authenticators for each staff group", ("authenticators",)),
    Section("technical", "Name your technical support staff", ("technical-support",)),
)

STEP_BY_SLUG = {step.slug: step for step in STEPS}


def get_step(slug: str) -> Step | None:
    return STEP_BY_SLUG.get(slug)


def applicable_steps(journey: ReadinessJourney) -> list[Step]:
    return [step for step in STEPS if step.applies(journey)]


def can_start(step: Step, journey: ReadinessJourney) -> bool:
    return all(
        journey.is_step_completed(slug) or not STEP_BY_SLUG[slug].applies(journey)
        for slug in step.prerequisites
    )


def blocking_reason(step: Step, journey: ReadinessJourney) -> str:
    missing = [
        STEP_BY_SLUG[slug].title
        for slug in step.prerequisites
        if STEP_BY_SLUG[slug].applies(journey) and not journey.is_step_completed(slug)
    ]
    if missing:
        return "Complete these first: " + ", ".join(missing) + "."
    return ""


def step_after(journey: ReadinessJourney, slug: str) -> Step | None:
    """The next step that applies after ``slug`` (None after the last one)."""
    order = [step.slug for step in STEPS]
    for step in STEPS[order.index(slug) + 1 :]:
        if step.applies(journey):
            return step
    return None


def first_incomplete_step(journey: ReadinessJourney) -> Step | None:
    for step in applicable_steps(journey):
        if not journey.is_step_completed(step.slug):
            return step
    return None


def all_steps_completed(journey: ReadinessJourney) -> bool:
    return first_incomplete_step(journey) is None


def resume_step(journey: ReadinessJourney) -> Step | None:
    """The question "Continue where you left off" opens: the one after the last saved if it is still
    unanswered, else the first unanswered one; None once every question that applies is answered."""
    current = get_step(journey.current_step) if journey.current_step else None
    if current is None or not current.applies(journey) or journey.is_step_completed(current.slug):
        current = first_incomplete_step(journey)
    if current is None or not can_start(current, journey):
        return None
    return current


def section_state(section: Section, journey: ReadinessJourney) -> str:
    steps = [STEP_BY_SLUG[slug] for slug in section.steps if STEP_BY_SLUG[slug].applies(journey)]
    states = [journey.step_states.get(step.slug) for step in steps]
    if steps and all(state == StepState.COMPLETED for state in states):
        return SectionState.COMPLETED
    if any(states):
        return SectionState.IN_PROGRESS
    if not can_start(steps[0], journey):
        return SectionState.CANNOT_START
    return SectionState.NOT_STARTED


def section_rows(journey: ReadinessJourney) -> list[dict]:
    """What the task list shows: each section, its state, and the step its link opens."""
    rows = []
    for section in SECTIONS:
        steps = [STEP_BY_SLUG[slug] for slug in section.steps if STEP_BY_SLUG[slug].applies(journey)]
        state = section_state(section, journey)
        target = next((s for s in steps if not journey.is_step_completed(s.slug)), steps[0])
        rows.append(
            {
                "section": section,
                "state": state,
                "state_label": SectionState.LABELS[state],
                "step": target,
                "hint": blocking_reason(target, journey) if state == SectionState.CANNOT_START else "",
            }
        )
    return rows
