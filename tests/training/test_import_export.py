import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from training import services
from training.models import StaffMember

from .conftest import make_staff

pytestmark = pytest.mark.django_db

GOOD_CSV = (
    "full_name,email,role,employment_type,supplier_name\n"
    "Alice Ahmed,alice@example.org,deskside,in_house,\n"
    "Bob Brown,BOB@example.org,RA-facing support (works alongside the RA),Outsourced,Acme IT Ltd\n"
)
BAD_CSV = (
    "full_name,email,role,employment_type,supplier_name\n"
    "Alice Ahmed,alice@example.org,deskside,in_house,\n"
    "Bob Brown,not-an-email,astronaut,outsourced,\n"
    "Alice Again,alice@example.org,deskside,in_house,\n"
)


def upload(client, organisation, text, name="staff.csv"):
    return client.post(
        reverse("training:staff_import", args=[organisation.ods_code]),
        {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")},
    )


def confirm(client, organisation):
    return client.post(reverse("training:staff_import_confirm", args=[organisation.ods_code]))


@pytest.fixture
def lead_client(client, it_lead):
    client.force_login(it_lead)
    return client


def test_import_good_file_previews_without_saving_then_imports_on_confirm(lead_client, organisation):
    preview = upload(lead_client, organisation, GOOD_CSV)

    assert preview.status_code == 200
    assert preview.context["valid"] is True
    assert [item.values["email"] for item in preview.context["previews"]] == [
        "alice@example.org",
        "bob@example.org",
    ]
    assert "Import 2 staff records" in preview.content.decode()
    assert StaffMember.objects.count() == 0

    response = confirm(lead_client, organisation)

    assert response.status_code == 302
    assert response["Location"] == reverse("training:staff_list", args=[organisation.ods_code])
    assert sorted(
        StaffMember.objects.values_list("full_name", "role", "employment_type", "supplier_name")
    ) == [
        ("Alice Ahmed", "deskside", "in_house", ""),
        ("Bob Brown", "ra_facing", "outsourced", "Acme IT Ltd"),
    ]
    assert confirm(lead_client, organisation)["Location"] == reverse(
        "training:staff_import", args=[organisation.ods_code]
    )
    assert StaffMember.objects.count() == 2


def test_import_bad_file_lists_each_rows_errors_and_imports_nothing(lead_client, organisation):
    response = upload(lead_client, organisation, BAD_CSV)

    previews = response.context["previews"]
    assert response.context["valid"] is False
    assert [(item.line, item.errors) for item in previews] == [
        (2, []),
        (
            3,
            [
                "Enter an email address in the correct format, like name@example.org",
                'The role "astronaut" is not one the portal knows. '
                "Use deskside, service_desk, ra_facing, infrastructure or it_manager",
                "Enter the supplier's name for outsourced staff",
            ],
        ),
        (4, ["The email address is also on row 2"]),
    ]
    html = response.content.decode()
    assert "2 rows cannot be imported" in html
    assert "<title>Error: Import staff from a CSV file" in html
    assert "Import 1" not in html
    assert "staff_import_confirm" not in html
    assert confirm(lead_client, organisation).status_code == 302
    assert StaffMember.objects.count() == 0


def test_import_preview_costs_the_same_queries_for_2_or_40_rows(lead_client, organisation):
    def queries_to_preview(count):
        rows = "".join(f"Person {n},person{n}@example.org,deskside,in_house,\n" for n in range(count))
        with CaptureQueriesContext(connection) as queries:
            response = upload(
                lead_client, organisation, "full_name,email,role,employment_type,supplier_name\n" + rows
            )
        assert response.context["valid"] is True
        return len(queries)

    assert queries_to_preview(2) == queries_to_preview(40)


def test_import_row_clashing_with_an_existing_record_is_an_error(lead_client, organisation):
    make_staff(organisation, "Alice Ahmed")
    text = (
        "full_name,email,role,employment_type\nAlice Ahmed,alice.ahmed@a81001.example.org,deskside,in_house\n"
    )

    response = upload(lead_client, organisation, text)

    assert [item.errors for item in response.context["previews"]] == [
        ["Someone with this email address is already on your staff list"]
    ]


def test_import_confirm_rechecks_rows_so_a_clash_since_preview_imports_nothing(
    lead_client, organisation, it_lead
):
    upload(lead_client, organisation, GOOD_CSV)
    services.add_staff_member(
        organisation,
        full_name="Bob Brown",
        email="bob@example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=it_lead,
    )

    response = confirm(lead_client, organisation)

    assert response.status_code == 302
    assert list(StaffMember.objects.values_list("full_name", flat=True)) == ["Bob Brown"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("staff.xlsx", GOOD_CSV, "The selected file must be a CSV"),
        (
            "staff.csv",
            "name,address\nAlice,1 High Street\n",
            "The file's first row must name the columns; missing: full_name, email, role, employment_type",
        ),
        (
            "staff.csv",
            "full_name,email,role,employment_type\n",
            "The selected file has no rows under its header row",
        ),
        ("staff.csv", "", "The selected file is empty"),
        (
            "staff.csv",
            "full_name,email,role,employment_type\nA\x00,a@example.org,deskside,in_house\n",
            "The selected file must be a CSV saved as UTF-8",
        ),
    ],
)
def test_import_unreadable_files_get_an_error_on_the_file_field(
    lead_client, organisation, name, text, message
):
    response = upload(lead_client, organisation, text, name=name)

    assert response.context["form"].errors == {"file": [message]}
    assert "nhsuk-error-summary" in response.content.decode()


def test_import_non_utf8_file_is_refused(lead_client, organisation):
    response = lead_client.post(
        reverse("training:staff_import", args=[organisation.ods_code]),
        {
            "file": SimpleUploadedFile(
                "staff.csv", "full_name\nZoë\n".encode("utf-16"), content_type="text/csv"
            )
        },
    )

    assert response.context["form"].errors == {"file": ["The selected file must be a CSV saved as UTF-8"]}


def test_import_session_from_one_organisation_cannot_be_confirmed_in_another(
    client, organisation, other_organisation, it_lead
):
    from organisations import services as org_services
    from organisations.models import Role

    org_services.add_membership(other_organisation, user=it_lead, role=Role.IT_LEAD)
    client.force_login(it_lead)
    upload(client, organisation, GOOD_CSV)

    response = confirm(client, other_organisation)

    assert response["Location"] == reverse("training:staff_import", args=[other_organisation.ods_code])
    assert StaffMember.objects.count() == 0


def test_export_csv_has_every_record_including_leavers_and_round_trips(
    lead_client, organisation, other_organisation
):
    make_staff(organisation, "Alice Ahmed", outsourced=True)
    leaver = make_staff(organisation, "=cmd Evil")
    services.mark_staff_member_left(leaver, left_on=datetime.date(2025, 1, 31), acting_user=None)
    make_staff(other_organisation, "Olga Other")

    response = lead_client.get(reverse("training:staff_export", args=[organisation.ods_code]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="training-staff-A81001-')
    lines = response.content.decode().splitlines()
    assert lines == [
        "full_name,email,role,employment_type,supplier_name,left_on",
        "'=cmd Evil,'=cmd.evil@a81001.example.org,deskside,in_house,,2025-01-31",
        "Alice Ahmed,alice.ahmed@a81001.example.org,deskside,outsourced,Acme IT Ltd,",
    ]
