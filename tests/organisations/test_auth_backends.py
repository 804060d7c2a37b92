"""organisations.auth_backends: permissions read in one query, answering exactly as ModelBackend does."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from organisations.models import User
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def permission(app_label: str, codename: str) -> Permission:
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@pytest.fixture
def user_with_own_and_group_permissions():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(permission("organisations", "view_organisation"))
    for name, perms in (("Readers", ["view_rarequest"]), ("Triage", ["view_rarequest", "change_rarequest"])):
        group = Group.objects.create(name=name)
        group.permissions.add(*(permission("ra_requests", codename) for codename in perms))
        user.groups.add(group)
    return user


def test_permissions_are_those_model_backend_reads_in_one_query(user_with_own_and_group_permissions):
    expected_user = User.objects.get(pk=user_with_own_and_group_permissions.pk)
    stock = ModelBackend()
    expected = (
        stock.get_user_permissions(expected_user),
        stock.get_group_permissions(expected_user),
        stock.get_all_permissions(expected_user),
    )
    user = User.objects.get(pk=user_with_own_and_group_permissions.pk)

    with CaptureQueriesContext(connection) as queries:
        answers = (user.get_user_permissions(), user.get_group_permissions(), user.get_all_permissions())
        checks = [
            user.has_perm("ra_requests.change_rarequest"),
            user.has_perm("organisations.view_organisation"),
            user.has_perm("organisations.change_organisation"),
            user.has_module_perms("ra_requests"),
            user.has_module_perms("training"),
        ]

    assert answers == expected
    assert expected[2] == {
        "organisations.view_organisation",
        "ra_requests.view_rarequest",
        "ra_requests.change_rarequest",
    }
    assert checks == [True, True, False, True, False]
    assert len(queries) == 1


def test_an_inactive_user_has_no_permissions_and_a_superuser_has_all(user_with_own_and_group_permissions):
    User.objects.filter(pk=user_with_own_and_group_permissions.pk).update(is_active=False)
    inactive = User.objects.get(pk=user_with_own_and_group_permissions.pk)
    superuser = UserFactory(is_staff=True, is_superuser=True)

    assert inactive.get_all_permissions() == set()
    assert not inactive.has_perm("ra_requests.view_rarequest")
    assert superuser.has_perm("training.delete_trainingmodule")
    assert superuser.get_all_permissions() == ModelBackend().get_all_permissions(superuser)


def test_a_permission_taken_away_is_gone_on_the_next_request(client, user_with_own_and_group_permissions):
    Group.objects.get(name="Triage").permissions.remove(permission("ra_requests", "change_rarequest"))

    user = User.objects.get(pk=user_with_own_and_group_permissions.pk)

    assert not user.has_perm("ra_requests.change_rarequest")
    assert user.has_perm("ra_requests.view_rarequest")


def test_sessions_keep_naming_model_backend_and_passwords_still_sign_in(
    client, user_with_own_and_group_permissions
):
    """The backend signs no one in and has no get_user: sessions made before it keep working."""
    client.force_login(user_with_own_and_group_permissions)

    assert client.session[BACKEND_SESSION_KEY] == "django.contrib.auth.backends.ModelBackend"
    request = RequestFactory().post("/accounts/login/")
    signed_in = authenticate(
        request, username=user_with_own_and_group_permissions.email, password=TEST_PASSWORD
    )
    assert signed_in == user_with_own_and_group_permissions
    assert signed_in.backend == "django.contrib.auth.backends.ModelBackend"
