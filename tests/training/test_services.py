import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations import services as org_services
from organisations.models import Role
from tests.factories import UserFactory
from training import services
from training.models import Completion, StaffMember

from .conftest import complete, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date


def test_add_staff_member_saves_a_normalised_record(organisation, it_lead):
    staff = services.add_staff_member(
        organisation,
        full_name="  Priya Shah ",
        email="Priya.Shah@Example.org",
        role="deskside",
        employment_type="outsourced",
        supplier_name=" Acme IT Ltd ",
        acting_user=it_lead,
    )

    staff.refresh_from_db()
    assert (staff.organisation, staff.full_name, staff.email, staff.supplier_name) == (
        organisation,
        "Priya Shah",
        "priya.shah@example.org",
        "Acme IT Ltd",
    )
    assert staff.is_active is True
    assert staff.history.first().history_user == it_lead


def test_add_staff_member_requires_a_supplier_for_outsourced_staff(organisation, it_lead):
    with pytest.raises(ValidationError) as error:
        services.add_staff_member(
            organisation,
            full_name="Priya Shah",
            email="priya@example.org",
            role="deskside",
            employment_type="outsourced",
            acting_user=it_lead,
        )

    assert error.value.message_dict == {"supplier_name": ["Enter the supplier's name for outsourced staff"]}
    assert StaffMember.objects.count() == 0


def test_add_staff_member_rejects_a_second_record_with_the_same_email(
    organisation, other_organisation, it_lead
):
    make_staff(organisation, "Priya Shah")
    same_email_elsewhere = services.add_staff_member(
        other_organisation,
        full_name="Priya Shah",
        email="priya.shah@a81001.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=it_lead,
    )

    with pytest.raises(ValidationError) as error:
        make_staff(organisation, "Priya Shah")

    assert error.value.message_dict == {
        "email": ["Someone with this email address is already on your staff list"]
    }
    assert same_email_elsewhere.organisation == other_organisation


def test_record_completions_for_a_session_adds_one_row_each_and_keeps_history(
    organisation, foundations, it_lead
):
    alice, bob = make_staff(organisation, "Alice Ahmed"), make_staff(organisation, "Bob Brown")
    first = complete(alice, foundations, d(2025, 1, 10))

    services.record_completions(
        [alice, bob],
        module_version=foundations.versions.get(),
        completed_on=d(2025, 12, 1),
        method="in_house_session",
        evidence_note="Session run by Tom",
        acting_user=it_lead,
    )

    assert list(alice.completions.values_list("completed_on", flat=True)) == [d(2025, 12, 1), d(2025, 1, 10)]
    assert list(bob.completions.values_list("completed_on", "method", "evidence_note")) == [
        (d(2025, 12, 1), "in_house_session", "Session run by Tom")
    ]
    first.refresh_from_db()
    assert first.completed_on == d(2025, 1, 10)


def test_record_completions_rejects_future_dates_and_leavers(organisation, foundations, it_lead):
    alice = make_staff(organisation, "Alice Ahmed")
    leaver = make_staff(organisation, "Lee Leaver")
    services.mark_staff_member_left(leaver, left_on=d(2025, 1, 1), acting_user=it_lead)

    with pytest.raises(ValidationError) as error:
        services.record_completions(
            [alice, leaver],
            module_version=foundations.versions.get(),
            completed_on=timezone.localdate() + datetime.timedelta(days=1),
            method="e_learning",
            acting_user=it_lead,
        )

    assert error.value.message_dict == {
        "completed_on": ["The completion date must be today or in the past"],
        "staff": ["Lee Leaver left the organisation: completions cannot be added"],
    }
    assert Completion.objects.count() == 0


