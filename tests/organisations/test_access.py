"""organisations.access: the one place that says who may use which part of an organisation's pages."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.urls import reverse

from organisations.access import (
    PLAN_ROLES,
    WIZARD_ROLES,
    OrganisationAccess,
    access_for_ods_code,
    is_national_admin,
    organisation_access,
    ra_provider_for_user,
)
from organisations.models import Membership, Role

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


def test_ra_provider_for_user_reads_the_membership_and_provider_in_one_query_once(
    ra_team_member, icb, org_admin, django_assert_num_queries
):
    user = type(ra_team_member).objects.get(pk=ra_team_member.pk)  # nothing cached yet

    with django_assert_num_queries(1):
        first = ra_provider_for_user(user)
        again = ra_provider_for_user(user)

    assert first == again == icb
    assert ra_provider_for_user(org_admin) is None
    assert ra_provider_for_user(AnonymousUser()) is None


def test_is_national_admin_asks_the_database_once_per_user_object(
    national_admin, ra_team_member, role_groups, django_assert_num_queries
):
    national = type(national_admin).objects.get(pk=national_admin.pk)
    member = type(ra_team_member).objects.get(pk=ra_team_member.pk)

    with django_assert_num_queries(2):
        answers = [is_national_admin(user) for user in (national, national, member, member)]

    assert answers == [True, True, False, False]
    assert is_national_admin(AnonymousUser()) is False


def test_access_for_ods_code_loads_the_organisation_its_icb_and_the_asked_relations_in_one_query(
    organisation, icb, org_admin, django_assert_num_queries
):
    Membership.objects.create(organisation=organisation, user=org_admin, role=Role.IT_LEAD)

    with django_assert_num_queries(1):
        access = access_for_ods_code(
            org_admin, "a81001", WIZARD_ROLES, organisation_related=("readiness_journey",)
        )
        assert access.organisation == organisation
        assert access.organisation.icb.name == icb.name
        assert getattr(access.organisation, "readiness_journey", None) is None
    assert access.roles == {Role.ORG_ADMIN, Role.IT_LEAD}


def test_access_for_ods_code_in_turn_for_two_users_and_organisations_gives_each_their_own(
    organisation, other_organisation, org_admin, other_org_admin, it_lead
):
    asked = [
        (org_admin, "A81001"),
        (other_org_admin, "B82002"),
        (it_lead, "A81001"),
        (org_admin, "A81001"),
    ]

    answers = [access_for_ods_code(user, code, PLAN_ROLES) for user, code in asked]

    assert [(a.organisation.ods_code, a.organisation.icb.ods_code, a.roles) for a in answers] == [
        ("A81001", "QE1", {Role.ORG_ADMIN}),
        ("B82002", "QWO", {Role.ORG_ADMIN}),
        ("A81001", "QE1", {Role.IT_LEAD}),
        ("A81001", "QE1", {Role.ORG_ADMIN}),
    ]


@pytest.mark.parametrize(
    ("user", "code", "roles"),
    [
        ("org_admin", "B82002", WIZARD_ROLES),  # another organisation's code
        ("org_admin", "Z99999", WIZARD_ROLES),  # no such organisation
        ("it_lead", "A81001", WIZARD_ROLES),  # a member, but not in a role the page admits
    ],
)
def test_access_for_ods_code_answers_404_to_anyone_the_page_does_not_admit(
    request, organisation, other_organisation, other_org_admin, user, code, roles
):
    with pytest.raises(Http404):
        access_for_ods_code(request.getfixturevalue(user), code, roles)
