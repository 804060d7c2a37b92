"""The triage list is kept under its provider's data version (ra_requests/admin/triage_cache.py):
every kind of write shows on the next view, time moves it on with no write, and no provider, viewer
or query sees another's page."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from organisations import roles
from organisations import services as organisation_services
from organisations.data_versions import tracked_tables
from organisations.models import Organisation, RATeamMembership, User
from ra_requests import services
from ra_requests.models import RARequest, Status
from tests.data_version_helpers import tables_read
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ra_requests_rarequest_changelist")
CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
KEPT_QUERIES = 6  # session, user, permissions, national-administrator check, team, data version


@pytest.fixture
def view(client, ra_team_member, role_groups):
    """view(**params) -> (HTML, number of queries) of the triage list as the ICB's RA team member sees it."""
    client.force_login(ra_team_member)

    def _view(viewer=client, **params):
        with CaptureQueriesContext(connection) as queries:
            response = viewer.get(CHANGELIST, params)
        assert response.status_code == 200
        return response.content.decode(), len(queries)

    return _view


@pytest.fixture
def ra_request(organisation, org_admin, national_team, submit):
    return submit(organisation, org_admin)


def listed(page: str, ra_request) -> bool:
    """Whether the page lists the request (its reference also appears in the search help's example)."""
    return f">{ra_request.reference}</a></th>" in page


def kept(view, **params) -> str:
    """The page, asserting it came from the cache."""
    content, queries = view(**params)
    assert queries == KEPT_QUERIES, "the page was drawn again"
    return content


def drawn(view, **params) -> str:
    content, queries = view(**params)
    assert queries > KEPT_QUERIES, "the page came from the cache"
    return content


def test_the_second_view_is_kept_and_equals_the_drawn_page_but_for_a_fresh_csrf_token(view, ra_request):
    first = drawn(view)
    second = kept(view)

    assert listed(second, ra_request)
    assert CSRF_VALUE.sub("", first) == CSRF_VALUE.sub("", second)
    assert CSRF_VALUE.findall(first) != CSRF_VALUE.findall(second)


