"""Only a superuser changes a superuser or another staff account in the admin.

National administrators manage ordinary users; every path that could change a staff account (the
change form, the password form, the delete page and the delete action) refuses them.
"""

import pytest
from django.contrib.auth.models import Permission

from organisations import services
from organisations.models import RATeamMembership, User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-brand-new-password-41"


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="root@example.org", password=TEST_PASSWORD)


@pytest.fixture
def second_national_admin():
    return services.make_national_admin(UserFactory(email="national.two@example.org"))


@pytest.fixture
def ordinary_user():
    return UserFactory(email="ordinary@example.org")


@pytest.fixture
def staff_targets(superuser, second_national_admin, icb):
    ra_member = UserFactory(email="ra.target@example.org")
    services.add_ra_team_member(icb, user=ra_member)
    return {"superuser": superuser, "national admin": second_national_admin, "RA team member": ra_member}


def _change_form_post(user, **overrides):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": "Renamed",
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": "09:00:00",
        "ra_team_membership-TOTAL_FORMS": "0",
        "ra_team_membership-INITIAL_FORMS": "0",
        "ra_team_membership-MIN_NUM_FORMS": "0",
        "ra_team_membership-MAX_NUM_FORMS": "1",
    }
    data.update(overrides)
    return data


def test_admin_national_admin_cannot_change_a_staff_accounts_password(
    client, role_groups, national_admin, staff_targets
):
    client.force_login(national_admin)

    statuses = {}
    for name, target in staff_targets.items():
        response = client.post(
            f"/admin/organisations/user/{target.pk}/password/",
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
        )
        statuses[name] = response.status_code
        target.refresh_from_db()
        assert target.check_password(TEST_PASSWORD), name
        assert not target.check_password(NEW_PASSWORD), name

    assert statuses == dict.fromkeys(staff_targets, 403)


def test_admin_national_admin_cannot_change_a_staff_accounts_email_or_flags(
    client, role_groups, national_admin, staff_targets
):
    client.force_login(national_admin)

    for name, target in staff_targets.items():
        response = client.post(
            f"/admin/organisations/user/{target.pk}/change/",
            _change_form_post(target, email=f"taken.{target.pk}@attacker.example", is_active=""),
        )
        target.refresh_from_db()
        assert response.status_code == 403, name
        assert target.email.endswith("example.org"), name
        assert target.is_active, name
        assert target.last_name != "Renamed", name


def test_admin_national_admin_sees_a_staff_account_read_only(client, role_groups, national_admin, superuser):
    client.force_login(national_admin)

    response = client.get(f"/admin/organisations/user/{superuser.pk}/change/")

    content = response.content.decode()
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="email"' not in content
    assert f"/admin/organisations/user/{superuser.pk}/password/" not in content


def test_admin_national_admin_cannot_delete_a_staff_account_even_with_delete_permission(
    client, role_groups, national_admin, staff_targets
):
    national_admin.user_permissions.add(Permission.objects.get(codename="delete_user"))
    client.force_login(national_admin)

    for name, target in staff_targets.items():
        page = client.post(f"/admin/organisations/user/{target.pk}/delete/", {"post": "yes"})
        assert page.status_code == 403, name
    action = client.post(
        "/admin/organisations/user/",
        {
            "action": "delete_selected",
            "_selected_action": [target.pk for target in staff_targets.values()],
            "post": "yes",
        },
    )

    assert action.status_code == 403
    assert User.objects.filter(pk__in=[t.pk for t in staff_targets.values()]).count() == len(staff_targets)


def test_admin_national_admin_cannot_make_an_ordinary_user_staff(
    client, role_groups, national_admin, ordinary_user
):
    client.force_login(national_admin)

    response = client.post(
        f"/admin/organisations/user/{ordinary_user.pk}/change/",
        _change_form_post(ordinary_user, is_staff="on", is_superuser="on"),
    )

    ordinary_user.refresh_from_db()
    assert response.status_code == 302
    assert ordinary_user.last_name == "Renamed"
    assert (ordinary_user.is_staff, ordinary_user.is_superuser) == (False, False)


def test_admin_national_admin_still_manages_ordinary_users(
    client, role_groups, national_admin, ordinary_user
):
    client.force_login(national_admin)

    password = client.post(
        f"/admin/organisations/user/{ordinary_user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    change = client.post(
        f"/admin/organisations/user/{ordinary_user.pk}/change/",
        _change_form_post(ordinary_user, is_active=""),
    )

    ordinary_user.refresh_from_db()
    assert (password.status_code, change.status_code) == (302, 302)
    assert ordinary_user.check_password(NEW_PASSWORD)
    assert ordinary_user.is_active is False


def test_admin_superuser_changes_a_staff_accounts_password(client, superuser, second_national_admin):
    client.force_login(superuser)

    response = client.post(
        f"/admin/organisations/user/{second_national_admin.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    second_national_admin.refresh_from_db()
    assert response.status_code == 302
    assert second_national_admin.check_password(NEW_PASSWORD)


def test_admin_national_admin_cannot_put_a_superuser_or_national_admin_in_an_ra_team(
    client, role_groups, national_admin, icb, superuser, second_national_admin
):
    client.force_login(national_admin)

    responses = [
        client.post("/admin/organisations/rateammembership/add/", {"user": target.pk, "provider": icb.pk})
        for target in (superuser, second_national_admin)
    ]

    assert [response.status_code for response in responses] == [200, 200]
    for response in responses:
        assert response.context["adminform"].form.errors["user"] == [
            "Only a superuser can add a staff account to an RA team."
        ]
    assert not RATeamMembership.objects.exists()
    assert not second_national_admin.groups.filter(name="RA team members").exists()


def test_admin_national_admin_adds_an_ordinary_user_to_an_ra_team(
    client, role_groups, national_admin, icb, ordinary_user
):
    client.force_login(national_admin)

    response = client.post(
        "/admin/organisations/rateammembership/add/", {"user": ordinary_user.pk, "provider": icb.pk}
    )

    ordinary_user.refresh_from_db()
    assert response.status_code == 302
    assert ordinary_user.ra_team_membership.provider == icb
    assert ordinary_user.is_staff
