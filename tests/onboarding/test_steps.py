"""The step registry: order, what applies and what can start."""

from onboarding import steps
from onboarding.models import ReadinessJourney, StepState


def journey_with(**answers_and_states):
    journey = ReadinessJourney()
    journey.answers = answers_and_states.get("answers", {})
    journey.step_states = answers_and_states.get("states", {})
    return journey


def test_ra_request_applies_only_without_ra_support():
    without = journey_with(answers={"ra-support": {"has_ra_support": "no"}})
    with_support = journey_with(answers={"ra-support": {"has_ra_support": "yes"}})

    assert "ra-request" in [s.slug for s in steps.applicable_steps(without)]
    assert "ra-request" not in [s.slug for s in steps.applicable_steps(with_support)]


def test_authenticators_wait_for_applications_and_staff_groups():
    step = steps.get_step("authenticators")
    half = journey_with(states={"applications": StepState.COMPLETED})
    both = journey_with(states={"applications": StepState.COMPLETED, "staff-groups": StepState.COMPLETED})

    assert steps.can_start(step, half) is False
    assert steps.blocking_reason(step, half) == "Complete these first: Staff groups and your estate."
    assert steps.can_start(step, both) is True


def test_section_is_in_progress_until_every_applicable_step_is_completed():
    ra = next(section for section in steps.SECTIONS if section.key == "ra")
    asked = journey_with(
        answers={"ra-support": {"has_ra_support": "no"}}, states={"ra-support": StepState.COMPLETED}
    )
    own = journey_with(
        answers={"ra-support": {"has_ra_support": "yes"}}, states={"ra-support": StepState.COMPLETED}
    )

    assert steps.section_state(ra, asked) == steps.SectionState.IN_PROGRESS
    assert steps.section_state(ra, own) == steps.SectionState.COMPLETED


def test_step_after_skips_steps_that_do_not_apply():
    own = journey_with(answers={"ra-support": {"has_ra_support": "yes"}})

    assert steps.step_after(own, "ra-support").slug == "applications"
    assert steps.step_after(own, "technical-support") is None
