import datetime

import pytest
from django.urls import reverse

from notifications.models import OutboundEmail
from training.models import ModuleVersion

from .conftest import complete, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_national(client, national_admin, role_groups):
    client.force_login(national_admin)
    return client


def test_national_admin_publishes_a_new_version_through_the_admin_form(
    admin_client_national, organisation, foundations, it_lead, national_admin
):
    complete(make_staff(organisation, "Alice Ahmed"), foundations, datetime.date(2025, 6, 1))

    response = admin_client_national.post(
        reverse("admin:training_moduleversion_add"),
        {"module": foundations.pk, "change_note": "Identity Agent 2.5 is no longer supported."},
    )

    assert response.status_code == 302
    version = ModuleVersion.objects.get(module=foundations, number=2)
    assert (version.change_note, version.published_by) == (
        "Identity Agent 2.5 is no longer supported.",
        national_admin,
    )
    email = OutboundEmail.objects.get()
    assert (email.to, email.organisation) == (["itlead@riverside.example.org"], organisation)


def test_publish_action_on_a_module_opens_the_publish_form_for_it(admin_client_national, foundations):
    response = admin_client_national.post(
        reverse("admin:training_trainingmodule_changelist"),
        {"action": "publish_new_version", "_selected_action": [foundations.pk]},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:training_moduleversion_add") + f"?module={foundations.pk}"


def test_published_versions_cannot_be_changed_or_deleted_in_the_admin(admin_client_national, foundations):
    version = foundations.versions.get()

    response = admin_client_national.post(
        reverse("admin:training_moduleversion_change", args=[version.pk]),
        {"module": foundations.pk, "change_note": "Rewritten history"},
    )
    delete = admin_client_national.post(
        reverse("admin:training_moduleversion_delete", args=[version.pk]), {"post": "yes"}
    )

    version.refresh_from_db()
    assert version.change_note == "First version."
    assert response.status_code == 403
    assert delete.status_code == 403


def test_module_admin_edit_keeps_history(admin_client_national, foundations, national_admin):
    response = admin_client_national.post(
        reverse("admin:training_trainingmodule_change", args=[foundations.pk]),
        {
            "title": "CIS foundations",
            "slug": "cis-foundations",
            "covers": "What CIS is",
            "refresh_months": 18,
            "refresh_period_confidence": "low",
            "audience_confidence": "low",
            "notes": "",
            "applies_to_roles": ["deskside", "service_desk"],
            "is_active": "on",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": foundations.versions.get().pk,
            "versions-0-module": foundations.pk,
        },
    )

    foundations.refresh_from_db()
    assert response.status_code == 302
    assert (foundations.refresh_months, foundations.applies_to_roles) == (18, ["deskside", "service_desk"])
    assert foundations.history.first().history_user == national_admin


def test_it_leads_cannot_reach_the_training_admin(client, it_lead):
    client.force_login(it_lead)

    response = client.get(reverse("admin:training_moduleversion_add"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_module_admin_refuses_a_refresher_period_under_a_month(admin_client_national, foundations):
    response = admin_client_national.post(
        reverse("admin:training_trainingmodule_change", args=[foundations.pk]),
        {
            "title": "CIS foundations",
            "slug": "cis-foundations",
            "covers": "What CIS is",
            "refresh_months": 0,
            "refresh_period_confidence": "low",
            "notes": "",
            "is_active": "on",
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": foundations.versions.get().pk,
            "versions-0-module": foundations.pk,
        },
    )

    foundations.refresh_from_db()
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["refresh_months"] == [
        "The refresher period must be at least 1 month"
    ]
    assert foundations.refresh_months == 12
