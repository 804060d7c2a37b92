import pytest
from django.contrib.auth.models import Group

from organisations import roles, services
from organisations.models import RATeamMembership, Role, User
from tests.factories import OrganisationFactory, RAProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_admin_ra_team_member_sees_only_their_providers_organisations(
    client, role_groups, icb, other_icb, organisation, other_organisation, ra_team_member
):
    csu = RAProviderFactory(ods_code="0DE", name="Test Commissioning Support Unit", kind="csu")
    client_icb = RAProviderFactory(ods_code="QAB", name="NHS Supported Integrated Care Board")
    client_icb.ra_support_provider = csu
    client_icb.save()
    supported = OrganisationFactory(ods_code="C10001", name="CSU Supported Surgery", icb=client_icb)
    csu_member = UserFactory(email="ra@csu.example.org")
    services.add_ra_team_member(csu, user=csu_member)
    client.force_login(ra_team_member)

    icb_view = client.get("/admin/organisations/organisation/")
    client.force_login(csu_member)
    csu_view = client.get("/admin/organisations/organisation/")

    assert list(icb_view.context["cl"].queryset) == [organisation]
    assert "Hillside Surgery" not in icb_view.content.decode()
    assert list(csu_view.context["cl"].queryset) == [supported]
    assert client.get(f"/admin/organisations/organisation/{organisation.pk}/change/").status_code == 302


def test_admin_ra_team_member_sees_only_their_own_provider(
    client, role_groups, icb, other_icb, ra_team_member
):
    client.force_login(ra_team_member)

    response = client.get("/admin/organisations/raprovider/")

    assert list(response.context["cl"].queryset) == [icb]


def test_admin_national_admin_sees_every_organisation(
    client, role_groups, organisation, other_organisation, national_admin
):
    client.force_login(national_admin)

    response = client.get("/admin/organisations/organisation/")

    assert set(response.context["cl"].queryset) == {organisation, other_organisation}


