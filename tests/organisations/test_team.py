import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from organisations import roles, services
from organisations.models import Invitation, Membership, Role, User
from tests.factories import OrganisationFactory, UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-harbour-2026"


def team_url(organisation):
    return f"/account/{organisation.ods_code}/team/"


def invite(client, organisation, email, role=Role.IT_LEAD):
    return client.post(team_url(organisation), {"email": email, "role": role})


def test_team_page_lists_members_roles_and_pending_invitations(client, organisation, org_admin, it_lead):
    Invitation.objects.create(
        organisation=organisation, email="waiting@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    client.force_login(org_admin)

    content = client.get(team_url(organisation)).content.decode()

    assert "<h1>Team</h1>" in content
    assert org_admin.email in content
    assert it_lead.email in content
    assert "waiting@example.org" in content
    assert '<caption class="nhsuk-table__caption">Members and their roles</caption>' in content
    assert "The only admin: invite another admin before removing this role." in content


def test_team_page_other_organisations_admin_gets_404(client, organisation, org_admin, other_org_admin):
    client.force_login(other_org_admin)

    response = client.get(team_url(organisation))

    assert response.status_code == 404
    assert org_admin.email not in response.content.decode()


def test_team_page_it_lead_gets_404(client, organisation, it_lead):
    client.force_login(it_lead)

    response = client.get(team_url(organisation))

    assert response.status_code == 404
    assert it_lead.email not in response.content.decode()
    assert "Invite someone" not in response.content.decode()


def test_team_page_tampered_ods_code_gets_404(client, organisation, org_admin):
    client.force_login(org_admin)

    for url in ("/account/ZZZ99/team/", "/account/A81001'--/team/", "/account/a81001x/team/"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert org_admin.email not in response.content.decode()


def test_team_page_signed_out_redirects_to_sign_in(client, organisation):
    response = client.get(team_url(organisation))

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/?next=")


def test_invite_bad_email_shows_error_summary(client, organisation, org_admin):
    client.force_login(org_admin)

    response = invite(client, organisation, "not-an-email", role="")

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary"' in content
    assert "Enter an email address in the correct format" in content
    assert "Select a role" in content
    assert Invitation.objects.count() == 0


def test_invite_new_person_who_accepts_becomes_member(client, organisation, org_admin):
    client.force_login(org_admin)
    response = invite(client, organisation, "New.Lead@Example.org")
    assert response["Location"] == team_url(organisation)
    [email] = emails_to("new.lead@example.org")
    assert email.subject == "Invitation to join \u201cRiverside Surgery\u201d on the CIS onboarding portal"
    assert "You have been invited to join an organisation on the CIS onboarding portal as an IT lead." in (
        email.body
    )
    assert "Organisation: \u201cRiverside Surgery\u201d\nInvited by: \u201cTest User" in email.body
    link = link_path(email, "/account/invitation/")
    client.logout()

    page = client.get(link).content.decode()
    response = client.post(
        link, {"first_name": "Nia", "last_name": "Lead", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert "Create account and accept" in page
    assert response["Location"] == "/"
    user = User.objects.get(email="new.lead@example.org")
    assert user.is_active is True
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (organisation.pk, Role.IT_LEAD)
    ]
    assert user.groups.filter(name=roles.IT_LEADS).exists()
    assert Invitation.objects.get().accepted_by == user
    # The link works once.
    assert "This invitation has already been used" in client.get(link).content.decode()


def test_invite_new_person_weak_password_keeps_name_and_shows_error(client, organisation, org_admin):
    client.force_login(org_admin)
    invite(client, organisation, "new.lead@example.org")
    link = link_path(emails_to("new.lead@example.org")[0], "/account/invitation/")
    client.logout()

    response = client.post(
        link, {"first_name": "Nia", "last_name": "Lead", "password1": "12345678", "password2": "12345678"}
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_password1">' in content
    assert 'value="Nia"' in content
    assert not User.objects.filter(email="new.lead@example.org").exists()
    assert Invitation.objects.get().accepted_at is None


def test_invite_existing_user_signs_in_and_accepts(client, organisation, org_admin, other_org_admin):
    client.force_login(org_admin)
    invite(client, organisation, other_org_admin.email, role=Role.ORG_ADMIN)
    link = link_path(emails_to(other_org_admin.email)[0], "/account/invitation/")
    client.logout()

    signed_out_page = client.get(link).content.decode()
    client.force_login(other_org_admin)
    response = client.post(link)

    assert "Sign in to accept" in signed_out_page
    assert f"/account/sign-in/?next={link}" in signed_out_page
    assert response["Location"] == "/"
    assert Membership.objects.filter(
        organisation=organisation, user=other_org_admin, role=Role.ORG_ADMIN
    ).exists()
    assert client.get(team_url(organisation)).status_code == 200


def test_invite_cannot_be_accepted_by_another_signed_in_user(
    client, organisation, org_admin, other_org_admin
):
    client.force_login(org_admin)
    invite(client, organisation, "new.lead@example.org")
    link = link_path(emails_to("new.lead@example.org")[0], "/account/invitation/")
    client.force_login(other_org_admin)

    page = client.get(link).content.decode()
    response = client.post(link)

    assert "You are signed in as someone else" in page
    assert response.status_code == 400
    assert "This invitation was sent to new.lead@example.org." in response.content.decode()
    assert not Membership.objects.filter(organisation=organisation, user=other_org_admin).exists()
    assert Invitation.objects.get().accepted_at is None


def test_invite_tampered_link_is_refused(client, organisation, org_admin):
    client.force_login(org_admin)
    invite(client, organisation, "new.lead@example.org")
    link = link_path(emails_to("new.lead@example.org")[0], "/account/invitation/")
    client.logout()
    tampered = link.replace("/invitation/", "/invitation/x")

    response = client.post(
        tampered, {"first_name": "Nia", "last_name": "Lead", "password1": PASSWORD, "password2": PASSWORD}
    )

    assert "This link does not work" in response.content.decode()
    assert not User.objects.filter(email="new.lead@example.org").exists()


def test_invite_existing_member_role_is_refused(client, organisation, org_admin, it_lead):
    client.force_login(org_admin)

    response = invite(client, organisation, it_lead.email, role=Role.IT_LEAD)

    assert f"{it_lead.email} is already an IT lead at Riverside Surgery" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_invite_member_by_non_admin_is_refused(organisation, it_lead):
    with pytest.raises(services.PermissionDenied):
        services.invite_member(organisation, email="x@example.org", role=Role.IT_LEAD, invited_by=it_lead)

    assert Invitation.objects.count() == 0


def test_invite_post_to_other_organisation_gets_404(
    client, organisation, other_organisation, other_org_admin
):
    client.force_login(other_org_admin)

    response = invite(client, organisation, "sneaky@example.org")

    assert response.status_code == 404
    assert Invitation.objects.count() == 0


def test_withdraw_invitation_makes_its_link_stop_working(client, organisation, org_admin):
    client.force_login(org_admin)
    invite(client, organisation, "new.lead@example.org")
    invitation = Invitation.objects.get()
    link = link_path(emails_to("new.lead@example.org")[0], "/account/invitation/")

    response = client.post(f"{team_url(organisation)}invitations/{invitation.pk}/withdraw/")

    assert response["Location"] == team_url(organisation)
    assert Invitation.objects.count() == 0
    client.logout()
    assert "This link does not work" in client.get(link).content.decode()


def test_withdraw_other_organisations_invitation_gets_404(
    client, organisation, org_admin, other_organisation, other_org_admin
):
    invitation = Invitation.objects.create(
        organisation=organisation, email="x@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    client.force_login(other_org_admin)

    own_url = f"/account/{other_organisation.ods_code}/team/invitations/{invitation.pk}/withdraw/"
    response = client.post(own_url)

    assert response.status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_remove_own_last_admin_role_is_refused(client, organisation, org_admin):
    membership = Membership.objects.get(user=org_admin, role=Role.ORG_ADMIN)
    client.force_login(org_admin)

    response = client.post(f"{team_url(organisation)}remove/", {"membership": membership.pk})

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="nhsuk-error-summary"' in content
    assert "You are the only organisation admin, so you cannot remove your own admin role." in content
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_it_lead_role_removes_membership_and_group(client, organisation, org_admin, it_lead):
    membership = Membership.objects.get(user=it_lead)
    client.force_login(org_admin)

    response = client.post(f"{team_url(organisation)}remove/", {"membership": membership.pk}, follow=True)

    assert response.redirect_chain == [(team_url(organisation), 302)]
    assert "is no longer an IT lead at Riverside Surgery." in response.content.decode()
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not it_lead.groups.filter(name=roles.IT_LEADS).exists()


def test_remove_own_admin_role_allowed_when_another_admin_exists(client, organisation, org_admin):
    second = UserFactory(email="second@riverside.example.org")
    services.add_membership(organisation, user=second, role=Role.ORG_ADMIN)
    client.force_login(org_admin)
    membership = Membership.objects.get(user=org_admin)

    client.post(f"{team_url(organisation)}remove/", {"membership": membership.pk})

    assert list(organisation.memberships.values_list("user__email", flat=True)) == [second.email]
    assert client.get(team_url(organisation)).status_code == 404


def test_remove_other_organisations_membership_is_refused(
    client, organisation, org_admin, other_organisation, other_it_lead
):
    membership = Membership.objects.get(user=other_it_lead)
    client.force_login(org_admin)

    response = client.post(f"{team_url(organisation)}remove/", {"membership": membership.pk})

    assert response.status_code == 400
    assert "That person no longer has this role" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert Group.objects.get(name=roles.IT_LEADS).user_set.filter(pk=other_it_lead.pk).exists()


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_team_page_query_count_does_not_grow_with_the_team(client, organisation, org_admin):
    client.force_login(org_admin)
    services.invite_member(organisation, email="first@example.org", role=Role.IT_LEAD, invited_by=org_admin)
    small = count_queries(client, team_url(organisation))
    for number in range(10):
        services.add_membership(organisation, user=UserFactory(), role=Role.IT_LEAD)
        services.invite_member(
            organisation, email=f"invitee{number}@example.org", role=Role.ORG_ADMIN, invited_by=org_admin
        )

    large = count_queries(client, team_url(organisation))

    assert large == small


def test_home_page_query_count_does_not_grow_with_memberships(client, org_admin):
    client.force_login(org_admin)
    small = count_queries(client, "/")
    for _ in range(10):
        services.add_membership(OrganisationFactory(), user=org_admin, role=Role.ORG_ADMIN)

    large = count_queries(client, "/")

    assert large == small
