import pytest
from django.db import transaction
from django.test import override_settings

from .authz_world import build_world


@pytest.fixture(scope="module")
def authz_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The two-organisation world of ``authz_world``, built once per module and rolled back after it.

    Each test still runs in its own savepoint (pytest-django's ``db``), so what a test changes
    (a POST, a sign-out) is undone before the next one.
    """
    media = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("media"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with media, django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
