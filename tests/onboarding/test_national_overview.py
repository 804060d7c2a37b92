"""National administrators' overview (every organisation, region filter) and the read-only
organisation page RA team members reach from the overview, scoped to their provider."""

import csv
import io

import pytest
from django.urls import reverse

from onboarding.services import record_readiness_statuses as refresh
from organisations.models import RAProvider
from ra_requests import services as ra_services
from tests.factories import OrganisationFactory, UserFactory

from .test_summary import submit_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def london_icb(db):
    return RAProvider.objects.create(
        ods_code="QKK", name="NHS South East London ICB", kind=RAProvider.Kind.ICB, region="London",
        ra_contact_email="ra@sel.example.org",
    )  # fmt: skip


@pytest.fixture
def london_organisation(london_icb):
    return OrganisationFactory(ods_code="G85001", name="Thames Surgery", icb=london_icb)


def test_national_overview_lists_every_organisation_and_filters_by_region(
    client, national_admin, organisation, other_organisation, london_organisation
):
    refresh()
    client.force_login(national_admin)

    everything = client.get(reverse("onboarding:icb_overview"))
    london = client.get(reverse("onboarding:icb_overview"), {"region": "London"})
    bogus = client.get(reverse("onboarding:icb_overview"), {"region": "Atlantis"})
    export = client.get(reverse("onboarding:icb_overview_csv"), {"region": "London"})

    assert everything.status_code == 200
    assert [r.ods_code for r in everything.context["page"].object_list] == ["B82002", "A81001", "G85001"]
    html = everything.content.decode()
    assert '<h1 class="nhsuk-heading-l">Readiness of organisations in England</h1>' in html
    assert '<option value="London">London</option>' in html
    assert [r.ods_code for r in london.context["page"].object_list] == ["G85001"]
    assert london.context["overview"].total == 1
    assert "Organisations by readiness in London" in london.content.decode()
    assert bogus.context["region"] == ""
    assert bogus.context["overview"].total == 3
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert [row[0] for row in rows[1:]] == ["G85001"]
    assert export["Content-Disposition"].startswith('attachment; filename="cis-readiness-england-')


def test_national_overview_status_links_keep_the_region(client, national_admin, london_organisation):
    refresh()
    client.force_login(national_admin)

    response = client.get(reverse("onboarding:icb_overview"), {"region": "London"})

    assert 'href="?region=London&amp;status=not_ready">Not ready' in response.content.decode()


def test_home_page_offers_national_administrators_the_overview(client, national_admin):
    client.force_login(national_admin)

    response = client.get(reverse("home"))

    assert f'href="{reverse("onboarding:icb_overview")}"' in response.content.decode()


def test_overview_rows_link_to_the_read_only_organisation_page(client, ra_team_member, organisation):
    refresh()
    client.force_login(ra_team_member)

    response = client.get(reverse("onboarding:icb_overview"))

    url = reverse("onboarding:ra_organisation", args=[organisation.ods_code])
    assert f'<a href="{url}">Riverside Surgery (A81001)</a>' in response.content.decode()


def test_ra_organisation_page_shows_requests_readiness_and_contacts(
    client, ra_team_member, organisation, org_admin
):
    request = submit_request(organisation, org_admin)
    refresh()
    client.force_login(ra_team_member)

    response = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code.lower()]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Surgery (A81001)</h1>" in html
    assert f">{request.reference}</a>" in html
    assert reverse("admin:ra_requests_rarequest_change", args=[request.pk]) in html
    assert f"{request.reference}: Submitted, waiting for the RA team" in html  # the stored RA detail
    requests_table = html.split('id="ra-requests"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col" class="nhsuk-table__header">Waiting for</th>' in requests_table
    assert '<td class="nhsuk-table__cell">The RA team</td>' in requests_table
    assert 'href="mailto:admin@riverside.example.org"' in html
    assert "<form" not in html.split('id="maincontent"')[-1]  # read-only: nothing to submit


def test_ra_organisation_page_is_404_for_another_providers_organisation(
    client, ra_team_member, other_ra_team_member, organisation, other_organisation, org_admin
):
    submit_request(organisation, org_admin)
    refresh()
    client.force_login(other_ra_team_member)

    theirs = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code]))
    missing = client.get(reverse("onboarding:ra_organisation", args=["Z99999"]))
    own = client.get(reverse("onboarding:ra_organisation", args=[other_organisation.ods_code]))

    assert theirs.status_code == 404
    assert missing.status_code == 404
    assert own.status_code == 200
    assert "Riverside" not in own.content.decode()


def test_ra_organisation_page_shows_only_requests_to_the_viewers_provider(
    client, icb, other_icb, ra_team_member, other_ra_team_member, organisation, org_admin
):
    """An organisation outside an ICB's area that asked it for help is supported by it too; each
    provider's team sees only the requests sent to it."""
    from ra_requests.models import RARequest

    request = submit_request(organisation, org_admin)
    RARequest.objects.filter(pk=request.pk).update(provider=other_icb)  # as if re-routed
    refresh()

    client.force_login(other_ra_team_member)
    other = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code]))
    client.force_login(ra_team_member)
    home = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code]))

    assert other.status_code == home.status_code == 200
    assert request.reference in other.content.decode()
    assert 'id="ra-requests"' not in home.content.decode()
    assert "No RA requests to your team." in home.content.decode()


def test_ra_organisation_page_is_refused_to_organisation_members(client, org_admin, organisation):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code]))

    assert response.status_code == 403


def test_national_admin_can_open_any_organisation_page(client, national_admin, other_organisation):
    client.force_login(national_admin)

    response = client.get(reverse("onboarding:ra_organisation", args=[other_organisation.ods_code]))

    assert response.status_code == 200
    assert "Not worked out yet" in response.content.decode()


def test_someone_with_no_role_is_refused(client):
    client.force_login(UserFactory(email="nobody@example.org"))

    assert client.get(reverse("onboarding:ra_organisation", args=["A81001"])).status_code == 403


def test_every_row_the_overview_lists_opens_until_the_next_hourly_run(
    client, other_icb, other_ra_team_member, national_admin, organisation, org_admin
):
    request = submit_request(organisation, org_admin)
    ra_services.change_route(request, provider=other_icb, reason="Covering", acting_user=national_admin)
    refresh()
    ra_services.decline_ra_request(request, reason="outside_area", acting_user=other_ra_team_member)
    client.force_login(other_ra_team_member)

    overview = client.get(reverse("onboarding:icb_overview")).content.decode()
    page = client.get(reverse("onboarding:ra_organisation", args=[organisation.ods_code]))

    assert reverse("onboarding:ra_organisation", args=[organisation.ods_code]) in overview
    assert page.status_code == 200
