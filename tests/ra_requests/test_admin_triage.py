"""The triage list as an RA team uses it: search by reference, headings, the open-requests view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ra_requests import services
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:ra_requests_rarequest_changelist")


def change_url(ra_request):
    return reverse("admin:ra_requests_rarequest_change", args=[ra_request.pk])


def shown(client, **params) -> set:
    return set(client.get(CHANGELIST, params).context["cl"].result_list)


@pytest.fixture
def triage(client, ra_team_member, role_groups):
    client.force_login(ra_team_member)
    return client


@pytest.fixture
def three_requests(organisation, org_admin, submit, icb):
    """Three requests to the same provider from three organisations with distinct contacts."""
    first = submit(organisation, org_admin)
    second = submit(
        OrganisationFactory(ods_code="A81002", name="Meadow Lane Practice", icb=icb),
        org_admin,
        contact_name="Ben Okafor",
        contact_email="ben.okafor@meadow.example.org",
    )
    third = submit(
        OrganisationFactory(ods_code="A81003", name="Hilltop Clinic", icb=icb),
        org_admin,
        contact_name="Cara Lewis",
        contact_email="cara@hilltop.example.org",
    )
    return first, second, third


@pytest.mark.parametrize("form", ["RA-{pk:06d}", "ra-{pk:06d}", "{pk:06d}", "{pk}", " RA-{pk} "])
def test_search_finds_a_request_by_its_reference_with_or_without_the_prefix(triage, three_requests, form):
    _, second, _ = three_requests

    assert shown(triage, q=form.format(pk=second.pk)) == {second}


@pytest.mark.parametrize(
    ("term", "which"),
    [
        ("Meadow Lane", 1),
        ("a81003", 2),
        ("Ben Okafor", 1),
        ("okafor", 1),
        ("cara@hilltop.example.org", 2),
        ("asha.patel@riverside", 0),
    ],
)
def test_search_finds_a_request_by_organisation_ods_code_contact_name_and_email(
    triage, three_requests, term, which
):
    assert shown(triage, q=term) == {three_requests[which]}


def test_search_by_reference_stays_inside_the_team_scope(
    triage, other_organisation, other_org_admin, submit, role_groups
):
    elsewhere = submit(other_organisation, other_org_admin)

    assert shown(triage, q=elsewhere.reference) == set()


def test_search_ignores_a_reference_too_large_for_the_database(triage, three_requests):
    response = triage.get(CHANGELIST, {"q": "RA-99999999999999999999999"})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_changelist_is_titled_ra_requests_and_the_change_page_uses_the_reference(triage, ra_request):
    changelist = triage.get(CHANGELIST).content.decode()
    change = triage.get(change_url(ra_request)).content.decode()

    assert "<title>RA requests |" in changelist
    assert "<h1>RA requests</h1>" in changelist
    assert "Select RA support request to change" not in changelist
    heading = f"{ra_request.reference} — Riverside Surgery"
    assert f"<h1>{heading}</h1>" in change
    assert f"<title>{heading} |" in change
    assert "Change RA support request" not in change


def test_status_filter_offers_every_open_request_at_once(triage, three_requests, ra_team_member):
    first, second, third = three_requests
    services.acknowledge_ra_request(second, acting_user=ra_team_member)
    services.start_work_on_ra_request(third, acting_user=ra_team_member)
    services.resolve_ra_request(third, acting_user=ra_team_member)

    assert shown(triage, status="open") == {first, second}
    assert shown(triage, status="acknowledged") == {second}
    assert shown(triage, status="resolved") == {third}


def test_home_page_triage_card_opens_the_open_requests(client, icb, ra_team_member, role_groups):
    client.force_login(ra_team_member)

    content = client.get(reverse("home")).content.decode()

    assert f'href="{CHANGELIST}?status=open"' in content


def _changelist_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_search_and_open_filter_use_the_same_number_of_queries_for_3_and_30_rows(
    triage, organisation, org_admin, submit
):
    for _ in range(3):
        submit(organisation, org_admin)
    few = [_changelist_queries(triage, q="Riverside"), _changelist_queries(triage, status="open")]
    for _ in range(27):
        submit(organisation, org_admin)

    many = [_changelist_queries(triage, q="Riverside"), _changelist_queries(triage, status="open")]

    assert [rows for _, rows in few] == [3, 3]
    assert [rows for _, rows in many] == [30, 30]
    assert [queries for queries, _ in many] == [queries for queries, _ in few]
