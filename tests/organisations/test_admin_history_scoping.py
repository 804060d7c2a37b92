"""RA team members cannot read another provider's (or its organisations') audit history in the admin."""

import pytest

pytestmark = pytest.mark.django_db


def test_admin_history_of_another_provider_and_its_organisation_is_a_404_for_ra_team_members(
    client, role_groups, icb, other_icb, organisation, other_organisation, ra_team_member
):
    other_icb.ra_contact_email = "changed@example.org"
    other_icb.save()
    provider_version = other_icb.history.first()
    organisation_version = other_organisation.history.first()
    client.force_login(ra_team_member)

    pages = {
        "provider history": f"/admin/organisations/raprovider/{other_icb.pk}/history/",
        "provider version": f"/admin/organisations/raprovider/{other_icb.pk}/history/{provider_version.pk}/",
        "organisation history": f"/admin/organisations/organisation/{other_organisation.pk}/history/",
        "organisation version": (
            f"/admin/organisations/organisation/{other_organisation.pk}/history/{organisation_version.pk}/"
        ),
    }
    responses = {name: client.get(url) for name, url in pages.items()}

    assert {name: response.status_code for name, response in responses.items()} == dict.fromkeys(pages, 404)
    assert all("changed@example.org" not in r.content.decode() for r in responses.values())
    own = client.get(f"/admin/organisations/raprovider/{icb.pk}/history/")
    assert own.status_code == 200
    assert icb.name in own.content.decode()
