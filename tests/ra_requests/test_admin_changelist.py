"""The triage list's table (ra_requests/admin/changelist.py): Django's markup, from prepared rows."""

from datetime import timedelta

import pytest
from django.contrib.admin.templatetags.admin_list import items_for_result
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ra_requests import services
from ra_requests.models import RARequest
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ra_requests_rarequest_changelist")


@pytest.fixture
def requests_in_every_state(organisation, org_admin, submit, icb, ra_team_member):
    """Submitted, overdue, acknowledged and assigned, paused, resolved; one organisation's name
    needs escaping."""
    now = timezone.now()
    tricky = OrganisationFactory(ods_code="A81009", name='Smith & Jones <b>"Surgery"</b>', icb=icb)
    submitted = submit(tricky, org_admin, help_needed=["other", "positions"])
    overdue = submit(organisation, org_admin)
    RARequest.objects.filter(pk=overdue.pk).update(acknowledge_due_at=now - timedelta(hours=1))
    assigned = submit(organisation, org_admin)
    services.acknowledge_ra_request(assigned, acting_user=ra_team_member)
    services.assign_ra_request(assigned, assignee=ra_team_member, acting_user=ra_team_member)
    paused = submit(organisation, org_admin)
    services.acknowledge_ra_request(paused, acting_user=ra_team_member)
    services.ask_organisation(paused, acting_user=ra_team_member, comment="Which staff?")
    resolved = submit(organisation, org_admin)
    for transition in ("acknowledge", "resolve"):
        resolved = services.transition_ra_request(
            RARequest.objects.get(pk=resolved.pk), transition=transition, acting_user=ra_team_member
        )
    return [submitted, overdue, assigned, paused, resolved]


def django_rows(changelist) -> list[str]:
    """The rows as Django's own result_list tag writes them."""
    return ["".join(items_for_result(changelist, row, None)) for row in changelist.result_list]


@pytest.mark.parametrize("params", [{}, {"o": "-3.1"}, {"status": "open", "q": "Surgery"}])
def test_rows_are_the_markup_djangos_result_list_writes(
    client, ra_team_member, role_groups, requests_in_every_state, params
):
    client.force_login(ra_team_member)

    response = client.get(CHANGELIST, params)

    changelist = response.context["cl"]
    assert len(changelist.rows) == len(changelist.result_list) >= 1
    assert changelist.rows == django_rows(changelist)
    content = response.content.decode()
    assert all(f"<tr>{row}</tr>" in content for row in changelist.rows)


def test_rows_cover_every_column_a_national_admin_sees(
    client, national_admin, role_groups, requests_in_every_state
):
    client.force_login(national_admin)

    changelist = client.get(CHANGELIST).context["cl"]

    assert len(changelist.rows) == 5
    assert changelist.rows == django_rows(changelist)


def test_rows_escape_what_people_typed_and_link_with_the_filters_kept(
    client, ra_team_member, role_groups, requests_in_every_state
):
    submitted = requests_in_every_state[0]
    client.force_login(ra_team_member)

    content = client.get(CHANGELIST, {"status": "submitted"}).content.decode()

    assert "Smith &amp; Jones &lt;b&gt;&quot;Surgery&quot;&lt;/b&gt;" in content
    assert "<b>" not in content
    link = f"/admin/ra_requests/rarequest/{submitted.pk}/change/?_changelist_filters=status%3Dsubmitted"
    assert f'<th class="field-reference"><a href="{link}">{submitted.reference}</a></th>' in content
    assert "Set up role-based access positions; Something else" in content


def test_changelist_for_an_ra_team_member_takes_nine_queries_at_any_size_and_six_when_kept(
    client, ra_team_member, role_groups, organisation, org_admin, submit
):
    """Session, user, the permissions (the user's and their groups' in one), the national-administrator check,
    the team membership with its provider, the provider's data version; then, drawn, the region
    filter's choices, the count and the page's rows (see test_triage_cache.py for what is kept)."""
    client.force_login(ra_team_member)
    counts = []
    for total in (3, 60):
        while RARequest.objects.count() < total:
            submit(OrganisationFactory(icb=organisation.icb), org_admin)
        with CaptureQueriesContext(connection) as drawn:
            response = client.get(CHANGELIST)
        assert len(response.context["cl"].rows) == min(total, 50)
        with CaptureQueriesContext(connection) as kept:
            again = client.get(CHANGELIST)
        assert again.content.count(b'class="action-select"') == min(total, 50)
        counts.append((len(drawn), len(kept)))

    assert counts == [(9, 6), (9, 6)]


def test_a_popup_list_is_written_by_djangos_own_tag(
    client, ra_team_member, role_groups, requests_in_every_state
):
    client.force_login(ra_team_member)

    response = client.get(CHANGELIST, {"_popup": "1"})

    content = response.content.decode()
    assert content.count("data-popup-opener=") == 10  # two links a row: reference and ODS code
    assert "Smith &amp; Jones &lt;b&gt;" in content


@pytest.mark.parametrize(
    "age",
    [
        timedelta(0),
        timedelta(minutes=59),
        timedelta(hours=5, minutes=1),
        timedelta(hours=23, minutes=59),
        timedelta(days=1),
        timedelta(days=6, hours=23),
    ],
)
def test_age_changes_at_is_the_next_moment_the_age_reads_differently(age):
    from ra_requests.admin.changelist import age_changes_at, describe_age

    created = timezone.now()
    now = created + age
    moment = age_changes_at(created, now)

    assert moment > now
    assert describe_age(moment - timedelta(microseconds=1) - created) == describe_age(age)
    assert describe_age(moment - created) != describe_age(age)
