import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from training import selectors, services
from training.compliance import Rag, Status

from .conftest import TODAY, complete, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date


def test_compliance_summary_on_known_data_set_gives_exact_figures(known_staff, organisation):
    summary = selectors.compliance_summary(organisation, today=TODAY)

    assert summary.active_staff == 4
    assert (summary.applicable, summary.compliant, summary.percent_in_date) == (6, 3, 50.0)
    assert summary.rag == Rag.RED
    assert summary.fully_compliant_staff == 2
    assert dict(summary.counts) == {
        Status.IN_DATE: 2,
        Status.EXPIRING: 1,
        Status.OVERDUE: 1,
        Status.REFRESHER_DUE: 1,
        Status.NEVER_COMPLETED: 1,
    }
    assert (summary.overdue_count, summary.refresher_due_count, summary.due_within_30_days) == (1, 1, 1)
    by_module = {m.module.slug: (m.applicable, m.compliant, m.percent, m.rag) for m in summary.modules}
    assert by_module == {
        "cis-foundations": (4, 2, 50.0, Rag.RED),
        "working-with-the-ra": (2, 1, 50.0, Rag.RED),
    }
    groups = [(g.label, g.staff_count, g.applicable, g.compliant, g.percent) for g in summary.groups]
    assert groups == [("In-house", 2, 3, 3, 100.0), ("Outsourced (supplier staff)", 2, 3, 0, 0.0)]


def test_compliance_summary_lists_overdue_and_expiring_people_soonest_first(known_staff, organisation):
    summary = selectors.compliance_summary(organisation, today=TODAY)

    overdue = [
        (due.staff.full_name, due.module.slug, due.status.status, due.status.due_on)
        for due in summary.overdue
    ]
    expiring = [(due.staff.full_name, due.module.slug, due.status.due_on) for due in summary.expiring]
    assert overdue == [
        ("Dan Dixon", "cis-foundations", Status.REFRESHER_DUE, d(2025, 6, 1)),
        ("Dan Dixon", "working-with-the-ra", Status.OVERDUE, d(2025, 12, 10)),
    ]
    assert expiring == [("Bob Brown", "working-with-the-ra", d(2026, 1, 20))]


def test_compliance_summary_renewal_moves_person_back_in_date(known_staff, organisation):
    complete(known_staff["dan"], known_staff["dan"].completions.first().module, d(2025, 12, 20))

    summary = selectors.compliance_summary(organisation, today=TODAY)

    assert [due.module.slug for due in summary.overdue] == ["cis-foundations"]
    assert summary.overdue_count == 0


def test_compliance_summary_leaves_out_other_organisations_and_leavers(
    known_staff, organisation, other_organisation, foundations
):
    outsider = make_staff(other_organisation, "Olga Other")
    complete(outsider, foundations, d(2025, 12, 1), version_number=2)

    summary = selectors.compliance_summary(organisation, today=TODAY)
    other = selectors.compliance_summary(other_organisation, today=TODAY)

    names = {due.staff.full_name for due in summary.overdue + summary.expiring}
    assert "Olga Other" not in names
    assert "Eve Evans" not in names
    assert summary.active_staff == 4
    assert (other.active_staff, other.applicable, other.compliant, other.percent_in_date) == (1, 1, 1, 100.0)


def test_compliance_summary_with_no_staff_has_no_percentage(organisation, foundations):
    summary = selectors.compliance_summary(organisation, today=TODAY)

    assert (summary.active_staff, summary.percent_in_date, summary.rag) == (0, None, Rag.NONE)


def _summary_queries(organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.compliance_summary(organisation, today=TODAY)
    return len(queries)


def test_compliance_summary_uses_the_same_number_of_queries_for_3_and_60_staff(
    organisation, other_organisation, foundations, ra_module
):
    for number in range(3):
        complete(make_staff(organisation, f"Small {number}"), foundations, d(2025, 6, 1))
    for number in range(60):
        staff = make_staff(other_organisation, f"Large {number}", role="ra_facing")
        complete(staff, foundations, d(2025, 6, 1))
        complete(staff, ra_module, d(2025, 9, 1))

    small, large = _summary_queries(organisation), _summary_queries(other_organisation)

    assert small == large == 5


def test_statuses_for_staff_members_skips_modules_for_other_roles(known_staff):
    statuses = selectors.statuses_for_staff_members([known_staff["alice"], known_staff["bob"]], today=TODAY)

    assert [(m.slug, s.status) for m, s in statuses[known_staff["alice"].pk]] == [
        ("cis-foundations", Status.IN_DATE)
    ]
    assert [(m.slug, s.status) for m, s in statuses[known_staff["bob"].pk]] == [
        ("cis-foundations", Status.IN_DATE),
        ("working-with-the-ra", Status.EXPIRING),
    ]


def test_timeline_events_group_a_session_and_show_version_bumps(organisation, foundations, it_lead):
    alice, bob = make_staff(organisation, "Alice Ahmed"), make_staff(organisation, "Bob Brown")
    services.record_completions(
        [alice, bob],
        module_version=foundations.versions.get(),
        completed_on=d(2025, 10, 1),
        method="in_house_session",
        acting_user=it_lead,
    )
    services.publish_module_version(foundations, change_note="Browser support changed.", published_by=it_lead)

    events = selectors.timeline_events_for_organisation(organisation)

    assert [(e.category, e.title) for e in events] == [
        ("training", "Training completed: CIS foundations (version 1)"),
        ("training", "New version of CIS foundations: version 2"),
    ]
    assert events[0].detail == "In-house session for 2 people: Alice Ahmed, Bob Brown"
    assert events[0].url == f"/training/{organisation.ods_code}/"
    assert events[1].detail.startswith("Browser support changed.")


def test_timeline_events_for_organisation_excludes_other_organisations(
    organisation, other_organisation, foundations
):
    complete(make_staff(other_organisation, "Olga Other"), foundations, d(2025, 10, 1))

    assert selectors.timeline_events_for_organisation(organisation) == []


def test_compliance_summary_repeat_costs_one_query_until_the_data_changes(
    known_staff, organisation, foundations
):
    first = selectors.compliance_summary(organisation, today=TODAY)
    with CaptureQueriesContext(connection) as repeat_queries:
        repeat = selectors.compliance_summary(organisation, today=TODAY)
    complete(known_staff["carol"], foundations, d(2026, 1, 10), version_number=2)
    after_completion = selectors.compliance_summary(organisation, today=TODAY)
    services.mark_staff_member_left(known_staff["carol"], left_on=d(2026, 1, 12), acting_user=None)
    after_leaving = selectors.compliance_summary(organisation, today=TODAY)
    next_day = selectors.compliance_summary(organisation, today=TODAY + datetime.timedelta(days=1))

    assert len(repeat_queries) == 1
    assert (first.compliant, repeat.compliant) == (3, 3)
    assert (after_completion.compliant, after_completion.never_completed_count) == (4, 0)
    assert (after_leaving.active_staff, after_leaving.applicable) == (3, 5)
    assert next_day.today == TODAY + datetime.timedelta(days=1)


def test_compliance_summary_sees_a_new_module_version(known_staff, organisation, foundations, it_lead):
    before = selectors.compliance_summary(organisation, today=TODAY)

    services.publish_module_version(foundations, change_note="Another release.", published_by=it_lead)
    after = selectors.compliance_summary(organisation, today=TODAY)

    assert (before.refresher_due_count, after.refresher_due_count) == (1, 3)
