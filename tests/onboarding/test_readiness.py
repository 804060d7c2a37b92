"""The readiness rule as a table: every check's states and the overall status they give."""

import datetime

import pytest

from onboarding import readiness
from onboarding.models import ReadinessStatus
from onboarding.readiness import ItemState

MET, PART, MISSING = ItemState.MET, ItemState.PARTLY_MET, ItemState.MISSING


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([MET, MET, MET, MET], ReadinessStatus.READY),
        ([MET, MET, MET, PART], ReadinessStatus.NEARLY_READY),
        ([PART, PART, PART, PART], ReadinessStatus.NEARLY_READY),
        ([MET, MET, MET, MISSING], ReadinessStatus.NOT_READY),
        ([MISSING, PART, MET, MET], ReadinessStatus.NOT_READY),
        ([], ReadinessStatus.NOT_READY),
    ],
)
def test_overall_status_follows_the_rule(states, expected):
    assert readiness.overall_status(states) == expected


@pytest.mark.parametrize(
    ("support_state", "expected"),
    [
        ("arranged", MET),
        ("requested", PART),
        ("waiting_for_organisation", PART),
        ("declined", MISSING),
        ("not_arranged", MISSING),
    ],
)
def test_ra_state_is_met_only_when_ra_support_is_arranged(support_state, expected):
    assert readiness.ra_state(support_state) == expected


def test_ra_state_covers_every_ra_support_state():
    from ra_requests.support import RASupportState

    assert set(readiness.RA_SUPPORT_CHECK_STATES) == set(RASupportState.values)


@pytest.mark.parametrize(
    ("has_plan", "covers", "expected"),
    [(True, True, MET), (True, False, PART), (False, False, MISSING)],
)
def test_plan_state_follows_the_rule(has_plan, covers, expected):
    assert readiness.plan_state(has_plan=has_plan, covers_every_application=covers) == expected


@pytest.mark.parametrize(
    ("active", "percent", "expected"),
    [(3, 100.0, MET), (3, 66.7, PART), (3, 0.0, MISSING), (0, None, MISSING)],
)
def test_training_state_follows_the_rule(active, percent, expected):
    assert readiness.training_state(active_staff=active, percent_trained=percent) == expected


@pytest.mark.parametrize(
    ("known", "count", "today", "expected"),
    [
        (True, 0, datetime.date(2026, 11, 28), MET),
        (True, 2, datetime.date(2027, 2, 28), PART),
        (True, 2, datetime.date(2027, 3, 1), MISSING),
        (False, 0, datetime.date(2026, 11, 28), MISSING),
    ],
)
def test_cis1_state_is_partly_met_until_the_retirement_date(known, count, today, expected):
    assert (
        readiness.cis1_state(applications_known=known, cis1_application_count=count, today=today) == expected
    )


def test_days_until_cis1_retirement_counts_to_28_february_2027():
    assert readiness.days_until_cis1_retirement(datetime.date(2027, 2, 1)) == 27


def test_every_status_and_state_has_one_tag_colour_and_no_template_picks_its_own():
    from django.conf import settings

    from onboarding.models import ReadinessStatus

    assert set(readiness.TAG_CLASSES) == {*ReadinessStatus.values, MET, PART, MISSING}
    hard_coded = [
        path.name
        for path in (settings.BASE_DIR / "templates" / "onboarding").rglob("*.html")
        if "nhsuk-tag--green" in path.read_text() or "nhsuk-tag--red" in path.read_text()
    ]
    assert hard_coded == []