def test_admin_site_refuses_non_staff(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_national_admin_creates_ra_team_member(client, role_groups, icb, national_admin):
    client.force_login(national_admin)

    response = client.post(
        "/admin/organisations/user/add/",
        {
            "email": "New.RA@Example.org",
            "first_name": "Rhys",
            "last_name": "Agent",
            "password1": "lighthouse-harbour-2026",
            "password2": "lighthouse-harbour-2026",
            "ra_team_membership-TOTAL_FORMS": "1",
            "ra_team_membership-INITIAL_FORMS": "0",
            "ra_team_membership-MIN_NUM_FORMS": "0",
            "ra_team_membership-MAX_NUM_FORMS": "1",
            "ra_team_membership-0-provider": str(icb.pk),
            "_save": "Save",
        },
    )

    assert response.status_code == 302, response.context and response.context.get("errors")
    user = User.objects.get(email="new.ra@example.org")
    assert user.is_active is True
    assert user.is_staff is True
    assert user.email_confirmed_at is not None
    assert RATeamMembership.objects.get(user=user).provider == icb
    assert list(user.groups.values_list("name", flat=True)) == [roles.RA_TEAM_MEMBERS]
    client.force_login(user)
    assert client.get("/admin/organisations/raprovider/").status_code == 200


def test_admin_national_admin_cannot_grant_superuser(client, role_groups, national_admin, organisation):
    target = UserFactory(email="someone@example.org")
    client.force_login(national_admin)

    page = client.get(f"/admin/organisations/user/{target.pk}/change/")

    assert "is_superuser" in page.context["adminform"].readonly_fields
    assert "groups" in page.context["adminform"].readonly_fields


def test_admin_removing_ra_team_membership_removes_staff_and_group(client, role_groups, icb, national_admin):
    member = UserFactory(email="leaving@example.org")
    membership = services.add_ra_team_member(icb, user=member)
    client.force_login(national_admin)

    client.post(f"/admin/organisations/rateammembership/{membership.pk}/delete/", {"post": "yes"})

    member.refresh_from_db()
    assert not RATeamMembership.objects.filter(user=member).exists()
    assert member.is_staff is False
    assert not member.groups.filter(name=roles.RA_TEAM_MEMBERS).exists()
    assert Group.objects.filter(name=roles.RA_TEAM_MEMBERS).exists()


def _change_form_data(response) -> dict:
    """The POST data the admin change page would send back unchanged: the form and its inlines."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({field.html_name: field.value() for field in formset.management_form})
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = [str(item) for item in value] if isinstance(value, list) else value
    return data


def test_admin_deleting_a_membership_inline_drops_the_unused_role_group(
    admin_client, role_groups, organisation, org_admin, it_lead
):
    # National administrators only view memberships; a superuser may delete one here.
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    it_lead_row = next(key for key, value in data.items() if key.endswith("-user") and value == it_lead.pk)
    data[it_lead_row.removesuffix("-user") + "-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert list(organisation.memberships.values_list("user__email", flat=True)) == [org_admin.email]
    assert not it_lead.groups.filter(name=roles.IT_LEADS).exists()
    assert org_admin.groups.filter(name=roles.ORG_ADMINS).exists()


def test_admin_invitations_are_view_only(admin_client, organisation, org_admin):
    invitation = services.invite_member(
        organisation, email="new.lead@example.org", role="it_lead", invited_by=org_admin
    )

    add_page = admin_client.get("/admin/organisations/invitation/add/")
    change_page = admin_client.get(f"/admin/organisations/invitation/{invitation.pk}/change/")

    assert add_page.status_code == 403
    assert change_page.status_code == 200
    assert 'name="email"' not in change_page.content.decode()
    assert "new.lead@example.org" in change_page.content.decode()


def _membership_row(data, user):
    return next(
        key for key, value in data.items() if key.endswith("-user") and value == user.pk
    ).removesuffix("-user")


def test_admin_deleting_the_last_admin_while_members_remain_is_refused(
    admin_client, role_groups, organisation, org_admin, it_lead
):
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data[_membership_row(data, org_admin) + "-DELETE"] = "on"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "needs at least one organisation admin" in response.content.decode()
    assert organisation.memberships.filter(user=org_admin, role=Role.ORG_ADMIN).exists()


def test_admin_demoting_the_last_admin_is_refused(
    admin_client, role_groups, organisation, org_admin, it_lead
):
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data[_membership_row(data, org_admin) + "-role"] = Role.IT_LEAD

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "needs at least one organisation admin" in response.content.decode()
    assert list(organisation.memberships.filter(role=Role.ORG_ADMIN).values_list("user", flat=True)) == [
        org_admin.pk
    ]


def test_admin_changing_a_role_moves_the_membership(
    admin_client, role_groups, organisation, org_admin, it_lead
):
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data[_membership_row(data, it_lead) + "-role"] = Role.ORG_ADMIN

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert list(organisation.memberships.filter(user=it_lead).values_list("role", flat=True)) == [
        Role.ORG_ADMIN
    ]
    assert not it_lead.groups.filter(name=roles.IT_LEADS).exists()


def test_delete_membership_service_refuses_the_last_admin_of_an_organisation_with_members(
    organisation, org_admin, it_lead
):
    membership = organisation.memberships.get(user=org_admin)

    with pytest.raises(services.ValidationError):
        services.delete_membership(membership)

    assert organisation.memberships.filter(pk=membership.pk).exists()
    services.delete_membership(organisation.memberships.get(user=it_lead))
    services.delete_membership(membership)  # the last member of all may go
    assert not organisation.memberships.exists()


def test_change_membership_role_service_refuses_to_demote_the_last_admin(organisation, org_admin, it_lead):
    membership = organisation.memberships.get(user=org_admin)

    with pytest.raises(services.ValidationError):
        services.change_membership_role(membership, role=Role.IT_LEAD)

    assert organisation.memberships.get(pk=membership.pk).role == Role.ORG_ADMIN


def test_admin_changing_an_organisations_code_to_an_ra_provider_code_is_a_form_error(
    admin_client, role_groups, organisation, org_admin
):
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data["ods_code"] = "X24"

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert "X24 is an RA provider&#x27;s ODS code, not an organisation&#x27;s" in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.ods_code == "A81001"


def test_admin_giving_a_membership_row_another_person_moves_the_role_to_them(
    admin_client, role_groups, organisation, org_admin, it_lead
):
    newcomer = UserFactory(email="newcomer@riverside.example.org")
    url = f"/admin/organisations/organisation/{organisation.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data[_membership_row(data, it_lead) + "-user"] = newcomer.pk

    response = admin_client.post(url, data)

    assert response.status_code == 302
    assert sorted(organisation.memberships.values_list("user__email", "role")) == [
        (org_admin.email, Role.ORG_ADMIN),
        (newcomer.email, Role.IT_LEAD),
    ]
