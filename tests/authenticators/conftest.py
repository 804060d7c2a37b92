import pytest
from django.conf import settings

from authenticators import reference_data, services
from authenticators.models import Application, Authenticator


@pytest.fixture
def catalogue(db):
    """The real catalogue from reference_data/, as load_reference_data seeds it."""
    reference_data.load(settings.REFERENCE_DATA_DIR)
    return {
        "applications": {a.slug: a for a in Application.objects.catalogue()},
        "authenticators": {a.slug: a for a in Authenticator.objects.all()},
    }


@pytest.fixture
def planned_organisation(organisation, org_admin, catalogue):
    """Riverside Surgery with NCRS, SystmOne and EMIS Web, and a reception group using NCRS."""
    services.save_application_inventory(
        organisation, catalogue_slugs=["ncrs", "systmone", "emis-web"], acting_user=org_admin
    )
    services.save_user_group(
        organisation, name="Reception", head_count=4, application_slugs=["ncrs"], acting_user=org_admin
    )
    return organisation
