import pytest
from django.conf import settings
from django.core.management import call_command

from authenticators import reference_data
from authenticators.models import Application, Authenticator
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_load_seeds_seven_authenticators_and_every_application_once_when_run_twice():
    first = reference_data.load(settings.REFERENCE_DATA_DIR)
    second = reference_data.load(settings.REFERENCE_DATA_DIR)

    assert first == (
        "Authenticator catalogue: 7 authenticators (7 new), 22 applications (22 new, 10 marked unconfirmed)"
    )
    assert second == (
        "Authenticator catalogue: 7 authenticators (0 new), 22 applications (0 new, 10 marked unconfirmed)"
    )
    assert Authenticator.objects.count() == 7
    assert Application.objects.catalogue().count() == 22


@pytest.mark.django_db
def test_load_refreshes_reference_fields_and_keeps_rows_added_in_the_admin():
    reference_data.load(settings.REFERENCE_DATA_DIR)
    Authenticator.objects.filter(slug="passkey").update(aal="AAL3")
    Application.objects.create(slug="vision", name="Vision", cis_generation="CIS2", min_aal="AAL3")

    reference_data.load(settings.REFERENCE_DATA_DIR)

    assert Authenticator.objects.get(slug="passkey").aal == "AAL2"
    assert Application.objects.catalogue().filter(slug="vision").exists()


@pytest.mark.django_db
def test_load_leaves_an_organisations_local_application_with_a_catalogue_slug_alone():
    organisation = OrganisationFactory()
    local = Application.objects.create(
        organisation=organisation, slug="ncrs", name="Our NCRS", cis_generation="CIS1", min_aal="AAL3"
    )

    reference_data.load(settings.REFERENCE_DATA_DIR)

    local.refresh_from_db()
    assert (local.name, local.cis_generation) == ("Our NCRS", "CIS1")
    assert Application.objects.catalogue().get(slug="ncrs").name == "National Care Records Service (NCRS)"


@pytest.mark.django_db
def test_load_keeps_low_confidence_and_records_estate_flags():
    reference_data.load(settings.REFERENCE_DATA_DIR)

    assert Application.objects.get(slug="emis-web").is_unconfirmed is True
    assert Application.objects.get(slug="ncrs").is_unconfirmed is False
    assert Authenticator.objects.get(slug="windows-hello").requires_tpm is True
    assert list(
        Authenticator.objects.filter(requires_smartphone=True).order_by("slug").values_list("slug", flat=True)
    ) == ["microsoft-authenticator", "nhs-net-connect", "passkey"]
    smartcard = Authenticator.objects.get(slug="smartcard")
    assert smartcard.personal_item.startswith("NHS smartcard")
    assert not any(item.startswith("NHS smartcard issued") for item in smartcard.hardware)


@pytest.mark.django_db
def test_load_reference_data_command_runs_the_catalogue_loader(capsys):
    call_command("load_reference_data")

    assert "Authenticator catalogue: 7 authenticators" in capsys.readouterr().out
    assert Authenticator.objects.count() == 7
