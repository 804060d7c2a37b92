"""Words in the admin site: labels say what they mean, and one word is not used for two things."""

import pytest

pytestmark = pytest.mark.django_db


def test_provider_form_labels_the_ra_support_provider_field_with_its_capitals(
    client, national_admin, role_groups, icb
):
    client.force_login(national_admin)

    content = client.get(f"/admin/organisations/raprovider/{icb.pk}/change/").content.decode()

    assert '<label for="id_ra_support_provider">RA support provider:</label>' in content
    assert "Ra support provider" not in content
