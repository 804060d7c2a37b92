"""The account services called directly: the rules hold whichever view, admin or command calls them."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from organisations import roles, services
from organisations.models import Invitation, Membership, Organisation, RATeamMembership, Role, User
from tests.factories import UserFactory

from .helpers import emails_to

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-harbour-2026"


def register(icb, **overrides):
    arguments = {
        "email": "asha@example.org",
        "first_name": "Asha",
        "last_name": "Patel",
        "ods_code": "A81234",
        "organisation_name": "Canal Street Surgery",
        "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
        "icb": icb,
    }
    arguments.update(overrides)
    return services.register_organisation_admin(**arguments)


def test_confirm_email_link_works_once(icb):
    user = register(icb)
    token = services.make_confirmation_token(user)

    first = services.confirm_email(token, password=PASSWORD)
    with pytest.raises(ValidationError) as error:
        services.confirm_email(token, password="someone-elses-password-1")

    assert error.value.code == services.LINK_USED
    user.refresh_from_db()
    assert user.is_active is True
    assert user.email_confirmed_at == first.email_confirmed_at
    assert user.check_password(PASSWORD)


def test_confirm_email_link_stops_working_when_the_password_changes(icb):
    user = register(icb)
    token = services.make_confirmation_token(user)
    user.set_password("set-by-a-national-admin-1")
    user.save()

    with pytest.raises(ValidationError) as error:
        services.check_confirmation_token(token)

    assert error.value.code == services.LINK_USED


def test_confirm_email_weak_password_changes_nothing_and_link_still_works(icb):
    user = register(icb)
    token = services.make_confirmation_token(user)

    with pytest.raises(ValidationError) as error:
        services.confirm_email(token, password="password")

    assert "password1" in error.value.message_dict
    user.refresh_from_db()
    assert user.is_active is False
    assert user.email_confirmed_at is None
    assert services.confirm_email(token, password=PASSWORD).is_active is True


def test_confirm_email_link_stops_working_when_the_address_changes(icb):
    user = register(icb)
    token = services.make_confirmation_token(user)
    User.objects.filter(pk=user.pk).update(email="changed@example.org")

    with pytest.raises(ValidationError) as error:
        services.confirm_email(token, password=PASSWORD)

    assert error.value.code == services.LINK_INVALID
    assert User.objects.get(pk=user.pk).is_active is False


def test_confirmation_token_cannot_be_used_as_invitation_token(icb, organisation, org_admin):
    user = register(icb)
    invitation = services.invite_member(
        organisation, email=user.email, role=Role.IT_LEAD, invited_by=org_admin
    )
    confirmation = services.make_confirmation_token(user)

    with pytest.raises(ValidationError) as error:
        services.accept_invitation(confirmation, user=user)

    assert error.value.code == services.LINK_INVALID
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_register_organisation_admin_closed_icb_is_refused(icb):
    icb.status = icb.Status.CLOSED
    icb.closed_on = datetime.date(2026, 3, 31)
    icb.save()

    with pytest.raises(ValidationError) as error:
        register(icb)

    assert error.value.message_dict == {
        "icb": [f"{icb.name} closed on 31 March 2026. Select the ICB that took over your area"]
    }
    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_invite_member_same_address_twice_keeps_one_invitation_and_resends(organisation, org_admin):
    first = services.invite_member(
        organisation, email="Nia@Example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    second = services.invite_member(
        organisation, email="nia@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )

    assert first.pk == second.pk
    assert Invitation.objects.count() == 1
    assert first.email == "nia@example.org"
    assert 1 <= len(emails_to("nia@example.org")) <= 2  # one per distinct link; same second, same link


def test_accept_invitation_twice_is_refused(organisation, org_admin, other_org_admin):
    invitation = services.invite_member(
        organisation, email=other_org_admin.email, role=Role.IT_LEAD, invited_by=org_admin
    )
    token = services.make_invitation_token(invitation)
    services.accept_invitation(token, user=other_org_admin)

    with pytest.raises(ValidationError) as error:
        services.accept_invitation(token, user=other_org_admin)

    assert error.value.code == "accepted"
    assert Membership.objects.filter(organisation=organisation, user=other_org_admin).count() == 1


def test_accept_invitation_by_unconfirmed_sign_up_sets_their_own_name_and_password(
    icb, organisation, org_admin
):
    pending = register(icb, email="pending@example.org")
    invitation = services.invite_member(
        organisation, email=pending.email, role=Role.IT_LEAD, invited_by=org_admin
    )

    services.accept_invitation(
        services.make_invitation_token(invitation), first_name="Nia", last_name="Jones", password=PASSWORD
    )

    pending.refresh_from_db()
    assert pending.is_active is True
    assert pending.email_confirmed_at is not None
    assert (pending.first_name, pending.last_name) == ("Nia", "Jones")
    assert pending.check_password(PASSWORD)
    # The sign-up's own claim (A81234) was never confirmed by the address owner: it is dropped.
    assert list(pending.memberships.values_list("organisation__ods_code", "role")) == [
        ("A81001", Role.IT_LEAD)
    ]
    assert list(pending.groups.values_list("name", flat=True)) == [roles.IT_LEADS]


def test_accept_invitation_as_new_person_when_account_exists_is_refused(organisation, org_admin, it_lead):
    other = UserFactory(email="exists@example.org")
    invitation = services.invite_member(
        organisation, email=other.email, role=Role.IT_LEAD, invited_by=org_admin
    )

    with pytest.raises(ValidationError) as error:
        services.accept_invitation(
            services.make_invitation_token(invitation), first_name="X", last_name="Y", password=PASSWORD
        )

    assert error.value.code == "existing_user"
    assert User.objects.filter(email="exists@example.org").count() == 1


def test_remove_membership_by_someone_who_is_not_admin_is_refused(organisation, org_admin, it_lead):
    membership = Membership.objects.get(user=org_admin)

    with pytest.raises(PermissionDenied):
        services.remove_membership(membership, acting_user=it_lead)

    assert Membership.objects.filter(pk=membership.pk).exists()


def test_remove_membership_keeps_group_while_role_held_elsewhere(
    organisation, org_admin, other_organisation, other_org_admin
):
    services.add_membership(other_organisation, user=org_admin, role=Role.ORG_ADMIN)
    services.add_membership(organisation, user=other_org_admin, role=Role.ORG_ADMIN)

    services.remove_membership(
        Membership.objects.get(organisation=organisation, user=org_admin), acting_user=org_admin
    )

    assert org_admin.groups.filter(name=roles.ORG_ADMINS).exists()
    assert list(org_admin.memberships.values_list("organisation", flat=True)) == [other_organisation.pk]


def test_cancel_invitation_by_other_organisations_admin_is_refused(organisation, org_admin, other_org_admin):
    invitation = services.invite_member(
        organisation, email="x@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )

    with pytest.raises(PermissionDenied):
        services.cancel_invitation(invitation, acting_user=other_org_admin)

    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_remove_ra_team_member_keeps_staff_for_national_admin(icb, national_admin):
    membership = services.add_ra_team_member(icb, user=national_admin)

    services.remove_ra_team_member(membership)

    national_admin.refresh_from_db()
    assert national_admin.is_staff is True
    assert not RATeamMembership.objects.filter(user=national_admin).exists()
    assert not national_admin.groups.filter(name=roles.RA_TEAM_MEMBERS).exists()
