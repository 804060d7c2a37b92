import pytest

# The browser fixtures (Chromium through Playwright, against live_server) for test_accounts_in_browser.
from tests.browser.conftest import base_url, browser, page  # noqa: F401


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Sign-in tests hash many passwords; the real hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
