"""A provider's data version: its requests, and what the triage list shows of their organisations
and assignees, change it in the writing transaction; nothing else does."""

import pytest
from django.utils import timezone

from organisations.data_versions import DataVersion, provider_scope
from organisations.models import Organisation, User
from ra_requests import services
from ra_requests.models import RARequest, Status
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def token(scope: int) -> str | None:
    return DataVersion.objects.filter(scope=scope).values_list("token", flat=True).first()


def provider_tokens(*providers) -> list[str | None]:
    return [token(provider_scope(provider.pk)) for provider in providers]


def test_a_request_changes_its_providers_token_and_no_other(
    organisation, org_admin, submit, icb, other_icb, national_team, ra_team_member
):
    before = provider_tokens(icb, other_icb)
    ra_request = submit(organisation, org_admin)
    assert provider_tokens(icb, other_icb)[0] != before[0]
    assert provider_tokens(icb, other_icb)[1] == before[1]

    before = provider_tokens(icb, other_icb)
    RARequest.objects.filter(pk=ra_request.pk).update(status=Status.ACKNOWLEDGED)
    assert provider_tokens(icb, other_icb)[0] != before[0]
    assert provider_tokens(icb, other_icb)[1] == before[1]

    before = provider_tokens(icb, other_icb)
    services.change_route(ra_request, provider=other_icb, reason="Wrong ICB", acting_user=ra_team_member)
    after = provider_tokens(icb, other_icb)
    assert after[0] != before[0], "moving a request changes both providers"
    assert after[1] != before[1], "moving a request changes both providers"


def test_what_the_list_shows_of_organisations_and_assignees_changes_their_providers_token(
    organisation, other_organisation, org_admin, submit, icb, other_icb, ra_team_member
):
    ra_request = submit(organisation, org_admin)
    services.assign_ra_request(ra_request, assignee=ra_team_member, acting_user=ra_team_member)
    bystander = UserFactory()

    for change in (
        lambda: Organisation.objects.filter(pk=organisation.pk).update(name="Renamed Surgery"),
        lambda: Organisation.objects.filter(pk=organisation.pk).update(ods_code="A81099"),
        lambda: Organisation.objects.filter(pk=organisation.pk).update(icb=other_icb),
        lambda: User.objects.filter(pk=ra_team_member.pk).update(first_name="Renamed"),
        lambda: User.objects.filter(pk=ra_team_member.pk).update(email="renamed@lsc.example.org"),
    ):
        before = provider_tokens(icb, other_icb)
        change()
        after = provider_tokens(icb, other_icb)
        assert after[0] != before[0]
        assert after[1] == before[1]

    before = provider_tokens(icb, other_icb)
    User.objects.filter(pk=ra_team_member.pk).update(last_login=timezone.now())  # not shown
    User.objects.filter(pk=bystander.pk).update(first_name="Nobody's assignee")
    Organisation.objects.filter(pk=other_organisation.pk).update(name="No requests here")
    Organisation.objects.filter(pk=organisation.pk).update(name="Renamed Surgery")  # unchanged value
    assert provider_tokens(icb, other_icb) == before