def test_record_completions_rejects_a_date_before_the_version_was_published(
    organisation, foundations, it_lead
):
    version = services.publish_module_version(
        foundations, change_note="New browser rules.", published_by=it_lead
    )

    with pytest.raises(ValidationError) as error:
        services.record_completions(
            [make_staff(organisation, "Alice Ahmed")],
            module_version=version,
            completed_on=timezone.localdate() - datetime.timedelta(days=3),
            method="e_learning",
            acting_user=it_lead,
        )

    assert list(error.value.message_dict) == ["completed_on"]
    assert "Version 2 was published on" in error.value.message_dict["completed_on"][0]


@pytest.mark.parametrize(
    ("name", "size", "message"),
    [
        ("certificate.exe", 10, "The evidence file must be a PDF, PNG, JPG, DOCX or TXT file"),
        ("certificate.pdf", 5 * 1024 * 1024 + 1, "The evidence file must be smaller than 5MB"),
    ],
)
def test_record_completions_rejects_bad_evidence_files(
    organisation, foundations, it_lead, name, size, message
):
    upload = SimpleUploadedFile(name, b"x" * size)

    with pytest.raises(ValidationError) as error:
        services.record_completions(
            [make_staff(organisation, "Alice Ahmed")],
            module_version=foundations.versions.get(),
            completed_on=d(2025, 6, 1),
            method="e_learning",
            evidence_file=upload,
            acting_user=it_lead,
        )

    assert error.value.message_dict == {"evidence_file": [message]}


