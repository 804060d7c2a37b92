"""The compliance summary's cache: a repeat view checks one per-organisation stamp (O(1), not a
count over completions), and every write to the organisation's training records moves it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from training import services
from training.compliance import TrainedStaff
from training.models import CompletionMethod, StaffRole
from training.selectors import compliance_summary, training_figure

from .conftest import TODAY, complete, make_staff

pytestmark = pytest.mark.django_db


def summary_queries(organisation):
    with CaptureQueriesContext(connection) as captured:
        summary = compliance_summary(organisation, today=TODAY)
    return summary, [query["sql"] for query in captured.captured_queries]


def test_repeat_view_costs_one_query_that_reads_no_staff_or_completion_rows(organisation, known_staff):
    compliance_summary(organisation, today=TODAY)

    summary, queries = summary_queries(organisation)

    assert summary.active_staff == 4
    assert len(queries) == 1
    assert "training_completion" not in queries[0]
    assert "training_staffmember" not in queries[0]
    assert "COUNT(" not in queries[0].upper()


def test_the_stamp_query_is_the_same_for_one_or_a_thousand_completions(organisation, foundations):
    alice = make_staff(organisation, "Alice Ahmed")
    compliance_summary(organisation, today=TODAY)
    _, small = summary_queries(organisation)
    for day in range(30):
        complete(alice, foundations, TODAY - datetime.timedelta(days=day + 1))
    compliance_summary(organisation, today=TODAY)

    _, large = summary_queries(organisation)

    assert large == small


def test_every_write_to_the_records_is_seen_by_the_next_view(organisation, foundations, ra_module, it_lead):
    alice = make_staff(organisation, "Alice Ahmed")
    assert compliance_summary(organisation, today=TODAY).active_staff == 1

    complete(alice, foundations, TODAY - datetime.timedelta(days=3))
    assert compliance_summary(organisation, today=TODAY).fully_compliant_staff == 1

    services.update_staff_member(
        alice,
        full_name="Alice Ahmed",
        email=alice.email,
        role=StaffRole.RA_FACING,
        employment_type=alice.employment_type,
        supplier_name="",
        acting_user=it_lead,
    )
    assert compliance_summary(organisation, today=TODAY).fully_compliant_staff == 0  # RA module now applies

    services.record_completions(
        [alice],
        module_version=ra_module.versions.get(),
        completed_on=TODAY - datetime.timedelta(days=1),
        method=CompletionMethod.E_LEARNING,
        acting_user=it_lead,
    )
    assert compliance_summary(organisation, today=TODAY).fully_compliant_staff == 1

    services.mark_staff_member_left(alice, left_on=TODAY - datetime.timedelta(days=1), acting_user=it_lead)
    assert compliance_summary(organisation, today=TODAY).active_staff == 0

    services.reinstate_staff_member(alice, acting_user=it_lead)
    assert compliance_summary(organisation, today=TODAY).active_staff == 1

    services.import_staff_members(
        organisation,
        rows=[
            {
                "full_name": "Bob Brown",
                "email": "bob@example.org",
                "role": StaffRole.DESKSIDE,
                "employment_type": "in_house",
                "supplier_name": "",
            }
        ],
        acting_user=it_lead,
    )
    assert compliance_summary(organisation, today=TODAY).active_staff == 2

    services.publish_module_version(foundations, change_note="New content.", published_by=it_lead)
    assert compliance_summary(organisation, today=TODAY).fully_compliant_staff == 0  # refresher due


def test_another_organisations_writes_do_not_clear_this_ones_summary(
    organisation, other_organisation, foundations
):
    make_staff(organisation, "Alice Ahmed")
    compliance_summary(organisation, today=TODAY)

    make_staff(other_organisation, "Zed Zane")
    _, queries = summary_queries(organisation)

    assert len(queries) == 1


def figure(organisation) -> tuple[TrainedStaff, int]:
    """``training_figure`` after checking it says what the full summary says."""
    result = training_figure(organisation, today=TODAY)
    summary = compliance_summary(organisation, today=TODAY)
    assert (result.trained_staff, result.overdue_count) == (summary.trained_staff, summary.overdue_count)
    return result.trained_staff, result.overdue_count


def test_the_readiness_figure_repeats_in_one_query_without_the_summary(organisation, known_staff):
    from organisations.data_versions import page_cache
    from training.selectors import summary_cache_key

    expected = compliance_summary(organisation, today=TODAY).trained_staff
    training_figure(organisation, today=TODAY)
    # Read again, the summary would recount: the figure must come from its own entry.
    page_cache.delete(summary_cache_key(organisation, today=TODAY, list_limit=25))

    with CaptureQueriesContext(connection) as captured:
        result = training_figure(organisation, today=TODAY)

    assert result.trained_staff == expected
    assert len(captured.captured_queries) == 1


def test_every_write_to_the_records_moves_the_readiness_figure(organisation, foundations, ra_module, it_lead):
    alice = make_staff(organisation, "Alice Ahmed")
    assert figure(organisation) == (TrainedStaff(trained=0, staff=1), 0)

    complete(alice, foundations, TODAY - datetime.timedelta(days=3))
    assert figure(organisation) == (TrainedStaff(trained=1, staff=1), 0)

    services.update_staff_member(
        alice,
        full_name="Alice Ahmed",
        email=alice.email,
        role=StaffRole.RA_FACING,
        employment_type=alice.employment_type,
        supplier_name="",
        acting_user=it_lead,
    )
    assert figure(organisation) == (TrainedStaff(trained=0, staff=1), 0)  # RA module now applies

    services.record_completions(
        [alice],
        module_version=ra_module.versions.get(),
        completed_on=TODAY - datetime.timedelta(days=1),
        method=CompletionMethod.E_LEARNING,
        acting_user=it_lead,
    )
    assert figure(organisation) == (TrainedStaff(trained=1, staff=1), 0)

    services.mark_staff_member_left(alice, left_on=TODAY - datetime.timedelta(days=1), acting_user=it_lead)
    assert figure(organisation) == (TrainedStaff(trained=0, staff=0), 0)

    services.reinstate_staff_member(alice, acting_user=it_lead)
    assert figure(organisation) == (TrainedStaff(trained=1, staff=1), 0)

    services.publish_module_version(foundations, change_note="New content.", published_by=it_lead)
    assert figure(organisation)[0] == TrainedStaff(trained=0, staff=1)  # refresher due
