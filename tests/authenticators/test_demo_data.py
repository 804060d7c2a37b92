import pytest

from authenticators import demo_data, selectors
from authenticators.models import PlanEvent, UserGroup
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_demo_seed_gives_riverside_an_inventory_and_two_groups_and_is_idempotent(catalogue, icb):
    riverside = OrganisationFactory(ods_code="A99901", name="Riverside Medical Practice (demo)", icb=icb)

    first = demo_data.seed()
    events_after_first = PlanEvent.objects.count()
    demo_data.seed()

    summary = selectors.plan_summary(riverside)
    assert (
        first == "Authenticator plan: Riverside Medical Practice (demo) has 6 applications and 2 staff groups"
    )
    assert [g.name for g in summary.groups] == ["Clinicians", "Reception"]
    assert len(summary.inventory) == 6
    assert summary.chosen_by_group["Reception"] == ("microsoft-authenticator",)
    assert UserGroup.objects.count() == 2
    assert PlanEvent.objects.count() == events_after_first


@pytest.mark.django_db
def test_demo_seed_skips_without_the_demo_organisation(catalogue):
    assert demo_data.seed().startswith("Authenticator plan: skipped")
