import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from training import services
from training.models import Completion, StaffMember

from .conftest import complete, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date


def url(name, organisation, *args):
    return reverse(f"training:{name}", args=[organisation.ods_code, *args])


@pytest.fixture
def lead_client(client, it_lead):
    client.force_login(it_lead)
    return client


@pytest.mark.parametrize(
    "name",
    ["dashboard", "staff_list", "staff_add", "staff_import", "staff_export", "completion_add", "modules"],
)
def test_organisation_pages_answer_404_for_another_organisations_it_lead(
    client, organisation, other_it_lead, foundations, name
):
    make_staff(organisation, "Alice Ahmed")
    client.force_login(other_it_lead)

    response = client.get(url(name, organisation))

    assert response.status_code == 404
    assert b"Alice Ahmed" not in response.content


@pytest.mark.parametrize("name", ["staff_detail", "staff_edit", "staff_leave"])
def test_staff_pages_answer_404_for_someone_elses_staff_member(
    lead_client, organisation, other_organisation, name
):
    outsider = make_staff(other_organisation, "Olga Other")

    own_url_for_their_staff = lead_client.get(url(name, organisation, outsider.pk))

    assert own_url_for_their_staff.status_code == 404
    assert b"Olga Other" not in own_url_for_their_staff.content


def test_reinstate_and_import_confirm_answer_404_for_another_organisation(
    client, organisation, other_it_lead
):
    staff = make_staff(organisation, "Alice Ahmed")
    services.mark_staff_member_left(staff, left_on=d(2025, 1, 1), acting_user=None)
    client.force_login(other_it_lead)

    reinstate = client.post(url("staff_reinstate", organisation, staff.pk))
    confirm = client.post(url("staff_import_confirm", organisation))

    assert (reinstate.status_code, confirm.status_code) == (404, 404)
    assert StaffMember.objects.get(pk=staff.pk).left_on == d(2025, 1, 1)


