"""Organisations see who gives their RA support, with the contact and when it was last confirmed."""

import datetime

import pytest
from django.utils import timezone

from organisations.models import RAProvider

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed_icb(icb):
    RAProvider.objects.filter(pk=icb.pk).update(
        ra_contact_phone="01772 000000",
        contact_given_by="ra_team",
        contact_confirmed_at=datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC),
    )
    icb.refresh_from_db()
    return icb


@pytest.mark.parametrize(
    "path",
    ["/", "/readiness/{ods}/summary/", "/ra-requests/{ods}/", "/ra-requests/{ods}/new/"],
)
def test_org_pages_show_your_ra_support_with_the_last_confirmed_date(
    client, org_admin, organisation, confirmed_icb, national_team, path
):
    client.force_login(org_admin)

    page = client.get(path.format(ods=organisation.ods_code)).content.decode()

    assert f"<strong>Your RA support:</strong> {confirmed_icb.name}." in page
    assert 'href="mailto:ra.qe1@example.org"' in page
    assert "01772 000000" in page
    assert "Last confirmed by the RA team on 1 October 2026." in page


def test_request_page_shows_the_contact_of_the_provider_handling_it(
    client, org_admin, ra_request, confirmed_icb
):
    client.force_login(org_admin)

    page = client.get(f"/ra-requests/{ra_request.organisation.ods_code}/{ra_request.pk}/").content.decode()

    assert "Their contact: " in page
    assert "Last confirmed by the RA team on 1 October 2026." in page


def test_without_a_contact_the_organisation_is_told_requests_go_to_the_national_team(
    client, org_admin, organisation, icb, national_team
):
    icb.ra_contact_email = ""
    icb.save()
    client.force_login(org_admin)

    page = client.get("/").content.decode()

    assert f"<strong>Your RA support:</strong> {icb.name}. No RA contact on record" in page
    assert "requests you send here go to the national RA team" in page


def test_an_unconfirmed_contact_says_so(client, org_admin, organisation, icb, national_team):
    icb.contact_confirmed_at = None
    icb.save()
    client.force_login(org_admin)

    assert "Not yet confirmed by the RA team." in client.get("/").content.decode()


def test_a_stale_contact_says_it_is_old(client, org_admin, organisation, icb, national_team):
    icb.contact_confirmed_at = timezone.now() - datetime.timedelta(days=200)
    icb.save()
    client.force_login(org_admin)

    assert ", more than 6 months ago." in client.get("/").content.decode()


def test_when_the_support_provider_cannot_take_email_the_page_names_where_requests_go_as_routing_does(
    client, org_admin, organisation, icb, national_team
):
    csu = RAProvider.objects.create(
        ods_code="0DE",
        name="NHS Arden and GEM CSU",
        kind=RAProvider.Kind.CSU,
        ra_contact_email="ra@csu.example.org",
        contact_bouncing_since=timezone.now(),
    )
    icb.ra_support_provider = csu
    icb.save()
    client.force_login(org_admin)

    home = client.get("/").content.decode()
    form = client.get(f"/ra-requests/{organisation.ods_code}/new/").content.decode()

    assert f"requests you send here go to {icb.name}." in home
    assert "go to the national RA team" not in home
    assert f"Your request will go to <strong>{icb.name}</strong>" in form
