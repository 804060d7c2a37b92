"""A CSU's status is uncertain (CSUs are being closed): the admin never shows it as plain "Active"."""

import re

import pytest

from organisations.models import RAProvider
from tests.factories import RAProviderFactory

pytestmark = pytest.mark.django_db


def _status_cell(html: str, provider: RAProvider) -> str:
    row = next(row for row in re.findall(r"<tr[^>]*>(.*?)</tr>", html, re.S) if provider.name in row)
    match = re.search(r'<td class="field-status_column">(.*?)</td>', row, re.S)
    assert match, row
    return match.group(1).strip()


def test_admin_provider_list_marks_a_csus_active_status_as_unconfirmed(client, role_groups, national_admin):
    csu = RAProviderFactory(ods_code="0DE", name="NHS Arden and GEM CSU", kind=RAProvider.Kind.CSU)
    icb = RAProviderFactory(ods_code="QE1", name="NHS Lancashire ICB")
    client.force_login(national_admin)

    html = client.get("/admin/organisations/raprovider/").content.decode()

    assert (
        _status_cell(html, csu)
        == "Active (unconfirmed: CSUs are being closed, so check before relying on it)"
    )
    assert _status_cell(html, icb) == "Active"


def test_admin_provider_form_says_a_csus_status_is_unconfirmed(client, role_groups, national_admin):
    csu = RAProviderFactory(ods_code="0DE", name="NHS Arden and GEM CSU", kind=RAProvider.Kind.CSU)
    client.force_login(national_admin)

    html = client.get(f"/admin/organisations/raprovider/{csu.pk}/change/").content.decode()

    assert "CSUs are being closed" in html
