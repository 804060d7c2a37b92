import pytest
from django.conf import settings
from django.core.management import call_command

from organisations.models import RAProvider


@pytest.mark.django_db
def test_load_reference_data_twice_creates_each_provider_once_and_keeps_admin_edits():
    call_command("load_reference_data")
    icb = RAProvider.objects.get(ods_code="QE1")
    icb.ra_contact_email = "ra.team@lsc.example.org"
    icb.save()

    call_command("load_reference_data")

    assert RAProvider.objects.filter(kind=RAProvider.Kind.ICB).count() == 48
    assert RAProvider.objects.filter(kind=RAProvider.Kind.CSU).count() == 4
    assert RAProvider.objects.filter(kind=RAProvider.Kind.NATIONAL).count() == 1
    assert RAProvider.objects.get(ods_code="QE1").ra_contact_email == "ra.team@lsc.example.org"


@pytest.mark.django_db
def test_load_reference_data_records_closures_and_split_successors():
    call_command("load_reference_data")

    frimley = RAProvider.objects.get(ods_code="QNQ")
    assert frimley.status == RAProvider.Status.CLOSED
    assert str(frimley.closed_on) == "2026-04-01"
    assert sorted(frimley.successors.values_list("ods_code", flat=True)) == ["QRL", "S0E4D", "S9B9J"]
    assert RAProvider.objects.icbs().active().count() == 36


@pytest.mark.django_db
def test_load_reference_data_leaves_unsourced_contact_emails_empty_and_flagged():
    call_command("load_reference_data")

    assert RAProvider.objects.missing_contact_email().count() == RAProvider.objects.count()
    assert "UNCONFIRMED" in RAProvider.objects.get(ods_code="0DE").source_note
    assert settings.REFERENCE_DATA_DIR.joinpath("icbs.csv").exists()