def test_a_kept_pages_csrf_token_is_accepted(ra_team_member, role_groups, ra_request):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(ra_team_member)
    strict.get(CHANGELIST)
    with CaptureQueriesContext(connection) as queries:
        page = strict.get(CHANGELIST).content.decode()
    assert len(queries) == KEPT_QUERIES
    csrf = CSRF_VALUE.search(page).group(1)

    response = strict.post(
        CHANGELIST,
        {"csrfmiddlewaretoken": csrf, "action": "acknowledge_selected", "_selected_action": [ra_request.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert "1 request(s) acknowledged." in response.content.decode()
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.ACKNOWLEDGED


def test_each_kind_of_write_shows_on_the_next_view(
    view, ra_request, ra_team_member, organisation, org_admin, submit, icb, other_icb
):
    drawn(view)
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    assert "Acknowledged" in drawn(view)

    RARequest.objects.filter(pk=ra_request.pk).update(status=Status.IN_PROGRESS)
    assert "In progress" in drawn(view)

    colleague = UserFactory()  # not the viewer, whose own name is in the page's key
    organisation_services.add_ra_team_member(icb, user=colleague)
    services.assign_ra_request(ra_request, assignee=colleague, acting_user=ra_team_member)
    drawn(view)
    User.objects.filter(pk=colleague.pk).update(first_name="Priya", last_name="Shah")
    assert "Priya Shah" in drawn(view)

    Organisation.objects.filter(pk=organisation.pk).update(name="Harbour View Surgery")
    assert "Harbour View Surgery" in drawn(view)

    icb.name = "NHS Renamed Integrated Care Board"
    icb.save()
    assert "NHS Renamed Integrated Care Board" in drawn(view)

    newer = submit(OrganisationFactory(icb=icb), org_admin)
    assert listed(drawn(view), newer)

    services.change_route(newer, provider=other_icb, reason="Wrong ICB", acting_user=ra_team_member)
    assert not listed(drawn(view), newer)
    assert listed(kept(view), ra_request)


def test_another_providers_writes_leave_the_page_kept_and_neither_sees_the_others_requests(
    view, ra_request, other_ra_team_member, other_organisation, org_admin, submit
):
    drawn(view)
    theirs = submit(other_organisation, org_admin)
    services.acknowledge_ra_request(theirs, acting_user=other_ra_team_member)
    Organisation.objects.filter(pk=other_organisation.pk).update(name="Renamed elsewhere")

    mine = kept(view)
    other_client = Client()
    other_client.force_login(other_ra_team_member)
    other_page, _ = view(viewer=other_client)

    assert listed(mine, ra_request)
    assert not listed(mine, theirs)
    assert listed(other_page, theirs)
    assert not listed(other_page, ra_request)


def test_time_moves_ages_and_deadlines_on_with_no_write(client, view, ra_request, ra_team_member, clock):
    created = ra_request.created_at
    clock.set(created + timedelta(minutes=10))
    assert "under an hour" in drawn(view)
    clock.set(created + timedelta(minutes=50))
    assert "under an hour" in kept(view)

    clock.set(created + timedelta(minutes=61))
    assert "1 hour" in drawn(view)

    clock.set(ra_request.acknowledge_due_at - timedelta(minutes=1))
    client.force_login(ra_team_member)  # days on: the session has ended
    assert "ra-sla--overdue" not in drawn(view)
    clock.set(ra_request.acknowledge_due_at + timedelta(minutes=1))
    assert "ra-sla--overdue" in drawn(view)


def test_the_viewer_query_and_filters_each_have_their_own_page(view, ra_request, ra_team_member):
    drawn(view)
    drawn(view, status="resolved")
    assert not listed(kept(view, status="resolved"), ra_request)
    assert listed(kept(view), ra_request)
    drawn(view, assigned="me")
    # The SLA filter's results change as deadlines pass: never kept.
    drawn(view, sla="overdue")
    drawn(view, sla="overdue")

    User.objects.filter(pk=ra_team_member.pk).update(first_name="Renamed")
    assert "Renamed" in drawn(view)  # the header names the viewer


def test_messages_after_an_action_are_shown_once(client, view, ra_request):
    drawn(view)

    response = client.post(
        CHANGELIST, {"action": "acknowledge_selected", "_selected_action": [ra_request.pk]}, follow=True
    )

    assert "1 request(s) acknowledged." in response.content.decode()
    assert "1 request(s) acknowledged." not in drawn(view)


def test_losing_the_team_or_the_permission_is_not_hidden_by_a_kept_page(
    client, view, ra_request, ra_team_member, other_icb
):
    drawn(view)
    membership = RATeamMembership.objects.get(user=ra_team_member)
    membership.provider = other_icb
    membership.save()
    assert not listed(drawn(view), ra_request)

    ra_team_member.groups.remove(Group.objects.get(name=roles.RA_TEAM_MEMBERS))
    assert client.get(CHANGELIST).status_code == 403


def test_the_page_is_built_only_from_what_changes_its_key_or_is_checked_on_every_view(
    client, ra_team_member, role_groups, ra_request
):
    client.force_login(ra_team_member)
    client.get(reverse("home"))

    read = tables_read(lambda: client.get(CHANGELIST, {"q": "Riverside"}))

    # Tables whose writes change the provider's token: its requests; what the list shows of their
    # organisations and assignees (the viewer's own row is in the key too).
    assert read & tracked_tables(for_providers=True) == {
        "ra_requests_rarequest",
        "organisations_organisation",
        "organisations_user",
    }
    untracked = read - tracked_tables(for_providers=True) - {"organisations_dataversion"}
    assert untracked == {
        "organisations_raprovider",  # reference data: its own token, in the key
        # Read live on every view, before the cache: who is asking and what they may see.
        "django_session",
        "auth_permission",
        "auth_group",
        "auth_group_permissions",
        "django_content_type",
        "organisations_user_groups",
        "organisations_user_user_permissions",
        "organisations_rateammembership",
    }
    assert "organisations_raprovider" in tracked_tables()


def test_a_national_administrators_list_is_drawn_every_time(client, national_admin, role_groups, ra_request):
    client.force_login(national_admin)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert listed(client.get(CHANGELIST).content.decode(), ra_request)
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_team_member_removed_from_the_team_acts_for_no_provider(client, view, ra_request, ra_team_member):
    drawn(view)
    organisation_services.remove_ra_team_member(RATeamMembership.objects.get(user=ra_team_member))

    response = client.get(CHANGELIST)

    assert response.status_code == 302  # no longer staff: to the admin's sign-in page
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_change_of_permissions_changes_the_navigation_on_the_next_view(view, ra_request):
    catalogue = reverse("admin:authenticators_authenticator_changelist")
    drawn(view)
    assert catalogue in kept(view)

    Group.objects.get(name=roles.RA_TEAM_MEMBERS).permissions.remove(
        Permission.objects.get(content_type__app_label="authenticators", codename="view_authenticator")
    )

    assert catalogue not in drawn(view)
