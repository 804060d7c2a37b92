import datetime

import pytest
from django.core.exceptions import ValidationError

from organisations.models import RAProvider
from ra_requests import services
from ra_requests.routing import route_for_organisation
from tests.factories import OrganisationFactory, RAProviderFactory

pytestmark = pytest.mark.django_db


def closed(provider, *successors):
    provider.status = RAProvider.Status.CLOSED
    provider.closed_on = datetime.date(2026, 4, 1)
    provider.save()
    provider.successors.set(successors)
    return provider


def test_route_goes_to_the_icb_when_it_gives_ra_support_itself(organisation, icb, national_team):
    route = route_for_organisation(organisation)

    assert route.provider == icb
    assert route.reason == f"{icb.name} gives RA support to its own organisations."
    assert route.successor_choices == []


def test_route_goes_to_the_csu_the_icb_uses(organisation, icb, national_team):
    csu = RAProviderFactory(ods_code="0DE", name="NHS Arden and GEM CSU", kind=RAProvider.Kind.CSU)
    icb.ra_support_provider = csu
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == csu
    assert route.reason == f"{icb.name} gets its RA support from NHS Arden and GEM CSU."


def test_route_skips_a_closed_csu_and_goes_to_the_icb(organisation, icb, national_team):
    csu = closed(RAProviderFactory(ods_code="0CX", name="NHS M and L CSU", kind=RAProvider.Kind.CSU))
    icb.ra_support_provider = csu
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == icb
    assert route.reason.startswith("NHS M and L CSU has closed; ")


def test_route_skips_a_csu_without_a_contact_email(organisation, icb, national_team):
    csu = RAProviderFactory(ods_code="0AR", name="NHS NoE CSU", kind=RAProvider.Kind.CSU, ra_contact_email="")
    icb.ra_support_provider = csu
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == icb
    assert route.reason.startswith("NHS NoE CSU has no RA contact email on record; ")


def test_route_never_goes_to_a_provider_whose_contact_email_is_bouncing(organisation, icb, national_team):
    icb.contact_bouncing_since = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == national_team
    assert route.reason == (
        f"emails to {icb.name}'s RA contact address are bouncing; the national RA team takes requests "
        "that no local provider can handle."
    )


def test_route_uses_the_national_team_when_the_icb_names_it_as_support(organisation, icb, national_team):
    icb.ra_support_provider = national_team
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == national_team
    assert route.reason == f"{icb.name} gets its RA support from {national_team.name}."


def test_route_falls_back_to_national_when_no_provider_has_a_contact_email(organisation, icb, national_team):
    icb.ra_contact_email = ""
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider == national_team
    assert route.reason == (
        f"{icb.name} has no RA contact email on record; the national RA team takes requests that "
        "no local provider can handle."
    )


def test_route_follows_a_closed_icb_to_its_single_successor(organisation, icb, national_team):
    successor = RAProviderFactory(ods_code="T6Y0W", name="NHS Norfolk and Suffolk ICB")
    closed(icb, successor)

    route = route_for_organisation(organisation)

    assert route.provider == successor
    assert route.reason == (
        f"{icb.name} closed on 1 April 2026; NHS Norfolk and Suffolk ICB took it over; "
        "NHS Norfolk and Suffolk ICB gives RA support to its own organisations."
    )


def test_route_follows_a_chain_of_closures(organisation, icb, national_team):
    final = RAProviderFactory(ods_code="Z1", name="NHS Final ICB")
    middle = closed(RAProviderFactory(ods_code="Z2", name="NHS Middle ICB"), final)
    closed(icb, middle)

    assert route_for_organisation(organisation).provider == final


def test_route_asks_the_organisation_to_choose_when_its_icb_was_split(organisation, icb, national_team):
    north = RAProviderFactory(ods_code="S9B9J", name="NHS Surrey and Sussex ICB")
    south = RAProviderFactory(ods_code="QRL", name="NHS Hampshire and Isle of Wight ICB")
    closed(icb, north, south)

    route = route_for_organisation(organisation)

    assert route.provider is None
    assert route.needs_successor_choice is True
    assert route.successor_choices == [south, north]
    assert route.reason == (
        f"{icb.name} closed on 1 April 2026 and was split between 2 ICBs. "
        "Tell us which ICB your organisation now belongs to."
    )


def test_route_falls_back_to_national_when_a_closed_icb_has_no_successor(organisation, icb, national_team):
    closed(icb)

    route = route_for_organisation(organisation)

    assert route.provider == national_team
    assert route.reason.startswith(f"{icb.name} closed on 1 April 2026 with no successor on record; ")


def test_route_excludes_providers_that_declined(organisation, icb, national_team):
    route = route_for_organisation(organisation, exclude=(icb,))

    assert route.provider == national_team
    assert route.reason.startswith(f"{icb.name} has declined this request; ")


def test_route_has_no_provider_when_nobody_is_left(organisation, icb):
    icb.ra_contact_email = ""
    icb.save()

    route = route_for_organisation(organisation)

    assert route.provider is None
    assert route.reason.endswith("No national RA team is on record to take the request.")


def test_choose_successor_icb_moves_the_organisation_and_routes_there(
    organisation, icb, org_admin, national_team
):
    north = RAProviderFactory(ods_code="S9B9J", name="NHS Surrey and Sussex ICB")
    south = RAProviderFactory(ods_code="QRL", name="NHS Hampshire and Isle of Wight ICB")
    closed(icb, north, south)

    services.choose_successor_icb(organisation, icb=south, acting_user=org_admin)

    organisation.refresh_from_db()
    assert organisation.icb == south
    assert organisation.history.first().history_user == org_admin
    assert route_for_organisation(organisation).provider == south


def test_choose_successor_icb_refuses_an_icb_that_is_not_a_successor(
    organisation, icb, org_admin, national_team
):
    north = RAProviderFactory(ods_code="S9B9J", name="NHS Surrey and Sussex ICB")
    closed(icb, north, RAProviderFactory(ods_code="QRL"))
    unrelated = OrganisationFactory().icb

    with pytest.raises(ValidationError) as error:
        services.choose_successor_icb(organisation, icb=unrelated, acting_user=org_admin)

    assert error.value.message_dict == {"icb": ["Select one of the ICBs that took over your old ICB"]}
    organisation.refresh_from_db()
    assert organisation.icb == icb


def test_submit_refuses_until_a_split_icb_is_resolved(organisation, icb, org_admin, national_team, submit):
    closed(icb, RAProviderFactory(ods_code="S9B9J"), RAProviderFactory(ods_code="QRL"))

    with pytest.raises(ValidationError) as error:
        submit(organisation, org_admin)

    assert "has closed and was split" in error.value.messages[0]
    assert organisation.ra_requests.count() == 0
