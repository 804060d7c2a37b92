import pytest
from django.conf import settings

from training import demo_data, reference_data
from training.models import ModuleVersion, StaffMember, TrainingModule

pytestmark = pytest.mark.django_db


def test_load_reference_data_twice_creates_each_module_once_with_a_first_version():
    first = reference_data.load(settings.REFERENCE_DATA_DIR)
    second = reference_data.load(settings.REFERENCE_DATA_DIR)

    assert first == (
        "Training modules: 10 created, 0 already present "
        "(refresher periods are proposals, marked low confidence)"
    )
    assert second.startswith("Training modules: 0 created, 10 already present")
    assert TrainingModule.objects.count() == 10
    assert ModuleVersion.objects.count() == 10
    assert set(ModuleVersion.objects.values_list("number", flat=True)) == {1}


def test_load_reference_data_marks_refresher_periods_as_unconfirmed_proposals():
    reference_data.load(settings.REFERENCE_DATA_DIR)

    build = TrainingModule.objects.get(slug="smartcard-workstation-build")
    assert (build.refresh_months, build.refresh_period_confidence, build.is_refresh_period_proposal) == (
        6,
        "low",
        True,
    )
    assert build.notes.startswith("Proposed for this portal: the refresher period is not an NHS requirement.")
    assert "Oberthur middleware" in build.covers
    assert TrainingModule.objects.get(slug="working-with-the-ra").applies_to_roles == [
        "ra_facing",
        "service_desk",
        "it_manager",
    ]


def test_load_reference_data_keeps_admin_edits_to_existing_modules():
    reference_data.load(settings.REFERENCE_DATA_DIR)
    TrainingModule.objects.filter(slug="cis-foundations").update(refresh_months=24, title="CIS basics")

    reference_data.load(settings.REFERENCE_DATA_DIR)

    module = TrainingModule.objects.get(slug="cis-foundations")
    assert (module.refresh_months, module.title) == (24, "CIS basics")


def test_demo_seed_is_idempotent_and_gives_a_mix_of_statuses(settings):
    from organisations import demo_data as organisation_demo_data
    from organisations import reference_data as organisation_reference_data

    organisation_reference_data.load(settings.REFERENCE_DATA_DIR)
    organisation_demo_data.seed()

    first = demo_data.seed()
    second = demo_data.seed()

    assert first == "Training: 6 demo staff and 11 completions added"
    assert second == "Training: 0 demo staff and 0 completions added"
    from organisations.models import Organisation
    from training.selectors import compliance_summary

    summary = compliance_summary(Organisation.objects.get(ods_code="A99901"))
    assert summary.active_staff == 4
    assert summary.overdue_count == 2
    assert summary.due_within_30_days == 2
    assert StaffMember.objects.filter(organisation__ods_code="FZZ91").count() == 2