def test_record_completion_stores_evidence_under_a_generated_name(
    organisation, foundations, it_lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(
        "../../etc/certificate.PDF", b"%PDF-1.4 certificate", content_type="application/pdf"
    )

    completion = services.record_completion(
        make_staff(organisation, "Alice Ahmed"),
        module_version=foundations.versions.get(),
        completed_on=d(2025, 6, 1),
        method="supplier_course",
        evidence_file=upload,
        acting_user=it_lead,
    )

    assert completion.evidence_file.name.startswith(f"training/evidence/{organisation.pk}/")
    assert completion.evidence_file.name.endswith(".pdf")
    assert "etc" not in completion.evidence_file.name
    assert (tmp_path / completion.evidence_file.name).read_bytes() == b"%PDF-1.4 certificate"


def test_publish_module_version_emails_each_affected_organisations_it_leads_once(
    organisation,
    other_organisation,
    foundations,
    it_lead,
    other_org_admin,
    django_capture_on_commit_callbacks,
):
    second_lead = UserFactory(email="second.lead@riverside.example.org")
    org_services.add_membership(organisation, user=second_lead, role=Role.IT_LEAD)
    alice = make_staff(organisation, "Alice Ahmed")
    complete(alice, foundations, d(2025, 6, 1))
    complete(alice, foundations, d(2025, 9, 1))  # named once, however many completions
    complete(make_staff(organisation, "Bob Brown"), foundations, d(2025, 7, 1))
    complete(make_staff(other_organisation, "Olga Other"), foundations, d(2025, 7, 1))
    leaver = make_staff(organisation, "Lee Leaver")
    complete(leaver, foundations, d(2025, 7, 1))
    services.mark_staff_member_left(leaver, left_on=d(2025, 8, 1), acting_user=it_lead)

    with django_capture_on_commit_callbacks(execute=True):
        version = services.publish_module_version(
            foundations, change_note="Smartcard Connect v4.1 released.", published_by=it_lead
        )

    assert version.number == 2
    emails = OutboundEmail.objects.order_by("organisation__ods_code")
    assert [(e.organisation, e.to) for e in emails] == [
        (organisation, ["itlead@riverside.example.org", "second.lead@riverside.example.org"]),
        (other_organisation, ["admin@hillside.example.org"]),
    ]
    riverside = emails[0]
    assert riverside.dedupe_key == f"training:version:{version.pk}:{organisation.pk}"
    assert "These 2 staff at" in riverside.body
    assert "- Alice Ahmed\n- Bob Brown\n" in riverside.body
    assert "Lee Leaver" not in riverside.body
    assert "Smartcard Connect v4.1 released." in riverside.body
    assert len(mail.outbox) == 2


def test_publish_module_version_needs_a_change_note(foundations, it_lead):
    with pytest.raises(ValidationError) as error:
        services.publish_module_version(foundations, change_note="  ", published_by=it_lead)

    assert error.value.message_dict == {
        "change_note": ["Enter a change note saying what changed in this version"]
    }
    assert foundations.versions.count() == 1


def test_import_staff_members_imports_nothing_when_one_row_is_bad(organisation, it_lead):
    rows = [
        {
            "full_name": "Alice Ahmed",
            "email": "alice@example.org",
            "role": "deskside",
            "employment_type": "in_house",
            "supplier_name": "",
        },
        {
            "full_name": "Bob Brown",
            "email": "bob@example.org",
            "role": "deskside",
            "employment_type": "outsourced",
            "supplier_name": "",
        },
    ]

    with pytest.raises(ValidationError) as error:
        services.import_staff_members(organisation, rows=rows, acting_user=it_lead)

    assert error.value.messages == ["Row 3: Enter the supplier's name for outsourced staff"]
    assert StaffMember.objects.count() == 0


def test_mark_staff_member_left_then_reinstate_keeps_the_record(organisation, it_lead):
    staff = make_staff(organisation, "Alice Ahmed")

    services.mark_staff_member_left(staff, left_on=d(2025, 9, 30), acting_user=it_lead)
    left_on = StaffMember.objects.get(pk=staff.pk).left_on
    services.reinstate_staff_member(staff, acting_user=it_lead)

    assert left_on == d(2025, 9, 30)
    assert StaffMember.objects.get(pk=staff.pk).left_on is None


def test_record_completions_stores_a_sessions_evidence_file_once(
    organisation, foundations, it_lead, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("attendance.pdf", b"%PDF-1.4 attendance", content_type="application/pdf")

    alice_completion, bob_completion = services.record_completions(
        [make_staff(organisation, "Alice Ahmed"), make_staff(organisation, "Bob Brown")],
        module_version=foundations.versions.get(),
        completed_on=d(2025, 6, 1),
        method="in_house_session",
        evidence_file=upload,
        acting_user=it_lead,
    )

    stored = list((tmp_path / "training" / "evidence" / str(organisation.pk)).iterdir())
    assert [path.read_bytes() for path in stored] == [b"%PDF-1.4 attendance"]
    assert alice_completion.evidence_file.name == bob_completion.evidence_file.name
    assert (
        Completion.objects.get(pk=bob_completion.pk).evidence_file.name
        == stored[0].relative_to(tmp_path).as_posix()
    )


def test_record_completions_costs_the_same_queries_for_a_session_of_one_or_five(
    organisation, foundations, it_lead
):
    people = [make_staff(organisation, f"Person {n}") for n in range(6)]
    version = foundations.versions.get()

    def record(staff_members):
        with CaptureQueriesContext(connection) as queries:
            services.record_completions(
                staff_members,
                module_version=version,
                completed_on=d(2025, 6, 1),
                method="in_house_session",
                acting_user=it_lead,
            )
        return len(queries)

    assert record(people[:1]) == record(people[1:])
    assert Completion.objects.filter(module_version=version).count() == 6


@pytest.mark.parametrize("field", ["full_name", "supplier_name"])
def test_add_staff_member_refuses_control_characters(organisation, it_lead, field):
    from training import services as training_services

    fields = {
        "full_name": "Sam Lee",
        "email": "sam@example.org",
        "role": "deskside",
        "employment_type": "outsourced",
        "supplier_name": "Acme IT",
    }
    fields[field] = "Sam\nVisit https://evil.example now"

    with pytest.raises(ValidationError) as error:
        training_services.add_staff_member(organisation, acting_user=it_lead, **fields)

    assert error.value.message_dict == {
        field: ["Enter this on one line, without line breaks, tabs or other special characters"]
    }
