"""A history version page in the admin never saves for someone who may only view the object."""

import pytest

pytestmark = pytest.mark.django_db


def test_ra_team_member_cannot_change_their_provider_through_a_history_version_page(
    client, role_groups, icb, ra_team_member
):
    version = icb.history.first()
    url = f"/admin/organisations/raprovider/{icb.pk}/history/{version.pk}/"
    client.force_login(ra_team_member)
    posted = {
        "ods_code": icb.ods_code,
        "name": "Changed by an RA team member",
        "kind": icb.kind,
        "region": icb.region,
        "region_code": icb.region_code,
        "ons_code": icb.ons_code or "E54000048",
        "ra_contact_email": "someone.else@example.org",
        "status": icb.status,
        "acknowledge_within_working_days": 2,
        "resolve_within_working_days": 10,
    }

    page = client.get(url)
    response = client.post(url, posted)

    icb.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 403
    assert icb.name == "NHS Lancashire and South Cumbria Integrated Care Board"
    assert icb.ra_contact_email == "ra.qe1@example.org"


def test_national_admin_still_saves_a_provider_from_a_history_version_page(
    client, role_groups, icb, national_admin
):
    version = icb.history.first()
    client.force_login(national_admin)
    posted = {
        "ods_code": icb.ods_code,
        "name": icb.name,
        "kind": icb.kind,
        "region": icb.region,
        "region_code": icb.region_code,
        "ons_code": icb.ons_code or "E54000048",
        "ra_contact_email": "new.contact@example.org",
        "status": icb.status,
        "acknowledge_within_working_days": 2,
        "resolve_within_working_days": 10,
    }

    response = client.post(f"/admin/organisations/raprovider/{icb.pk}/history/{version.pk}/", posted)

    icb.refresh_from_db()
    assert response.status_code == 302
    assert icb.ra_contact_email == "new.contact@example.org"
