"""organisations.access: the one place that says who may use which part of an organisation's pages."""

import pytest
from django.urls import reverse

from organisations.access import OrganisationAccess, organisation_access
from organisations.models import Role

pytestmark = pytest.mark.django_db


def test_access_of_each_role(organisation, org_admin, it_lead, other_org_admin):
    admin = organisation_access(org_admin, organisation)
    lead = organisation_access(it_lead, organisation)
    stranger = organisation_access(other_org_admin, organisation)

    parts = ("wizard", "team", "ra_requests", "plan", "training", "reports")
    assert [getattr(admin, part) for part in parts] == [True, True, True, True, True, True]
    assert [getattr(lead, part) for part in parts] == [False, False, False, True, True, True]
    assert [getattr(stranger, part) for part in parts] == [False] * 6


def test_may_open_asks_the_views_own_allowed_roles(organisation, other_organisation):
    lead = OrganisationAccess(organisation, frozenset({Role.IT_LEAD}))
    code = organisation.ods_code

    assert lead.may_open(reverse("authenticators:inventory", args=[code])) is True
    assert lead.may_open(reverse("training:staff_list", args=[code])) is True
    assert lead.may_open(reverse("onboarding:task_list", args=[code])) is False
    assert lead.may_open(reverse("ra_requests:detail", args=[code, 1])) is False  # a function view
    assert lead.may_open(reverse("organisations:team", args=[code])) is False


def test_may_open_refuses_another_organisations_page_and_paths_that_go_nowhere(
    organisation, other_organisation
):
    admin = OrganisationAccess(organisation, frozenset({Role.ORG_ADMIN}))

    assert admin.may_open(reverse("authenticators:plan", args=[other_organisation.ods_code])) is False
    assert admin.may_open(reverse("authenticators:plan", args=[organisation.ods_code.lower()])) is True
    assert admin.may_open("/no/such/page/") is False
    assert admin.may_open("") is False
    assert admin.may_open(reverse("authenticators:chooser")) is True  # a public page
