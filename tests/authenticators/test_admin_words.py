"""The catalogue's own confidence in a row is "Source confidence", apart from the AAL levels' confidence."""

import pytest

pytestmark = pytest.mark.django_db


def test_application_confidence_is_called_source_confidence_beside_the_aal_levels(
    client, national_admin, role_groups, catalogue
):
    client.force_login(national_admin)

    content = client.get("/admin/authenticators/application/").content.decode()

    assert "Source confidence" in content
    assert ">Confidence<" not in content
    assert "By confidence" not in content