def test_dashboard_requires_sign_in(client, organisation):
    response = client.get(url("dashboard", organisation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisations:login"))


def test_dashboard_shows_figures_tags_chart_and_the_people_to_chase(lead_client, organisation, foundations):
    alice = make_staff(organisation, "Alice Ahmed")
    complete(alice, foundations, d(2020, 1, 1))
    make_staff(organisation, "Bob Brown")

    response = lead_client.get(url("dashboard", organisation))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<strong class="nhsuk-tag nhsuk-tag--red">Red</strong>' in html
    assert "Green</strong> at 90% or more" in html
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert "CIS foundations: 0.0%, Red." in html
    assert '<table class="nhsuk-table" id="module-table">' in html
    assert '<table class="nhsuk-table" id="overdue-table">' in html
    assert "Alice Ahmed" in html
    assert "Refresher periods are proposals, not NHS requirements." in html
    summary = response.context["summary"]
    assert (summary.active_staff, summary.overdue_count, summary.never_completed_count) == (2, 1, 1)


def test_dashboard_lists_only_the_first_people_to_chase_and_says_how_many_there_are(
    lead_client, organisation, foundations, monkeypatch
):
    monkeypatch.setattr("training.views.DASHBOARD_LIST_LIMIT", 1)
    complete(make_staff(organisation, "Alice Ahmed"), foundations, d(2020, 1, 1))
    complete(make_staff(organisation, "Bob Brown"), foundations, d(2021, 1, 1))

    response = lead_client.get(url("dashboard", organisation))

    html = response.content.decode()
    assert [due.staff.full_name for due in response.context["overdue"]] == ["Alice Ahmed"]
    assert "Showing the first 1 of 2." in html
    assert "Bob Brown" not in html


def _dashboard_queries(client, organisation) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url("dashboard", organisation))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_uses_the_same_number_of_queries_for_2_and_40_staff(
    client, organisation, other_organisation, it_lead, other_it_lead, foundations
):
    for number in range(2):
        complete(make_staff(organisation, f"Small {number}"), foundations, d(2025, 6, 1))
    for number in range(40):
        complete(make_staff(other_organisation, f"Large {number}"), foundations, d(2024, 6, 1))
    client.force_login(it_lead)
    small = _dashboard_queries(client, organisation)
    client.force_login(other_it_lead)
    large = _dashboard_queries(client, other_organisation)

    assert small == large


def test_staff_add_with_missing_answers_shows_the_error_summary_and_saves_nothing(lead_client, organisation):
    response = lead_client.post(
        url("staff_add", organisation),
        {"full_name": "Priya Shah", "email": "not-an-email", "employment_type": "outsourced"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in html
    assert "Enter the supplier&#x27;s name for outsourced staff" in html
    assert '<a href="#id_role_0">Select the person&#x27;s role</a>' in html
    assert "Enter an email address in the correct format, like name@example.org" in html
    assert StaffMember.objects.count() == 0


def test_staff_add_saves_and_redirects_to_the_new_record(lead_client, organisation):
    response = lead_client.post(
        url("staff_add", organisation),
        {
            "full_name": "Priya Shah",
            "email": "priya@example.org",
            "role": "ra_facing",
            "employment_type": "outsourced",
            "supplier_name": "Acme IT Ltd",
        },
    )

    staff = StaffMember.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("staff_detail", organisation, staff.pk)
    assert (staff.organisation, staff.role, staff.supplier_name) == (organisation, "ra_facing", "Acme IT Ltd")


def test_staff_add_duplicate_email_comes_back_from_the_service_as_a_field_error(lead_client, organisation):
    make_staff(organisation, "Priya Shah")

    response = lead_client.post(
        url("staff_add", organisation),
        {
            "full_name": "Priya Shah",
            "email": "priya.shah@a81001.example.org",
            "role": "deskside",
            "employment_type": "in_house",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["Someone with this email address is already on your staff list"]
    }
    assert StaffMember.objects.count() == 1


def test_staff_edit_changes_the_record(lead_client, organisation):
    staff = make_staff(organisation, "Priya Shah")

    response = lead_client.post(
        url("staff_edit", organisation, staff.pk),
        {
            "full_name": "Priya Shah-Jones",
            "email": staff.email,
            "role": "it_manager",
            "employment_type": "in_house",
        },
    )

    staff.refresh_from_db()
    assert response.status_code == 302
    assert (staff.full_name, staff.role) == ("Priya Shah-Jones", "it_manager")


def test_staff_list_shows_active_staff_and_leavers_separately(lead_client, organisation, foundations):
    make_staff(organisation, "Alice Ahmed")
    leaver = make_staff(organisation, "Lee Leaver")
    services.mark_staff_member_left(leaver, left_on=d(2025, 1, 1), acting_user=None)

    active = lead_client.get(url("staff_list", organisation)).content.decode()
    leavers = lead_client.get(url("staff_list", organisation) + "?show=leavers").content.decode()

    assert "Alice Ahmed" in active
    assert "Lee Leaver" not in active
    assert "0 of 1 modules in date" in active
    assert "Lee Leaver" in leavers
    assert "Alice Ahmed" not in leavers
    assert "1 January 2025" in leavers


def test_staff_leave_records_the_date_and_future_dates_are_refused(lead_client, organisation):
    staff = make_staff(organisation, "Alice Ahmed")

    refused = lead_client.post(
        url("staff_leave", organisation, staff.pk),
        {"left_on_day": "1", "left_on_month": "1", "left_on_year": "2999"},
    )
    accepted = lead_client.post(
        url("staff_leave", organisation, staff.pk),
        {"left_on_day": "30", "left_on_month": "9", "left_on_year": "2025"},
    )

    assert refused.status_code == 200
    assert refused.context["form"].errors == {"left_on": ["Leaving date must be today or in the past"]}
    assert accepted.status_code == 302
    assert StaffMember.objects.get(pk=staff.pk).left_on == d(2025, 9, 30)


def test_staff_edit_page_loads_the_staff_record_once(lead_client, organisation):
    staff = make_staff(organisation, "Alice Ahmed")

    with CaptureQueriesContext(connection) as queries:
        response = lead_client.get(url("staff_edit", organisation, staff.pk))

    assert response.context["form"].initial["full_name"] == "Alice Ahmed"
    staff_reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "training_staffmember"')]
    assert len(staff_reads) == 1


def test_staff_leave_page_links_back_to_the_person(lead_client, organisation):
    staff = make_staff(organisation, "Alice O'Hara")

    page = lead_client.get(url("staff_leave", organisation, staff.pk)).content.decode()

    assert (
        f'<a class="nhsuk-back-link" href="{url("staff_detail", organisation, staff.pk)}">'
        "Back to Alice O&#x27;Hara</a>"
    ) in page


def test_staff_import_page_loads_the_training_styles_its_tables_use(lead_client, organisation):
    page = lead_client.get(url("staff_import", organisation)).content.decode()

    assert "css/training.css" in page


def test_completion_add_records_a_session_for_several_people(lead_client, organisation, foundations):
    alice, bob = make_staff(organisation, "Alice Ahmed"), make_staff(organisation, "Bob Brown")
    version = foundations.versions.get()

    response = lead_client.post(
        url("completion_add", organisation),
        {
            "staff": [alice.pk, bob.pk],
            "module_version": version.pk,
            "completed_on_day": "3",
            "completed_on_month": "11",
            "completed_on_year": "2025",
            "method": "in_house_session",
            "evidence_note": "Run by Tom",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == url("staff_list", organisation)
    assert sorted(Completion.objects.values_list("staff__full_name", "completed_on", "module_version")) == [
        ("Alice Ahmed", d(2025, 11, 3), version.pk),
        ("Bob Brown", d(2025, 11, 3), version.pk),
    ]


def test_completion_add_cannot_record_for_another_organisations_staff(
    lead_client, organisation, other_organisation, foundations
):
    outsider = make_staff(other_organisation, "Olga Other")

    response = lead_client.post(
        url("completion_add", organisation),
        {
            "staff": [outsider.pk],
            "module_version": foundations.versions.get().pk,
            "completed_on_day": "3",
            "completed_on_month": "11",
            "completed_on_year": "2025",
            "method": "e_learning",
        },
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["staff"]
    assert Completion.objects.count() == 0


def test_completion_add_preselects_the_person_from_their_page(lead_client, organisation, foundations):
    alice = make_staff(organisation, "Alice Ahmed")

    response = lead_client.get(url("completion_add", organisation) + f"?staff={alice.pk}")

    assert response.context["form"].initial["staff"] == [alice.pk]
    assert (
        f'id="id_staff_0" name="staff" type="checkbox" value="{alice.pk}" checked>'
        in response.content.decode()
    )


def test_staff_detail_shows_status_per_module_and_full_history(lead_client, organisation, foundations):
    alice = make_staff(organisation, "Alice Ahmed")
    complete(alice, foundations, d(2020, 3, 1))
    complete(alice, foundations, d(2021, 4, 1))

    html = lead_client.get(url("staff_detail", organisation, alice.pk)).content.decode()

    assert '<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>' in html
    assert "1 April 2021" in html
    assert "1 March 2020" in html


def test_evidence_file_downloads_for_own_organisation_only(
    client, organisation, other_it_lead, it_lead, foundations, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    alice = make_staff(organisation, "Alice Ahmed")
    completion = services.record_completion(
        alice,
        module_version=foundations.versions.get(),
        completed_on=d(2025, 6, 1),
        method="supplier_course",
        evidence_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 certificate", content_type="application/pdf"),
        acting_user=it_lead,
    )
    evidence_url = url("completion_evidence", organisation, completion.pk)
    client.force_login(other_it_lead)
    other = client.get(evidence_url)
    other_through_own_url = client.get(
        reverse("training:completion_evidence", args=["B82002", completion.pk])
    )
    client.force_login(it_lead)
    own = client.get(evidence_url)
    page = client.get(url("staff_detail", organisation, alice.pk)).content.decode()

    assert (other.status_code, other_through_own_url.status_code) == (404, 404)
    assert own.status_code == 200
    assert b"".join(own.streaming_content) == b"%PDF-1.4 certificate"
    assert own["Content-Disposition"] == 'attachment; filename="evidence-Alice Ahmed-2025-06-01.pdf"'
    assert f'href="{evidence_url}"' in page


def test_evidence_download_answers_404_when_the_stored_file_is_gone(
    lead_client, organisation, it_lead, foundations, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    completion = services.record_completion(
        make_staff(organisation, "Alice Ahmed"),
        module_version=foundations.versions.get(),
        completed_on=d(2025, 6, 1),
        method="supplier_course",
        evidence_file=SimpleUploadedFile("cert.pdf", b"%PDF-1.4", content_type="application/pdf"),
        acting_user=it_lead,
    )
    (tmp_path / completion.evidence_file.name).unlink()

    response = lead_client.get(url("completion_evidence", organisation, completion.pk))

    assert response.status_code == 404
    assert "Content-Disposition" not in response


def test_organisation_admins_may_use_the_tracker_but_ra_team_members_may_not(
    client, organisation, org_admin, ra_team_member, foundations
):
    make_staff(organisation, "Alice Ahmed")
    client.force_login(org_admin)
    admin_response = client.get(url("staff_list", organisation))
    client.force_login(ra_team_member)
    ra_response = client.get(url("staff_list", organisation))

    assert admin_response.status_code == 200
    assert "Alice Ahmed" in admin_response.content.decode()
    assert ra_response.status_code == 404
