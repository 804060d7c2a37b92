import pytest


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Sign-in tests hash many passwords; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
