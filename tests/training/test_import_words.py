"""The staff CSV import speaks plainly: labels, not codes; what was wrong and what is allowed; a template."""

import csv
import io
import re

import pytest
from django.urls import reverse

from training import csv_io
from training.models import StaffMember

from .test_import_export import upload

pytestmark = pytest.mark.django_db

ALLOWED_ROLES = "deskside, service_desk, ra_facing, infrastructure or it_manager"


@pytest.fixture
def lead_client(client, it_lead):
    client.force_login(it_lead)
    return client


def _preview_cells(html: str) -> list[list[str]]:
    body = html.split('<tbody class="nhsuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_import_preview_shows_role_and_employment_labels_not_codes(lead_client, organisation):
    response = upload(
        lead_client,
        organisation,
        "full_name,email,role,employment_type,supplier_name\n"
        "Alice Ahmed,alice@example.org,deskside,in_house,\n"
        "Bob Brown,bob@example.org,service_desk,outsourced,Acme IT Ltd\n",
    )

    rows = _preview_cells(response.content.decode())
    assert [row[3:6] for row in rows] == [
        ["Desk-side and workstation support", "In-house", ""],
        ["Service desk (first-line support)", "Outsourced (supplier staff)", "Acme IT Ltd"],
    ]


def test_import_unknown_role_says_what_was_given_and_lists_the_allowed_values(lead_client, organisation):
    response = upload(
        lead_client,
        organisation,
        "full_name,email,role,employment_type,supplier_name\n"
        "Bob Brown,bob@example.org,astronaut,contractor,\n"
        "Cara Cole,cara@example.org,,in_house,\n",
    )

    previews = response.context["previews"]
    assert previews[0].errors == [
        f'The role "astronaut" is not one the portal knows. Use {ALLOWED_ROLES}',
        'The employment type "contractor" is not one the portal knows. Use in_house or outsourced',
    ]
    assert previews[1].errors == [f"The role is empty. Use {ALLOWED_ROLES}"]
    html = response.content.decode()
    assert "astronaut" in _preview_cells(html)[0][3]
    assert "The role &quot;astronaut&quot; is not one the portal knows" in html
    assert StaffMember.objects.count() == 0


def test_import_page_links_to_a_template_csv(lead_client, organisation):
    html = lead_client.get(reverse("training:staff_import", args=[organisation.ods_code])).content.decode()

    assert f'href="{reverse("training:staff_import_template", args=[organisation.ods_code])}"' in html


def test_import_template_csv_has_the_columns_and_imports_once_filled_in(lead_client, organisation):
    response = lead_client.get(reverse("training:staff_import_template", args=[organisation.ods_code]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="staff-import-template.csv"'
    text = response.content.decode("utf-8-sig")
    assert next(csv.reader(io.StringIO(text))) == csv_io.COLUMNS
    filled = text + "Alice Ahmed,alice@example.org,deskside,in_house,\n"
    assert upload(lead_client, organisation, filled).context["valid"] is True


def test_import_template_csv_is_for_members_only(client, organisation, other_it_lead):
    template_url = reverse("training:staff_import_template", args=[organisation.ods_code])

    assert client.get(template_url).status_code == 302
    client.force_login(other_it_lead)
    assert client.get(template_url).status_code == 404
